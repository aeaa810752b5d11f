"""Substance and twitching lexicons, loaded from data/lexicon/*.yml.

The NLU components (addons/nlu/) compile these files into the trained model:
entity ruler patterns (plain data, built here) and the typo matcher. The
action server reads the canonical values. Only PyYAML is used here, so the
action server can import this module without rasa or spaCy.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
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
    Union,
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
BODY_PART_LABEL = "body_part"
TIMING_LABEL = "twitch_timing"
DURATION_LABEL = "duration"

# Words this long or longer may be fuzzy-matched; shorter ones are too
# easily confused ("oxy" vs "box").
MIN_FUZZY_LENGTH = 5
# Context rules allow at most this many gap words ("popped half a bar").
MAX_GAP_WORDS = 2
# Plurals are made of forms this long or longer ("percs" is listed, "oxys" too).
MIN_PLURAL_STEM = 4
# Plurals that name something else.
NOT_PLURALS = frozenset({"chivas"})

_APOSTROPHES = re.compile(r"['\u2019\u2018`]")
_NON_WORD = re.compile(r"[^0-9a-z]+")

V = TypeVar("V")


def _accent_table() -> Dict[int, str]:
    """Each accented Latin letter -> its plain letter ("á" -> "a", "ñ" -> "n")."""
    table = {}
    for code in range(0xC0, 0x250):
        base = unicodedata.normalize("NFD", chr(code))[0]
        if base != chr(code) and base.isascii():
            table[code] = base
    return table


_ACCENTS = _accent_table()


def fold_accents(text: str) -> str:
    """The text with its accents dropped, letter for letter ("está" -> "esta").

    Spanish is texted with and without accents; folding both the messages and
    the data lets the data hold one spelling. The length does not change, so
    character offsets stay right.
    """
    return text.translate(_ACCENTS)


Pattern = Dict[str, Any]


def project_path(path: Union[str, Path]) -> Path:
    """A path from a component's config: relative ones start at the repository root.

    So training gives the same model whatever the working directory.
    """
    path = Path(path)
    return path if path.is_absolute() else REPO_ROOT / path


def content_hash(paths: Iterable[Path], *texts: str) -> str:
    """A hash of these files' bytes (and texts): a component's training cache key.

    A missing file hashes as missing, so that training (not fingerprinting)
    reports it.
    """
    digest = hashlib.sha256()
    for path in paths:
        data = path.read_bytes() if path.is_file() else None
        digest.update(b"missing;" if data is None else b"%d:%s" % (len(data), data))
    for text in texts:
        digest.update(text.encode())
    return digest.hexdigest()


def normalise(text: str) -> str:
    """Lower-cases, drops apostrophes and turns other punctuation into spaces.

    "K-Pin" and "k pin" become the same key, and so do "god's" and "gods".
    """
    text = _APOSTROPHES.sub("", fold_accents(text.lower()))
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
    def fuzzy_forms(self) -> Tuple[str, ...]:
        """Forms that typos are compared with.

        Street words and listed misspellings are left out: they sit too close
        to everyday words ("veeks" and "weeks", "valum" and "value").
        """
        return (self.name, *self.brands) if self.fuzzy_brands else (self.name,)


@dataclass(frozen=True)
class PhraseGroup:
    """Phrases for one canonical value of a twitching entity."""

    value: str
    phrases: Tuple[str, ...]
    in_context: Tuple[ContextRule, ...] = ()


@dataclass(frozen=True)
class TypoMatcher:
    """Guesses the substance a misspelled word names ("klonopinn", "fentanly").

    Plain data (see to_json), so that the trained model carries it.
    """

    # Normalised name or brand -> (entity label, canonical name).
    targets: Mapping[str, Tuple[str, str]]
    # Common words and context-only words: never guessed, never targets.
    excluded: FrozenSet[str]

    def match(self, word: str) -> Optional[Tuple[str, str]]:
        """(entity label, canonical name) of the closest name or brand, if any.

        1 edit is allowed for 5-7 letters, 2 for 8 or more. None for excluded
        words, for shorter words, and when two substances are equally close.
        """
        word = normalise(word)
        limit = max_fuzzy_distance(word)
        if not word.isalpha() or limit == 0 or word in self.excluded:
            return None
        best = limit + 1
        found: set[Tuple[str, str]] = set()
        for form, target in self.targets.items():
            if abs(len(form) - len(word)) > limit:
                continue
            distance = damerau_levenshtein(word, form)
            if distance < best:
                best, found = distance, {target}
            elif distance == best:
                found.add(target)
        if best > limit or len(found) != 1:
            return None
        return found.pop()

    def to_json(self) -> Dict[str, Any]:
        return {"targets": dict(self.targets), "excluded": sorted(self.excluded)}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> TypoMatcher:
        return cls(
            targets={form: (label, name) for form, (label, name) in data["targets"].items()},
            excluded=frozenset(data["excluded"]),
        )


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


class SubstanceLexicon:
    """The substances, checked: no form names two substances."""

    def __init__(self, substances: Sequence[Substance], common_words: Iterable[str] = ()) -> None:
        self.substances: Tuple[Substance, ...] = tuple(substances)
        self.common_words: FrozenSet[str] = frozenset(normalise(word) for word in common_words)
        self.forms: FrozenSet[str] = frozenset(
            normalise(form) for s in self.substances for form in s.surface_forms
        )
        _index_forms(
            ((form, s.name) for s in self.substances for form in s.surface_forms),
            "substance",
        )

    def plurals(self, substance: Substance) -> List[str]:
        """Spanish and English plurals of one-word forms ("oxicodonas", "xanaxes",
        "tramadoles"), unless that spelling is a form, an everyday word, or
        another drink ("chivas": a whisky)."""
        found = []
        for form in map(normalise, substance.surface_forms):
            if not form.isalpha() or len(form) < MIN_PLURAL_STEM or form.endswith("s"):
                continue
            endings = ("s",) if form[-1] in "aeiou" else ("s", "es")
            found += [
                plural
                for plural in (form + ending for ending in endings)
                if plural not in self.forms
                and plural not in self.common_words
                and plural not in NOT_PLURALS
            ]
        return list(dict.fromkeys(found))

    def typo_matcher(self) -> TypoMatcher:
        """The fuzzy matcher over names and brands (see Substance.fuzzy_forms)."""
        # Context-only words must never slip in through fuzzy matching.
        excluded = self.common_words | {
            word for s in self.substances for rule in s.in_context for word in rule.words
        }
        targets = {
            form: (s.entity_label, s.name)
            for s in self.substances
            for form in map(normalise, s.fuzzy_forms)
            if form.isalpha() and len(form) >= MIN_FUZZY_LENGTH and form not in excluded
        }
        return TypoMatcher(targets, frozenset(excluded))


@dataclass(frozen=True)
class TwitchingLexicon:
    """Body parts, twitch timings and duration patterns."""

    body_parts: Tuple[PhraseGroup, ...]
    timings: Tuple[PhraseGroup, ...]
    duration_phrases: Tuple[str, ...]
    duration_patterns: Tuple[List[Dict[str, Any]], ...]

    def __post_init__(self) -> None:
        for groups in (self.body_parts, self.timings):
            _index_forms(
                ((phrase, group.value) for group in groups for phrase in group.phrases),
                "twitching",
            )


# --------------------------------------------------------------- entity ruler patterns


def _variants(form: str) -> List[str]:
    """The form as written plus its normalised spelling ("k-pin", "k pin")."""
    return list(dict.fromkeys([form, normalise(form)]))


def _patterns(
    label: str,
    value: Optional[str],
    phrases: Iterable[str],
    rules: Iterable[ContextRule] = (),
) -> List[Pattern]:
    id_field = {"id": value} if value else {}
    patterns: List[Pattern] = [
        {"label": label, "pattern": variant, **id_field}
        for phrase in phrases
        for variant in _variants(phrase)
    ]
    patterns += [
        {"label": label, "pattern": tokens, **id_field}
        for rule in rules
        for tokens in rule.token_patterns()
    ]
    return patterns


def _group_patterns(label: str, groups: Sequence[PhraseGroup]) -> List[Pattern]:
    return [
        pattern
        for group in groups
        for pattern in _patterns(label, group.value, group.phrases, group.in_context)
    ]


def ruler_patterns(substances: SubstanceLexicon, twitching: TwitchingLexicon) -> List[Pattern]:
    """spaCy entity ruler patterns for every entity in the lexicon.

    Substance, body part and timing patterns carry the canonical value as
    their id; durations have none (their value is the text).
    """
    patterns = [
        pattern
        for s in substances.substances
        for pattern in _patterns(
            s.entity_label, s.name, [*s.surface_forms, *substances.plurals(s)], s.in_context
        )
    ]
    patterns += _group_patterns(BODY_PART_LABEL, twitching.body_parts)
    patterns += _group_patterns(TIMING_LABEL, twitching.timings)
    patterns += _patterns(DURATION_LABEL, None, twitching.duration_phrases)
    patterns += [
        {"label": DURATION_LABEL, "pattern": tokens} for tokens in twitching.duration_patterns
    ]
    # Messages are matched with their accents folded (addons/nlu/entities.py).
    return [{**pattern, "pattern": _folded(pattern["pattern"])} for pattern in patterns]


def _folded(value: Any) -> Any:
    """A pattern with the accents of all its strings folded."""
    if isinstance(value, str):
        return fold_accents(value)
    if isinstance(value, list):
        return [_folded(item) for item in value]
    if isinstance(value, dict):
        return {key: _folded(item) for key, item in value.items()}
    return value


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
