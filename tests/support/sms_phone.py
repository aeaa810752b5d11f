"""A phone texting the assistant the way Twilio delivers SMS: signed form POSTs."""

import secrets
import xml.etree.ElementTree as ElementTree
from typing import Any, Dict, List, Optional

import requests
from twilio.request_validator import RequestValidator

SMS_PATH = "/webhooks/sms/webhook"


# A shuffled deck, not random draws: with hundreds of phones in one run, random
# numbers collide and one test would read another's conversation. Lines below
# 0200 are left for tests that text from a fixed number.
_UNUSED_LINES = secrets.SystemRandom().sample(range(200, 10000), 9800)


def random_number() -> str:
    """A made-up US number in the 202-555 exchange, never the same twice in a run."""
    return f"+1202555{_UNUSED_LINES.pop():04d}"


class Phone:
    """One phone number; `texts(body)` sends a signed SMS and returns the reply texts."""

    def __init__(self, assistant: Any, number: Optional[str] = None) -> None:
        self.url = assistant.base_url + SMS_PATH
        self.public_url = assistant.sms_webhook_url
        self.validator = RequestValidator(assistant.twilio_auth_token)
        self.number = number or random_number()
        self.session = requests.Session()

    def fields(self, body: str) -> Dict[str, str]:
        return {
            "MessageSid": "SM" + secrets.token_hex(16),
            "AccountSid": "AC" + "0" * 32,
            "From": self.number,
            "To": "+12025550100",
            "Body": body,
            "NumMedia": "0",
        }

    def signature(self, fields: Dict[str, str], url: Optional[str] = None) -> str:
        return str(self.validator.compute_signature(url or self.public_url, fields))

    def post(
        self, fields: Dict[str, str], signature: Optional[str] = None, **kwargs: Any
    ) -> requests.Response:
        """POSTs `fields` as Twilio does, signed unless `signature` is given ("" for none)."""
        headers = dict(kwargs.pop("headers", {}))
        signature = self.signature(fields) if signature is None else signature
        if signature:
            headers["X-Twilio-Signature"] = signature
        return self.session.post(self.url, data=fields, headers=headers, timeout=60, **kwargs)

    def texts(self, body: str) -> List[str]:
        response = self.post(self.fields(body))
        assert response.status_code == 200, (response.status_code, response.text)
        return twiml_texts(response)


def twiml_texts(response: requests.Response) -> List[str]:
    """The texts a TwiML answer makes Twilio send."""
    assert response.headers["Content-Type"].startswith("text/xml")
    root = ElementTree.fromstring(response.content)
    assert root.tag == "Response"
    return [message.text or "" for message in root.findall("Message")]
