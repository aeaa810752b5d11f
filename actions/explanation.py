"""The educational explanation at the end of the screening."""

from typing import Any, Dict, List, Mapping, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.answers import NO, NOT_SURE, UNCLEAR, YES
from storage.names import SMS_CHANNEL

DOSE_CHANGES = ("up", "down", "stopped", "restarted", YES)
EXPLAINED = "screening_explained"
SOMEONE_ELSE = ("he", "she", "they")


def explanation_blocks(answers: Mapping[str, Any]) -> List[str]:
    """The reviewed content blocks (responses) that fit these answers, in order."""
    opioids = answers.get("opioid_use") == YES
    benzos = answers.get("benzo_use") == YES
    # Unsure or unclear about a danger: the warning is given, not missed.
    heavy_drinking = answers.get("alcohol_heavy") in (YES, NOT_SURE, UNCLEAR)

    blocks = ["utter_explain_intro"]
    if answers.get("twitching") != NO:
        blocks.append("utter_explain_myoclonus")
    if "falling_asleep" in (answers.get("twitch_timing") or []):
        blocks.append("utter_explain_sleep_starts")
    if opioids:
        blocks.append("utter_explain_opioid_twitching")
    if answers.get("opioid_dose_change") in DOSE_CHANGES:
        blocks.append("utter_explain_dose_change")
    if opioids and (benzos or heavy_drinking):
        blocks.append("utter_explain_mixing")
    if answers.get("benzo_for_twitching") == YES:
        blocks.append("utter_explain_benzo_for_twitching")
    if benzos or heavy_drinking or answers.get("alcohol_stopped") == YES:
        blocks.append("utter_explain_stopping_suddenly")
    if answers.get("screening_for") in SOMEONE_ELSE:
        blocks.append("utter_explain_for_family")
    blocks += ["utter_explain_when_to_get_care", "utter_explain_closing"]
    return blocks


# SMS has room for one block beside the admissions number and the callback
# offer (3 texts a turn), so it gets the most important one: a danger first.
SMS_PRIORITY = [
    "utter_explain_mixing",
    "utter_explain_stopping_suddenly",
    "utter_explain_benzo_for_twitching",
    "utter_explain_dose_change",
    "utter_explain_opioid_twitching",
    "utter_explain_when_to_get_care",
]


def sms_explanation_blocks(answers: Mapping[str, Any]) -> List[str]:
    """The one block an SMS gets: the first of SMS_PRIORITY that applies."""
    blocks = explanation_blocks(answers)
    return [next(block for block in SMS_PRIORITY if block in blocks)]


class ActionExplainScreening(Action):
    """Sends the explanation chosen by the person's answers."""

    def name(self) -> Text:
        return "action_explain_screening"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: Dict[Text, Any],
    ) -> List[Dict[Text, Any]]:
        on_sms = tracker.get_latest_input_channel() == SMS_CHANNEL
        blocks = sms_explanation_blocks if on_sms else explanation_blocks
        for block in blocks(tracker.slots):
            dispatcher.utter_message(response=block)
        return [SlotSet(EXPLAINED, True)]
