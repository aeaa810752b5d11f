"""Helpers for the tests that start, stop, pause and break servers (not a test module)."""

import os
import signal
import uuid
from pathlib import Path
from typing import Dict, Iterator, Optional

import pytest
import requests

from tests.support.servers import ENDPOINTS, Assistant, ManagedProcess, Servers, free_port

READY_TIMEOUT = 120.0


def sqlite_env(directory: Path, name: str = "conversations.db") -> Dict[str, str]:
    return {"TRACKER_STORE_URL": f"sqlite:///{directory / name}"}


def started(
    log_dir: Path, env: Optional[Dict[str, str]] = None, endpoints: Path = ENDPOINTS
) -> Servers:
    servers = Servers(
        rasa_port=free_port(),
        action_port=free_port(),
        log_dir=log_dir,
        interface="127.0.0.1",
        env=env,
        endpoints=endpoints,
    )
    servers.start(timeout=READY_TIMEOUT)
    return servers


def running(servers: Servers) -> Iterator[Servers]:
    try:
        yield servers
    finally:
        servers.stop()


def wait_for(server: ManagedProcess, timeout: float = READY_TIMEOUT) -> None:
    server.wait_until_ready(timeout)


def restart(server: ManagedProcess) -> None:
    server.stop()
    server.start()
    wait_for(server)


def pause(server: ManagedProcess) -> None:
    """SIGSTOP: the port still accepts connections, nothing answers."""
    os.killpg(server.pid, signal.SIGSTOP)


def resume(server: ManagedProcess) -> None:
    os.killpg(server.pid, signal.SIGCONT)


def new_sender(prefix: str = "test") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def client(servers: Servers) -> Assistant:
    return Assistant(servers.base_url, timeout=60)


def require_service(url: str, what: str, reachable: bool) -> None:
    """Fails under CI=true when a needed server is unreachable, else skips."""
    if reachable:
        return
    message = (
        f"{what} is not reachable at {url}: run `bash scripts/services.sh` "
        "(Debian packages postgresql and redis-server)."
    )
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message)
    pytest.skip(message)


def health(base_url: str) -> requests.Response:
    return requests.get(f"{base_url}/webhooks/rest/health", timeout=30)
