"""Bot messages as SMS: GSM-7 text, at most 160 characters each, at most MAX_TEXTS a turn.

Buttons become a numbered line in the same text ("Reply 1 for Yes, 2 for No");
payloads are never shown. Responses have `channel: twilio` variants where the web
text is too long (domain/responses/).
"""

import unicodedata
from typing import Any, Dict, Iterable, List, Optional

from twilio.twiml.messaging_response import MessagingResponse

from addons.channels.texts import SMS_CHOICE, SMS_CHOICES, SMS_MORE_BY_PHONE, text
from storage.gsm7 import GSM_EXTENSION, MAX_TEXTS, SMS_LENGTH, gsm_length
from storage.names import SMS_CHANNEL

# GSM 03.38: the basic set, and the extension set (each costs 2 characters).
GSM_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_LOOKALIKES = {
    "\u2018": "'",
    "\u2019": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u2013": "-",
    "\u2014": "-",
    "\u2026": "...",
    "\u00a0": " ",
    "\t": " ",
}


def to_gsm7(text: str) -> str:
    """`text` with look-alikes replaced, letters whose accent GSM-7 lacks written
    without it ("días" -> "dias"; é, ñ and ü are GSM-7), anything else dropped.

    So a Spanish web text that has no SMS variant is sent with its accents on
    the web and without the missing ones by SMS, as the SMS variants are written.
    """
    return "".join(_gsm7_char(_LOOKALIKES.get(c, c)) for c in text)


def _gsm7_char(char: str) -> str:
    if all(c in GSM_BASIC or c in GSM_EXTENSION for c in char):
        return char
    base = unicodedata.normalize("NFD", char)[0]
    return base if base in GSM_BASIC else ""


async def choices_line(
    agent: Any, buttons: Iterable[Dict[str, Any]], language: Optional[str] = None
) -> str:
    choices = [
        await text(
            agent, SMS_CHOICE, SMS_CHANNEL, language, number=number, title=button.get("title", "")
        )
        for number, button in enumerate(buttons, start=1)
    ]
    if not choices:
        return ""
    return await text(agent, SMS_CHOICES, SMS_CHANNEL, language, choices=", ".join(choices))


async def rendered(agent: Any, message: Dict[str, Any], language: Optional[str] = None) -> str:
    """One bot message as SMS text: its text, then its choices on a new line."""
    choices = await choices_line(agent, message.get("buttons") or [], language)
    parts = [str(message.get("text") or "").strip(), choices]
    return to_gsm7("\n".join(part for part in parts if part))


def split_long(text: str) -> List[str]:
    """`text` cut at spaces into pieces of at most SMS_LENGTH characters."""
    pieces: List[str] = []
    current = ""
    for word in text.split(" "):
        while gsm_length(word) > SMS_LENGTH:  # no space to cut at
            cut = SMS_LENGTH
            while gsm_length(word[:cut]) > SMS_LENGTH:
                cut -= 1
            pieces += [current, word[:cut]]
            current, word = "", word[cut:]
        candidate = f"{current} {word}" if current else word
        if gsm_length(candidate) > SMS_LENGTH:
            pieces.append(current)
            candidate = word
        current = candidate
    pieces.append(current)
    return [piece.strip() for piece in pieces if piece.strip()]


def packed(pieces: Iterable[str]) -> List[str]:
    """Consecutive pieces joined into as few texts of SMS_LENGTH as fit."""
    texts: List[str] = []
    for piece in pieces:
        if texts and gsm_length(texts[-1]) + 1 + gsm_length(piece) <= SMS_LENGTH:
            texts[-1] += "\n" + piece
        else:
            texts.append(piece)
    return texts


async def sms_texts(
    agent: Any, messages: Iterable[Dict[str, Any]], language: Optional[str] = None
) -> List[str]:
    """The texts to send for one turn's bot messages (at most MAX_TEXTS), in the
    conversation's `language`.

    If a turn needs more, the first texts are kept (an emergency answer always
    comes first) and the last one points to the admissions line.
    """
    # Line by line, so that a choices line is never cut across two texts.
    pieces = [
        piece
        for message in messages
        for line in (await rendered(agent, message, language)).split("\n")
        for piece in split_long(line)
    ]
    texts = packed(pieces)
    if len(texts) > MAX_TEXTS:
        more = await text(agent, SMS_MORE_BY_PHONE, SMS_CHANNEL, language)
        texts = texts[: MAX_TEXTS - 1] + [to_gsm7(more)]
    return texts


def twiml(texts: Iterable[str]) -> str:
    """A TwiML answer that makes Twilio send `texts`."""
    answer = MessagingResponse()
    for sms in texts:
        answer.message(sms)
    return str(answer)
