"""The `assistant` fixture: a real action server and Rasa server for the whole session.

Both run from the project's .venv with models/screening.tar.gz (make test trains it
first), on free ports. Rasa gets the action server's URL through an endpoints file in
a temporary directory, and has its HTTP API on with a random token so that tests can
read trackers. Server logs go to that directory (shown when start-up fails), and
so does the conversations database (TRACKER_STORE_URL, a SQLite file).
"""

import secrets
from typing import Iterator

import pytest

from servers import Assistant, Servers, free_port

READY_TIMEOUT = 120.0


class RunningAssistant(Assistant):
    """The REST client, plus the servers behind it."""

    def __init__(self, servers: Servers) -> None:
        super().__init__(servers.base_url, servers.token)
        self.servers = servers


@pytest.fixture(scope="session")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningAssistant]:
    """say(sender, text) -> bot messages; texts(sender, text) -> str; tracker(sender)."""
    log_dir = tmp_path_factory.mktemp("assistant")
    servers = Servers(
        rasa_port=free_port(),
        action_port=free_port(),
        log_dir=log_dir,
        token=secrets.token_urlsafe(24),
        interface="127.0.0.1",
        env={"TRACKER_STORE_URL": f"sqlite:///{log_dir / 'conversations.db'}"},
    )
    servers.start(timeout=READY_TIMEOUT)
    client = RunningAssistant(servers)
    try:
        yield client
    finally:
        client.close()
        servers.stop()
