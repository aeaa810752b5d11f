"""A question the assistant has no answer for gets an honest one.

"I didn't follow" reads as being ignored; "a doctor or admissions can answer
that" does not. Used by the forms (actions/form_validation.py), after the
explanation (actions/follow_up.py) and anywhere else (actions/not_understood.py).
"""

from typing import Any, Optional

from rasa_sdk import Tracker

from actions.answers import is_question

QUESTION_FOR_ADMISSIONS = "utter_faq/for_admissions"
# Said instead of the same "I didn't follow" a second time in a row: a way out, not a loop.
UNCLEAR_AGAIN = "utter_unclear_again"


def last_bot_response(tracker: Tracker) -> Optional[str]:
    for event in reversed(tracker.events):
        if event.get("event") == "bot":
            return (event.get("metadata") or {}).get("utter_action")
    return None


def not_understood_response(
    text: Any, otherwise: str = "utter_follow_up_unclear", tracker: Optional[Tracker] = None
) -> str:
    response = QUESTION_FOR_ADMISSIONS if is_question(text) else otherwise
    if tracker is not None and last_bot_response(tracker) == response:
        return UNCLEAR_AGAIN
    return response
