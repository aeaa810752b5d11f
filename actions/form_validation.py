"""What both forms do with a message: take an answer, or help, or let it go.

A frightened person must never be stuck on a question. So the form counts how
often it has *asked* the open question in a row (not how often it got an
answer): after two asks, whatever comes next (an unclear answer, a question
back, a request for the number) records the question as "unclear" and the
form moves on. No question is ever asked three times in a row.
"""

from abc import ABC, abstractmethod
from typing import Collection, List, Optional, Set, Union

from rasa_sdk import Tracker
from rasa_sdk.events import ActionExecutionRejected, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from actions.answers import UNCLEAR
from actions.question_back import not_understood_response

REQUESTED_SLOT = "requested_slot"
# Actions between a person's message and the form reading it.
BEFORE_THE_FORM = ("action_listen", "action_extract_slots")
# Asked this many times in a row, the question is not asked again.
MAX_ASKS = 2

Answer = Union[str, List[str]]


def times_asked(tracker: Tracker, slot: str, asks: Collection[str]) -> int:
    """How many times one of `asks` was said since the form last asked something else.

    Asks before an interruption that closed the form (an emergency answer, a stop)
    count too: the question never comes three times around it."""
    asked = 0
    for event in reversed(tracker.events):
        if (
            event.get("event") == "bot"
            and (event.get("metadata") or {}).get("utter_action") in asks
        ):
            asked += 1
        elif event.get("event") == "slot" and event.get("name") == REQUESTED_SLOT:
            if event.get("value") not in (slot, None):
                break
    return asked


def intent_of(tracker: Tracker) -> Optional[str]:
    return (tracker.latest_message.get("intent") or {}).get("name")


class CountingValidation(FormValidationAction, ABC):
    """Shared answer handling; subclasses read the answers of their own form."""

    @abstractmethod
    def name(self) -> str:
        """validate_<form name>."""

    def is_new_message(self, tracker: Tracker) -> bool:
        """True when the form runs on a message the person just sent.

        False when it resumes after something else answered (a question back,
        the number): there is nothing new to read then, only a question to ask.
        """
        for event in reversed(tracker.events):
            kind = event.get("event")
            if kind == "user":
                return True
            if kind == "bot":
                return False
            if kind == "action" and event.get("name") not in (*BEFORE_THE_FORM, self.form_name()):
                return False
        return False

    def ignored_intents(self, domain: DomainDict) -> List[str]:
        """The form's ignored_intents (the emergencies), from the domain."""
        form = (domain.get("forms") or {}).get(self.form_name()) or {}
        ignored = form.get("ignored_intents") or []
        return [ignored] if isinstance(ignored, str) else list(ignored)

    def asks(self, slot: str) -> Set[str]:
        """The responses that ask for `slot`."""
        return {f"utter_ask_{slot}"}

    def not_an_answer(
        self,
        slot: str,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        unclear: Answer = UNCLEAR,
        hand_off: bool = False,
        quiet: bool = False,
    ) -> List[EventType]:
        """Events for a message that does not answer `slot`.

        `hand_off`: the message is for another part of the conversation (a
        question back, the number, stop): the form steps aside so that it is
        answered, and the question is asked again after it. Otherwise the
        question is asked again with help (`quiet`: without it, when the
        message said something else worth keeping). Either way, a question
        already asked twice is recorded as unclear instead.
        """
        if times_asked(tracker, slot, self.asks(slot)) >= MAX_ASKS:
            events: List[EventType] = [SlotSet(slot, unclear)]
        else:
            events = [SlotSet(slot, None)]
            if not hand_off and not quiet:
                text = tracker.latest_message.get("text")
                dispatcher.utter_message(
                    response=not_understood_response(text, f"utter_help_{slot}")
                )
        if hand_off:
            events.append(ActionExecutionRejected(self.form_name()))
        return events
