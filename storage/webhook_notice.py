"""The webhook for CRMs: a signed JSON POST per callback request.

    POST ADMISSIONS_WEBHOOK_URL
    Content-Type: application/json
    X-Signature-Timestamp: 1793672049            (Unix seconds, when it was sent)
    X-Signature-256: sha256=<hex>                (HMAC-SHA256, key ADMISSIONS_WEBHOOK_SECRET,
                                                  of the timestamp, ".", and the raw body)
    X-Notification-Id: 7                         (the same on every attempt)

The receiver recomputes the signature over the timestamp it got and the raw body,
compares in constant time, and refuses old timestamps (say older than 5 minutes), so a
recorded request cannot be replayed. A 2xx answer is a delivery; anything else, a
redirect or no answer within NOTIFY_TIMEOUT_SECONDS is tried again later.
"""

import hashlib
import hmac
import json
import time
import urllib.request
from typing import Any, Dict, Mapping, Optional

from storage.settings import WebhookSettings

SIGNATURE_HEADER = "X-Signature-256"
TIMESTAMP_HEADER = "X-Signature-Timestamp"
NOTIFICATION_HEADER = "X-Notification-Id"
EVENT = "callback_request.created"
FIELDS = [
    "id",
    "first_name",
    "phone",
    "best_time",
    "channel",
    "created_at",
    "emergency_answer_shown",
    "summary",
]


class NotDelivered(Exception):
    """The receiver answered, but not with a 2xx."""


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect would drop the body (or send it, signed, somewhere else): not followed."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def payload(request: Mapping[str, Any], notification_id: int) -> bytes:
    data: Dict[str, Any] = {
        "event": EVENT,
        "notification_id": notification_id,
        "callback_request": {field: request[field] for field in FIELDS},
    }
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """'sha256=<hex>' of timestamp + '.' + body."""
    signed = timestamp.encode("ascii") + b"." + body
    return "sha256=" + hmac.new(secret.encode("utf-8"), signed, hashlib.sha256).hexdigest()


def post(
    settings: WebhookSettings,
    body: bytes,
    notification_id: int,
    timeout: float,
    timestamp: Optional[str] = None,
) -> int:
    """POSTs the signed body; returns the 2xx status. Raises NotDelivered or OSError."""
    timestamp = timestamp or str(int(time.time()))
    request = urllib.request.Request(
        settings.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "screening-assistant-notifications/1",
            TIMESTAMP_HEADER: timestamp,
            SIGNATURE_HEADER: signature(settings.secret, timestamp, body),
            NOTIFICATION_HEADER: str(notification_id),
        },
    )
    opener = urllib.request.build_opener(_NoRedirects)
    with opener.open(request, timeout=timeout) as response:
        status = int(response.status)
    if not 200 <= status < 300:
        raise NotDelivered(f"HTTP {status}")
    return status
