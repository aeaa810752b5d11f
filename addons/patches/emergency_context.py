"""A danger sign told after an emergency answer is an emergency on its own.

"im getting really sleepy" or "cant keep my eyes open" alone can be tiredness;
from someone who was just told to call 911 after taking pills, it is an
overdose getting worse. The NLU sees one message and no conversation, so
MessageProcessor.parse_message, which has the conversation, marks the message
when the conversation has had an emergency answer (the slot
emergency_answer_shown). CrisisBackstop then reads the signs listed under
`after_an_emergency` in data/lexicon/crisis.yml.
"""

from typing import Any, Optional

from rasa.core.channels.channel import UserMessage
from rasa.core.processor import MessageProcessor
from rasa.shared.core.trackers import DialogueStateTracker

from addons.nlu.crisis import AFTER_AN_EMERGENCY

EMERGENCY_SLOT = "emergency_answer_shown"

_rasa_parse_message = MessageProcessor.parse_message


async def parse_message(
    self: MessageProcessor,
    message: UserMessage,
    tracker: Optional[DialogueStateTracker] = None,
    only_output_properties: bool = True,
) -> Any:
    """Rasa's parse_message, with the message marked after an emergency answer."""
    if tracker is not None and tracker.get_slot(EMERGENCY_SLOT):
        message.metadata = {**(message.metadata or {}), AFTER_AN_EMERGENCY: True}
    return await _rasa_parse_message(self, message, tracker, only_output_properties)


def install() -> None:
    MessageProcessor.parse_message = parse_message
