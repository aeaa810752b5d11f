"""The data encryption key: a new one, and re-encrypting everything with it.

  python -m admissions new-key      prints a new key (for DATA_ENCRYPTION_KEY)
  python -m admissions rotate-key   re-encrypts callback requests and conversations

With the generated key file (DATA_ENCRYPTION_KEY unset), rotate-key makes a new key,
puts it first in the file (running servers then encrypt with it and still read the
old one), re-encrypts every row, and then removes the old key from the file.

With DATA_ENCRYPTION_KEY, the servers read the keys from their environment, which
this command cannot change: set DATA_ENCRYPTION_KEY=<new>,<old> on every server and
restart them, run rotate-key (it re-encrypts with the first key), then set
DATA_ENCRYPTION_KEY=<new> alone.
"""

from dataclasses import dataclass
from typing import Optional

from storage import callbacks, conversations, crypto


@dataclass(frozen=True)
class Rotated:
    callback_requests: int
    events: Optional[int]  # None: no events table
    key_file_updated: bool  # False: the keys come from DATA_ENCRYPTION_KEY


def rotate(database_url: Optional[str] = None, tracker_url: Optional[str] = None) -> Rotated:
    """Re-encrypts every stored personal field with the newest key (a new one, with the
    generated key file)."""
    from_file = not crypto.keys_from_environment()
    old_keys = crypto.encryption_keys()
    if from_file:
        new = crypto.new_key()
        crypto.replace_file(crypto.key_file(), "\n".join([new, *old_keys]) + "\n")
    requests = callbacks.reencrypt_all(database_url)
    events = conversations.reencrypt_events(tracker_url)
    if from_file:
        crypto.replace_file(crypto.key_file(), new + "\n")
    return Rotated(requests, events, from_file)


def report(rotated: Rotated) -> str:
    lines = [f"Re-encrypted {rotated.callback_requests} callback request(s)."]
    if rotated.events is None:
        lines.append("Conversation events: no events table; nothing to re-encrypt.")
    else:
        lines.append(f"Re-encrypted {rotated.events} conversation event(s).")
    if rotated.key_file_updated:
        lines.append(f"New key in {crypto.key_file()}; the old one is removed.")
    else:
        lines.append(
            "Encrypted with the first key of DATA_ENCRYPTION_KEY: the other keys can now be "
            "removed from it on every server."
        )
    return "\n".join(lines)
