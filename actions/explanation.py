"""The educational explanation at the end of the screening.

Which reviewed blocks (utter_explain_* in domain/responses/clinical.yml) fit
what the person said, in what order: what could hurt them today and what to
do first, then background, then hope and the hand-off. The rules are the
table BLOCKS below; `when` says each rule in words for the clinical review
page (python -m admissions.review_content).

By SMS the same blocks come, without the intro and the closing, a few at a
time: the most urgent first, and "Reply MORE for more" (actions/sms_pages.py).
"""

from dataclasses import dataclass
from typing import Any, Callable, Dict, FrozenSet, List, Mapping, NamedTuple, Sequence, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import own_words, sms_pages
from actions.answers import NO, NOT_SURE, SKIPPED, UNCLEAR, YES
from storage.names import SMS_CHANNEL

EXPLAINED = "screening_explained"
SOMEONE_ELSE = ("he", "she", "they")
# Not sure, unclear or skipped on a safety question: the warning is given
# (every block is phrased so that it holds whether or not it applies).
MAYBE = (NOT_SURE, UNCLEAR, SKIPPED)
PAST = "past"
SOME = "some"
BINGE = "binge"
BREAKS = ("down", "stopped", "restarted", YES, *MAYBE)  # YES: changed, direction not said
MOUD = frozenset({"methadone", "buprenorphine"})
STIMULANTS = frozenset({"cocaine", "methamphetamine", "amphetamine"})
# The responses that follow the explanation in the same turn (data/rules/screening.yml).
HAND_OFF = ("utter_admissions_contact", "utter_offer_callback")
NOTHING_MORE = "utter_explain_nothing_more"
WEB_ONLY = ("utter_explain_intro", "utter_explain_closing")


def _names(value: Any) -> FrozenSet[str]:
    return frozenset(str(v) for v in value or [] if v not in (NO, *MAYBE))


@dataclass(frozen=True)
class Situation:
    """What the answers and the person's own words say, as the rules need it."""

    twitching: bool
    timings: FrozenSet[str]
    opioids: bool  # uses opioids now, or did not say clearly (kratom alone excepted)
    opioids_past: bool
    prescribed: bool  # some or all of the opioids are prescribed
    prescribed_only: bool  # the opioids are all prescribed: no heroin, no pressed pills
    moud_only: bool  # the opioids named are methadone or buprenorphine only
    street: bool  # opioids or benzos not (only) from a prescription, or pressed pills
    dose: Any
    opioid_break: bool  # a break or a cut: tolerance drops
    opioid_withdrawal: bool
    moud: bool
    benzos: bool
    benzos_prescribed_only: bool  # the benzos are all prescribed
    heavy_drinking: bool  # 4+ drinks most days, or not said clearly
    drinks: bool  # heavy or binge drinking
    drinks_some: bool  # drinking in their own words, heavy or not ("a glass of wine")
    alcohol_stopped: bool
    gabapentinoids: bool
    stimulants: bool
    kratom: bool
    pregnant: bool
    for_someone_else: bool
    benzo_for_twitching: bool


def situation(answers: Mapping[str, Any], words: Sequence[str] = ()) -> Situation:
    """Reads the answers (the slots; actions/parsers/ gives their values) and the person's words."""
    said = own_words.cues(words)
    opioid_names = _names(answers.get("opioid_names"))
    others = _names(answers.get("other_substances"))
    kratom = "kratom" in opioid_names | others or "kratom" in said
    # Kratom counts as an opioid answer (data/answers/substances.yml); alone, it gets its own block.
    kratom_only = bool(opioid_names) and opioid_names <= {"kratom"}
    opioid_use = answers.get("opioid_use")
    pressed = "pressed_pills" in said
    # Pressed pills ("blues", "M30s") are sold as opioids and often hold fentanyl.
    opioids = ((opioid_use == YES or opioid_use in MAYBE) and not kratom_only) or pressed
    opioids_past = opioid_use == PAST
    prescribed_answer = answers.get("opioid_prescribed")
    prescribed = opioids and prescribed_answer in (YES, SOME)
    benzo_use = answers.get("benzo_use")
    benzos = benzo_use == YES or benzo_use in MAYBE
    prescribed_only = (
        opioids and prescribed_answer == YES and "heroin" not in opioid_names and not pressed
    )
    street = (
        (opioids and (prescribed_answer != YES or "heroin" in opioid_names))
        or (benzos and answers.get("benzo_prescribed") != YES)
        or pressed
    )
    dose = answers.get("opioid_dose_change")
    timings = _names(answers.get("twitch_timing"))
    twitching = answers.get("twitching") != NO
    withdrawal_signs = (
        "in_withdrawal" in timings
        or "withdrawal" in said
        or (twitching and dose in ("down", "stopped"))
    )
    alcohol = answers.get("alcohol_heavy")
    heavy = alcohol == YES or alcohol in MAYBE
    stopped = answers.get("alcohol_stopped")
    return Situation(
        twitching=twitching,
        timings=timings,
        opioids=opioids,
        opioids_past=opioids_past,
        prescribed=prescribed,
        prescribed_only=prescribed_only,
        street=street,
        dose=dose,
        opioid_break=(
            (opioids and dose in BREAKS)
            or (opioid_use in MAYBE and not kratom_only)  # "or did you stop lately?" unclear
            or opioids_past
            or ("break" in said and (opioids or opioid_use in (PAST, None)))
        ),
        opioid_withdrawal=("dopesick" in said or ((opioids or opioids_past) and withdrawal_signs)),
        moud=prescribed and bool(opioid_names & MOUD),
        moud_only=bool(opioid_names) and opioid_names <= MOUD,
        benzos=benzos,
        benzos_prescribed_only=benzos and answers.get("benzo_prescribed") == YES,
        heavy_drinking=heavy,
        drinks=heavy or alcohol == BINGE,
        drinks_some=heavy or alcohol == BINGE or "drinking" in said,
        alcohol_stopped=heavy and (stopped == YES or stopped in MAYBE),
        gabapentinoids="gabapentin" in others or "pregabalin" in others or "pregabalin" in said,
        stimulants=bool(others & STIMULANTS),
        kratom=kratom,
        pregnant="pregnant" in said,
        for_someone_else=answers.get("screening_for") in SOMEONE_ELSE,
        benzo_for_twitching=answers.get("benzo_for_twitching") in (YES, *MAYBE),
    )


def _uses_nothing(s: Situation) -> bool:
    """No opioids (now or before), benzos, drinking, stimulants, kratom or gabapentinoids."""
    return not (
        s.opioids or s.opioids_past or s.opioid_break or s.opioid_withdrawal or s.benzos
        or s.drinks or s.stimulants or s.kratom or s.gabapentinoids
    )  # fmt: skip


def _sleep_starts_only(s: Situation) -> bool:
    """Jerks only while falling asleep, and nothing else that could explain them."""
    return s.twitching and s.timings == {"falling_asleep"} and _reassurance_fits(s)


def _dose_changed(s: Situation) -> bool:
    """Prescribed pain opioids cut, stopped or changed: the FDA's advice on tapering applies.

    Methadone or buprenorphine alone get their own block (keep taking it; any
    dose change with the clinic) instead.
    """
    return s.prescribed and not s.moud_only and s.dose in ("down", "stopped", YES, *MAYBE)


def _lost_tolerance_prescribed(s: Situation) -> bool:
    """A break, for someone whose opioids all come from a prescription: no "start low"."""
    return s.opioid_break and s.prescribed_only


def _moud_stopped(s: Situation) -> bool:
    """Prescribed methadone or buprenorphine stopped or cut: overdose risk is high.

    Then "keep taking it" and "don't restart on your own" would contradict the
    one thing to do: call the clinic today.
    """
    return s.moud and s.dose in ("down", "stopped")


def _mixing_prescribed(s: Situation) -> bool:
    """Opioids and benzos, all of them prescribed, and no drinking: "never mix" would
    contradict their doctors; each doctor should know, and neither is stopped alone."""
    return s.opioids and s.prescribed_only and s.benzos_prescribed_only and not s.drinks


def _mixing_after_drinking(s: Situation) -> bool:
    """Opioids, and heavy drinking stopped or cut back (or unclear): withdrawal care today,
    never "don't stop drinking all at once" (it could read as "drink again")."""
    return s.opioids and s.alcohol_stopped


def _moud_dose_unclear(s: Situation) -> bool:
    """Methadone or buprenorphine whose dose change was not said clearly (or changed,
    direction not said): "keep taking it" only if on it, the clinic before the old dose."""
    return s.moud and s.dose in (YES, *MAYBE)


def _naloxone_fits(s: Situation) -> bool:
    """Any opioid, a break, or pills not from a pharmacy: naloxone and when to give it (911)."""
    return s.opioids or s.opioid_break or s.street


def _naloxone(s: Situation) -> bool:
    """About someone else the family's naloxone block says it instead."""
    return _naloxone_fits(s) and not s.for_someone_else


def _reassurance_fits(s: Situation) -> bool:
    """ "Common in healthy people" must not reassure someone who may be in withdrawal.

    Nor anyone who drinks at all (binge drinking, then stopping, can bring
    withdrawal too), takes benzos, opioids, stimulants or kratom.
    """
    return not (
        s.opioids or s.opioid_break or s.opioid_withdrawal or s.benzos or s.drinks
        or s.stimulants or s.kratom or s.gabapentinoids
    )  # fmt: skip


def _opioid_treatment_fits(s: Situation) -> bool:
    """Treatment with methadone or buprenorphine is the hope to name.

    Not for someone who only takes opioids as prescribed for pain: that would
    presume an opioid use disorder nobody spoke of.
    """
    return s.moud or s.opioids_past or ((s.opioids or s.opioid_break) and s.street)


class Block(NamedTuple):
    name: str
    safety: bool  # a danger or what to do about it: never left out by SMS
    when: str  # the rule in words, for the review page
    applies: Callable[[Situation], bool]


# Web order. Danger first: what could hurt today and what to do (alcohol
# withdrawal, with its seizures in the first 2 days, before everything else;
# lost tolerance, fentanyl and mixing before twitching as possible withdrawal),
# then background, then hope and the closing. SMS sends them in the same order.
# fmt: off
BLOCKS: List[Block] = [
    Block("utter_explain_intro", False, "Always, first (web only).", lambda s: True),
    Block(
        "utter_explain_alcohol_withdrawal", True,
        "Heavy drinking most days (or unclear) and stopped or cut back recently (or unclear).",
        lambda s: s.alcohol_stopped,
    ),
    Block(
        "utter_explain_lost_tolerance", True,
        "Opioids: a dose cut, a stop, a restart or relapse, a change or an unclear answer about "
        "it; opioid use itself not sure, skipped or unclear (the question asks about a recent "
        "stop too); or past opioid use; or detox, jail, rehab or relapse in their own words. "
        "Not when "
        "all the opioids are prescribed (the next block instead: no \"start low\").",
        lambda s: s.opioid_break and not _lost_tolerance_prescribed(s),
    ),
    Block(
        "utter_explain_lost_tolerance_prescribed", True,
        "As the block above, when the opioids are all prescribed (no heroin, no pressed pills): "
        "if they were stopped or cut, don't go back to the old dose on your own, ask the "
        "prescriber. Not for methadone or buprenorphine alone, stopped or cut (the next block).",
        lambda s: _lost_tolerance_prescribed(s) and not (_moud_stopped(s) and s.moud_only),
    ),
    Block(
        "utter_explain_moud_stopped", True,
        "Methadone or buprenorphine named, (some) prescribed, and the dose went down or "
        "stopped: overdose risk is high, call the clinic today, don't go back to the old dose "
        "on your own (instead of \"keep taking it\").",
        _moud_stopped,
    ),
    Block(
        "utter_explain_street_drugs", True,
        "Opioids or benzos not (only) prescribed, or not said; heroin; or pressed, fake or "
        "\"blues\" pills in their own words.",
        lambda s: s.street,
    ),
    Block(
        "utter_explain_mixing", True,
        "Opioids (now or unclear) with benzos (now or unclear) or with any drinking (heavy, "
        "binge or unclear, or named in their own words), unless one of the next two fits.",
        lambda s: s.opioids and (s.benzos or s.drinks_some)
        and not (_mixing_prescribed(s) or _mixing_after_drinking(s)),
    ),
    Block(
        "utter_explain_mixing_prescribed", True,
        "Opioids and benzos, all prescribed, and no drinking: each doctor should know about "
        "both, and neither is stopped alone (instead of \"never mix\").",
        _mixing_prescribed,
    ),
    Block(
        "utter_explain_mixing_after_drinking", True,
        "Opioids (now or unclear) with heavy drinking stopped or cut back lately (or unclear): "
        "medical help for withdrawal today (instead of \"don't stop drinking all at once\").",
        _mixing_after_drinking,
    ),
    Block(
        "utter_explain_naloxone", True,
        "Opioids now, unclear, or a break, or pills not from a pharmacy (the street-drug "
        "block), unless the screening is about someone else (the family block says it): "
        "naloxone, and if someone won't wake or breathe, give it and call 911.",
        _naloxone,
    ),
    Block(
        "utter_explain_for_family_naloxone", True,
        "The screening is about someone else, and naloxone fits (the rule above): keep it at "
        "home; won't wake or breathe: call 911, give it, stay with them; it can wear off.",
        lambda s: s.for_someone_else and _naloxone_fits(s),
    ),
    Block(
        "utter_explain_gabapentinoids", True,
        "Gabapentin or pregabalin (Lyrica) named, with opioids, benzos or drinking.",
        lambda s: s.gabapentinoids and (s.opioids or s.benzos or s.drinks),
    ),
    Block(
        "utter_explain_benzos_with_alcohol", True,
        "Benzos with any drinking (heavy, binge or unclear, or named in their own words, "
        "\"a glass of wine at night\"), without opioids.",
        lambda s: s.benzos and s.drinks_some and not s.opioids,
    ),
    Block(
        "utter_explain_withdrawal_twitching", True,
        "Any twitching (yes or unclear) with benzos now, stopped or cut back lately (or "
        "unclear), or any heavy or binge "
        "drinking (or unclear): it can be withdrawal, and seizures can follow.",
        lambda s: s.twitching and (s.benzos or s.drinks),
    ),
    Block(
        "utter_explain_stopping_benzos", True,
        "Benzos now, stopped or cut back lately (or unclear): never stopped all at once, even "
        "prescribed; already stopped, a doctor today; a seizure, 911.",
        lambda s: s.benzos,
    ),
    Block(
        "utter_explain_stopping_drinking", True,
        "Heavy drinking most days (or unclear), not stopped or cut back: stop only with "
        "medical help. Not after a stop (the alcohol-withdrawal block instead: \"don't stop "
        "all at once\" could read as \"drink again\"), and not binge drinking alone.",
        lambda s: s.heavy_drinking and not s.alcohol_stopped,
    ),
    Block(
        "utter_explain_pregnancy", True,
        "Pregnancy mentioned in their own words, with any substance use.",
        lambda s: s.pregnant and not _uses_nothing(s),
    ),
    Block(
        "utter_explain_pregnancy_treatment", True,
        "Pregnancy mentioned in their own words, with opioids (now, past, unclear, a break or "
        "withdrawal): for opioid use disorder, doctors advise methadone or buprenorphine.",
        lambda s: s.pregnant
        and (s.opioids or s.opioids_past or s.opioid_break or s.opioid_withdrawal),
    ),
    Block(
        "utter_explain_keep_taking_moud", True,
        "Methadone or buprenorphine named, and (some) prescribed, and the dose the same or up "
        "(down or stopped: the block above; anything else: the next block).",
        lambda s: s.moud and not (_moud_stopped(s) or _moud_dose_unclear(s)),
    ),
    Block(
        "utter_explain_keep_taking_moud_unsure", True,
        "Methadone or buprenorphine named, and (some) prescribed, and the dose change not "
        "sure, skipped, unclear or changed without a direction: \"if you take it, "
        "keep taking it; missed doses or stopped? ask your clinic before your old dose\".",
        _moud_dose_unclear,
    ),
    Block(
        "utter_explain_dose_change", True,
        "Prescribed opioids (other than methadone or buprenorphine alone) whose dose went "
        "down, stopped, changed, or not said clearly.",
        _dose_changed,
    ),
    Block(
        "utter_explain_dose_change_safety", True,
        "With the dose-change block: 988 for hopelessness or thoughts of suicide, and fentanyl "
        "in pills not from a pharmacy.",
        _dose_changed,
    ),
    Block(
        "utter_explain_for_family", True,
        "The screening is about someone else: SAMHSA's helpline for families, and 988.",
        lambda s: s.for_someone_else,
    ),
    Block(
        "utter_explain_stimulants", True, "Cocaine, meth or amphetamine named.",
        lambda s: s.stimulants,
    ),
    Block(
        "utter_explain_stimulant_fentanyl", True,
        "Cocaine, meth or amphetamine named: fentanyl in the supply, never use alone, naloxone.",
        lambda s: s.stimulants,
    ),
    Block(
        "utter_explain_kratom", True,
        "Kratom named. Kratom alone (the only opioid answer) does not count as opioid use for "
        "the other blocks: no fentanyl, naloxone, tolerance or treatment block, and no "
        "\"common in healthy people\" with twitching.",
        lambda s: s.kratom,
    ),
    Block(
        "utter_explain_opioid_withdrawal", True,
        "Opioids (now, past or unclear) with twitching when in withdrawal, withdrawal, "
        "\"kicking\" or \"cold turkey\" in their words, or twitching after a cut or stop; or "
        "\"dopesick\" in their words.",
        lambda s: s.opioid_withdrawal,
    ),
    Block(
        "utter_explain_benzo_for_twitching", True,
        "Takes benzos for the twitching (or unclear), unless the benzos are all prescribed: "
        "\"if you take benzos on your own for twitching, that is risky\".",
        lambda s: s.benzo_for_twitching and not s.benzos_prescribed_only,
    ),
    Block(
        "utter_explain_benzo_prescribed_for_twitching", True,
        "Takes benzos for the twitching (or unclear), and the benzos are all prescribed: keep "
        "taking it as prescribed, don't stop suddenly (doctors do use benzos for myoclonus).",
        lambda s: s.benzo_for_twitching and s.benzos_prescribed_only,
    ),
    Block(
        "utter_explain_opioid_twitching", True,
        "Twitching with opioids (now or unclear), unless they stopped or it comes only in "
        "withdrawal: it can warn of a bad reaction (new confusion, seeing things, worse pain: "
        "help today).",
        lambda s: s.twitching and s.opioids and s.dose != "stopped"
        and s.timings != {"in_withdrawal"},
    ),
    Block(
        "utter_explain_when_to_get_care", True, "Any twitching (yes or unclear).",
        lambda s: s.twitching,
    ),
    Block(
        "utter_explain_myoclonus", False,
        "Any twitching (yes or unclear), with no opioids (now, unclear, a break or withdrawal), "
        "benzos, drinking of any kind, stimulants, kratom or gabapentinoids: \"common in "
        "healthy people\" must not reassure someone who may be in withdrawal. A not sure, "
        "skipped or unclear answer, or a stop or cut, on opioids, benzos or alcohol rules "
        "it out.",
        lambda s: s.twitching and _reassurance_fits(s),
    ),
    Block(
        "utter_explain_sleep_starts", False,
        "Twitching only when falling asleep, and no opioids, benzos, drinking of any kind, "
        "stimulants, kratom, gabapentinoids, withdrawal or break in use. A not sure, skipped "
        "or unclear answer, or a stop or cut, on opioids, benzos or alcohol rules it out.",
        _sleep_starts_only,
    ),
    Block(
        "utter_explain_tell_prescriber", True,
        "Twitching with (some) prescribed opioids, unless the dose went down or stopped (the "
        "dose-change block: a slow plan with the prescriber): tell the prescriber about the "
        "twitching, no dose change alone. A changed or unclear dose gets both.",
        lambda s: s.twitching and s.prescribed and s.dose not in ("down", "stopped"),
    ),
    Block(
        "utter_explain_no_substances", False,
        "No opioids, benzos, drinking, stimulants, kratom or gabapentinoids: a regular doctor. "
        "A not sure, skipped or unclear answer, or a stop or cut, on opioids, benzos or "
        "alcohol rules it out.",
        _uses_nothing,
    ),
    Block(
        "utter_explain_hope_treatment", False,
        "Opioids (now, unclear, or a break) not only prescribed; methadone or buprenorphine "
        "prescribed; or past opioid use.",
        _opioid_treatment_fits,
    ),
    Block(
        "utter_explain_hope", False, "Otherwise.",
        lambda s: not _opioid_treatment_fits(s),
    ),
    Block("utter_explain_closing", False, "Always, last (web only).", lambda s: True),
]
# fmt: on
SAFETY = frozenset(block.name for block in BLOCKS if block.safety)


def explanation_blocks(answers: Mapping[str, Any], words: Sequence[str] = ()) -> List[str]:
    """The blocks for the web (and REST, shell) that fit these answers and words, in order."""
    s = situation(answers, words)
    return [block.name for block in BLOCKS if block.applies(s)]


def sms_explanation_blocks(answers: Mapping[str, Any], words: Sequence[str] = ()) -> List[str]:
    """Every block SMS owes the person, most urgent first: the web's, without intro and closing."""
    return [name for name in explanation_blocks(answers, words) if name not in WEB_ONLY]


class ActionExplainScreening(Action):
    """Sends the explanation chosen by the person's answers; on "MORE", the rest of it."""

    def name(self) -> Text:
        return "action_explain_screening"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: Dict[Text, Any],
    ) -> List[Dict[Text, Any]]:
        on_sms = tracker.get_latest_input_channel() == SMS_CHANNEL
        words = own_words.user_texts(tracker.events)
        more = (tracker.latest_message.get("intent") or {}).get("name") == own_words.MORE_INTENT
        blocks = (sms_explanation_blocks if on_sms else explanation_blocks)(tracker.slots, words)
        if more:
            said = set(own_words.said_since_explanation(tracker.events))
            blocks = [name for name in blocks if name not in said]
        if on_sms and blocks:
            blocks = sms_pages.page(
                blocks, domain, tracker.slots, after=() if more else HAND_OFF, safety=SAFETY
            )
        for block in blocks or [NOTHING_MORE]:
            dispatcher.utter_message(response=block)
        return [] if more else [SlotSet(EXPLAINED, True)]
