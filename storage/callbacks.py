"""Callback requests for the admissions team: the table and the only code that touches it.

A request and its notifications to admissions (storage/outbox.py) are written together.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Dict, List, Optional, Sequence

from sqlalchemy import JSON, Boolean, Column, DateTime, Integer, String, delete, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from storage import database, outbox
from storage.database import utc_now
from storage.settings import database_url, notification_channels

NEW = "new"
CONTACTED = "contacted"


class CallbackRequest(database.Base):
    """One person's request to be called back, with their screening summary."""

    __tablename__ = "callback_requests"

    id = Column(Integer, primary_key=True)
    created_at = Column(DateTime, nullable=False, default=utc_now, index=True)
    status = Column(String(16), nullable=False, default=NEW, index=True)
    contacted_at = Column(DateTime)
    first_name = Column(String(80), nullable=False)
    phone = Column(String(20), nullable=False)  # E.164, e.g. +16175550123
    best_time = Column(String(120), nullable=False)
    channel = Column(String(32), nullable=False)
    conversation_id = Column(String(255), nullable=False)
    emergency_answer_shown = Column(Boolean, nullable=False, default=False)
    summary = Column(JSON, nullable=False)


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
    return database.engine(url or database_url())


def save(
    request: NewRequest, url: Optional[str] = None, channels: Optional[Sequence[str]] = None
) -> int:
    """Stores the request with its notifications to admissions (`channels`, default: those
    that are on) in one transaction; returns its id. Raises if it was not stored."""
    if channels is None:
        channels = notification_channels()
    with Session(_engine(url)) as session, session.begin():
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
