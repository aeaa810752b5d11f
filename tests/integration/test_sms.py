"""SMS through Twilio, over real HTTP against the running server, signed as Twilio signs.

Also the SMS wording rules: every text GSM-7 and at most 160 characters.
"""

import os
import secrets
import subprocess
import sys
from typing import Any, Dict, List

import pytest

from actions.explanation import sms_explanation_blocks
from addons.channels import texts as wording
from addons.channels.sms import conversation_id
from addons.channels.sms_text import gsm_length, rendered, sms_texts, to_gsm7
from storage import callbacks as store
from storage import opt_outs as opt_out
from storage.gsm7 import MAX_TEXTS
from storage.names import SMS_CHANNEL
from tests.support.content import ROOT, fill, nlg_agent, responses, slot_defaults
from tests.support.sms_phone import Phone

PHONE = slot_defaults()["admissions_phone"]


def sms_variant(name: str) -> Dict[str, Any]:
    variants = responses()[name]
    sms = [v for v in variants if v.get("channel") == SMS_CHANNEL]
    return (sms or [v for v in variants if "channel" not in v])[0]


async def sms_text(response: str) -> str:
    return await wording.text(nlg_agent(), response, SMS_CHANNEL)


def is_gsm7(text: str) -> bool:
    return to_gsm7(text) == text


def assert_sms(texts: List[str]) -> None:
    assert len(texts) <= MAX_TEXTS, texts
    for text in texts:
        assert is_gsm7(text), text
        assert 0 < gsm_length(text) <= 160, text
        assert "/affirm" not in text and "/inform" not in text and "{" not in text, text


# --- wording ------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(responses()))
async def test_every_response_fits_one_text_with_its_choices(name: str) -> None:
    message = dict(sms_variant(name))
    message["text"] = fill(message.get("text", ""))
    text = await rendered(nlg_agent(), message)
    assert is_gsm7(text) and gsm_length(text) <= 160, (name, gsm_length(text), text)


@pytest.mark.parametrize(
    "response",
    [wording.SMS_OPTED_OUT, wording.SMS_OPTED_IN, wording.SMS_HELP, wording.SMS_MORE_BY_PHONE,
     wording.UNREADABLE, wording.TOO_LONG, wording.FAILED],
)  # fmt: skip
async def test_the_channels_own_texts_are_gsm7_and_fit_one_text(response: str) -> None:
    text = await sms_text(response)
    assert text and is_gsm7(text) and gsm_length(text) <= 160, text
    assert "{" not in text, text


async def test_choices_are_numbered_in_the_same_text_without_payloads() -> None:
    buttons = [{"title": "Yes", "payload": "/affirm"}, {"title": "No", "payload": "/deny"}]
    text = await rendered(nlg_agent(), {"text": "Ready?", "buttons": buttons})
    assert text == "Ready?\nReply 1 for Yes, 2 for No"


async def test_a_long_turn_is_cut_to_the_most_texts_ending_with_the_admissions_line() -> None:
    texts = await sms_texts(nlg_agent(), [{"text": "word " * 60}] * 12)
    assert_sms(texts)
    assert len(texts) == MAX_TEXTS and PHONE in texts[-1]


async def test_a_choices_line_is_never_cut_across_two_texts() -> None:
    buttons = [{"title": "Yes", "payload": "/affirm"}, {"title": "No, just the phone number"}]
    texts = await sms_texts(nlg_agent(), [{"text": "word " * 30, "buttons": buttons}])
    assert_sms(texts)
    assert texts[-1] == "Reply 1 for Yes, 2 for No, just the phone number"


async def test_curly_quotes_and_dashes_become_gsm7() -> None:
    texts = await sms_texts(
        nlg_agent(), [{"text": "It\u2019s \u201cfine\u201d \u2014 ok \U0001f600"}]
    )
    assert texts == ['It\'s "fine" - ok']


async def test_the_channel_texts_take_the_phone_number_from_its_one_slot() -> None:
    assert PHONE in await sms_text(wording.SMS_HELP)
    assert PHONE in await sms_text(wording.FAILED)
    core = (ROOT / "domain" / "core.yml").read_text()
    # The project's own files (what git tracks), not outputs such as build/.
    tracked = subprocess.run(
        ["git", "ls-files", "*.yml", "*.py", "*.html"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    everything_else = [
        (ROOT / name).read_text() for name in tracked
        if name != "domain/core.yml" and not name.startswith("tests/")
    ]  # fmt: skip
    assert PHONE in core
    assert not [text for text in everything_else if PHONE in text]


@pytest.mark.parametrize(
    "text",
    ["STOP", "stop", "Stop.", "STOPALL", "UNSUBSCRIBE", "cancel", "END", "quit", "REVOKE",
     "OPTOUT", "please stop texting me", "don't text me anymore", "Unsubscribe me",
     "no more messages please", "take me off your list"],
)  # fmt: skip
def test_opt_out_requests_are_recognised(text: str) -> None:
    assert opt_out.is_stop_request(text)


@pytest.mark.parametrize(
    "text",
    ["I want to stop using opioids", "how do I stop drinking", "I stopped xanax last week",
     "the twitching won't stop", "yes", "start", "help", "the end of my legs"],
)  # fmt: skip
def test_other_messages_are_not_opt_outs(text: str) -> None:
    assert not opt_out.is_stop_request(text)


# --- over HTTP ------------------------------------------------------------------------


def test_a_full_screening_by_sms_ends_with_the_admissions_number(assistant: Any) -> None:
    phone = Phone(assistant)
    steps = [
        ("hi", "Reply 1 for Yes, 2 for No, just the phone number"),
        ("1", "Reply 1 for Yes, 2 for No, 3 for Not sure, 4 for Skip"),  # start -> twitching
        ("yes", "1 for Legs"),  # twitching -> where
        ("1", "1 for Falling asleep"),  # legs -> when
        ("1", "How long"),  # falling asleep -> how long
        ("about 2 weeks", "opioids"),
        ("yes", "Which ones"),
        ("percs", "prescribed"),
        ("3", "dose"),  # not prescribed -> dose change
        ("yes i ran out last week", "benzos"),
        ("y", "Which ones"),  # benzo use -> which
        ("xanax", "prescribed"),
        ("no", "opioids"),  # -> with opioids
        ("1", "twitching"),  # -> for twitching
        ("1", "drink"),  # -> alcohol heavy
    ]
    for body, expected in steps:
        texts = phone.texts(body)
        assert_sms(texts)
        assert expected.lower() in " ".join(texts).lower(), (body, texts)
    last = phone.texts("no")
    assert_sms(last)
    assert PHONE in " ".join(last)
    slots = assistant.tracker(conversation_id(phone.number))["slots"]
    # The most urgent safety block comes first; MORE brings the rest.
    first = sms_explanation_blocks(slots)[0]
    assert fill(sms_variant(first)["text"]) in " ".join(last)
    assert slots["twitch_location"] == ["legs"]
    assert slots["twitch_timing"] == ["falling_asleep"]
    assert slots["opioid_names"] == ["oxycodone"] and slots["opioid_prescribed"] == "no"
    assert slots["benzo_names"] == ["alprazolam"]
    assert slots["alcohol_heavy"] == "no"


def user_events(assistant: Any, number: str) -> List[Dict[str, Any]]:
    events = assistant.tracker(conversation_id(number))["events"]
    return [event for event in events if event["event"] == "user"]


@pytest.mark.parametrize("kind", ["forged", "missing", "for another url", "for other fields"])
def test_a_request_without_a_valid_signature_gets_403_and_changes_nothing(
    assistant: Any, kind: str
) -> None:
    phone = Phone(assistant)
    fields = phone.fields("hi")
    signature = {
        "forged": "c2lnbmF0dXJlIGZvcmdlZCBieSBzb21lb25l",
        "missing": "",
        "for another url": phone.signature(fields, url=phone.url),
        "for other fields": phone.signature({**fields, "Body": "something else"}),
    }[kind]
    response = phone.post(fields, signature=signature)
    assert response.status_code == 403
    assert "signature" in response.text.lower()
    assert user_events(assistant, phone.number) == []
    stop = phone.post(phone.fields("STOP"), signature=signature or "")
    assert stop.status_code == 403
    assert not opt_out.is_opted_out(phone.number)


async def test_stop_confirms_once_then_silence_until_start(assistant: Any) -> None:
    phone = Phone(assistant)
    phone.texts("hi")
    confirmation = phone.texts("STOP")
    assert len(confirmation) == 1
    assert "911" in confirmation[0] and "988" in confirmation[0] and "START" in confirmation[0]
    assert_sms(confirmation)
    before = len(user_events(assistant, phone.number))
    for body in ("hello?", "STOP", "HELP", "I took too many pills", "1"):
        assert phone.texts(body) == [], body
    assert len(user_events(assistant, phone.number)) == before
    welcome = phone.texts("START")
    assert welcome == [await sms_text(wording.SMS_OPTED_IN)]
    assert phone.texts("hi")  # talking again


@pytest.mark.parametrize("opt_in", ["START", "unstop", "Yes"])
async def test_a_plain_language_opt_out_and_each_opt_in_word(assistant: Any, opt_in: str) -> None:
    phone = Phone(assistant)
    assert phone.texts("please stop texting me") == [await sms_text(wording.SMS_OPTED_OUT)]
    assert phone.texts("hi") == []
    assert phone.texts(opt_in) == [await sms_text(wording.SMS_OPTED_IN)]


def test_an_opt_out_is_stored_durably_without_the_number_in_the_logs(assistant: Any) -> None:
    phone = Phone(assistant)
    phone.texts("STOP")
    # A new process (as after a restart) reads it from the database.
    check = "import sys; from storage import opt_outs as opt_out; print(opt_out.is_opted_out(sys.argv[1]))"
    env = dict(os.environ, DATABASE_URL=assistant.database_url)
    found = subprocess.run(
        [sys.executable, "-c", check, phone.number],
        cwd=ROOT, env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert found.stdout.strip() == "True"
    logs = assistant.servers.log_tails(lines=100000)
    assert phone.number not in logs and phone.number[1:] not in logs


@pytest.mark.parametrize("word", ["HELP", "info", "Help!"])
def test_help_names_the_organisation_the_admissions_line_and_emergency_numbers(
    assistant: Any, word: str
) -> None:
    texts = Phone(assistant).texts(word)
    assert len(texts) == 1
    assert_sms(texts)
    for fact in (slot_defaults()["organisation_name"], PHONE, "911", "988", "STOP"):
        assert fact in texts[0]


def test_an_emergency_by_sms_gets_the_emergency_answer_first(assistant: Any) -> None:
    phone = Phone(assistant)
    phone.texts("hi")
    texts = phone.texts("my friend took too many pills and wont wake up")
    assert_sms(texts)
    assert "911" in texts[0]


def test_typed_payload_syntax_is_read_as_text(assistant: Any) -> None:
    phone = Phone(assistant)
    phone.texts("hi")
    phone.texts("1")  # the questions start: "Have you had muscle twitches..."
    phone.texts('/inform{"twitch_timing": "all_the_time"}')
    phone.texts(' //start_screening{"twitch_location": "whole_body"}')
    slots = assistant.tracker(conversation_id(phone.number))["slots"]
    assert slots["twitch_timing"] is None
    assert slots["twitch_location"] is None
    said = user_events(assistant, phone.number)
    assert [event["text"] for event in said[-2:]] == [
        'inform{"twitch_timing": "all_the_time"}',
        'start_screening{"twitch_location": "whole_body"}',
    ]
    # Read by the NLU, not unpacked as a payload (which has confidence 1.0 and no ranking).
    assert all(len(event["parse_data"]["intent_ranking"]) > 1 for event in said[-2:])


def test_numbers_and_titles_choose_the_offered_buttons(assistant: Any) -> None:
    phone = Phone(assistant)
    phone.texts("hi")
    phone.texts("yes")
    phone.texts("Yes")
    phone.texts("whole body")  # a title
    phone.texts("3")  # All the time
    slots = assistant.tracker(conversation_id(phone.number))["slots"]
    assert slots["twitch_location"] == ["whole_body"]
    assert slots["twitch_timing"] == ["all_the_time"]


def test_a_callback_by_sms_offers_the_senders_own_number(assistant: Any) -> None:
    phone = Phone(assistant, number=f"+1617555{secrets.randbelow(10000):04d}")
    phone.texts("hi")
    phone.texts("call me back please")
    assert "first name" in " ".join(phone.texts("yes"))  # consent given
    assert "number you are texting from" in " ".join(phone.texts("Sam"))
    assert "time" in " ".join(phone.texts("yes")).lower()
    assert "saved" in " ".join(phone.texts("weekday mornings"))
    stored = [
        r
        for r in store.find(assistant.database_url)
        if r["conversation_id"] == conversation_id(phone.number)
    ]
    assert [(r["phone"], r["first_name"], r["channel"]) for r in stored] == [
        (phone.number, "Sam", "sms")
    ]
