"""Notifications to admissions end to end: the sender as supervisord.conf runs it
(`python -m admissions notify --serve`), a real SMTP server (aiosmtpd) and a real HTTP
receiver on loopback, the assistant's real servers for a callback made over REST, and
real PostgreSQL for two senders at once (two servers' worth).

Timings are shortened through NOTIFY_* (tests/support/notifications.py FAST_TIMINGS).
PostgreSQL: TEST_POSTGRES_URL (scripts/services.sh); skipped without it, failed under CI=true.
"""

import os
import re
import secrets
import signal
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterator, List

import pytest

from admissions.__main__ import main
from storage import callbacks, outbox
from storage.settings import EMAIL, WEBHOOK
from tests.integration import test_several_servers as several_servers
from tests.support.content import says
from tests.support.notifications import (
    MailServer,
    WebhookReceiver,
    notification_env,
    sender,
    signature_is_valid,
    start_sender,
    wait_until,
)
from tests.support.reliability import client, new_sender, sqlite_env, started
from tests.support.servers import Assistant, ManagedProcess, Servers
from tests.unit.test_admissions_store import new_request

# A fresh PostgreSQL database for this module (the several-servers tests' fixture).
postgres_database = several_servers.database

NAME = "Quintessa"
NUMBER_FORMS = ("617-555-0123", "6175550123", "+16175550123", "555-0123", "555 0123")
OUTAGE_SECONDS = 20
REPLICA_REQUESTS = 30


def sqlite_url(directory: Path) -> str:
    return f"sqlite:///{directory / 'assistant.db'}"


def deliveries(url: str, request_id: int) -> List[outbox.Delivery]:
    return outbox.deliveries(url).get(request_id, [])


def logs_of(*processes: ManagedProcess) -> str:
    return "\n".join(
        p.log_path.read_text(errors="replace")
        for p in processes
        if p.log_path is not None and p.log_path.exists()
    )


def stop_all(*processes: ManagedProcess) -> None:
    for process in processes:
        process.stop()


# --- A callback request over REST, with the assistant's servers ----------------------


@dataclass
class Running:
    assistant: Assistant
    servers: Servers
    sender: ManagedProcess
    mail: MailServer
    webhook: WebhookReceiver
    secret: str
    database_url: str


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    """The action server, the Rasa server and the sender, with both notifications on."""
    log_dir = tmp_path_factory.mktemp("notifications")
    mail, webhook = MailServer().start(), WebhookReceiver().start()
    secret = secrets.token_hex(16)
    env = notification_env(sqlite_url(log_dir), mail, webhook, secret)
    env.update(sqlite_env(log_dir))
    notifier = start_sender(sender(log_dir / "sender.log", env))
    try:
        servers = started(log_dir, env)
    except Exception:
        stop_all(notifier)
        raise
    try:
        yield Running(
            client(servers), servers, notifier, mail, webhook, secret, sqlite_url(log_dir)
        )
    finally:
        servers.stop()
        stop_all(notifier)
        mail.stop()
        webhook.stop()


def test_a_callback_over_rest_sends_one_email_without_who_and_one_signed_webhook(
    running: Running,
) -> None:
    person = new_sender()
    say = running.assistant.texts
    say(person, "hi")
    assert says(say(person, "can someone call me back"), "utter_ask_callback_consent")
    assert says(say(person, "yes"), "utter_ask_callback_name")
    assert says(say(person, NAME), "utter_ask_callback_phone")
    assert says(say(person, "617-555-0123"), "utter_ask_callback_time")
    assert says(say(person, "after 5pm"), "utter_callback_received")
    confirmed = time.monotonic()
    [request] = [r for r in callbacks.find(running.database_url) if r["conversation_id"] == person]

    [mail] = running.mail.wait_for(1, 15)
    [call] = running.webhook.wait_for(1, 15)
    time.sleep(1)  # five polls more: nothing is sent twice
    assert len(running.mail.mails) == 1 and len(running.webhook.calls) == 1
    assert mail.arrived - confirmed < 10

    assert mail.message["Subject"] == f"New callback request #{request['id']}"
    assert mail.recipients == ["admissions@clinic.example.org", "oncall@clinic.example.org"]
    assert f"python -m admissions show {request['id']}" in mail.text
    for private in (NAME, *NUMBER_FORMS):
        assert private not in mail.text, private

    assert signature_is_valid(running.secret, call)
    sent = call.json["callback_request"]
    assert (sent["id"], sent["first_name"], sent["phone"]) == (request["id"], NAME, "+16175550123")
    assert (sent["best_time"], sent["channel"]) == ("after 5pm", "rest")
    assert [d.status for d in deliveries(running.database_url, request["id"])] == ["sent", "sent"]

    logs = logs_of(running.sender, running.servers.action, running.servers.rasa)
    assert f"for callback request #{request['id']} sent" in logs
    for private in (NAME, *NUMBER_FORMS, "after 5pm", "clinic.example.org"):
        assert private not in logs, private


# --- The sender alone, against a database --------------------------------------------


def started_sender(directory: Path, env: Dict[str, str], name: str = "sender") -> ManagedProcess:
    return start_sender(sender(directory / f"{name}.log", env, name))


def list_output(url: str, capsys: pytest.CaptureFixture[str]) -> str:
    assert main(["--database-url", url, "list"]) == 0
    return capsys.readouterr().out


def test_an_email_queued_while_the_mail_server_is_down_arrives_once_it_is_up(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = sqlite_url(tmp_path)
    mail = MailServer()  # its port is chosen; nothing answers there yet
    notifier = started_sender(tmp_path, notification_env(url, mail))
    try:
        request_id = callbacks.save(new_request(), url, channels=[EMAIL])
        made = time.monotonic()
        wait_until(
            lambda: "email pending (" in list_output(url, capsys), 10, "a failed attempt listed"
        )
        time.sleep(max(0.0, made + OUTAGE_SECONDS - time.monotonic()))
        mail.start()
        up = time.monotonic()
        try:
            [received] = mail.wait_for(1, 15)
        finally:
            mail.stop()
    finally:
        stop_all(notifier)
    assert received.message["Subject"] == f"New callback request #{request_id}"
    # NOTIFY_MAX_RETRY_SECONDS is 1 here: the next attempt after the server is up.
    assert received.arrived - up < 5
    [email] = deliveries(url, request_id)
    assert email.status == "sent" and email.attempts > 3
    assert "ConnectionRefusedError" in logs_of(notifier)


def test_a_webhook_answered_500_three_times_is_delivered_on_the_fourth_attempt(
    tmp_path: Path,
) -> None:
    url = sqlite_url(tmp_path)
    secret = secrets.token_hex(16)
    webhook = WebhookReceiver(answers=[500, 500, 500]).start()
    # Undelivered for 1 s counts as "for an hour" here: the error for monitoring.
    env = notification_env(url, webhook=webhook, secret=secret, NOTIFY_ALERT_AFTER_SECONDS="1")
    notifier = started_sender(tmp_path, env)
    try:
        request_id = callbacks.save(new_request(first_name=NAME), url, channels=[WEBHOOK])
        webhook.wait_for(1, 15)
    finally:
        stop_all(notifier)
        webhook.stop()
    assert [c.status for c in webhook.calls] == [500, 500, 500, 200]
    assert {c.headers["X-Notification-Id"] for c in webhook.calls} == {
        str(webhook.calls[0].json["notification_id"])
    }
    assert all(signature_is_valid(secret, c) for c in webhook.calls)
    [delivery] = deliveries(url, request_id)
    assert (delivery.status, delivery.attempts) == ("sent", 4)
    log = logs_of(notifier)
    assert re.search(
        r"ERROR .* not delivered for over 1 seconds? \(\d attempts, last: HTTP 500\)", log
    )
    for private in (NAME, "+16175550123", "after 5pm", "legs"):
        assert private not in log, private


def test_two_senders_on_postgresql_send_each_notification_exactly_once(
    tmp_path: Path, postgres_database: str
) -> None:
    mail = MailServer().start()
    webhook = WebhookReceiver(delay=0.05).start()  # slow enough that both senders get work
    secret = secrets.token_hex(16)
    env = notification_env(postgres_database, mail, webhook, secret)
    replicas = [started_sender(tmp_path, env, f"replica{n}") for n in (1, 2)]
    try:
        ids = [
            callbacks.save(new_request(), postgres_database, channels=[EMAIL, WEBHOOK])
            for _ in range(REPLICA_REQUESTS)
        ]
        mail.wait_for(REPLICA_REQUESTS, 60)
        webhook.wait_for(REPLICA_REQUESTS, 60)
        time.sleep(1)  # five polls more: nothing is sent twice
    finally:
        stop_all(*replicas)
        mail.stop()
        webhook.stop()
    emailed = sorted(int(m.message["Subject"].rsplit("#", 1)[1]) for m in mail.mails)
    posted = sorted(c.json["callback_request"]["id"] for c in webhook.calls)
    assert emailed == sorted(ids) and posted == sorted(ids)
    for replica in replicas:
        assert "(webhook) for callback request" in logs_of(replica), f"{replica.name} sent none"
    statuses = {d.status for i in ids for d in deliveries(postgres_database, i)}
    assert statuses == {"sent"}


def test_a_sender_killed_mid_delivery_loses_nothing(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path)
    secret = secrets.token_hex(16)
    # The first POST waits for release(), then fails: the sender is killed before that.
    webhook = WebhookReceiver(answers=[503], hold=True).start()
    timings = {"NOTIFY_LEASE_SECONDS": "2", "NOTIFY_TIMEOUT_SECONDS": "10"}
    env = notification_env(url, webhook=webhook, secret=secret, **timings)
    first = started_sender(tmp_path, env, "before-restart")
    try:
        in_flight = callbacks.save(new_request(), url, channels=[WEBHOOK])
        wait_until(lambda: webhook.arrivals, 10, "the first POST arrived")
        os.killpg(first.pid, signal.SIGKILL)  # mid-delivery: no answer yet
        first.stop()
        queued_while_down = callbacks.save(new_request(), url, channels=[WEBHOOK])
        webhook.released.set()
        restarted = time.monotonic()
        second = started_sender(tmp_path, env, "after-restart")
        try:
            webhook.wait_for(2, 15)
            time.sleep(1)
        finally:
            stop_all(second)
    finally:
        stop_all(first)
        webhook.stop()
    delivered = sorted(c.json["callback_request"]["id"] for c in webhook.delivered())
    assert delivered == sorted([in_flight, queued_while_down])
    assert time.monotonic() - restarted < 15
    [taken_again] = deliveries(url, in_flight)
    assert (taken_again.status, taken_again.attempts) == ("sent", 2)
