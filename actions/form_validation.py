"""Shared behaviour for validating the answers of a form."""

from abc import ABC, abstractmethod
from typing import Any, Dict, List, Optional, Union

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction

from actions.answers import UNCLEAR

RETRIED_SLOT = "retried_slot"

Answer = Union[str, List[str]]


class AskOnceMoreValidation(FormValidationAction, ABC):
    """Asks an unclear question once more with help, then moves on.

    A frightened person should never be stuck on a question: the second
    unclear answer is recorded as "unclear" and the form goes on.
    """

    @abstractmethod
    def name(self) -> str:
        """validate_<form name>."""

    def accept(
        self,
        slot: str,
        answer: Optional[Answer],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        unclear: Answer = UNCLEAR,
    ) -> Dict[str, Any]:
        """Slot values for a parsed answer, or the retry-once behaviour."""
        retried = tracker.get_slot(RETRIED_SLOT)
        if answer is not None:
            return {slot: answer, **({RETRIED_SLOT: None} if retried == slot else {})}
        if tracker.get_slot("requested_slot") != slot:
            # Filled in passing from another message and not understood:
            # leave it for its own question.
            return {slot: None}
        if retried == slot:
            return {slot: unclear, RETRIED_SLOT: None}
        dispatcher.utter_message(response=f"utter_help_{slot}")
        return {slot: None, RETRIED_SLOT: slot}
