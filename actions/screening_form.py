"""The screening questions: which to ask and how to read every message.

While a question is open, its own parser reads each message first (text,
entities, and the intent as one hint among others). Only emergencies never
reach it: they are the form's ignored_intents and get their answer by rule.
A message that does not answer is either a hand-off (stop, a question back,
the number: the form steps aside and resumes after it) or an unclear answer
(asked again with help). Counting asks, not answers, no question is asked a
third time in a row (actions/form_validation.py).
"""

import re
from typing import Any, Dict, List, Optional, Text, Tuple

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import corrections
from actions.answers import NO, NOT_SURE, SKIPPED, UNCLEAR, YES, entity_values, is_question
from actions.callback import PRIVACY_QUESTION
from actions.form_validation import REQUESTED_SLOT, CountingValidation, intent_of
from actions.parsers import follow_up_answers, parse_answer
from actions.privacy import retention
from actions.question_back import SENTENCE_BREAK, faq_answer
from actions.questions import (
    ALL_QUESTIONS,
    SELF_EXPLAINING,
    not_asked,
    says_something,
    screening_questions,
)
from actions.subject import SELF, changed_subject, subject_change_ends, subject_of

FORM = "screening_form"
SUBJECT = "screening_for"
LIST_QUESTIONS = {"twitch_location", "twitch_timing", "opioid_names", "benzo_names"}
# Messages that are for another part of the conversation when they answer
# nothing: the form steps aside, their rule answers, the question resumes.
HAND_OFFS = {
    "stop_screening", "goodbye", "start_over", "ask_admissions", "request_callback",
    "ask_overdose_signs", "faq", "ask_what_is", "why_ask", "bot_challenge", "start_screening",
    PRIVACY_QUESTION,
}  # fmt: skip
# Starting over loses every answer, so it takes the words that say so: "all over"
# at the timing question was read as "start over".
START_OVER_WORDS = re.compile(
    r"\b(?:restart\w*|reset\w*|start\w*|begin\w*|redo|do over|from the top|from scratch|"
    r"new (?:chat|conversation)|empez\w*|reinici\w*|principio|inicio|de cero|cuenta nueva)\b",
    re.I,
)
# Naming a substance of a class says the person uses it.
SUBSTANCE_QUESTIONS = {
    "opioid": ("opioid_use", "opioid_names"),
    "benzodiazepine": ("benzo_use", "benzo_names"),
}
# Details of the twitching named in passing, kept when not yet answered.
DETAIL_ENTITIES = {"body_part": "twitch_location", "twitch_timing": "twitch_timing"}
NOT_A_NAME = {NO, NOT_SURE, SKIPPED, UNCLEAR}
PAST = "past"
# "not xanax", "never took percs", "no more oxy": the name is not a disclosure.
NEGATED = re.compile(
    r"\b(?:no|not|never|none|without|dont|don'?t|doesnt|doesn'?t|didnt|didn'?t|isnt|isn'?t|"
    r"aint|ain'?t|wont|won'?t|cant|can'?t|nah)\W+(?:\w+\W+){0,2}$"
)
# "do yall do suboxone?", "ustedes dan metadona?": what the center offers, not what
# the person takes.
ASKS_WHAT_IS_OFFERED = re.compile(
    r"\b(?:do|does|can|could|will|would)\s+(?:you|yall|y'all|u|ya|you guys|they)\b"
    r"|\b(?:ustedes|dan|tienen|ofrecen|hacen)\b",
    re.I,
)
# "do you think my xanax is causing this?" still says the person takes it.
FIRST_PERSON = re.compile(r"\b(?:my|i|im|i'm|ive|mi|mis|tomo|uso)\b", re.I)
CLAUSE_END = re.compile(r"[.!?;\n]")
# Class words ("opioids", "benzos") name no substance: "she doesn't take opioids".
CLASS_WORDS = {"opioid", "benzodiazepine"}
# Never prescribed: a "no" that need not be asked.
NEVER_PRESCRIBED = {"heroin", "kratom"}
# Benzos stopped or cut, in the person's words.
BENZOS_STOPPED = re.compile(
    r"\b(stop\w*|quit\w*|ran out|run out|cut (?:back|down)|no more|finished|took (?:them|it) away"
    r"|done with|toss\w*|thr[eo]w\w* (?:\w+ ){0,2}(?:out|away)|got rid of|flush\w*|cold turkey"
    r"|anymore|any more"
    r"|dej\w*|ya no (?:las |la |los |lo )?(?:tomo|toma|uso|usa)|se (?:me|le) acab\w*)\b"
)


def denied_uses(
    text: str, entities: List[Dict[str, Any]], answers: Dict[str, Any]
) -> Dict[str, Any]:
    """Use answers a later message takes back: "he does NOT use opioids, just xanax",
    "wait i dont take benzos at all i hit the wrong number".

    Only a denial that names the class itself counts; the follow-up questions
    of that class are then cleared (not_asked).
    """
    denied: Dict[str, Any] = {}
    for entity_type, (question, _) in SUBSTANCE_QUESTIONS.items():
        named_class = any(
            e.get("entity") == entity_type and e.get("value") == entity_type for e in entities
        )
        if (
            named_class
            and answers.get(question) not in (NO, None)
            and parse_answer(question, text, [], None) == NO  # the words, not a name in a question
        ):
            denied[question] = NO
    return denied


def early_warnings(users: List[Dict[str, Any]], answers: Dict[str, Any]) -> List[str]:
    """A withdrawal danger told is not kept for the end.

    Heavy drinking stopped, or benzos stopped, in the person's first messages
    or in an answer: seizures can come in the first days, so the warning comes
    before the next question (and again in the explanation).
    """
    warnings: List[str] = []
    for event in users:
        parse = event.get("parse_data") or {}
        text = str(event.get("text") or "").lower()
        entities = parse.get("entities") or []
        stopping = follow_up_answers("alcohol_heavy", text, entities).get("alcohol_stopped")
        if answers.get("alcohol_heavy") == YES and stopping == YES:
            warnings.append("utter_explain_alcohol_withdrawal")
        if entity_values(entities, "benzodiazepine") and BENZOS_STOPPED.search(text):
            warnings.append("utter_explain_stopping_benzos")
    return list(dict.fromkeys(warnings))


def already_said(tracker: Tracker, response: str) -> bool:
    return any(
        e.get("event") == "bot" and (e.get("metadata") or {}).get("utter_action") == response
        for e in tracker.events
    )


def asks_what_is_offered(clause: str) -> bool:
    return bool(ASKS_WHAT_IS_OFFERED.search(clause)) and not FIRST_PERSON.search(clause)


def clause_of(text: str, at: int) -> str:
    """The clause of the text around a position: from the last break before it to the next."""
    start = max((m.end() for m in CLAUSE_END.finditer(text, 0, at)), default=0)
    end = CLAUSE_END.search(text, at)
    return text[start : end.start() if end else len(text)]


def implied_answers(
    text: str, entities: List[Dict[str, Any]], answers: Dict[str, Any]
) -> Dict[str, Any]:
    """Answers a message gives in passing: "my legs jump since I started oxy".

    A substance named later changes an earlier "no" ("actually I do take
    xanax"), so the follow-up questions it implies are asked.
    """
    updates: Dict[str, Any] = {}
    for entity_type, (use, names) in SUBSTANCE_QUESTIONS.items():
        found = [
            str(e["value"])
            for e in entities
            if e.get("entity") == entity_type
            and e.get("value") not in CLASS_WORDS
            and not NEGATED.search(text[: e.get("start", 0)].lower())
            and not asks_what_is_offered(clause_of(text, e.get("start", 0)))
        ]
        if not found:
            continue
        updates[use] = YES
        known = [v for v in answers.get(names) or [] if v not in NOT_A_NAME]
        updates[names] = known + [v for v in dict.fromkeys(found) if v not in known]
    others = entity_values(entities, "other_substance")
    if others:
        known = list(answers.get("other_substances") or [])
        updates["other_substances"] = known + [v for v in others if v not in known]
    if answers.get("twitching") != NO:
        for entity_type, slot in DETAIL_ENTITIES.items():
            found = entity_values(entities, entity_type)
            if found and answers.get(slot) is None:
                updates[slot] = found
        if any(slot in updates for slot in DETAIL_ENTITIES.values()) and not answers.get(
            "twitching"
        ):
            updates["twitching"] = YES
    return {slot: value for slot, value in updates.items() if answers.get(slot) != value}


# A duration said in passing is how long only with a word that says so.
DURATION_CUE = re.compile(
    r"\b(?:ago|since|started|start|began|begun|been|for (?:a|about|like|the past|over)|past|last)\b"
)
TWITCH_WORD = re.compile(r"twitch|jerk|jump|spasm|kick|shak|trembl|tremor|myoclon")
CLAUSE_BREAK = re.compile(r"[.;!?]|\bbut\b")
# "overdosed two years ago and got clean": a stop long ago is no recent dose change.
LONG_AGO = re.compile(r"\b(?:years?|yrs?|months?)\s+ago\b|\blast year\b|\byears back\b")


def twitching_duration_said(text: str) -> bool:
    """Whether one clause tells how long the twitching has lasted ("my legs jump
    since a month"), not "overdosed two years ago ... my legs twitch at night"."""
    return any(
        DURATION_CUE.search(clause) and TWITCH_WORD.search(clause)
        for clause in CLAUSE_BREAK.split(text.lower())
    )


# A "no" to drinking is always asked: read from a story it could hide a drinker.
ALCOHOL_AMOUNTS = {YES, "binge"}


def told_in_own_words(
    text: str, entities: List[Dict[str, Any]], answers: Dict[str, Any]
) -> Dict[str, Any]:
    """Answers a message gives in its own words before they are asked.

    "started about a week ago", "my doctor prescribed it", "a fifth a day":
    the question is then not asked again.
    """
    told: Dict[str, Any] = {}
    for question in SELF_EXPLAINING:
        current = {**answers, **told}
        if question not in screening_questions(current) or current.get(question) is not None:
            continue
        value = parse_answer(question, text, entities, None)
        if question == "alcohol_heavy":  # yes, binge or no: said only with a drink named
            named = any(e.get("entity") == "alcohol" for e in entities)
            value = value if named and value in ALCOHOL_AMOUNTS else None
        elif question == "twitch_duration" and not twitching_duration_said(text):
            value = None  # "a fifth a day" is how often; "stopped 3 days ago" is not the twitching
        elif question == "opioid_dose_change" and value in ("stopped", "down"):
            value = None if LONG_AGO.search(text.lower()) else value
        if says_something(value) or (question == "alcohol_heavy" and value is not None):
            told[question] = value
    return told


# The details a message naming a substance may answer before they are asked.
PASSING_DETAILS = ("opioid_prescribed", "opioid_dose_change", "benzo_prescribed")
LEADING_YES_OR_NO = re.compile(
    r"\W*(?:(?:yes|yeah|yep|yup|ya|yea|si|sí|no|nope|nah|ok|i think so|i guess so|i guess"
    r"|probably|maybe|creo que si|creo que sí|creo que no|i don'?t think so|i dont think so)"
    r"\b\W*)*",
    re.I,
)


def after(cut: int, text: str, entities: List[Dict[str, Any]]) -> Tuple[str, List[Dict[str, Any]]]:
    """The text from `cut` on, with the entities found in it."""
    return text[cut:], [
        {**e, "start": e["start"] - cut, "end": e["end"] - cut}
        for e in entities
        if e.get("start", 0) >= cut
    ]


def told_in_passing(
    question: str, text: str, entities: List[Dict[str, Any]], answers: Dict[str, Any]
) -> Dict[str, Any]:
    """What a message naming a substance tells about its other questions while
    `question` is open: "yes, my doctor has me on hydrocodone" (prescribed),
    "they raised my dose". A yes or no that answers the open question says nothing here."""
    if not any(e.get("entity") in SUBSTANCE_QUESTIONS for e in entities):
        return {}
    leading = LEADING_YES_OR_NO.match(text)
    rest_text, rest = after(leading.end() if leading else 0, text, entities)
    told: Dict[str, Any] = {}
    for detail in PASSING_DETAILS:
        if detail == question or answers.get(detail) is not None:
            continue
        if detail not in screening_questions({**answers, **told}):
            continue
        value = parse_answer(detail, rest_text, rest, None)
        if detail == "opioid_dose_change" and LONG_AGO.search(text.lower()):
            continue
        if value in (YES, NO) or says_something(value):
            told[detail] = value
    return told


# Questions whose answers people say unsure, as a question ("a while?", "at night?").
TENTATIVE_ANSWERS = ("twitch_location", "twitch_timing", "twitch_duration")


def asks_only_its_answer(question: str, text: str) -> bool:
    """Whether each question in the message is the answer said unsure: "hard to say.
    a while? i first noticed a few weeks back" asks nothing of the assistant."""
    if question not in TENTATIVE_ANSWERS:
        return False  # yes/no parsers read "is xanax bad?" as a yes
    asking = [part for part in SENTENCE_BREAK.split(text) if is_question(part)]
    return bool(asking) and all(
        parse_answer(question, part, [], None) not in (None, UNCLEAR) for part in asking
    )


def messages_before_the_screening(events: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """The person's messages up to the screening's first start.

    When it resumes later (after a callback request, say), what was said in
    between answered other questions: "evenings" is a time to call, not when
    the twitching comes.
    """
    users: List[Dict[str, Any]] = []
    for event in events:
        if event.get("event") == "active_loop" and event.get("name") == FORM:
            break
        if event.get("event") == "user":
            users.append(event)
    return users


class ValidateScreeningForm(CountingValidation):
    """Reads the answers of `screening_form` and chooses the next question."""

    def name(self) -> Text:
        return "validate_screening_form"

    async def required_slots(
        self,
        domain_slots: List[Text],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> List[Text]:
        return screening_questions(tracker.slots)

    async def get_validation_events(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> List[EventType]:
        answers = dict(tracker.slots)
        if tracker.get_slot(REQUESTED_SLOT) not in ALL_QUESTIONS:  # the screening starts
            events = self.said_before(tracker, domain)
            told = {
                **answers,
                **{e["name"]: e["value"] for e in events if e.get("event") == "slot"},
            }
            for warning in early_warnings(self.before(tracker, domain), told):
                dispatcher.utter_message(response=warning)
        elif not self.is_new_message(tracker) or intent_of(tracker) in self.ignored_intents(domain):
            return []  # resuming after a hand-off, or an emergency: nothing to read
        else:
            events = self.read_message(dispatcher, tracker, answers)
            # "i quit my bars last week" mid-screening: the warning now, not at the end.
            told = {
                **answers,
                **{e["name"]: e["value"] for e in events if e.get("event") == "slot"},
            }
            latest = {
                "text": tracker.latest_message.get("text"),
                "parse_data": tracker.latest_message,
            }
            for warning in early_warnings([latest], told):
                if not already_said(tracker, warning):
                    dispatcher.utter_message(response=warning)
        answers.update({e["name"]: e["value"] for e in events if e.get("event") == "slot"})
        if set(answers.get("opioid_names") or ["?"]) <= NEVER_PRESCRIBED and not answers.get(
            "opioid_prescribed"
        ):
            events.append(
                SlotSet("opioid_prescribed", NO)
            )  # nobody is asked if heroin is prescribed
            answers["opioid_prescribed"] = NO
        return events + [SlotSet(q, None) for q in not_asked(answers)]

    def before(self, tracker: Tracker, domain: DomainDict) -> List[Dict[str, Any]]:
        """The messages before the screening that may answer its questions.

        Not emergencies (they were answered), and not a last message that only
        started the screening ("yes"); one that told the problem ("my son has
        twitching") counts.
        """
        skip = set(self.ignored_intents(domain))
        users = messages_before_the_screening(tracker.events)
        if users and parse_answer("start", users[-1].get("text") or "", [], None) == YES:
            users = users[:-1]
        return [
            e
            for e in users
            if ((e.get("parse_data") or {}).get("intent") or {}).get("name") not in skip
        ]

    def said_before(self, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        """What the person said before the screening started counts: "my son's legs jerk"."""
        answers = dict(tracker.slots)
        events: List[EventType] = []
        for event in self.before(tracker, domain):
            parse = event.get("parse_data") or {}
            text = event.get("text") or ""
            if not answers.get(SUBJECT) and subject_of(text):
                answers[SUBJECT] = subject_of(text)
                events.append(SlotSet(SUBJECT, answers[SUBJECT]))
            implied = implied_answers(text, parse.get("entities") or [], answers)
            if not answers.get("twitching") and parse_answer("twitching", text, [], None) == YES:
                implied["twitching"] = YES  # "my son keeps twitching" answers the first question
            answers.update(implied)
            told = told_in_own_words(text, parse.get("entities") or [], answers)
            answers.update(told)
            events += [SlotSet(slot, value) for slot, value in {**implied, **told}.items()]
        return events

    def read_message(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, answers: Dict[str, Any]
    ) -> List[EventType]:
        question = str(tracker.get_slot(REQUESTED_SLOT))
        text = str(tracker.latest_message.get("text") or "")
        entities = tracker.latest_message.get("entities") or []
        intent = intent_of(tracker)
        if intent == "start_over" and not START_OVER_WORDS.search(text):
            intent = None
        events: List[EventType] = []
        if question == "twitching" and not answers.get(SUBJECT) and subject_of(text):
            events.append(SlotSet(SUBJECT, subject_of(text)))
        subject = changed_subject(text)
        if subject and subject != (answers.get(SUBJECT) or SELF):
            # "not me, my son": the open question is asked again, about him, unless the
            # rest of the message answers it ("Not me, my son. No opioids that I know of").
            events.append(SlotSet(SUBJECT, subject))
            answers[SUBJECT] = subject
            text, entities = after(subject_change_ends(text), text, entities)
            intent = None  # the intent was read from the whole message, "not me" included
            if not text.strip(" .,!?"):
                return events + [SlotSet(question, None)]

        previous = corrections.previous_question(tracker.events, ALL_QUESTIONS, question)
        if (
            previous
            and corrections.wants_to_go_back(text)
            and not implied_answers(text, entities, answers)
            and parse_answer(previous, text, entities, None) is None
        ):
            # The earlier question comes first again; this one waits, uncounted.
            # ("go back. I do take Klonopin" is a correction, read below.)
            return events + [SlotSet(previous, None), SlotSet(question, None)]
        fixed = self.corrected(previous, text, entities, answers) or {
            q: v for q, v in denied_uses(text, entities, answers).items() if q != question
        }
        for fixed_question, value in list(fixed.items()):
            if value == YES:  # "go back. I do take Klonopin, my psychiatrist prescribes it"
                fixed.update(follow_up_answers(fixed_question, text, entities))
        implied = {} if fixed else implied_answers(text, entities, answers)
        # "actually I do take xanax" changes an earlier answer: a correction,
        # not an answer to the open question.
        uses = [use for use, _ in SUBSTANCE_QUESTIONS.values()]
        fixed.update(
            {q: v for q, v in implied.items() if q in uses and answers.get(q) in (NO, PAST)}
        )
        answers.update({**fixed, **implied})
        # "my doctor has me on hydrocodone" at another question: prescribed, not asked again.
        told = {} if fixed else told_in_passing(question, text, entities, answers)
        answers.update(told)
        events += [SlotSet(slot, value) for slot, value in {**fixed, **implied, **told}.items()]
        answer = None if fixed else parse_answer(question, text, entities, intent)
        if answer is not None:
            if not asks_only_its_answer(question, text):
                self.answer_question_back(dispatcher, tracker)
            answers[question] = answer
            to_ask = screening_questions(answers)
            told = {
                q: v
                for q, v in follow_up_answers(question, text, entities).items()
                if q in to_ask and answers.get(q) is None
            }
            return events + [SlotSet(question, answer)] + [SlotSet(q, v) for q, v in told.items()]
        if question in implied or question in told:
            return events
        unclear: Any = [UNCLEAR] if question in LIST_QUESTIONS else UNCLEAR
        return events + self.not_an_answer(
            question,
            dispatcher,
            tracker,
            unclear,
            hand_off=not fixed and intent in HAND_OFFS,
            quiet=bool(fixed or implied),
        )

    @staticmethod
    def answer_question_back(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
        """A message that answers and asks ("a few weeks. who sees this?"): both count."""
        if intent_of(tracker) == PRIVACY_QUESTION:
            dispatcher.utter_message(response="utter_data_kept", **retention())
            return
        question_back = faq_answer(tracker)
        if question_back:
            dispatcher.utter_message(response=question_back)

    @staticmethod
    def corrected(
        previous: Optional[str], text: str, entities: List[Dict[str, Any]], answers: Dict[str, Any]
    ) -> Dict[str, Any]:
        """A new answer to the previous question: "wait, I meant no"."""
        new_answer = corrections.corrected_answer(text)
        if previous is None or new_answer is None:
            return {}
        value = parse_answer(previous, new_answer, entities, None)
        return {previous: value} if value is not None and value != answers.get(previous) else {}
