"""The REST channel, strict about its input: credentials.yml `addons.channels.rest.GuardedRestInput`.

Same URL and protocol as Rasa's RestInput (its name() is "rest"):
POST /webhooks/rest/webhook {"sender": "<conversation id>", "message": "<text>"}
answers with the list of bot messages (?stream=true streams them, as rasa shell uses).

What it adds:
- A malformed request gets a 4xx with a clear message instead of a 5xx or
  Rasa's "default" conversation: the body must be a UTF-8 JSON object with a
  non-empty string "sender" and a non-empty string "message".
- Control characters and unpaired surrogates are removed from the text.
- A message longer than addons.channels.typed_text.MAX_TEXT_LENGTH is not processed: the reply is
  utter_message_too_long (which repeats the emergency numbers).
- GET /webhooks/rest/health reports whether the conversations database is
  reachable (200, or 503 when Rasa would lose conversations).
"""

import asyncio
import json
import logging
from typing import Any, Awaitable, Callable, Dict, List, Optional, Tuple, Union

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from rasa.utils.endpoints import bool_arg
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse, ResponseStream

from addons.channels import texts as wording
from addons.channels.typed_text import clean, too_long

logger = logging.getLogger(__name__)


MAX_SENDER_CHARS = 128
HEALTH_TIMEOUT_SECONDS = 5.0
REQUEST_SHAPE = 'Send a JSON object: {"sender": "<conversation id>", "message": "<text>"}.'


class BadRequest(Exception):
    """A request this channel refuses, with the status and message to answer."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def parse_body(request: Request) -> Dict[str, Any]:
    """The request's JSON object, or BadRequest."""
    content_type = (request.content_type or "").split(";")[0].strip().lower()
    try:
        body = json.loads(request.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        if content_type and "json" not in content_type and content_type != "text/plain":
            raise BadRequest(
                f"Unsupported content type {content_type!r}. {REQUEST_SHAPE}", status=415
            ) from None
        raise BadRequest(f"The body is not valid UTF-8 JSON. {REQUEST_SHAPE}") from None
    if not isinstance(body, dict):
        raise BadRequest(f"The body is not a JSON object. {REQUEST_SHAPE}")
    return body


def read_message(body: Dict[str, Any]) -> Tuple[str, str]:
    """(sender, text) from the body, or BadRequest."""
    sender = body.get("sender")
    if not isinstance(sender, str) or not sender.strip():
        raise BadRequest(f'"sender" is missing or empty. {REQUEST_SHAPE}')
    if len(sender) > MAX_SENDER_CHARS or clean(sender) != sender:
        raise BadRequest(
            f'"sender" must be at most {MAX_SENDER_CHARS} characters, without control characters.'
        )
    text = body.get("message")
    if not isinstance(text, str):
        raise BadRequest(f'"message" is missing or not a string. {REQUEST_SHAPE}')
    text = clean(text)
    if not text:
        raise BadRequest('"message" is empty.')
    return sender, text


def read_options(body: Dict[str, Any], channel_name: str) -> Tuple[str, Optional[Dict[str, Any]]]:
    """(input channel name, metadata) from the body, or BadRequest."""
    input_channel = body.get("input_channel") or channel_name
    metadata = body.get("metadata")
    if not isinstance(input_channel, str) or len(input_channel) > 32:
        raise BadRequest('"input_channel" must be a short string.')
    if metadata is not None and not isinstance(metadata, dict):
        raise BadRequest('"metadata" must be a JSON object.')
    return input_channel, metadata


async def too_long_reply(request: Request, sender: str) -> List[Dict[str, Any]]:
    """utter_message_too_long for `sender`, from the domain, without touching the conversation."""
    agent = request.app.ctx.agent
    message = await wording.rendered(agent, wording.TOO_LONG, CollectingOutputChannel.name())
    return [{"recipient_id": sender, **message}]


def tracker_store_reachable(request: Request) -> Optional[bool]:
    """None if the tracker store cannot tell (e.g. in memory)."""
    store = request.app.ctx.agent.tracker_store
    primary = getattr(store, "_tracker_store", store)  # FailSafeTrackerStore wraps it
    reachable = getattr(primary, "reachable", None)
    return bool(reachable()) if callable(reachable) else None


class GuardedRestInput(RestInput):
    """RestInput with request checks, a length limit and a health check (module docstring)."""

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[None]]) -> Blueprint:
        webhook = Blueprint(f"custom_webhook_{type(self).__name__}", __name__)

        @webhook.route("/", methods=["GET"])
        async def alive(_request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/health", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            loop = asyncio.get_running_loop()
            check = loop.run_in_executor(None, tracker_store_reachable, request)
            try:
                reachable = await asyncio.wait_for(check, HEALTH_TIMEOUT_SECONDS)
            except asyncio.TimeoutError:
                reachable = False
            if reachable is False:
                return response.json(
                    {"status": "degraded", "tracker_store": "unreachable"}, status=503
                )
            return response.json(
                {"status": "ok", "tracker_store": "ok" if reachable else "not checked"}
            )

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> Union[ResponseStream, HTTPResponse]:
            try:
                body = parse_body(request)
                sender, text = read_message(body)
                input_channel, metadata = read_options(body, self.name())
            except BadRequest as refused:
                return response.json({"error": refused.message}, status=refused.status)
            if too_long(text):
                return response.json(await too_long_reply(request, sender))
            if bool_arg(request, "stream", default=False):
                return response.stream(
                    self.stream_response(on_new_message, text, sender, input_channel, metadata),
                    content_type="text/event-stream",
                )
            collector = CollectingOutputChannel()
            try:
                await on_new_message(
                    UserMessage(
                        text, collector, sender, input_channel=input_channel, metadata=metadata
                    )
                )
            except Exception:
                # Rasa's own handler logs the message text here; this one does not.
                logger.exception("Handling a REST message failed.")
            return response.json(collector.messages)

        return webhook
