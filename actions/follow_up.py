"""After the explanation: more about the person's situation gets a fitting answer.

"is it bad mixing them w beer" is a question back (the FAQ answers it by
rule); "ya sometimes same night", "oh and he drinks a fifth a day" add to the
picture. The new facts are kept, and the parts of the explanation they call
for, not said before, are said now. The conversation never ends on its own.
"""

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import own_words, sms_pages
from actions.answers import NOT_SURE, SKIPPED, UNCLEAR
from actions.explanation import SAFETY, explanation_blocks, sms_explanation_blocks
from actions.form_validation import intent_of
from actions.not_understood import CALLBACK_FORM, phone_number_in
from actions.parsers import parse_answer
from actions.question_back import not_understood_response
from actions.questions import SELF_EXPLAINING, not_asked, says_something, screening_questions
from actions.screening_form import denied_uses, implied_answers
from storage.names import SMS_CHANNEL

OPEN = (None, NOT_SURE, SKIPPED, UNCLEAR, [UNCLEAR], [NOT_SURE], [SKIPPED])
THANKS = "utter_follow_up_thanks"

CORRECTED = "utter_follow_up_corrected"


def new_answers(
    text: str, entities: List[Dict[str, Any]], answers: Dict[str, Any]
) -> Dict[str, Any]:
    """What a message after the explanation adds to the answers."""
    updates = implied_answers(text, entities, answers)
    current = {**answers, **updates}
    for question in SELF_EXPLAINING:
        if question not in screening_questions(current) or current.get(question) not in OPEN:
            continue
        value = parse_answer(question, text, entities, None)
        if says_something(value):
            updates[question] = value
            current[question] = value
    return updates


class ActionFollowUp(Action):
    """Keeps what a later message adds and says the explanation it calls for."""

    def name(self) -> Text:
        return "action_follow_up"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        answers = dict(tracker.slots)
        text = str(tracker.latest_message.get("text") or "")
        entities = tracker.latest_message.get("entities") or []
        denied = denied_uses(text, entities, answers)
        if denied:
            return self.corrected(dispatcher, tracker, domain, {**answers, **denied}, denied)
        updates = new_answers(text, entities, answers)
        # The person's words before this message, and with it ("oh and im pregnant").
        words = own_words.user_texts(tracker.events)
        earlier = words[:-1] if words and words[-1] == text.strip() else words
        said = set(explanation_blocks(answers, earlier))
        answers.update(updates)
        new_blocks = [b for b in sms_explanation_blocks(answers, words) if b not in said]
        if not updates and not new_blocks:
            if intent_of(tracker) == "deny":  # "no thanks"
                dispatcher.utter_message(response="utter_goodbye")
                return []
            if phone_number_in(text):  # "can someone call me? 410 555 0123": a request
                return [FollowupAction(CALLBACK_FORM)]
            dispatcher.utter_message(response=not_understood_response(text, tracker=tracker))
            return []
        if new_blocks and tracker.get_latest_input_channel() == SMS_CHANNEL:
            # The most urgent that fit this turn; "MORE" brings the rest.
            new_blocks = sms_pages.page(new_blocks, domain, answers, before=[THANKS])
        dispatcher.utter_message(response=THANKS)
        for block in new_blocks:
            dispatcher.utter_message(response=block)
        if not new_blocks:
            dispatcher.utter_message(response="utter_follow_up_nothing_new")
        cleared = [SlotSet(q, None) for q in not_asked(answers)]
        return [SlotSet(slot, value) for slot, value in updates.items()] + cleared

    @staticmethod
    def corrected(
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
        answers: Dict[str, Any],
        denied: Dict[str, Any],
    ) -> List[EventType]:
        """A use taken back: say so, and give the explanation that fits now, safety first."""
        words = own_words.user_texts(tracker.events)
        blocks = sms_explanation_blocks(answers, words)
        if tracker.get_latest_input_channel() == SMS_CHANNEL:
            blocks = sms_pages.page(blocks, domain, answers, before=[CORRECTED], safety=SAFETY)
        dispatcher.utter_message(response=CORRECTED)
        for block in blocks:
            dispatcher.utter_message(response=block)
        cleared = [SlotSet(q, None) for q in not_asked(answers)]
        return [SlotSet(slot, value) for slot, value in denied.items()] + cleared
