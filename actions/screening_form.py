"""The screening questions: which to ask and how to read the answers."""

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import answers, vocabulary
from actions.form_validation import Answer, AskOnceMoreValidation
from actions.questions import implied_answers, screening_questions

# Questions answered by naming things, and the entity that names them.
LIST_QUESTIONS = {
    "twitch_location": "body_part",
    "twitch_timing": "twitch_timing",
    "opioid_names": "opioid",
    "benzo_names": "benzodiazepine",
}
# "Do you use ...?" questions: naming a substance of the class is a yes.
USE_QUESTIONS = {"opioid_use": "opioid", "benzo_use": "benzodiazepine"}


def parse_answer(question: str, value: Any, tracker: Tracker) -> Optional[Answer]:
    """The answer to `question` in the latest message, or None if unclear."""
    intent = (tracker.latest_message.get("intent") or {}).get("name")
    entities = tracker.latest_message.get("entities") or []
    if question == "twitching":
        return answers.twitching_answer(value, intent, entities)
    if question == "twitch_duration":
        return answers.duration_answer(value, intent, entities)
    if question in LIST_QUESTIONS:
        entity_type = LIST_QUESTIONS[question]
        known = vocabulary.canonical_values(entity_type)
        return answers.list_answer(value, intent, entities, entity_type, known)
    if question in USE_QUESTIONS:
        return answers.use_answer(value, intent, entities, USE_QUESTIONS[question])
    return answers.yes_no(value, intent)


class ValidateScreeningForm(AskOnceMoreValidation):
    """Reads the answers of `screening_form` and chooses the next question."""

    def name(self) -> Text:
        return "validate_screening_form"

    async def required_slots(
        self,
        domain_slots: List[Text],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> List[Text]:
        return screening_questions(tracker.slots)

    async def get_extraction_events(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> List[EventType]:
        implied = implied_answers(tracker.slots)
        tracker.slots.update(implied)
        return [SlotSet(slot, value) for slot, value in implied.items()]

    async def get_validation_events(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> List[EventType]:
        candidates = tracker.slots_to_validate()
        validated: Dict[str, Any] = {}
        # In question order, so that "percs" first answers "do you use
        # opioids?" and so makes "which ones?" a question to validate.
        for question in [q for q in self.domain_slots(domain) if q in candidates]:
            if question not in screening_questions(tracker.slots):
                continue
            answer = parse_answer(question, candidates[question], tracker)
            unclear: Answer = [answers.UNCLEAR] if question in LIST_QUESTIONS else answers.UNCLEAR
            result = self.accept(question, answer, dispatcher, tracker, unclear)
            validated.update(result)
            tracker.slots.update(result)
        return [SlotSet(slot, value) for slot, value in validated.items()]
