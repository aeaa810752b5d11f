"""Callback requests for the admissions team: the table and the only code that touches it.

A request and its notifications to admissions (storage/outbox.py) are written together.
The name, number, time and summary are encrypted (storage/crypto.py); the rest (times,
status, channel, conversation id) stays readable so that lists, retention and
"delete my data" work in SQL.
"""

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Dict, List, Optional, Sequence

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Integer,
    String,
    Text,
    delete,
    inspect,
    select,
    text,
    update,
)
from sqlalchemy.engine import Dialect, Engine
from sqlalchemy.orm import Session
from sqlalchemy.types import TypeDecorator

from storage import crypto, database, outbox
from storage.database import utc_now
from storage.settings import database_url, notification_channels

NEW = "new"
CONTACTED = "contacted"


class EncryptedText(TypeDecorator):
    """Text encrypted on the way in, decrypted on the way out."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: Optional[str], dialect: Dialect) -> Optional[str]:
        return None if value is None else crypto.encrypt(str(value))

    def process_result_value(self, value: Optional[str], dialect: Dialect) -> Optional[str]:
        return None if value is None else _readable(value)


class EncryptedJSON(TypeDecorator):
    """JSON, encrypted as text."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> Optional[str]:
        return None if value is None else crypto.encrypt(json.dumps(value))

    def process_result_value(self, value: Any, dialect: Dialect) -> Any:
        if value is None or not isinstance(value, str):
            return value  # a JSON column from before encryption, already parsed
        text = _readable(value)
        return {"unreadable": text} if text == UNREADABLE else json.loads(text)


# Shown instead of a value no key of this server opens (a lost or removed key): the
# other requests stay readable.
UNREADABLE = "[unreadable: encrypted with a key this server does not have]"


def _readable(value: str) -> str:
    try:
        return crypto.decrypt(value)
    except crypto.InvalidToken:
        return UNREADABLE


ENCRYPTED_COLUMNS = ("first_name", "phone", "best_time", "summary")


class CallbackRequest(database.Base):
    """One person's request to be called back, with their screening summary."""

    __tablename__ = "callback_requests"

    id = Column(Integer, primary_key=True)
    created_at = Column(DateTime, nullable=False, default=utc_now, index=True)
    status = Column(String(16), nullable=False, default=NEW, index=True)
    contacted_at = Column(DateTime)
    first_name = Column(EncryptedText, nullable=False)
    phone = Column(EncryptedText, nullable=False)  # E.164, e.g. +16175550123
    best_time = Column(EncryptedText, nullable=False)
    channel = Column(String(32), nullable=False)
    conversation_id = Column(String(255), nullable=False, index=True)
    emergency_answer_shown = Column(Boolean, nullable=False, default=False)
    summary = Column(EncryptedJSON, nullable=False)


@dataclass(frozen=True)
class Erased:
    """What deleting one conversation's requests removed."""

    requests: int
    notices_sent: int  # already delivered to admissions: their copy is theirs to delete
    notices_pending: int  # deleted before they were sent


@dataclass(frozen=True)
class NewRequest:
    """What the assistant collected, ready to store."""

    first_name: str
    phone: str
    best_time: str
    channel: str
    conversation_id: str
    emergency_answer_shown: bool
    summary: Dict[str, Any]


def _engine(url: Optional[str]) -> Engine:
    # Always by URL: the engine cache is keyed by it, and DATABASE_URL may change.
    engine = database.engine(url or database_url())
    _widen_columns(engine)
    return engine


def _widen_columns(engine: Engine) -> None:
    """Tables made before encryption had short VARCHAR and JSON columns, which an
    encrypted value does not fit on PostgreSQL: they become TEXT (SQLite needs nothing)."""
    if engine.dialect.name != "postgresql" or engine.url in _WIDENED:
        return
    types = {
        c["name"]: c["type"] for c in inspect(engine).get_columns(CallbackRequest.__tablename__)
    }
    narrow = [name for name in ENCRYPTED_COLUMNS if not isinstance(types.get(name), Text)]
    if narrow:
        changes = ", ".join(f"ALTER COLUMN {name} TYPE TEXT USING {name}::text" for name in narrow)
        with engine.begin() as connection:
            connection.execute(text(f"ALTER TABLE {CallbackRequest.__tablename__} {changes}"))
    _WIDENED.add(engine.url)


_WIDENED: set = set()


def save(
    request: NewRequest,
    url: Optional[str] = None,
    channels: Optional[Sequence[str]] = None,
    replacing: bool = False,
) -> int:
    """Stores the request with its notifications to admissions (`channels`, default: those
    that are on) in one transaction; returns its id. Raises if it was not stored.

    `replacing`: the conversation's earlier requests (a number or time fixed) are
    deleted in the same transaction, so that one request is never lost and never doubled.
    """
    if channels is None:
        channels = notification_channels()
    with Session(_engine(url)) as session, session.begin():
        if replacing:
            _delete_conversation(session, request.conversation_id)
        row = CallbackRequest(
            first_name=request.first_name,
            phone=request.phone,
            best_time=request.best_time,
            channel=request.channel,
            conversation_id=request.conversation_id,
            emergency_answer_shown=request.emergency_answer_shown,
            summary=request.summary,
            created_at=utc_now(),
            status=NEW,
        )
        session.add(row)
        session.flush()
        outbox.add(session, int(row.id), channels)
        return int(row.id)


def as_dict(row: CallbackRequest) -> Dict[str, Any]:
    """One request as plain data (times as ISO 8601 UTC)."""

    def iso(moment: Optional[datetime]) -> Optional[str]:
        return moment.isoformat(timespec="seconds") + "Z" if moment else None

    return {
        "id": row.id,
        "created_at": iso(row.created_at),
        "status": row.status,
        "contacted_at": iso(row.contacted_at),
        "first_name": row.first_name,
        "phone": row.phone,
        "best_time": row.best_time,
        "channel": row.channel,
        "conversation_id": row.conversation_id,
        "emergency_answer_shown": bool(row.emergency_answer_shown),
        "summary": row.summary,
    }


def get(request_id: int, url: Optional[str] = None) -> Optional[Dict[str, Any]]:
    """One request as plain data; None if there is no such request."""
    with Session(_engine(url)) as session:
        row = session.get(CallbackRequest, request_id)
        return as_dict(row) if row is not None else None


def find(
    url: Optional[str] = None,
    status: Optional[str] = None,
    since: Optional[datetime] = None,
    until: Optional[datetime] = None,
) -> List[Dict[str, Any]]:
    """Requests, oldest first; `since` is inclusive, `until` exclusive (UTC)."""
    query = select(CallbackRequest).order_by(CallbackRequest.created_at, CallbackRequest.id)
    if status:
        query = query.where(CallbackRequest.status == status)
    if since:
        query = query.where(CallbackRequest.created_at >= since)
    if until:
        query = query.where(CallbackRequest.created_at < until)
    with Session(_engine(url)) as session:
        return [as_dict(row) for row in session.scalars(query)]


def mark_contacted(request_id: int, url: Optional[str] = None) -> bool:
    """Marks a request as contacted; False if there is no such request."""
    with Session(_engine(url)) as session, session.begin():
        result = session.execute(
            update(CallbackRequest)
            .where(CallbackRequest.id == request_id)
            .values(status=CONTACTED, contacted_at=utc_now())
        )
        return bool(result.rowcount)


def delete_older_than(days: int, url: Optional[str] = None) -> int:
    """Deletes requests created more than `days` days ago; returns how many."""
    cutoff = utc_now() - timedelta(days=days)
    old = select(CallbackRequest.id).where(CallbackRequest.created_at < cutoff)
    with Session(_engine(url)) as session, session.begin():
        outbox.delete_for_requests(session, old.scalar_subquery())
        result = session.execute(delete(CallbackRequest).where(CallbackRequest.created_at < cutoff))
        return int(result.rowcount)


def delete_for_conversation(conversation_id: str, url: Optional[str] = None) -> Erased:
    """Deletes the conversation's requests and their notifications ("delete my data")."""
    with Session(_engine(url)) as session, session.begin():
        return _delete_conversation(session, conversation_id)


def _delete_conversation(session: Session, conversation_id: str) -> Erased:
    mine = select(CallbackRequest.id).where(CallbackRequest.conversation_id == conversation_id)
    sent, pending = outbox.delete_for_requests(session, mine.scalar_subquery())
    result = session.execute(
        delete(CallbackRequest).where(CallbackRequest.conversation_id == conversation_id)
    )
    return Erased(requests=int(result.rowcount), notices_sent=sent, notices_pending=pending)


def reencrypt_all(url: Optional[str] = None) -> int:
    """Encrypts every request's personal fields again with the newest key; returns how many."""
    table = CallbackRequest.__table__
    raw = select(table.c.id, *(table.c[name].cast(Text) for name in ENCRYPTED_COLUMNS))
    changed = 0
    with _engine(url).begin() as connection:
        for row in connection.execute(raw).all():
            values = {
                name: crypto.reencrypt(_as_text(value))
                for name, value in zip(ENCRYPTED_COLUMNS, row[1:], strict=True)
            }
            connection.execute(
                text(
                    f"UPDATE {table.name} SET "
                    + ", ".join(f"{name} = :{name}" for name in ENCRYPTED_COLUMNS)
                    + " WHERE id = :id"
                ),
                {**values, "id": row[0]},
            )
            changed += 1
    return changed


def _as_text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)
