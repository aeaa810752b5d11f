"""What the assistant says, read from data/content/ the way Rasa fills it in."""

import re
from functools import lru_cache
from pathlib import Path
from typing import Dict, List

import yaml

ROOT = Path(__file__).resolve().parents[2]


@lru_cache(maxsize=None)
def slot_defaults() -> Dict[str, str]:
    domain = yaml.safe_load((ROOT / "domain.yml").read_text())
    return {
        name: str(slot["initial_value"])
        for name, slot in domain["slots"].items()
        if slot.get("initial_value") is not None
    }


@lru_cache(maxsize=None)
def responses() -> Dict[str, List[dict]]:
    found: Dict[str, List[dict]] = {}
    for path in sorted((ROOT / "data" / "content").glob("*.yml")):
        found.update(yaml.safe_load(path.read_text()).get("responses") or {})
    return found


def fill(text: str) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: slot_defaults().get(m.group(1), m.group(0)), text)


def web_texts(response: str) -> List[str]:
    """The texts of a response as web chat, REST and the shell show them."""
    return [fill(v["text"]) for v in responses()[response] if "channel" not in v]


def says(reply: str, response: str) -> bool:
    """Whether a reply contains (one variant of) the given response."""
    return any(text in reply for text in web_texts(response))
