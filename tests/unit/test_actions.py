"""The screening form's answer reading, question choice and explanation."""

from pathlib import Path
from typing import Any, Dict, List, Optional

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.answers import NO, NOT_SURE, SKIPPED, UNCLEAR, YES
from actions.explanation import (
    ActionExplainScreening,
    explanation_blocks,
    sms_explanation_blocks,
)
from actions.questions import implied_answers, screening_questions
from actions.screening_form import ValidateScreeningForm
from tests.support.content import domain

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = domain()
FORM_SLOTS: List[str] = DOMAIN["forms"]["screening_form"]["required_slots"]


def entity(kind: str, value: str) -> Dict[str, Any]:
    return {"entity": kind, "value": value}


def tracker_after(
    text: str,
    intent: str,
    entities: Optional[List[Dict[str, Any]]] = None,
    slots: Optional[Dict[str, Any]] = None,
    candidates: Optional[Dict[str, Any]] = None,
) -> Tracker:
    """A tracker as the form sees it: slot candidates set after the message."""
    all_slots = {name: None for name in DOMAIN["slots"]}
    all_slots.update(slots or {})
    all_slots.update(candidates or {})
    events: List[Dict[str, Any]] = [
        {"event": "user", "text": text, "parse_data": {"intent": {"name": intent}}}
    ]
    events += [{"event": "slot", "name": k, "value": v} for k, v in (candidates or {}).items()]
    return Tracker(
        sender_id="test",
        slots=all_slots,
        latest_message={"text": text, "intent": {"name": intent}, "entities": entities or []},
        events=events,
        paused=False,
        followup_action=None,
        active_loop={"name": "screening_form"},
        latest_action_name="action_listen",
    )


async def validate(tracker: Tracker) -> tuple[Dict[str, Any], List[Optional[str]]]:
    """Runs the real validation action; returns the slots it set and what it said."""
    dispatcher = CollectingDispatcher()
    events = await ValidateScreeningForm().run(dispatcher, tracker, DOMAIN)
    slots = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    return slots, [m.get("response") for m in dispatcher.messages]


# --- Which questions are asked -------------------------------------------


def test_a_no_to_everything_asks_only_the_four_main_questions() -> None:
    answers = {"twitching": NO, "opioid_use": NO, "benzo_use": NO, "alcohol_heavy": NO}
    assert screening_questions(answers) == ["twitching", "opioid_use", "benzo_use", "alcohol_heavy"]


def test_a_yes_to_everything_asks_every_question_in_the_domain_order() -> None:
    answers = {"twitching": YES, "opioid_use": YES, "benzo_use": YES, "alcohol_heavy": YES}
    assert screening_questions(answers) == FORM_SLOTS


def test_benzo_follow_ups_depend_on_opioids_and_twitching() -> None:
    questions = screening_questions({"twitching": NO, "opioid_use": NO, "benzo_use": YES})
    assert "benzo_names" in questions
    assert "benzo_with_opioids" not in questions
    assert "benzo_for_twitching" not in questions


def test_not_sure_about_drinking_still_asks_about_stopping() -> None:
    assert "alcohol_stopped" in screening_questions({"alcohol_heavy": NOT_SURE})


def test_describing_twitching_and_a_drug_answers_their_yes_no_questions() -> None:
    implied = implied_answers({"twitch_location": ["legs"], "opioid_names": ["oxycodone"]})
    assert implied == {"twitching": YES, "opioid_use": YES}


def test_given_answers_are_never_overwritten_by_implied_ones() -> None:
    assert implied_answers({"twitching": NO, "twitch_location": ["legs"]}) == {}


# --- Reading answers through the real validation action ------------------


async def test_a_plain_yes_is_a_yes() -> None:
    slots, said = await validate(
        tracker_after(
            "yeah",
            "affirm",
            slots={"requested_slot": "twitching"},
            candidates={"twitching": "yeah"},
        )
    )
    assert slots["twitching"] == YES
    assert said == []


@pytest.mark.parametrize(
    "intent, expected", [("deny", NO), ("unsure", NOT_SURE), ("skip", SKIPPED)]
)
async def test_no_not_sure_and_skip_are_accepted(intent: str, expected: str) -> None:
    slots, _ = await validate(
        tracker_after(
            "x", intent, slots={"requested_slot": "benzo_use"}, candidates={"benzo_use": "x"}
        )
    )
    assert slots["benzo_use"] == expected


async def test_a_negative_answer_naming_the_drug_is_a_no() -> None:
    slots, _ = await validate(
        tracker_after(
            "never touched benzos",
            "deny",
            entities=[entity("benzodiazepine", "benzodiazepine")],
            slots={"requested_slot": "benzo_use"},
            candidates={"benzo_use": "never touched benzos"},
        )
    )
    assert slots["benzo_use"] == NO


async def test_naming_a_drug_answers_the_use_question_and_the_names() -> None:
    slots, _ = await validate(
        tracker_after(
            "percs mostly",
            "inform",
            entities=[entity("opioid", "oxycodone")],
            slots={"requested_slot": "opioid_use", "twitching": NO},
            candidates={"opioid_names": ["oxycodone"], "opioid_use": "percs mostly"},
        )
    )
    assert slots["opioid_use"] == YES
    assert slots["opioid_names"] == ["oxycodone"]
    assert slots["requested_slot"] == "opioid_prescribed"


async def test_an_unclear_answer_is_asked_again_once_with_help() -> None:
    slots, said = await validate(
        tracker_after(
            "purple",
            "inform",
            slots={"requested_slot": "twitching"},
            candidates={"twitching": "purple"},
        )
    )
    assert slots["twitching"] is None
    assert slots["retried_slot"] == "twitching"
    assert said == ["utter_help_twitching"]
    assert slots["requested_slot"] == "twitching"


async def test_a_second_unclear_answer_moves_on() -> None:
    slots, said = await validate(
        tracker_after(
            "purple again",
            "inform",
            slots={"requested_slot": "twitching", "retried_slot": "twitching"},
            candidates={"twitching": "purple again"},
        )
    )
    assert slots["twitching"] == UNCLEAR
    assert slots["retried_slot"] is None
    assert said == []
    assert slots["requested_slot"] == "opioid_use"


async def test_an_unclear_list_answer_is_recorded_as_a_list() -> None:
    slots, _ = await validate(
        tracker_after(
            "hmm",
            "inform",
            slots={
                "requested_slot": "twitch_location",
                "twitching": YES,
                "retried_slot": "twitch_location",
            },
            candidates={"twitch_location": ["hmm"]},
        )
    )
    assert slots["twitch_location"] == [UNCLEAR]


async def test_raw_text_is_never_kept_as_a_body_part() -> None:
    slots, said = await validate(
        tracker_after(
            "my elbowish area",
            "inform",
            slots={"requested_slot": "twitch_location", "twitching": YES},
            candidates={"twitch_location": ["my elbowish area"]},
        )
    )
    assert slots["twitch_location"] is None
    assert said == ["utter_help_twitch_location"]


async def test_information_given_before_the_screening_is_not_asked_again() -> None:
    # "my legs jerk at night since i started oxy", then "yes" to start.
    slots, _ = await validate(
        tracker_after(
            "yes",
            "affirm",
            slots={
                "twitch_location": ["legs"],
                "twitch_timing": ["falling_asleep"],
                "opioid_names": ["oxycodone"],
            },
        )
    )
    assert slots["twitching"] == YES
    assert slots["opioid_use"] == YES
    assert slots["requested_slot"] == "twitch_duration"


async def test_a_duration_in_free_text_is_kept_in_the_persons_words() -> None:
    slots, _ = await validate(
        tracker_after(
            "since about march",
            "inform",
            slots={"requested_slot": "twitch_duration", "twitching": YES},
            candidates={"twitch_duration": "since about march"},
        )
    )
    assert slots["twitch_duration"] == "since about march"


async def test_the_form_ends_when_every_question_for_this_person_is_answered() -> None:
    slots, _ = await validate(
        tracker_after(
            "no",
            "deny",
            slots={
                "requested_slot": "alcohol_heavy",
                "twitching": NO,
                "opioid_use": NO,
                "benzo_use": NO,
            },
            candidates={"alcohol_heavy": "no"},
        )
    )
    assert slots["alcohol_heavy"] == NO
    assert slots["requested_slot"] is None


# --- The explanation ------------------------------------------------------


def test_every_explanation_block_is_a_response_in_the_content() -> None:
    responses = domain()["responses"]
    everything = {
        "twitching": YES,
        "twitch_timing": ["falling_asleep"],
        "opioid_use": YES,
        "opioid_dose_change": YES,
        "benzo_use": YES,
        "benzo_for_twitching": YES,
        "alcohol_heavy": YES,
    }
    blocks = explanation_blocks(everything)
    assert len(blocks) == 10
    assert [b for b in blocks if b not in responses] == []


def test_opioids_with_benzos_get_the_breathing_warning() -> None:
    blocks = explanation_blocks({"opioid_use": YES, "benzo_use": YES})
    assert "utter_explain_mixing" in blocks
    assert "utter_explain_stopping_suddenly" in blocks


def test_no_substances_gets_no_substance_warnings() -> None:
    blocks = explanation_blocks(
        {"twitching": YES, "opioid_use": NO, "benzo_use": NO, "alcohol_heavy": NO}
    )
    assert blocks == [
        "utter_explain_intro",
        "utter_explain_myoclonus",
        "utter_explain_when_to_get_care",
        "utter_explain_closing",
    ]


def test_heavy_drinking_gets_the_stopping_suddenly_warning() -> None:
    assert "utter_explain_stopping_suddenly" in explanation_blocks({"alcohol_heavy": YES})


async def test_the_explanation_action_sends_the_chosen_blocks() -> None:
    tracker = tracker_after(
        "no", "deny", slots={"twitching": YES, "opioid_use": YES, "benzo_use": NO}
    )
    dispatcher = CollectingDispatcher()
    await ActionExplainScreening().run(dispatcher, tracker, DOMAIN)
    sent = [m["response"] for m in dispatcher.messages]
    assert sent == explanation_blocks(tracker.slots)
    assert "utter_explain_opioid_twitching" in sent


def test_an_sms_gets_the_most_important_block_only() -> None:
    everything = {"opioid_use": YES, "benzo_use": YES, "benzo_for_twitching": YES}
    assert sms_explanation_blocks(everything) == ["utter_explain_mixing"]
    assert sms_explanation_blocks({"alcohol_heavy": YES}) == ["utter_explain_stopping_suddenly"]
    assert sms_explanation_blocks({"opioid_use": NO, "benzo_use": NO}) == [
        "utter_explain_when_to_get_care"
    ]
