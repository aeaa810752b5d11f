"""The newest trained model, loaded once for every NLU test that reads messages through it.

`make test` trains it first, so a missing model fails these gates rather than skipping
them. It is loaded as the Rasa server loads it (addons/patches/domain_load.py).
"""

from pathlib import Path
from typing import Any

import pytest
from rasa.model import get_latest_model

from addons.patches import domain_load

MODELS = Path(__file__).resolve().parents[2] / "models"


@pytest.fixture(scope="session")
def agent() -> Any:
    model = get_latest_model(str(MODELS))
    if model is None:
        pytest.fail(f"no trained model in {MODELS}: make test trains one first")
    from rasa.core.agent import Agent

    domain_load.install()
    print(f"\nmodel: {model}")
    return Agent.load(model)
