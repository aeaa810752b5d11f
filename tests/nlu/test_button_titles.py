"""Every button label typed as text does what the button does.

On SMS and by people who type rather than tap, "Go on with the questions" is
text: the trained model must read it as the button's intent, and no emergency
pattern may take it. Screening-question buttons are read by the answer parsers
(tests/unit/test_answer_parsers.py); this covers every other button.
"""

import asyncio
import re
from pathlib import Path
from typing import Any, Dict, List, Tuple

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
RESPONSES = sorted((ROOT / "domain").rglob("*.yml"))
INTENT_PAYLOAD = re.compile(r"^/(\w+)$")


def intent_buttons() -> List[Tuple[str, str]]:
    """(title, intent) of every button whose payload is a bare intent, once each."""
    found: Dict[Tuple[str, str], None] = {}
    for path in RESPONSES:
        responses = (yaml.safe_load(path.read_text()) or {}).get("responses") or {}
        for name, variants in responses.items():
            if name.startswith("utter_ask_"):
                continue  # a question's buttons: its answer parser reads them
            for variant in variants:
                for button in variant.get("buttons") or []:
                    match = INTENT_PAYLOAD.match(str(button.get("payload")))
                    if match:
                        found[(str(button["title"]), match.group(1))] = None
    return list(found)


BUTTONS = intent_buttons()


@pytest.fixture(scope="module")
def parsed(agent: Any) -> Dict[str, Dict[str, Any]]:
    async def parse_all() -> Dict[str, Dict[str, Any]]:
        return {title: await agent.parse_message(title) for title, _ in BUTTONS}

    return asyncio.run(parse_all())


def test_the_buttons_are_found() -> None:
    assert ("Go on with the questions", "start_screening") in BUTTONS
    assert len(BUTTONS) >= 8


@pytest.mark.parametrize("title,intent", BUTTONS, ids=[f"{t} -> {i}" for t, i in BUTTONS])
def test_a_button_label_typed_is_read_as_its_button(
    title: str, intent: str, parsed: Dict[str, Dict[str, Any]]
) -> None:
    assert parsed[title]["intent"]["name"] == intent, parsed[title]["intent"]
