"""Wording when someone writes for a person they love (slot `screening_for`).

`screening_for` is "he", "she" or "they" (someone whose gender we don't know)
when the person writes for someone else, and unset or "self" otherwise. The
responses that ask about the person being screened have conditional variants
for each value (domain/responses/screening.yml, handoff.yml, clinical.yml).

Every check renders with Rasa's own NLG (TemplatedNaturalLanguageGenerator), so
it also checks how Rasa 3.6 chooses between channel and condition variants:
a conditional variant for the channel, then a variant for the channel without
a condition, then a conditional variant without a channel, then the rest. A
response with an SMS variant but no conditional SMS twin would keep saying
"you" by SMS.
"""

import re
from functools import lru_cache
from typing import Any, Dict, List, Optional

import pytest
from rasa.core.nlg.generator import ResponseVariationFilter
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SlotSet
from rasa.shared.core.trackers import DialogueStateTracker

from addons.channels.sms_text import gsm_length, rendered, to_gsm7
from storage.names import SMS_CHANNEL
from tests.support.content import DOMAIN_DIR, domain, nlg_agent, responses

SLOT = "screening_for"
OTHERS = ("he", "she", "they")
WEB_CHANNELS = ("rest", "socketio", "cmdline")  # REST, web chat, rasa shell: no own variants
CHANNELS = (*WEB_CHANNELS, SMS_CHANNEL)
SMS_LENGTH = 160

# The slot as the lead adds it to domain/core.yml; used only while it is not there yet.
SLOT_DOMAIN = f"""
version: "3.1"
slots:
  {SLOT}:
    type: categorical
    values: [self, he, she, they]
    influence_conversation: false
    mappings:
      - type: custom
"""

YOU = re.compile(r"\byou(?:r|rs|rself)?\b", re.IGNORECASE)
PRONOUNS = {
    "he": re.compile(r"\b(?:he|him|his|himself)\b", re.IGNORECASE),
    "she": re.compile(r"\b(?:she|her|hers|herself)\b", re.IGNORECASE),
}
# For "they", the person may be named this way; its "you" is the person writing.
PERSON_ASKED_ABOUT = re.compile(r"\bthe person you're asking (?:about|for)\b", re.IGNORECASE)


# --- Rendering ---------------------------------------------------------------
@lru_cache(maxsize=None)
def tracker_domain() -> Domain:
    """The project's domain, with `screening_for` added if core.yml lacks it."""
    loaded = Domain.load(str(DOMAIN_DIR))
    if SLOT not in {slot.name for slot in loaded.slots}:
        loaded = loaded.merge(Domain.from_yaml(SLOT_DOMAIN))
    return loaded


def tracker(value: Optional[str]) -> DialogueStateTracker:
    events = [SlotSet(SLOT, value)] if value is not None else []
    return DialogueStateTracker.from_events("someone-else", events, slots=tracker_domain().slots)


# {substance} in the what-is answers: a long name, as actions/what_is.py sends it.
SUBSTANCE = "Suboxone (buprenorphine)"


async def say(name: str, value: Optional[str], channel: str) -> Dict[str, Any]:
    """The response as the assistant sends it on `channel`, with the slot at `value`."""
    message = await nlg_agent().nlg.generate(name, tracker(value), channel, substance=SUBSTANCE)
    assert message, f"{name}: nothing rendered for {SLOT}={value!r} on {channel}"
    return message


def text_of(message: Dict[str, Any]) -> str:
    return str(message.get("text") or "")


def payloads(message: Dict[str, Any]) -> List[Any]:
    return [button.get("payload") for button in message.get("buttons") or []]


# --- What is checked ---------------------------------------------------------
def conditional_responses() -> List[str]:
    """Every response with a variant for `screening_for`."""
    return sorted(
        name
        for name, variants in responses().items()
        if any(
            condition.get("name") == SLOT
            for variant in variants
            for condition in variant.get("condition") or []
        )
    )


def question_responses() -> List[str]:
    """The screening questions: utter_ask_<slot> for each slot of the screening form."""
    slots = domain()["forms"]["screening_form"]["required_slots"]
    return [f"utter_ask_{slot}" for slot in slots]


def has_sms_variant(name: str) -> bool:
    return any(
        v.get("channel") == SMS_CHANNEL and not v.get("condition") for v in responses()[name]
    )


def expected_texts(name: str, value: str, channel: str) -> List[str]:
    """The texts of the variants for `value` that should be chosen on `channel`."""
    variants = [
        v
        for v in responses()[name]
        if any(c.get("name") == SLOT and c.get("value") == value for c in v.get("condition") or [])
    ]
    for_channel = [v for v in variants if v.get("channel") == channel]
    return [v["text"] for v in (for_channel or [v for v in variants if not v.get("channel")])]


def fill(text: str) -> str:
    defaults = {slot.name: slot.initial_value for slot in tracker_domain().slots}
    defaults["substance"] = SUBSTANCE
    return re.sub(r"\{(\w+)\}", lambda m: str(defaults.get(m.group(1), m.group(0))), text)


# --- Self-checks ---------------------------------------------------------------
def test_the_checks_see_the_responses() -> None:
    names = conditional_responses()
    for question in question_responses():
        assert question in responses(), question
        assert question in names, f"{question}: no variants for {SLOT}"
    assert "utter_goodbye" in names and "utter_explain_closing" in names
    assert "utter_offer_callback" in names and "utter_ask_callback_consent" in names
    assert YOU.search("Are they prescribed to you?") and YOU.search("Has your dose changed")
    assert not YOU.search("Are they prescribed to him?")
    assert PRONOUNS["he"].search("Has his dose changed") and not PRONOUNS["he"].search("the")
    assert PRONOUNS["she"].search("Is it prescribed to her?")


# --- The screening questions --------------------------------------------------
@pytest.mark.parametrize("channel", CHANNELS)
@pytest.mark.parametrize("value", ["he", "she"])
@pytest.mark.parametrize("name", question_responses())
async def test_questions_about_him_or_her_say_he_or_she_not_you(
    name: str, value: str, channel: str
) -> None:
    text = text_of(await say(name, value, channel))
    other = "she" if value == "he" else "he"
    assert not YOU.search(text), f"{name} ({value}, {channel}) still says you: {text!r}"
    assert PRONOUNS[value].search(text), f"{name} ({value}, {channel}): {text!r}"
    assert not PRONOUNS[other].search(text), f"{name} ({value}, {channel}): {text!r}"


@pytest.mark.parametrize("channel", CHANNELS)
@pytest.mark.parametrize("name", question_responses())
async def test_questions_about_them_say_neither_he_nor_she(name: str, channel: str) -> None:
    text = text_of(await say(name, "they", channel))
    for pronouns in PRONOUNS.values():
        assert not pronouns.search(text), f"{name} (they, {channel}): {text!r}"
    about_them = PERSON_ASKED_ABOUT.sub("", text)
    assert not YOU.search(about_them), f"{name} (they, {channel}) still says you: {text!r}"
    assert text != text_of(await say(name, None, channel)), f"{name}: no variant for they"


# --- Every response with variants ---------------------------------------------
@pytest.mark.parametrize("channel", CHANNELS)
@pytest.mark.parametrize("value", OTHERS)
@pytest.mark.parametrize("name", conditional_responses())
async def test_the_variant_for_the_person_and_channel_is_chosen(
    name: str, value: str, channel: str
) -> None:
    """One variant fits, it is the one for this value, and by SMS its SMS twin."""
    slots = tracker(value).current_slot_values()
    fitting = ResponseVariationFilter(nlg_agent().nlg.responses).responses_for_utter_action(
        name, channel, slots
    )
    assert len(fitting) == 1, f"{name} ({value}, {channel}): {len(fitting)} variants fit"
    expected = expected_texts(name, value, channel)
    assert expected, f"{name}: no variant for {SLOT}={value}"
    if channel == SMS_CHANNEL and has_sms_variant(name):
        assert any(
            v.get("channel") == SMS_CHANNEL
            for v in responses()[name]
            if {"name": SLOT, "value": value, "type": "slot"} in (v.get("condition") or [])
        ), f"{name}: has an SMS variant but no SMS twin for {value}"
    text = text_of(await say(name, value, channel))
    assert text in [fill(t) for t in expected], f"{name} ({value}, {channel}): {text!r}"
    assert text != text_of(await say(name, None, channel)), f"{name}: same text as for self"


@pytest.mark.parametrize("channel", CHANNELS)
@pytest.mark.parametrize("value", OTHERS)
@pytest.mark.parametrize("name", conditional_responses())
async def test_variants_never_name_the_wrong_gender(name: str, value: str, channel: str) -> None:
    text = text_of(await say(name, value, channel))
    wrong = [g for g in PRONOUNS if g != value]
    for gender in wrong:
        assert not PRONOUNS[gender].search(text), f"{name} ({value}, {channel}): {text!r}"


@pytest.mark.parametrize("channel", CHANNELS)
@pytest.mark.parametrize("value", [None, "self"])
@pytest.mark.parametrize("name", conditional_responses())
async def test_unset_or_self_keeps_the_original_text(
    name: str, value: Optional[str], channel: str
) -> None:
    variants = [v for v in responses()[name] if not v.get("condition")]
    own = [v for v in variants if v.get("channel") == channel]
    original = [fill(v["text"]) for v in (own or [v for v in variants if not v.get("channel")])]
    message = await say(name, value, channel)
    assert text_of(message) in original, f"{name} ({value}, {channel}): {text_of(message)!r}"


@pytest.mark.parametrize("channel", CHANNELS)
@pytest.mark.parametrize("value", OTHERS)
@pytest.mark.parametrize("name", conditional_responses())
async def test_buttons_stay_the_same(name: str, value: str, channel: str) -> None:
    original = await say(name, None, channel)
    message = await say(name, value, channel)
    assert payloads(message) == payloads(original), f"{name} ({value}, {channel})"
    # Braces in payloads are doubled in the YAML ({{...}}), so Rasa's slot filling
    # turns them into one brace instead of failing (and logging) on every render.
    for payload in payloads(message):
        assert "{{" not in str(payload), f"{name} ({value}, {channel}): {payload!r}"


@pytest.mark.parametrize("value", [*OTHERS, None])
@pytest.mark.parametrize(
    "name",
    [*conditional_responses(), "utter_explain_for_family", "utter_explain_for_family_naloxone"],
)
async def test_sms_is_gsm7_and_one_text_with_its_choices(name: str, value: Optional[str]) -> None:
    """As the SMS channel sends it: the text, then "Reply 1 for Yes, ..." (sms_text.rendered)."""
    message = await say(name, value, SMS_CHANNEL)
    sms = await rendered(nlg_agent(), message)
    assert to_gsm7(text_of(message)) == text_of(message), f"{name} ({value}): not GSM-7"
    assert gsm_length(sms) <= SMS_LENGTH, f"{name} ({value}): {gsm_length(sms)} characters: {sms!r}"
    assert "{" not in sms and "/inform" not in sms, f"{name} ({value}): {sms!r}"


# --- The block for family and friends ------------------------------------------
@pytest.mark.parametrize("channel", CHANNELS)
@pytest.mark.parametrize("value", [*OTHERS, None])
async def test_family_block_keeps_the_emergency_and_help_numbers(
    value: Optional[str], channel: str
) -> None:
    text = text_of(await say("utter_explain_for_family", value, channel))
    for number in ("988", "1-800-662-4357"):
        assert number in text, f"{channel}: {number} missing from {text!r}"
    # When naloxone fits, the family's own naloxone block: 911 first, and it wears off.
    text = text_of(await say("utter_explain_for_family_naloxone", value, channel)).lower()
    for words in ("naloxone", "call 911, give it", "stay", "wear off", "no breathing"):
        assert words in text, f"{channel}: {words!r} missing from {text!r}"
