"""The callback request: reading the answers, the SMS number, storing honestly, privacy."""

import logging
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.callback import (
    ActionAskCallbackPhone,
    ActionCancelCallback,
    ActionSubmitCallback,
    ValidateCallbackForm,
    as_offered,
    contact_details,
    e164,
    name_answer,
    time_answer,
)
from storage import callbacks as store
from tests.support.content import domain

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = domain()
SMS_SENDER = "+16175550142"
CONSENTED = {"callback_consent": "yes"}


@pytest.fixture(autouse=True)
def database_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'assistant.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.delenv("CALLBACK_REGION", raising=False)
    return url


def tracker(
    text: str = "",
    intent: str = "contact_details",
    slots: Optional[Dict[str, Any]] = None,
    candidates: Optional[Dict[str, Any]] = None,
    channel: str = "rest",
    sender: str = "web-visitor",
    entities: Optional[List[Dict[str, Any]]] = None,
    asks: int = 1,
) -> Tracker:
    """The tracker the action server gets after `text`, as the form reads it:
    the question asked `asks` times, the message, its slot candidates."""
    all_slots: Dict[str, Any] = {name: None for name in DOMAIN["slots"]}
    all_slots.update(slots or {})
    all_slots.update(candidates or {})
    parse_data: Dict[str, Any] = {"intent": {"name": intent}, "entities": entities or []}
    if channel == "sms":  # the SMS channel passes the sender's number along
        parse_data["metadata"] = {"sms_sender_number": sender}
    question = all_slots.get("requested_slot")
    ask = {"event": "bot", "metadata": {"utter_action": f"utter_ask_{question}"}}
    events: List[Dict[str, Any]] = [ask] * asks if question else []
    events += [
        {"event": "action", "name": "action_listen"},
        {"event": "user", "text": text, "parse_data": parse_data, "input_channel": channel},
        {"event": "action", "name": "action_extract_slots"},
    ]
    events += [{"event": "slot", "name": k, "value": v} for k, v in (candidates or {}).items()]
    events += [{"event": "action", "name": "callback_form"}]
    return Tracker(
        sender_id=sender,
        slots=all_slots,
        latest_message={"text": text, **parse_data},
        events=events,
        paused=False,
        followup_action=None,
        active_loop={"name": "callback_form"},
        latest_action_name="callback_form",
    )


async def validate(t: Tracker) -> Tuple[Dict[str, Any], List[Optional[str]]]:
    dispatcher = CollectingDispatcher()
    events = await ValidateCallbackForm().run(dispatcher, t, DOMAIN)
    slots = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    return slots, [m.get("response") for m in dispatcher.messages]


async def next_question(t: Tracker, found: Dict[str, Any]) -> Optional[str]:
    """The question the form asks next, after the slots the validation set."""
    if "requested_slot" in found:  # the validation decided
        return found["requested_slot"]
    slots = {**t.slots, **found}
    after = tracker(slots=slots)
    required = await ValidateCallbackForm().required_slots(
        [], CollectingDispatcher(), after, DOMAIN
    )
    return next((s for s in required if slots.get(s) is None), None)


async def submit(t: Tracker) -> Tuple[Dict[str, Any], List[Optional[str]]]:
    dispatcher = CollectingDispatcher()
    events = await ActionSubmitCallback().run(dispatcher, t, DOMAIN)
    slots = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    return slots, [m.get("response") for m in dispatcher.messages]


# --- Phone numbers -------------------------------------------------------


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("617-555-0123", "+16175550123"),
        ("(617) 555 0123", "+16175550123"),
        ("my number is 617.555.0123", "+16175550123"),
        ("+44 20 7946 0958", "+442079460958"),
        # A country code typed without its "+": Mexico, El Salvador.
        ("mi numero es 52 55 1234 5678", "+525512345678"),
        ("503 7123 4567", "+50371234567"),
        ("555-1234", None),
        ("12", None),
        ("tomorrow", None),
        ("", None),
    ],
)
def test_numbers_are_checked_and_kept_in_e164(typed: str, expected: Optional[str]) -> None:
    assert e164(typed) == expected


def test_the_region_for_numbers_without_country_code_is_configurable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert e164("020 7946 0958") is None
    monkeypatch.setenv("CALLBACK_REGION", "GB")
    assert e164("020 7946 0958") == "+442079460958"


# --- Consent, name, time -------------------------------------------------


async def test_consent_yes_asks_for_the_details() -> None:
    t = tracker(
        "yes",
        "affirm",
        slots={"requested_slot": "callback_consent"},
        candidates={"callback_consent": "yes"},
    )
    slots, said = await validate(t)
    assert slots["callback_consent"] == "yes"
    assert await next_question(t, slots) == "callback_name"


async def test_consent_no_ends_the_form_without_asking_anything_else() -> None:
    t = tracker(
        "no",
        "deny",
        slots={"requested_slot": "callback_consent"},
        candidates={"callback_consent": "no"},
    )
    slots, said = await validate(t)
    assert slots["callback_consent"] == "no"
    assert await next_question(t, slots) is None


@pytest.mark.parametrize(
    "text", ["313-555-0142", "its Dana 313 555 0142", "my name is Dana, call 313-555-0142"]
)
async def test_details_given_to_the_consent_question_are_consent_and_kept(text: str) -> None:
    t = tracker(text, "contact_details", slots={"requested_slot": "callback_consent"})
    slots, _ = await validate(t)
    assert slots["callback_consent"] == "yes"
    assert slots["callback_phone"] == "+13135550142"


async def test_a_no_with_a_number_is_no_consent() -> None:
    t = tracker("no dont call 313-555-0142", "deny", slots={"requested_slot": "callback_consent"})
    slots, _ = await validate(t)
    assert slots["callback_consent"] in ("no", "cancelled")
    assert slots.get("callback_phone") is None


async def test_not_sure_is_not_consent() -> None:
    t = tracker(
        "not sure",
        "unsure",
        slots={"requested_slot": "callback_consent"},
        candidates={"callback_consent": "not sure"},
    )
    slots, _ = await validate(t)
    assert slots["callback_consent"] == "no"


@pytest.mark.parametrize(
    "typed, intent, expected",
    [
        ("Sam", "contact_details", "Sam"),
        ("my name is Tasha", "contact_details", "Tasha"),
        ("J.D.", "contact_details", "J.D"),
        ("/skip", "skip", "prefer not to say"),
        ("Quintessa", "skip", "Quintessa"),  # an unusual name is not a refusal
        ("Nope", "deny", "prefer not to say"),
        ("no gracias", "deny", "prefer not to say"),
        ("i'd rather keep that private", "skip", "prefer not to say"),
        ("i'd rather not say", "contact_details", "prefer not to say"),
        # The rest of the details in the same message are not part of the name.
        ("Tom, 571 555 0143, evenings", "contact_details", "Tom"),
        ("Gloria. tomorrow around noon", "inform", "Gloria"),
    ],
)
def test_a_first_name_initials_or_prefer_not_to_say(typed: str, intent: str, expected: str) -> None:
    assert name_answer(typed, intent) == expected


@pytest.mark.parametrize(
    "typed, told",
    [
        ("yes, call me back please. I'm Linda, 703-555-0199, any time today",
         {"callback_name": "Linda", "callback_phone": "+17035550199",
          "callback_time": "any time today"}),
        ("ok yes call me back. evenings. 571 555 0143, name is Tom",
         {"callback_name": "Tom", "callback_phone": "+15715550143", "callback_time": "evenings"}),
        ("Yes call me tonight after 7 at 617 555 0123",
         {"callback_phone": "+16175550123", "callback_time": "tonight after 7"}),
        ("can you call me at 2pm", {"callback_time": "2pm"}),
        ("im jerking awake every night. name is Chris call me at 2125550147 after 6pm",
         {"callback_name": "Chris", "callback_phone": "+12125550147",
          "callback_time": "after 6pm"}),
        ("yes call me back. Jen, 614-555-0121, evenings",
         {"callback_name": "Jen", "callback_phone": "+16145550121", "callback_time": "evenings"}),
        ("si porfavor, me llamo Guadalupe mi cel es 559 214 7830",
         {"callback_name": "Guadalupe", "callback_phone": "+15592147830"}),
        ("Yes, 703-555-0199", {"callback_phone": "+17035550199"}),
        # A time to avoid keeps the words that say so
        ("no me llamen en la mañana", {"callback_time": "no me llamen en la mañana"}),
        ("yes please dont call before noon", {"callback_time": "dont call before noon"}),
        ("not before 10am", {"callback_time": "not before 10am"}),
        ("Mike 313-555-0192 anytime after 2pm",
         {"callback_name": "Mike", "callback_phone": "+13135550192",
          "callback_time": "anytime after 2pm"}),
        # Nothing that is not clearly a detail: no name from "I'm worried".
        ("im worried about my son, can someone call me", {}),
        ("I am so scared", {}),
        ("yes please", {}),
    ],
)  # fmt: skip
def test_details_said_in_passing_are_read(typed: str, told: Dict[str, str]) -> None:
    assert contact_details([typed]) == told


# --- A bad number: asked again once with an example, then the line -------


async def test_a_bad_number_is_asked_again_with_an_example() -> None:
    t = tracker(
        "12",
        slots={**CONSENTED, "callback_name": "Sam", "requested_slot": "callback_phone"},
        candidates={"callback_phone": "12"},
    )
    slots, said = await validate(t)
    assert said == ["utter_help_callback_phone"]
    assert slots["callback_phone"] is None
    assert await next_question(t, slots) == "callback_phone"


async def test_a_second_bad_number_ends_the_form_without_a_number() -> None:
    t = tracker(
        "999",
        slots={
            **CONSENTED,
            "callback_name": "Sam",
            "requested_slot": "callback_phone",
        },
        candidates={"callback_phone": "999"},
        asks=2,
    )
    slots, said = await validate(t)
    assert said == []
    assert slots["callback_phone"] == "unclear"
    assert await next_question(t, slots) is None  # the time is not asked
    _, told = await submit(tracker(slots={**CONSENTED, **slots}))
    assert told == ["utter_callback_no_number", "utter_admissions_contact"]
    assert store.find() == []


async def test_a_good_number_after_a_bad_one_is_kept() -> None:
    t = tracker(
        "617 555 0123",
        slots={
            **CONSENTED,
            "callback_name": "Sam",
            "requested_slot": "callback_phone",
        },
        candidates={"callback_phone": "617 555 0123"},
        asks=2,
    )
    slots, _ = await validate(t)
    assert slots["callback_phone"] == "+16175550123"
    assert await next_question(t, slots) == "callback_time"


async def test_a_number_corrected_at_the_time_question_replaces_the_first() -> None:
    asked_time = {**CONSENTED, "callback_name": "Sam", "callback_phone": "+13015550183",
                  "requested_slot": "callback_time"}  # fmt: skip
    t = tracker(
        "wait wrong number, its 301-555-0138",
        slots=asked_time,
        candidates={"callback_time": "wait wrong number, its 301-555-0138"},
    )
    slots, _ = await validate(t)
    # The time is still to ask: the whole message, filled by the free-text mapping, is no time.
    assert slots == {"callback_phone": "+13015550138", "callback_time": None}
    assert await next_question(t, slots) == "callback_time"
    t = tracker("its 301-555-0138, after 6pm", slots=asked_time)
    slots, _ = await validate(t)
    assert slots["callback_phone"] == "+13015550138" and slots["callback_time"] == "after 6pm"


ASKED_BEFORE: Dict[str, Dict[str, Any]] = {
    "callback_consent": {},
    "callback_name": CONSENTED,
    "callback_time": {**CONSENTED, "callback_name": "Ana", "callback_phone": "+13475550190"},
}


@pytest.mark.parametrize("slot", list(ASKED_BEFORE))
async def test_a_question_back_is_answered_and_the_question_asked_again(slot: str) -> None:
    text = "espera q es la naloxona? donde la consigo"
    t = tracker(
        text,
        intent="faq",
        slots={**ASKED_BEFORE[slot], "requested_slot": slot},
        candidates={slot: text} if slot != "callback_consent" else None,
    )
    t.latest_message["response_selector"] = {
        "faq": {"response": {"utter_action": "utter_faq/naloxone"}}
    }
    slots, said = await validate(t)
    assert said == ["utter_faq/naloxone"]
    assert slots.get(slot) is None  # no consent refused, no name or time taken from it
    assert await next_question(t, slots) == slot


async def test_a_number_typed_for_the_name_is_no_name() -> None:
    asked_name = {**CONSENTED, "requested_slot": "callback_name"}
    typed = "It is the house phone, (508) 555 0163"
    t = tracker(typed, slots=asked_name, candidates={"callback_name": typed})
    slots, _ = await validate(t)
    assert slots == {"callback_phone": "+15085550163", "callback_name": None}


async def test_the_number_and_time_to_call_are_read_back_when_the_request_is_saved() -> None:
    dispatcher = CollectingDispatcher()
    t = tracker("after 5pm", slots={**CONSENTED, "callback_name": "Sam",
                                    "callback_phone": "+13015550138", "callback_time": "after 5pm"})  # fmt: skip
    await ActionSubmitCallback().run(dispatcher, t, DOMAIN)
    assert dispatcher.messages[0]["response"] == "utter_callback_number"
    assert dispatcher.messages[0]["number"] == "(301) 555-0138"
    assert dispatcher.messages[0]["time"] == "after 5pm"


# --- SMS: "Call you at this number?" -------------------------------------


async def ask_phone(t: Tracker) -> List[Optional[str]]:
    dispatcher = CollectingDispatcher()
    await ActionAskCallbackPhone().run(dispatcher, t, DOMAIN)
    return [m.get("response") for m in dispatcher.messages]


async def test_on_sms_the_senders_number_is_offered() -> None:
    sms = tracker("Sam", channel="sms", sender=SMS_SENDER, slots=CONSENTED)
    assert await ask_phone(sms) == ["utter_ask_callback_phone_this_number"]
    web = tracker("Sam", channel="socketio", sender="a1b2c3", slots=CONSENTED)
    assert await ask_phone(web) == ["utter_ask_callback_phone"]


async def test_yes_on_sms_takes_the_senders_number() -> None:
    t = tracker(
        "yes",
        "affirm",
        channel="sms",
        sender=SMS_SENDER,
        slots={**CONSENTED, "callback_name": "Sam", "requested_slot": "callback_phone"},
        candidates={"callback_phone": "yes"},
    )
    slots, said = await validate(t)
    assert said == []
    assert slots["callback_phone"] == SMS_SENDER
    assert await next_question(t, slots) == "callback_time"


async def test_no_on_sms_asks_for_the_number_to_call() -> None:
    before = {**CONSENTED, "callback_name": "Sam", "requested_slot": "callback_phone"}
    t = tracker(
        "no",
        "deny",
        channel="sms",
        sender=SMS_SENDER,
        slots=before,
        candidates={"callback_phone": "no"},
    )
    slots, said = await validate(t)
    assert said == []
    assert slots["callback_phone"] is None
    assert slots["callback_sms_number_declined"] is True
    after = tracker("no", channel="sms", sender=SMS_SENDER, slots={**before, **slots})
    assert await ask_phone(after) == ["utter_ask_callback_phone"]


async def test_another_number_typed_on_sms_is_used() -> None:
    t = tracker(
        "call 617-555-0123 instead",
        channel="sms",
        sender=SMS_SENDER,
        slots={**CONSENTED, "callback_name": "Sam", "requested_slot": "callback_phone"},
        candidates={"callback_phone": "call 617-555-0123 instead"},
    )
    slots, _ = await validate(t)
    assert slots["callback_phone"] == "+16175550123"


# --- Storing: only with consent, and honestly ----------------------------

SCREENED = {
    "twitching": "yes",
    "twitch_location": ["legs"],
    "twitch_timing": ["falling_asleep"],
    "twitch_duration": "like 2 weeks",
    "opioid_use": "yes",
    "opioid_names": ["oxycodone"],
    "opioid_prescribed": "no",
    "opioid_dose_change": "yes",
    "benzo_use": "yes",
    "benzo_names": ["alprazolam"],
    "benzo_prescribed": "no",
    "benzo_with_opioids": "yes",
    "benzo_for_twitching": "no",
    "alcohol_heavy": "no",
    "emergency_answer_shown": True,
}
REQUEST = {
    **CONSENTED,
    "callback_name": "Sam",
    "callback_phone": "+16175550123",
    "callback_time": "after 5pm",
}
PERCS = {"entity": "opioid", "value": "oxycodone", "start": 0, "end": 5}


async def test_a_consented_request_is_stored_with_the_screening_summary() -> None:
    t = tracker("after 5pm", slots={**SCREENED, **REQUEST}, channel="socketio")
    t.events.insert(0, {"event": "user", "text": "percs", "parse_data": {"entities": [PERCS]}})
    cleared, said = await submit(t)
    assert said == ["utter_callback_number", "utter_callback_received"]
    # The time is asked again if the request is fixed ("call me at 5 instead");
    # consent, name and number stand.
    assert cleared["callback_time"] is None
    assert (cleared["callback_consent"], cleared["callback_name"]) == ("yes", "Sam")
    [row] = store.find()
    assert (row["first_name"], row["phone"], row["best_time"]) == (
        "Sam",
        "+16175550123",
        "after 5pm",
    )
    assert row["channel"] == "socketio"
    assert row["emergency_answer_shown"] is True
    assert row["status"] == "new" and row["created_at"]
    summary = row["summary"]
    assert summary["twitching"] == {
        "has_twitching": "yes",
        "where": ["legs"],
        "when": ["falling_asleep"],
        "how_long": "like 2 weeks",
    }
    assert summary["opioids"]["names"] == ["oxycodone"]
    assert summary["opioids"]["as_said"] == ["percs"]
    assert summary["benzodiazepines"]["names"] == ["alprazolam"]
    assert summary["opioids_and_benzodiazepines_together"] == "yes"
    assert summary["alcohol"]["heavy"] == "no"
    assert summary["screening_finished"] is True
    assert summary["language"] == "English"


async def test_a_request_in_the_middle_of_the_screening_says_what_was_not_asked() -> None:
    await submit(tracker(slots={"twitching": "yes", "requested_slot": None, **REQUEST}))
    summary = store.find()[0]["summary"]
    assert summary["screening_finished"] is False
    assert summary["opioids"]["uses"] == "not asked"
    assert summary["opioids_and_benzodiazepines_together"] == "not asked"
    assert store.find()[0]["emergency_answer_shown"] is False


async def test_no_consent_stores_nothing_and_gives_the_number() -> None:
    _, said = await submit(tracker(slots={**SCREENED, **REQUEST, "callback_consent": "no"}))
    assert said == ["utter_callback_not_stored", "utter_admissions_contact"]
    assert store.find() == []


async def test_a_failed_write_is_told_honestly(monkeypatch: pytest.MonkeyPatch) -> None:
    # A PostgreSQL server that is not there (port 9 on loopback: nothing listens).
    monkeypatch.setenv("DATABASE_URL", "postgresql://nobody:x@127.0.0.1:9/none")
    _, said = await submit(tracker(slots={**SCREENED, **REQUEST}))
    assert said == ["utter_callback_failed"]
    assert "utter_callback_received" not in said


# --- Privacy: nothing personal in the project's logs ---------------------

PRIVATE = ["Quintessa", "6175550123", "617-555-0123", "percs", "like 2 weeks", "after 5pm"]


async def test_the_project_logs_nothing_personal(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    base = {**SCREENED, **CONSENTED, "twitch_duration": "like 2 weeks"}
    steps = [
        ("callback_name", "Quintessa"),
        ("callback_phone", "617-555-0123"),
        ("callback_time", "after 5pm"),
    ]
    slots = dict(base)
    for slot, text in steps:
        t = tracker(text, slots={**slots, "requested_slot": slot}, candidates={slot: text})
        found, _ = await validate(t)
        slots.update(found)
    t = tracker("after 5pm", slots=slots)
    t.events.insert(0, {"event": "user", "text": "percs", "parse_data": {"entities": [PERCS]}})
    _, said = await submit(t)
    assert said == ["utter_callback_number", "utter_callback_received"]
    ours = [
        r for r in caplog.records if r.name.split(".")[0] in ("actions", "admissions", "database")
    ]
    assert ours, "the project logs something about callback requests"
    logged = "\n".join(f"{r.getMessage()} {r.exc_text or ''}" for r in caplog.records)
    for private in PRIVATE:
        assert private not in logged


async def test_a_failed_write_logs_nothing_personal(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    caplog.set_level(logging.DEBUG)
    monkeypatch.setenv("DATABASE_URL", "postgresql://nobody:x@127.0.0.1:9/none")
    await submit(tracker(slots={**SCREENED, **REQUEST, "callback_name": "Quintessa"}))
    assert any(r.levelno == logging.ERROR for r in caplog.records)
    logged = "\n".join(f"{r.getMessage()} {r.exc_text or ''}" for r in caplog.records)
    for private in PRIVATE[:2] + ["+16175550123"]:
        assert private not in logged


async def test_a_time_in_the_story_is_not_a_time_to_call() -> None:
    events = [
        {"event": "user", "text": "my son took pills tonight and his legs jerk"},
        {"event": "user", "text": "call me back please"},
        {"event": "active_loop", "name": "callback_form"},
        {"event": "user", "text": "yes"},
    ]
    tracker = Tracker("t", {"callback_consent": "yes"}, {"text": "yes"}, events, False, None,
                      {"name": "callback_form"}, "callback_form")  # fmt: skip
    assert "callback_time" not in ValidateCallbackForm.also_told(tracker, {})


# --- The time to call: only its time words; a long answer without one is asked again ---


@pytest.mark.parametrize(
    "typed",
    [
        "ambulance took him. he stopped drinking yesterday morning. can u still have someone "
        "call me",
        "ayer en la noche se puso mal, llamenme",
    ],
)
def test_a_time_in_the_past_is_no_time_to_call(typed: str) -> None:
    assert contact_details([typed]).get("callback_time") is None


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("tomorrow about detox", "tomorrow"),
        ("Kevin tomorrow around noon", "tomorrow around noon"),
        ("tomorrow MORNING please", "tomorrow MORNING"),
        ("tomorrow morning at 9am", "tomorrow morning at 9am"),
        ("asap please", "asap"),
        ("after work", "after work"),
        ("whenever", "whenever"),
        ("mañana en la tarde", "mañana en la tarde"),
        ("por la mañana, antes de las 11", "por la mañana, antes de las 11"),
        ("después de las 6 de la tarde", "después de las 6 de la tarde"),
        ("tomorrow between 1 and 3", "tomorrow between 1 and 3"),
        ("anytime except 1 to 3", "anytime except 1 to 3"),
        ("weekdays lunch time 12-1", "weekdays lunch time 12-1"),
        ("de 10 a 12 entre semana", "de 10 a 12 entre semana"),
        ("skip", "any time"),
        ("im worried about what my son will say when he finds out about all this", None),
    ],
)
def test_the_time_to_call_is_its_time_words(typed: str, expected: Optional[str]) -> None:
    intent = "skip" if typed == "skip" else "contact_details"
    assert time_answer(typed, intent) == expected


# --- Cancelling: in the middle of the request, and after it was saved -----------------


@pytest.mark.parametrize(
    "typed",
    [
        "actually wait, no, don't call, my brother might hear. I'll call you instead",
        "NO. cancel the callback. do not call me.",
        "mejor no me llamen",
    ],
)
async def test_dont_call_in_the_middle_of_the_request_cancels_it(typed: str) -> None:
    asked_time = {**CONSENTED, "callback_name": "Sam", "callback_phone": "+13015550183",
                  "requested_slot": "callback_time"}  # fmt: skip
    slots, said = await validate(tracker(typed, slots=asked_time))
    assert slots["callback_consent"] == "cancelled" and slots["callback_time"] is None
    assert said == []
    _, said = await submit(tracker(typed, slots={**asked_time, **slots}))
    assert said == ["utter_callback_not_stored", "utter_admissions_contact"]
    assert store.find() == []


@pytest.mark.parametrize(
    "typed", ["12:30. no me llamen en la noche porque mi esposo no sabe", "dont call after 6pm"]
)
async def test_a_time_to_avoid_is_no_cancellation(typed: str) -> None:
    asked_time = {**CONSENTED, "callback_name": "Sam", "callback_phone": "+13015550183",
                  "requested_slot": "callback_time"}  # fmt: skip
    slots, _ = await validate(tracker(typed, slots=asked_time))
    assert slots.get("callback_consent") != "cancelled" and slots["callback_time"]


async def test_a_saved_request_can_be_cancelled() -> None:
    slots, _ = await submit(tracker("after 5pm", slots={**SCREENED, **REQUEST}, sender="c1"))
    assert slots["callback_saved"] is True and len(store.find()) == 1
    dispatcher = CollectingDispatcher()
    t = tracker("cancel my callback", intent="cancel_callback", slots={"callback_saved": True},
                sender="c1")  # fmt: skip
    events = await ActionCancelCallback().run(dispatcher, t, DOMAIN)
    assert [m["response"] for m in dispatcher.messages] == ["utter_callback_cancelled"]
    assert {"event": "slot", "name": "callback_saved", "value": False} in [
        {k: e[k] for k in ("event", "name", "value")} for e in events
    ]
    assert store.find() == []


async def test_cancelling_when_nothing_was_saved_says_so() -> None:
    dispatcher = CollectingDispatcher()
    t = tracker("dont call me", intent="cancel_callback", slots={"callback_saved": False})
    await ActionCancelCallback().run(dispatcher, t, DOMAIN)
    responses = [m["response"] for m in dispatcher.messages]
    assert responses == ["utter_callback_not_stored", "utter_admissions_contact"]


@pytest.mark.parametrize(
    "when, language, read_back",
    [
        ("morning", "es", "Por la mañana"),
        ("any time", "es", "A cualquier hora"),
        ("any time", None, "Any time"),
        ("despues de las 6", "es", "despues de las 6"),
    ],
)
def test_a_time_chosen_by_button_is_read_back_in_the_buttons_words(
    when: str, language: Optional[str], read_back: str
) -> None:
    t = tracker(slots={"language": language})
    assert as_offered(when, t, DOMAIN) == read_back
