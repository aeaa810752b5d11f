"""The lock store from LOCK_STORE_URL (see the package docstring).

Rasa takes a lock per conversation so that its messages are handled one at a
time, in order. One server can keep the locks in memory; several servers must
share them, in Redis (Rasa's RedisLockStore).
"""

from typing import Any, Dict, Optional
from urllib.parse import unquote, urlsplit

from rasa.core.lock_store import InMemoryLockStore, LockStore, RedisLockStore

from conversation_store import lock_store_url


def redis_settings(url: str) -> Dict[str, Any]:
    """RedisLockStore's arguments from redis[s]://[[user]:password@]host[:port][/db]."""
    parts = urlsplit(url)
    if parts.scheme not in ("redis", "rediss") or not parts.hostname:
        raise ValueError("LOCK_STORE_URL must look like redis://[:password@]host[:port][/db].")
    path = parts.path.strip("/")
    return {
        "host": parts.hostname,
        "port": parts.port or 6379,
        "db": int(path) if path else 1,
        "username": unquote(parts.username) if parts.username else None,
        "password": unquote(parts.password) if parts.password else None,
        "use_ssl": parts.scheme == "rediss",
    }


class ConfiguredLockStore:
    """endpoints.yml `type` for the lock store.

    Rasa instantiates the named class; this one hands back Rasa's own store:
    RedisLockStore when LOCK_STORE_URL is set, else InMemoryLockStore.
    """

    def __new__(cls, endpoint_config: Optional[Any] = None) -> LockStore:
        url = lock_store_url()
        if url is None:
            return InMemoryLockStore()
        kwargs = dict(getattr(endpoint_config, "kwargs", None) or {})
        return RedisLockStore(**redis_settings(url), **kwargs)
