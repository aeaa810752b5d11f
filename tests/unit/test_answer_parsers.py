"""The answer parsers (actions/parsers/): what people type -> the canonical answer.

Each table row is (text, expected answer[, entities][, intent]). Entities are
given as (type, value, words): their character offsets are found in the
text, as the NLU would report them. The intent is None unless given: the
text alone must decide.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

import pytest
import yaml

from actions.parsers import PARSERS, parse_answer
from actions.parsers.vocabulary import normalise_text, vocabulary

ROOT = Path(__file__).resolve().parents[2]
Entity = Tuple[str, str, str]

# --- Messages that answer no question -----------------------------------

NOT_ANSWERS = [
    "is this withdrawal?",
    "will my insurance find out",
    "who sees this",
    "call me",
    "what's your number",
    "asdfgh",
    "is it dangerous?",
    "why do you ask",
    "can you just call me back",
    "whats the number for admissions",
    "is this confidential??",
    "how much does rehab cost",
    "are you a real person",
    "i want to talk to someone",
    "do i need to go to the er?",
    "qwerty",
    "hello?",
    "good morning",
    "hold on",
    "huh?",
    "idk what that means",
    "i dont understand the question",
    "im at 12 main st",
    # A question back, even with a word that would skip: it asks, it does not skip.
    "is this private",
    "is this private?",
    "is this personal",
    # Hesitation alone is not an answer.
    "hmm",
    "hmmmm",
    "umm",
    "uhhh",
]


# --- One table per question ---------------------------------------------

TWITCHING: List[Tuple[Any, ...]] = [
    ("yes", "yes"),
    ("Yes", "yes"),
    ("yeah", "yes"),
    ("ya", "yes"),
    ("yesss", "yes"),
    ("y", "yes"),
    ("No", "no"),
    ("nah", "no"),
    ("nope not me", "no"),
    ("Not sure", "not sure"),
    ("idk maybe", "not sure"),
    ("i dont know", "not sure"),
    ("Skip", "skipped"),
    ("rather not say", "skipped"),
    ("my legs jump at night", "yes"),
    ("my eye keeps twitching", "yes"),
    ("whole body", "yes"),
    ("random times", "yes"),
    ("on and off", "yes"),
    ("a week", "yes"),
    ("a while", "yes"),
    ("sometimes", "yes"),
    ("ya my hands shake when i come down", "yes"),
    ("twiching all the time", "yes"),
    ("no twitching", "no"),
    ("no twitching or jerks", "no"),
    ("my muscles are fine", "no"),
    ("nah not really, just my eye sometimes", "yes"),
    ("no.. well actually yes at night", "yes"),
    ("i dont twitch", "no"),
    ("not sure if its twitching or just cramps", "not sure"),
    ("jerks", "yes", [("twitch_timing", "falling_asleep", "jerks")]),
    ("uh huh", "yes"),
    ("👍", "yes"),
    ("they wake me up at night", "yes"),
    ("never", "no"),
    ("I'm scared", None),  # being scared is not twitching
    ("i want to detox", None),
    ("definately", "yes"),
    ("is that normal? my legs jump at night", "yes"),
    ("no but my legs are restless", "yes"),
    # A leading no wins over other symptoms: they do not describe twitching.
    ("no, but i get sweaty and can't sleep", "no"),
    ("not twitching, just aches", "no"),
    ("no, i just cant sleep at night", "no"),
    ("no but my stomach hurts all the time", "no"),
    ("no wait, yes at night", "yes"),
    ("he does", "yes"),
    ("she does not", "no"),
    ("he is fine", None),
    # "not sure" in typos, and gibberish
    ("not shure", "not sure"),
    ("not sur", "not sure"),
    ("i dont no", "not sure"),
    ("idk tbh", "not sure"),
    ("hhhhh", None),
    ("nnnn", None),
    ("??", None),
    ("i guess", "yes"),
    ("i guess not", "no"),
    # "I don't know" is not sure, never no.
    ("idk never paid attention", "not sure"),
    ("idk she doesn't tell me", "not sure"),
    ("he never told me", "not sure"),
    ("i honestly dont know, i never asked him", "not sure"),
    ("idk i dont think so", "not sure"),
    ("never, idk why you ask", "no"),  # not knowing why is no answer
    ("hmm not sure", "not sure"),
    ("hmm yes", "yes"),
    ("dunno", "not sure"),
]

TWITCH_LOCATION: List[Tuple[Any, ...]] = [
    ("Legs", ["legs"]),
    ("Arms", ["arms"]),
    ("Face", ["face"]),
    ("Whole body", ["whole_body"]),
    ("whole body", ["whole_body"]),
    ("my whole body", ["whole_body"]),
    ("all over", ["whole_body"]),
    ("everywhere", ["whole_body"]),
    ("evrywhere honestly", ["whole_body"]),
    ("hands", ["arms"]),
    ("my feet", ["legs"]),
    ("calves", ["legs"]),
    ("eyelid", ["face"]),
    ("my left eyelid", ["face"]),
    ("back", ["trunk"]),
    ("my back and stomach", ["trunk"]),
    ("chest", ["trunk"]),
    ("legs n arms", ["legs", "arms"]),
    ("arms and legs mostly", ["arms", "legs"]),
    ("not my legs, my arms", ["arms"]),
    ("legs not arms", ["legs"]),
    ("arms yes legs no", ["arms"]),
    ("no twitching in my face, just my legs", ["legs"]),
    ("no my arms", ["arms"]),
    ("my legs dont twitch but my hands do", ["arms"]),
    ("everywhere except my face", ["whole_body"]),
    ("mostly my legz", ["legs"]),
    ("thighs and calfs", ["legs"]),
    ("fingers", ["arms"]),
    ("all of them", ["whole_body"]),
    ("nowhere anymore", ["no"]),
    ("Not sure", ["not sure"]),
    ("idk", ["not sure"]),
    ("Skip", ["skipped"]),
    ("no", ["no"]),
    ("yes", None),
    ("not in my legs", None),
    ("legs", ["legs"], [("body_part", "legs", "legs")]),
    ("/inform", ["whole_body"], [("body_part", "whole_body", "")], "inform"),
    ("down there", None),
    ("back of my leg", ["legs"]),
    ("everywhere but my face", ["whole_body"]),
    ("it moves around", ["whole_body"]),
    ("hands & feet", ["arms", "legs"]),
    ("neck and shoulders", ["trunk"]),
    # Shoulders, neck and back are the trunk.
    ("shoulder", ["trunk"]),
    ("my shoulders", ["trunk"]),
    ("upper arms and shoulders", ["arms", "trunk"]),
    ("my back n legs", ["trunk", "legs"]),
    # A correction inside the answer: what follows it counts.
    ("arms wait no legs", ["legs"]),
    ("arms, no wait, legs", ["legs"]),
    ("legs actually no arms", ["arms"]),
    ("arms sorry i mean legs", ["legs"]),
    ("my arms, sorry i mean my shoulders", ["trunk"]),
    ("legs wait no", ["legs"]),
    ("not shure", ["not sure"]),
    # None at all
    ("I don't have any twitches", ["no"]),
    ("he doesnt have any twitching", ["no"]),
    ("there arent any", ["no"]),
    ("i dont twitch", ["no"]),
    # Not knowing where
    ("he doesn't tell me where, just that he twitches", ["not sure"]),
    ("idk, she never mentioned where", ["not sure"]),
    ("i dont have a clue", ["not sure"]),
    ("dunno", ["not sure"]),
]

TWITCH_TIMING: List[Tuple[Any, ...]] = [
    ("Falling asleep", ["falling_asleep"]),
    ("At rest", ["at_rest"]),
    ("All the time", ["all_the_time"]),
    ("When startled", ["when_startled"]),
    ("random times", ["random"]),
    ("on and off", ["random"]),
    ("no pattern really", ["random"]),
    ("whenever honestly", ["random"]),
    ("all day", ["all_the_time"]),
    ("24/7", ["all_the_time"]),
    ("constantly", ["all_the_time"]),
    ("when I reach for something", ["when_moving"]),
    ("when im walking", ["when_moving"]),
    ("when i'm coming down", ["in_withdrawal"]),
    ("when im dopesick", ["in_withdrawal"]),
    ("when i run out", ["in_withdrawal"]),
    ("withdrawls", ["in_withdrawal"]),
    ("mornings before my first drink", ["morning", "in_withdrawal"]),
    ("when i wake up", ["morning"]),
    ("when sitting", ["at_rest"]),
    ("watching tv", ["at_rest"]),
    ("laying on the couch", ["at_rest"]),
    ("at night when im trying to sleep", ["falling_asleep"]),
    ("at nite mostly", ["falling_asleep"]),
    ("loud noises make it worse", ["when_startled"]),
    ("at night and when im coming down", ["falling_asleep", "in_withdrawal"]),
    ("not at night, more when im sitting", ["at_rest"]),
    ("Not sure", ["not sure"]),
    ("idk", ["not sure"]),
    ("Skip", ["skipped"]),
    ("is this withdrawal?", None),
    ("yes", None),
    ("in bed", ["falling_asleep"], [("twitch_timing", "falling_asleep", "in bed")]),
    ("when i try to grab stuff", ["when_moving"]),
    ("when i'm off my meds", ["in_withdrawal"]),
    ("when i haven't had a drink", ["in_withdrawal"]),
    ("every morning till i have a drink", ["morning", "in_withdrawal"]),
    ("when someone scares me", ["when_startled"]),
    ("when im stressed", None),
    # Withdrawal in other words, and misspelled
    ("when I'm sick from not having any", ["in_withdrawal"]),
    ("a few hours after my last dose", ["in_withdrawal"]),
    ("when it's been a while since I used", ["in_withdrawal"]),
    ("when im withdrawling", ["in_withdrawal"]),
    ("witdrawal", ["in_withdrawal"]),
    ("when im withdrawin", ["in_withdrawal"]),
    ("when im running low", ["in_withdrawal"]),
    ("comes and goes", ["random"]),
    ("comes n goes", ["random"]),
    ("off and on", ["random"]),
    ("sitting still", ["at_rest"]),
    ("sittin", ["at_rest"]),
    ("layin down", ["at_rest"]),
    ("when im just laying there", ["at_rest"]),
    ("whenever im sick", ["in_withdrawal"]),
    ("whenever", ["random"]),
    ("at night n when im sittin", ["falling_asleep", "at_rest"]),
    ("hhhhh", None),
    ("??", None),
    # Withdrawal in other words
    ("when the subs wear off", ["in_withdrawal"]),
    ("as my meds wear off", ["in_withdrawal"]),
    ("when I go without", ["in_withdrawal"]),
    ("when he goes without", ["in_withdrawal"]),
    ("till I get my first beer in me", ["in_withdrawal"]),
    ("in the morning till I get my first beer in me", ["morning", "in_withdrawal"]),
    ("before my first drink", ["in_withdrawal"]),
    ("in the am before his first beer", ["morning", "in_withdrawal"]),
    ("before bed", ["falling_asleep"]),
    ("when i wake up before coffee", ["morning"]),
    # Not knowing when: a time only hedged
    ("I'm not with him at night so idk", ["not sure"]),
    ("i dont live with her so idk", ["not sure"]),
    ("i dunno, he doesnt tell me", ["not sure"]),
    ("idk maybe at night", ["falling_asleep"]),
]

TWITCH_DURATION: List[Tuple[Any, ...]] = [
    ("a week", "weeks"),
    ("a while", "a_while"),
    ("bout a month", "months"),
    ("since summer", "months"),
    ("on and off for months", "months"),
    ("couple weeks", "weeks"),
    ("a couple of weeks", "weeks"),
    ("3 days", "days"),
    ("three days", "days"),
    ("2 wks", "weeks"),
    ("2wks", "weeks"),
    ("10 days", "weeks"),
    ("few days", "days"),
    ("since yesterday", "days"),
    ("started monday", "days"),
    ("since monday", "days"),
    ("like 6 months", "months"),
    ("half a year", "months"),
    ("a year and a half", "years"),
    ("2yrs", "years"),
    ("years", "years"),
    ("since i was a kid", "years"),
    ("since 2019", "years"),
    ("a long time", "a_while"),
    ("forever", "a_while"),
    ("ages", "a_while"),
    ("its been a minute", "a_while"),
    ("less than a week", "days"),
    ("over a month now", "months"),
    ("idk maybe 2 weeks", "weeks"),
    ("not a week, more like a month", "months"),
    ("a while, maybe 3 weeks", "weeks"),
    ("it happens like 5 times a day", None),
    ("Not sure", "not sure"),
    ("Skip", "skipped"),
    ("since I started suboxone", None),
    ("is that bad?", None),
    ("6 wks", "months"),  # over a month
    ("ever since i quit in march", "months"),
    ("48 hours", "days"),
    ("this week", "days"),
    ("recently", None),
    # A range is its middle: six or seven days is under a week.
    ("six or seven days", "days"),
    ("6 or 7 days", "days"),
    ("2 or 3 weeks", "weeks"),
    ("a long while", "a_while"),
    ("??", None),
    ("?", None),
    # A whole and a half
    ("2 and a half weeks", "weeks"),
    ("two and a half months", "months"),
    ("one and a half months", "months"),
    ("a week and a half", "weeks"),
    ("a month and a half", "months"),
    ("6 and a half days", "days"),
    ("a day and a half", "days"),
    # A correction inside the answer keeps the corrected length.
    ("4 days no wait more like 2 weeks", "weeks"),
    ("3 weeks, wait no, 2 months", "months"),
    ("like 2 months sorry i mean 2 weeks", "weeks"),
]

OPIOID_USE: List[Tuple[Any, ...]] = [
    ("Yes", "yes"),
    ("No", "no"),
    ("nah", "no"),
    ("never", "no"),
    ("i dont do drugs", "no"),
    ("Not sure", "not sure"),
    ("Skip", "skipped"),
    ("percs", "yes", [("opioid", "oxycodone", "percs")]),
    ("ya m30s", "yes", [("opioid", "fentanyl", "m30s")]),
    ("oxy", "yes"),
    ("just kratom", "yes", [("other_substance", "kratom", "kratom")]),
    ("i been taking more lately", "yes"),
    ("every day", "yes"),
    ("used to", "past"),
    ("i used to but not anymore", "past"),
    ("clean 2 years", "past"),
    ("been clean since 2019", "past"),
    ("stopped last week", "yes"),
    ("quit 3 days ago", "yes"),
    ("been off 3 days", "yes"),
    ("ran out yesterday", "yes"),
    ("used to shoot dope, now im on methadone", "yes"),
    ("relapsed last month", "yes"),
    ("never touched heroin", "no", [("opioid", "heroin", "heroin")]),
    ("no just xanax", "no", [("benzodiazepine", "alprazolam", "xanax")]),
    ("is that bad?", None),
    ("call me", None),
    ("no not anymore", "past"),
    ("clean for 2 weeks", "yes"),
    ("only when my back hurts", "yes"),
    ("i dont understand the question", None),
    ("not currently", "past"),
    ("im not taking anything", "no"),
    # Someone else's use, told in the third person
    ("he does", "yes"),
    ("she does i think", "yes"),
    ("yeah he does", "yes"),
    ("he doesnt", "no"),
    ("he doesnt anymore", "past"),
    # Nothing of the class, only other substances
    ("only drink", "no"),
    ("just weed", "no"),
    ("only tylenol", "no"),
    ("weed", "no"),
    ("i smoke weed every day", "no"),
    ("only xanax", "no", [("benzodiazepine", "alprazolam", "xanax")]),
    ("not anymore, just weed now", "past"),
    # Long ago
    ("did a long time ago", "past"),
    ("in my twenties", "past"),
    ("once in 2012", "past"),
    ("years back", "past"),
    ("a while back", "past"),
    ("did a few times", "past"),
    ("when i was 19", "past"),
    ("dope", "yes"),
    ("2 weeks ago", "yes"),
    ("are opioids addictive", None),
    ("not shure", "not sure"),
    ("dunno", "not sure"),
    # How often alone
    ("every single day", "yes"),
    ("daily", "yes"),
    ("all the time", "yes"),
    ("like 3 times a day", "yes"),
    ("24/7", "yes"),
    ("nonstop", "yes"),
    # Not knowing is not sure.
    ("maybe, I don't really know", "not sure"),
    ("I'm not sure if the pills she gets are opioids", "not sure"),
    ("maybe? I take something for pain, no idea what", "not sure"),
    ("she takes some pills, idk what they are", "not sure"),
    ("i take something for pain every day", "yes"),
    ("not that i know of", "no"),
    # Someone else's use, and pills from someone
    ("my wife takes xanax but I don't", "no"),
    ("my brother does heroin, not me", "no"),
    ("my boyfriend uses dope but i dont", "no"),
    ("my daughter gets pills from her boyfriend", "yes"),
    ("my son buys pills off the street", "yes"),
    ("he takes percs", "yes"),
]

OPIOID_NAMES: List[Tuple[Any, ...]] = [
    ("percs", ["oxycodone"], [("opioid", "oxycodone", "percs")]),
    (
        "blues and fent",
        ["oxycodone", "fentanyl"],
        [("opioid", "opioid", "blues"), ("opioid", "fentanyl", "fent")],
    ),
    ("oxy and suboxone", ["oxycodone", "buprenorphine"]),
    ("oxy and subs", ["oxycodone", "buprenorphine"], [("opioid", "buprenorphine", "subs")]),
    ("dope", ["heroin"], [("opioid", "heroin", "dope")]),
    ("lean sometimes", ["codeine"], [("opioid", "codeine", "lean")]),
    ("kratom", ["kratom"], [("other_substance", "kratom", "kratom")]),
    ("methadone", ["methadone"]),
    (
        "not oxy, percs",
        ["oxycodone"],
        [("opioid", "oxycodone", "oxy"), ("opioid", "oxycodone", "percs")],
    ),
    ("no heroin, just pain pills", ["not sure"], [("opioid", "heroin", "heroin")]),
    ("subs", ["buprenorphine"], [("opioid", "buprenorphine", "subs")]),
    ("whatever i can get", ["not sure"]),
    ("idk the name", ["not sure"]),
    ("dont know what they are", ["not sure"]),
    ("Not sure", ["not sure"]),
    ("Skip", ["skipped"]),
    ("none", ["no"]),
    ("nothing", ["no"]),
    ("xanax", None, [("benzodiazepine", "alprazolam", "xanax")]),
    ("what does that mean", None),
    # To "which ones?", street words name their substance on their own.
    ("smack", ["heroin"]),
    ("H", ["heroin"]),
    ("dope", ["heroin"]),
    ("the boy", ["heroin"]),
    ("sub", ["buprenorphine"]),
    ("strips", ["buprenorphine"]),
    ("lean", ["codeine"]),
    ("syrup", ["codeine"]),
    ("blues", ["oxycodone"]),
    ("trams", ["tramadol"]),
    # Every name in a list counts.
    ("m30s and dope", ["oxycodone", "heroin"]),
    ("percs and a sub when i cant find any", ["oxycodone", "buprenorphine"]),
    ("lean and percs", ["codeine", "oxycodone"]),
    ("oxys mostly, some blues", ["oxycodone"]),
    ("percs or fent idk", ["oxycodone", "fentanyl"]),
    ("subs, percs, and dope", ["buprenorphine", "oxycodone", "heroin"]),
    ("percs wait no oxys", ["oxycodone"]),
    # Pills said to be fentanyl are fentanyl.
    (
        "pressed blues but they're fent",
        ["fentanyl"],
        [("opioid", "opioid", "pressed blues"), ("opioid", "fentanyl", "fent")],
    ),
    ("the blues, which are fent", ["fentanyl"]),
    ("percs laced with fent", ["fentanyl"]),
    ("percs that i get, and fent", ["oxycodone", "fentanyl"]),
    ("fake blues", ["fentanyl"]),
    ("m30s but they're pressed fent", ["fentanyl"]),
    # The class word names none.
    ("opioids", ["not sure"], [("opioid", "opioid", "opioids")]),
    ("oxy and other opiates", ["oxycodone"]),
    ("opiates", ["not sure"]),
    ("dope sick", ["not sure"], [("opioid", "opioid", "dope sick")]),
    # A question back that names drugs.
    ("is fent worse than heroin?", None),
    ("is fent worse than heroin", None),
    ("does xanax count", None),
    ("what are blues", None),
]

BENZO_NAMES: List[Tuple[Any, ...]] = [
    ("bars", ["alprazolam"], [("benzodiazepine", "alprazolam", "bars")]),
    ("xannies", ["alprazolam"]),
    ("xanax and klonopin", ["alprazolam", "clonazepam"]),
    ("k pins", ["clonazepam"], [("benzodiazepine", "clonazepam", "k pins")]),
    ("valium", ["diazepam"]),
    ("ativan sometimes", ["lorazepam"]),
    ("my benzos", ["not sure"]),
    ("not xanax, klonopin", ["clonazepam"]),
    ("xanax not ativan", ["alprazolam"]),
    ("idk some white pills", ["not sure"]),
    ("forget the name", ["not sure"]),
    ("none", ["no"]),
    ("nothing", ["no"]),
    ("skip", ["skipped"]),
    ("Not sure", ["not sure"]),
    ("oxy", None, [("opioid", "oxycodone", "oxy")]),
    ("bars", ["alprazolam"]),
    ("footballs", ["alprazolam"]),
    ("school buses", ["alprazolam"]),
    ("greens", ["alprazolam"]),
    ("vals", ["diazepam"]),
    ("vallys and bars", ["diazepam", "alprazolam"]),
    ("klonnies n bars", ["clonazepam", "alprazolam"]),
    ("pins", ["clonazepam"]),
    ("benzos", ["not sure"]),
    ("xanax and some other benzos", ["alprazolam"]),
    ("are benzos bad", None),
    ("is xanax worse than valium", None),
]

BENZO_USE: List[Tuple[Any, ...]] = [
    ("yes", "yes"),
    ("no", "no"),
    ("bars", "yes", [("benzodiazepine", "alprazolam", "bars")]),
    ("klonopin for anxiety", "yes"),
    ("xanax sometimes", "yes"),
    ("only when i cant sleep", "yes"),
    ("used to take xanax", "past"),
    ("not for years", "past"),
    ("quit valium a few months ago", "past"),
    ("stopped my klonopin 4 days ago", "yes"),
    ("nope never", "no"),
    ("i dont take any pills", "no"),
    ("never tried them", "no"),
    ("idk", "not sure"),
    ("Skip", "skipped"),
    ("who sees this", None),
    ("he does", "yes"),
    ("only drink", "no"),
    ("just my adderall", "no"),
    ("only percs", "no", [("opioid", "oxycodone", "percs")]),
    ("only when i drink", "yes"),
    ("just my klonopin", "yes"),
    ("just bars", "yes"),
    ("in my twenties", "past"),
    ("years back", "past"),
    ("are benzos bad?", None),
    ("every single day", "yes"),
    ("idk what a benzo is, I take something for anxiety", "not sure"),
    ("i take something to sleep but idk what it is", "not sure"),
    ("my wife takes xanax but I don't", "no"),
    ("my girlfriend uses bars but i dont touch them", "no"),
    ("my husband takes klonopin, not me", "no"),
    ("she takes xanax", "yes"),
]

PRESCRIBED: List[Tuple[Any, ...]] = [
    ("Yes", "yes"),
    ("No", "no"),
    ("my doctor", "yes"),
    ("from my doc", "yes"),
    ("my clinic", "yes"),
    ("the methadone clinic", "yes"),
    ("my surgeon after my knee surgery", "yes"),
    ("pain management", "yes"),
    ("yes by my psychiatrist", "yes"),
    ("from a friend", "no"),
    ("off the street", "no"),
    ("i buy them", "no"),
    ("my cousin's", "no"),
    ("no theyre not mine", "no"),
    ("not prescribed", "no"),
    ("my plug", "no"),
    ("some", "some"),
    ("some of them", "some"),
    ("the subs are prescribed but i buy percs", "some"),
    ("some from my doc some from a buddy", "some"),
    ("both", "some"),
    ("not from a doctor", "no"),
    ("idk", "not sure"),
    ("Skip", "skipped"),
    ("why does that matter", None),
    ("not sure if theyre prescribed", "not sure"),
    ("can i skip this one?", "skipped"),
    ("my moms prescription", "no"),
    ("my doctor cut me off so now i buy them", "no"),
    ("i get them from someone", "no"),
    ("prescribed but i buy more on the side", "some"),
    # One prescribed and another not
    ("the norco is, the rest aren't", "some"),
    ("my doc gives me the oxy but not the dope", "some"),
    ("half of them", "some"),
    ("part of it", "some"),
    # Someone else's prescription, stolen or bought
    ("prescribed to my mom, I take hers", "no"),
    ("prescribed to my wife but i take them", "no"),
    ("i steal them from my grandma", "no"),
    ("i buy some from a guy", "no"),
    ("stolen", "no"),
    ("his doctor prescribes them", "yes"),
    ("prescribed for my back", "yes"),
    # One part yes and one part no, in any order and wording
    ("the subs are but the percs aren't", "some"),
    ("yes the oxy is from my doctor, the dope obviously not", "some"),
    ("yes, well, not the ones I get from my cousin", "some"),
    ("mostly no, I do have a script for tramadol though", "some"),
    ("the klonopin yes, the bars no", "some"),
    ("my ativan is, I buy xanax too", "some"),
    ("some are some ain't", "some"),
    ("valium yes xanax no", "some"),
    ("yea the methadone, not the fent tho", "some"),
    ("yes but i also buy extra", "some"),
    ("the methadone is from the clinic but the pills arent", "some"),
    # A friend or dealer alone: "some" is how many
    ("my buddy gives me some", "no"),
    ("friend gives me a few", "no"),
    ("my buddy hooks me up with some", "no"),
    ("homie gives me some", "no"),
    ("i buy percs and xanax", "no"),
    # Disbelief
    ("hell naw who prescribes fent", "no"),
    ("lol who would prescribe that", "no"),
    ("dope isnt prescribed lol", "no"),
    ("no one prescribes fentanyl lol", "no"),
    ("obviously not", "no"),
    # A negation that is the answer itself, after "isnt", "arent"
    ("they're not prescribed to me", "no"),
    ("klonopin isnt from my doctor, no", "no"),
    ("i dont take oxy", None),  # says nothing of a prescription
    ("i never take more oxy than prescribed", "yes"),
    ("xanax is prescribed, valium too", "yes"),
]

DOSE_CHANGE: List[Tuple[Any, ...]] = [
    ("Yes", "yes"),
    ("No", "no"),
    ("taking more", "up"),
    ("i been taking more lately", "up"),
    ("using more than before", "up"),
    ("went up 10", "up"),
    ("doc raised it", "up"),
    ("went from 2 to 4 a day", "up"),
    ("cut back", "down"),
    ("been skipping doses", "down"),
    ("tapering", "down"),
    ("went from 60 to 40mg", "down"),
    ("ran out", "stopped"),
    ("stopped last week", "stopped"),
    ("quit", "stopped"),
    ("been off 3 days", "stopped"),
    ("relapsed", "restarted"),
    ("started again after being clean", "restarted"),
    ("same as always", "no"),
    ("nope same dose", "no"),
    ("nothing changed", "no"),
    ("i havent cut back", "no"),
    ("not sure", "not sure"),
    ("skip", "skipped"),
    ("is that why im twitching?", None),
    ("im out", "stopped"),
    ("it goes up and down", "yes"),
    ("i dont take more than prescribed", "no"),
    ("no but i ran out yesterday", "stopped"),
    ("went from 2 to 1", "down"),
    ("from three a day to six", "up"),
    ("stretching them out", "down"),
    ("taking half", "down"),
    ("been without since sunday", "stopped"),
    ("couldn't get any for days", "stopped"),
    ("been out since tuesday", "stopped"),
    ("restarted", "restarted"),
    ("Relapsed.", "restarted"),
    ("started again", "restarted"),
    ("started back up", "restarted"),
    # A correction inside the answer keeps the corrected change.
    ("I stopped, no wait I cut down, I still take one a day", "down"),
    ("went up, no wait, its the same", "no"),
]

WITH_OPIOIDS: List[Tuple[Any, ...]] = [
    ("Yes", "yes"),
    ("No", "no"),
    ("ya sometimes same night", "yes"),
    ("together sometimes", "yes"),
    ("every day", "yes"),
    ("only on weekends", "yes"),
    ("sometimes", "yes"),
    ("never together", "no"),
    ("not on the same day", "no"),
    ("i keep them separate", "no"),
    ("nah never mix them", "no"),
    ("not usually", "no"),
    ("not usually but sometimes", "yes"),
    ("idk", "not sure"),
    ("skip", "skipped"),
    ("is that dangerous?", None),
    ("all the time", "yes"),
    ("a few hours apart", "yes"),
    # The question is whether ever, on the same day.
    ("only once or twice", "yes"),
    ("I take my klonopin after my methadone at night", "yes"),
    ("xanax and oxy at night", "yes"),
    ("not once", "no"),
    ("i take xanax but never with my oxy", "no"),
    # How often alone says it happens; other substances only do not count.
    ("some days", "yes"),
    ("a couple days a week", "yes"),
    ("no, only alcohol with them", "no"),
    ("just with beer", "no"),
    ("no just drinking", "no"),
]

FOR_TWITCHING: List[Tuple[Any, ...]] = [
    ("Yes", "yes"),
    ("No", "no"),
    ("for anxiety", "no"),
    ("no for my anxiety", "no"),
    ("to sleep", "no"),
    ("yeah it helps the jerks", "yes"),
    ("kinda, it calms them", "yes"),
    ("for anxiety and the twitching", "yes"),
    ("for anxiety, not the twitching", "no"),
    ("to get high lol", "no"),
    ("partly", "yes"),
    ("it helps", "yes"),
    ("idk", "not sure"),
    ("skip", "skipped"),
    ("do they help with that?", None),
    ("helps me sleep", "no"),
    ("to help with the jerks", "yes"),
    # Another reason only is a no; how much, without another reason, a yes.
    ("for sleep mostly", "no"),
    ("I had them before the twitching", "no"),
    ("i had them before", "no"),
    ("mostly", "yes"),
    ("that and my nerves", "yes"),
    ("only when it's real bad", "yes"),
    ("when my anxiety gets bad", "no"),
    ("i guess", "yes"),
    ("not shure", "not sure"),
    # Two reasons, one of them the twitching
    ("yes and for sleep", "yes"),
    ("yeah and anxiety", "yes"),
    ("yes, also for sleep", "yes"),
    ("only for sleep", "no"),
    ("nah just sleep", "no"),
]

ALCOHOL_HEAVY: List[Tuple[Any, ...]] = [
    ("Yes", "yes"),
    ("No", "no"),
    ("i drink a lot", "yes"),
    ("i drink a lot, like a 12 pack a day", "yes"),
    ("a 12 pack a day", "yes"),
    ("12pk a day", "yes"),
    ("a fifth a day", "yes"),
    ("most of a bottle", "yes"),
    ("a bottle of wine a night", "yes"),
    ("like 6 beers every night", "yes"),
    ("a pint of vodka a day", "yes"),
    ("4 or 5 a night", "yes"),
    ("a handle lasts me 3 days", "yes"),
    ("6 beers on saturdays", "binge"),
    ("get wasted on weekends", "binge"),
    ("a 6 pack on fridays", "binge"),
    ("only on weekends but a lot", "binge"),
    ("a glass of wine with dinner", "no"),
    ("a couple beers on weekends", "no"),
    ("2 beers a night", "no"),
    ("socially", "no"),
    ("dont drink", "no"),
    ("i dont drink a lot", "no"),
    ("not really, maybe a beer or two", "no"),
    ("used to, sober 3 years now", "no"),
    ("i quit 2 days ago, was doing a fifth a day", "yes"),
    ("every day", "yes"),
    ("not sure what counts", "not sure"),
    ("skip", "skipped"),
    ("is alcohol bad with subs?", None),
    ("yeah i drink every day", "yes"),
    ("a tall boy or two after work", "no"),
    ("wine with dinner every night", "no"),
    ("a 40 a day", "no"),  # a 40 oz is about 3 standard drinks
    ("two 40s a day", "yes"),
    ("20 beers a week", "binge"),
    ("3 beers a night", "no"),
    ("3 or 4 beers a night", "yes"),
    ("half a bottle of vodka a day", "yes"),
    ("i used to drink a lot but i still have 6 beers a night", "yes"),
    ("good morning", None),
    ("1/2 a bottle of wine a night", "no"),
    # Every few days: averaged over the days.
    ("a handle every few days", "yes"),
    ("a fifth every couple days", "yes"),
    ("every other day, a 12 pack", "yes"),
    ("a bottle of wine every couple days", "binge"),
    ("2 beers every other day", "no"),
    ("like 10 beers on weekend nights", "binge"),
    ("a fifth on weekends", "binge"),
    ("have a drink every night", "no"),
]

ALCOHOL_STOPPED: List[Tuple[Any, ...]] = [
    ("Yes", "yes"),
    ("No", "no"),
    ("quit 3 days ago", "yes"),
    ("stopped yesterday", "yes"),
    ("havent had a drink since friday", "yes"),
    ("cut way back this week", "yes"),
    ("trying to, day 2", "yes"),
    ("still drinking", "no"),
    ("nope still going", "no"),
    ("havent stopped", "no"),
    ("quit 2 years ago", "no"),
    ("same as always", "no"),
    ("idk", "not sure"),
    ("skip", "skipped"),
    ("what happens if i stop?", None),
    ("last drink was saturday", "yes"),
    ("im drinking less", "yes"),
    ("cut back a little", "yes"),  # errs towards the warning
    ("haven't had a drink in 4 days", "yes"),
    ("been cutting way down this week", "yes"),
    ("went from a fifth to a couple beers", "yes"),
    ("only had 2 today instead of my usual 12", "yes"),
    ("down to 3 beers from 12", "yes"),
    ("from 12 beers a day to 20", "no"),
    # Plans are not a stop.
    ("gonna stop tomorrow", "no"),
    ("i want to quit", "no"),
    ("going to quit next week", "no"),
    ("thinking about quitting", "no"),
    ("still drinking, want to stop", "no"),
    ("trying to quit", "yes"),
    ("not shure", "not sure"),
    # A recent last drink; a weekday is recent.
    ("haven't had one since yesterday", "yes"),
    ("she hasn't had a drink since thursday", "yes"),
    ("he hasnt drank since saturday", "yes"),
    ("no drinks for 3 days", "yes"),
    ("last drink was sunday", "yes"),
    ("last one was friday", "yes"),
    ("not since friday", "yes"),
    ("no beer for 4 days", "yes"),
    ("hasnt had a drop since friday", "yes"),
    ("my last drink was a year ago", "no"),
    ("havent had a drink in 3 months", "no"),
]

# "Would you like to answer a few short questions?"
START: List[Tuple[Any, ...]] = [
    ("ok", "yes"),
    ("sure", "yes"),
    ("fine", "yes"),
    ("i guess", "yes"),
    ("y", "yes"),
    ("ok but ill skip some", "yes"),
    ("yes for years", "yes"),
    ("go ahead", "yes"),
    ("lets do it", "yes"),
    ("let's do it", "yes"),
    ("Yes, let's start", "yes"),
    ("no", "no"),
    ("nah", "no"),
    ("not now", "no"),
    ("just the number", "no"),
    ("No, just the phone number", "no"),
    ("maybe later", "no"),
    ("skip", "no"),
    ("sure, but not now", "no"),
    ("not sure", "not sure"),
    ("idk", "not sure"),
    ("hmm", None),
    ("what is this", None),
    ("how long does it take?", None),
    ("hello", None),
    ("ok", "yes", [], "affirm"),
    ("/deny", "no", [], "deny"),
]

TABLES: Dict[str, List[Tuple[Any, ...]]] = {
    "twitching": TWITCHING,
    "twitch_location": TWITCH_LOCATION,
    "twitch_timing": TWITCH_TIMING,
    "twitch_duration": TWITCH_DURATION,
    "opioid_use": OPIOID_USE,
    "opioid_names": OPIOID_NAMES,
    "opioid_prescribed": PRESCRIBED,
    "opioid_dose_change": DOSE_CHANGE,
    "benzo_use": BENZO_USE,
    "benzo_names": BENZO_NAMES,
    "benzo_prescribed": PRESCRIBED,
    "benzo_with_opioids": WITH_OPIOIDS,
    "benzo_for_twitching": FOR_TWITCHING,
    "alcohol_heavy": ALCOHOL_HEAVY,
    "alcohol_stopped": ALCOHOL_STOPPED,
    "start": START,
}


def entities(text: str, given: Sequence[Entity]) -> List[Dict[str, Any]]:
    """NLU-style entities: offsets of the words in the text (none for payloads)."""
    found = []
    for kind, value, words in given:
        entity: Dict[str, Any] = {"entity": kind, "value": value}
        if words:
            start = text.lower().index(words.lower())
            entity.update(start=start, end=start + len(words))
        found.append(entity)
    return found


def cases() -> List[Any]:
    params = []
    for question, table in TABLES.items():
        for row in table:
            text, expected = row[0], row[1]
            given: Sequence[Entity] = row[2] if len(row) > 2 else ()
            intent: Optional[str] = row[3] if len(row) > 3 else None
            params.append(
                pytest.param(question, text, given, intent, expected, id=f"{question}: {text}")
            )
    return params


@pytest.mark.parametrize("question,text,given,intent,expected", cases())
def test_answer(
    question: str, text: str, given: Sequence[Entity], intent: Optional[str], expected: Any
) -> None:
    assert parse_answer(question, text, entities(text, given), intent) == expected


@pytest.mark.parametrize("question", sorted(PARSERS))
@pytest.mark.parametrize("text", NOT_ANSWERS)
def test_a_question_back_or_a_request_answers_nothing(question: str, text: str) -> None:
    # Even when the NLU mistakes it for an answer.
    assert parse_answer(question, text, [], "affirm") is None


def test_every_question_has_at_least_15_cases() -> None:
    assert set(TABLES) == set(PARSERS)
    assert all(len(table) >= 15 for table in TABLES.values())


# --- Buttons: their labels typed as text, and their payloads -------------

LIST_QUESTIONS = {"twitch_location", "twitch_timing", "opioid_names", "benzo_names"}
PAYLOAD = re.compile(r"^/(\w+)(\{.*\})?$")


def buttons() -> List[Any]:
    """(question, title, payload) of every button of every screening question, once each."""
    responses = yaml.safe_load((ROOT / "domain" / "responses" / "screening.yml").read_text())
    found: Dict[Tuple[str, str, str], None] = {}
    for question in sorted(PARSERS):
        for variant in responses["responses"].get(f"utter_ask_{question}", []):
            for button in variant.get("buttons") or []:
                found[(question, button["title"], button["payload"])] = None
    return [pytest.param(*key, id=f"{key[0]}: {key[1]}") for key in found]


@pytest.mark.parametrize("question,title,payload", buttons())
def test_a_button_label_typed_as_text_gives_its_payload(
    question: str, title: str, payload: str
) -> None:
    match = PAYLOAD.match(payload.replace("{{", "{").replace("}}", "}"))
    assert match, payload
    intent, given = match.group(1), json.loads(match.group(2) or "{}")
    entities = [{"entity": kind, "value": value} for kind, value in given.items()]
    if entities:
        expected: Any = [entity["value"] for entity in entities]
    else:
        plain = {"affirm": "yes", "deny": "no", "unsure": "not sure", "skip": "skipped"}[intent]
        expected = [plain] if question in LIST_QUESTIONS else plain
    assert parse_answer(question, title, [], None) == expected
    assert parse_answer(question, payload, entities, intent) == expected


# --- The intent is a hint, never a veto ----------------------------------


@pytest.mark.parametrize(
    "question,text,intent,expected",
    [
        ("twitching", "yeah", "affirm", "yes"),
        ("twitching", "my legs jump", "deny", "yes"),  # the text decides
        ("opioid_use", "no", "affirm", "no"),
        ("opioid_use", "yessir", "affirm", "yes"),
        ("alcohol_stopped", "mhm", "affirm", "yes"),
        ("benzo_prescribed", "hmm yeah", "affirm", "yes"),
        ("twitch_location", "nah", "deny", ["no"]),
        ("twitch_duration", "dunno", "unsure", "not sure"),
        ("twitching", "/affirm", "affirm", "yes"),
        ("opioid_use", "/deny", "deny", "no"),
        ("twitch_timing", "/unsure", "unsure", ["not sure"]),
        ("alcohol_heavy", "/skip", "skip", "skipped"),
    ],
)
def test_intent_decides_only_what_the_text_leaves_open(
    question: str, text: str, intent: str, expected: Any
) -> None:
    assert parse_answer(question, text, [], intent) == expected


def test_an_unknown_intent_or_none_gives_nothing_for_unknown_words() -> None:
    assert parse_answer("twitching", "blorp", [], "greet") is None
    assert parse_answer("twitching", "blorp", [], "affirm") is None
    assert parse_answer("opioid_use", "hmm", [], None) is None  # hesitation, not an answer
    assert parse_answer("opioid_use", "hmm", [], "unsure") is None


def test_an_unknown_question_is_an_error() -> None:
    with pytest.raises(ValueError):
        parse_answer("favourite_colour", "blue", [], None)


# --- The data ------------------------------------------------------------


def test_apostrophes_typed_or_not_read_the_same() -> None:
    assert normalise_text("don’t")[0] == normalise_text("dont")[0] == "dont"
    assert normalise_text("2wks")[0] == "2 wks"
    assert normalise_text("40s")[0] == "40s"


def test_every_group_value_is_a_canonical_value() -> None:
    """The labels in data/answers/ are the contract's values."""
    tables = vocabulary().tables
    assert tables["recent_days"] > tables["recent_stop_days"] > 0
    labels = {(group, label) for group, label in vocabulary().keys.values()}
    timing = {label for group, label in labels if group == "twitch_timing"}
    assert timing == {
        "falling_asleep",
        "at_rest",
        "all_the_time",
        "when_startled",
        "when_moving",
        "in_withdrawal",
        "morning",
        "random",
    }
    location = {label for group, label in labels if group == "twitch_location"}
    assert location == {"legs", "arms", "face", "trunk", "whole_body", "no"}


def test_loading_the_parsers_does_no_work() -> None:
    """Importing builds nothing: the Matcher is built on the first answer."""
    import subprocess
    import sys

    code = (
        "import sys, actions.parsers, actions.parsers.vocabulary as v; "
        "assert 'spacy' not in sys.modules, 'spacy imported'; "
        "assert v.vocabulary.cache_info().currsize == 0"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
