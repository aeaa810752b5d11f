"""The email to admissions about a new callback request, and sending it with smtplib.

By default the email says only that there is a request, which one, when and through
which channel: no name, number or health answer, so an ordinary shared inbox (or a
forwarded copy) reveals nothing about the person. ADMISSIONS_EMAIL_DETAILS=full puts
the whole request in it (storage/settings.py).

ADMISSIONS_SMTP_URL:
  smtp://host:port                   STARTTLS whenever the server offers it; a plain
                                     local relay that offers none works as it is
  smtp://user:password@host:587      the same, and credentials only after STARTTLS:
                                     a server that offers none gets no credentials
  smtps://user:password@host:465     TLS from the first byte
Certificates are checked against the system's CAs (or SSL_CERT_FILE).
"""

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate
from typing import Any, Mapping, Optional
from urllib.parse import unquote, urlsplit

from storage.request_text import full_lines, headline
from storage.settings import EmailSettings

DEFAULT_PORTS = {"smtp": 25, "smtps": 465}
SUBMISSION_PORT = 587


class InsecureServer(Exception):
    """The server offers no TLS, and the URL has credentials: they are not sent."""


def show_command(request_id: int) -> str:
    return f"Open it with: python -m admissions show {request_id}"


def body(request: Mapping[str, Any], full_details: bool) -> str:
    if not full_details:
        return f"{headline(request)}\n{show_command(request['id'])}\n"
    return "\n".join([headline(request), "", *full_lines(request), "", show_command(request["id"])])


def message(
    request: Mapping[str, Any], notification_id: int, settings: EmailSettings
) -> EmailMessage:
    """The email; its Message-ID is the same on every attempt, so that mail programs
    can show a rare second delivery as the same message."""
    email = EmailMessage()
    email["Subject"] = f"New callback request #{request['id']}"
    email["From"] = settings.sender
    email["To"] = ", ".join(settings.recipients)
    email["Date"] = formatdate(usegmt=True)
    domain = settings.sender.rpartition("@")[2].strip("> ") or "assistant.invalid"
    email["Message-ID"] = f"<callback-request-{request['id']}.{notification_id}@{domain}>"
    email.set_content(body(request, settings.full_details))
    return email


def _login_and_send(
    smtp: smtplib.SMTP, user: Optional[str], password: Optional[str], email: EmailMessage
) -> None:
    if user:
        smtp.login(user, password or "")
    smtp.send_message(email)


def send(email: EmailMessage, smtp_url: str, timeout: float) -> None:
    """Sends it; raises (smtplib.SMTPException, OSError, InsecureServer) if it was not."""
    url = urlsplit(smtp_url)
    host = url.hostname or ""
    user = unquote(url.username) if url.username else None
    password = unquote(url.password) if url.password else None
    port = url.port or (
        SUBMISSION_PORT if user and url.scheme == "smtp" else DEFAULT_PORTS[url.scheme]
    )
    context = ssl.create_default_context()
    if url.scheme == "smtps":
        with smtplib.SMTP_SSL(host, port, timeout=timeout, context=context) as smtp:
            _login_and_send(smtp, user, password, email)
        return
    with smtplib.SMTP(host, port, timeout=timeout) as smtp:
        smtp.ehlo()
        if smtp.has_extn("starttls"):
            smtp.starttls(context=context)
            smtp.ehlo()
        elif user:
            raise InsecureServer("the server offers no STARTTLS; credentials need TLS")
        _login_and_send(smtp, user, password, email)
