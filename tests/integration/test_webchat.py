"""The web chat channel over real socket.io, as the rasa-webchat widget uses it."""

import re
from typing import Any, Dict, List

import phonenumbers
import pytest
import requests
import socketio

from tests.support.content import says, slot_defaults
from tests.support.sms_phone import Phone
from tests.support.webchat_user import WebchatUser

PHONE = slot_defaults()["admissions_phone"]
ADMISSIONS_TEL = "tel:" + phonenumbers.format_number(
    phonenumbers.parse(PHONE, "US"), phonenumbers.PhoneNumberFormat.E164
)
CALL_BUTTON = {"type": "web_url", "title": "Call admissions now", "url": ADMISSIONS_TEL}
CALL_OR_TEXT_988 = "[call 988](tel:988) or [text 988](sms:988)"
MARKDOWN_LINK = re.compile(r"\[([^\]]+)\]\((tel|sms):[^)]+\)")


def as_plain_text(text: str) -> str:
    """A web chat text as the other channels write it: the links undone."""
    text = text.replace(CALL_OR_TEXT_988, "call or text 988")
    text = text.replace(CALL_OR_TEXT_988.replace("call", "Call", 1), "Call or text 988")
    return MARKDOWN_LINK.sub(r"\1", text)


def text_of(messages: List[Dict[str, Any]]) -> str:
    return "\n".join(m.get("text", "") for m in messages)


def origin(assistant: Any) -> str:
    return f"http://localhost:{assistant.web_port}"


@pytest.fixture
def user(assistant: Any) -> Any:
    person = WebchatUser(assistant.base_url, origin(assistant))
    yield person
    person.close()


def test_a_screening_in_the_web_chat_ends_with_the_admissions_number(
    assistant: Any, user: WebchatUser
) -> None:
    opening = user.say("hi")
    assert says(as_plain_text(text_of(opening)), "utter_opening")
    quick_replies = [r for m in opening for r in m.get("quick_replies", [])]
    assert [r["payload"] for r in quick_replies] == ["/affirm", "/deny"]
    assert says(user.texts("/affirm"), "utter_ask_twitching")  # a clicked quick reply
    assert says(user.texts("yes"), "utter_ask_twitch_location")
    user.texts('/inform{"body_part": "legs"}')  # clicked "Legs"
    for answer in ("at night falling asleep", "2 weeks", "yes", "percs", "no", "yes i ran out"):
        user.texts(answer)
    for answer in ("yes xanax", "no", "yes", "yea sometimes"):
        user.texts(answer)
    explanation = user.say("no")
    assert f"[{PHONE}]({ADMISSIONS_TEL})" in text_of(explanation)
    assert [m["buttons"] for m in explanation if "buttons" in m] == [[CALL_BUTTON]]
    slots = assistant.tracker(user.session_id)["slots"]
    assert slots["twitch_location"] == ["legs"]
    assert slots["opioid_names"] == ["oxycodone"]


def test_numbers_are_tap_to_call_links_in_the_web_chat_only(
    assistant: Any, user: WebchatUser
) -> None:
    opening = user.say("hi")
    text = text_of(opening)
    assert "[911](tel:911)" in text and CALL_OR_TEXT_988 in text
    # Links open the dialer from the page itself, not in a new tab.
    assert all(m["metadata"] == {"linkTarget": "_self"} for m in opening)
    rest = assistant.texts("plain-text-person", "hi")
    assert as_plain_text(text) == rest  # the same words, from the same settings
    assert "tel:" not in rest and "](" not in rest
    sms = "\n".join(Phone(assistant).texts("HELP"))
    assert PHONE in sms and "988" in sms and "tel:" not in sms and "](" not in sms


@pytest.mark.parametrize("asking", ["/deny", "what is the phone number for admissions?"])
def test_asking_for_the_number_brings_a_call_button(user: WebchatUser, asking: str) -> None:
    user.say("hi")
    reply = user.say(asking)  # "/deny": the greeting's "No, just the phone number"
    with_number = [m for m in reply if PHONE in m.get("text", "")]
    assert with_number and with_number[0]["buttons"] == [CALL_BUTTON]
    assert f"[{PHONE}]({ADMISSIONS_TEL})" in with_number[0]["text"]


def test_the_conversation_continues_after_a_reconnect(assistant: Any, user: WebchatUser) -> None:
    user.say("hi")
    user.say("/affirm")
    again = WebchatUser(assistant.base_url, origin(assistant), session_id=user.session_id)
    try:
        assert again.session_id == user.session_id
        assert says(again.texts("yes"), "utter_ask_twitch_location")
    finally:
        again.close()


def test_typed_payload_syntax_is_read_as_text(assistant: Any, user: WebchatUser) -> None:
    user.say('/inform{"twitch_timing": "all_the_time"}')  # before any button
    user.say("hi")
    user.say("/affirm")
    user.say('/inform{"body_part": "whole_body"}')  # not offered: the question is yes/no
    slots = assistant.tracker(user.session_id)["slots"]
    assert slots["twitch_timing"] is None
    assert slots["twitch_location"] is None
    events = assistant.tracker(user.session_id)["events"]
    texts = [e["text"] for e in events if e["event"] == "user"]
    assert texts[0] == 'inform{"twitch_timing": "all_the_time"}'
    assert texts[2] == "/affirm"  # offered, so a button
    assert texts[3] == 'inform{"body_part": "whole_body"}'


def test_a_socket_writes_only_to_its_own_conversation(assistant: Any, user: WebchatUser) -> None:
    user.say("hi")
    before = assistant.tracker(user.session_id)["events"]
    intruder = WebchatUser(assistant.base_url, origin(assistant))
    try:
        reply = intruder.send({"message": "/restart", "session_id": user.session_id})
        assert reply  # answered, in its own conversation
    finally:
        intruder.close()
    assert assistant.tracker(user.session_id)["events"] == before


def test_a_made_up_session_id_gets_a_new_conversation(assistant: Any) -> None:
    person = WebchatUser(assistant.base_url, origin(assistant), session_id="someone-else")
    try:
        assert person.session_id != "someone-else" and len(person.session_id) == 32
    finally:
        person.close()


@pytest.mark.parametrize("other", ["http://evil.example", "null", "https://localhost"])
def test_other_origins_cannot_connect(assistant: Any, other: str) -> None:
    with pytest.raises(socketio.exceptions.ConnectionError):
        WebchatUser(assistant.base_url, other)
    polling = requests.get(
        assistant.base_url + "/socket.io/",
        params={"EIO": "4", "transport": "polling"},
        headers={"Origin": other},
        timeout=10,
    )
    assert polling.status_code == 400
    assert "access-control-allow-origin" not in {h.lower() for h in polling.headers}


def test_the_allowed_origin_is_named_not_a_wildcard(assistant: Any) -> None:
    polling = requests.get(
        assistant.base_url + "/socket.io/",
        params={"EIO": "4", "transport": "polling"},
        headers={"Origin": origin(assistant)},
        timeout=10,
    )
    assert polling.status_code == 200
    assert polling.headers["Access-Control-Allow-Origin"] == origin(assistant)
