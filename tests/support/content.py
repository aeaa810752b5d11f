"""What the assistant says, read from domain/ the way Rasa fills it in."""

import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List

from storage.domain_files import DOMAIN_DIR, merged_domain

ROOT = Path(__file__).resolve().parents[2]


@lru_cache(maxsize=None)
def domain() -> Dict[str, Any]:
    """domain/*.yml merged as Rasa merges a domain folder."""
    return merged_domain()


@lru_cache(maxsize=None)
def slot_defaults() -> Dict[str, str]:
    return {
        name: str(slot["initial_value"])
        for name, slot in domain()["slots"].items()
        if slot.get("initial_value") is not None
    }


def responses() -> Dict[str, List[dict]]:
    return dict(domain()["responses"])


def fill(text: str) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: slot_defaults().get(m.group(1), m.group(0)), text)


def web_texts(response: str) -> List[str]:
    """The texts of a response as web chat, REST and the shell show them."""
    return [fill(v["text"]) for v in responses()[response] if "channel" not in v]


def is_spanish(variant: Dict[str, Any]) -> bool:
    return {"type": "slot", "name": "language", "value": "es"} in (variant.get("condition") or [])


def says_in_spanish(reply: str, response: str, channel: str = "web") -> bool:
    """Whether a reply contains one of the Spanish variants of a response on a channel."""
    variants = [v for v in responses()[response] if is_spanish(v)]
    own = [v for v in variants if v.get("channel") == channel]
    web = [v for v in variants if "channel" not in v]
    return any(fill(v["text"]) in reply for v in own or web)


def sms_texts_of(response: str) -> List[str]:
    """The texts of a response as SMS shows them (its `channel: sms` variants, else the web ones)."""
    variants = responses()[response]
    sms = [v for v in variants if v.get("channel") == "sms"]
    return [fill(v["text"]) for v in (sms or [v for v in variants if "channel" not in v])]


def says(reply: str, response: str) -> bool:
    """Whether a reply contains (one variant of) the given response."""
    return any(text in reply for text in web_texts(response))


@lru_cache(maxsize=None)
def nlg_agent() -> Any:
    """A Rasa agent with only the domain: renders responses as the server does."""
    from rasa.core.agent import Agent
    from rasa.shared.core.domain import Domain

    return Agent(domain=Domain.load(str(DOMAIN_DIR)))
