"""Questions back: the FAQ answer chosen for one, or an honest one when there is none.

"I didn't follow" reads as being ignored; "a doctor or admissions can answer
that" does not. Used by the forms (actions/form_validation.py, screening_form.py,
callback.py), after the explanation (actions/follow_up.py) and anywhere else
(actions/not_understood.py).
"""

import re
from typing import Any, Optional

from rasa_sdk import Tracker

from actions.answers import is_question

QUESTION_FOR_ADMISSIONS = "utter_faq/for_admissions"
# Said instead of the same "I didn't follow" a second time in a row: a way out, not a loop.
UNCLEAR_AGAIN = "utter_unclear_again"
SENTENCE_BREAK = re.compile(r"[.,!;]")


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


def faq_answer(tracker: Tracker) -> Optional[str]:
    """The FAQ response for a message read as a question back ("a month. is this withdrawal?").

    Without a question in it ("a while"), an FAQ reading is the classifier's mistake.
    """
    text = str(tracker.latest_message.get("text") or "")
    asks = any(is_question(part) for part in SENTENCE_BREAK.split(text))
    if (tracker.latest_message.get("intent") or {}).get("name") != "faq" or not asks:
        return None
    selected = (tracker.latest_message.get("response_selector") or {}).get("faq") or {}
    return (selected.get("response") or {}).get("utter_action")
