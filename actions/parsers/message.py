"""One message as the parsers see it: tokens, matches, negation and entities."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import (
    Any,
    Callable,
    Dict,
    Iterable,
    List,
    Mapping,
    Optional,
    Protocol,
    Sequence,
    Set,
    Tuple,
    TypeVar,
)

from actions.parsers.vocabulary import LEXICON_GROUP, normalise_text, vocabulary

T = TypeVar("T")
DIGITS = re.compile(r"\d+(\.\d+)?")
# Matched even in a question back, when said with a skip word: "can i skip this one?"
ANYWHERE = {("answer", "skipped")}
# An entity without character offsets (a button payload, a test) has no span.
NO_SPAN = -1
# Requests, greetings, questions about the service: never an answer.
NOT_ANSWER = "not_answer"
# "arms wait no legs": what follows replaces what came before.
CORRECTION = "correction"
# A hit starting with one of these is a negation itself ("is|nt prescribed").
NEGATION_WORDS = {"not", "no", "never"}
# Groups that are not things a person names (for "legs not arms").
NOT_THINGS = {"negation", "answer", NOT_ANSWER, CORRECTION}


@dataclass(frozen=True)
class Hit:
    """A phrase, pattern or entity found in the message."""

    group: str  # data group, or the entity type for entities
    label: str  # canonical value
    start: int  # first token
    end: int  # token after the last
    negated: bool = False  # "not my legs"
    hedged: bool = False  # "not sure if its twitching"


class Spanned(Protocol):
    """Something found at a token: a hit, a duration."""

    @property
    def start(self) -> int: ...


S = TypeVar("S", bound=Spanned)


# The entity that says which language the whole message is in (addons/nlu/language.py).
LANGUAGE_ENTITY = "language"


def content_entities(entities: Optional[Sequence[Any]]) -> List[Mapping[str, Any]]:
    """The entities found in the words (substances, body parts...), not the message's language."""
    return [
        e for e in entities or [] if isinstance(e, Mapping) and e.get("entity") != LANGUAGE_ENTITY
    ]


def select(candidates: Iterable[Tuple[int, str, int, int]]) -> List[Tuple[int, str, int, int]]:
    """Non-overlapping (rank, label, start, end): longest first, then lowest rank."""
    chosen: List[Tuple[int, str, int, int]] = []
    taken: Set[int] = set()
    for candidate in sorted(candidates, key=lambda c: (c[2] - c[3], c[0], c[2])):
        tokens = set(range(candidate[2], candidate[3]))
        if not tokens & taken:
            chosen.append(candidate)
            taken |= tokens
    return sorted(chosen, key=lambda c: c[2])


class Message:
    """A message to read for one question; build one per message."""

    def __init__(self, text: str, entities: Sequence[Mapping[str, Any]], intent: Optional[str]):
        self.vocab = vocabulary()
        self.tables = self.vocab.tables
        self.intent = intent
        self.entities = content_entities(entities)
        # A button payload ("/inform{...}") says everything in its intent and entities.
        self.payload = text.lstrip().startswith("/")
        normalised, self._offsets = normalise_text("" if self.payload else text)
        self.doc = self.vocab.doc(normalised)
        self.norms = [t.norm_ for t in self.doc]
        self._matches = self.vocab.matches(self.doc)
        self._substances = {
            start
            for group in self.tables["questions"]["substance_groups"]
            for _, start, _ in self._matches.get(group, [])
        }
        self.asking = self._asking()
        # Where something is named: "legs not arms" makes the "not" about the arms.
        self._things = {
            start
            for group, matches in self._matches.items()
            if group not in NOT_THINGS
            for _, start, _ in matches
        }
        self._things.update(span[0] for span in map(self._token_span, self.entities))
        # Each kind of cue on its own ("dont twitch" after legs, "not" before
        # twitch); "not sure", a correction ("wait no") and other look-alikes
        # block all of them.
        cues = self._matches.get("negation", [])
        cues += [("none", s, e) for _, s, e in self._matches.get(CORRECTION, [])]
        self._cues: Dict[str, List[Tuple[int, int]]] = {}
        for kind in {label for label, _, _ in cues} - {"none"}:
            chosen = select((0, *c) for c in cues if c[0] in (kind, "none"))
            self._cues[kind] = [(s, e) for _, label, s, e in chosen if label == kind]

    # ------------------------------------------------------------------ words

    def is_break(self, i: int) -> bool:
        """Punctuation or a new line: the end of a clause."""
        token = self.doc[i]
        return token.is_punct or token.is_space or token.norm_ in ("/", "...")

    def clause(self, i: int) -> Tuple[int, int]:
        """The tokens around token i up to punctuation or "but", "and"..."""
        breakers = set(self.tables["clause_breakers"])

        def stops(j: int) -> bool:
            return self.is_break(j) or self.norms[j] in breakers

        start = i
        while start > 0 and not stops(start - 1):
            start -= 1
        end = i
        while end < len(self.norms) and not stops(end):
            end += 1
        return start, max(end, i + 1)

    def number(self, i: int) -> Optional[float]:
        """The value of token i if it is a number ("2", "two", "couple", "1.5")."""
        if not 0 <= i < len(self.norms):
            return None
        numbers = self.tables["numbers"]
        word = self.norms[i]
        if word in numbers:
            return float(numbers[word])
        return float(word) if DIGITS.fullmatch(word) else None

    def amount_before(
        self, i: int, pick: Callable[[float, float], float] = max
    ) -> Tuple[Optional[float], int]:
        """The number counting token i, and where it starts.

        "like 6 cold beers", "2 or 3 weeks" (a range: `pick` of its ends, the
        larger by default), "a couple of days", "half a year", "most of a bottle".
        """
        fillers = set(self.tables["number_fillers"])
        j = i - 1
        while j >= 0 and self.norms[j] in fillers and self.number(j) is None:
            j -= 1
        value = self.number(j)
        if value is None:
            return None, i
        start = j
        # "2 and a half weeks", "one and half months"
        k = start - 2 if start >= 2 and self.norms[start - 1] in ("a", "an") else start - 1
        whole = self.number(k - 1) if value == 0.5 and k >= 1 and self.norms[k] == "and" else None
        if whole is not None:
            value, start = whole + value, k - 1
        if start >= 2 and self.norms[start - 1] in self.tables["range_words"]:
            other = self.number(start - 2)
            if other is not None:
                value, start = pick(other, value), start - 2
        # "most of a bottle", "half a year", "1/2 a fifth"
        k = start - 1
        if k >= 0 and self.norms[k] == "of":
            k -= 1
        if k >= 0 and self.norms[start] in ("a", "an", "the"):
            fraction = self.tables["portions"].get(self.norms[k], self.number(k))
            if fraction is not None and float(fraction) < 1:
                value, start = value * float(fraction), k
        return value, start

    # ---------------------------------------------------------------- matches

    def hits(self, *groups: str) -> List[Hit]:
        """Matches of these groups, longest first where they overlap, in text order.

        Where two matches are as long, the earlier group wins. Matches in a
        question back ("is this withdrawal?") are left out, and so are words
        inside a longer request or greeting ("good morning", "hold on").
        """
        ranked = (*groups, NOT_ANSWER) if NOT_ANSWER not in groups else groups
        candidates = [
            (rank, label, start, end)
            for rank, group in enumerate(ranked)
            for label, start, end in self._matches.get(group, [])
            if start not in self.asking or self._anywhere(group, label, start, end)
        ]
        chosen = [c for c in select(candidates) if ranked[c[0]] in groups]
        spans = [(s, e) for rank, _, s, e in chosen if ranked[rank] not in NOT_THINGS]
        return [
            Hit(
                ranked[rank], label, start, end, self.negated(start, end, spans), self.hedged(start)
            )
            for rank, label, start, end in chosen
        ]

    def _anywhere(self, group: str, label: str, start: int, end: int) -> bool:
        """A skip asked for in a question ("can i skip?"), not "is this private?"."""
        return (group, label) in ANYWHERE and bool(
            set(self.norms[start:end]) & set(self.tables["skip_words"])
        )

    def substance_hits(self, entity_type: str, also: Sequence[str] = (), *groups: str) -> List[Hit]:
        """Substances of a class named in the message: NLU entities, then the lexicon.

        `also` are names of other classes that count ("kratom" for opioids);
        `groups` are more names, labelled like the lexicon's ("opioid:heroin").
        The class word ("opioid") leaves its words to more precise names.
        """
        entities = [
            h
            for h in self.entity_hits(entity_type, "other_substance")
            if h.group == entity_type or h.label in also
        ]
        covered = {i for h in entities if h.label != entity_type for i in range(h.start, h.end)}
        lexicon = []
        for h in self.hits(LEXICON_GROUP, *groups):
            kind, _, name = h.label.partition(":")
            if (kind == entity_type or name in also) and not covered & set(range(h.start, h.end)):
                lexicon.append(Hit(kind, name, h.start, h.end, h.negated, h.hedged))
        return sorted(entities + lexicon, key=lambda h: (h.start == NO_SPAN, h.start))

    def entity_hits(self, *types: str) -> List[Hit]:
        """The NLU entities of these types, in text order (those without offsets last)."""
        found: List[Tuple[str, str, int, int]] = []
        for entity in self.entities:
            value, kind = entity.get("value"), entity.get("entity")
            if kind not in types or not isinstance(value, str):
                continue
            span = self._token_span(entity)
            if span[0] not in self.asking and (span[0] != NO_SPAN or not self._all_asking()):
                found.append((str(kind), value, *span))
        spans = [(s, e) for _, _, s, e in found if s != NO_SPAN]
        hits = [
            Hit(kind, value, s, e, self.negated(s, e, spans), self.hedged(s))
            if s != NO_SPAN
            else Hit(kind, value, s, e)
            for kind, value, s, e in found
        ]
        return sorted(hits, key=lambda h: (h.start == NO_SPAN, h.start))

    def _token_span(self, entity: Mapping[str, Any]) -> Tuple[int, int]:
        """The entity's tokens; NO_SPAN when its offsets are missing or off the text."""
        start, end = entity.get("start"), entity.get("end")
        if self.payload or not isinstance(start, int) or not isinstance(end, int):
            return NO_SPAN, NO_SPAN
        inside = [t.i for t in self.doc if not t.is_space and start <= self._offsets[t.idx] < end]
        return (inside[0], inside[-1] + 1) if inside else (NO_SPAN, NO_SPAN)

    def _all_asking(self) -> bool:
        return bool(self.norms) and len(self.asking) == len(self.norms)

    # --------------------------------------------------------------- negation

    def negated(self, start: int, end: int, spans: Sequence[Tuple[int, int]]) -> bool:
        """Whether a negation reaches tokens start..end.

        Over gap words, and from before over other hits: "not in my legs",
        "not my legs or arms", "no twitching in my face", "legs not so much".
        But "no its my legs" and "no, my arms" are not negated.
        """
        others = [s for s in spans if s != (start, end)]
        if self.norms[start] in NEGATION_WORDS or any(
            cue_start == start for cues in self._cues.values() for cue_start, _ in cues
        ):
            return False  # "no, not anymore", "isnt prescribed": a hit that is itself a negation
        for cue_start, cue_end in self._cues.get("before", []):
            if cue_end <= start and self._gap(cue_end, start, others):
                return True
            if cue_start < start < cue_end:
                return True  # "dont take more": the cue runs into the hit
        for _, cue_end in self._cues.get("interjection", []):
            if cue_end < start and self._gap(cue_end, start, others):
                if self.norms[cue_end] not in self.tables["interjection_breakers"]:
                    return True
            elif cue_end == start:
                return True
        for cue_start, cue_end in self._cues.get("after", []):
            if cue_start >= end and self._gap(end, cue_start, []):
                # "legs not arms": the "not" is about the arms.
                if not any(s >= cue_end and self._gap(cue_end, s, others) for s in self._things):
                    return True
        return False

    def corrected(self, hits: Sequence[S]) -> List[S]:
        """The hits after the last correction ("arms wait no legs"), if any come after it."""
        ends = [e for _, s, e in self._matches.get(CORRECTION, []) if s not in self.asking]
        later = [h for h in hits if ends and h.start >= max(ends)]
        return later or list(hits)

    def hedged(self, start: int) -> bool:
        """Whether "not sure if", "idk whether"... come before, in the same clause."""
        clause_start, _ = self.clause(start)
        return any(clause_start <= cue_end <= start for _, cue_end in self._cues.get("hedge", []))

    def _gap(self, start: int, end: int, others: Sequence[Tuple[int, int]]) -> bool:
        """Whether tokens start..end are all gap words or inside other hits."""
        gap_words = set(self.tables["gap_words"])
        inside = {i for s, e in others for i in range(s, e)}
        return all(self.norms[i] in gap_words or i in inside for i in range(start, end))

    # ---------------------------------------------------------- non-answers

    def _asking(self) -> Set[int]:
        """Tokens in sentences that ask something back ("is it dangerous?")."""
        questions = self.tables["questions"]
        asking: Set[int] = set()
        sentence: List[int] = []
        opened = False  # after a "¿", until the "?" that closes it
        for i in range(len(self.norms) + 1):
            if i < len(self.norms) and not self.is_break(i):
                sentence.append(i)
                continue
            ends_in_question = i < len(self.norms) and "?" in self.doc[i].text
            relative = (
                sentence
                and not ends_in_question
                and self.norms[sentence[0]] in questions["relative"]
                and self.norms[sentence[0] - 1 : sentence[0]] == [","]
            )
            if (
                sentence
                and not relative
                and (opened or self._is_question(sentence, ends_in_question, questions))
            ):
                asking.update(sentence)
            sentence = []
            if i < len(self.norms):
                opened = self._opens_question(i, opened and not ends_in_question)
        return asking

    def _opens_question(self, i: int, opened: bool) -> bool:
        """Whether the sentences after break token i are inside a question ("¿...?")."""
        openers = self.tables["questions"]["openers"]
        return opened or any(opener in self.doc[i].text for opener in openers)

    def _is_question(self, sentence: List[int], marked: bool, questions: Mapping[str, Any]) -> bool:
        first = self.norms[sentence[0]]
        second = self.norms[sentence[1]] if len(sentence) > 1 else ""
        if first in questions["wh_words"] or [first, second] in questions["asking_pairs"]:
            return True
        if marked and first in questions["marked_openers"] and len(sentence) >= 4:
            return True
        # "cant sleep", "dont know": a negated verb starts a statement.
        if first not in questions["auxiliaries"] or second in ("", "not"):
            return False
        if marked:
            return True
        left_out = questions["left_out_subject"]
        if first in left_out["auxiliaries"]:
            return second in questions["subjects"] and second not in left_out["before"]
        return second in questions["subjects"] or sentence[1] in self._substances

    def from_intent(self, answers: Mapping[str, T]) -> Optional[T]:
        """The answer the NLU intent gives, when the text itself gives none.

        Never for a question back, a request ("call me"), gibberish, or a
        longer message in which nothing answers the question.
        """
        if self.intent not in answers:
            return None
        if not self.payload:
            words = [n for i, n in enumerate(self.norms) if not self.is_break(i)]
            if self.asking or self.hits(NOT_ANSWER) or len(words) > self.tables["intent_max_words"]:
                return None
            if not any(n in self.vocab.known for n in words) and not self.entities:
                return None
        return answers[str(self.intent)]


def unique(values: Iterable[str]) -> List[str]:
    """Values in order, once each."""
    return list(dict.fromkeys(values))
