"""What the conversation holds beyond the answers: the person's own words, what was said.

No question asks about pregnancy, pressed pills, detox or jail, yet people say
so in passing ("im 3 months pregnant", "pressed blues", "just got out of
jail"); the explanation takes these words into account (actions/explanation.py).
"""

import re
from typing import Any, Dict, FrozenSet, Iterable, List, Mapping, Sequence

from storage.lexicon import fold_accents

# Cues in the person's messages. Each is a regular expression over lower-case
# text; a cue right after a negation ("not pregnant", "no withdrawal") or
# asked back ("pregnancy?? shes 62") does not count.
# Spanish after the English, on the text with its accents folded.
CUES: Dict[str, re.Pattern] = {
    "pregnant": re.compile(
        r"\b(?:pregnan\w*|preggo|expecting a baby|i'?m expecting|prenatal|trimester"
        r"|weeks along|months along"
        r"|embarazad\w*|esperando (?:un )?bebe|semanas de embarazo|meses de embarazo)\b"
    ),
    # Fake pills look real but may hold fentanyl (clinical sources N10.4a).
    "pressed_pills": re.compile(
        r"\b(?:pressed|fake|counterfeit|bootleg|pressies)\b"
        r"|\bm-?30s?\b|\bblues\b|\bblue (?:pills|ones|30s)\b"
        r"|\b(?:pastillas? (?:falsas?|piratas?|azules)|azulitas?)\b"
    ),
    # Only opioid withdrawal is called this ("malilla": Mexican Spanish).
    "dopesick": re.compile(r"\b(?:dope ?sick\w*|malilla|enmalillad[oa]s?)\b"),
    # Withdrawal of any kind ("kicking" is also how people describe leg jerks).
    "withdrawal": re.compile(
        r"\b(?:withdrawals?|withdrawing|cold turkey|detoxing|kicking|sick without"
        r"|abstinencia|desintoxicando\w*|de golpe)\b"
    ),
    # A break in use: tolerance drops (N10.5a, N10.5b). A place named only as
    # having been there: "how much does your rehab cost?" is no break.
    "break": re.compile(
        r"\b(?:detoxed|detoxing|(?:out of|left|leaving|after|since|finished|completed|in|"
        r"back from|home from|came from) (?:the |a |my |his |her )?(?:detox|rehab|jail|prison)"
        r"|locked up|got out|released|relaps\w*"
        r"|clean (?:for|since)|sober (?:for|since)|been clean|was clean|using again"
        r"|(?:sali\w*|salio|despues de|estuvo|estuve) (?:del |de |en )?(?:la |el )?"
        r"(?:carcel|bote|penal|prision|rehab\w*|desintoxicacion|centro)"
        r"|encerrad[oa]|limpi[oa] (?:desde|por)|reca(?:i|io|ida)\w*)\b"
    ),
    # Any drinking, heavy or not ("2-3 glasses of wine every night"); not drinking
    # given up ("quit drinking in 2019").
    "drinking": re.compile(
        r"(?<!quit )(?<!stopped )(?<!dejo de )"
        r"\b(?:drinks|drinking|drinker|alcohol|booze|wine|beers?|liquor|vodka|whiske?y|tequila"
        r"|rum|cocktails?|cervezas?|chelas?|vino|licor|tragos?|copas?|pisto)\b"
    ),
    "pregabalin": re.compile(r"\b(?:pregabalin|lyrica)\b"),
    "kratom": re.compile(r"\bkratom\b"),
}
NEGATION = re.compile(
    r"\b(?:not|never|no|ni|nada|isn'?t|aren'?t|wasn'?t|dont|don'?t|doesn'?t|didn'?t|no longer)"
    r"\W+(?:\w+\W+){0,2}$"
)
ASKED_BACK = re.compile(r"\s*\?")
MORE_INTENT = "more"
EXPLANATION_ACTION = "action_explain_screening"
# Events after which an earlier conversation no longer counts.
RESETS = ("restart", "session_started")


def user_texts(events: Iterable[Mapping[str, Any]]) -> List[str]:
    """What the person typed since the conversation (re)started; button payloads left out."""
    texts: List[str] = []
    for event in events:
        if event.get("event") in RESETS:
            texts = []
        elif event.get("event") == "user":
            text = str(event.get("text") or "").strip()
            if text and not text.startswith("/"):
                texts.append(text)
    return texts


def cues(texts: Sequence[str]) -> FrozenSet[str]:
    """The names of the CUES the texts contain, each not negated."""
    found = set()
    for text in texts:
        lowered = fold_accents(text.lower().replace("\u2019", "'"))
        for name, pattern in CUES.items():
            if any(
                not NEGATION.search(lowered[: m.start()]) and not ASKED_BACK.match(lowered, m.end())
                for m in pattern.finditer(lowered)
            ):
                found.add(name)
    return frozenset(found)


def said_since_explanation(events: Iterable[Mapping[str, Any]]) -> List[str]:
    """The responses sent since the explanation last started, in order.

    A "MORE" runs the explanation action again; that run goes on with the
    same explanation instead of starting it anew.
    """
    said: List[str] = []
    intent = None
    for event in events:
        kind = event.get("event")
        if kind in RESETS:
            said = []
        elif kind == "user":
            intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
        elif kind == "action" and event.get("name") == EXPLANATION_ACTION and intent != MORE_INTENT:
            said = []
        elif kind == "bot":
            name = (event.get("metadata") or {}).get("utter_action")
            if name:
                said.append(str(name))
    return said
