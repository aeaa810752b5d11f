"""The callback request table in the assistant's own database."""

from datetime import datetime, timezone

from sqlalchemy import JSON, Boolean, Column, DateTime, Integer, String

from database import Base

NEW = "new"
CONTACTED = "contacted"


def utc_now() -> datetime:
    """Now in UTC, without tzinfo: SQLite keeps no time zones, so every time is UTC."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


class CallbackRequest(Base):
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
