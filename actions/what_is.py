"""What a named substance is: "what are percs?", "is kratom an opioid?".

The lexicon (data/lexicon/substances.yml) already knows each name's class:
the NLU gives it as the entity type (opioid, benzodiazepine, other_substance)
and the canonical name as its value. The answer is the class's reviewed
response (domain/responses/faq.yml: utter_what_is_*).
"""

import re
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.parsers import names_given, parse_answer
from actions.parsers.message import content_entities

CLASS_RESPONSES = {"opioid": "utter_what_is_opioid", "benzodiazepine": "utter_what_is_benzo"}
# Opioids with an answer of their own: methadone and buprenorphine treat opioid use
# disorder (keep taking them as prescribed); fentanyl is what street drugs and fake
# pills may hold.
OPIOID_RESPONSES = {
    "methadone": "utter_what_is_moud",
    "buprenorphine": "utter_what_is_moud",
    "fentanyl": "utter_what_is_fentanyl",
}
OTHER_RESPONSES = {
    "kratom": "utter_what_is_kratom",
    "gabapentin": "utter_what_is_gabapentinoid",
    "pregabalin": "utter_what_is_gabapentinoid",
    "cocaine": "utter_what_is_stimulant",
    "methamphetamine": "utter_what_is_stimulant",
    "amphetamine": "utter_what_is_stimulant",
}
# "Blues" name no one opioid: the class word is the entity value.
CLASS_WORDS = {"opioid", "benzodiazepine"}
CLASS_STEMS = ("opioid", "opiate", "benzo")
UNKNOWN = "utter_what_is_unknown"
# The word for the twitching itself, asked as "what is myoclonus".
MYOCLONUS = re.compile(r"myoclon|mioclon", re.I)
CLASS_ANSWERS = {"opioid": "utter_what_are_opioids", "benzodiazepine": "utter_what_are_benzos"}
NAME_QUESTIONS = {"opioid": "opioid_names", "benzodiazepine": "benzo_names"}


def response_for(entity: Dict[str, Any]) -> Optional[str]:
    if entity.get("entity") == "opioid" and str(entity.get("value")) in OPIOID_RESPONSES:
        return OPIOID_RESPONSES[str(entity.get("value"))]
    if entity.get("entity") in CLASS_RESPONSES:
        return CLASS_RESPONSES[entity["entity"]]
    if entity.get("entity") == "other_substance":
        return OTHER_RESPONSES.get(str(entity.get("value")))
    return None


def substance_said(text: str, entity: Dict[str, Any]) -> str:
    """ "Percs (oxycodone)", or "Fentanyl" when the name is what was typed."""
    typed = text[entity.get("start", 0) : entity.get("end", 0)].strip() or str(entity["value"])
    name = str(entity["value"])
    if typed.lower() == name or name in CLASS_WORDS:
        return typed[:1].upper() + typed[1:]
    return f"{typed[:1].upper() + typed[1:]} ({name})"


def asked_about(text: str, entities: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """The names asked about: "is kratom an opioid?" asks about kratom, not opioids.

    A class word counts only when it stands for a street name ("blues").
    """
    entities = [dict(e) for e in content_entities(entities)]
    named = [e for e in entities if e.get("value") not in CLASS_WORDS]
    if named:
        return named
    typed = [text[e.get("start", 0) : e.get("end", 0)].lower() for e in entities]
    found = [e for e, word in zip(entities, typed, strict=True) if not word.startswith(CLASS_STEMS)]
    return found or street_names(text)


def street_names(text: str) -> List[Dict[str, Any]]:
    """Street names the lexicon reads only in context ("bars"), read word by word.

    The answer parsers know them when a screening question gives the context.
    """
    for word in re.finditer(r"[a-z0-9]+", text.lower()):
        for kind, question in NAME_QUESTIONS.items():
            names = parse_answer(question, word.group(), [], None)
            if names_given(names) and names:
                return [
                    {"entity": kind, "value": names[0], "start": word.start(), "end": word.end()}
                ]
    return []


def class_answer(entities: Optional[List[Dict[str, Any]]]) -> str:
    """ "what is a benzo": the class itself, when no name was asked about."""
    for entity in entities or []:
        if entity.get("value") in CLASS_ANSWERS:
            return CLASS_ANSWERS[str(entity["value"])]
    return UNKNOWN


class ActionWhatIs(Action):
    def name(self) -> Text:
        return "action_what_is"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        text = str(tracker.latest_message.get("text") or "")
        answered = set()
        for entity in asked_about(text, tracker.latest_message.get("entities") or []):
            response = response_for(entity)
            if response and entity.get("value") not in answered:
                answered.add(entity.get("value"))
                dispatcher.utter_message(response=response, substance=substance_said(text, entity))
        if not answered and MYOCLONUS.search(text):
            dispatcher.utter_message(response="utter_faq/myoclonus")
        elif not answered:
            dispatcher.utter_message(response=class_answer(tracker.latest_message.get("entities")))
        return []
