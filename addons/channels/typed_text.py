"""What both channels do with a person's text before Rasa reads it.

Rasa reads a message that starts with "/" as an intent with entities
("/inform{...}"), which would let anyone set slots or skip questions. A button
sends its payload as text, so a "/" message is taken as a payload only when it is
exactly the payload of a button in the bot's last turn; any other is neutralised
into ordinary text. SMS replies "1", "yes", "Legs"... are mapped to the offered
buttons the same way.
"""

import re
from typing import Any, Dict, List, Optional

from rasa.shared.core.events import BotUttered, UserUttered

# Longer messages are refused: nobody types more, and the NLU would be slow.
MAX_TEXT_LENGTH = 2000

_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_PAYLOAD_PREFIX = re.compile(r"^[\s/]+")
_YES = {"yes", "y", "yeah", "yep", "yup", "ok", "okay", "sure", "si", "sí", "claro"}
_NO = {"no", "n", "nope", "nah"}
AFFIRM = "/affirm"
DENY = "/deny"

Button = Dict[str, Any]


def clean(text: str) -> str:
    """`text` without control characters or broken surrogates, trimmed."""
    return _CONTROL_CHARACTERS.sub("", text).strip()


def too_long(text: str) -> bool:
    return len(text) > MAX_TEXT_LENGTH


def offered_buttons(tracker: Optional[Any]) -> List[Button]:
    """The buttons of the bot's messages since the person's last message."""
    if tracker is None:
        return []
    buttons: List[Button] = []
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            break
        if isinstance(event, BotUttered):
            buttons = list(event.data.get("buttons") or []) + buttons
    return [b for b in buttons if isinstance(b.get("payload"), str)]


def neutralised(text: str) -> str:
    """`text` with leading slashes removed, so Rasa reads it as words."""
    return _PAYLOAD_PREFIX.sub("", text)


def chosen_by_words(text: str, buttons: List[Button]) -> Optional[str]:
    """The payload for an SMS reply: its number, its title, or yes/no."""
    word = text.strip().strip(".!").strip().lower()
    if word.isdigit() and 1 <= int(word) <= len(buttons):
        return str(buttons[int(word) - 1]["payload"])
    for button in buttons:
        if str(button.get("title", "")).strip().lower() == word:
            return str(button["payload"])
    wanted = AFFIRM if word in _YES else DENY if word in _NO else None
    for button in buttons:
        if wanted is not None and button["payload"] == wanted:
            return wanted
    return None


def resolved(text: str, buttons: List[Button], by_words: bool = False) -> str:
    """What Rasa should read: an offered button's payload, or plain text.

    `by_words`: also map numbers, titles and yes/no to the buttons (SMS).
    """
    if text.strip() in {b["payload"] for b in buttons}:
        return text.strip()
    if by_words:
        payload = chosen_by_words(text, buttons)
        if payload is not None:
            return payload
    return neutralised(text)
