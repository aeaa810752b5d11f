"""The web chat widget's channel: socket.io for rasa-webchat, limited to allowed origins.

Rasa's own socket.io channel with these differences:
- socket.io (and its HTTP long-polling) accepts only the origins in WEBCHAT_ORIGINS
  (comma-separated; default: the demo page, http://localhost:8080 and
  http://127.0.0.1:8080 with WEB_PORT's port), never "*";
- a typed "/payload" counts as a button only if the bot's last turn offered it
  (addons/channels/typed_text.py); other typed text is read as text;
- a malformed event or text (not an object, no session, not text, too long)
  gets a kind reply instead of an error, and changes no conversation;
- a socket writes only to the conversation it was confirmed in session_request
  (Rasa's channel trusts the session_id of every message, so any socket could
  write into any conversation), and only ids this server could have made are
  taken back from the widget after a reload;
- bot messages go out through WebchatOutput: the admissions number, helplines,
  911 and 988 as tel:/sms: links (addons/channels/webchat_links.py), and a
  "Call admissions" button under utter_admissions_contact (after the explanation,
  and whenever the number is asked for).

credentials.yml: addons.channels.webchat.WebchatInput with session_persistence: true
and metadata_key: customData (what rasa-webchat sends).
"""

import logging
import os
import re
import uuid
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.core.channels.socketio import SocketBlueprint, SocketIOInput, SocketIOOutput
from rasa.shared.core.events import UserUttered
from sanic import Blueprint, Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse
from socketio import AsyncServer

from addons.channels import texts as wording
from addons.channels import typed_text
from addons.channels.webchat_links import admissions_phone, call_button, linked
from storage.names import LANGUAGE_SLOT

logger = logging.getLogger(__name__)

DEFAULT_WEB_PORT = 8080
# What uuid4().hex makes: the only session ids the widget ever gets from us.
SESSION_ID = re.compile(r"[0-9a-f]{32}")
# The response that gives the admissions number: it gets the "Call admissions" button.
CALL_BUTTON_UNDER = "utter_admissions_contact"
# tel: and sms: links open the phone's dialer from the page itself; rasa-webchat's
# default target (_blank) would leave an empty tab behind.
LINK_METADATA = {"linkTarget": "_self"}
# customData.language: the page's language ("en", "es").
PAGE_LANGUAGE = "language"


def allowed_origins() -> List[str]:
    """WEBCHAT_ORIGINS, or the demo page's own origins."""
    configured = os.environ.get("WEBCHAT_ORIGINS", "")
    origins = [origin.strip().rstrip("/") for origin in configured.split(",") if origin.strip()]
    if origins:
        return origins
    port = os.environ.get("WEB_PORT") or DEFAULT_WEB_PORT
    return [f"http://localhost:{port}", f"http://127.0.0.1:{port}"]


class _AppBlueprint(SocketBlueprint):
    """Remembers the Sanic app, to read conversations through its agent."""

    def register(self, app: Sanic, options: Dict[Text, Any]) -> None:
        self.ctx.app = app
        super().register(app, options)

    def agent(self) -> Any:
        app = getattr(self.ctx, "app", None)
        return getattr(app.ctx, "agent", None) if app is not None else None


def page_metadata(custom_data: Any, tracker: Optional[Any]) -> Optional[Dict[str, Any]]:
    """The widget's customData; its `language` only until the person has written.

    The page's language starts the conversation; after that the person's own
    words decide it (addons/nlu/language.py), not the page on every message.
    """
    if not isinstance(custom_data, dict):
        return None
    started = tracker is not None and any(isinstance(e, UserUttered) for e in tracker.events)
    if started:
        return {key: value for key, value in custom_data.items() if key != PAGE_LANGUAGE}
    return custom_data


def _valid_session_id(value: Any) -> bool:
    return isinstance(value, str) and SESSION_ID.fullmatch(value) is not None


class WebchatOutput(SocketIOOutput):
    """Rasa's socket.io output with tap-to-call links and the "Call admissions" button."""

    def __init__(
        self, sio: AsyncServer, bot_message_evt: Text, admissions: str, agent: Any = None
    ) -> None:
        super().__init__(sio, bot_message_evt)
        self.admissions = admissions
        self.agent = agent

    async def _send_message(self, socket_id: Text, response: Any) -> None:
        if isinstance(response, dict) and isinstance(response.get("text"), str):
            response = {**response, "text": linked(response["text"], self.admissions)}
            response["metadata"] = LINK_METADATA
        await super()._send_message(socket_id, response)

    async def send_response(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        button = await self._call_button_for(recipient_id, message)
        if button is None:
            await super().send_response(recipient_id, message)
            return
        # As rasa-webchat "buttons", not quick replies: a link that stays on screen.
        *first, last = str(message["text"]).strip().split("\n\n")
        for part in first:
            await self._send_message(recipient_id, {"text": part})
        await self._send_message(recipient_id, {"text": last, "buttons": [button]})

    async def _call_button_for(
        self, recipient_id: Text, message: Dict[Text, Any]
    ) -> Optional[Dict[str, str]]:
        if message.get("utter_action") != CALL_BUTTON_UNDER or not message.get("text"):
            return None
        if message.get("buttons") or message.get("quick_replies"):
            return None  # its own buttons come first; never both
        title = await self._button_title(recipient_id)
        return call_button(self.admissions, title) if title else None

    async def _button_title(self, recipient_id: Text) -> str:
        """The button's title in the conversation's language (as saved at the last turn)."""
        if self.agent is None:
            return ""
        tracker = await self.agent.tracker_store.retrieve(recipient_id)
        language = tracker.get_slot(LANGUAGE_SLOT) if tracker else None
        return await wording.text(self.agent, wording.CALL_ADMISSIONS_TITLE, "socketio", language)


class WebchatInput(SocketIOInput):
    """socket.io for the rasa-webchat widget (see the module docstring)."""

    def get_output_channel(self) -> Optional[OutputChannel]:
        """For messages Rasa sends outside a turn (reminders, the HTTP API)."""
        blueprint = getattr(self, "_blueprint", None)
        if self.sio is None or blueprint is None:
            return super().get_output_channel()
        return self._output(blueprint)

    def _output(self, webchat: _AppBlueprint) -> WebchatOutput:
        agent = webchat.agent()
        admissions = admissions_phone(agent.domain) if agent is not None else ""
        return WebchatOutput(self.sio, self.bot_message_evt, admissions, agent)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        sio = AsyncServer(async_mode="sanic", cors_allowed_origins=allowed_origins())
        webchat = _AppBlueprint(sio, self.socketio_path, "socketio_webhook", __name__)
        self.sio = sio
        self._blueprint = webchat  # for get_output_channel
        # python-socketio 5.18's enter_room is a coroutine: Rasa's own channel
        # calls it without await, so its session rooms are never joined.

        @webchat.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @sio.on("session_request", namespace=self.namespace)
        async def session_request(sid: Text, data: Any = None, *_: Any) -> None:
            session_id = data.get("session_id") if isinstance(data, dict) else None
            if not _valid_session_id(session_id):
                session_id = uuid.uuid4().hex
            if self.session_persistence:
                await sio.enter_room(sid, session_id, namespace=self.namespace)
            await sio.save_session(sid, {"session_id": session_id}, namespace=self.namespace)
            await sio.emit("session_confirm", session_id, room=sid, namespace=self.namespace)

        @sio.on(self.user_message_evt, namespace=self.namespace)
        async def handle_message(sid: Text, data: Any = None, *_: Any) -> None:
            async def say(response: str) -> None:
                agent = webchat.agent()
                text = await wording.text(agent, response, self.name()) if agent else ""
                await self._output(webchat).send_text_message(sid, text)

            sender_id = await self._sender_id(sio, sid)
            text = data.get("message") if isinstance(data, dict) else None
            if sender_id is None or not isinstance(text, str):
                await say(wording.UNREADABLE)
                return
            text = typed_text.clean(text)
            if not text:
                await say(wording.UNREADABLE)
                return
            if typed_text.too_long(text):
                await say(wording.TOO_LONG)
                return
            try:
                await self._converse(webchat, sender_id, text, data, on_new_message)
            except Exception as error:  # the person must still hear where to get help
                logger.error("A web chat turn failed (%s).", type(error).__name__)
                await say(wording.FAILED)

        return webchat

    async def _sender_id(self, sio: AsyncServer, sid: Text) -> Optional[str]:
        """The conversation id: the session confirmed to this socket (kept across reloads)."""
        if not self.session_persistence:
            return sid
        session = await sio.get_session(sid, namespace=self.namespace)
        session_id = session.get("session_id")
        return session_id if isinstance(session_id, str) else None

    async def _converse(
        self,
        webchat: _AppBlueprint,
        sender_id: str,
        text: str,
        data: Dict[str, Any],
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
    ) -> None:
        agent = webchat.agent()
        tracker = await agent.tracker_store.retrieve(sender_id) if agent else None
        message = UserMessage(
            typed_text.resolved(text, typed_text.offered_buttons(tracker)),
            self._output(webchat),
            sender_id,
            input_channel=self.name(),
            metadata=page_metadata(data.get(self.metadata_key), tracker),
        )
        await on_new_message(message)
