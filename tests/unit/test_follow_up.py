"""What a message after the explanation adds to the answers."""

from actions.follow_up import new_answers


def test_names_given_after_the_explanation_are_kept_without_an_error() -> None:
    # A list answer (names) once raised "unhashable type: 'list'" and the
    # person got "something went wrong".
    text = "why does it say opioids and dopesick? he does NOT use opioids. just xanax"
    xanax = {"entity": "benzodiazepine", "value": "alprazolam", "start": 67, "end": 72}
    answers = {"twitching": "yes", "opioid_use": "yes", "opioid_names": ["not sure"],
               "benzo_use": "no"}  # fmt: skip
    updates = new_answers(text, [xanax], answers)
    assert updates["benzo_use"] == "yes"
    assert updates["benzo_names"] == ["alprazolam"]


def test_a_bare_not_sure_adds_nothing() -> None:
    answers = {"twitching": "yes", "opioid_use": "yes", "opioid_names": ["not sure"]}
    assert "opioid_names" not in new_answers("idk", [], answers)


def test_facts_told_before_the_questions_are_not_asked_again() -> None:
    from actions.screening_form import told_in_own_words

    vodka = [{"entity": "alcohol", "value": "alcohol"}]
    told = told_in_own_words(
        "my husband drinks a fifth of vodka a day and his hands shake", vodka, {"twitching": "yes"}
    )
    assert told["alcohol_heavy"] == "yes"
    assert "twitch_duration" not in told  # "a day" is how often, not how long
    told = told_in_own_words("my legs jerk, started about a week ago", [], {"twitching": "yes"})
    assert told["twitch_duration"] == "weeks" and "alcohol_heavy" not in told
    told = told_in_own_words("my son stopped his xanax 3 days ago", [], {"twitching": "yes"})
    assert "twitch_duration" not in told  # how long since the stop, not the twitching
    told = told_in_own_words(
        "I overdosed on heroin two years ago and got clean, I'm on suboxone now and doing well,"
        " but my legs twitch at night",
        [],
        {"twitching": "yes", "opioid_use": "yes", "opioid_names": ["heroin", "buprenorphine"]},
    )
    assert "twitch_duration" not in told  # the overdose was two years ago, not the twitching
    assert "opioid_dose_change" not in told  # clean for years: no recent change


def test_a_class_denied_after_the_explanation_is_taken_back() -> None:
    from actions.follow_up import denied_uses

    text = "why does it say opioids and dopesick? he does NOT use opioids. just xanax"
    entities = [
        {"entity": "opioid", "value": "opioid", "start": 16, "end": 23},
        {"entity": "opioid", "value": "opioid", "start": 55, "end": 62},
        {"entity": "benzodiazepine", "value": "alprazolam", "start": 69, "end": 74},
    ]
    answers = {"opioid_use": "yes", "benzo_use": "yes"}
    assert denied_uses(text, entities, answers) == {"opioid_use": "no"}
    # A question about the class takes nothing back.
    asked = "does methadone count as opioids?"
    assert denied_uses(asked, [{"entity": "opioid", "value": "opioid"}], answers) == {}


def test_messages_after_the_screening_first_started_are_not_read_again_on_resume() -> None:
    from actions.screening_form import FORM, messages_before_the_screening

    events = [
        {"event": "user", "text": "my legs jerk"},
        {"event": "active_loop", "name": FORM},
        {"event": "user", "text": "call me in the evenings"},  # a time to call
        {"event": "active_loop", "name": None},
    ]
    assert [e["text"] for e in messages_before_the_screening(events)] == ["my legs jerk"]


def test_a_no_to_drinking_read_from_a_story_is_asked_again() -> None:
    from actions.screening_form import told_in_own_words

    beer = [{"entity": "alcohol", "value": "alcohol"}]
    story = "my husband doesnt drink much beer but his legs jerk"
    assert "alcohol_heavy" not in told_in_own_words(story, beer, {"twitching": "yes"})
    # Ten or twelve a day is heavy drinking, said in any English.
    story = "He drink much beer, every day 10 or 12. He stop 2 days"
    assert told_in_own_words(story, beer, {"twitching": "yes"})["alcohol_heavy"] == "yes"


def test_someone_who_only_found_the_site_is_not_who_it_is_about() -> None:
    from actions.subject import subject_of

    assert subject_of("I am 71. My hand has been twitching. My grandson found your website") is None
    assert subject_of("my son keeps twitching") == "he"
    assert subject_of("son muchas preguntas?") is None  # Spanish "they are"
    assert subject_of("mi hijo dice que soy yo el problema") == "he"
    # Someone it is kept from, or lived with, is not who it is about.
    assert subject_of("can i get help without my parents knowing? im 16") is None
    assert subject_of("i live with my parents and my legs twitch") is None
    assert subject_of("my dad doesnt know i use") is None
    assert subject_of("my mom takes xanax and her legs jerk") == "she"
    # Spanish, with or without accents.
    assert subject_of("mi mamá tiene espasmos") == subject_of("mi mama tiene espasmos") == "she"
    # Everyday words for family and partners.
    assert subject_of("mi carnal anda bien mal") == subject_of("mi morro usa fenta") == "he"
    assert subject_of("mi ruca toma clonazepam") == subject_of("mi jefita") == "she"
    assert subject_of("my baby daddy uses dope") == subject_of("my pops drinks") == "he"
    # Someone the twitching wakes, or who wakes the writer, is not who it is about.
    assert subject_of("my legs kick at night and wake my girlfriend up") is None
    assert subject_of("my husband woke me up because i was jerking") is None
    assert subject_of("my son woke up twitching") == "he"
    # ... nor one who has it as well.
    assert subject_of("my whole body jerks. My husband says it happens to him too") is None


def test_a_question_back_reads_as_one_with_or_without_a_question_mark() -> None:
    from actions.answers import is_question

    for text in (
        "is it bad mixing them w beer",
        "could caffeine cause it?",
        "whats myoclonus",
        "how do i delete this convo",
        "will they call the cops",
        "hospital? yes or no",
    ):
        assert is_question(text), text
    for text in (
        "my legs jerk at night",
        "when im falling asleep",
        "no",
        "ya sometimes same night",
    ):
        assert not is_question(text), text


async def test_after_the_explanation_a_question_without_an_answer_is_answered_honestly() -> None:
    from rasa_sdk import Tracker
    from rasa_sdk.executor import CollectingDispatcher

    from actions.follow_up import ActionFollowUp
    from tests.support.content import domain

    async def said_to(text: str) -> list:
        message = {"text": text, "intent": {"name": "nlu_fallback"}, "entities": []}
        tracker = Tracker("t", {"twitching": "yes", "opioid_use": "no", "benzo_use": "no",
                                "alcohol_heavy": "no", "screening_explained": True},
                          message, [{"event": "user", "text": text, "parse_data": message}],
                          False, None, None, "action_listen")  # fmt: skip
        dispatcher = CollectingDispatcher()
        await ActionFollowUp().run(dispatcher, tracker, domain())
        return [m.get("response") for m in dispatcher.messages]

    assert await said_to("could the moon be doing this?") == ["utter_faq/for_admissions"]
    assert await said_to("purple monkey dishwasher") == ["utter_follow_up_unclear"]


async def test_the_same_i_didnt_follow_is_never_said_twice_in_a_row() -> None:
    from rasa_sdk import Tracker
    from rasa_sdk.executor import CollectingDispatcher

    from actions.follow_up import ActionFollowUp
    from actions.not_understood import ActionDefaultFallback, ActionNotUnderstood
    from tests.support.content import domain

    async def said(action, slots: dict, texts: list) -> list:
        events: list = []
        replies = []
        for text in texts:
            message = {"text": text, "intent": {"name": "nlu_fallback"}, "entities": []}
            events.append({"event": "user", "text": text, "parse_data": message})
            tracker = Tracker("t", slots, message, events, False, None, None, "action_listen")
            dispatcher = CollectingDispatcher()
            await action.run(dispatcher, tracker, domain())
            for m in dispatcher.messages:
                events.append({"event": "bot", "metadata": {"utter_action": m["response"]}})
            replies.append([m["response"] for m in dispatcher.messages])
        return replies

    explained = {"twitching": "yes", "opioid_use": "no", "benzo_use": "no",
                 "alcohol_heavy": "no", "screening_explained": True}  # fmt: skip
    assert await said(ActionFollowUp(), explained, ["zzz", "blah", "qwerty"]) == [
        ["utter_follow_up_unclear"], ["utter_unclear_again"], ["utter_follow_up_unclear"]]  # fmt: skip
    assert await said(ActionNotUnderstood(), {}, ["zzz", "he ok?", "why?", "blah"]) == [
        ["utter_default"], ["utter_faq/for_admissions"], ["utter_unclear_again"],
        ["utter_default"]]  # fmt: skip
    assert await said(ActionDefaultFallback(), {}, ["zzz", "blah"]) == [
        ["utter_default"], ["utter_unclear_again"]]  # fmt: skip


async def test_the_fallback_takes_the_message_back_but_keeps_the_language_it_chose() -> None:
    from rasa_sdk import Tracker
    from rasa_sdk.executor import CollectingDispatcher

    from actions.not_understood import ActionDefaultFallback
    from tests.support.content import domain

    text = "no no, me equivoque, en español por favor"
    message = {"text": text, "intent": {"name": "not_happening"}, "entities": []}
    events = [{"event": "user", "text": text, "parse_data": message},
              {"event": "slot", "name": "language", "value": "es"}]  # fmt: skip
    tracker = Tracker("t", {"language": "es"}, message, events, False, None, None, "action_listen")
    returned = await ActionDefaultFallback().run(CollectingDispatcher(), tracker, domain())
    assert [e["event"] for e in returned] == ["rewind", "slot"]
    assert returned[1]["name"] == "language" and returned[1]["value"] == "es"


async def test_after_the_explanation_a_number_nobody_understood_starts_the_callback() -> None:
    from rasa_sdk import Tracker
    from rasa_sdk.executor import CollectingDispatcher

    from actions.follow_up import ActionFollowUp
    from tests.support.content import domain

    text = "Thank you dear. Can you have someone call me? My number is 410 555 0123"
    message = {"text": text, "intent": {"name": "nlu_fallback"}, "entities": []}
    slots = {"twitching": "yes", "opioid_use": "no", "benzo_use": "no", "alcohol_heavy": "no",
             "screening_explained": True}  # fmt: skip
    tracker = Tracker("t", slots, message, [{"event": "user", "text": text, "parse_data": message}],
                      False, None, None, "action_listen")  # fmt: skip
    dispatcher = CollectingDispatcher()
    events = await ActionFollowUp().run(dispatcher, tracker, domain())
    assert events == [{"event": "followup", "name": "callback_form", "timestamp": None}]
    assert dispatcher.messages == []


async def test_a_no_after_the_explanation_takes_a_use_back_or_closes_kindly() -> None:
    from rasa_sdk import Tracker
    from rasa_sdk.executor import CollectingDispatcher

    from actions.follow_up import CORRECTED, ActionFollowUp
    from tests.support.content import domain

    async def said_to(text: str, entities: list) -> tuple:
        message = {"text": text, "intent": {"name": "deny"}, "entities": entities}
        slots = {"twitching": "yes", "opioid_use": "yes", "opioid_names": ["not sure"],
                 "benzo_use": "no", "alcohol_heavy": "no", "screening_explained": True}  # fmt: skip
        tracker = Tracker("t", slots, message, [{"event": "user", "text": text, "parse_data": message}],
                          False, None, None, "action_listen")  # fmt: skip
        dispatcher = CollectingDispatcher()
        events = await ActionFollowUp().run(dispatcher, tracker, domain())
        return [m.get("response") for m in dispatcher.messages], events

    opioids = [{"entity": "opioid", "value": "opioid", "start": 12, "end": 19}]
    said, events = await said_to("I don't use opioids", opioids)
    assert said[0] == CORRECTED
    assert {"event": "slot", "name": "opioid_use", "value": "no", "timestamp": None} in events
    said, events = await said_to("no thanks", [])
    assert said == ["utter_goodbye"] and events == []
