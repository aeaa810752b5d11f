"""The callback request: consent, name, phone number, time; then it is stored.

Consent is asked first, after a notice of what is kept and who sees it, so
that nothing is collected from someone who does not want to be called.
"""

import asyncio
import logging
import os
import re
from typing import Any, Dict, List, Optional, Set, Text

import phonenumbers
from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.exc import SQLAlchemyError

from actions import answers
from actions.form_validation import REQUESTED_SLOT, CountingValidation, intent_of
from actions.question_back import faq_answer
from actions.questions import screening_questions
from actions.summary import screening_summary
from storage import callbacks as store
from storage import crypto
from storage.names import LANGUAGE_SLOT, SMS_CHANNEL, SMS_SENDER_NUMBER_KEY

logger = logging.getLogger(__name__)

DEFAULT_REGION = "US"
PREFER_NOT_TO_SAY = "prefer not to say"
ANY_TIME = "any time"
SKIP_PAYLOAD = "/skip"
SPANISH = "es"
MAX_NAME = 40
MAX_TIME = 80
NAME_LEAD_IN = re.compile(
    r"^\W*(my name is|my name's|i am|i'm|im|it's|its|call me|this is)\s+", re.I
)
DECLINED = re.compile(r"prefer not|rather not|no name|not say|don'?t want|anonymous", re.I)
# A one- or two-word answer the classifier calls a refusal is still a name ("Quintessa"
# read as skip) unless it is one of the short ways of saying no.
SHORT_REFUSAL = re.compile(
    r"^/?(no+|nope|nah|na|n/?a|skip|pass|none|nothing|idk|dunno|not sure|no thanks?|"
    r"no thank you|never ?mind|why|later|no se|no gracias|paso|prefiero no|omitir|saltar)\W*$",
    re.I,
)
# Details given in passing ("I'm Linda, 703-555-0199, any time today", "me llamo
# Guadalupe, mi cel es ...", "Jen, 614-555-0121, evenings"): a name only after words
# that say it is one, or right before the number, capitalised unless "name is" says so.
NAME_SAID = re.compile(
    r"\b(?:(?i:my name is|name is|my name's|name's|me llamo|mi nombre es)\s+([A-Za-z][a-z'-]+)"
    r"|(?:I'm|I am|Im|im|i'm|This is|this is|It's|Soy|soy)\s+([A-Z][a-z'-]+)"
    r"|([A-Z][a-z'-]+),?\s*\(?\d{3})"
)
# Words that may come right before a number: "Yes, 703-555-0199".
NOT_A_NAME = frozenset(
    "yes yeah yep no nope ok okay sure si please thanks call text phone number cell hi "
    "hello hola home work mobile mi my celular numero tel claro at is its es al el to "
    "reach try dial today tonight tomorrow morning evening monday tuesday wednesday "
    "thursday friday saturday sunday".split()
)
TIME_SAID = re.compile(
    r"\b(any ?time|mornings?|afternoons?|evenings?|nights?|tonight|today|tomorrow|noon|"
    r"weekends?|weekdays?|asap|right now|lunch ?time|entre semana|fines? de semana|"
    r"(?:except|but not|not) (?:between |from )?\d{1,2}(?::\d{2})?(?: ?(?:to|-|and) ?\d{1,2})?|"
    r"\d{1,2}(?::\d{2})? ?(?:-|to) ?\d{1,2}(?::\d{2})?|de \d{1,2}(?::\d{2})? a \d{1,2}(?::\d{2})?|"
    r"(?:(?:after|before|around|between|at|by|and) )?\d{1,2}(?::\d{2})? ?(?:am|pm|o'?clock)|"
    r"(?:after|before|around|between|at|by) \d{1,2}(?::\d{2})?(?: (?:and|to|-) \d{1,2})?|"
    r"(?:mon|tues|wednes|thurs|fri|satur|sun)days?|"
    r"(?:(?:por|en|de) la )?(?:manana|mañana|tarde|noche)|temprano|hoy|cualquier hora|ahorita|"
    r"mediodia|mediodía|(?:antes|despues|después|a partir) de las? \d{1,2}(?::\d{2})?|"
    r"(?:entre )?las \d{1,2}(?::\d{2})?(?: y las? \d{1,2})?|"
    r"(?:lunes|martes|miercoles|miércoles|jueves|viernes|sabado|sábado|domingo))\b",
    re.I,
)
# A time to call without a time word ("after work", "whenever", "cuando sea"): a short answer.
MAX_TIME_WORDS = 5
# "don't call", "cancel the callback", "no me llamen": the person does not want a call.
DONT_CALL = re.compile(
    r"\b(?:don'?t|do not|dont|no need to|stop)\s+(?:\w+\s+)?call"
    r"|\bcancel\w*\b.{0,30}\b(?:call|request)"
    r"|\b(?:no|ya no|mejor no)\s+(?:me\s+)?llam(?:en|es|e)\b"
    r"|\bcancel\w*\b.{0,30}\bllamada",
    re.I,
)
# A time to avoid, not a call declined: "no me llamen en la mañana", "not before 10am".
NOT_AT_A_TIME = re.compile(
    r"\b(?:don'?t|do not|dont|no|not|mejor no)\s+(?:me\s+)?(?:call|llam\w*)\s+(?:me\s+)?"
    r"(?:in|at|after|before|on|during|until|til|en|a|despues|después|antes|por|el|los|la|de)\b"
    r"|\b(?:not|no)\s+(?:before|after|until|antes|despues|después)\b",
    re.I,
)
CANCEL_INTENT = "cancel_callback"
REQUEST_INTENT = "request_callback"
CANCELLED = "cancelled"
CALL_WORD = re.compile(r"\bcall", re.I)
# A time in the past is never a time to call: "he stopped drinking yesterday morning".
PAST_TIME = re.compile(
    r"\b(yesterday|last|ago|earlier|this past|ayer|anoche|antier|pasad[oa]|hace)\b", re.I
)
AFTER_CALL = re.compile(r"\bcall(?:\s+me)?(?:\s+back)?(?:\s+(?:at|on))?\b", re.I)
CLAUSES = re.compile(r"[,;.!?\n]+")
SENTENCES = re.compile(r"[;.!?\n]+")
LEAD_WORDS = re.compile(
    r"^\W*((yes|yeah|yep|ok|okay|sure|please|pls|and|can you|could you|call me|call|best|is|at)"
    r"\b\W*)+",
    re.I,
)
TRAILING_WORDS = re.compile(r"(\W+(at|on|by|and|please|pls))+\W*$", re.I)

CONSENT = "callback_consent"
NAME = "callback_name"
PHONE = "callback_phone"
TIME = "callback_time"
SMS_NUMBER_DECLINED = "callback_sms_number_declined"
EMERGENCY_SHOWN = "emergency_answer_shown"
# Remembered so that nothing said later claims nothing was saved.
SAVED = "callback_saved"
REQUEST_SLOTS = [CONSENT, NAME, PHONE, TIME, SMS_NUMBER_DECLINED]
# A name or a time can be any words, even "stop" or "bye"; only these
# questions interrupt them (emergencies are the form's ignored_intents).
HAND_OFFS = {"ask_admissions", "ask_overdose_signs"}
# "wrong number", "el numero esta mal": the number is asked again.
NUMBER_WORD = re.compile(r"\b(?:number|numbr|num|phone|n[uú]mero|tel[eé]fono|cel|celular)\b", re.I)
# "If I say yes, what do you keep?" is no yes: asked at any of these questions, it is answered first.
PRIVACY_QUESTION = "ask_data_kept"
FREE_TEXT = {NAME, TIME}
UNCLEAR_ANSWERS = {
    CONSENT: answers.NO,
    NAME: PREFER_NOT_TO_SAY,
    PHONE: answers.UNCLEAR,
    TIME: ANY_TIME,
}


# Digits as a number is typed: at least 11 of them with spaces, dots, dashes or brackets.
NUMBER_RUN = re.compile(r"\d(?:[\s().-]*\d){10,14}")


def region() -> str:
    """The region for numbers typed without a country code (CALLBACK_REGION, default US)."""
    return (os.environ.get("CALLBACK_REGION") or DEFAULT_REGION).upper()


def e164(text: Any) -> Optional[str]:
    """The phone number in the text, in E.164 (+16175550123); None if there is no valid one.

    A matcher rather than a plain parse: a parse reads letters as keypad digits,
    so "617-555-0123 please" would become another number.
    """
    text = str(text or "")
    found = first_number(text)
    run = NUMBER_RUN.search(text)
    if found is None and run and run.group()[0] not in "01":
        # "52 55 1234 5678": a country code typed without its "+".
        found = first_number(f"{text[: run.start()]}+{text[run.start() :]}")
    return found


def first_number(text: str) -> Optional[str]:
    for match in phonenumbers.PhoneNumberMatcher(text, region()):
        return str(phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164))
    return None


def readable(number: str) -> str:
    """A stored E.164 number as people write it: (301) 555-0138."""
    parsed = phonenumbers.parse(number, region())
    return str(phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL))


def sms_number(tracker: Tracker) -> Optional[str]:
    """On SMS, the sender's own number (Twilio's From, which the SMS channel
    passes in the message metadata), if it is a valid one."""
    if tracker.get_latest_input_channel() != SMS_CHANNEL:
        return None
    metadata = tracker.latest_message.get("metadata") or {}
    return e164(sender_number(metadata.get(SMS_SENDER_NUMBER_KEY)))


def sender_number(sealed: Any) -> Optional[str]:
    """The number the SMS channel encrypted into the metadata; None if it cannot be read."""
    try:
        return crypto.decrypt(str(sealed)) if sealed else None
    except (crypto.InvalidToken, crypto.KeySettingError):
        return None


def offers_sms_number(tracker: Tracker) -> bool:
    return sms_number(tracker) is not None and not tracker.get_slot(SMS_NUMBER_DECLINED)


def name_answer(value: Any, intent: Optional[str]) -> Optional[str]:
    """A first name or initials as typed, or "prefer not to say".

    With a number or a time in the same message ("Tom, 571 555 0143, evenings"),
    only the name: the words before them.
    """
    text = NAME_LEAD_IN.sub("", str(value or "")).strip(" .!,")
    if DECLINED.search(text) or (intent in ("skip", "deny", "unsure") and refuses(text)):
        return PREFER_NOT_TO_SAY
    said = name_said(text)
    if said:
        return said
    if e164(text) or TIME_SAID.search(text):
        first = CLAUSES.split(text)[0].strip()
        words = first.split()
        if 0 < len(words) <= 2 and not any(c.isdigit() for c in first):
            return first[:MAX_NAME]
    return text[:MAX_NAME] or None


def refuses(text: str) -> bool:
    return bool(SHORT_REFUSAL.match(text)) or len(text.split()) > 2


def name_with_number(text: str, intent: Optional[str]) -> Optional[str]:
    """The name in a message that also gives a number, if it has one."""
    said = name_said(text) or name_answer(text, intent)
    if said and (any(char.isdigit() for char in said) or len(said.split()) > 3):
        return None  # "wait wrong number, its 301-555-0138": no name in it
    return said


def name_said(text: str) -> Optional[str]:
    match = NAME_SAID.search(text)
    name = next(name for name in match.groups() if name) if match else None
    return name[:MAX_NAME] if name and name.lower() not in NOT_A_NAME else None


def time_said(text: str) -> Optional[str]:
    """The words of the message that say when to call ("any time today", "tomorrow
    morning at 9am", "por la mañana, antes de las 11"), from the first time word to
    the last; number left out."""
    for match in phonenumbers.PhoneNumberMatcher(text, region()):
        text = text.replace(match.raw_string, " ")
    timed = [
        run
        for sentence in SENTENCES.split(text)
        for run in timed_runs(sentence)
        if not PAST_TIME.search(run)
    ]
    # "every night n i take suboxone. call me after 6pm": the one about calling.
    timed.sort(key=lambda run: not CALL_WORD.search(run))
    for run in timed:
        # "no me llamen en la mañana": a time to avoid keeps the words that say so
        time_at, avoid = TIME_SAID.search(run), NOT_AT_A_TIME.search(run)
        avoid_at = avoid.start() if avoid and time_at and avoid.start() < time_at.start() else None
        after_call = AFTER_CALL.split(run)[-1]  # "name is Chris call me at ... after 6pm"
        if avoid_at is not None:
            run = run[avoid_at:]
        elif TIME_SAID.search(after_call):
            run = after_call
        words = [match.span() for match in TIME_SAID.finditer(run)]
        start = 0 if avoid_at is not None else words[0][0]
        # "tomorrow about detox": "tomorrow"; "Kevin tomorrow around noon": "tomorrow around noon".
        said = " ".join(run[start : words[-1][1]].split())
        return TRAILING_WORDS.sub("", said)[:MAX_TIME] or None
    return None


def timed_runs(sentence: str) -> List[str]:
    """The parts of a sentence that say a time, next parts joined: "por la mañana, antes de las 11"."""
    runs: List[List[str]] = [[]]
    for part in sentence.split(","):
        if TIME_SAID.search(part):
            runs[-1].append(part)
        elif runs[-1]:
            runs.append([])
    return [",".join(run) for run in runs if run]


def declines_a_call(text: str, intent: Optional[str]) -> bool:
    """A call declined ("actually no, don't call, my brother might hear", "cancel my
    callback"), not a time to avoid ("no me llamen en la noche", "don't call after 6")."""
    if NOT_AT_A_TIME.search(text):
        return False
    return intent == CANCEL_INTENT or bool(DONT_CALL.search(text))


def contact_details(texts: List[str]) -> Dict[str, str]:
    """The name, number and time to call said in these messages, newest first."""
    told: Dict[str, str] = {}
    for text in texts:
        for slot, value in ((NAME, name_said(text)), (PHONE, e164(text)), (TIME, time_said(text))):
            if value and slot not in told:
                told[slot] = value
    return told


def texts_newest_first(tracker: Tracker) -> List[str]:
    """The person's messages, newest first: details said at the start count too
    ("name is Chris call me at 2125550147 after 6pm", then "2" for the number)."""
    return [str(e.get("text") or "") for e in reversed(tracker.events) if e.get("event") == "user"]


def texts_since_the_request(tracker: Tracker) -> List[str]:
    """The messages since the callback form started, and the one that started it."""
    texts: List[str] = []
    started = False
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            texts.append(str(event.get("text") or ""))
            if started:
                break
        elif event.get("event") == "active_loop" and event.get("name") == "callback_form":
            started = True
    return texts


def time_answer(value: Any, intent: Optional[str]) -> Optional[str]:
    """A good time to call: its time words ("tomorrow morning"), or a short answer as
    typed ("after work"); "skip" or "not sure" means any time. None for anything else
    ("im not sure what to do about my son"), which is asked again."""
    text = " ".join(str(value or "").split()).strip(" .!")
    if intent in ("skip", "unsure"):
        return ANY_TIME
    said = time_said(text)
    if said:
        return said
    if 0 < len(text.split()) <= MAX_TIME_WORDS:
        return text[:MAX_TIME]
    return None


class ValidateCallbackForm(CountingValidation):
    """Reads the answers of `callback_form`."""

    def name(self) -> Text:
        return "validate_callback_form"

    def asks(self, slot: str) -> Set[str]:
        if slot == PHONE:  # asked by action_ask_callback_phone, one of two ways
            return {"utter_ask_callback_phone", "utter_ask_callback_phone_this_number"}
        return super().asks(slot)

    async def required_slots(
        self,
        domain_slots: List[Text],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> List[Text]:
        if tracker.get_slot(CONSENT) != answers.YES:
            return [CONSENT]
        if tracker.get_slot(PHONE) == answers.UNCLEAR:
            return [CONSENT, NAME, PHONE]  # no usable number: stop and offer the line
        return [CONSENT, NAME, PHONE, TIME]

    async def get_validation_events(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> List[EventType]:
        slot = tracker.get_slot(REQUESTED_SLOT)
        intent = intent_of(tracker)
        if slot is None and tracker.get_slot(CONSENT) == answers.YES:
            return [SlotSet(name, value) for name, value in self.fixes(tracker).items()]
        if (
            (tracker.active_loop or {}).get("name") != self.form_name()
            or slot not in (CONSENT, NAME, PHONE, TIME)
            or not self.is_new_message(tracker)
            or intent in self.ignored_intents(domain)
        ):
            return []
        text = str(tracker.latest_message.get("text") or "")
        if declines_a_call(text, intent):
            # The form ends; action_submit_callback cancels any earlier request too.
            return [SlotSet(CONSENT, CANCELLED), *(SlotSet(s, None) for s in (NAME, PHONE, TIME))]
        if intent == PRIVACY_QUESTION or (slot in FREE_TEXT and intent in HAND_OFFS):
            return self.not_an_answer(
                slot, dispatcher, tracker, UNCLEAR_ANSWERS[slot], hand_off=True
            )
        # A question back ("what is naloxone?") is answered, and the question asked again.
        question_back = faq_answer(tracker)
        if question_back:
            dispatcher.utter_message(response=question_back)
        updates = (
            {} if question_back and slot in FREE_TEXT else self.read(slot, text, intent, tracker)
        )
        if any(value is not None for value in updates.values()):
            updates.update(self.also_told(tracker, updates))
            return [SlotSet(name, value) for name, value in updates.items()]
        return self.not_an_answer(
            slot,
            dispatcher,
            tracker,
            UNCLEAR_ANSWERS[slot],
            hand_off=intent in HAND_OFFS,
            quiet=bool(question_back),
        )

    @staticmethod
    def fixes(tracker: Tracker) -> Dict[str, Any]:
        """ "call me at 5 instead", "wrong number" after a request was saved: consent and
        the name stand; what the message says replaces, a number said to be wrong is
        asked again, and the time is asked unless given."""
        text = str(tracker.latest_message.get("text") or "")
        told: Dict[str, Any] = contact_details([text])
        if PHONE not in told and NUMBER_WORD.search(text):
            told[PHONE] = None
        return told

    @staticmethod
    def also_told(tracker: Tracker, updates: Dict[str, Any]) -> Dict[str, Any]:
        """Once consent is given, the details already said are not asked again."""
        if updates.get(CONSENT, tracker.get_slot(CONSENT)) != answers.YES:
            return {}
        # A name or a number is said in so many words anywhere; a time only with the
        # request or with a number ("he took them tonight" is no time to call).
        texts = texts_newest_first(tracker)
        about_calling = [t for t in texts if e164(t) or CALL_WORD.search(t)]
        told = contact_details(texts)
        told.pop(TIME, None)
        when = contact_details(texts_since_the_request(tracker) + about_calling).get(TIME)
        if when:
            told[TIME] = when
        return {
            slot: value
            for slot, value in told.items()
            if slot not in updates and tracker.get_slot(slot) is None
        }

    @staticmethod
    def read(slot: str, text: str, intent: Optional[str], tracker: Tracker) -> Dict[str, Any]:
        """The slot values one message gives for the open question."""
        if slot == CONSENT:
            answer = answers.yes_no(text, intent)
            if answer is None and (intent == REQUEST_INTENT or e164(text) or name_said(text)):
                # "si, que me llamen", "313-555-0142", "my name is Dana": asking for the
                # call, or giving the details the question names, is agreeing to have
                # them kept (also_told then keeps them).
                answer = answers.YES
            # Otherwise only an explicit yes is consent.
            return {
                CONSENT: answers.NO if answer in (answers.NOT_SURE, answers.SKIPPED) else answer
            }
        number = e164(text)
        if slot in (NAME, TIME) and number:
            # "wait wrong number, its 301-555-0138": the number again, corrected;
            # "Tom, 571 555 0143, evenings": the name, the number and the time.
            # The question's own slot is set even when the message has none for it:
            # the form's free-text mapping had filled it with the whole message.
            said = name_with_number(text, intent) if slot == NAME else time_said(text)
            return {PHONE: number, slot: said}
        if slot == NAME:
            return {NAME: name_answer(text, intent)}
        if slot == TIME:
            return {TIME: time_answer(text, intent)}
        if number is None and offers_sms_number(tracker):
            # "Call you at this number?" was asked.
            reply = answers.yes_no(text, intent)
            if reply == answers.YES:
                number = sms_number(tracker)
            elif reply == answers.NO:
                return {PHONE: None, SMS_NUMBER_DECLINED: True}
        return {PHONE: number}


class ActionAskCallbackPhone(Action):
    """Asks for the number; on SMS offers the number the person is texting from."""

    def name(self) -> Text:
        return "action_ask_callback_phone"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        if offers_sms_number(tracker):
            dispatcher.utter_message(response="utter_ask_callback_phone_this_number")
        else:
            dispatcher.utter_message(response="utter_ask_callback_phone")
        return []


def as_offered(when: str, tracker: Tracker, domain: DomainDict) -> str:
    """A time chosen by button, in the words of the button the person saw: "morning"
    read back to a Spanish speaker is "Por la mañana"; any time is "A cualquier hora"."""
    payload = SKIP_PAYLOAD if when == ANY_TIME else when
    language = tracker.get_slot(LANGUAGE_SLOT)
    for variant in (domain.get("responses") or {}).get("utter_ask_callback_time") or []:
        said_in = {c.get("name"): c.get("value") for c in variant.get("condition") or []}
        if said_in.get(LANGUAGE_SLOT) == (language if language == SPANISH else None):
            for button in variant.get("buttons") or []:
                if button.get("payload") == payload:
                    return str(button["title"])
    return when


def request_from(tracker: Tracker) -> store.NewRequest:
    slots = tracker.slots
    finished = all(slots.get(q) is not None for q in screening_questions(slots))
    return store.NewRequest(
        first_name=str(slots.get(NAME) or PREFER_NOT_TO_SAY),
        phone=str(slots[PHONE]),
        best_time=str(slots.get(TIME) or ANY_TIME),
        channel=tracker.get_latest_input_channel() or "unknown",
        conversation_id=tracker.sender_id,
        emergency_answer_shown=bool(slots.get(EMERGENCY_SHOWN)),
        summary=screening_summary(slots, tracker.events, finished),
    )


class ActionSubmitCallback(Action):
    """Stores a consented request, then says honestly whether it was stored.

    Whatever happens, the person leaves with a way to reach admissions, and
    the request's details are cleared so that a later request starts afresh.
    """

    def name(self) -> Text:
        return "action_submit_callback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        cleared: List[EventType] = [SlotSet(slot, None) for slot in REQUEST_SLOTS]
        if tracker.get_slot(CONSENT) == CANCELLED:
            return cleared + await cancel_requests(dispatcher, tracker)
        if tracker.get_slot(CONSENT) != answers.YES:
            dispatcher.utter_message(response="utter_callback_not_stored")
            dispatcher.utter_message(response="utter_admissions_contact")
            return cleared
        if e164(tracker.get_slot(PHONE)) is None:
            dispatcher.utter_message(response="utter_callback_no_number")
            dispatcher.utter_message(response="utter_admissions_contact")
            return cleared
        try:
            request_id = await asyncio.to_thread(
                store.save, request_from(tracker), replacing=bool(tracker.get_slot(SAVED))
            )
        except (SQLAlchemyError, OSError) as error:
            # The class only: database errors quote the row, with the number in it.
            logger.error("Callback request not stored: %s", type(error).__name__)
            dispatcher.utter_message(response="utter_callback_failed")
            return cleared
        logger.info("Callback request #%s stored", request_id)
        # Read back, so that a wrong number or time can be caught now.
        dispatcher.utter_message(
            response="utter_callback_number",
            number=readable(str(tracker.get_slot(PHONE))),
            time=as_offered(str(tracker.get_slot(TIME) or ANY_TIME), tracker, domain),
        )
        dispatcher.utter_message(response="utter_callback_received")
        # Consent, name and number stay: "call me" again fixes the number or the time
        # (ValidateCallbackForm.fixes), and the new request replaces this one.
        kept = [SlotSet(slot, tracker.get_slot(slot)) for slot in (CONSENT, NAME, PHONE)]
        return cleared + kept + [SlotSet(SAVED, True)]


async def cancel_requests(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[EventType]:
    """Deletes this conversation's callback requests, and says what happened."""
    if not tracker.get_slot(SAVED):
        dispatcher.utter_message(response="utter_callback_not_stored")
        dispatcher.utter_message(response="utter_admissions_contact")
        return []
    try:
        erased = await asyncio.to_thread(store.delete_for_conversation, tracker.sender_id)
    except (SQLAlchemyError, OSError) as error:
        logger.error("Callback request not cancelled: %s", type(error).__name__)
        dispatcher.utter_message(response="utter_callback_cancel_failed")
        return []
    logger.info("Cancelled on request: %d callback request(s)", erased.requests)
    dispatcher.utter_message(response="utter_callback_cancelled")
    return [SlotSet(SAVED, False), SlotSet(CONSENT, None)]


class ActionCancelCallback(Action):
    """ "Cancel my callback", "don't call me": the saved request is deleted."""

    def name(self) -> Text:
        return "action_cancel_callback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        return await cancel_requests(dispatcher, tracker)
