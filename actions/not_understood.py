"""A message the assistant did not understand, outside the screening questions.

A question gets an honest answer (actions/question_back.py); a phone number is
someone asking to be called; anything else, how to go on.
"""

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import FollowupAction, SlotSet, UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.callback import e164
from actions.question_back import not_understood_response
from storage.names import LANGUAGE_SLOT

CALLBACK_FORM = "callback_form"


def phone_number_in(text: Any) -> bool:
    """A number in a message nobody understood is someone asking to be called."""
    return e164(text) is not None


class ActionNotUnderstood(Action):
    def name(self) -> Text:
        return "action_not_understood"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[str, Any]]:
        text = tracker.latest_message.get("text")
        if phone_number_in(text):
            return [FollowupAction(CALLBACK_FORM)]
        dispatcher.utter_message(response=not_understood_response(text, "utter_default", tracker))
        return []


class ActionDefaultFallback(Action):
    """Rasa's fallback when no rule or story fits, with its own wording: the same "I
    didn't understand" is never said twice in a row. Like Rasa's, it takes the
    message back, so the next one is read where the conversation was; the language
    the message chose stays ("no no, en español por favor" is still Spanish after it)."""

    def name(self) -> Text:
        return "action_default_fallback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[str, Any]]:
        text = tracker.latest_message.get("text")
        dispatcher.utter_message(response=not_understood_response(text, "utter_default", tracker))
        return [UserUtteranceReverted(), SlotSet(LANGUAGE_SLOT, tracker.get_slot(LANGUAGE_SLOT))]
