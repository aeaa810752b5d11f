"""The sender: delivers the outbox's notifications (storage/outbox.py) to admissions.

`python -m admissions notify --serve` runs it; `make run` starts one per server
(supervisord.conf), and several can run against one database: each notification is
taken by one of them (see storage/outbox.py). One thread per notification that is on,
so a mail server that hangs does not hold up the webhook, or the other way round.

A failed attempt is tried again after NOTIFY_FIRST_RETRY_SECONDS, then twice as long
each time up to NOTIFY_MAX_RETRY_SECONDS. A notification still undelivered after
NOTIFY_ALERT_AFTER_SECONDS (an hour) is logged once as an error, for monitoring; after
NOTIFY_GIVE_UP_AFTER_SECONDS (a day) it is marked failed, and `python -m admissions
notify --retry` sends it again. The logs name notifications and requests by id, and
errors by their kind: never a name, a number, an answer or an address.
"""

import logging
import os
import smtplib
import socket
import threading
import urllib.error
from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional
from urllib.parse import urlsplit

from storage import callbacks, email_notice, outbox, webhook_notice
from storage.settings import (
    EMAIL,
    WEBHOOK,
    EmailSettings,
    RetrySettings,
    WebhookSettings,
    email_settings,
    retry_settings,
    webhook_settings,
)

logger = logging.getLogger(__name__)

SENT = "sent"
FAILED = "failed"
DROPPED = "dropped"


@dataclass(frozen=True)
class SenderConfig:
    email: Optional[EmailSettings]
    webhook: Optional[WebhookSettings]
    retry: RetrySettings

    @property
    def channels(self) -> List[str]:
        return [EMAIL] * bool(self.email) + [WEBHOOK] * bool(self.webhook)


def current_config() -> SenderConfig:
    """From the environment (storage/settings.py); ValueError if a timing is wrong."""
    return SenderConfig(email_settings(), webhook_settings(), retry_settings())


def sender_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def where(url: str) -> str:
    """Scheme, host and port only: URLs can hold passwords and tokens."""
    parts = urlsplit(url)
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{parts.hostname}{port}"


def status_line(config: SenderConfig) -> str:
    """Which notifications are on, for `make run`'s console."""
    if config.email:
        recipients = len(config.email.recipients)
        details = (
            "the whole request in it" if config.email.full_details else "no name, number or answers"
        )
        email = (
            f"email on (to {recipients} address(es) via {where(config.email.smtp_url)}; {details})"
        )
    else:
        email = "email off (ADMISSIONS_SMTP_URL, ADMISSIONS_EMAIL_FROM, ADMISSIONS_EMAIL_TO unset)"
    if config.webhook:
        webhook = f"webhook on ({where(config.webhook.url)})"
    else:
        webhook = "webhook off (ADMISSIONS_WEBHOOK_URL, ADMISSIONS_WEBHOOK_SECRET unset)"
    return f"Notifications to admissions: {email}; {webhook}."


def duration(seconds: float) -> str:
    """'1 hour', '90 minutes', '2 seconds'."""
    if seconds >= 3600 and seconds % 3600 == 0:
        hours = int(seconds // 3600)
        return f"{hours} hour{'s' * (hours != 1)}"
    if seconds >= 60:
        return f"{seconds / 60:.0f} minute{'s' * (seconds >= 90)}"
    return f"{seconds:g} second{'s' * (seconds != 1)}"


def describe_error(error: BaseException) -> str:
    """The kind of failure only: error texts can quote addresses or server replies."""
    if isinstance(error, urllib.error.HTTPError):
        return f"HTTP {error.code}"
    if isinstance(error, urllib.error.URLError) and isinstance(error.reason, BaseException):
        return type(error.reason).__name__
    if isinstance(error, smtplib.SMTPResponseException):
        return f"SMTP {error.smtp_code}"
    return type(error).__name__


def deliver(
    channel: str, request: Mapping[str, Any], notification_id: int, config: SenderConfig
) -> None:
    """One attempt; raises if it did not work."""
    timeout = config.retry.timeout_seconds
    if channel == EMAIL and config.email:
        message = email_notice.message(request, notification_id, config.email)
        email_notice.send(message, config.email.smtp_url, timeout)
    elif channel == WEBHOOK and config.webhook:
        body = webhook_notice.payload(request, notification_id)
        webhook_notice.post(config.webhook, body, notification_id, timeout)
    else:
        raise RuntimeError(f"{channel} notifications are off")


def _record_failure(
    claim: outbox.Claim, error: str, config: SenderConfig, url: Optional[str]
) -> None:
    failure = outbox.mark_failed(claim, error, config.retry, url)
    what = f"Notification #{claim.id} ({claim.channel}) for callback request #{claim.callback_request_id}"
    if failure is None:
        logger.warning(
            "%s: attempt %s failed (%s) after another sender took it over.",
            what,
            claim.attempts,
            error,
        )
    elif failure.gave_up:
        logger.error(
            "%s FAILED after %s attempts (last: %s); `python -m admissions notify --retry` "
            "sends it again.",
            what,
            claim.attempts,
            error,
        )
    elif failure.alert:
        logger.error(
            "%s not delivered for over %s (%s attempts, last: %s); still trying.",
            what,
            duration(config.retry.alert_after_seconds),
            claim.attempts,
            error,
        )
    else:
        wait = outbox.retry_delay_seconds(claim.attempts, config.retry)
        logger.warning(
            "%s not delivered (%s, attempt %s); next try in %.1f s.",
            what,
            error,
            claim.attempts,
            wait,
        )


def send_one(channel: str, config: SenderConfig, url: Optional[str] = None) -> Optional[str]:
    """Takes one due notification of `channel` and delivers it: SENT, FAILED or DROPPED
    (its request is gone); None if none was due."""
    claim = outbox.claim_next(channel, sender_name(), config.retry.lease_seconds, url)
    if claim is None:
        return None
    request = callbacks.get(claim.callback_request_id, url)
    if request is None:
        outbox.mark_dropped(claim, url)
        return DROPPED
    try:
        deliver(channel, request, claim.id, config)
    except Exception as error:  # every failure is retried; its text is never logged
        _record_failure(claim, describe_error(error), config, url)
        return FAILED
    outbox.mark_sent(claim, url)
    logger.info(
        "Notification #%s (%s) for callback request #%s sent (attempt %s).",
        claim.id,
        channel,
        claim.callback_request_id,
        claim.attempts,
    )
    if claim.attempts > 1:  # the server is back: the others waiting for it need not wait
        outbox.due_now(channel, url)
    return SENT


def send_due(config: SenderConfig, url: Optional[str] = None) -> Dict[str, int]:
    """Sends what is due now, in the foreground; counts the outcomes. A channel stops at
    its first failure (its server is likely down): the rest stay queued for the sender."""
    counts = {SENT: 0, FAILED: 0, DROPPED: 0}
    for channel in config.channels:
        outcome = send_one(channel, config, url)
        while outcome is not None:
            counts[outcome] += 1
            outcome = None if outcome == FAILED else send_one(channel, config, url)
    return counts


def _channel_loop(
    channel: str, config: SenderConfig, stop: threading.Event, url: Optional[str]
) -> None:
    while not stop.is_set():
        try:
            busy = send_one(channel, config, url) is not None
        except Exception as error:  # the database is away, say: wait and try again
            logger.error(
                "The %s sender could not use the database (%s); trying again.",
                channel,
                type(error).__name__,
            )
            busy = False
        if not busy:
            stop.wait(config.retry.poll_seconds)


def serve(stop: threading.Event, config: SenderConfig, url: Optional[str] = None) -> None:
    """Delivers until `stop` is set; a delivery under way is finished first."""
    threads = [
        threading.Thread(
            target=_channel_loop, args=(channel, config, stop, url), name=f"notify-{channel}"
        )
        for channel in config.channels
    ]
    for thread in threads:
        thread.start()
    # Joined with a timeout so that the main thread still gets signals.
    while not stop.is_set() or any(t.is_alive() for t in threads):
        for thread in threads:
            thread.join(0.5)
        if not threads:
            stop.wait(0.5)
