"""The answer to "Would you like to answer a few short questions?".

A plain yes is read by rule (data/rules/screening.yml); anything else
("fine", "i guess", "ok but ill skip some", "yes for years") comes here and
is read as people mean it. The question is never asked a third time: an
answer still unclear after two asks gets the admissions number instead.
"""

from typing import List, Text, Tuple

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.answers import NO, YES
from actions.form_validation import MAX_ASKS, intent_of
from actions.parsers import parse_answer
from actions.subject import subject_of

ASK = "utter_ask_start"
# Answers to questions back: they come between the asks without ending them.
QUESTION_BACK_ANSWERS = ("utter_faq", "utter_what_is", "utter_what_are", "utter_opening")
# A change of language starts the count again: the question was not understood before.
LANGUAGE_ANSWERS = ("utter_faq/spanish", "utter_faq/english")


def times_asked_in_a_row(tracker: Tracker, passing: Tuple[str, ...] = ()) -> int:
    """How many of the bot's last turns asked the start question; bot turns whose
    response starts with one of `passing` come between asks without ending them."""
    asked = 0
    for event in reversed(tracker.events):
        if event.get("event") != "bot":
            continue
        name = str((event.get("metadata") or {}).get("utter_action") or "")
        if name in LANGUAGE_ANSWERS:
            break
        if name in (ASK, "utter_help_start"):
            asked += name == ASK
        elif not (passing and name.startswith(passing)):
            break
    return asked


def _describes_the_problem(text: str) -> bool:
    """ "my son has twitching": telling what is wrong is a wish to go on."""
    return parse_answer("twitching", text, [], None) == YES or subject_of(text) is not None


class ActionReadStart(Action):
    def name(self) -> Text:
        return "action_read_start"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        text = str(tracker.latest_message.get("text") or "")
        answer = parse_answer(
            "start", text, tracker.latest_message.get("entities") or [], intent_of(tracker)
        )
        if answer == YES or (answer is None and _describes_the_problem(text)):
            return [FollowupAction("screening_form")]
        if answer != NO and times_asked_in_a_row(tracker, QUESTION_BACK_ANSWERS) < MAX_ASKS:
            dispatcher.utter_message(response="utter_help_start")
            return [FollowupAction(ASK)]
        dispatcher.utter_message(response="utter_admissions_contact")
        dispatcher.utter_message(response="utter_start_later")
        return []


class ActionAskStartAgain(Action):
    """After a question back at the opening, the opening question again, but never a
    third time: a yes read as a question back twice gets the number instead."""

    def name(self) -> Text:
        return "action_ask_start_again"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        if times_asked_in_a_row(tracker, QUESTION_BACK_ANSWERS) >= MAX_ASKS:
            dispatcher.utter_message(response="utter_admissions_contact")
            dispatcher.utter_message(response="utter_start_later")
        else:
            dispatcher.utter_message(response=ASK)
        return []
