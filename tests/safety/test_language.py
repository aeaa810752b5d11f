"""LanguageDetector (addons/nlu/language.py): the language a message says it is in.

The component is created as Rasa creates it; messages come with the intent
the classifiers and the crisis backstop gave them.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

import pytest
import yaml
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import ENTITIES, INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message

from addons.nlu.language import ENTITY, LanguageDetector, detector
from tests.support.servers import ROOT


def project_config() -> Dict[str, Any]:
    """The component's settings in config.yml."""
    pipeline = yaml.safe_load((ROOT / "config.yml").read_text())["pipeline"]
    (step,) = [s for s in pipeline if s["name"].endswith(".LanguageDetector")]
    return {key: value for key, value in step.items() if key != "name"}


@pytest.fixture(scope="module")
def component(tmp_path_factory: pytest.TempPathFactory) -> LanguageDetector:
    return LanguageDetector.create(
        {**LanguageDetector.get_default_config(), **project_config()},
        LocalModelStorage(tmp_path_factory.mktemp("model")),
        Resource("language"),
        ExecutionContext(GraphSchema({}), "test"),
    )


def processed(component: LanguageDetector, text: str, intent: str) -> Message:
    entities: List[Dict[str, Any]] = [{"entity": "opioid", "value": "fentanyl"}]
    message = Message(data={TEXT: text, INTENT: {"name": intent}, ENTITIES: entities})
    component.process([message])
    return message


def language(component: LanguageDetector, text: str, intent: str) -> Optional[str]:
    found = [e for e in processed(component, text, intent).get(ENTITIES) if e["entity"] == ENTITY]
    assert len(found) <= 1
    return str(found[0]["value"]) if found else None


@pytest.mark.parametrize(
    "text, intent",
    [
        ("mi hijo se desmayó y casi no respira, tiene los labios morados", "emergency_overdose"),
        ("mi esposa esta convulsionando", "emergency_seizure"),
        ("me quiero matar", "emergency_suicide"),
        ("ya no quiero vivir", "emergency_suicide"),
        ("no lo puedo despertar, no se mueve", "emergency_overdose"),
        ("¿debo llamar al 911 o llevarlo al hospital?", "emergency_ask_911"),
        # lingua reads these as English or is unsure; their Spanish words say it.
        ("le doy la naloxona?", "emergency_overdose"),
        ("la naloxona no lo desperto", "emergency_naloxone_failed"),
        ("me tome un monton de pastillas", "emergency_overdose_self"),
        ("me tome el frasco entero", "emergency_overdose_self"),
        ("la naloxona no funciono, no respira", "emergency_naloxone_failed"),
    ],
)
def test_spanish_emergencies_are_spanish(
    component: LanguageDetector, text: str, intent: str
) -> None:
    assert language(component, text, intent) == "es"


@pytest.mark.parametrize(
    "text, intent",
    [
        ("my son passed out and is barely breathing", "emergency_overdose"),
        ("he is having a seizure", "emergency_seizure"),
        ("i want to die", "emergency_suicide"),
        ("ok im calling", "emergency_calling"),
    ],
)
def test_english_emergencies_are_english(
    component: LanguageDetector, text: str, intent: str
) -> None:
    assert language(component, text, intent) == "en"


@pytest.mark.parametrize("text", ["911", "911!!", "?", "   ", "lol", "hes blue", "i'm suicidal"])
def test_what_lingua_is_not_sure_of_leaves_the_language_as_it_was(
    component: LanguageDetector, text: str
) -> None:
    assert language(component, text, "emergency_overdose") is None


@pytest.mark.parametrize(
    "text, expected",
    [
        ("tengo espasmos en las piernas", "es"),
        ("mi hijo toma pastillas para el dolor", "es"),
        # Short answers say nothing: the conversation keeps its language.
        ("si", None),
        ("no", None),
        ("ok", None),
        ("xanax", None),
        ("oxy y xanax", None),
        # A typed choice, in a few words.
        ("español", "es"),
        ("en espanol porfa", "es"),
        ("hola", "es"),
        ("q onda", "es"),
        ("english please", "en"),
        ("no hablo ingles", "es"),
        ("ingles", "en"),
    ],
)
def test_messages_that_say_their_language_get_it(
    component: LanguageDetector, text: str, expected: Optional[str]
) -> None:
    assert said(component, text, "inform", conversation="es" if expected == "en" else "en") == (
        expected
    )


@pytest.mark.parametrize(
    "text, conversation",
    [("tengo espasmos en las piernas", "es"), ("my legs keep jerking at night", "en")],
)
def test_a_message_in_the_conversations_language_changes_nothing(
    component: LanguageDetector, text: str, conversation: str
) -> None:
    assert said(component, text, "inform", conversation) is None


def test_an_english_message_before_any_language_is_set_changes_nothing(
    component: LanguageDetector,
) -> None:
    assert language(component, "my legs keep jerking at night", "inform") is None
    assert language(component, "me tiemblan las piernas en la noche", "inform") == "es"


def said(component: LanguageDetector, text: str, intent: str, conversation: str) -> Optional[str]:
    metadata = {"conversation_language": conversation}
    message = Message(data={TEXT: text, INTENT: {"name": intent}, "metadata": metadata})
    component.process([message])
    found = [e["value"] for e in message.get(ENTITIES) or [] if e["entity"] == ENTITY]
    return str(found[0]) if found else None


@pytest.mark.parametrize("text, name", [("no benzos", "benzos"), ("nope no benzos", "benzos")])
def test_a_name_the_lexicon_found_does_not_make_an_answer_spanish(
    component: LanguageDetector, text: str, name: str
) -> None:
    start = text.index(name)
    entity = {"entity": "benzodiazepine", "value": "benzodiazepine", "start": start,
              "end": start + len(name)}  # fmt: skip
    metadata = {"conversation_language": "en"}
    message = Message(
        data={TEXT: text, INTENT: {"name": "deny"}, ENTITIES: [entity], "metadata": metadata}
    )
    component.process([message])
    assert [e for e in message.get(ENTITIES) if e["entity"] == ENTITY] == []


def test_the_page_language_counts_only_when_the_message_says_none(
    component: LanguageDetector,
) -> None:
    def with_page(text: str, page: str) -> Optional[str]:
        message = Message(data={TEXT: text, INTENT: {"name": "affirm"}, "metadata": {ENTITY: page}})
        component.process([message])
        found = [e["value"] for e in message.get(ENTITIES) or [] if e["entity"] == ENTITY]
        return found[0] if found else None

    assert with_page("hi", "es") == "es"
    assert with_page("yes", "en") is None  # English already
    assert with_page("mi hijo tiene espasmos cuando duerme", "en") == "es"
    assert with_page("ok", "fr") is None


def test_the_entity_spans_the_message_and_keeps_the_others(component: LanguageDetector) -> None:
    text = "mi hermano no respira"
    entities = processed(component, text, "emergency_overdose").get(ENTITIES)
    assert entities[0] == {"entity": "opioid", "value": "fentanyl"}
    assert entities[1]["entity"] == ENTITY and entities[1]["value"] == "es"
    assert (entities[1]["start"], entities[1]["end"]) == (0, len(text))
    assert entities[1]["extractor"] == "LanguageDetector"
    assert 0.8 <= entities[1]["confidence_entity"] <= 1.0


def test_the_detector_is_built_once_with_only_the_configured_languages() -> None:
    assert detector(("en", "es")) is detector(("en", "es"))
    german = "Mein Sohn atmet nicht mehr"
    assert LanguageDetector({}).language_of(german) in (None, ("en", pytest.approx(0.7, abs=0.3)))
    only_english = LanguageDetector({"languages": ["en"]})
    assert only_english.language_of("mi hijo no respira") == ("en", 1.0)


def test_a_failure_never_loses_the_message(
    component: LanguageDetector, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(text: str) -> None:
        raise RuntimeError("lingua failed")

    monkeypatch.setattr(component, "leaning", broken)
    message = processed(component, "mi hijo no respira", "emergency_overdose")
    assert message.get(INTENT) == {"name": "emergency_overdose"}


def test_an_emergency_caught_by_a_spanish_pattern_is_spanish(component: LanguageDetector) -> None:
    backstop = {"intent": "emergency_suicide", "pattern": "emergency_suicide:es_kill_myself"}
    message = Message(
        data={TEXT: "me voy a colgar", INTENT: {"name": "emergency_suicide"},
              "crisis_backstop": backstop}
    )  # fmt: skip
    component.process([message])
    assert [e["value"] for e in message.get(ENTITIES) or [] if e["entity"] == ENTITY] == ["es"]


@pytest.mark.parametrize(
    "text, expected",
    [
        # Short Spanish lingua is unsure of: three Spanish function words say it.
        ("hola tengo brincos en el cuerpo", "es"),
        ("ando bien malillo, tengo twitching en las piernas bien feo", "es"),
        # Asked for in a longer message.
        ("actually mejor en español, mi ingles no es tan bueno", "es"),
        ("valium, a veces. no se ingles", "es"),
        # English stays English.
        ("my legs jerk at night and i take xanax", None),
        ("i take my meds in the morning", None),
        # One Spanish word in English: "nervios" is Spanish to lingua, the rest is not.
        ("no for her nervios", None),
        ("she takes it for her nervios and to sleep", None),
    ],
)
def test_a_conversation_in_english_turns_spanish_only_when_the_words_say_so(
    component: LanguageDetector, text: str, expected: Optional[str]
) -> None:
    assert said(component, text, "inform", "en") == expected


def test_a_button_payload_says_nothing_about_the_language(component: LanguageDetector) -> None:
    # "Menos o ya no" sends its payload, "stopped or cut back lately": once it turned a
    # Spanish conversation English.
    payload = "stopped or cut back lately"
    metadata = {"conversation_language": "es", "offered_payloads": ["/affirm", payload]}
    message = Message(data={TEXT: payload, INTENT: {"name": "inform"}, "metadata": metadata})
    component.process([message])
    assert not [e for e in message.get(ENTITIES) or [] if e["entity"] == ENTITY]


@pytest.mark.parametrize(
    "text, expected",
    [
        # English words in a Spanish conversation: the person may just mix them.
        ("only on weekends, like 6 beers", None),
        ("my legs keep jerking at night", None),
        ("stopped or cut back lately", None),
        # Asking for English.
        ("english please", "en"),
        ("can we do this in english", "en"),
        ("actually can we do english, it's easier for me to type", "en"),
        # Asked for in a longer message, with an answer
        ("sorry my spanish is kinda bad lol can we do english? like 2 months", "en"),
        ("mostly when hes chilling, sorry can we switch to english its easier for me", "en"),
    ],
)
def test_a_conversation_in_spanish_turns_english_only_when_asked(
    component: LanguageDetector, text: str, expected: Optional[str]
) -> None:
    assert said(component, text, "inform", "es") == expected
