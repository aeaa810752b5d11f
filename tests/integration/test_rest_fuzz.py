"""Bad input over REST (addons/channels/rest.py): over 2,000 requests of every odd kind each get a
well-formed answer (a reply, or a 4xx with a clear message; never a 5xx), the server
stays up, and a bystander's conversation does not change."""

import json
import random
import secrets
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Iterator, List, Optional, Tuple

import pytest
import requests

from addons.channels.typed_text import MAX_TEXT_LENGTH
from tests.support.content import says, slot_defaults
from tests.support.reliability import new_sender, running, sqlite_env
from tests.support.servers import REST_PATH, Assistant, Servers, free_port

PHONE = slot_defaults()["admissions_phone"]
MINIMUM_REQUESTS = 2000
WORKERS = 6

# (body bytes, content type, sender or None): one request.
Case = Tuple[bytes, Optional[str], Optional[str]]

TEXTS = [
    "",
    " ",
    "\t\n  \r\n",
    "\x00\x01\x02 hi \x1b[31m",
    "hi\u0000there",
    "\ud800 lone surrogate",
    "😀😬🤢💊🍺",
    "مرحبا، أشعر بارتعاش في ساقي",
    "שלום, יש לי עוויתות",
    "\u202egnihctiwt\u202c",
    "<script>alert('x')</script>",
    "<img src=x onerror=alert(1)>",
    "'; DROP TABLE events; --",
    "1 OR 1=1; SELECT * FROM events",
    "/restart",
    "/emergency_overdose",
    '/inform{"opioid": "heroin", "admissions_phone": "555-0000"}',
    "/inform{not json",
    "/nonexistent_intent",
    '{"sender": "someone-else", "message": "hi"}',
    '{"event": "restart"}',
    "{{admissions_phone}} {admissions_phone} %s %(x)s",
    "yes",
    "no",
    "hi",
    "percs",
    "a" * 1999,
    "word " * 400,
]


def json_case(body: Any, sender: Optional[str], content_type: str = "application/json") -> Case:
    return json.dumps(body).encode(), content_type, sender


def cases(senders: List[str], rng: random.Random) -> List[Case]:
    made: List[Case] = []
    while len(made) < MINIMUM_REQUESTS + 100:
        sender = rng.choice(senders)
        text = rng.choice(TEXTS)
        made.append(json_case({"sender": sender, "message": text}, sender))
        if rng.random() < 0.3:
            made.extend(odd_requests(sender, rng))
    return made


def odd_requests(sender: str, rng: random.Random) -> List[Case]:
    long_text = "".join(rng.choice("ab c\n😀") for _ in range(100_000))
    return [
        json_case({"sender": sender, "message": long_text}, sender),
        json_case({"message": "hi"}, None),
        json_case({"sender": "", "message": "hi"}, None),
        json_case({"sender": 42, "message": "hi"}, None),
        json_case({"sender": "x" * 500, "message": "hi"}, None),
        json_case({"sender": "a\x00b", "message": "hi"}, None),
        json_case({"sender": sender}, None),
        json_case({"sender": sender, "message": None}, None),
        json_case({"sender": sender, "message": ["hi"]}, None),
        json_case({"sender": sender, "message": 12}, None),
        json_case({"sender": sender, "message": "hi", "metadata": "x"}, None),
        json_case({"sender": sender, "message": "hi", "input_channel": {"a": 1}}, None),
        json_case(["hi"], None),
        json_case("hi", None),
        json_case(None, None),
        (b"", "application/json", None),
        (b"", None, None),
        (b"{not json", "application/json", None),
        (b'{"sender": "x", "message": "\xff\xfe\xfa"}', "application/json", None),
        (b"\xff\xfe\x00\x00", None, None),
        (f"sender={sender}&message=hi".encode(), "application/x-www-form-urlencoded", None),
        (b"<msg>hi</msg>", "application/xml", None),
        (
            b"--x\r\nContent-Disposition: form-data; name=a\r\n\r\nb\r\n--x--",
            "multipart/form-data; boundary=x",
            None,
        ),
        json_case({"sender": sender, "message": "hi"}, sender, content_type="text/plain"),
    ]


def post(session: requests.Session, url: str, case: Case) -> Tuple[Case, int, Any]:
    body, content_type, _sender = case
    headers = {"Content-Type": content_type} if content_type else {}
    response = session.post(url, data=body, headers=headers, timeout=60)
    try:
        answer = response.json()
    except ValueError:
        answer = response.text
    return case, response.status_code, answer


def problems(case: Case, status: int, answer: Any) -> List[str]:
    """What is wrong with one answer (empty if it is well-formed)."""
    _body, _type, sender = case
    if status >= 500:
        return [f"{status} for {case[0][:80]!r}"]
    if 400 <= status < 500:
        if not (isinstance(answer, dict) and isinstance(answer.get("error"), str)):
            return [f"{status} without a clear message: {answer!r:.200}"]
        return []
    if sender is None:
        return [f"{status} for a request that should be refused: {case[0][:80]!r}"]
    if not isinstance(answer, list) or not all(isinstance(m, dict) for m in answer):
        return [f"not a list of messages: {answer!r:.200}"]
    wrong = [m for m in answer if m.get("recipient_id") != sender]
    return [f"messages for another conversation: {wrong!r:.200}"] if wrong else []


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    log_dir = tmp_path_factory.mktemp("rest-fuzz")
    servers = Servers(
        rasa_port=free_port(),
        action_port=free_port(),
        log_dir=log_dir,
        token=secrets.token_hex(24),
        interface="127.0.0.1",
        env=sqlite_env(log_dir),
    )
    servers.start()
    yield from running(servers)


def test_rest_fuzz(servers: Servers) -> None:
    rest = Assistant(servers.base_url, servers.token)
    bystander = new_sender("bystander")
    for text in ("hi", "yes", "yeah"):
        rest.texts(bystander, text)
    before = rest.tracker(bystander)

    rng = random.Random(6)
    all_cases = cases([new_sender("fuzz") for _ in range(40)], rng)
    url = servers.base_url + REST_PATH
    with requests.Session() as session, ThreadPoolExecutor(WORKERS) as pool:
        answers = list(pool.map(lambda case: post(session, url, case), all_cases))

    assert len(answers) >= MINIMUM_REQUESTS
    found = [p for answer in answers for p in problems(*answer)]
    assert not found, f"{len(found)} bad answers, e.g. {found[:5]}"
    refused = sum(1 for _case, status, _answer in answers if 400 <= status < 500)
    assert refused > 200, "the odd requests were refused"
    assert servers.rasa.running() and servers.rasa.answers()

    after = rest.tracker(bystander)
    assert after["events"] == before["events"]
    assert says(rest.texts(bystander, "my legs mostly"), "utter_ask_twitch_timing")


def test_a_too_long_message_is_refused_kindly_and_not_processed(servers: Servers) -> None:
    rest = Assistant(servers.base_url, servers.token)
    sender = new_sender()
    messages = rest.say(sender, "x" * (MAX_TEXT_LENGTH + 1))
    reply = "\n".join(m["text"] for m in messages)
    assert says(reply, "utter_message_too_long")
    assert PHONE in reply and "911" in reply and "988" in reply
    assert not [e for e in rest.tracker(sender)["events"] if e["event"] == "user"]


def test_a_missing_sender_gets_a_clear_400(servers: Servers) -> None:
    response = requests.post(servers.base_url + REST_PATH, json={"message": "hi"}, timeout=30)
    assert response.status_code == 400
    assert '"sender" is missing' in response.json()["error"]


def test_a_form_body_gets_415(servers: Servers) -> None:
    response = requests.post(
        servers.base_url + REST_PATH, data={"sender": "a", "message": "hi"}, timeout=30
    )
    assert response.status_code == 415
    assert "content type" in response.json()["error"]


def test_the_http_api_needs_the_token(servers: Servers) -> None:
    url = f"{servers.base_url}/conversations/someone/tracker"
    assert requests.get(url, timeout=30).status_code == 401
    assert requests.get(url, params={"token": "wrong"}, timeout=30).status_code == 401
    assert requests.get(url, params={"token": servers.token}, timeout=30).status_code == 200
