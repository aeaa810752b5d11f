"""What the NLU needs to know about the conversation, passed in the message metadata.

The NLU reads one message, never the conversation. MessageProcessor.parse_message,
which has the conversation, adds to the message's metadata:

- `after_an_emergency`, once the conversation has had an emergency answer (the
  slot emergency_answer_shown): the latest emergency intent. "im getting really
  sleepy" alone can be tiredness, but from someone just told to call 911 after
  taking pills it is an overdose getting worse, and "nobody is here" then needs
  that answer again. CrisisBackstop then reads the signs listed under
  `after_an_emergency` in data/lexicon/crisis.yml.
- `after_a_stop`, once a message of the conversation told a stop (the NLU marked
  it `stop_told`: "desde ayer que deje la cheve"): "lo de ver cosas es lo q me
  esta pasando ahorita" is then withdrawal danger. CrisisBackstop reads the
  signs listed under `after_a_stop` in data/lexicon/crisis.yml.
- `conversation_language`, the `language` slot: LanguageDetector names a
  message's language only when it differs from the conversation's, so that
  the slot changes only when the person changes language.
- `offered_payloads`, the payloads of the buttons the bot's last turn offered: a
  button chosen sends its payload ("stopped or cut back lately" behind "Menos o
  ya no"), which says nothing about the person's language.
"""

from typing import Any, List, Optional

from rasa.core.channels.channel import UserMessage
from rasa.core.processor import MessageProcessor
from rasa.shared.core.events import BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from addons.nlu.crisis import AFTER_A_STOP, AFTER_AN_EMERGENCY, STOP_TOLD
from addons.nlu.faq import EMERGENCY_PREFIX
from addons.nlu.language import CONVERSATION_LANGUAGE, OFFERED_PAYLOADS
from storage.names import LANGUAGE_SLOT

EMERGENCY_SLOT = "emergency_answer_shown"

_rasa_parse_message = MessageProcessor.parse_message


def context(tracker: DialogueStateTracker) -> dict:
    """The metadata the conversation so far adds to its next message."""
    marks: dict = {}
    if tracker.get_slot(EMERGENCY_SLOT):
        marks[AFTER_AN_EMERGENCY] = latest_emergency(tracker) or True
    if told_a_stop(tracker):
        marks[AFTER_A_STOP] = True
    if tracker.get_slot(LANGUAGE_SLOT):
        marks[CONVERSATION_LANGUAGE] = tracker.get_slot(LANGUAGE_SLOT)
    offered = offered_payloads(tracker)
    if offered:
        marks[OFFERED_PAYLOADS] = offered
    return marks


def latest_emergency(tracker: DialogueStateTracker) -> Optional[str]:
    """The intent of the person's latest emergency message, if any."""
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            intent = str((event.intent or {}).get("name") or "")
            if intent.startswith(EMERGENCY_PREFIX):
                return intent
    return None


def told_a_stop(tracker: DialogueStateTracker) -> bool:
    return any(
        isinstance(event, UserUttered) and event.parse_data.get(STOP_TOLD)
        for event in tracker.events
    )


def offered_payloads(tracker: DialogueStateTracker) -> List[str]:
    """The payloads of the buttons in the bot's messages since the person last wrote."""
    payloads: List[str] = []
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            break
        if isinstance(event, BotUttered):
            buttons = event.data.get("buttons") or []
            payloads += [str(b["payload"]) for b in buttons if b.get("payload")]
    return payloads


async def parse_message(
    self: MessageProcessor,
    message: UserMessage,
    tracker: Optional[DialogueStateTracker] = None,
    only_output_properties: bool = True,
) -> Any:
    """Rasa's parse_message, with the conversation's context in the metadata."""
    if tracker is not None:
        message.metadata = {**(message.metadata or {}), **context(tracker)}
    return await _rasa_parse_message(self, message, tracker, only_output_properties)


def install() -> None:
    MessageProcessor.parse_message = parse_message
