"""A question the assistant has no answer for gets an honest one.

"I didn't follow" reads as being ignored; "a doctor or admissions can answer
that" does not. Used by the forms (actions/form_validation.py), after the
explanation (actions/follow_up.py) and anywhere else (actions/not_understood.py).
"""

from typing import Any

from actions.answers import is_question

QUESTION_FOR_ADMISSIONS = "utter_question_for_admissions"


def not_understood_response(text: Any, otherwise: str = "utter_follow_up_unclear") -> str:
    return QUESTION_FOR_ADMISSIONS if is_question(text) else otherwise
