"""The screening form's validation action, run as Rasa runs it.

The tracker is built the way the Rasa server sends it while the form reads a
message: the bot's earlier questions, the person's message, the free-text
candidate for the open question, then the form's own step.
"""

from typing import Any, Dict, List, Optional, Tuple

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.answers import NO, UNCLEAR, YES
from actions.screening_form import ValidateScreeningForm, implied_answers
from tests.support.content import domain

DOMAIN = domain()
FORM = "screening_form"


def asked(slot: str) -> Dict[str, Any]:
    return {"event": "bot", "text": "...", "metadata": {"utter_action": f"utter_ask_{slot}"}}


def said(response: str) -> Dict[str, Any]:
    return {"event": "bot", "text": "...", "metadata": {"utter_action": response}}


def entity(kind: str, value: str, text: str = "", start: int = 0) -> Dict[str, Any]:
    return {"entity": kind, "value": value, "start": start, "end": start + len(text)}


def reading(
    text: str,
    question: str,
    intent: str = "inform",
    slots: Optional[Dict[str, Any]] = None,
    entities: Optional[List[Dict[str, Any]]] = None,
    history: Optional[List[Dict[str, Any]]] = None,
    asks: int = 1,
) -> Tracker:
    """The tracker as the form sees `text` sent while `question` is open."""
    all_slots: Dict[str, Any] = {name: None for name in DOMAIN["slots"]}
    all_slots.update(slots or {})
    all_slots["requested_slot"] = question
    message = {"text": text, "intent": {"name": intent}, "entities": entities or []}
    events: List[Dict[str, Any]] = list(history or [])
    events += [
        {"event": "slot", "name": "requested_slot", "value": question},
        asked(question),
    ] * asks
    events += [
        {"event": "action", "name": "action_listen"},
        {"event": "user", "text": text, "parse_data": message},
        {"event": "action", "name": "action_extract_slots"},
        {"event": "slot", "name": question, "value": text},
        {"event": "slot", "name": "requested_slot", "value": question},
        {"event": "action", "name": FORM},
    ]
    all_slots[question] = text
    return tracker(all_slots, message, events)


def tracker(
    slots: Dict[str, Any], message: Dict[str, Any], events: List[Dict[str, Any]]
) -> Tracker:
    return Tracker(
        sender_id="test",
        slots=slots,
        latest_message=message,
        events=events,
        paused=False,
        followup_action=None,
        active_loop={"name": FORM},
        latest_action_name=FORM,
    )


async def validate(tracker: Tracker) -> Tuple[Dict[str, Any], List[str], bool]:
    """The slots the real validation action set, what it said, and whether it stepped aside."""
    dispatcher = CollectingDispatcher()
    events = await ValidateScreeningForm().run(dispatcher, tracker, DOMAIN)
    slots = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    rejected = any(e["event"] == "action_execution_rejected" for e in events)
    return slots, [str(m.get("response")) for m in dispatcher.messages], rejected


# --- Answers -----------------------------------------------------------------


async def test_an_answer_in_the_persons_own_words_is_taken() -> None:
    slots, said_, rejected = await validate(
        reading("whole body", "twitch_location", slots={"twitching": YES})
    )
    assert slots["twitch_location"] == ["whole_body"]
    assert said_ == [] and not rejected


async def test_the_answer_wins_over_the_intent() -> None:
    # "a while" reads as out of scope to the intent classifier; it answers the question.
    slots, _, rejected = await validate(
        reading("a while", "twitch_duration", intent="out_of_scope", slots={"twitching": YES})
    )
    assert slots["twitch_duration"] == "a_while" and not rejected


async def test_an_answer_that_also_asks_gets_both_taken_and_answered() -> None:
    tracker_ = reading(
        "about a month. is this withdrawal?", "twitch_duration", intent="faq",
        slots={"twitching": YES},
    )  # fmt: skip
    tracker_.latest_message["response_selector"] = {
        "faq": {"response": {"utter_action": "utter_faq/withdrawal", "confidence": 0.78}}
    }
    slots, said_, rejected = await validate(tracker_)
    assert slots["twitch_duration"] == "months"
    assert said_ == ["utter_faq/withdrawal"] and not rejected


async def test_an_answer_with_a_privacy_question_gets_both_taken_and_answered() -> None:
    slots, said_, rejected = await validate(
        reading("a few weeks. who sees this chat?", "twitch_duration", intent="ask_data_kept",
                slots={"twitching": YES})
    )  # fmt: skip
    assert slots["twitch_duration"] == "weeks"
    assert said_ == ["utter_data_kept"] and not rejected


async def test_a_privacy_question_alone_steps_aside_for_its_answer() -> None:
    slots, said_, rejected = await validate(
        reading("is this confidential?", "opioid_use", intent="ask_data_kept")
    )
    assert rejected and slots["opioid_use"] is None and said_ == []


async def test_an_answer_read_as_a_question_back_with_no_question_in_it_is_only_an_answer() -> None:
    # "a while" once got the FAQ answer about mixing substances with it.
    tracker_ = reading("a while", "twitch_duration", intent="faq", slots={"twitching": YES})
    tracker_.latest_message["response_selector"] = {
        "faq": {"response": {"utter_action": "utter_faq/mixing", "confidence": 0.9}}
    }
    slots, said_, rejected = await validate(tracker_)
    assert slots["twitch_duration"] == "a_while"
    assert said_ == [] and not rejected


async def test_an_answer_said_as_a_question_is_only_an_answer() -> None:
    # "a while?" got "That's a fair question, but I can't answer it well here".
    tracker_ = reading(
        "hard to say. a while? I first noticed at dinner a few weeks back", "twitch_duration",
        intent="faq", slots={"twitching": YES},
    )  # fmt: skip
    tracker_.latest_message["response_selector"] = {
        "faq": {"response": {"utter_action": "utter_faq/for_admissions", "confidence": 0.3}}
    }
    slots, said_, rejected = await validate(tracker_)
    assert slots["twitch_duration"] is not None and said_ == [] and not rejected


async def test_a_class_taken_back_at_its_own_follow_up_question_is_corrected() -> None:
    slots, said_, rejected = await validate(
        reading(
            "wait i dont take benzos at all i hit the wrong number", "benzo_prescribed",
            slots={"twitching": NO, "opioid_use": NO, "benzo_use": YES, "benzo_names": ["unclear"]},
            entities=[entity("benzodiazepine", "benzodiazepine", "benzos", 17)],
        )
    )  # fmt: skip
    assert slots["benzo_use"] == NO and not rejected
    assert slots["benzo_prescribed"] is None and slots["requested_slot"] != "benzo_prescribed"


# --- Never asked three times ------------------------------------------------


async def test_an_unclear_answer_is_asked_again_with_help() -> None:
    slots, said_, rejected = await validate(
        reading("purple monkey", "opioid_use", slots={"twitching": NO})
    )
    assert slots["opioid_use"] is None
    assert said_ == ["utter_help_opioid_use"] and not rejected
    assert slots["requested_slot"] == "opioid_use"


async def test_a_question_it_cannot_answer_gets_an_honest_answer_and_the_question_again() -> None:
    slots, said_, rejected = await validate(
        reading(
            "could the moon be doing this?",
            "twitch_timing",
            slots={"twitching": YES, "twitch_location": ["legs"]},
        )
    )
    assert said_ == ["utter_faq/for_admissions"] and not rejected
    assert slots["twitch_timing"] is None and slots["requested_slot"] == "twitch_timing"


async def test_after_two_asks_the_question_is_recorded_unclear_and_the_next_comes() -> None:
    slots, said_, _ = await validate(
        reading("purple monkey", "opioid_use", slots={"twitching": NO}, asks=2)
    )
    assert slots["opioid_use"] == UNCLEAR
    assert said_ == []
    assert slots["requested_slot"] == "benzo_use"


async def test_an_ask_before_an_emergency_answer_counts_too() -> None:
    # Asked, then a withdrawal warning closed the form, "go on" asked again, and the
    # next unclear answer asked a third time.
    history = [
        {"event": "slot", "name": "requested_slot", "value": "benzo_use"},
        asked("benzo_use"),
        {"event": "user", "text": "ya bars like 2 a day. i ran out tho",
         "parse_data": {"intent": {"name": "emergency_withdrawal"}}},
        {"event": "active_loop", "name": None},
        {"event": "slot", "name": "requested_slot", "value": None},
        {"event": "user", "text": "go on", "parse_data": {"intent": {"name": "continue"}}},
        {"event": "active_loop", "name": FORM},
    ]  # fmt: skip
    slots, said_, _ = await validate(
        reading("bruh i already said", "benzo_use", slots={"twitching": NO}, history=history)
    )
    assert slots["benzo_use"] == UNCLEAR and said_ == []
    assert slots["requested_slot"] != "benzo_use"


async def test_an_unclear_list_answer_is_recorded_as_a_list() -> None:
    slots, _, _ = await validate(
        reading("purple monkey", "twitch_location", slots={"twitching": YES}, asks=2)
    )
    assert slots["twitch_location"] == [UNCLEAR]


# --- Hand-offs and questions back ---------------------------------------------


@pytest.mark.parametrize(
    "text, intent",
    [
        ("is this withdrawal?", "faq"),
        ("why do you need to know", "why_ask"),
        ("whats your number", "ask_admissions"),
        ("stop", "stop_screening"),
        ("can someone call me", "request_callback"),
    ],
)
async def test_a_hand_off_that_answers_nothing_steps_aside(text: str, intent: str) -> None:
    slots, said_, rejected = await validate(reading(text, "opioid_use", intent=intent))
    assert rejected
    assert slots["opioid_use"] is None  # the free-text candidate is not kept
    assert said_ == []


async def test_start_over_needs_words_that_say_so() -> None:
    # "all over" at the timing question once restarted the whole screening.
    slots, said_, rejected = await validate(
        reading("all over", "twitch_timing", intent="start_over", slots={"twitching": YES})
    )
    assert not rejected and slots["twitch_timing"] is None
    assert said_ == ["utter_help_twitch_timing"]
    _, _, rejected = await validate(
        reading("can we start over", "twitch_timing", intent="start_over", slots={"twitching": YES})
    )
    assert rejected


async def test_a_question_back_after_two_asks_moves_on_too() -> None:
    slots, _, rejected = await validate(
        reading("will my insurance find out", "benzo_use", "faq", asks=2)
    )
    assert rejected and slots["benzo_use"] == UNCLEAR


async def test_asks_are_counted_across_questions_back() -> None:
    # Asked, a question back answered by rule, asked again: two asks.
    history = [
        {"event": "slot", "name": "requested_slot", "value": "opioid_use"},
        asked("opioid_use"),
        said("utter_faq/insurance"),
    ]
    slots, _, _ = await validate(
        reading("purple monkey", "opioid_use", slots={"twitching": NO}, history=history)
    )
    assert slots["opioid_use"] == UNCLEAR


async def test_an_emergency_never_fills_an_answer() -> None:
    slots, said_, rejected = await validate(
        reading("he's not breathing", "opioid_use", intent="emergency_overdose")
    )
    assert {k for k, v in slots.items() if v is not None} <= {"requested_slot"}
    assert said_ == [] and not rejected  # Rasa itself rejects: nothing was extracted


async def test_resuming_after_a_question_back_reads_nothing_again() -> None:
    events = [
        {"event": "user", "text": "is it dangerous", "parse_data": {"intent": {"name": "faq"}}},
        {"event": "action_execution_rejected", "name": FORM},
        {"event": "action", "name": "utter_faq"},
        said("utter_faq/dangerous"),
        {"event": "slot", "name": "requested_slot", "value": "opioid_use"},
        {"event": "action", "name": FORM},
    ]
    slots_in = {name: None for name in DOMAIN["slots"]} | {"requested_slot": "opioid_use"}
    slots, said_, rejected = await validate(
        tracker(slots_in, {"text": "is it dangerous", "intent": {"name": "faq"}}, events)
    )
    assert slots.get("opioid_use") is None and said_ == [] and not rejected


# --- Changing an answer --------------------------------------------------------


async def test_naming_a_benzo_after_saying_no_corrects_it_and_asks_its_follow_ups() -> None:
    text = "wait actually i do take xanax sometimes"
    slots, _, rejected = await validate(
        reading(
            text,
            "alcohol_heavy",
            slots={"twitching": NO, "opioid_use": NO, "benzo_use": NO},
            entities=[entity("benzodiazepine", "alprazolam", "xanax", text.index("xanax"))],
        )
    )
    assert not rejected
    assert slots["benzo_use"] == YES and slots["benzo_names"] == ["alprazolam"]
    assert slots["alcohol_heavy"] is None
    assert slots["requested_slot"] == "benzo_prescribed"


async def test_i_meant_no_changes_the_previous_answer_and_drops_its_follow_ups() -> None:
    history = [{"event": "slot", "name": "benzo_use", "value": YES}]
    slots, _, _ = await validate(
        reading(
            "wait, i meant no",
            "benzo_names",
            slots={"twitching": NO, "opioid_use": NO, "benzo_use": YES},
            history=history,
        )
    )
    assert slots["benzo_use"] == NO
    assert slots["requested_slot"] == "alcohol_heavy"


async def test_go_back_asks_the_previous_question_again() -> None:
    history = [{"event": "slot", "name": "opioid_use", "value": NO}]
    slots, _, _ = await validate(
        reading(
            "can i go back", "benzo_use", slots={"twitching": NO, "opioid_use": NO}, history=history
        )
    )
    assert slots["opioid_use"] is None
    assert slots["requested_slot"] == "opioid_use"


async def test_go_back_with_the_new_answer_takes_it() -> None:
    text = "Wait, sorry, go back. I do take Klonopin, my psychiatrist prescribes it."
    klonopin = [entity("benzodiazepine", "clonazepam", "Klonopin", text.index("Klonopin"))]
    history = [{"event": "slot", "name": "benzo_use", "value": NO}]
    answered = {"twitching": NO, "opioid_use": NO, "benzo_use": NO}
    slots, _, _ = await validate(
        reading(text, "alcohol_heavy", slots=answered, entities=klonopin, history=history)
    )
    assert slots["benzo_use"] == YES
    assert slots["benzo_names"] == ["clonazepam"]
    assert slots["benzo_prescribed"] == YES
    assert slots["requested_slot"] != "benzo_use"


# --- Only what is asked is kept -------------------------------------------------


async def test_answers_to_questions_no_longer_asked_are_cleared() -> None:
    slots, _, _ = await validate(
        reading("nah i dont drink", "alcohol_heavy", slots={"alcohol_stopped": YES})
    )
    assert slots["alcohol_heavy"] == NO
    assert slots["alcohol_stopped"] is None


def test_a_negated_name_is_not_a_disclosure() -> None:
    text = "never took xanax"
    found = [entity("benzodiazepine", "alprazolam", "xanax", text.index("xanax"))]
    assert implied_answers(text, found, {"benzo_use": NO}) == {}


def test_named_twitching_details_answer_their_questions() -> None:
    text = "my legs jump since i started oxy"
    found = [
        entity("body_part", "legs", "legs", 3),
        entity("opioid", "oxycodone", "oxy", text.index("oxy")),
    ]
    assert implied_answers(text, found, {}) == {
        "twitching": YES,
        "twitch_location": ["legs"],
        "opioid_use": YES,
        "opioid_names": ["oxycodone"],
    }


# --- Someone else ---------------------------------------------------------------


async def test_a_mother_asking_about_her_son_sets_who_the_screening_is_about() -> None:
    slots, _, _ = await validate(reading("yes my son twitches all night", "twitching"))
    assert slots["screening_for"] == "he"
    assert slots["twitching"] == YES


async def test_what_was_said_before_the_screening_counts() -> None:
    text = "hi my daughter's legs jerk at night"
    events = [
        {
            "event": "user",
            "text": text,
            "parse_data": {
                "intent": {"name": "inform"},
                "entities": [entity("body_part", "legs", "legs", text.index("legs"))],
            },
        },
        {"event": "user", "text": "yes", "parse_data": {"intent": {"name": "affirm"}}},
        {"event": "action", "name": FORM},
    ]
    slots_in = {name: None for name in DOMAIN["slots"]}
    state = Tracker("test", slots_in, {"text": "yes"}, events, False, None, {}, FORM)
    slots, _, _ = await validate(state)
    assert slots["screening_for"] == "she"
    assert slots["twitching"] == YES and slots["twitch_location"] == ["legs"]
    assert slots["twitch_timing"] == ["falling_asleep"]  # "at night", said before
    assert slots["requested_slot"] == "twitch_duration"


def before_the_questions(text: str, entities: List[Dict[str, Any]]) -> Tracker:
    events = [
        {"event": "user", "text": text,
         "parse_data": {"intent": {"name": "inform"}, "entities": entities}},
        {"event": "user", "text": "yes", "parse_data": {"intent": {"name": "affirm"}}},
        {"event": "action", "name": FORM},
    ]  # fmt: skip
    slots_in = {name: None for name in DOMAIN["slots"]}
    return Tracker("test", slots_in, {"text": "yes"}, events, False, None, {}, FORM)


async def test_a_withdrawal_danger_told_first_is_warned_about_before_the_questions() -> None:
    text = "my husband drinks 10 or 12 beers every day. he stopped 2 days ago and his legs shake"
    beer = entity("alcohol", "alcohol", "beers", text.index("beers"))
    _, said_, _ = await validate(before_the_questions(text, [beer]))
    assert said_ == ["utter_explain_alcohol_withdrawal"]
    text = "my son stopped his xanax yesterday and his legs jerk"
    xanax = entity("benzodiazepine", "alprazolam", "xanax", text.index("xanax"))
    _, said_, _ = await validate(before_the_questions(text, [xanax]))
    assert said_ == ["utter_explain_stopping_benzos"]
    text = "I decided I was done with the Valium I was on for 8 years, so I just tossed them"
    valium = entity("benzodiazepine", "diazepam", "Valium", text.index("Valium"))
    _, said_, _ = await validate(before_the_questions(text, [valium]))
    assert said_ == ["utter_explain_stopping_benzos"]
    text = "mi nieto desde antier dejo unas pastillas que le dicen barras y anda todo tembloroso"
    bars = entity("benzodiazepine", "alprazolam", "barras", text.index("barras"))
    _, said_, _ = await validate(before_the_questions(text, [bars]))
    assert said_ == ["utter_explain_stopping_benzos"]
    # Still drinking, or benzos taken as usual: the questions come first.
    text = "my husband drinks 10 or 12 beers every day and his legs shake"
    beer = entity("alcohol", "alcohol", "beers", text.index("beers"))
    _, said_, _ = await validate(before_the_questions(text, [beer]))
    assert said_ == []


async def test_benzos_stopped_told_in_an_answer_are_warned_about_before_the_next_question() -> None:
    text = "yeah i was on bars every day but i quit last week"
    bars = [entity("benzodiazepine", "alprazolam", "bars", text.index("bars"))]
    answered = {"twitching": YES, "twitch_location": ["legs"], "twitch_timing": ["random"],
                "twitch_duration": "days", "opioid_use": NO}  # fmt: skip
    _, said_, _ = await validate(reading(text, "benzo_use", slots=answered, entities=bars))
    assert said_ == ["utter_explain_stopping_benzos"]
    text = "si, tomaba clonazepam diario pero lo deje hace 4 dias"
    clonazepam = [entity("benzodiazepine", "clonazepam", "clonazepam", text.index("clonazepam"))]
    _, said_, _ = await validate(reading(text, "benzo_use", slots=answered, entities=clonazepam))
    assert said_ == ["utter_explain_stopping_benzos"]
    # Said once: a later message about the stop does not repeat it.
    history = [said("utter_explain_stopping_benzos")]
    _, said_, _ = await validate(
        reading(text, "benzo_use", slots=answered, entities=clonazepam, history=history)
    )
    assert said_ == []
    # Taken as usual: no warning.
    text = "yes i take my xanax every night"
    xanax = [entity("benzodiazepine", "alprazolam", "xanax", text.index("xanax"))]
    _, said_, _ = await validate(reading(text, "benzo_use", slots=answered, entities=xanax))
    assert said_ == []


async def test_a_first_message_that_says_someone_twitches_answers_the_first_question() -> None:
    text = "wife ran out of her xanax early and shes twitching"
    events = [
        {
            "event": "user",
            "text": text,
            "parse_data": {"intent": {"name": "inform"}, "entities": []},
        },
        {"event": "user", "text": "ok", "parse_data": {"intent": {"name": "affirm"}}},
        {"event": "action", "name": FORM},
    ]
    slots_in = {name: None for name in DOMAIN["slots"]}
    state = Tracker("test", slots_in, {"text": "ok"}, events, False, None, {}, FORM)
    slots, _, _ = await validate(state)
    assert slots["screening_for"] == "she" and slots["twitching"] == YES
    assert slots["requested_slot"] == "twitch_location"


async def test_nobody_is_asked_whether_their_heroin_is_prescribed() -> None:
    slots, _, _ = await validate(
        reading("dope", "opioid_names", slots={"twitching": NO, "opioid_use": YES})
    )
    assert slots["opioid_names"] == ["heroin"] and slots["opioid_prescribed"] == NO
    assert slots["requested_slot"] == "opioid_dose_change"


def test_a_class_word_in_a_denial_discloses_nothing() -> None:
    text = "she doesnt take opioids"
    found = [entity("opioid", "opioid", "opioids", text.index("opioids"))]
    assert implied_answers(text, found, {"benzo_use": YES}) == {}


@pytest.mark.parametrize(
    "text, name, told",
    [
        ("a few weeks. do yall do suboxone", "suboxone", False),
        ("ustedes dan metadona?", "metadona", False),
        ("do you think my xanax is causing this?", "xanax", True),
        ("can you help me get off my methadone", "methadone", True),
    ],
)
def test_asking_what_the_center_offers_is_no_disclosure(text: str, name: str, told: bool) -> None:
    found = [entity("opioid", "buprenorphine", name, text.index(name))]
    assert bool(implied_answers(text, found, {})) == told


@pytest.mark.parametrize(
    "text, before, after",
    [
        ("not me, my SON", None, "he"),
        ("its not me its my roommate", None, "they"),
        ("ok honestly its me. im the friend lol", "they", "self"),
        ("his?? no this is about me not my boyfriend", "he", "self"),
        ("not her, me. its my legs", "she", "self"),
        (
            "I'm sorry, there's been a mix-up. I am asking about myself, not my husband.",
            "he",
            "self",
        ),
        ("no es para el, es para mi", "he", "self"),
        ("que no es el, soy yo!!", "he", "self"),
        ("a el? no, es a mi", "he", "self"),
    ],
)
async def test_who_the_screening_is_about_can_be_corrected_mid_way(
    text: str, before: Optional[str], after: str
) -> None:
    slots, said_, _ = await validate(
        reading(text, "opioid_use", slots={"twitching": NO, "screening_for": before})
    )
    assert slots["screening_for"] == after
    assert slots["opioid_use"] is None and slots["requested_slot"] == "opioid_use"


async def test_a_correction_of_who_it_is_about_can_answer_the_question_too() -> None:
    slots, _, _ = await validate(
        reading("not me, my son. his arms and legs", "twitch_location", slots={"twitching": YES})
    )
    assert slots["screening_for"] == "he"
    assert sorted(slots["twitch_location"]) == ["arms", "legs"]


@pytest.mark.parametrize(
    "text, question, answer",
    [
        ("Not me, my son. No opioids that I know of", "opioid_use", NO),
        ("its my husband not me. no he doesnt do pills", "opioid_use", NO),
        ("its me not my friend. at night mostly", "twitch_timing", ["falling_asleep"]),
    ],
)
async def test_the_rest_of_a_message_correcting_who_it_is_about_answers_the_question(
    text: str, question: str, answer: Any
) -> None:
    slots, _, rejected = await validate(
        reading(text, question, intent="deny", slots={"twitching": YES})
    )
    assert slots[question] == answer and not rejected


async def test_the_yes_that_starts_the_screening_answers_no_question() -> None:
    events = [
        {"event": "user", "text": "hi", "parse_data": {"intent": {"name": "greet"}}},
        {"event": "user", "text": "yes", "parse_data": {"intent": {"name": "affirm"}}},
        {"event": "action", "name": FORM},
    ]
    slots_in = {name: None for name in DOMAIN["slots"]}
    state = Tracker("test", slots_in, {"text": "yes"}, events, False, None, {}, FORM)
    slots, _, _ = await validate(state)
    assert slots.get("twitching") is None and slots["requested_slot"] == "twitching"


async def test_a_prescription_told_at_another_question_is_not_asked_again() -> None:
    text = "yes, my doctor has me on hydrocodone for my back"
    slots, _, rejected = await validate(
        reading(
            text,
            "twitching",
            entities=[entity("opioid", "hydrocodone", "hydrocodone", text.index("hydrocodone"))],
        )
    )
    assert not rejected
    assert slots["twitching"] == YES
    assert slots["opioid_use"] == YES and slots["opioid_names"] == ["hydrocodone"]
    assert slots["opioid_prescribed"] == YES


async def test_an_unsure_yes_with_a_name_tells_nothing_about_a_prescription() -> None:
    # "i think so" was read as "prescribed: yes" and "dose changed: yes" for street pills.
    text = "i think so, the blue ones. m30s"
    slots, _, _ = await validate(
        reading(
            text, "opioid_use", slots={"twitching": YES, "screening_for": "he"},
            entities=[entity("opioid", "oxycodone", "m30s", text.index("m30s"))],
        )
    )  # fmt: skip
    assert slots["opioid_use"] == YES
    assert slots.get("opioid_prescribed") is None and slots.get("opioid_dose_change") is None


async def test_a_bare_yes_with_a_name_tells_nothing_about_a_prescription() -> None:
    text = "yes i take percs"
    slots, _, _ = await validate(
        reading(text, "twitching", entities=[entity("opioid", "oxycodone", "percs", 11)])
    )
    assert slots["opioid_use"] == YES and "opioid_prescribed" not in slots
