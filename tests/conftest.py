"""The `assistant` fixture: a real action server and Rasa server for the whole session.

Both run from the project's .venv with models/screening.tar.gz (make test trains it
first), on free ports. Rasa gets the action server's URL through an endpoints file in
a temporary directory, and has its HTTP API on with a random token so that tests can
read trackers. Server logs go to that directory (shown when start-up fails).
The assistant's database (DATABASE_URL, passed through to both servers) is a SQLite
file in that directory too, so that tests never write into var/.
"""

import os
import secrets
from typing import Iterator

import pytest

from servers import Assistant, Servers, free_port

READY_TIMEOUT = 120.0


class RunningAssistant(Assistant):
    """The REST client, plus the servers behind it."""

    def __init__(self, servers: Servers, database_url: str) -> None:
        super().__init__(servers.base_url, servers.token)
        self.servers = servers
        self.database_url = database_url


@pytest.fixture(scope="session")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningAssistant]:
    """say(sender, text) -> bot messages; texts(sender, text) -> str; tracker(sender)."""
    log_dir = tmp_path_factory.mktemp("assistant")
    database_url = f"sqlite:///{log_dir / 'assistant.db'}"
    servers = Servers(
        rasa_port=free_port(),
        action_port=free_port(),
        log_dir=log_dir,
        token=secrets.token_urlsafe(24),
        interface="127.0.0.1",
    )
    previous = os.environ.get("DATABASE_URL")
    os.environ["DATABASE_URL"] = database_url  # the servers take the environment as it is now
    try:
        servers.start(timeout=READY_TIMEOUT)
    finally:
        if previous is None:
            del os.environ["DATABASE_URL"]
        else:
            os.environ["DATABASE_URL"] = previous
    client = RunningAssistant(servers, database_url)
    try:
        yield client
    finally:
        client.close()
        servers.stop()
