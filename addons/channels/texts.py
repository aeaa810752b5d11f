"""What the channels say by themselves, rendered by Rasa's NLG from the domain.

The wording lives in domain/responses/channels.yml and the admissions number in
its slot, so a channel's text and the conversation's never disagree.
"""

from typing import Any, Dict, Optional

from rasa.shared.core.events import SlotSet
from rasa.shared.core.trackers import DialogueStateTracker

from storage.names import LANGUAGE_SLOT

UNREADABLE = "utter_channel_unreadable"
FAILED = "utter_channel_failed"
TOO_LONG = "utter_message_too_long"
SMS_OPTED_OUT = "utter_sms_opted_out"
SMS_OPTED_IN = "utter_sms_opted_in"
SMS_HELP = "utter_sms_help"
SMS_CHOICES = "utter_sms_choices"
SMS_CHOICE = "utter_sms_choice"
SMS_MORE_BY_PHONE = "utter_sms_more_by_phone"
CALL_ADMISSIONS_TITLE = "utter_call_admissions_title"


async def rendered(
    agent: Any, response: str, channel: str, language: Optional[str] = None, **values: Any
) -> Dict[str, Any]:
    """`response` as the bot would say it on `channel`, outside any conversation.

    The slots' initial values (the admissions number) and `values` fill it in,
    in the conversation's `language` when given; no conversation is read or changed.
    """
    blank = DialogueStateTracker.from_events("channel", [], slots=agent.domain.slots)
    if language:
        blank.update(SlotSet(LANGUAGE_SLOT, language))
    message = await agent.nlg.generate(response, blank, channel, **values)
    return dict(message or {})


async def text(
    agent: Any, response: str, channel: str, language: Optional[str] = None, **values: Any
) -> str:
    return str((await rendered(agent, response, channel, language, **values)).get("text") or "")
