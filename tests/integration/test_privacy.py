"""Privacy end to end, against real servers at DEBUG log level with their own databases
and their own generated keys:

- whole screenings with a callback on REST and on SMS leave no name, phone number or
  answer in the database (the SQLite files' bytes; PostgreSQL's rows as stored) nor in
  any log line of either server;
- "delete my data", asked in the middle of the screening or of the callback request,
  is confirmed once, then deletes that conversation's events, callback request and
  notifications, and nothing of another person's;
- "what do you keep about me?" names the retention period.

The model is ASSISTANT_MODEL if set, else models/screening.tar.gz (make test trains it).
PostgreSQL: TEST_POSTGRES_URL (scripts/services.sh), skipped without it unless CI=true.
"""

import json
import os
import secrets
import uuid
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Dict, Iterator, List

import pytest
import sqlalchemy as sa

from addons.channels.sms import conversation_id
from storage import callbacks as store
from storage import conversations, outbox
from tests.integration.test_callback_rest import full_screening
from tests.support.content import says
from tests.support.servers import MODEL, Assistant, Servers, free_port
from tests.support.sms_phone import Phone
from tests.unit.test_admissions_store import POSTGRES_URL, reachable

SMS_WEBHOOK_URL = "https://assistant.example.org/webhooks/sms/webhook"
# What people say below, none of which may be stored or logged as it is.
REST_NAME, SMS_NAME = "Quillon", "Brunhilde"
ANSWERS = ("percs", "xanax", "like 2 weeks", "ran out last week", "after 5pm", "weekday mornings")


def model() -> Path:
    return Path(os.environ.get("ASSISTANT_MODEL") or MODEL)


def database_urls(kind: str, folder: Path) -> Dict[str, str]:
    if kind == "sqlite":
        return {
            "DATABASE_URL": f"sqlite:///{folder / 'assistant.db'}",
            "TRACKER_STORE_URL": f"sqlite:///{folder / 'conversations.db'}",
        }
    problem = reachable(POSTGRES_URL)
    if problem:
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL at TEST_POSTGRES_URL is unreachable ({problem})")
        pytest.skip(f"PostgreSQL at TEST_POSTGRES_URL is unreachable ({problem})")
    return {"DATABASE_URL": POSTGRES_URL, "TRACKER_STORE_URL": POSTGRES_URL}


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def running(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[SimpleNamespace]:
    folder = tmp_path_factory.mktemp(f"privacy-{request.param}")
    env = {
        **database_urls(request.param, folder),
        "ASSISTANT_DATA_DIR": str(folder / "data"),
        "TWILIO_AUTH_TOKEN": secrets.token_hex(16),
        "SMS_WEBHOOK_URL": SMS_WEBHOOK_URL,
        # A notification per request, never sent (nothing listens there): it stays queued.
        "ADMISSIONS_WEBHOOK_URL": "http://127.0.0.1:9/crm",
        "ADMISSIONS_WEBHOOK_SECRET": secrets.token_hex(16),
        "LOG_LEVEL_LIBRARIES": "DEBUG",
    }
    saved = {name: os.environ.get(name) for name in env}
    os.environ.update(env)  # this process reads the same databases and keys
    servers = Servers(
        rasa_port=free_port(),
        action_port=free_port(),
        log_dir=folder,
        token=secrets.token_hex(24),
        interface="127.0.0.1",
        model=model(),
        env=env,
    )
    servers.rasa.command.append("--debug")
    servers.action.command.append("--debug")
    servers.start()
    client = Assistant(servers.base_url, servers.token)
    try:
        yield SimpleNamespace(
            kind=request.param,
            folder=folder,
            env=env,
            servers=servers,
            client=client,
            base_url=servers.base_url,
            sms_webhook_url=SMS_WEBHOOK_URL,
            twilio_auth_token=env["TWILIO_AUTH_TOKEN"],
        )
    finally:
        client.close()
        servers.stop()
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


class WebPerson:
    def __init__(self, running: SimpleNamespace) -> None:
        self.client = running.client
        self.sender = f"privacy-{uuid.uuid4().hex[:12]}"

    def says(self, text: str) -> str:
        return str(self.client.texts(self.sender, text))


def random_phone() -> str:
    return f"+1617555{secrets.randbelow(10000):04d}"


def callback_by_rest(person: WebPerson, phone: str) -> str:
    assert says(person.says("call me back"), "utter_ask_callback_consent")
    person.says("yes")
    person.says(REST_NAME)
    person.says(phone)
    return person.says("after 5pm")


def screening_by_sms(phone: Phone) -> None:
    for body in ("hi", "1", "yes", "1", "1", "like 2 weeks", "yes", "percs", "3"):
        phone.texts(body)
    for body in ("yes i ran out last week", "y", "xanax", "no", "1", "1", "no"):
        phone.texts(body)


def callback_by_sms(phone: Phone) -> List[str]:
    phone.texts("call me back please")
    phone.texts("yes")
    phone.texts(SMS_NAME)
    phone.texts("yes")  # the number texting
    return phone.texts("weekday mornings")


def requests_of(conversation: str) -> List[Dict[str, Any]]:
    return [r for r in store.find() if r["conversation_id"] == conversation]


def rows_of(url: str, table: str, column: str, senders: List[str]) -> List[Any]:
    engine = sa.create_engine(url, future=True)
    query = sa.text(f"SELECT * FROM {table} WHERE {column} IN :senders").bindparams(
        sa.bindparam("senders", expanding=True)
    )
    try:
        with engine.connect() as connection:
            return list(connection.execute(query, {"senders": senders}).all())
    finally:
        engine.dispose()


def stored_rows(running: SimpleNamespace, senders: List[str]) -> str:
    """What the databases hold for these conversations, as they hold it."""
    env = running.env
    rows = rows_of(env["TRACKER_STORE_URL"], "events", "sender_id", senders)
    rows += rows_of(env["DATABASE_URL"], "callback_requests", "conversation_id", senders)
    return json.dumps([[str(value) for value in row] for row in rows])


def database_bytes(running: SimpleNamespace) -> bytes:
    return b"".join(path.read_bytes() for path in sorted(running.folder.glob("*.db*")))


def logs(running: SimpleNamespace) -> str:
    servers = running.servers
    return "\n".join(s.log_path.read_text(errors="replace") for s in (servers.action, servers.rasa))


def private_texts(numbers: List[str]) -> List[str]:
    national = [n[2:] for n in numbers] + [f"{n[2:5]}-{n[5:8]}-{n[8:]}" for n in numbers]
    return [REST_NAME, SMS_NAME, *numbers, *national, *ANSWERS]


def test_screenings_and_callbacks_leave_no_personal_text_stored_or_logged(
    running: SimpleNamespace,
) -> None:
    web, web_number = WebPerson(running), random_phone()
    assert says(full_screening(web), "utter_explain_intro")
    assert says(callback_by_rest(web, web_number), "utter_callback_received")
    phone = Phone(running, number=random_phone())
    screening_by_sms(phone)
    assert "saved" in " ".join(callback_by_sms(phone))
    by_sms = conversation_id(phone.number)

    # Stored, and readable through the staff's tool.
    [web_request], [sms_request] = requests_of(web.sender), requests_of(by_sms)
    assert (web_request["first_name"], web_request["phone"]) == (REST_NAME, web_number)
    assert (sms_request["first_name"], sms_request["phone"]) == (SMS_NAME, phone.number)
    assert sms_request["summary"]["opioids"]["as_said"] == ["percs"]
    assert conversations.count_events(by_sms) > 30

    stored = stored_rows(running, [web.sender, by_sms])
    log_lines = logs(running)
    assert "Callback request #" in log_lines
    assert "DEBUG" in log_lines and "new event(s) of a conversation" in log_lines  # DEBUG is on
    everything = [stored, log_lines]
    if running.kind == "sqlite":
        everything.append(database_bytes(running).decode("latin-1"))
    for private in private_texts([web_number, phone.number]):
        for where, text in zip(("rows", "logs", "files"), everything, strict=False):
            assert private not in text, (private, where)


def test_delete_my_data_in_the_screening_deletes_that_conversation_only(
    running: SimpleNamespace,
) -> None:
    bystander = WebPerson(running)
    full_screening(bystander)
    callback_by_rest(bystander, random_phone())
    bystander_events = conversations.count_events(bystander.sender)
    [bystander_request] = requests_of(bystander.sender)

    person = WebPerson(running)
    for text in ("hi", "yes", "yes", "my arms", "can someone call me back", "yes", "Sam"):
        person.says(text)
    person.says(random_phone())
    assert says(person.says("mornings"), "utter_callback_received")
    assert says(person.says("lets continue"), "utter_ask_twitch_timing")  # an open question
    [request] = requests_of(person.sender)
    assert [d.status for d in outbox.deliveries()[request["id"]]] == ["pending"]

    reply = person.says("delete my data")
    assert says(reply, "utter_ask_delete_data")
    assert not says(reply, "utter_ask_twitch_timing")
    reply = person.says("yes")
    assert says(reply, "utter_data_deleted") and says(reply, "utter_data_deleted_callback")

    assert conversations.count_events(person.sender) == 0
    assert requests_of(person.sender) == []
    assert request["id"] not in outbox.deliveries()
    # Nothing of the bystander's went.
    assert conversations.count_events(bystander.sender) == bystander_events
    assert requests_of(bystander.sender) == [bystander_request]
    assert len(outbox.deliveries()[bystander_request["id"]]) == 1
    # The person can start again, as a new conversation.
    assert says(person.says("hi"), "utter_ask_start")


def test_no_to_the_confirmation_deletes_nothing(running: SimpleNamespace) -> None:
    person = WebPerson(running)
    person.says("hi")
    assert says(person.says("forget me"), "utter_ask_delete_data")
    assert says(person.says("no"), "utter_data_not_deleted")
    assert conversations.count_events(person.sender) > 5


def test_no_to_the_confirmation_during_the_questions_asks_the_open_question_again(
    running: SimpleNamespace,
) -> None:
    person = WebPerson(running)
    person.says("hi")
    person.says("yes")
    assert says(person.says("yes"), "utter_ask_twitch_location")
    assert says(person.says("delete my data"), "utter_ask_delete_data")
    reply = person.says("no")
    assert says(reply, "utter_data_not_deleted_go_on")
    assert says(reply, "utter_ask_twitch_location")
    assert says(person.says("legs"), "utter_ask_twitch_timing")


def test_delete_by_sms_at_the_name_question(running: SimpleNamespace) -> None:
    phone = Phone(running, number=random_phone())
    phone.texts("hi")
    phone.texts("call me back please")
    assert "first name" in " ".join(phone.texts("yes"))
    texts = phone.texts("erase this chat")
    assert "Delete this conversation" in " ".join(texts)
    texts = phone.texts("YES")
    assert "I deleted this conversation" in " ".join(texts)
    assert all(len(text) <= 160 for text in texts)
    assert conversations.count_events(conversation_id(phone.number)) == 0


def test_what_is_kept_names_the_retention_period(running: SimpleNamespace) -> None:
    person = WebPerson(running)
    person.says("hi")
    person.says("yes")
    reply = person.says("what do you keep about me")
    assert says(reply, "utter_data_kept") and "30 days" in reply
    assert says(reply, "utter_ask_twitching")  # then the same question again
