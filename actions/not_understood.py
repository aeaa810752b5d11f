"""A message the assistant did not understand.

A question it has no answer for gets an honest one (a doctor or admissions
can answer it) instead of "I didn't follow", which reads as being ignored.
"""

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.answers import is_question

QUESTION_FOR_ADMISSIONS = "utter_question_for_admissions"


def not_understood_response(text: Any, otherwise: str = "utter_follow_up_unclear") -> str:
    return QUESTION_FOR_ADMISSIONS if is_question(text) else otherwise


class ActionNotUnderstood(Action):
    """Outside the screening questions: the question answer, or how to go on."""

    def name(self) -> Text:
        return "action_not_understood"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[str, Any]]:
        text = tracker.latest_message.get("text")
        dispatcher.utter_message(response=not_understood_response(text, "utter_default"))
        return []
