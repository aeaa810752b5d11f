"""Notifications to admissions, in-process: the outbox on SQLite and PostgreSQL, the email
(and what it must not say), SMTP with and without TLS against a real aiosmtpd, the signed
webhook against a real HTTP receiver, the settings, and the staff's tool.

The sender as a process, with the servers, is tests/integration/test_notifications.py.
PostgreSQL: TEST_POSTGRES_URL (scripts/services.sh); skipped without it, failed under CI=true.
"""

import logging
import multiprocessing
import secrets
import threading
import time
import uuid
from dataclasses import replace
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional

import pytest
import sqlalchemy as sa

from admissions.__main__ import main
from storage import callbacks, database, email_notice, outbox, webhook_notice
from storage import notification_sender as sender
from storage.request_text import shareable_time
from storage.settings import (
    EMAIL,
    WEBHOOK,
    EmailSettings,
    RetrySettings,
    WebhookSettings,
    notification_channels,
    notification_problems,
)
from tests.integration import test_several_servers as several_servers
from tests.support.notifications import (
    Certificate,
    MailServer,
    WebhookReceiver,
    self_signed_certificate,
    signature_is_valid,
)
from tests.unit.test_admissions_store import new_request

# A fresh PostgreSQL database per module (the several-servers tests' fixture).
postgres_database = several_servers.database

NAME = "Quintessa"
PHONE = "+16175550123"
FAST = RetrySettings(
    poll_seconds=0.1,
    first_retry_seconds=0.2,
    max_retry_seconds=1.0,
    alert_after_seconds=3600.0,
    give_up_after_seconds=86400.0,
    timeout_seconds=5.0,
    lease_seconds=30.0,
)
NOTIFICATION_VARIABLES = [
    "ADMISSIONS_SMTP_URL",
    "ADMISSIONS_EMAIL_FROM",
    "ADMISSIONS_EMAIL_TO",
    "ADMISSIONS_EMAIL_DETAILS",
    "ADMISSIONS_WEBHOOK_URL",
    "ADMISSIONS_WEBHOOK_SECRET",
]


@pytest.fixture(autouse=True)
def no_notification_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in NOTIFICATION_VARIABLES:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'assistant.db'}"
    return str(request.getfixturevalue("postgres_database"))


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'assistant.db'}"


@pytest.fixture
def mail() -> Iterator[MailServer]:
    server = MailServer().start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> Certificate:
    return self_signed_certificate(tmp_path_factory.mktemp("tls"))


def a_request(**changes: Any) -> callbacks.NewRequest:
    fields = {"first_name": NAME, "phone": PHONE, "emergency_answer_shown": True}
    return new_request(**{**fields, **changes})


def email_settings(mail: MailServer, full: bool = False, **url: str) -> EmailSettings:
    return EmailSettings(
        mail.url(**url), "assistant@clinic.example.org", ("a@clinic.example.org",), full
    )


def config(
    email: Optional[EmailSettings] = None,
    webhook: Optional[WebhookSettings] = None,
    retry: RetrySettings = FAST,
) -> sender.SenderConfig:
    return sender.SenderConfig(email, webhook, retry)


def channel() -> str:
    """A channel name of its own: tests share the module's PostgreSQL database."""
    return uuid.uuid4().hex[:12]


# --- The outbox ---------------------------------------------------------------------


def test_a_request_and_its_notifications_are_written_together(url: str) -> None:
    request_id = callbacks.save(a_request(), url, channels=[EMAIL, WEBHOOK])
    [email, webhook] = outbox.deliveries(url)[request_id]
    assert (email.channel, email.status, email.attempts) == (EMAIL, outbox.PENDING, 0)
    assert (webhook.channel, webhook.status) == (WEBHOOK, outbox.PENDING)


def test_a_failed_notification_write_stores_no_request_either(url: str) -> None:
    conversation = f"test-{uuid.uuid4().hex}"
    with pytest.raises(sa.exc.IntegrityError):  # channel is NOT NULL
        callbacks.save(a_request(conversation_id=conversation), url, channels=[None])  # type: ignore[list-item]
    assert [r for r in callbacks.find(url) if r["conversation_id"] == conversation] == []


def test_without_the_settings_nothing_is_queued(sqlite_url: str) -> None:
    assert notification_channels() == [] and notification_problems() == []
    request_id = callbacks.save(a_request(), sqlite_url)
    assert request_id not in outbox.deliveries(sqlite_url)


def test_each_notification_is_taken_by_one_sender_only(url: str) -> None:
    name = channel()
    for _ in range(6):
        callbacks.save(a_request(), url, channels=[name])
    taken: List[int] = []
    start = threading.Barrier(8)

    def take_all(worker: int) -> None:
        start.wait()
        while (claim := outbox.claim_next(name, f"worker{worker}", 30, url)) is not None:
            taken.append(claim.id)

    threads = [threading.Thread(target=take_all, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert len(taken) == 6 and len(set(taken)) == 6, taken


def test_a_notification_whose_sender_died_is_taken_again_after_its_lease(url: str) -> None:
    name = channel()
    request_id = callbacks.save(a_request(), url, channels=[name])
    first = outbox.claim_next(name, "dies", 0.3, url)
    assert first is not None and first.callback_request_id == request_id
    assert outbox.claim_next(name, "other", 30, url) is None  # leased
    second = wait_for_claim(name, url)
    assert second.id == first.id and second.attempts == 2
    # The first sender's late failure does not undo the second one's work.
    assert outbox.mark_failed(first, "TimeoutError", FAST, url) is None
    outbox.mark_sent(second, url)
    assert [d.status for d in outbox.deliveries(url)[request_id]] == [outbox.SENT]


def wait_for_claim(name: str, url: str, timeout: float = 5) -> outbox.Claim:
    deadline = threading.Event()
    timer = threading.Timer(timeout, deadline.set)
    timer.start()
    try:
        while not deadline.is_set():
            claim = outbox.claim_next(name, "other", 30, url)
            if claim is not None:
                return claim
            deadline.wait(0.05)
    finally:
        timer.cancel()
    raise AssertionError("the notification was not taken again")


def create_tables_at_once(url: str, start: Any) -> None:
    start.wait()
    database.engine(url)


def test_processes_starting_together_all_get_the_tables(url: str) -> None:
    # The sender, the action server and a second server may start on an empty database.
    database.Base.metadata.drop_all(sa.create_engine(url))
    spawn = multiprocessing.get_context("spawn")  # new processes, not copies of this one
    start = spawn.Barrier(4)
    processes = [spawn.Process(target=create_tables_at_once, args=(url, start)) for _ in range(4)]
    for process in processes:
        process.start()
    for process in processes:
        process.join(60)
    assert [p.exitcode for p in processes] == [0, 0, 0, 0]
    assert outbox.TABLE.name in sa.inspect(sa.create_engine(url)).get_table_names()


def test_retries_wait_twice_as_long_each_time_up_to_the_maximum() -> None:
    retry = replace(FAST, first_retry_seconds=10, max_retry_seconds=300)
    waits = [outbox.retry_delay_seconds(attempt, retry) for attempt in range(1, 9)]
    assert waits == [10, 20, 40, 80, 160, 300, 300, 300]


def test_purging_a_request_deletes_its_notifications(sqlite_url: str) -> None:
    request_id = callbacks.save(a_request(), sqlite_url, channels=[EMAIL])
    with sa.create_engine(sqlite_url).begin() as connection:
        connection.execute(
            sa.text("UPDATE callback_requests SET created_at = '2000-01-01 00:00:00'")
        )
    assert callbacks.delete_older_than(30, sqlite_url) == 1
    assert request_id not in outbox.deliveries(sqlite_url)


# --- The email ----------------------------------------------------------------------


def test_the_email_says_which_request_but_not_who_or_why(sqlite_url: str) -> None:
    saved = saved_request(sqlite_url, best_time="evening")
    text = email_notice.body(saved, full_details=False)
    assert text.startswith(f"New callback request #{saved['id']} (text message, ")
    assert "asked for: evening)." in text
    assert f"python -m admissions show {saved['id']}" in text
    for private in (NAME, PHONE, "6175550123", "legs", "EMERGENCY", "Emergency"):
        assert private not in text, private


def saved_request(url: str, **changes: Any) -> Dict[str, Any]:
    found = callbacks.get(callbacks.save(a_request(**changes), url, channels=[]), url)
    assert found is not None
    return found


def test_a_time_in_the_persons_own_words_stays_out_of_the_email(sqlite_url: str) -> None:
    assert shareable_time("after 5pm") == "after 5pm"
    assert shareable_time("weekday mornings between 9:30 and 11") is not None
    for private in ("call Sam after 5", "617-555-0123", "6 1 7 5 5 5 0 1 2 3", "after my detox"):
        assert shareable_time(private) is None, private
    saved = saved_request(sqlite_url, best_time="ask for Sam, after 5")
    text = email_notice.body(saved, full_details=False)
    assert "Sam" not in text and "asked for: a time in their own words" in text


def test_the_full_details_setting_puts_the_whole_request_in_the_email(sqlite_url: str) -> None:
    text = email_notice.body(saved_request(sqlite_url), full_details=True)
    for detail in (NAME, PHONE, "after 5pm", "twitching.where: legs", "YES"):
        assert detail in text, detail


# --- SMTP ---------------------------------------------------------------------------


def send_test_email(settings: EmailSettings) -> None:
    request = {**new_request().__dict__, "id": 1, "created_at": "2026-11-03T02:14:00Z"}
    message = email_notice.message(request, 1, settings)
    email_notice.send(message, settings.smtp_url, timeout=5)


def test_a_plain_local_relay_gets_the_email(mail: MailServer) -> None:
    send_test_email(email_settings(mail))
    [received] = mail.wait_for(1, 5)
    assert received.recipients == ["a@clinic.example.org"]
    assert received.message["Subject"].startswith("New callback request #")


def test_credentials_are_never_sent_to_a_server_without_tls(mail: MailServer) -> None:
    with pytest.raises(email_notice.InsecureServer):
        send_test_email(email_settings(mail, user="staff", password="hunter2"))
    assert mail.mails == [] and mail.logins == []


def test_starttls_is_used_when_offered_and_then_credentials(
    certificate: Certificate, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate.cert_file))
    server = MailServer(starttls=certificate, users={"staff": "hunter2"}).start()
    try:
        send_test_email(email_settings(server, user="staff", password="hunter2"))
        server.wait_for(1, 5)
        assert server.logins == ["staff"]
    finally:
        server.stop()


def test_smtps_is_tls_from_the_start(
    certificate: Certificate, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate.cert_file))
    server = MailServer(implicit_tls=certificate, users={"staff": "pw"}).start()
    try:
        send_test_email(email_settings(server, scheme="smtps", user="staff", password="pw"))
        server.wait_for(1, 5)
    finally:
        server.stop()


def test_an_untrusted_certificate_gets_nothing(certificate: Certificate) -> None:
    server = MailServer(starttls=certificate, users={"staff": "pw"}).start()
    try:
        with pytest.raises(OSError):  # ssl.SSLCertVerificationError
            send_test_email(email_settings(server, user="staff", password="pw"))
        assert server.mails == [] and server.logins == []
    finally:
        server.stop()


# --- The webhook --------------------------------------------------------------------


def test_the_webhook_is_signed_over_the_timestamp_and_the_body(sqlite_url: str) -> None:
    receiver = WebhookReceiver().start()
    secret = secrets.token_hex(16)
    try:
        request = saved_request(sqlite_url)
        body = webhook_notice.payload(request, 7)
        webhook_notice.post(WebhookSettings(receiver.url, secret), body, 7, timeout=5)
        [call] = receiver.wait_for(1, 5)
    finally:
        receiver.stop()
    assert call.body == body and call.headers["X-Notification-Id"] == "7"
    assert signature_is_valid(secret, call)
    assert not signature_is_valid("another secret", call)
    tampered = replace(call, headers={**call.headers, "X-Signature-Timestamp": "1"})
    assert not signature_is_valid(secret, tampered)


@pytest.mark.parametrize("status", [500, 404, 302])
def test_anything_but_2xx_is_not_a_delivery(status: int) -> None:
    receiver = WebhookReceiver(answers=[status]).start()
    try:
        with pytest.raises(OSError):
            webhook_notice.post(WebhookSettings(receiver.url, "s"), b"{}", 1, timeout=5)
    finally:
        receiver.stop()


def test_webhook_settings_must_keep_the_body_on_tls(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADMISSIONS_WEBHOOK_SECRET", "s")
    for url, allowed in [
        ("https://crm.example.org/hook", True),
        ("http://127.0.0.1:9000/hook", True),
        ("http://crm.example.org/hook", False),
    ]:
        monkeypatch.setenv("ADMISSIONS_WEBHOOK_URL", url)
        assert (notification_channels() == [WEBHOOK]) is allowed, url
    monkeypatch.delenv("ADMISSIONS_WEBHOOK_SECRET")
    assert notification_channels() == [] and notification_problems()


def test_make_runs_check_refuses_half_set_email_settings(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ADMISSIONS_SMTP_URL", "smtp://127.0.0.1:8025")
    assert main(["notify", "--check"]) == 2
    assert "missing: ADMISSIONS_EMAIL_FROM, ADMISSIONS_EMAIL_TO" in capsys.readouterr().err
    for name, value in [("ADMISSIONS_EMAIL_FROM", "a@b.org"), ("ADMISSIONS_EMAIL_TO", "c@b.org")]:
        monkeypatch.setenv(name, value)
    assert main(["notify", "--check"]) == 0
    assert "email on (to 1 address(es) via smtp://127.0.0.1:8025" in capsys.readouterr().out


# --- Sending, failing, the staff's tool ---------------------------------------------


def test_a_notification_failing_too_long_is_logged_once_then_failed_then_resent(
    sqlite_url: str, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    down = MailServer()  # not started: nothing answers on its port
    settings = config(email_settings(down), retry=replace(FAST, alert_after_seconds=0.01))
    request_id = callbacks.save(a_request(), sqlite_url, channels=[EMAIL])
    caplog.set_level(logging.INFO, logger="storage")
    assert sender.send_one(EMAIL, settings, sqlite_url) == sender.FAILED
    alerts = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(alerts) == 1 and "not delivered for over" in alerts[0].getMessage()
    # A pending one shows its next attempt.
    assert "email pending (1 attempts failed, last: ConnectionRefusedError; next attempt" in (
        run(capsys, sqlite_url, "list")
    )

    give_up = replace(settings, retry=replace(FAST, give_up_after_seconds=0.01))
    while sender.send_one(EMAIL, give_up, sqlite_url) is None:
        time.sleep(0.05)  # until its next attempt is due
    assert len([r for r in caplog.records if r.levelno == logging.ERROR]) == 2
    assert "FAILED after 2 attempts" in caplog.records[-1].getMessage()
    assert "email FAILED after 2 attempts" in run(capsys, sqlite_url, "list")

    down.start()
    try:
        output = run(capsys, sqlite_url, "notify", "--retry", email_on=down)
        assert "1 failed notification(s) queued again." in output and "Sent 1;" in output
        down.wait_for(1, 5)
    finally:
        down.stop()
    assert f"#{request_id}" in run(capsys, sqlite_url, "list") and "email sent" in run(
        capsys, sqlite_url, "list"
    )
    logged = "\n".join(r.getMessage() for r in caplog.records)
    for private in (NAME, PHONE, "after 5pm", "legs", "clinic.example.org"):
        assert private not in logged, private


def run(
    capsys: pytest.CaptureFixture[str], url: str, *args: str, email_on: Optional[MailServer] = None
) -> str:
    """The staff's tool; `email_on`: with email notifications to that server."""
    if email_on is not None:  # the staff tool reads the settings from the environment
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("ADMISSIONS_SMTP_URL", email_on.url())
            patch.setenv("ADMISSIONS_EMAIL_FROM", "assistant@clinic.example.org")
            patch.setenv("ADMISSIONS_EMAIL_TO", "a@clinic.example.org")
            assert main(["--database-url", url, *args]) == 0
    else:
        assert main(["--database-url", url, *args]) == 0
    return capsys.readouterr().out


def test_show_gives_one_request_with_its_summary_and_delivery(
    sqlite_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    request_id = callbacks.save(a_request(), sqlite_url, channels=[EMAIL, WEBHOOK])
    shown = run(capsys, sqlite_url, "show", str(request_id))
    for line in (
        f"Callback request #{request_id}",
        f"Name: {NAME}",
        f"Phone: {PHONE}",
        "Emergency answer shown in the conversation: YES",
        "twitching.where: legs",
        "Notifications: email pending, webhook pending",
    ):
        assert line in shown, line
    assert main(["--database-url", sqlite_url, "show", "999999"]) == 1
