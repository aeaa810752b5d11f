"""The outbox: the notifications the admissions team is still owed, and their delivery state.

A callback request and its notifications (one per notification that is on: email,
webhook) are written in one transaction (storage/callbacks.py save()): a stored request
always has them, and a failed write leaves neither. Senders
(storage/notification_sender.py, one per server) take one due notification at a time:

- PostgreSQL: SELECT ... FOR UPDATE SKIP LOCKED, so two senders never take the same row
  and neither waits for the other. SQLite has no row locks and ignores the clause.
- Both: the UPDATE that takes a row repeats the "still due" condition and must change
  exactly one row (compare-and-set), so of two senders that saw the same row only one
  gets it. On SQLite writes are serialised, which makes that check safe.

Taking a row gives it a lease. A sender that dies mid-delivery (a restart, a crash)
leaves it 'sending' until the lease ends; then any sender takes it again. Nothing is
lost; the price is that a notification whose sender died after delivering but before
recording it is delivered twice (X-Notification-Id lets a CRM drop the second).

Rows hold ids and delivery state only, never the request's contents; errors are
recorded as their kind ("HTTP 500", "ConnectionRefusedError"), never their text.
"""

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Dict, List, Optional, Sequence, Tuple

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Index,
    Integer,
    String,
    and_,
    func,
    or_,
    select,
)
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from storage import database
from storage.database import utc_now
from storage.settings import RetrySettings, database_url

PENDING = "pending"
SENDING = "sending"
SENT = "sent"
FAILED = "failed"
MAX_ERROR = 120
# Rows looked at per take: on SQLite another sender may win some of them.
CANDIDATES = 5


class Notification(database.Base):
    """One notification (one channel) about one callback request."""

    __tablename__ = "admissions_notifications"
    __table_args__ = (Index("ix_admissions_notifications_due", "status", "next_attempt_at"),)

    id = Column(Integer, primary_key=True)
    callback_request_id = Column(Integer, nullable=False, index=True)
    channel = Column(String(16), nullable=False)  # settings.EMAIL or settings.WEBHOOK
    status = Column(String(16), nullable=False)
    created_at = Column(DateTime, nullable=False)
    # When it was queued, or queued again by `notify --retry`: the alert and give-up clocks.
    queued_at = Column(DateTime, nullable=False)
    next_attempt_at = Column(DateTime, nullable=False)
    attempts = Column(Integer, nullable=False, default=0)
    lease_token = Column(String(32))
    lease_until = Column(DateTime)
    sender = Column(String(80))  # host:pid of the sender that took it last
    last_error = Column(String(MAX_ERROR))
    alerted = Column(Boolean, nullable=False, default=False)
    sent_at = Column(DateTime)


TABLE = Notification.__table__


@dataclass(frozen=True)
class Claim:
    """A notification a sender has taken, until it records the outcome."""

    id: int
    callback_request_id: int
    channel: str
    token: str
    attempts: int  # this one included
    queued_at: datetime
    alerted: bool


@dataclass(frozen=True)
class Failure:
    """What a failed attempt led to."""

    gave_up: bool  # now FAILED: only `notify --retry` sends it again
    alert: bool  # undelivered for longer than the alert time, said for the first time
    next_attempt_at: Optional[datetime]


@dataclass(frozen=True)
class Delivery:
    """One notification's state, for the staff's tool."""

    channel: str
    status: str
    attempts: int
    next_attempt_at: datetime
    sent_at: Optional[datetime]
    last_error: Optional[str]


def _engine(url: Optional[str]) -> Engine:
    return database.engine(url or database_url())


def add(session: Session, request_id: int, channels: Sequence[str]) -> None:
    """Queues one notification per channel, in the caller's transaction."""
    now = utc_now()
    for channel in channels:
        session.add(
            Notification(
                callback_request_id=request_id,
                channel=channel,
                status=PENDING,
                created_at=now,
                queued_at=now,
                next_attempt_at=now,
                attempts=0,
                alerted=False,
            )
        )


def _due(now: datetime) -> object:
    """Pending and due, or taken by a sender whose lease has run out."""
    pending = and_(TABLE.c.status == PENDING, TABLE.c.next_attempt_at <= now)
    abandoned = and_(TABLE.c.status == SENDING, TABLE.c.lease_until < now)
    return or_(pending, abandoned)


def claim_next(
    channel: str, sender: str, lease_seconds: float, url: Optional[str] = None
) -> Optional[Claim]:
    """Takes the oldest due notification of `channel`; None if there is none."""
    now = utc_now()
    columns = [TABLE.c[name] for name in ("id", "callback_request_id", "attempts", "queued_at")]
    candidates = (
        select(*columns, TABLE.c.alerted)
        .where(TABLE.c.channel == channel, _due(now))
        .order_by(TABLE.c.next_attempt_at, TABLE.c.id)
        .limit(CANDIDATES)
        .with_for_update(skip_locked=True)
    )
    with _engine(url).begin() as connection:
        for row in connection.execute(candidates).all():
            token = secrets.token_hex(16)
            taken = connection.execute(
                TABLE.update()
                .where(TABLE.c.id == row.id, _due(now))
                .values(
                    status=SENDING,
                    lease_token=token,
                    lease_until=now + timedelta(seconds=lease_seconds),
                    attempts=TABLE.c.attempts + 1,
                    sender=sender[:80],
                )
            )
            if taken.rowcount == 1:
                return Claim(
                    id=row.id,
                    callback_request_id=row.callback_request_id,
                    channel=channel,
                    token=token,
                    attempts=row.attempts + 1,
                    queued_at=row.queued_at,
                    alerted=bool(row.alerted),
                )
    return None


def mark_sent(claim: Claim, url: Optional[str] = None) -> None:
    """Delivered: sent, even if the lease ran out meanwhile (it was delivered)."""
    with _engine(url).begin() as connection:
        connection.execute(
            TABLE.update()
            .where(TABLE.c.id == claim.id, TABLE.c.status != SENT)
            .values(status=SENT, sent_at=utc_now(), lease_token=None, lease_until=None)
        )


def retry_delay_seconds(attempts: int, retry: RetrySettings) -> float:
    """Exponential backoff: the first wait after the first failure, doubled each time."""
    return float(
        min(retry.first_retry_seconds * 2 ** min(attempts - 1, 30), retry.max_retry_seconds)
    )


def mark_failed(
    claim: Claim, error: str, retry: RetrySettings, url: Optional[str] = None
) -> Optional[Failure]:
    """Records a failed attempt and when the next one is; None if another sender has
    taken the notification over meanwhile (this sender's lease ran out)."""
    now = utc_now()
    undelivered = (now - claim.queued_at).total_seconds()
    gave_up = undelivered >= retry.give_up_after_seconds
    alert = not claim.alerted and undelivered >= retry.alert_after_seconds
    next_attempt = (
        None if gave_up else now + timedelta(seconds=retry_delay_seconds(claim.attempts, retry))
    )
    with _engine(url).begin() as connection:
        recorded = connection.execute(
            TABLE.update()
            .where(
                TABLE.c.id == claim.id,
                TABLE.c.status == SENDING,
                TABLE.c.lease_token == claim.token,
            )
            .values(
                status=FAILED if gave_up else PENDING,
                next_attempt_at=next_attempt or now,
                lease_token=None,
                lease_until=None,
                last_error=error[:MAX_ERROR],
                alerted=claim.alerted or alert,
            )
        )
    if recorded.rowcount != 1:
        return None
    return Failure(gave_up=gave_up, alert=alert, next_attempt_at=next_attempt)


def mark_dropped(claim: Claim, url: Optional[str] = None) -> None:
    """Its callback request is gone (deleted by retention): nothing to send."""
    with _engine(url).begin() as connection:
        connection.execute(TABLE.delete().where(TABLE.c.id == claim.id))


def due_now(channel: str, url: Optional[str] = None) -> int:
    """After a delivery worked, the channel's waiting retries are due now (the
    mail server or CRM is back); returns how many."""
    now = utc_now()
    with _engine(url).begin() as connection:
        moved = connection.execute(
            TABLE.update()
            .where(
                TABLE.c.channel == channel,
                TABLE.c.status == PENDING,
                TABLE.c.next_attempt_at > now,
            )
            .values(next_attempt_at=now)
        )
        return int(moved.rowcount)


def retry_failed(url: Optional[str] = None) -> int:
    """Queues every failed notification again, as if new; returns how many."""
    now = utc_now()
    with _engine(url).begin() as connection:
        queued = connection.execute(
            TABLE.update()
            .where(TABLE.c.status == FAILED)
            .values(status=PENDING, queued_at=now, next_attempt_at=now, attempts=0, alerted=False)
        )
        return int(queued.rowcount)


def deliveries(url: Optional[str] = None) -> Dict[int, List[Delivery]]:
    """Every notification's state, by callback request id."""
    query = select(TABLE).order_by(TABLE.c.callback_request_id, TABLE.c.channel)
    found: Dict[int, List[Delivery]] = {}
    with _engine(url).connect() as connection:
        for row in connection.execute(query):
            found.setdefault(row.callback_request_id, []).append(
                Delivery(
                    channel=row.channel,
                    status=row.status,
                    attempts=row.attempts,
                    next_attempt_at=row.next_attempt_at,
                    sent_at=row.sent_at,
                    last_error=row.last_error,
                )
            )
    return found


def delete_for_requests(session: Session, request_ids: object) -> Tuple[int, int]:
    """Deletes the notifications of these requests (ids, or a query of ids); returns how
    many had been (or were being) delivered, and how many had not."""
    theirs = TABLE.c.callback_request_id.in_(request_ids)
    delivered = session.execute(
        select(func.count()).where(theirs, TABLE.c.status.in_((SENT, SENDING)))
    ).scalar_one()
    deleted = session.execute(TABLE.delete().where(theirs)).rowcount
    return int(delivered), int(deleted) - int(delivered)
