"""What a person can do about their own data: learn what is kept, and delete it.

"Delete my data" is confirmed first (data/rules/privacy.yml). Then this action deletes
the conversation's callback requests and their notifications to admissions, and ends
with Restarted: the Rasa server's tracker store then deletes every stored event of the
conversation (addons/stores/tracker_store.py), this turn's included. What it says
names what was deleted, and what it could not delete (a notice already delivered to
admissions). On SMS the opt-out record is forgotten only when the person asked for it.
"""

import asyncio
import logging
import re
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, Restarted
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.exc import SQLAlchemyError

from actions.callback import sender_number
from storage import callbacks as store
from storage import opt_outs
from storage.names import DELETE_MY_DATA_ACTION, SMS_CHANNEL, SMS_SENDER_NUMBER_KEY
from storage.settings import retention_days

logger = logging.getLogger(__name__)

DELETE_INTENT = "delete_my_data"
# "delete my data and forget I opted out", "forget me and my opt out too".
ABOUT_THE_OPT_OUT = re.compile(r"\bopt(?:ed|ing)?[\s-]?out\b|\bstop (?:request|list)\b", re.I)


def retention() -> Dict[str, Any]:
    """The template value the privacy texts take: the retention setting."""
    return {"retention_days": retention_days()}


def intent_name(event: Dict[str, Any]) -> Optional[str]:
    """The intent a user event was read as."""
    return ((event.get("parse_data") or {}).get("intent") or {}).get("name")


def delete_request(tracker: Tracker) -> Optional[Dict[str, Any]]:
    """The person's latest "delete my data" message (before the yes that confirmed it)."""
    for event in reversed(tracker.events):
        if event.get("event") != "user":
            continue
        if intent_name(event) == DELETE_INTENT:
            return dict(event)
    return None


def asked_to_forget_opt_out(tracker: Tracker) -> bool:
    """On SMS, whether the request (or the yes) named the opt-out."""
    texts = [str(tracker.latest_message.get("text") or "")]
    request = delete_request(tracker)
    if request is not None:
        texts.append(str(request.get("text") or ""))
    return any(ABOUT_THE_OPT_OUT.search(text) for text in texts)


def texting_number(tracker: Tracker) -> Optional[str]:
    """The SMS sender's number, from the (encrypted) message metadata."""
    if tracker.get_latest_input_channel() != SMS_CHANNEL:
        return None
    metadata = tracker.latest_message.get("metadata") or {}
    return sender_number(metadata.get(SMS_SENDER_NUMBER_KEY))


class ActionTellDataKept(Action):
    """ "What do you keep about me?": the same facts as the callback consent."""

    def name(self) -> Text:
        return "action_tell_data_kept"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        dispatcher.utter_message(response="utter_data_kept", **retention())
        return []


class ActionAskCallbackConsent(Action):
    """Asks the callback consent, naming how long the request is kept."""

    def name(self) -> Text:
        return "action_ask_callback_consent"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        dispatcher.utter_message(response="utter_ask_callback_consent", **retention())
        return []


def interrupted_form(tracker: Tracker) -> Optional[str]:
    """The form that was open when the person asked to delete their data, if any."""
    asked = False
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            asked = asked or intent_name(event) == DELETE_INTENT
        elif asked and event.get("event") == "active_loop":
            return event.get("name") or None
    return None


class ActionKeepData(Action):
    """No to deleting: nothing is deleted, and the question that was open is asked again."""

    def name(self) -> Text:
        return "action_keep_data"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        form = interrupted_form(tracker)
        if form is None:
            dispatcher.utter_message(response="utter_data_not_deleted")
            return []
        dispatcher.utter_message(response="utter_data_not_deleted_go_on")
        return [FollowupAction(form)]


class ActionDeleteMyData(Action):
    """Deletes what this conversation stored, after the person confirmed it."""

    def name(self) -> Text:
        return DELETE_MY_DATA_ACTION

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        number = texting_number(tracker)
        forget_opt_out = number is not None and asked_to_forget_opt_out(tracker)
        try:
            erased = await asyncio.to_thread(store.delete_for_conversation, tracker.sender_id)
            forgot = forget_opt_out and await asyncio.to_thread(opt_outs.opt_in, str(number))
        except (SQLAlchemyError, OSError) as error:
            # The class only: database errors may quote values.
            logger.error("Delete my data failed: %s", type(error).__name__)
            dispatcher.utter_message(response="utter_data_delete_failed")
            return []
        logger.info(
            "Deleted on request: a conversation, %d callback request(s), %d notice(s) "
            "not yet sent.",
            erased.requests,
            erased.notices_pending,
        )
        self.say_what_was_deleted(dispatcher, erased, bool(forgot))
        # The tracker store deletes the conversation's events when it saves this.
        return [Restarted(), FollowupAction("action_listen")]

    @staticmethod
    def say_what_was_deleted(
        dispatcher: CollectingDispatcher, erased: store.Erased, forgot_opt_out: bool
    ) -> None:
        dispatcher.utter_message(response="utter_data_deleted")
        if erased.requests:
            dispatcher.utter_message(response="utter_data_deleted_callback")
        if erased.notices_sent:
            dispatcher.utter_message(response="utter_data_deleted_notice_sent")
        if forgot_opt_out:
            dispatcher.utter_message(response="utter_data_deleted_opt_out")
