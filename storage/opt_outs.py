"""SMS opt-out: the keywords, and the table that remembers who opted out.

Carrier rules: STOP and its synonyms end all texts until START; HELP is always
answered. Plain-language requests ("please stop texting me") count as opt-outs
too (FCC). The table lives in the assistant's own database (database.engine()),
so an opt-out survives a restart. It holds the number's keyed id
(storage/crypto.py keyed_id), never the number; rows from before keyed ids hold
the number itself, and are still honoured until the number texts again. Phone
numbers are never logged.
"""

import re
from datetime import datetime, timezone
from typing import List, Optional

from sqlalchemy import Column, DateTime, String
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from storage import crypto, database

STOP_WORDS = {"stop", "stopall", "unsubscribe", "cancel", "end", "quit", "revoke", "optout"}
START_WORDS = {"start", "unstop", "yes"}
HELP_WORDS = {"help", "info", "ayuda"}
# A keyword in Spanish gets its answer in Spanish, even as a number's first text.
SPANISH_KEYWORDS = {"ayuda"}

# About texting, not about substances: "stop texting me", never "stop using".
_PLAIN_OPT_OUT = re.compile(
    r"\b(?:stop|quit|cease|no more|don'?t|do not|never)\s+"
    r"(?:\w+\s+){0,2}?(?:text|txt|messag|sms|contact|writ)\w*"
    r"|\b(?:unsubscribe|opt(?:\s|-)?out|remove)\s+me\b"
    r"|\btake me off\b",
    re.IGNORECASE,
)


class SmsOptOut(database.Base):
    """A phone number (its keyed id) that asked for no more texts, and when."""

    __tablename__ = "sms_opt_outs"

    phone_number = Column(String(32), primary_key=True)  # keyed id; E.164 in old rows
    opted_out_at = Column(DateTime(timezone=True), nullable=False)


def _keyword(text: str) -> str:
    return re.sub(r"[^a-z]", "", text.lower()) if len(text) <= 20 else ""


def is_stop_request(text: str) -> bool:
    return _keyword(text) in STOP_WORDS or bool(_PLAIN_OPT_OUT.search(text))


def is_start_request(text: str) -> bool:
    return _keyword(text) in START_WORDS


def is_help_request(text: str) -> bool:
    return _keyword(text) in HELP_WORDS


def keyword_language(text: str) -> Optional[str]:
    """ "es" for a keyword in Spanish; None when the keyword does not say."""
    return "es" if _keyword(text) in SPANISH_KEYWORDS else None


def _engine() -> Engine:
    engine = database.engine()
    SmsOptOut.__table__.create(engine, checkfirst=True)
    return engine


def _keys(phone_number: str) -> List[str]:
    """The row keys this number may have: its keyed id, and itself in old rows."""
    return [crypto.keyed_id(phone_number), phone_number]


def is_opted_out(phone_number: str) -> bool:
    with Session(_engine()) as session:
        return any(session.get(SmsOptOut, key) is not None for key in _keys(phone_number))


def opt_out(phone_number: str) -> bool:
    """Records the opt-out; False if the number had already opted out."""
    if is_opted_out(phone_number):
        return False
    with Session(_engine()) as session, session.begin():
        session.add(
            SmsOptOut(
                phone_number=crypto.keyed_id(phone_number),
                opted_out_at=datetime.now(timezone.utc),
            )
        )
    return True


def opt_in(phone_number: str) -> bool:
    """Forgets the number's opt-out; False if there was none."""
    with Session(_engine()) as session, session.begin():
        found = [session.get(SmsOptOut, key) for key in _keys(phone_number)]
        for row in found:
            if row is not None:
                session.delete(row)
        return any(row is not None for row in found)
