"""The channels' own wording (data/content/channels.yml) and the admissions phone.

The phone number is read from the admissions_phone slot in domain.yml, the one
place it lives.
"""

from functools import lru_cache
from pathlib import Path
from typing import Any, Dict

import yaml

ROOT = Path(__file__).resolve().parents[1]
TEXTS_FILE = ROOT / "data" / "content" / "channels.yml"
DOMAIN_FILE = ROOT / "domain.yml"


@lru_cache(maxsize=None)
def _texts() -> Dict[str, Any]:
    loaded: Dict[str, Any] = yaml.safe_load(TEXTS_FILE.read_text(encoding="utf-8"))
    return loaded


@lru_cache(maxsize=None)
def admissions_phone() -> str:
    domain = yaml.safe_load(DOMAIN_FILE.read_text(encoding="utf-8"))
    return str(domain["slots"]["admissions_phone"]["initial_value"])


def channel_text(key: str) -> str:
    """A text both channels use, with {admissions_phone} filled in."""
    return str(_texts()["channel_texts"][key]).format(admissions_phone=admissions_phone())


def sms_text(key: str, **values: Any) -> str:
    """An SMS text with {organisation}, {admissions_phone} and `values` filled in."""
    texts = _texts()["sms_texts"]
    return str(texts[key]).format(
        organisation=texts["organisation"], admissions_phone=admissions_phone(), **values
    )
