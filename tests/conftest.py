"""The `assistant` fixture: a real action server and Rasa server for the whole session.

Both run from the project's .venv with models/screening.tar.gz (make test trains it
first), on free ports, as make run starts them (tests/support/servers.py). Rasa gets
the action server's URL through ACTION_SERVER_URL (endpoints.yml), and has its HTTP
API on with a random token so that tests can read trackers. Server logs go to a
temporary directory (shown when start-up fails).

The channels get their settings from the environment, as in production: a random
Twilio auth token and a made-up public SMS webhook URL (tests sign requests for it),
the demo page's origin (a free port; tests serve web/ there) as the only allowed
web chat origin, and databases of their own in that directory (the assistant's
DATABASE_URL and the conversations' TRACKER_STORE_URL, SQLite files).
"""

import os
import secrets
from typing import Iterator

import pytest

from tests.support.servers import Assistant, Servers, free_port

SMS_WEBHOOK_URL = "https://assistant.example.org/webhooks/sms/webhook"

READY_TIMEOUT = 120.0


class RunningAssistant(Assistant):
    """The REST client, plus the servers behind it."""

    def __init__(self, servers: Servers, channel_env: dict) -> None:
        super().__init__(servers.base_url, servers.token)
        self.servers = servers
        self.twilio_auth_token: str = channel_env["TWILIO_AUTH_TOKEN"]
        self.sms_webhook_url: str = channel_env["SMS_WEBHOOK_URL"]
        self.web_port = int(channel_env["WEB_PORT"])
        self.database_url: str = channel_env["DATABASE_URL"]


@pytest.fixture(scope="session")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningAssistant]:
    """say(sender, text) -> bot messages; texts(sender, text) -> str; tracker(sender)."""
    log_dir = tmp_path_factory.mktemp("assistant")
    web_port = free_port()
    channel_env = {
        "TWILIO_AUTH_TOKEN": secrets.token_hex(16),
        "SMS_WEBHOOK_URL": SMS_WEBHOOK_URL,
        "WEB_PORT": str(web_port),
        "WEBCHAT_ORIGINS": f"http://localhost:{web_port},http://127.0.0.1:{web_port}",
        "DATABASE_URL": f"sqlite:///{log_dir / 'assistant.db'}",
    }
    os.environ.update(channel_env)  # the servers inherit it
    servers = Servers(
        rasa_port=free_port(),
        action_port=free_port(),
        log_dir=log_dir,
        token=secrets.token_hex(24),
        interface="127.0.0.1",
        env={"TRACKER_STORE_URL": f"sqlite:///{log_dir / 'conversations.db'}"},
    )
    servers.start(timeout=READY_TIMEOUT)
    client = RunningAssistant(servers, channel_env)
    try:
        yield client
    finally:
        client.close()
        servers.stop()
