"""Keys for personal data: encryption at rest, and keyed SMS conversation ids.

- Encryption: Fernet (AES-128-CBC with HMAC-SHA256, from `cryptography`). The keys
  are DATA_ENCRYPTION_KEY (comma-separated, newest first), else the lines of
  data-encryption.key in the data folder, generated once. The first key encrypts;
  every key decrypts, so that old rows stay readable while `python -m admissions
  rotate-key` re-encrypts them.
- Conversation ids: HMAC-SHA256 of the phone number with SENDER_ID_SECRET, else
  sender-id.secret in the data folder, generated once. Without the secret the
  number cannot be found from the id by trying every possible number.

A generated file is created whole or not at all (another process may start at the
same moment and must read the same key) and is readable by its owner only.
"""

import base64
import hashlib
import hmac
import logging
import os
import secrets
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import List, Optional, Tuple

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from storage.settings import data_dir, encryption_on

logger = logging.getLogger(__name__)

ENCRYPTION_KEY_FILE = "data-encryption.key"
SENDER_SECRET_FILE = "sender-id.secret"
# Every Fernet token starts with version byte 0x80, "gAAAAA" in base64: text
# without it was stored before encryption and is read as it is.
TOKEN_PREFIX = "gAAAAA"
OWNER_ONLY = 0o600


class KeySettingError(ValueError):
    """A key setting is unusable."""


def new_key() -> str:
    return Fernet.generate_key().decode("ascii")


def _write_once(path: Path, text: str) -> bool:
    """Creates `path` with `text`, owner-only, unless it exists; True if this call made it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        return False
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "w", encoding="ascii") as out:
            os.fchmod(out.fileno(), OWNER_ONLY)
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.link(temporary, path)  # fails if another process made it first
        return True
    except FileExistsError:
        return False
    finally:
        os.unlink(temporary)


def replace_file(path: Path, text: str) -> None:
    """Writes `path` whole (owner-only), replacing what was there."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    os.fchmod(handle, OWNER_ONLY)
    with os.fdopen(handle, "w", encoding="ascii") as out:
        out.write(text)
        out.flush()
        os.fsync(out.fileno())
    os.replace(temporary, path)


def _generated(name: str, make: str) -> str:
    """The file's text, made first if it does not exist."""
    path = data_dir() / name
    if _write_once(path, make):
        logger.info("Generated %s (owner-only).", path)
    return path.read_text(encoding="ascii")


@lru_cache(maxsize=None)
def _warn_shared(variable: str, path: str) -> None:
    """Once per process and file: a generated key works for one server only."""
    logger.warning(
        "%s is unset, so %s is used. Several servers must share one: set the same %s "
        "on each (see README, Privacy).",
        variable,
        path,
        variable,
    )


# --- Keyed conversation ids ----------------------------------------------------------


def sender_secret() -> bytes:
    configured = os.environ.get("SENDER_ID_SECRET")
    if configured:
        return configured.encode("utf-8")
    return _sender_secret_from_file(str(data_dir()))


@lru_cache(maxsize=None)
def _sender_secret_from_file(folder: str) -> bytes:
    text = _generated(SENDER_SECRET_FILE, secrets.token_hex(32) + "\n")
    _warn_shared("SENDER_ID_SECRET", str(Path(folder) / SENDER_SECRET_FILE))
    return text.strip().encode("utf-8")


def keyed_id(value: str, secret: Optional[bytes] = None) -> str:
    """HMAC-SHA256 of `value` (hex, 32 characters): the same value gives the same id."""
    key = secret if secret is not None else sender_secret()
    return hmac.new(key, value.encode("utf-8"), hashlib.sha256).hexdigest()[:32]


# --- Encryption ----------------------------------------------------------------------


def _parsed(keys: List[str]) -> List[str]:
    keys = [key.strip() for key in keys if key.strip()]
    for key in keys:
        try:
            if len(base64.urlsafe_b64decode(key.encode("ascii"))) != 32:
                raise ValueError
        except (ValueError, UnicodeEncodeError):
            raise KeySettingError(
                "DATA_ENCRYPTION_KEY must be Fernet keys (python -m admissions new-key), "
                "comma-separated"
            ) from None
    if not keys:
        raise KeySettingError("no data encryption key")
    return keys


def key_file() -> Path:
    return data_dir() / ENCRYPTION_KEY_FILE


def keys_from_environment() -> bool:
    return bool((os.environ.get("DATA_ENCRYPTION_KEY") or "").strip())


def encryption_keys() -> List[str]:
    """The keys, newest first (the environment's, else the file's, generated if need be)."""
    if keys_from_environment():
        return _parsed(os.environ["DATA_ENCRYPTION_KEY"].split(","))
    path = key_file()
    text = _generated(ENCRYPTION_KEY_FILE, new_key() + "\n")
    _warn_shared("DATA_ENCRYPTION_KEY", str(path))
    return _parsed(text.splitlines())


def _key_source() -> Tuple[str, float]:
    """What the keys are read from now; the cipher is rebuilt when it changes
    (rotate-key rewrites the file while servers run)."""
    if keys_from_environment():
        return os.environ["DATA_ENCRYPTION_KEY"], 0.0
    path = key_file()
    try:
        return str(path), path.stat().st_mtime
    except FileNotFoundError:
        return str(path), -1.0


def cipher() -> MultiFernet:
    return _cipher(*_key_source())


@lru_cache(maxsize=4)
def _cipher(source: str, version: float) -> MultiFernet:
    return MultiFernet([Fernet(key.encode("ascii")) for key in encryption_keys()])


def is_encrypted(text: str) -> bool:
    return text.startswith(TOKEN_PREFIX)


def encrypt(text: str) -> str:
    """The text encrypted with the newest key (as it is, with DATA_ENCRYPTION=off)."""
    if not encryption_on():
        return text
    return cipher().encrypt(text.encode("utf-8")).decode("ascii")


def decrypt(text: str) -> str:
    """The plain text of an encrypted value; plain text stored before encryption as it is.

    Raises InvalidToken when no key opens it."""
    if not is_encrypted(text):
        return text
    return cipher().decrypt(text.encode("ascii")).decode("utf-8")


def reencrypt(text: str) -> str:
    """The value encrypted with the newest key (plain text too)."""
    if not is_encrypted(text):
        return cipher().encrypt(text.encode("utf-8")).decode("ascii")
    return cipher().rotate(text.encode("ascii")).decode("ascii")


__all__ = [
    "InvalidToken",
    "KeySettingError",
    "cipher",
    "decrypt",
    "encrypt",
    "encryption_keys",
    "keyed_id",
    "new_key",
    "reencrypt",
]
