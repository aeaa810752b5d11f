"""SMS through Twilio: POST /webhooks/sms/webhook (Twilio's "A message comes in").

Every request must carry a valid X-Twilio-Signature, checked with Twilio's
RequestValidator against TWILIO_AUTH_TOKEN and SMS_WEBHOOK_URL (the public URL
Twilio calls). Without both set, every request is refused (403): nothing is ever
accepted unsigned. The bot's answer goes back as TwiML in the webhook response,
so the server never waits on Twilio's API and needs no outbound network.

Environment: TWILIO_AUTH_TOKEN, SMS_WEBHOOK_URL (read when the server starts).
"""

import asyncio
import logging
import os
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text
from urllib.parse import parse_qs

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from twilio.request_validator import RequestValidator

from addons.channels import texts as wording
from addons.channels import typed_text
from addons.channels.sms_text import sms_texts, to_gsm7, twiml
from storage import crypto
from storage import opt_outs as opt_out
from storage.names import LANGUAGE_SLOT, SMS_CHANNEL, SMS_SENDER_NUMBER_KEY

logger = logging.getLogger(__name__)

FORM_TYPE = "application/x-www-form-urlencoded"


class SmsOutput(CollectingOutputChannel):
    """Collects one turn's bot messages; named `twilio` so SMS variants are used."""

    @classmethod
    def name(cls) -> Text:
        return SMS_CHANNEL


def conversation_id(phone_number: str, secret: Optional[bytes] = None) -> str:
    """The conversation id for a number: keyed (SENDER_ID_SECRET, storage/crypto.py), so
    that the number stays out of trackers and logs and cannot be found by trying them all."""
    return "sms-" + crypto.keyed_id(phone_number, secret)


async def conversation_language(agent: Any, sender_id: str) -> Optional[str]:
    """The conversation's language (the slot), for the texts the channel adds: choices, keywords."""
    tracker = await agent.tracker_store.retrieve(sender_id)
    return tracker.get_slot(LANGUAGE_SLOT) if tracker else None


def _answer(texts: List[str]) -> HTTPResponse:
    return response.text(twiml(texts), content_type="text/xml; charset=utf-8")


def _refused(status: int, reason: str) -> HTTPResponse:
    return response.text(reason, status=status)


class SmsInput(InputChannel):
    """The Twilio SMS webhook, with signature checks, opt-out and TwiML replies."""

    @classmethod
    def name(cls) -> Text:
        return SMS_CHANNEL

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        return cls(os.environ.get("TWILIO_AUTH_TOKEN"), os.environ.get("SMS_WEBHOOK_URL"))

    def __init__(self, auth_token: Optional[str], webhook_url: Optional[str]) -> None:
        self.validator = RequestValidator(auth_token) if auth_token else None
        self.webhook_url = webhook_url or None
        if self.validator is None or self.webhook_url is None:
            logger.warning(
                "SMS is off: TWILIO_AUTH_TOKEN and SMS_WEBHOOK_URL are not both set, "
                "so every SMS webhook request is refused."
            )

    def signed(self, params: "FormParams", signature: str) -> bool:
        if self.validator is None or self.webhook_url is None or not signature:
            return False
        return bool(self.validator.validate(self.webhook_url, params, signature))

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        sms_webhook = Blueprint("sms_webhook", __name__)

        @sms_webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @sms_webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            params = _form(request)
            signature = request.headers.get("X-Twilio-Signature", "")
            if not self.signed(params if params is not None else FormParams(), signature):
                return _refused(403, "Missing or invalid X-Twilio-Signature.")
            if params is None:
                return _refused(400, f"Expected a UTF-8 {FORM_TYPE} body, as Twilio sends.")
            sender = (params.get("From") or [""])[0].strip()
            if not sender:
                return _refused(400, "The From field is missing.")
            texts = await self.reply(params.get("Body", [""])[0], sender, request, on_new_message)
            return _answer(texts)

        return sms_webhook

    async def reply(
        self,
        body: str,
        sender: str,
        request: Request,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
    ) -> List[str]:
        """The texts to answer one incoming SMS with (none for an opted-out number)."""
        agent = request.app.ctx.agent

        async def said(response: str, language: Optional[str] = None) -> List[str]:
            language = language or await conversation_language(agent, conversation_id(sender))
            return [to_gsm7(await wording.text(agent, response, SMS_CHANNEL, language))]

        text = typed_text.clean(body)
        if opt_out.is_stop_request(text):
            first_time = await asyncio.to_thread(opt_out.opt_out, sender)
            return await said(wording.SMS_OPTED_OUT) if first_time else []
        if await asyncio.to_thread(opt_out.is_opted_out, sender):
            if not opt_out.is_start_request(text):
                return []
            await asyncio.to_thread(opt_out.opt_in, sender)
            return await said(wording.SMS_OPTED_IN)
        if opt_out.is_help_request(text):
            return await said(wording.SMS_HELP, opt_out.keyword_language(text))
        if not text:
            return await said(wording.UNREADABLE)
        if typed_text.too_long(text):
            return await said(wording.TOO_LONG)
        try:
            return await self.converse(text, sender, request, on_new_message)
        except Exception as error:  # the person must still hear where to get help
            logger.error("An SMS turn failed (%s); the apology was sent.", type(error).__name__)
            return await said(wording.FAILED)

    async def converse(
        self,
        text: str,
        sender: str,
        request: Request,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
    ) -> List[str]:
        sender_id = conversation_id(sender)
        agent = request.app.ctx.agent
        buttons = typed_text.offered_buttons(await agent.tracker_store.retrieve(sender_id))
        collector = SmsOutput()
        message = UserMessage(
            typed_text.resolved(text, buttons, by_words=True),
            collector,
            sender_id,
            input_channel=self.name(),
            # For a callback request: "Call you at this number?" (encrypted: it is kept
            # with the conversation; never logged).
            metadata={SMS_SENDER_NUMBER_KEY: crypto.encrypt(sender)},
        )
        await on_new_message(message)
        language = await conversation_language(agent, sender_id)
        return await sms_texts(agent, collector.messages, language)


class FormParams(Dict[str, List[str]]):
    """Form fields with all their values, as RequestValidator reads a MultiDict."""

    def getall(self, name: str) -> List[str]:
        return self[name]


def _form(request: Request) -> Optional[FormParams]:
    """The urlencoded form (blank values kept, as Twilio signs them); None if unreadable."""
    content_type = (request.headers.get("content-type") or "").split(";")[0].strip().lower()
    if content_type != FORM_TYPE:
        return None
    try:
        return FormParams(parse_qs(request.body.decode("utf-8"), keep_blank_values=True))
    except (UnicodeDecodeError, ValueError):
        return None
