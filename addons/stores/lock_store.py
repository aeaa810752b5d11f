"""The lock store from LOCK_STORE_URL (see storage/settings.py).

Rasa takes a lock per conversation so that its messages are handled one at a
time, in order. One server can keep the locks in memory; several servers must
share them, in Redis.

Rasa's RedisLockStore changes a lock by reading it, changing it and writing it
back, with nothing to stop another server doing the same in between (rasa
issue #9213; the atomic ConcurrentRedisLockStore is Rasa Pro only). With one
conversation's messages arriving at two servers at once, we saw two messages
get the same ticket, user messages missing from the conversation, and a request
hanging for a minute (tests/integration/test_several_servers.py). AtomicRedisLockStore
makes each of those changes one Redis transaction (WATCH/MULTI/EXEC, retried
when another server changed the lock first).
"""

import json
from typing import Any, Callable, Optional, Tuple, Union

import redis
from rasa.core.lock import TicketLock
from rasa.core.lock_store import (
    DEFAULT_SOCKET_TIMEOUT_IN_SECONDS,
    LOCK_LIFETIME,
    InMemoryLockStore,
    LockError,
    LockStore,
    RedisLockStore,
)

from storage.settings import lock_store_url

# What a change does with the lock: save this one, delete it (None), or leave it.
KEEP = "keep"
NewLock = Union[TicketLock, None, str]


# Rasa's default database for locks, when the URL names none.
DEFAULT_LOCK_DB = 1


def redis_client(
    url: str, socket_timeout: float = DEFAULT_SOCKET_TIMEOUT_IN_SECONDS
) -> redis.Redis:
    """A client for redis[s]://[[user]:password@]host[:port][/db] (database 1 by default)."""
    if not url.startswith(("redis://", "rediss://")):
        raise ValueError("LOCK_STORE_URL must look like redis://[:password@]host[:port][/db].")
    return redis.Redis.from_url(url, db=DEFAULT_LOCK_DB, socket_timeout=socket_timeout)


class AtomicRedisLockStore(RedisLockStore):
    """RedisLockStore whose read-change-write steps are Redis transactions."""

    def __init__(
        self,
        url: str,
        key_prefix: Optional[str] = None,
        socket_timeout: float = DEFAULT_SOCKET_TIMEOUT_IN_SECONDS,
    ) -> None:
        super().__init__(key_prefix=key_prefix, socket_timeout=socket_timeout)
        self.red = redis_client(url, socket_timeout)

    def _change(
        self, conversation_id: str, change: Callable[[Optional[TicketLock]], Tuple[NewLock, Any]]
    ) -> Any:
        """Applies `change` to the stored lock atomically; returns its result."""
        key = self.key_prefix + conversation_id
        with self.red.pipeline() as pipe:
            while True:
                try:
                    pipe.watch(key)
                    stored = pipe.get(key)
                    lock = TicketLock.from_dict(json.loads(stored)) if stored else None
                    new_lock, result = change(lock)
                    pipe.multi()
                    if isinstance(new_lock, TicketLock):
                        pipe.set(key, new_lock.dumps())
                    elif new_lock is None:
                        pipe.delete(key)
                    pipe.execute()
                    return result
                except redis.WatchError:
                    continue  # another server changed the lock: read it again

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        def issue(lock: Optional[TicketLock]) -> Tuple[NewLock, int]:
            lock = lock or self.create_lock(conversation_id)
            return lock, lock.issue_ticket(lock_lifetime)

        try:
            return int(self._change(conversation_id, issue))
        except redis.RedisError as error:
            raise LockError(f"Error while acquiring lock. Error:\n{error}") from error

    def update_lock(self, conversation_id: str) -> None:
        def drop_expired(lock: Optional[TicketLock]) -> Tuple[NewLock, None]:
            if lock is None:
                return KEEP, None
            lock.remove_expired_tickets()
            return lock, None

        self._change(conversation_id, drop_expired)

    def finish_serving(self, conversation_id: str, ticket_number: int) -> None:
        self._change(conversation_id, self._without_ticket(ticket_number, delete_if_empty=False))

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        self._change(conversation_id, self._without_ticket(ticket_number, delete_if_empty=True))

    @staticmethod
    def _without_ticket(
        ticket_number: int, delete_if_empty: bool
    ) -> Callable[[Optional[TicketLock]], Tuple[NewLock, None]]:
        def remove(lock: Optional[TicketLock]) -> Tuple[NewLock, None]:
            if lock is None:
                return KEEP, None
            lock.remove_ticket_for(ticket_number)
            if delete_if_empty and not lock.is_someone_waiting():
                return None, None
            return lock, None

        return remove


class ConfiguredLockStore:
    """endpoints.yml `type` for the lock store.

    Rasa instantiates the named class; this one hands back the store to use:
    AtomicRedisLockStore when LOCK_STORE_URL is set, else Rasa's InMemoryLockStore.
    """

    def __new__(cls, endpoint_config: Optional[Any] = None) -> LockStore:
        url = lock_store_url()
        if url is None:
            return InMemoryLockStore()
        kwargs = dict(getattr(endpoint_config, "kwargs", None) or {})
        return AtomicRedisLockStore(url, **kwargs)
