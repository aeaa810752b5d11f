"""A Spanish-speaking person, over the real REST and SMS channels: the whole screening,
the explanation and the hand-off in Spanish, and switching language at any point."""

import uuid
from typing import Any, Dict, List, Optional

from tests.support.content import says, says_in_spanish, slot_defaults
from tests.support.sms_phone import Phone

PHONE = slot_defaults()["admissions_phone"]
SAMHSA = "1-800-662-4357"


class Person:
    """One person on the web chat or REST: a fresh conversation id and their replies."""

    def __init__(self, assistant: Any) -> None:
        self.assistant = assistant
        self.sender = f"test-es-{uuid.uuid4().hex[:12]}"

    def says(self, text: str, metadata: Optional[Dict[str, Any]] = None) -> str:
        messages = self.assistant.say(self.sender, text, metadata)
        return "\n".join(m["text"] for m in messages if m.get("text"))

    def slot(self, name: str) -> Any:
        return self.assistant.tracker(self.sender)["slots"][name]


def test_a_spanish_greeting_gets_the_opening_in_spanish(assistant: Any) -> None:
    person = Person(assistant)
    reply = person.says("hola")
    assert says_in_spanish(reply, "utter_opening")
    assert says_in_spanish(reply, "utter_ask_start")
    assert person.slot("language") == "es"


def test_a_whole_screening_in_spanish(assistant: Any) -> None:
    person = Person(assistant)
    person.says("hola buenas, tengo una pregunta")
    assert says_in_spanish(person.says("si"), "utter_ask_twitching")
    assert says_in_spanish(person.says("si, me brincan las piernas"), "utter_ask_twitch_timing")
    assert says_in_spanish(
        person.says("en la noche cuando me estoy durmiendo"), "utter_ask_twitch_duration"
    )
    assert says_in_spanish(person.says("como dos semanas"), "utter_ask_opioid_use")
    assert says_in_spanish(person.says("si, tomo oxicodona"), "utter_ask_opioid_prescribed")
    assert says_in_spanish(person.says("si me la receto el doctor"), "utter_ask_opioid_dose_change")
    assert says_in_spanish(person.says("no, igual"), "utter_ask_benzo_use")
    assert says_in_spanish(person.says("no"), "utter_ask_alcohol_heavy")
    reply = person.says("no tomo")
    assert says_in_spanish(reply, "utter_explain_intro")
    assert says_in_spanish(reply, "utter_admissions_contact")
    assert PHONE in reply
    assert person.slot("twitch_location") == ["legs"]
    assert person.slot("twitch_timing") == ["falling_asleep"]
    assert person.slot("opioid_names") == ["oxycodone"]
    assert person.slot("alcohol_heavy") == "no"


def test_until_admissions_confirms_spanish_the_spanish_helplines_are_given(assistant: Any) -> None:
    person = Person(assistant)
    person.says("hola")
    reply = person.says("no, solo el numero")
    assert says_in_spanish(reply, "utter_admissions_contact")
    assert PHONE in reply and SAMHSA in reply and "988" in reply


def test_the_person_can_switch_language_at_any_point(assistant: Any) -> None:
    person = Person(assistant)
    person.says("hi")
    person.says("yes")
    reply = person.says("en español por favor")
    assert says_in_spanish(reply, "utter_faq/spanish")
    assert says_in_spanish(reply, "utter_ask_twitching")  # the open question, in Spanish
    assert says_in_spanish(person.says("si"), "utter_ask_twitch_location")
    reply = person.says("english please")
    assert says(reply, "utter_faq/english") and not says_in_spanish(reply, "utter_faq/english")
    assert "Where do you notice" in reply
    assert person.slot("language") == "en"


def test_short_answers_keep_the_conversation_in_spanish(assistant: Any) -> None:
    person = Person(assistant)
    person.says("hola")
    person.says("si")
    assert says_in_spanish(person.says("si"), "utter_ask_twitch_location")
    assert says_in_spanish(
        person.says("ok"), "utter_ask_twitch_location"
    )  # asked again, in Spanish
    person.says("xanax")
    assert person.slot("language") == "es"


def test_the_page_language_starts_the_conversation(assistant: Any) -> None:
    person = Person(assistant)
    reply = person.says("hi", metadata={"language": "es"})
    assert says_in_spanish(reply, "utter_opening")


def test_a_spanish_emergency_in_an_english_conversation_gets_the_spanish_answer(
    assistant: Any,
) -> None:
    person = Person(assistant)
    person.says("hi")
    person.says("yes")
    reply = person.says("mi hijo no respira y tiene los labios morados")
    assert "911" in reply
    assert person.slot("language") == "es"
    assert any(word in reply for word in ("llame", "Llame"))


def sms_lines(replies: List[str]) -> str:
    return "\n".join(replies)


def test_a_spanish_screening_by_sms(assistant: Any) -> None:
    phone = Phone(assistant)
    reply = sms_lines(phone.texts("hola"))
    assert says_in_spanish(reply, "utter_opening", channel="sms")
    assert says_in_spanish(sms_lines(phone.texts("si")), "utter_ask_twitching", channel="sms")
    texts = phone.texts("no")
    assert says_in_spanish(sms_lines(texts), "utter_ask_opioid_use", channel="sms")
    assert "Responda 1 para Si, 2 para Menos o ya no, 3 para No" in sms_lines(texts)
    assert "Reply" not in sms_lines(texts)
    for text in texts:
        assert len(text) <= 160
    phone.texts("no")
    phone.texts("no")
    reply = sms_lines(phone.texts("no"))
    assert PHONE in reply
    assert says_in_spanish(reply, "utter_admissions_contact", channel="sms")


def test_spanish_sms_keywords_are_spanish_words_that_work(assistant: Any) -> None:
    phone = Phone(assistant)
    help_text = sms_lines(phone.texts("AYUDA"))
    assert "911" in help_text and "988" in help_text and PHONE in help_text
    assert "llame" in help_text
    phone.texts("hola")
    phone.texts("si")
    for answer in ("no", "no", "no", "no"):
        reply = sms_lines(phone.texts(answer))
    assert "LLAMENME" in reply and "CALL ME" not in reply
    reply = sms_lines(phone.texts("LLAMENME"))
    assert "SI o NO" in reply and "YES" not in reply
