"""Someone in the web chat widget: socket.io events as rasa-webchat sends them."""

import threading
from typing import Any, Dict, List, Optional

import socketio

TURN_TIMEOUT = 120
CLOSE_TIMEOUT = 5


class WebchatUser:
    """One browser tab: session_request, then user_uttered; collects bot_uttered.

    Each message is sent with an acknowledgement, which the server sends after the
    whole turn: every bot message of the turn has arrived by then.
    """

    def __init__(self, base_url: str, origin: str, session_id: Optional[str] = None) -> None:
        self.client = socketio.SimpleClient()
        self.client.connect(
            base_url, headers={"Origin": origin}, transports=["polling"], wait_timeout=30
        )
        self.client.emit("session_request", {"session_id": session_id})
        event = self.client.receive(timeout=30)
        assert event[0] == "session_confirm", event
        self.session_id: str = event[1]

    def send(self, data: Any) -> List[Dict[str, Any]]:
        """Emits `data` as user_uttered; returns the bot's messages of that turn."""
        self.client.call("user_uttered", data, timeout=TURN_TIMEOUT)
        messages: List[Dict[str, Any]] = []
        while True:
            try:
                event = self.client.receive(timeout=0.05)
            except socketio.exceptions.TimeoutError:
                return messages
            if event[0] == "bot_uttered":
                messages.append(event[1])

    def say(self, text: str) -> List[Dict[str, Any]]:
        return self.send({"message": text, "customData": {}, "session_id": self.session_id})

    def texts(self, text: str) -> str:
        return "\n".join(m.get("text", "") for m in self.say(text))

    def close(self) -> None:
        # The client's disconnect waits for its pending long-poll request, which
        # can take as long as the server's ping interval: never hang a test on it.
        closer = threading.Thread(target=self.client.disconnect, daemon=True)
        closer.start()
        closer.join(timeout=CLOSE_TIMEOUT)
