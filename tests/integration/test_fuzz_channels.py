"""Hostile and broken input on the web chat (socket.io) and SMS channels.

At least 200 messages per channel. Every one gets a well-formed answer (bot
messages, or a 4xx with a clear reason; never a 5xx), the server stays up, and a
bystander's conversation is not changed.
"""

import json
from typing import Any, Dict, Iterator, List, Tuple

import pytest
import requests

from addons.channels.sms import FormParams, conversation_id
from tests.support.sms_phone import Phone, twiml_texts
from tests.support.webchat_user import WebchatUser

MIN_MESSAGES = 200
FORM = "application/x-www-form-urlencoded"

TEXTS: List[str] = [
    "", " ", "\t\n ", "\u00a0\u2003", "\n\n\n",
    "a" * 100_000, "hello " * 20_000, "x" * 2001,
    "\x00", "\x00\x01\x02hi", "\x1b[31mred\x1b[0m", "\x7fdel\x08", "tab\there\r\nline",
    "\ud800", "a\udfffb", "\ufffd\ufffd", "\ufeffhi",
    "\U0001f600\U0001f62d\U0001f44d", "\U0001f3f3\ufe0f\u200d\U0001f308", "\u0645\u0631\u062d\u0628\u0627",
    "\u05e9\u05dc\u05d5\u05dd \u05e2\u05d5\u05dc\u05dd", "\u202eevil\u202c", "\u200b\u200b/affirm",
    "<img src=x onerror=alert(1)>", "<script>alert(1)</script>", "\"><svg onload=alert(1)>",
    "javascript:alert(1)", "<b>bold</b>", "&lt;tag&gt; &amp;",
    "'; DROP TABLE events; --", "1 OR 1=1", "\" OR \"\"=\"", "admin'--", "%' UNION SELECT * FROM users --",
    "/affirm", "/deny", "/restart", "/stop_screening", "/emergency_overdose", "//affirm",
    "/inform{\"twitch_timing\": \"all_the_time\"}", "/inform{\"opioid\": \"fentanyl\"}",
    "/inform{\"admissions_phone\": \"555\"}", "/inform{broken json", "/", "/ /affirm", "  /affirm  ",
    "{\"message\": \"hi\", \"session_id\": \"x\"}", "[1, 2, 3]", "{}", "null", "true",
    "{{admissions_phone}}", "{admissions_phone}", "%s%s%s%n", "${HOME}", "../../etc/passwd",
    "hi", "yes", "no", "1", "999", "-1", "0", "STOP", "HELP", "START",
]  # fmt: skip


def texts_to_send() -> Iterator[str]:
    """TEXTS, then variations, until MIN_MESSAGES."""
    count = 0
    while count < MIN_MESSAGES:
        for text in TEXTS:
            yield text if count < len(TEXTS) else f"{text} {count}"
            count += 1


@pytest.fixture
def bystander_webchat(assistant: Any) -> Iterator[Tuple[WebchatUser, List[Any]]]:
    person = WebchatUser(assistant.base_url, f"http://localhost:{assistant.web_port}")
    person.say("hi")
    person.say("/affirm")
    yield person, assistant.tracker(person.session_id)["events"]
    person.close()


def test_web_chat_fuzz(assistant: Any, bystander_webchat: Tuple[WebchatUser, List[Any]]) -> None:
    bystander, bystander_events = bystander_webchat
    origin = f"http://localhost:{assistant.web_port}"
    fuzzer = WebchatUser(assistant.base_url, origin)
    malformed: List[Any] = [
        None, "just a string", 42, [1, 2], {}, {"message": None}, {"message": 42},
        {"message": ["a"]}, {"message": {"text": "hi"}}, {"session_id": fuzzer.session_id},
        {"message": "hi", "customData": "not an object"}, {"message": "hi", "customData": [1]},
        {"message": "hi", "session_id": bystander.session_id},
        {"message": "hi", "session_id": {"$ne": None}}, b"\xff\xfe binary",
    ]  # fmt: skip
    sent = 0
    try:
        for text in texts_to_send():
            data: Any = {"message": text, "customData": {}, "session_id": fuzzer.session_id}
            assert fuzzer.send(data), f"no reply to {text[:40]!r}"
            sent += 1
        for data in malformed:
            assert fuzzer.send(data), f"no reply to {str(data)[:40]}"
            sent += 1
    finally:
        fuzzer.close()
    assert sent >= MIN_MESSAGES
    assert requests.get(assistant.base_url + "/", timeout=10).status_code == 200
    assert assistant.tracker(bystander.session_id)["events"] == bystander_events
    assert bystander.texts("yes")  # still answered
    print(f"web chat fuzz: {sent} messages, every one answered")


def test_sms_fuzz(assistant: Any) -> None:
    bystander = Phone(assistant)
    bystander.texts("hi")
    bystander.texts("1")
    bystander_events = assistant.tracker(conversation_id(bystander.number))["events"]
    phone = Phone(assistant)
    statuses: Dict[int, int] = {}

    def check(response: requests.Response, label: str) -> None:
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
        assert response.status_code < 500, (label, response.status_code, response.text[:200])
        if response.status_code == 200:
            twiml_texts(response)  # well-formed TwiML
        else:
            assert 400 <= response.status_code < 500 and response.text.strip(), label

    for text in texts_to_send():
        body = text.encode("utf-8", "replace").decode("utf-8")  # Twilio sends UTF-8
        check(phone.post(phone.fields(body)), repr(text[:40]))
        if text.strip().upper() == "STOP":
            check(phone.post(phone.fields("START")), "START")
    fields = phone.fields("hi")
    broken: List[Tuple[str, Dict[str, Any]]] = [
        ("no From", {"data": {k: v for k, v in fields.items() if k != "From"}}),
        ("empty From", {"data": {**fields, "From": ""}}),
        ("no Body", {"data": {k: v for k, v in fields.items() if k != "Body"}}),
        ("no fields", {"data": {}}),
        ("JSON", {"json": fields, "url_only": True}),
        ("text/plain", {"data": "From=x&Body=hi", "content_type": "text/plain", "url_only": True}),
        (
            "invalid UTF-8",
            {"data": b"From=%2B1202&Body=\xff\xfe", "content_type": FORM, "url_only": True},
        ),
        (
            "percent-encoded invalid UTF-8",
            {"data": b"From=%2B12025550199&Body=%FF%FEhi", "content_type": FORM},
        ),
        ("multipart", {"files": {"Body": ("b", b"hi")}, "url_only": True}),
        ("duplicate Body", {"data": [("From", phone.number), ("Body", "a"), ("Body", "b")]}),
    ]
    for label, request in broken:
        check(signed_post(phone, **request), label)
    sent = sum(statuses.values())
    assert sent >= MIN_MESSAGES
    assert statuses.get(403, 0) == 0  # every request was signed
    assert requests.get(assistant.base_url + "/", timeout=10).status_code == 200
    assert assistant.tracker(conversation_id(bystander.number))["events"] == bystander_events
    assert bystander.texts("yes")
    print(f"SMS fuzz: {sent} signed requests, status codes {sorted(statuses.items())}")


def signed_post(
    phone: Phone,
    data: Any = None,
    json: Any = None,  # noqa: A002 (requests' name)
    files: Any = None,
    content_type: str = "",
    url_only: bool = False,
) -> requests.Response:
    """A request signed as Twilio would sign it: over its form fields, or the URL only."""
    if url_only:
        signed: Dict[str, Any] = {}
    elif isinstance(data, list):
        signed = FormParams()
        for key, value in data:
            signed.setdefault(key, []).append(value)
    elif isinstance(data, bytes):
        signed = {"From": "+12025550199", "Body": "\ufffd\ufffdhi"}
    else:
        signed = data
    headers = {"X-Twilio-Signature": phone.signature(signed)}
    if content_type:
        headers["Content-Type"] = content_type
    return phone.session.post(
        phone.url, data=data, json=json, files=files, headers=headers, timeout=60
    )


def test_the_fuzz_texts_include_every_kind() -> None:
    joined = json.dumps(TEXTS)
    for kind in ("onerror", "DROP TABLE", "/inform", "\\ud800", "\\u202e", "session_id"):
        assert kind in joined
    assert max(len(t) for t in TEXTS) >= 100_000
