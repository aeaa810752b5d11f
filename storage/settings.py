"""Where the assistant's data and services are: the environment, with defaults.

DATABASE_URL       SQLAlchemy URL of the assistant's own database (callback
                   requests, SMS opt-outs). Default: the SQLite file
                   var/assistant.db, which needs no set-up.
TRACKER_STORE_URL  SQLAlchemy URL of the conversations database (Rasa's SQL
                   tracker store, table `events`). Default: DATABASE_URL if
                   set, else the SQLite file var/conversations.db.
LOCK_STORE_URL     redis://[:password@]host[:port][/db]: per-conversation locks
                   in Redis (see addons/stores/lock_store.py). Default: none,
                   Rasa's in-memory lock store (one server only).

ASSISTANT_DATA_DIR Where the generated keys below are kept. Default: var/ in the
                   project (where the default SQLite files are too).
RETENTION_DAYS     How long callback requests and conversations are kept (the purge
                   command's default, and what people are told). Default: 30.

Personal data (storage/crypto.py):
SENDER_ID_SECRET   The key of SMS conversation ids (HMAC-SHA256 of the phone number).
                   Default: generated once into ASSISTANT_DATA_DIR/sender-id.secret.
DATA_ENCRYPTION_KEY  Fernet key(s), comma-separated, newest first: the first encrypts,
                   all decrypt. Default: generated once into
                   ASSISTANT_DATA_DIR/data-encryption.key.
DATA_ENCRYPTION    "on" (default) or "off": off stores new data in plain text, only to
                   measure what encryption costs (bench/privacy.py).

ADMISSIONS_*, NOTIFY_*: notifications to the admissions team, at the end of this file.

Several servers: point every server at the same PostgreSQL and Redis, e.g.
TRACKER_STORE_URL=postgresql://screening:<password>@db:5432/screening and
LOCK_STORE_URL=redis://:<password>@redis:6379/1.
"""

import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import List, Optional, Tuple
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = ROOT / "var"
DEFAULT_RETENTION_DAYS = 30
DEFAULT_DATABASE_URL = f"sqlite:///{DATA_DIR / 'assistant.db'}"
DEFAULT_TRACKER_STORE_URL = f"sqlite:///{DATA_DIR / 'conversations.db'}"
SQLITE_PREFIX = "sqlite:///"


def database_url() -> str:
    return os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL


def tracker_store_url() -> str:
    """The conversations database (also for tools such as a retention job)."""
    return (
        os.environ.get("TRACKER_STORE_URL")
        or os.environ.get("DATABASE_URL")
        or DEFAULT_TRACKER_STORE_URL
    )


def data_dir() -> Path:
    """The folder of the generated keys."""
    return Path(os.environ.get("ASSISTANT_DATA_DIR") or DATA_DIR)


def retention_days() -> int:
    """RETENTION_DAYS (default 30); a wrong value falls back to the default."""
    try:
        days = int(os.environ.get("RETENTION_DAYS") or DEFAULT_RETENTION_DAYS)
    except ValueError:
        return DEFAULT_RETENTION_DAYS
    return days if days >= 1 else DEFAULT_RETENTION_DAYS


def encryption_on() -> bool:
    return (os.environ.get("DATA_ENCRYPTION") or "on").strip().lower() != "off"


def lock_store_url() -> Optional[str]:
    return os.environ.get("LOCK_STORE_URL") or None


def ensure_sqlite_folder(url: str) -> None:
    """Creates the folder of a SQLite file URL, so a fresh checkout just works."""
    if url.startswith(SQLITE_PREFIX):
        Path(url[len(SQLITE_PREFIX) :]).parent.mkdir(parents=True, exist_ok=True)


# --- Notifications to the admissions team (storage/outbox.py, storage/notification_sender.py) ---
#
# ADMISSIONS_SMTP_URL        smtp://[user:password@]host[:port] (STARTTLS whenever the server
#                            offers it; credentials only over TLS) or smtps://...:465 (TLS)
# ADMISSIONS_EMAIL_FROM      the sender address
# ADMISSIONS_EMAIL_TO        the recipients, comma-separated
# ADMISSIONS_EMAIL_DETAILS   "none" (default: no name, number or health answers in the
#                            email) or "full" (the whole request, for mail covered by
#                            the site's privacy agreements)
# ADMISSIONS_WEBHOOK_URL     receives a signed JSON POST per request (https, or http on loopback)
# ADMISSIONS_WEBHOOK_SECRET  the HMAC-SHA256 key of its X-Signature-256 header
# NOTIFY_*_SECONDS           the sender's timings (see retry_settings())

EMAIL = "email"
WEBHOOK = "webhook"
EMAIL_DETAILS_NONE = "none"
EMAIL_DETAILS_FULL = "full"
SMTP_SCHEMES = ("smtp", "smtps")
LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1")


@dataclass(frozen=True)
class EmailSettings:
    smtp_url: str
    sender: str
    recipients: Tuple[str, ...]
    full_details: bool


@dataclass(frozen=True)
class WebhookSettings:
    url: str
    secret: str


@dataclass(frozen=True)
class RetrySettings:
    """The sender's timings; tests shorten them through the environment."""

    poll_seconds: float  # how often an idle sender looks for new notifications
    first_retry_seconds: float  # the wait after the first failure, doubled after each
    max_retry_seconds: float  # the longest wait between two attempts
    alert_after_seconds: float  # undelivered this long: logged as an error, once
    give_up_after_seconds: float  # undelivered this long: failed (`notify --retry` resends)
    timeout_seconds: float  # one SMTP conversation or webhook POST
    lease_seconds: float  # a sender that died mid-delivery: another takes over after this


RETRY_DEFAULTS = RetrySettings(
    poll_seconds=1.0,
    first_retry_seconds=10.0,
    max_retry_seconds=300.0,
    alert_after_seconds=3600.0,
    give_up_after_seconds=86400.0,
    timeout_seconds=20.0,
    lease_seconds=120.0,
)
RETRY_VARIABLES = {
    "poll_seconds": "NOTIFY_POLL_SECONDS",
    "first_retry_seconds": "NOTIFY_FIRST_RETRY_SECONDS",
    "max_retry_seconds": "NOTIFY_MAX_RETRY_SECONDS",
    "alert_after_seconds": "NOTIFY_ALERT_AFTER_SECONDS",
    "give_up_after_seconds": "NOTIFY_GIVE_UP_AFTER_SECONDS",
    "timeout_seconds": "NOTIFY_TIMEOUT_SECONDS",
    "lease_seconds": "NOTIFY_LEASE_SECONDS",
}


def _env(name: str) -> str:
    return (os.environ.get(name) or "").strip()


def _email_problems() -> List[str]:
    names = ("ADMISSIONS_SMTP_URL", "ADMISSIONS_EMAIL_FROM", "ADMISSIONS_EMAIL_TO")
    missing = [name for name in names if not _env(name)]
    if len(missing) == len(names):
        return []
    if missing:
        return [f"email needs {', '.join(names)}; missing: {', '.join(missing)}"]
    problems = []
    url = urlsplit(_env("ADMISSIONS_SMTP_URL"))
    if url.scheme not in SMTP_SCHEMES or not url.hostname:
        problems.append("ADMISSIONS_SMTP_URL must be smtp://host[:port] or smtps://host[:port]")
    recipients = [a for a in _env("ADMISSIONS_EMAIL_TO").split(",") if "@" in a]
    if not recipients or "@" not in _env("ADMISSIONS_EMAIL_FROM"):
        problems.append("ADMISSIONS_EMAIL_FROM and ADMISSIONS_EMAIL_TO must be email addresses")
    details = _env("ADMISSIONS_EMAIL_DETAILS") or EMAIL_DETAILS_NONE
    if details not in (EMAIL_DETAILS_NONE, EMAIL_DETAILS_FULL):
        problems.append("ADMISSIONS_EMAIL_DETAILS must be 'none' or 'full'")
    return problems


def _webhook_problems() -> List[str]:
    url, secret = _env("ADMISSIONS_WEBHOOK_URL"), _env("ADMISSIONS_WEBHOOK_SECRET")
    if not url and not secret:
        return []
    if not url or not secret:
        return ["the webhook needs both ADMISSIONS_WEBHOOK_URL and ADMISSIONS_WEBHOOK_SECRET"]
    parts = urlsplit(url)
    # The body holds the name, number and answers: only TLS leaves the machine.
    if parts.scheme == "https" and parts.hostname:
        return []
    if parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS:
        return []
    return ["ADMISSIONS_WEBHOOK_URL must be https:// (http:// only to this machine)"]


def _retry_problems() -> List[str]:
    try:
        retry_settings()
    except ValueError as error:
        return [str(error)]
    return []


def notification_problems() -> List[str]:
    """What is wrong with the notification settings (empty when they are right or unset)."""
    return _email_problems() + _webhook_problems() + _retry_problems()


def email_settings() -> Optional[EmailSettings]:
    """None when email notifications are off (unset, or set wrongly)."""
    if not _env("ADMISSIONS_SMTP_URL") or _email_problems():
        return None
    recipients = tuple(a.strip() for a in _env("ADMISSIONS_EMAIL_TO").split(",") if a.strip())
    return EmailSettings(
        smtp_url=_env("ADMISSIONS_SMTP_URL"),
        sender=_env("ADMISSIONS_EMAIL_FROM"),
        recipients=recipients,
        full_details=_env("ADMISSIONS_EMAIL_DETAILS") == EMAIL_DETAILS_FULL,
    )


def webhook_settings() -> Optional[WebhookSettings]:
    """None when the webhook is off (unset, or set wrongly)."""
    if not _env("ADMISSIONS_WEBHOOK_URL") or _webhook_problems():
        return None
    return WebhookSettings(_env("ADMISSIONS_WEBHOOK_URL"), _env("ADMISSIONS_WEBHOOK_SECRET"))


def notification_channels() -> List[str]:
    """The notifications that are on: a callback request queues one of each."""
    on = [EMAIL] if email_settings() else []
    return on + ([WEBHOOK] if webhook_settings() else [])


def retry_settings() -> RetrySettings:
    """RETRY_DEFAULTS, each overridden by its NOTIFY_* variable; ValueError if one is wrong."""
    values = {}
    for field, variable in RETRY_VARIABLES.items():
        text = _env(variable)
        if not text:
            continue
        try:
            values[field] = float(text)
        except ValueError:
            raise ValueError(f"{variable} must be a number of seconds, not {text!r}") from None
        if values[field] <= 0:
            raise ValueError(f"{variable} must be more than 0")
    return replace(RETRY_DEFAULTS, **values)
