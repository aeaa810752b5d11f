"""Logs that never carry what a person wrote, on both servers.

Rasa, rasa_sdk and Sanic log messages, slot values and whole trackers at DEBUG
level (and a log level is easy to raise when looking into a problem). install()
makes every log handler of the process keep:

- the project's own records (addons, actions, storage, admissions, bench), which name
  requests and conversations by number only, at every level;
- other libraries' records at INFO level and above, with anything that looks like a
  phone number masked; their DEBUG records are dropped.

It works on handlers made later too (Rasa and Sanic set up theirs after start-up),
as it wraps logging.Handler.handle itself. `python -m addons` and `python -m
actions` call it first.
"""

import logging
import re
from typing import Any, Callable

PROJECT_LOGGERS = {"addons", "actions", "storage", "admissions", "bench", "__main__"}
# 7 or more digits, with the usual separators: a phone number, whatever its format.
PHONE_LIKE = re.compile(r"\+?\d(?:[\s().-]{0,2}\d){6,}")
MASK = "[number]"

_original_handle: Callable[[logging.Handler, logging.LogRecord], Any] = logging.Handler.handle


def is_project_record(record: logging.LogRecord) -> bool:
    return record.name.split(".", 1)[0] in PROJECT_LOGGERS


def private(record: logging.LogRecord) -> bool:
    """Whether the record may be written; masks phone-like numbers in other libraries'."""
    if is_project_record(record):
        return True
    if record.levelno < logging.INFO:
        return False
    try:
        message = record.getMessage()
    except Exception:  # a broken format: the logging module reports it itself
        return True
    if PHONE_LIKE.search(message):
        record.msg, record.args = PHONE_LIKE.sub(MASK, message), ()
    return True


def _private_handle(handler: logging.Handler, record: logging.LogRecord) -> bool:
    if not private(record):
        return False
    return bool(_original_handle(handler, record))


def install() -> None:
    """Applies private() to every log handler of this process (again: no change)."""
    logging.Handler.handle = _private_handle  # type: ignore[method-assign,assignment]


def installed() -> bool:
    return logging.Handler.handle is _private_handle
