"""Substance and twitching lexicons, loaded from data/lexicon/*.yml.

Only PyYAML is used here, so the action server can import this module
without rasa or spaCy.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import (
    Any,
    Dict,
    FrozenSet,
    Iterable,
    List,
    Mapping,
    Optional,
    Sequence,
    Tuple,
    TypeVar,
)

import yaml

REPO_ROOT = Path(__file__).resolve().parent.parent
LEXICON_DIR = REPO_ROOT / "data" / "lexicon"
DEFAULT_SUBSTANCES_PATH = LEXICON_DIR / "substances.yml"
DEFAULT_TWITCHING_PATH = LEXICON_DIR / "twitching.yml"
DEFAULT_COMMON_WORDS_PATH = LEXICON_DIR / "common_words.yml"

SUBSTANCE_CLASSES = ("opioid", "benzodiazepine", "alcohol", "other")
# Entity label for each substance class; "other" gets a clearer label.
CLASS_LABELS: Mapping[str, str] = {
    "opioid": "opioid",
    "benzodiazepine": "benzodiazepine",
    "alcohol": "alcohol",
    "other": "other_substance",
}
BODY_PARTS = ("legs", "arms", "face", "trunk", "whole_body")
TWITCH_TIMINGS = ("falling_asleep", "at_rest", "all_the_time", "when_startled")

# Words this long or longer may be fuzzy-matched; shorter ones are too
# easily confused ("oxy" vs "box").
MIN_FUZZY_LENGTH = 5
# Context rules allow at most this many gap words ("popped half a bar").
MAX_GAP_WORDS = 2

_APOSTROPHES = re.compile(r"['\u2019\u2018`]")
_NON_WORD = re.compile(r"[^0-9a-z]+")

V = TypeVar("V")


def normalise(text: str) -> str:
    """Lower-cases, drops apostrophes and turns other punctuation into spaces.

    "K-Pin" and "k pin" become the same key, and so do "god's" and "gods".
    """
    text = _APOSTROPHES.sub("", text.lower())
    return " ".join(_NON_WORD.sub(" ", text).split())


def damerau_levenshtein(a: str, b: str) -> int:
    """Edit distance counting swaps of neighbouring letters as one edit.

    This is the optimal string alignment variant, which is what typos need.
    """
    previous_previous: List[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            current[j] = min(
                previous[j] + 1,
                current[j - 1] + 1,
                previous[j - 1] + cost,
            )
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous_previous[j - 2] + 1)
        previous_previous, previous = previous, current
    return previous[len(b)]


def max_fuzzy_distance(word: str) -> int:
    """How many edits a typo of this length may contain (0: no fuzzy match)."""
    if len(word) >= 8:
        return 2
    if len(word) >= MIN_FUZZY_LENGTH:
        return 1
    return 0


@dataclass(frozen=True)
class ContextRule:
    """A word matched only next to a context word ("popping bars")."""

    words: FrozenSet[str]
    before: FrozenSet[str] = frozenset()
    after: FrozenSet[str] = frozenset()
    gap: FrozenSet[str] = frozenset()

    def match_at(self, tokens: Sequence[str], index: int) -> Optional[Tuple[int, int]]:
        """The (start, end) token span of the longest context match, if any."""
        if tokens[index] not in self.words:
            return None
        spans: List[Tuple[int, int]] = []
        for start in range(index - 1, max(index - 2 - MAX_GAP_WORDS, -1), -1):
            if tokens[start] in self.before:
                spans.append((start, index + 1))
            if tokens[start] not in self.gap:
                break
        if index + 1 < len(tokens) and tokens[index + 1] in self.after:
            spans.append((index, index + 2))
        if not spans:
            return None
        return max(spans, key=lambda span: span[1] - span[0])

    def token_patterns(self) -> List[List[Dict[str, Any]]]:
        """spaCy Matcher patterns (plain data) for this rule."""
        words = {"LOWER": {"IN": sorted(self.words)}}
        patterns: List[List[Dict[str, Any]]] = []
        if self.before:
            gap = [{"LOWER": {"IN": sorted(self.gap)}, "OP": "?"}] * MAX_GAP_WORDS
            patterns.append(
                [{"LOWER": {"IN": sorted(self.before)}}, *gap, words]
                if self.gap
                else [{"LOWER": {"IN": sorted(self.before)}}, words]
            )
        if self.after:
            patterns.append([words, {"LOWER": {"IN": sorted(self.after)}}])
        return patterns


@dataclass(frozen=True)
class Substance:
    """One lexicon entry: a canonical substance and the ways people name it."""

    name: str
    substance_class: str
    brands: Tuple[str, ...] = ()
    street: Tuple[str, ...] = ()
    misspellings: Tuple[str, ...] = ()
    in_context: Tuple[ContextRule, ...] = ()
    fuzzy_brands: bool = True

    @property
    def entity_label(self) -> str:
        return CLASS_LABELS[self.substance_class]

    @property
    def surface_forms(self) -> Tuple[str, ...]:
        """Every form matched on its own, canonical name first."""
        return (self.name, *self.brands, *self.street, *self.misspellings)

    @property
    def context_words(self) -> FrozenSet[str]:
        """Words that are only matched in context."""
        return frozenset(word for rule in self.in_context for word in rule.words)


@dataclass(frozen=True)
class PhraseGroup:
    """Phrases for one canonical value of a twitching entity."""

    value: str
    phrases: Tuple[str, ...]
    in_context: Tuple[ContextRule, ...] = ()


@dataclass(frozen=True)
class _Span:
    start: int
    end: int
    value: Any


def _index_forms(pairs: Iterable[Tuple[str, V]], what: str) -> Dict[str, V]:
    """Maps normalised forms to values; one form may not mean two things."""
    index: Dict[str, V] = {}
    for form, value in pairs:
        key = normalise(form)
        if not key:
            raise ValueError(f"Empty {what} form: {form!r}")
        if key in index and index[key] != value:
            raise ValueError(f"{what} form {form!r} maps to {index[key]} and {value}")
        index[key] = value
    return index


def _scan(
    tokens: Sequence[str],
    forms: Mapping[str, V],
    rules: Sequence[Tuple[ContextRule, V]],
) -> List[_Span]:
    """Finds phrases and context matches; the longest match wins overlaps."""
    longest = max((len(form.split()) for form in forms), default=0)
    candidates: List[_Span] = []
    for start in range(len(tokens)):
        for end in range(start + 1, min(start + longest, len(tokens)) + 1):
            key = " ".join(tokens[start:end])
            if key in forms:
                candidates.append(_Span(start, end, forms[key]))
        for rule, value in rules:
            match = rule.match_at(tokens, start)
            if match:
                candidates.append(_Span(match[0], match[1], value))
    candidates.sort(key=lambda c: (-(c.end - c.start), c.start))
    taken: set[int] = set()
    chosen: List[_Span] = []
    for candidate in candidates:
        covered = range(candidate.start, candidate.end)
        if not taken.intersection(covered):
            taken.update(covered)
            chosen.append(candidate)
    return sorted(chosen, key=lambda c: c.start)


def _fuzzy_forms(substance: Substance) -> Tuple[str, ...]:
    """Forms that typos are compared with.

    Street words and listed misspellings are left out: they sit too close to
    everyday words ("veeks" and "weeks", "valum" and "value").
    """
    if substance.fuzzy_brands:
        return (substance.name, *substance.brands)
    return (substance.name,)


def _unique(values: Iterable[V]) -> List[V]:
    seen: List[V] = []
    for value in values:
        if value not in seen:
            seen.append(value)
    return seen


class SubstanceLexicon:
    """Looks up substances by name, brand, street name or misspelling."""

    def __init__(
        self,
        substances: Sequence[Substance],
        common_words: Iterable[str] = (),
    ) -> None:
        self.substances: Tuple[Substance, ...] = tuple(substances)
        self.common_words: FrozenSet[str] = frozenset(normalise(word) for word in common_words)
        self._by_name = {substance.name: substance for substance in self.substances}
        self._forms = _index_forms(
            ((form, s.name) for s in self.substances for form in s.surface_forms),
            "substance",
        )
        self._rules = [(rule, s.name) for s in self.substances for rule in s.in_context]
        # Context-only words must never slip in through fuzzy matching.
        self._no_fuzzy = self.common_words | frozenset(
            word for rule, _ in self._rules for word in rule.words
        )
        self._fuzzy_targets = {
            form: s.name
            for s in self.substances
            for form in map(normalise, _fuzzy_forms(s))
            if form.isalpha() and len(form) >= MIN_FUZZY_LENGTH and form not in self._no_fuzzy
        }

    def get(self, name: str) -> Substance:
        """The entry with this canonical name (KeyError if there is none)."""
        return self._by_name[name]

    def surface_forms(self) -> Dict[str, Substance]:
        """Normalised standalone form -> substance."""
        return {form: self._by_name[name] for form, name in self._forms.items()}

    def exact(self, surface: str) -> Optional[Substance]:
        name = self._forms.get(normalise(surface))
        return self._by_name[name] if name else None

    def fuzzy(self, word: str) -> Optional[Substance]:
        """The substance whose name or brand is closest to this typo.

        1 edit is allowed for 5-7 letters, 2 for 8 or more. Returns None for
        common English words, for shorter words, and when two substances are
        equally close.
        """
        word = normalise(word)
        limit = max_fuzzy_distance(word)
        if not word.isalpha() or limit == 0 or word in self._no_fuzzy:
            return None
        best = limit + 1
        names: set[str] = set()
        for form, name in self._fuzzy_targets.items():
            if abs(len(form) - len(word)) > limit:
                continue
            distance = damerau_levenshtein(word, form)
            if distance < best:
                best, names = distance, {name}
            elif distance == best:
                names.add(name)
        if best > limit or len(names) != 1:
            return None
        return self._by_name[names.pop()]

    def lookup(self, surface: str) -> Optional[Substance]:
        """Exact match on any standalone form, else a fuzzy single-word match."""
        return self.exact(surface) or self.fuzzy(surface)

    def find(self, text: str) -> List[Substance]:
        """Substances named anywhere in free text, in order, without repeats."""
        tokens = normalise(text).split()
        spans = _scan(tokens, self._forms, self._rules)
        covered = {i for span in spans for i in range(span.start, span.end)}
        for i, token in enumerate(tokens):
            if i not in covered:
                substance = self.fuzzy(token)
                if substance:
                    spans.append(_Span(i, i + 1, substance.name))
        spans.sort(key=lambda s: s.start)
        return [self._by_name[name] for name in _unique(s.value for s in spans)]


@dataclass(frozen=True)
class TwitchingLexicon:
    """Body parts, twitch timings and duration patterns."""

    body_parts: Tuple[PhraseGroup, ...]
    timings: Tuple[PhraseGroup, ...]
    duration_phrases: Tuple[str, ...]
    duration_patterns: Tuple[List[Dict[str, Any]], ...]
    _body_forms: Dict[str, str] = field(init=False, repr=False, compare=False)
    _timing_forms: Dict[str, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Frozen dataclass: the derived indexes are set once, here.
        object.__setattr__(self, "_body_forms", _group_index(self.body_parts))
        object.__setattr__(self, "_timing_forms", _group_index(self.timings))

    def body_part(self, surface: str) -> Optional[str]:
        """Canonical body part for a standalone phrase ("calves" -> "legs")."""
        return self._body_forms.get(normalise(surface))

    def timing(self, surface: str) -> Optional[str]:
        """Canonical timing for a standalone phrase ("at night" -> ...)."""
        return self._timing_forms.get(normalise(surface))

    def find_body_parts(self, text: str) -> List[str]:
        return _find_values(text, self._body_forms, self.body_parts)

    def find_timings(self, text: str) -> List[str]:
        return _find_values(text, self._timing_forms, self.timings)


def _group_index(groups: Sequence[PhraseGroup]) -> Dict[str, str]:
    return _index_forms(
        ((phrase, group.value) for group in groups for phrase in group.phrases),
        "twitching",
    )


def _find_values(text: str, forms: Mapping[str, str], groups: Sequence[PhraseGroup]) -> List[str]:
    rules = [(rule, group.value) for group in groups for rule in group.in_context]
    spans = _scan(normalise(text).split(), forms, rules)
    return _unique(str(span.value) for span in spans)


# --------------------------------------------------------------- loading


def _read_yaml(path: Path) -> Dict[str, Any]:
    with open(path, encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a mapping at the top level")
    return data


def _strings(value: Any, where: str) -> Tuple[str, ...]:
    """A list of strings; YAML turns bare on/off/1 into other types."""
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"{where}: expected a list of strings, got {value!r}")
    return tuple(v.strip().lower() for v in value)


def _context_sets(data: Mapping[str, Any], where: str) -> Dict[str, FrozenSet[str]]:
    sets = data.get("context_words") or {}
    return {
        name: frozenset(_strings(words, f"{where} context_words.{name}"))
        for name, words in sets.items()
    }


def _rules(raw: Any, sets: Mapping[str, FrozenSet[str]], where: str) -> Tuple[ContextRule, ...]:
    """Builds context rules; `before`/`after` name sets from context_words."""

    def union(names: Tuple[str, ...]) -> FrozenSet[str]:
        unknown = [name for name in names if name not in sets]
        if unknown:
            raise ValueError(f"{where}: unknown context_words set(s) {unknown}")
        return frozenset().union(*(sets[name] for name in names))

    rules = []
    for item in raw or []:
        words = _strings(item.get("words"), f"{where} in_context.words")
        if not all(word.isalnum() for word in words):
            raise ValueError(f"{where}: in_context words must be single words")
        rule = ContextRule(
            words=frozenset(words),
            before=union(_strings(item.get("before"), f"{where} before")),
            after=union(_strings(item.get("after"), f"{where} after")),
            gap=sets.get("gap", frozenset()),
        )
        if not rule.before and not rule.after:
            raise ValueError(f"{where}: an in_context rule needs before or after")
        rules.append(rule)
    return tuple(rules)


def load_common_words(path: Path = DEFAULT_COMMON_WORDS_PATH) -> FrozenSet[str]:
    """English words that are never fuzzy-matched to a substance."""
    return frozenset(_strings(_read_yaml(Path(path)).get("words"), str(path)))


def load_substances(
    path: Path = DEFAULT_SUBSTANCES_PATH,
    common_words_path: Path = DEFAULT_COMMON_WORDS_PATH,
) -> SubstanceLexicon:
    """Loads substances.yml (and the fuzzy stop list) into a lexicon."""
    data = _read_yaml(Path(path))
    sets = _context_sets(data, str(path))
    substances = []
    for entry in data.get("substances") or []:
        where = f"{path}: {entry.get('name')!r}"
        name = str(entry.get("name", "")).strip().lower()
        substance_class = entry.get("class")
        if not name or substance_class not in SUBSTANCE_CLASSES:
            raise ValueError(f"{where}: needs a name and a class in {SUBSTANCE_CLASSES}")
        substances.append(
            Substance(
                name=name,
                substance_class=substance_class,
                brands=_strings(entry.get("brands"), f"{where} brands"),
                street=_strings(entry.get("street"), f"{where} street"),
                misspellings=_strings(entry.get("misspellings"), f"{where} misspellings"),
                in_context=_rules(entry.get("in_context"), sets, where),
                fuzzy_brands=bool(entry.get("fuzzy_brands", True)),
            )
        )
    return SubstanceLexicon(substances, load_common_words(Path(common_words_path)))


def _groups(
    raw: Mapping[str, Any],
    allowed: Tuple[str, ...],
    sets: Mapping[str, FrozenSet[str]],
    where: str,
) -> Tuple[PhraseGroup, ...]:
    unknown = set(raw) - set(allowed)
    if unknown:
        raise ValueError(f"{where}: unknown canonical values {sorted(unknown)}")
    return tuple(
        PhraseGroup(
            value=value,
            phrases=_strings(spec.get("phrases"), f"{where}.{value}"),
            in_context=_rules(spec.get("in_context"), sets, f"{where}.{value}"),
        )
        for value, spec in raw.items()
    )


def _check_token_pattern(pattern: Any, where: str) -> None:
    """A list of token dicts whose IN lists hold strings only (YAML: on/off)."""
    if not isinstance(pattern, list) or not pattern:
        raise ValueError(f"{where}: each pattern must be a non-empty list of tokens")
    for token in pattern:
        if not isinstance(token, dict):
            raise ValueError(f"{where}: token {token!r} is not a mapping")
        for spec in token.values():
            if isinstance(spec, dict) and "IN" in spec:
                _strings(spec["IN"], f"{where} {token}")


def load_twitching(path: Path = DEFAULT_TWITCHING_PATH) -> TwitchingLexicon:
    """Loads twitching.yml: body parts, timings and duration patterns."""
    data = _read_yaml(Path(path))
    sets = _context_sets(data, str(path))
    durations = data.get("durations") or {}
    patterns = durations.get("patterns") or []
    for pattern in patterns:
        _check_token_pattern(pattern, f"{path} durations.patterns")
    return TwitchingLexicon(
        body_parts=_groups(data.get("body_parts") or {}, BODY_PARTS, sets, f"{path} body_parts"),
        timings=_groups(data.get("timings") or {}, TWITCH_TIMINGS, sets, f"{path} timings"),
        duration_phrases=_strings(durations.get("phrases"), f"{path} durations.phrases"),
        duration_patterns=tuple(patterns),
    )
