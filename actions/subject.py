"""Who the screening is about: the writer, or someone they are asking for.

The words live in data/answers/someone_else.yml. "My son keeps twitching" is
about him; "my wife says I twitch in my sleep" is about the writer.
"""

import re
from functools import lru_cache
from pathlib import Path
from typing import Dict, FrozenSet, List, Optional, Tuple

import yaml

from storage.lexicon import fold_accents

WORDS_FILE = Path(__file__).resolve().parents[1] / "data" / "answers" / "someone_else.yml"
SELF = "self"
# How far after "my <relation>" a reporting word may come ("my wife always says").
REPORTING_WINDOW = 3

_TOKEN = re.compile(r"[a-z']+")


class SubjectWords:
    def __init__(self, data: Dict) -> None:
        self.relations: List[Tuple[Tuple[str, ...], str]] = sorted(
            (
                (tuple(fold_accents(phrase.lower()).split()), pronoun)
                for pronoun, phrases in data["relations"].items()
                for phrase in phrases
            ),
            key=lambda item: -len(item[0]),
        )
        self.possessive: FrozenSet[str] = frozenset(data["possessive"])
        self.not_first: FrozenSet[str] = frozenset(data["not_first"])
        self.describing: FrozenSet[str] = frozenset(data["describing"])
        self.reporting: FrozenSet[str] = frozenset(data["reporting"])
        self.writer: FrozenSet[str] = frozenset(data["writer"])
        self.as_well: FrozenSet[str] = frozenset(data["as_well"])
        self.helping: FrozenSet[str] = frozenset(data["helping"])
        self.outsider_before: FrozenSet[str] = frozenset(data["outsider_before"])
        self.outsider_after: FrozenSet[str] = frozenset(data["outsider_after"])


@lru_cache(maxsize=None)
def _words() -> SubjectWords:
    return SubjectWords(yaml.safe_load(WORDS_FILE.read_text(encoding="utf-8")))


def subject_of(text: str) -> Optional[str]:
    """ "he", "she" or "they" when the text is about someone the writer names; else None."""
    words = _words()
    tokens = [_singular(token) for token in _TOKEN.findall(fold_accents(text.lower()))]
    # "my son ...", or a relation as the very first word ("wife ran out of her xanax").
    starts = [0] if tokens[:1] and tokens[0] not in words.not_first else []
    starts += [
        _after_describing(tokens, i + 1, words)
        for i, token in enumerate(tokens)
        if token in words.possessive and not words.outsider_before & set(tokens[max(0, i - 2) : i])
    ]
    for start in starts:
        for phrase, pronoun in words.relations:
            if tuple(tokens[start : start + len(phrase)]) != phrase:
                continue
            if not _only_reports_on_writer(tokens[start + len(phrase) :], words):
                return pronoun
            break
    return None


def _after_describing(tokens: List[str], start: int, words: SubjectWords) -> int:
    """Where the relation starts after "my": past "16 year old", "teenage"."""
    while start < len(tokens) and tokens[start] in words.describing:
        start += 1
    return start


def _singular(token: str) -> str:
    """ "son's", "sons" -> "son": possessives and plurals name the same relation."""
    token = token.removesuffix("'s").removesuffix("'")
    known = {word for phrase, _ in _words().relations for word in phrase}
    if token not in known and token.endswith("s") and token[:-1] in known:
        return token[:-1]
    return token


def _only_reports_on_writer(after: List[str], words: SubjectWords) -> bool:
    """ "(my wife) says I twitch": the relation reports, the writer is the subject."""
    window = after[:REPORTING_WINDOW]
    if any(token in words.helping for token in window):
        return True  # "my grandson found your website"
    if any(token in words.outsider_after for token in after[:4]):
        return True  # "my parents cant find out": kept from them, not about them
    for i, token in enumerate(window):
        if token in words.reporting:
            # "my husband says it happens to him too": he has it as well, the
            # writer is asking about themselves.
            told = after[i + 1 : i + 8]
            return any(word in words.writer for word in told[:2]) or bool(set(told) & words.as_well)
    return False


# "its me", "im the friend lol": the writer was asking for themselves after all.
_ABOUT_ME = re.compile(
    r"\b(?:it'?s|its|it is|this is|this'?s|that'?s|thats) (?:me|about me|for me|myself)\b"
    r"|\babout (?:me|myself),? not\b|\bnot (?:him|her|them|he|she),? (?:it'?s |its )?me\b"
    r"|\basking (?:about|for) (?:me|myself)\b|\b(?:es|son) (?:para|sobre|de) mi(?:\s*[.!,]|\s*$)"
    r"|\bes (?:a|por) mi(?:\s*[.!,?]|\s*$)|(?:^|[.!,?]\s*)(?:soy|era) yo\b|\bhablo de mi\b"
    r"|\bi'?m the (?:friend|one)\b"
)
# "not me, my son": the questions were speaking to the wrong person.
_NOT_ME = re.compile(r"\bnot (?:me|for me|about me|myself)\b|\bim asking (?:for|about)\b")


def changed_subject(text: str) -> Optional[str]:
    """Who the screening is about, when a message corrects it mid-way; else None."""
    lowered = fold_accents(text.lower())
    if _ABOUT_ME.search(lowered):
        return SELF
    if _NOT_ME.search(lowered):
        return subject_of(lowered.split("not", 1)[-1]) or subject_of(lowered) or "they"
    return None


# Clauses of a message: "Not me, my son. No opioids that I know of" has three.
_CLAUSE = re.compile(r"[^.,;!?]+[.,;!?]*")
# A clause that only names who it is about: "my son", "its for my husband".
_NAMING_ONLY = 4


def subject_change_ends(text: str) -> int:
    """Where the words that correct who it is about end: after "Not me, my son."
    in "Not me, my son. No opioids that I know of"."""
    said = fold_accents(text.lower())
    end = max((m.end() for p in (_ABOUT_ME, _NOT_ME) for m in p.finditer(said)), default=0)
    for clause in _CLAUSE.finditer(said, end):
        naming = clause.group(0)
        if len(_TOKEN.findall(naming)) > _NAMING_ONLY or not subject_of(naming):
            break
        end = clause.end()
    return end
