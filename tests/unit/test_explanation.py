"""The explanation for 50 answer combinations, as the person reads it on the web and by SMS.

Each case runs the real action (ActionExplainScreening) and renders what it
sends with Rasa's own NLG, by web and by SMS (the first turn with the
hand-off after it, then "MORE" until nothing is left), and checks:
- what must be said and what must not be, on both channels;
- SMS carries every safety block the web does, in the same order, most urgent
  first, each turn within MAX_TEXTS GSM-7 texts of 160 characters, nothing cut;
- the common paths stay at about 175 words or fewer on the web;
- about someone else, the blocks speak about that person, not to "you".
"""

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Dict, List, Optional, Tuple

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SlotSet
from rasa.shared.core.trackers import DialogueStateTracker
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.answers import NO, NOT_SURE, SKIPPED, UNCLEAR, YES
from actions.explanation import (
    BLOCKS,
    HAND_OFF,
    NOTHING_MORE,
    SAFETY,
    WEB_ONLY,
    ActionExplainScreening,
    situation,
)
from actions.sms_pages import MORE_PROMPT, SMS_LENGTH
from addons.channels.sms_text import gsm_length, packed, rendered, split_long, to_gsm7
from admissions.clinical_content import word_count
from storage.gsm7 import MAX_TEXTS
from storage.names import SMS_CHANNEL
from tests.support.content import DOMAIN_DIR, domain, nlg_agent

WEB = "rest"
# About 150 words was the aim; a 911 line with naloxone and the twitching warning signs add, on every
# opioid path, naloxone with when to give it and 911, and the warning signs of a bad
# reaction to opioids: the longest common path (prescribed opioids just stopped) is 172.
MAX_WEB_WORDS = 175
MAX_SMS_TURNS = 10
# Blocks whose "you" is the person writing, whoever the screening is about.
WRITER_BLOCKS = {*WEB_ONLY, "utter_explain_for_family", "utter_explain_for_family_naloxone",
                 "utter_explain_hope", MORE_PROMPT,
                 NOTHING_MORE}  # fmt: skip
YOU = re.compile(r"\byou(?:r|rs|rself)?\b", re.IGNORECASE)
PRONOUNS = {
    "he": re.compile(r"\b(?:he|him|his|himself)\b", re.IGNORECASE),
    "she": re.compile(r"\b(?:she|her|hers|herself)\b", re.IGNORECASE),
}


# --- The answers ------------------------------------------------------------------
NOTHING = {"twitching": NO, "opioid_use": NO, "benzo_use": NO, "alcohol_heavy": NO}


def twitch(*timings: str) -> Dict[str, Any]:
    return {"twitching": YES, "twitch_location": ["legs"], "twitch_timing": list(timings),
            "twitch_duration": "weeks"}  # fmt: skip


def opioids(*names: str, prescribed: str = YES, dose: str = NO) -> Dict[str, Any]:
    return {"opioid_use": YES, "opioid_names": list(names), "opioid_prescribed": prescribed,
            "opioid_dose_change": dose}  # fmt: skip


def benzos(*names: str, prescribed: str = YES, **more: str) -> Dict[str, Any]:
    return {"benzo_use": YES, "benzo_names": list(names), "benzo_prescribed": prescribed, **more}


def alcohol(heavy: str, stopped: Optional[str] = None) -> Dict[str, Any]:
    return {"alcohol_heavy": heavy, **({"alcohol_stopped": stopped} if stopped else {})}


@dataclass(frozen=True)
class Case:
    id: str
    answers: Dict[str, Any]
    must: Tuple[str, ...] = ()
    must_not: Tuple[str, ...] = ()
    words: Tuple[str, ...] = ()  # what the person typed besides the answers
    common: bool = False  # a common path: at most MAX_WEB_WORDS on the web
    first: Optional[str] = None  # the block that must come first, on the web and by SMS

    def all_answers(self) -> Dict[str, Any]:
        return {**NOTHING, **self.answers}


NOT_FOR_STREET = ("prescriber", "your dose")
CASES = [
    # Twitching without substances
    Case("nothing-at-all", {}, must=("strong first step",),
         must_not=("naloxone", "can cause seizures", "tolerance", "prescriber", "sleep starts"),
         common=True),
    Case("twitching-at-rest-only", twitch("at_rest"), must=("myoclonus", "doctor", "911"),
         must_not=("sleep starts", "naloxone"), common=True),
    Case("twitching-unclear", {"twitching": UNCLEAR}, must=("myoclonus",), common=True),
    Case("sleep-starts-only", twitch("falling_asleep"), must=("sleep starts", "myoclonus"),
         common=True),
    Case("asleep-and-all-day", twitch("falling_asleep", "all_the_time"),
         must_not=("sleep starts",), common=True),
    Case("asleep-but-on-opioids", {**twitch("falling_asleep"), **opioids("oxycodone")},
         must=("prescriber",), must_not=("sleep starts",), common=True),
    Case("asleep-but-heavy-drinking", {**twitch("falling_asleep"), **alcohol(YES, NO)},
         must=("can cause seizures",), must_not=("sleep starts",), common=True),
    # Prescribed opioids
    Case("prescribed-oxy-steady", {**twitch("at_rest"), **opioids("oxycodone")},
         must=("prescriber", "don't change your dose", "naloxone", "strong first step"),
         # Taking opioids as prescribed is not an opioid use disorder: no "treatment works".
         must_not=("never use alone", "fentanyl", "tolerance", "sleep starts", "real hope"),
         common=True),
    Case("prescribed-morphine-raised", {**twitch("all_the_time"), **opioids("morphine", dose="up")},
         must=("high", "kidney", "prescriber", "bad reaction", "seeing things", "911"),
         must_not=("sleep starts",), common=True),
    Case("prescribed-oxy-stopped", {**twitch("at_rest"), **opioids("oxycodone", dose="stopped")},
         must=("slow plan", "tolerance", "withdrawal"),
         must_not=("don't make any more changes",), common=True),
    Case("prescribed-cut-down", opioids("hydrocodone", dose="down"),
         must=("slow plan", "tolerance"),
         must_not=("don't make any more changes", "never use alone"), common=True),
    Case("prescribed-changed-unclear", opioids("tramadol", dose=NOT_SURE),
         must=("slow plan", "tolerance"), common=True),
    # Twitching after a change in either direction: report the twitching too.
    Case("prescribed-changed-unclear-twitching",
         {**twitch("all_the_time"), **opioids("tramadol", dose=NOT_SURE)},
         must=("slow plan", "tell your prescriber about the twitching")),
    Case("prescribed-fentanyl-patch", opioids("fentanyl"), must=("naloxone",),
         must_not=("never use alone", "pharmacy"), common=True),
    Case("some-prescribed-some-not", {**twitch("random"), **opioids("oxycodone", prescribed="some")},
         must=("prescriber", "fentanyl", "never use alone"), common=True),
    # Opioids not from a prescription
    Case("street-fentanyl-daily", {**twitch("all_the_time"), **opioids("fentanyl", prescribed=NO)},
         must=("naloxone", "never use alone", "fentanyl", "test strip", "a negative test",
               "real hope"),
         must_not=NOT_FOR_STREET, common=True),
    Case("heroin", opioids("heroin", prescribed=NO), must=("fentanyl", "naloxone"),
         must_not=NOT_FOR_STREET, common=True),
    Case("pressed-blues", opioids("oxycodone", prescribed=NO),
         words=("i get pressed blues from a guy",), must=("fentanyl", "pharmacy"),
         must_not=NOT_FOR_STREET, common=True),
    Case("prescribed-but-buys-m30s", opioids("oxycodone"), words=("sometimes i buy m30s too",),
         must=("fentanyl", "never use alone", "naloxone")),
    Case("relapse-on-heroin", opioids("heroin", prescribed=NO, dose="restarted"),
         must=("tolerance", "naloxone", "never use alone"), must_not=NOT_FOR_STREET, common=True),
    Case("out-of-jail", opioids("fentanyl", prescribed=NO),
         words=("just got out of jail last week",), must=("tolerance", "jail", "never use alone")),
    # A rehab named in a question is no break in use (methadone raised, not cut).
    Case("rehab-in-a-question", opioids("methadone", dose="up"),
         words=("how much does your rehab cost?",), must=("keep taking",),
         must_not=("tolerance drops",)),
    Case("past-opioid-use", {"opioid_use": "past"}, must=("tolerance", "naloxone", "real hope"),
         must_not=NOT_FOR_STREET, common=True),
    Case("dopesick-kicking",
         {**twitch("in_withdrawal"), **opioids("heroin", prescribed=NO, dose="stopped")},
         words=("my legs kick like crazy when im dopesick",),
         must=("withdrawal", "tolerance", "naloxone", "buprenorphine"),
         must_not=("sleep starts", "prescriber")),
    Case("dopesick-in-own-words", {**twitch("random"), **opioids("oxycodone", prescribed=NO)},
         words=("its worse when im dope sick",), must=("withdrawal",)),
    # Methadone and buprenorphine
    Case("methadone-prescribed", opioids("methadone"), must=("keep taking", "methadone"),
         must_not=("never use alone", "if you take"), common=True),
    # The dose change not said clearly: "keep taking it" holds only if still on it.
    Case("methadone-dose-not-sure", opioids("methadone", dose=NOT_SURE),
         must=("if you take methadone", "missed doses or stopped", "clinic"),
         must_not=("keep taking your methadone",)),
    Case("buprenorphine-dose-skipped-for-her",
         {**opioids("buprenorphine", dose=SKIPPED), "screening_for": "she"},
         must=("if she takes methadone or buprenorphine", "missed doses or stopped"),
         must_not=("your clinic",)),
    Case("methadone-with-benzos",
         {**opioids("methadone"), **benzos("clonazepam", benzo_with_opioids=YES)},
         must=("keep taking", "stop breathing", "can cause seizures")),
    Case("street-buprenorphine", opioids("buprenorphine", prescribed=NO),
         must=("never use alone",), must_not=("keep taking your",)),
    # Other substances
    Case("kratom-only", {**opioids("kratom", prescribed=NO), "other_substances": ["kratom"]},
         must=("kratom", "dependence", "not an approved treatment"),
         must_not=("stop breathing", "fentanyl"), common=True),
    Case("gabapentin-with-opioids", {**opioids("oxycodone"), "other_substances": ["gabapentin"]},
         must=("gabapentin", "breathing problems"), common=True),
    Case("gabapentin-alone", {"other_substances": ["gabapentin"]}, must_not=("gabapentin",),
         common=True),
    Case("lyrica-in-own-words", opioids("oxycodone"), words=("i also take lyrica for nerves",),
         must=("pregabalin", "breathing problems")),
    Case("cocaine", {**twitch("random"), "other_substances": ["cocaine"]},
         must=("chest pain", "911", "twitches"), common=True),
    Case("meth-with-fentanyl",
         {**opioids("fentanyl", prescribed=NO), "other_substances": ["methamphetamine"]},
         must=("chest pain", "fentanyl", "naloxone")),
    # Benzodiazepines and alcohol
    Case("prescribed-benzos-only", benzos("clonazepam"), must=("can cause seizures", "medical help"),
         must_not=("fentanyl", "stop breathing"), common=True),
    Case("street-xanax", benzos("alprazolam", prescribed=NO),
         must=("fentanyl", "pharmacy", "can cause seizures"), common=True),
    Case("benzos-with-heavy-drinking", {**benzos("lorazepam"), **alcohol(YES, NO)},
         must=("never safe", "can cause seizures"), must_not=("stop breathing",),
         common=True),
    # Not heavy drinking, but drinking: with benzos it is still never safe.
    Case("benzos-with-wine-every-night", {**benzos("clonazepam"), **alcohol(NO)},
         words=("shes 60, takes klonopin and has 2-3 glasses of wine every night",),
         must=("never safe",)),
    Case("benzos-after-quitting-drinking", {**benzos("diazepam"), **alcohol(NO)},
         words=("i quit drinking in 2019",), must_not=("never safe",)),
    Case("opioids-with-a-few-beers", {**opioids("oxycodone", prescribed=NO), **alcohol(NO)},
         words=("i have a few beers on weekends",), must=("never safe",)),
    Case("benzos-with-binge-drinking", {**benzos("diazepam"), **alcohol("binge")},
         must=("never safe",), common=True),
    # Clonazepam prescribed for the jerks: doctors do use it (N1e); keep taking it.
    Case("benzos-for-the-twitching",
         {**twitch("at_rest"), **benzos("clonazepam", benzo_for_twitching=YES)},
         must=("keep taking it as prescribed", "don't stop suddenly"),
         must_not=("on your own for", "risky"), common=True),
    Case("opioids-and-heavy-drinking", {**opioids("oxycodone"), **alcohol(YES, NO)},
         must=("stop breathing", "can cause seizures"), common=True),
    Case("opioids-and-binge-drinking", {**opioids("oxycodone"), **alcohol("binge")},
         must=("stop breathing", "never safe"), must_not=("can cause seizures",),
         common=True),
    Case("binge-drinking-only", alcohol("binge"), must_not=("can cause seizures", "dts"),
         common=True),
    Case("heavy-drinking-not-stopped", alcohol(YES, NO),
         must=("can cause seizures", "medical help"), must_not=("first 2 days", "stopped or cut back"),
         common=True),
    Case("heavy-drinking-stopped", alcohol(YES, YES), must=("dts", "today", "911"),
         common=True),
    Case("drinking-unclear-stopped", alcohol(NOT_SURE, YES), must=("dts", "seizures"),
         must_not=("cut down or stop only",)),
    Case("drinking-and-stopping-unclear", alcohol(UNCLEAR, UNCLEAR),
         must=("dts", "seizures")),
    Case("all-three",
         {**twitch("all_the_time"), **opioids("oxycodone", prescribed=NO),
          **benzos("alprazolam", prescribed=NO, benzo_with_opioids=YES), **alcohol(YES, NO)},
         must=("stop breathing", "fentanyl", "can cause seizures", "naloxone"),
         must_not=NOT_FOR_STREET),
    # Unclear answers to the safety questions: the warning, phrased conditionally
    Case("opioids-not-sure", {"opioid_use": NOT_SURE}, must=("naloxone", "fentanyl"),
         must_not=NOT_FOR_STREET),
    Case("opioids-skipped", {"opioid_use": SKIPPED}, must=("naloxone",)),
    Case("benzos-unclear", {"benzo_use": UNCLEAR}, must=("can cause seizures",)),
    # Skipped or unsure answers never let the reassuring blocks through.
    Case("skipped-every-substance-question-asleep",
         {**twitch("falling_asleep"), "opioid_use": SKIPPED, "benzo_use": SKIPPED,
          "alcohol_heavy": SKIPPED},
         must=("can be withdrawal", "naloxone"),
         must_not=("sleep starts", "healthy people", "regular doctor")),
    Case("benzos-not-sure-asleep", {**twitch("falling_asleep"), "benzo_use": NOT_SURE},
         must=("can be withdrawal",), must_not=("sleep starts", "healthy people",
                                               "regular doctor")),
    Case("gabapentin-asleep", {**twitch("falling_asleep"), "other_substances": ["gabapentin"]},
         must_not=("sleep starts", "healthy people", "regular doctor")),
    # Pregnancy, in the person's own words
    Case("pregnant-on-street-oxy", opioids("oxycodone", prescribed=NO),
         words=("im 3 months pregnant",),
         must=("pregnancy", "doctors advise methadone or buprenorphine", "known to be safe",
               "911")),
    Case("not-pregnant", opioids("oxycodone"), words=("im not pregnant",),
         must_not=("pregnancy",)),
    # Asked back, not told: "pregnancy?? shes 62".
    Case("pregnancy-asked-back", {**opioids("tramadol"), "screening_for": "she"},
         words=("pregnancy?? shes 62. yes lets start",), must_not=("pregnancy",)),
    # Someone else
    Case("son-on-fentanyl",
         {**twitch("all_the_time"), **opioids("fentanyl", prescribed=NO), "screening_for": "he"},
         must=("he should never use alone", "1-800-662-4357", "988", "naloxone"),
         must_not=("your prescriber", "your dose")),
    Case("mother-stopped-prescribed-oxy",
         {**twitch("at_rest"), **opioids("oxycodone", dose="stopped"), "screening_for": "she"},
         must=("her prescriber", "slow plan", "tolerance"), must_not=("your prescriber", "your dose")),
    Case("friend-on-benzos", {**benzos("clonazepam"), "screening_for": "they"},
         must=("their benzos", "only with medical help", "away"),
         must_not=("your own",),
         common=True),
    Case("husband-on-methadone", {**opioids("methadone"), "screening_for": "he"},
         must=("he should keep taking his methadone",), must_not=("your methadone",),
         common=True),
    Case("daughter-pregnant-drinking",
         {**alcohol(YES, YES), "screening_for": "she"}, words=("my daughter is pregnant",),
         must=("pregnancy", "dts", "doctor")),
    # Selection rules: one case or more each
    # stopped or cut back heavy drinking: the alcohol-withdrawal block first, by SMS too.
    Case("c1-street-xanax-stopped-drinking-2-days-ago",
         {**benzos("alprazolam", prescribed=NO), **alcohol(YES, YES)},
         words=("i stopped drinking 2 days ago",),
         must=("dts", "seizure", "911", "fentanyl"),
         first="utter_explain_alcohol_withdrawal"),
    Case("c1-street-fentanyl-drinking-stop-unclear",
         {**opioids("fentanyl", prescribed=NO), **alcohol(YES, UNCLEAR)},
         must=("dts", "911", "fentanyl"),
         first="utter_explain_alcohol_withdrawal"),
    Case("c1-relapse-heroin-heavy-drinking-stopped",
         {**opioids("heroin", prescribed=NO, dose="restarted"), **alcohol(YES, YES)},
         must=("dts", "tolerance"), first="utter_explain_alcohol_withdrawal"),
    # benzos or heavy drinking with twitching: withdrawal, not "common in healthy people".
    Case("c2-benzos-with-twitching", {**twitch("at_rest"), **benzos("clonazepam")},
         must=("can be withdrawal", "seizures", "doctor today", "911",
               "stopped or cut back"),
         must_not=("common in healthy people",), common=True),
    Case("c2-heavy-drinking-with-twitching", {**twitch("random"), **alcohol(YES, NO)},
         must=("can be withdrawal", "doctor today", "only with medical help"),
         must_not=("common in healthy people",), common=True),
    Case("c2-benzos-unclear-twitching-unclear", {"twitching": UNCLEAR, "benzo_use": UNCLEAR},
         must=("can be withdrawal", "stopped or cut back"), must_not=("common in healthy people",)),
    Case("c2-brother-on-benzos-twitching",
         {**twitch("at_rest"), **benzos("alprazolam"), "screening_for": "he"},
         must=("doctor today", "only with medical help", "taking", "away", "seeing things",
               "last drink"),
         must_not=("common in healthy people", "your own")),
    # mixing: never "stop on your own". "don't stop any of them" is
    # sourced for prescribed medicines, benzos and daily heavy drinking only; by SMS too,
    # "don't stop a prescribed drug" is kept.
    Case("m2-opioids-with-benzos", {**opioids("oxycodone"), **benzos("diazepam", prescribed=NO)},
         must=("stop breathing", "never safe", "medical help", "prescribed"),
         must_not=("don't stop any of them",)),
    # Both prescribed: "never safe" would contradict their doctors.
    Case("opioids-and-benzos-both-prescribed", {**twitch("at_rest"), **opioids("oxycodone"),
                                                **benzos("clonazepam")},
         must=("stop breathing", "each of your doctors", "don't stop either one",
               "tell your prescriber about the twitching"),
         must_not=("never safe", "never safe")),
    Case("father-on-prescribed-opioids-and-benzos",
         {**opioids("hydrocodone"), **benzos("lorazepam"), "screening_for": "he"},
         must=("each of his doctors", "he shouldn't stop either one"), must_not=("never safe",)),
    # Opioids, and drinking already stopped: withdrawal care today, not "don't stop
    # drinking all at once" (it could read as "drink again").
    Case("heroin-relapse-drinking-stopped-2-days",
         {**opioids("heroin", prescribed=NO, dose="restarted"), **alcohol(YES, YES)},
         must=("stop breathing", "medical help for withdrawal today", "tolerance", "dts"),
         must_not=("never safe", "daily drinking alone"), first="utter_explain_alcohol_withdrawal"),
    Case("sister-on-fentanyl-drinking-stop-unclear",
         {**opioids("fentanyl", prescribed=NO), **alcohol(YES, UNCLEAR), "screening_for": "she"},
         must=("if she stopped or cut back", "medical help for withdrawal today")),
    # prescribed patients after a break: no "start low".
    Case("m3-prescribed-oxy-stopped-no-start-low", opioids("oxycodone", dose="stopped"),
         must=("tolerance", "ask your prescriber before going back to it",
               "naloxone", "911"),
         must_not=("start low", "start lower", "much less", "using again")),
    Case("m3-street-relapse-keeps-start-low", opioids("heroin", prescribed=NO, dose="restarted"),
         must=("tolerance",), must_not=("ask your prescriber",)),
    # pregnancy: no sudden stop on your own; no "not usually life-threatening" beside it.
    Case("m4-pregnant-and-dopesick",
         {**twitch("in_withdrawal"), **opioids("heroin", prescribed=NO, dose="stopped")},
         words=("im pregnant and dopesick",),
         must=("pregnancy", "see a doctor soon", "known to be safe"),
         must_not=("not usually life-threatening", "the treatment doctors advise")),
    Case("m4-pregnant-prescribed-pain-pills", opioids("oxycodone"), words=("im pregnant",),
         must=("pregnancy", "see a doctor soon"),
         must_not=("is the treatment doctors advise", "methadone or buprenorphine is advised")),
    # A negative test strip; fentanyl and naloxone for stimulants.
    Case("m6-cocaine-fentanyl-naloxone", {"other_substances": ["cocaine"]},
         must=("fentanyl", "never use alone", "naloxone", "911"), common=True),
    Case("m6-meth-for-her", {"other_substances": ["methamphetamine"], "screening_for": "she"},
         must=("she should never use alone", "naloxone"), must_not=("your own",)),
    # a fast cut of pain medicine: 988 and fentanyl, by SMS as well.
    Case("m7-prescribed-cut-fast", opioids("hydrocodone", dose="down"),
         must=("slow plan", "988", "fentanyl"), must_not=("never use alone",)),
    # benzos for twitching: no "doctors do use benzos".
    Case("m8-benzos-for-twitching",
         {**twitch("at_rest"), **benzos("clonazepam", prescribed=NO, benzo_for_twitching=YES)},
         must=("on your own for twitching", "fentanyl", "a doctor should decide"),
         must_not=("doctors do use",)),
    # Pressed pills named, though the opioid answer was no: opioids all the same.
    Case("blues-said-opioids-no-with-liquor",
         {**twitch("falling_asleep"), **alcohol(YES, NO), "screening_for": "he"},
         words=("he do blues n drink henny",),
         must=("fentanyl", "stop breathing"), must_not=("sleep starts",)),
    # Still drinking, not cutting back: the breathing danger of the mix comes first.
    Case("prescribed-oxy-with-twelve-pack-nightly",
         {**twitch("at_rest"), **opioids("oxycodone"), **alcohol(YES, NO)},
         must=("stop breathing",),
         first="utter_explain_mixing"),
    # A dose raised, not cut: no break, no tolerance warning, no taper advice.
    Case("prescribed-tramadol-raised",
         {**twitch("falling_asleep"), **opioids("tramadol", dose="up")},
         must=("high",), must_not=("tolerance", "slow plan", "break")),
    # Stopped lately (the gateway button): withdrawal and lost tolerance.
    Case("opioids-stopped-lately",
         {**twitch("at_rest"), **opioids("heroin", prescribed=NO, dose="stopped")},
         must=("tolerance", "withdrawal", "naloxone")),
    # The selection rules for prescribed benzos, stopped treatment, 911 lines and drinking.
    # benzos for the twitching: "risky" only when they are not all prescribed;
    # prescribed ones are kept and never stopped suddenly.
    Case("m11-brother-prescribed-benzo-for-twitching",
         {**twitch("at_rest"), **benzos("clonazepam", benzo_for_twitching=YES),
          "screening_for": "he"},
         must=("he should keep taking it as prescribed", "not stop suddenly"),
         must_not=("risky", "your own")),
    Case("m11-prescribed-benzo-for-twitching-unclear",
         {**twitch("random"), **benzos("clonazepam", benzo_for_twitching=UNCLEAR)},
         must=("if your doctor prescribed a benzo for twitching", "don't stop suddenly"),
         must_not=("risky",)),
    Case("m11-street-benzo-for-twitching-unclear",
         {**twitch("random"), **benzos("alprazolam", prescribed=NO, benzo_for_twitching=UNCLEAR)},
         must=("if you take benzos on your own for twitching", "fentanyl"),
         must_not=("keep taking it as prescribed",)),
    Case("m11-some-benzos-prescribed-for-twitching",
         {**twitch("at_rest"), **benzos("diazepam", prescribed="some", benzo_for_twitching=YES)},
         must=("on your own for twitching",), must_not=("keep taking it as prescribed",)),
    # prescribed methadone or buprenorphine stopped or cut: call the clinic today;
    # no "keep taking", and the old dose only with the clinic ("alone" read as "with company").
    Case("m12-methadone-stopped", opioids("methadone", dose="stopped"),
         must=("old dose", "never use alone", "call your clinic", "today", "naloxone", "911"),
         must_not=("keep taking", "old dose alone", "start low", "start lower", "slow plan")),
    Case("m12-his-buprenorphine-cut",
         {**opioids("buprenorphine", dose="down"), "screening_for": "he"},
         must=("call his clinic", "his old dose", "911"),
         must_not=("keep taking", "restart on his own", "your")),
    Case("m12-methadone-and-oxy-stopped", opioids("methadone", "oxycodone", dose="stopped"),
         must=("call your clinic", "tolerance", "slow plan"), must_not=("keep taking",)),
    Case("m12-methadone-restarted-keeps-taking", opioids("methadone", dose="restarted"),
         must=("keep taking your methadone",), must_not=("call your clinic today",)),
    # with any opioid, or pills not from a pharmacy, a 911 line and when to give
    # naloxone, twitching or not (see also test_any_opioid_gets_a_911_line below).
    Case("m13-methadone-with-prescribed-clonazepam",
         {**opioids("methadone"), **benzos("clonazepam", benzo_with_opioids=YES)},
         must=("won't wake", "call 911", "naloxone", "keep taking")),
    Case("m13-street-xanax-no-opioids", benzos("alprazolam", prescribed=NO),
         must=("fentanyl", "naloxone", "911")),
    Case("m13-prescribed-oxy-no-twitching", opioids("oxycodone"),
         must=("naloxone", "won't wake", "911"), must_not=("never use alone", "pharmacy")),
    # binge drinking with twitching: possible withdrawal, no "common in healthy people".
    Case("m26-binge-with-twitching", {**twitch("at_rest"), **alcohol("binge")},
         must=("can be withdrawal", "doctor today", "911"),
         must_not=("common in healthy people", "rarely a problem", "dts")),
    Case("m26-binge-jerks-falling-asleep", {**twitch("falling_asleep"), **alcohol("binge")},
         must=("can be withdrawal",),
         must_not=("sleep starts", "common in healthy people", "rarely a problem")),
    Case("m26-binge-twitching-unclear-for-her",
         {"twitching": UNCLEAR, **alcohol("binge"), "screening_for": "she"},
         must=("doctor today", "last drink",), must_not=("common in healthy people",)),
    # kratom with twitching: no reassurance either.
    Case("m7-kratom-with-twitching",
         {**twitch("at_rest"), **opioids("kratom", prescribed=NO), "other_substances": ["kratom"]},
         must=("kratom", "911"), must_not=("common in healthy people",)),
    # pregnancy and prescribed pain pills: what doctors advise for opioid use disorder.
    Case("m9-pregnant-prescribed-pain-pills-treatment", opioids("oxycodone"),
         words=("im pregnant",),
         must=("for opioid use disorder in pregnancy", "see a doctor soon")),
    # Everything at once: the longest explanation there is
    Case("everything-at-once",
         {**twitch("in_withdrawal", "all_the_time"),
          **opioids("fentanyl", "kratom", prescribed=NO, dose="restarted"),
          **benzos("alprazolam", prescribed=NO, benzo_with_opioids=YES, benzo_for_twitching=YES),
          **alcohol(YES, YES), "other_substances": ["gabapentin", "cocaine", "kratom"],
          "screening_for": "she"},
         words=("she is pregnant and dopesick",),
         must=("tolerance", "fentanyl", "stop breathing", "dts", "pregnancy", "kratom")),
]  # fmt: skip


# --- Running the action and rendering what it sends --------------------------------
@dataclass
class Told:
    web: List[str] = field(default_factory=list)
    web_texts: List[str] = field(default_factory=list)
    sms_turns: List[List[str]] = field(default_factory=list)
    # Each turn's texts as the SMS channel packs them, before it would cut any.
    sms_texts: List[List[str]] = field(default_factory=list)

    def sms_blocks(self) -> List[str]:
        return [name for turn in self.sms_turns for name in turn]

    def web_text(self) -> str:
        return " ".join(self.web_texts).lower()

    def sms_text(self) -> str:
        return " ".join(" ".join(turn) for turn in self.sms_texts).lower()


@lru_cache(maxsize=None)
def rasa_domain() -> Domain:
    return Domain.load(str(DOMAIN_DIR))


def user(text: str, intent: str, channel: str) -> Dict[str, Any]:
    return {"event": "user", "text": text, "parse_data": {"intent": {"name": intent}},
            "input_channel": channel}  # fmt: skip


async def run_action(case: Case, channel: str, events: List[Dict[str, Any]]) -> List[str]:
    """Runs the explanation action after `events`; the responses it sends."""
    slots: Dict[str, Any] = {
        name: slot.get("initial_value") for name, slot in domain()["slots"].items()
    }
    slots.update(case.all_answers())
    latest = events[-1]
    tracker = Tracker(
        sender_id=case.id, slots=slots, events=events, paused=False, followup_action=None,
        latest_message={"text": latest["text"], "intent": latest["parse_data"]["intent"],
                        "entities": []},
        active_loop={}, latest_action_name="action_listen",
    )  # fmt: skip
    dispatcher = CollectingDispatcher()
    await ActionExplainScreening().run(dispatcher, tracker, domain())
    return [str(message["response"]) for message in dispatcher.messages]


async def render(names: List[str], case: Case, channel: str) -> List[Dict[str, Any]]:
    value = case.answers.get("screening_for")
    events = [SlotSet("screening_for", value)] if value else []
    tracker = DialogueStateTracker.from_events(case.id, events, slots=rasa_domain().slots)
    messages = [await nlg_agent().nlg.generate(name, tracker, channel) for name in names]
    assert all(messages), f"{case.id}: a response rendered nothing on {channel}: {names}"
    return messages


def as_bot_events(names: List[str], action: str) -> List[Dict[str, Any]]:
    return [{"event": "action", "name": action}] + [
        {"event": "bot", "metadata": {"utter_action": name}} for name in names
    ]


TOLD: Dict[str, Told] = {}


async def told(case: Case) -> Told:
    """What the person is told about their answers, by web and SMS (cached per case)."""
    if case.id in TOLD:
        return TOLD[case.id]
    result = Told()
    said = [user(text, "inform", WEB) for text in case.words]
    result.web = await run_action(case, WEB, [*said, user("no", "deny", WEB)])
    result.web_texts = [str(m.get("text")) for m in await render(result.web, case, WEB)]

    events = [user(text, "inform", SMS_CHANNEL) for text in case.words]
    events.append(user("no", "deny", SMS_CHANNEL))
    for turn in range(MAX_SMS_TURNS):
        names = await run_action(case, SMS_CHANNEL, events)
        events += as_bot_events(names, "action_explain_screening")
        sent = [*names, *(HAND_OFF if turn == 0 else ())]
        if turn == 0:
            events += as_bot_events(list(HAND_OFF), "utter")
        messages = await render(sent, case, SMS_CHANNEL)
        texts = [await rendered(nlg_agent(), message) for message in messages]
        pieces = packed(piece for text in texts for piece in split_long(text))
        result.sms_turns.append([n for n in names if n not in (MORE_PROMPT, NOTHING_MORE)])
        result.sms_texts.append(pieces)
        if NOTHING_MORE in names or MORE_PROMPT not in names:
            break
        events.append(user("MORE", "more", SMS_CHANNEL))
    TOLD[case.id] = result
    return result


# --- The checks --------------------------------------------------------------------
def test_the_table_has_40_or_more_distinct_cases_and_chooses_every_block() -> None:
    ids = [case.id for case in CASES]
    assert len(ids) >= 40 and len(set(ids)) == len(ids)
    assert sum(case.common for case in CASES) >= 25


async def test_every_block_is_chosen_by_some_case() -> None:
    chosen = {name for case in CASES for name in (await told(case)).web}
    assert [block.name for block in BLOCKS if block.name not in chosen] == []


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
async def test_what_must_and_must_not_be_said(case: Case) -> None:
    result = await told(case)
    for channel, text in (("web", result.web_text()), ("sms", result.sms_text())):
        missing = [phrase for phrase in case.must if phrase.lower() not in text]
        said = [phrase for phrase in case.must_not if phrase.lower() in text]
        assert not missing, f"{case.id} ({channel}) does not say {missing}: {text}"
        assert not said, f"{case.id} ({channel}) says {said}: {text}"


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
async def test_any_opioid_or_street_pill_gets_a_911_line(case: Case) -> None:
    """Naloxone is never named without when to give it and 911."""
    s = situation(case.all_answers(), case.words)
    if not (s.opioids or s.opioid_break or s.street):
        return
    result = await told(case)
    for channel, text in (("web", result.web_text()), ("sms", result.sms_text())):
        assert "911" in text and "naloxone" in text, f"{case.id} ({channel}): {text}"


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
async def test_sms_carries_every_safety_block_of_the_web_most_urgent_first(case: Case) -> None:
    result = await told(case)
    web_safety = [name for name in result.web if name in SAFETY]
    sms_safety = [name for name in result.sms_blocks() if name in SAFETY]
    assert sms_safety == web_safety, case.id
    assert result.sms_blocks() == [name for name in result.web if name not in WEB_ONLY]
    if web_safety:
        assert result.sms_turns[0][0] == web_safety[0], f"{case.id}: most urgent not first"


@pytest.mark.parametrize("case", [c for c in CASES if c.first], ids=lambda case: case.id)
async def test_the_most_urgent_block_comes_first_on_the_web_and_by_sms(case: Case) -> None:
    result = await told(case)
    assert [n for n in result.web if n not in WEB_ONLY][0] == case.first, result.web
    assert result.sms_turns[0][0] == case.first, result.sms_turns


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
async def test_every_sms_turn_fits_in_the_turns_texts_with_nothing_cut(case: Case) -> None:
    result = await told(case)
    assert result.sms_turns[0], f"{case.id}: the first SMS turn says nothing"
    for number, texts in enumerate(result.sms_texts, 1):
        assert len(texts) <= MAX_TEXTS, f"{case.id} turn {number}: {len(texts)} texts: {texts}"
        for text in texts:
            assert to_gsm7(text) == text and gsm_length(text) <= SMS_LENGTH, text
    if len(result.sms_turns) > 1:
        assert "reply more for more" in " ".join(result.sms_texts[0]).lower()


@pytest.mark.parametrize("case", [c for c in CASES if c.common], ids=lambda case: case.id)
async def test_common_paths_are_about_175_words_or_fewer_on_the_web(case: Case) -> None:
    words = word_count(" ".join((await told(case)).web_texts))
    assert words <= MAX_WEB_WORDS, f"{case.id}: {words} words"


@pytest.mark.parametrize(
    "case", [c for c in CASES if c.answers.get("screening_for")], ids=lambda case: case.id
)
async def test_about_someone_else_the_blocks_speak_about_that_person(case: Case) -> None:
    result = await told(case)
    value = case.answers["screening_for"]
    for channel, names in ((WEB, result.web), (SMS_CHANNEL, result.sms_blocks())):
        for name, message in zip(names, await render(names, case, channel), strict=True):
            text = str(message.get("text"))
            if name not in WRITER_BLOCKS:
                assert not YOU.search(text), f"{case.id} ({channel}) {name} says you: {text}"
            for gender, pronouns in PRONOUNS.items():
                if gender != value:
                    assert not pronouns.search(text), f"{case.id} ({channel}) {name}: {text}"
