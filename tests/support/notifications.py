"""Real receivers for the notifications to admissions (not a test module), shared by the
tests and bench/notifications.py:

- MailServer: aiosmtpd on loopback, as a plain relay, with STARTTLS and AUTH, or
  with implicit TLS (smtps); it keeps every message it accepts.
- WebhookReceiver: http.server in a thread; answers with the statuses it is given
  (then 200), can hold requests until released, and keeps every request.
- the sender (`python -m admissions notify --serve`, as supervisord.conf runs it) as a
  ManagedProcess, and a self-signed certificate for the TLS tests.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import ipaddress
import json
import shlex
import ssl
import threading
import time
from configparser import RawConfigParser
from dataclasses import dataclass
from email import message_from_bytes
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Sequence

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, Envelope

from tests.support.servers import ROOT, ManagedProcess, free_port, python

SUPERVISORD_CONF = ROOT / "supervisord.conf"
SENDER_STARTED = "Notification sender started"
# Fast timings for tests: the production defaults are in storage/settings.py.
FAST_TIMINGS = {
    "NOTIFY_POLL_SECONDS": "0.2",
    "NOTIFY_FIRST_RETRY_SECONDS": "0.5",
    "NOTIFY_MAX_RETRY_SECONDS": "1",
    "NOTIFY_TIMEOUT_SECONDS": "5",
    "NOTIFY_LEASE_SECONDS": "30",
}


def wait_until(condition: Callable[[], Any], timeout: float, what: str) -> Any:
    """Polls `condition` until it is truthy; AssertionError naming `what` after `timeout` s."""
    deadline = time.monotonic() + timeout
    while True:
        found = condition()
        if found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} within {timeout:.0f} s")
        time.sleep(0.05)


# --- SMTP ---------------------------------------------------------------------------


@dataclass
class Mail:
    sender: str
    recipients: List[str]
    raw: bytes
    arrived: float  # time.monotonic()

    @property
    def message(self) -> Message:
        return message_from_bytes(self.raw)

    @property
    def text(self) -> str:
        """Headers and decoded body, to search for what must not be there."""
        body = self.message.get_payload(decode=True) or b""
        return self.raw.decode("utf-8", "replace") + "\n" + bytes(body).decode("utf-8", "replace")


class _Keeper:
    def __init__(self, server: "MailServer") -> None:
        self.server = server

    async def handle_DATA(self, smtp: Any, session: Any, envelope: Envelope) -> str:
        self.server.received(
            Mail(
                str(envelope.mail_from),
                [str(r) for r in envelope.rcpt_tos],
                bytes(envelope.original_content or b""),
                time.monotonic(),
            )
        )
        return "250 OK"


class MailServer:
    """aiosmtpd on 127.0.0.1:`port`. `starttls`: a certificate to offer STARTTLS with
    (then AUTH too, only after it); `implicit_tls`: TLS from the first byte (smtps)."""

    def __init__(
        self,
        port: Optional[int] = None,
        starttls: Optional["Certificate"] = None,
        implicit_tls: Optional["Certificate"] = None,
        users: Optional[Dict[str, str]] = None,
    ) -> None:
        self.port = port or free_port()
        self.mails: List[Mail] = []
        self.logins: List[str] = []
        self.users = users or {}
        self.running = False
        self._lock = threading.Lock()
        options: Dict[str, Any] = {}
        if starttls:
            options.update(tls_context=starttls.server_context(), require_starttls=False)
        if implicit_tls:
            options.update(ssl_context=implicit_tls.server_context())
        if self.users:
            # aiosmtpd does not count implicit TLS as TLS: AUTH only after STARTTLS there.
            options.update(authenticator=self._authenticate, auth_require_tls=not implicit_tls)
        # server_hostname: the controller's own start-up check connects by this name.
        self.controller = Controller(
            _Keeper(self),
            hostname="127.0.0.1",
            port=self.port,
            server_hostname="localhost",
            **options,
        )

    def url(self, scheme: str = "smtp", user: str = "", password: str = "") -> str:
        credentials = f"{user}:{password}@" if user else ""
        return f"{scheme}://{credentials}localhost:{self.port}"

    def _authenticate(
        self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any
    ) -> AuthResult:
        login = data.login.decode() if isinstance(data.login, bytes) else str(data.login)
        password = (
            data.password.decode() if isinstance(data.password, bytes) else str(data.password)
        )
        self.logins.append(login)
        return AuthResult(success=self.users.get(login) == password)

    def received(self, mail: Mail) -> None:
        with self._lock:
            self.mails.append(mail)

    def start(self) -> "MailServer":
        self.controller.start()
        self.running = True
        return self

    def stop(self) -> None:
        """Stops it if it runs (the outage tests stop it early)."""
        if self.running:
            self.controller.stop()
            self.running = False

    def wait_for(self, count: int, timeout: float) -> List[Mail]:
        wait_until(lambda: len(self.mails) >= count, timeout, f"{count} email(s) arrived")
        return list(self.mails)


# --- Webhook ------------------------------------------------------------------------


@dataclass
class Call:
    headers: Dict[str, str]
    body: bytes
    arrived: float
    status: int

    @property
    def json(self) -> Any:
        return json.loads(self.body)


class WebhookReceiver:
    """POST on 127.0.0.1: the first requests to arrive get the statuses in `answers`,
    the others 200.

    `hold`: requests wait, unanswered, until `released` is set."""

    def __init__(self, answers: Sequence[int] = (), hold: bool = False, delay: float = 0.0) -> None:
        self.answers = list(answers)
        self.calls: List[Call] = []
        self.arrivals = 0  # requests received, answered or not
        self.delay = delay
        self.released = threading.Event()
        if not hold:
            self.released.set()
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                status = receiver.next_status()  # in the order the requests arrive
                receiver.arrived()
                receiver.released.wait(60)
                time.sleep(receiver.delay)
                receiver.record(Call(dict(self.headers.items()), body, time.monotonic(), status))
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:  # quiet
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/admissions"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def arrived(self) -> None:
        with self._lock:
            self.arrivals += 1

    def next_status(self) -> int:
        with self._lock:
            return self.answers.pop(0) if self.answers else 200

    def record(self, call: Call) -> None:
        with self._lock:
            self.calls.append(call)

    def delivered(self) -> List[Call]:
        return [c for c in self.calls if 200 <= c.status < 300]

    def start(self) -> "WebhookReceiver":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.released.set()
        self.server.shutdown()
        self.server.server_close()

    def wait_for(self, count: int, timeout: float) -> List[Call]:
        wait_until(lambda: len(self.delivered()) >= count, timeout, f"{count} webhook(s) delivered")
        return self.delivered()


def signature_is_valid(secret: str, call: Call, max_age: float = 300) -> bool:
    """As a CRM checks it: HMAC-SHA256 of timestamp + '.' + raw body, and a fresh timestamp."""
    timestamp = call.headers["X-Signature-Timestamp"]
    expected = hmac.new(secret.encode(), timestamp.encode() + b"." + call.body, hashlib.sha256)
    fresh = abs(time.time() - int(timestamp)) <= max_age
    return fresh and hmac.compare_digest(
        call.headers["X-Signature-256"], "sha256=" + expected.hexdigest()
    )


# --- TLS ----------------------------------------------------------------------------


@dataclass
class Certificate:
    """A self-signed certificate for localhost and 127.0.0.1; clients trust it through
    SSL_CERT_FILE=`cert_file` (ssl.create_default_context() reads it)."""

    cert_file: Path
    key_file: Path

    def server_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(self.cert_file, self.key_file)
        return context


def self_signed_certificate(directory: Path) -> Certificate:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.timezone.utc)
    names = [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    found = Certificate(directory / "cert.pem", directory / "key.pem")
    found.cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    found.key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return found


# --- The sender ---------------------------------------------------------------------


def sender_command() -> List[str]:
    """The sender's command line from supervisord.conf, with the .venv's Python."""
    config = RawConfigParser()
    config.read(SUPERVISORD_CONF)
    command = shlex.split(config.get("program:notifications", "command"))
    assert command[0] == "python", command
    return [python(), *command[1:]]


def sender(
    log_path: Path, env: Dict[str, str], name: str = "notification sender"
) -> ManagedProcess:
    """Not started; `started(...)` waits for its start line. It has no HTTP port: the
    ready URL is never asked."""
    return ManagedProcess(name, sender_command(), "http://127.0.0.1:9/", log_path, env)


def start_sender(process: ManagedProcess, timeout: float = 30) -> ManagedProcess:
    process.start()
    assert process.log_path is not None
    log = process.log_path

    def started() -> bool:
        assert process.running(), f"{process.describe_exit()}\n{process.log_tail()}"
        return log.exists() and SENDER_STARTED in log.read_text(errors="replace")

    wait_until(started, timeout, f"the {process.name} started")
    return process


def notification_env(
    database_url: str,
    mail: Optional[MailServer] = None,
    webhook: Optional[WebhookReceiver] = None,
    secret: str = "",
    **extra: str,
) -> Dict[str, str]:
    """The environment that turns notifications on, as an operator sets it."""
    env = {"DATABASE_URL": database_url, **FAST_TIMINGS}
    if mail is not None:
        env.update(
            ADMISSIONS_SMTP_URL=mail.url(),
            ADMISSIONS_EMAIL_FROM="assistant@clinic.example.org",
            ADMISSIONS_EMAIL_TO="admissions@clinic.example.org,oncall@clinic.example.org",
        )
    if webhook is not None:
        env.update(ADMISSIONS_WEBHOOK_URL=webhook.url, ADMISSIONS_WEBHOOK_SECRET=secret)
    env.update(extra)
    return env
