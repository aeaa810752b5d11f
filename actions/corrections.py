"""A person changing an earlier answer: "wait, I meant no", "go back".

Substances named later ("actually I do take xanax") are handled where the
form reads what a message implies (actions/screening_form.py); this module
finds the explicit corrections of the answer just given.
"""

import re
from typing import Any, Dict, List, Optional

# "go back", "can i go back", "change my last answer", "undo that".
GO_BACK = re.compile(
    r"\b(?:go(?:ing)? back(?! to the (?:beginning|start|top))|back up|previous question|last question|undo|"
    r"change (?:my|the|that) (?:last )?answer|redo (?:that|the last))\b",
    re.IGNORECASE,
)
# "wait, I meant no", "no wait, yes", "sorry I mean yes", "scratch that".
NEW_ANSWER = re.compile(
    r"^\W*(?:(?:no |oh )?wait|oops|sorry|my bad|scratch that|correction)?\W*"
    r"(?:i (?:meant|mean)|i meant to say|that should be|should have said|"
    r"(?:no |oh )?wait|oops|my bad|scratch that)\W+(?P<rest>.+)$",
    re.IGNORECASE,
)


def wants_to_go_back(text: str) -> bool:
    return bool(GO_BACK.search(text))


def corrected_answer(text: str) -> Optional[str]:
    """The new answer in "wait, I meant no" ("no"); None if the text corrects nothing."""
    match = NEW_ANSWER.match(text.strip())
    return match.group("rest").strip() if match else None


def previous_question(
    events: List[Dict[str, Any]], questions: List[str], current: str
) -> Optional[str]:
    """The screening question answered most recently before `current`."""
    for event in reversed(events):
        name = event.get("name")
        if event.get("event") == "slot" and name in questions and name != current:
            if event.get("value") is not None:
                return str(name)
    return None
