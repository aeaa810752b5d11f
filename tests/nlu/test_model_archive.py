"""The trained model is one deployable file: it runs without data/lexicon/ and build/.

The newest model in models/ (the test command trains it first) and a copy of
the project's Python packages go into a temporary directory. A fresh Python,
whose working directory is that directory and whose PYTHONPATH is that copy
only, loads the model with Rasa's Agent and parses two messages. An audit hook
in that process records every file it opens in the checkout (outside .venv):
there must be none, so nothing is read from data/lexicon/, build/ or the
checkout's packages.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict

import pytest
from rasa.model import get_latest_model

from storage.lexicon import REPO_ROOT

PACKAGES = ("actions", "addons", "storage", "admissions")
TIMEOUT = 600

# Runs in the temporary directory: python -c SCRIPT <checkout> <model> <output>.
SCRIPT = """
import asyncio, json, os, sys

checkout, model, output = sys.argv[1:]
opened = []


def audit(event, args):
    if event == "open" and isinstance(args[0], (str, bytes, os.PathLike)):
        path = os.path.abspath(os.fsdecode(args[0]))
        if path.startswith(checkout + os.sep) and not path.startswith(
            os.path.join(checkout, ".venv") + os.sep
        ):
            opened.append(path)


sys.addaudithook(audit)

from rasa.core.agent import Agent

import addons, storage
from addons.patches import domain_load

domain_load.install()  # as the Rasa server loads it
agent = Agent.load(model)
texts = ["zannies", "my friend is not breathing"]
parsed = {text: asyncio.run(agent.parse_message(text)) for text in texts}
modules = [addons.__file__, storage.__file__]
with open(output, "w") as handle:
    json.dump({"parsed": parsed, "opened": opened, "modules": modules}, handle, default=str)
"""


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Dict[str, Any]:
    """What the model, copied away from the checkout, made of the two messages."""
    model = get_latest_model(str(REPO_ROOT / "models"))
    if model is None:
        pytest.skip("no trained model in models/: run `rasa train` first")
    deploy = tmp_path_factory.mktemp("deploy")
    shutil.copy(model, deploy / "model.tar.gz")
    code = deploy / "code"
    for package in PACKAGES:
        shutil.copytree(
            REPO_ROOT / package, code / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    assert not (deploy / "data").exists() and not (deploy / "build").exists()
    env = {**os.environ, "PYTHONPATH": str(code), "RASA_TELEMETRY_ENABLED": "false"}
    output = deploy / "output.json"
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(REPO_ROOT), "model.tar.gz", str(output)],
        cwd=deploy,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    data: Dict[str, Any] = json.loads(output.read_text())
    assert all(Path(module).is_relative_to(code) for module in data["modules"]), data["modules"]
    return data


def test_nothing_is_read_from_the_checkout(run: Dict[str, Any]) -> None:
    assert run["opened"] == []


def test_the_lexicon_is_in_the_model(run: Dict[str, Any]) -> None:
    entities = run["parsed"]["zannies"]["entities"]
    assert [(e["entity"], e["value"]) for e in entities] == [("benzodiazepine", "alprazolam")]


def test_the_crisis_patterns_are_in_the_model(run: Dict[str, Any]) -> None:
    parsed = run["parsed"]["my friend is not breathing"]
    assert parsed["intent"]["name"] == "emergency_overdose"
