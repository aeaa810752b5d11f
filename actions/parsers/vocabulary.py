"""The answer vocabulary: data/answers/*.yml compiled into one spaCy Matcher.

Built once, on first use: importing this module loads neither spaCy nor the
data, so the action server starts as fast as before. Only spaCy's blank
English tokenizer is used, so no model and no Rasa NLU are needed.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import (
    TYPE_CHECKING,
    Any,
    Callable,
    Dict,
    FrozenSet,
    Iterable,
    List,
    Mapping,
    Set,
    Tuple,
)

import yaml

from storage.lexicon import damerau_levenshtein, fold_accents, load_substances

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.matcher import Matcher
    from spacy.tokens import Doc

DATA_DIR = Path(__file__).resolve().parents[2] / "data" / "answers"
FILES = ("common", "twitching", "substances", "alcohol")
# Rasa reads a file in data/ with one of these keys as training data.
RASA_KEYS = frozenset({"nlu", "responses", "stories", "rules"})
# Substance names from data/lexicon/, so that names are found even when the
# NLU gives no entity: labels are "<entity type>:<canonical name>".
LEXICON_GROUP = "lexicon"
# libyaml's loader when PyYAML was built with it: several times faster.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# Imported by thinc when installed; the blank tokenizer needs none of them.
_HEAVY_MODULES = ("tensorflow", "torch")
# Words shorter than this are never guessed from a typo: too many neighbours.
MIN_FUZZY_LENGTH = 6
# "sittin" is "sitting", but "thin" is not "thing".
MIN_DROPPED_G_LENGTH = 5

_APOSTROPHES = "'\u2019\u2018`\u00b4"
_SPACED = "+&"
# A number typed against a word is split from it ("2wks"), but not from an
# ordinal or plural ending ("5th", "40s", "m30s").
_KEEP_AFTER_NUMBER = {"st", "nd", "rd", "th", "s", "k", "am", "pm", "oz"}
_LETTERS = re.compile(r"[^\W\d_]+")
_PUNCT = re.compile(r"[^\w\s]+")

Match = Tuple[str, int, int]  # label, first token, end token


def normalise_text(text: str) -> Tuple[str, List[int]]:
    """The text lower-cased, accents folded, no apostrophes, and where each character came from.

    Keeping the offsets lets entity character spans from the NLU be placed
    on our tokens.
    """
    chars: List[str] = []
    offsets: List[int] = []
    for i, char in enumerate(text):
        if char in _APOSTROPHES:
            continue
        piece = fold_accents(char.lower())
        if char in _SPACED:
            piece = f" {piece} "
        elif piece.isalpha() and chars and chars[-1].isdigit():
            letters = _LETTERS.match(text, i)
            if letters and letters.group().lower() not in _KEEP_AFTER_NUMBER:
                piece = " " + piece
        chars.extend(piece)
        offsets.extend([i] * len(piece))
    return "".join(chars), offsets


def exact_key(norms: Iterable[str]) -> Tuple[str, ...]:
    """A whole message's words without punctuation ("Yes!"), or its punctuation ("??")."""
    norms = tuple(norms)
    return tuple(n for n in norms if not _PUNCT.fullmatch(n)) or norms


@dataclass(frozen=True)
class Vocabulary:
    """Everything the parsers read from data/answers/, compiled."""

    nlp: "Language"
    matcher: "Matcher"
    keys: Mapping[int, Tuple[str, str]]  # Matcher key -> (group, label)
    exact: Mapping[Tuple[str, ...], Tuple[Tuple[str, str], ...]]
    spellings: Mapping[str, str]
    between_words: Mapping[str, str]  # spellings only between two words ("n")
    words: FrozenSet[str]  # every NORM the data uses
    known: FrozenSet[str]  # words, plus English stop words: "is this English?"
    fuzzy_targets: FrozenSet[str]
    tables: Mapping[str, Any]  # the top-level sections that are not `groups`

    def norm(self, word: str) -> str:
        """The data's spelling of a token's spaCy norm, typos fixed where safe."""
        word = self.spellings.get(word, word)
        if word in self.words or not word.isalpha() or len(set(word)) == 1:
            return word  # "hhhhh" is no "h", "nnnn" no "n"
        # "yesss", "nooo", "alll"
        for squeezed in (re.sub(r"(.)\1{2,}", r"\1\1", word), re.sub(r"(.)\1+", r"\1", word)):
            squeezed = self.spellings.get(squeezed, squeezed)
            if squeezed in self.words:
                return squeezed
        # "sittin", "layin": a dropped g
        if len(word) >= MIN_DROPPED_G_LENGTH and word.endswith("in") and word + "g" in self.words:
            return word + "g"
        return self._fuzzy(word) or word

    def _fuzzy(self, word: str) -> str | None:
        """The nearest fuzzy target one typo away (two for long words), if any."""
        if len(word) < MIN_FUZZY_LENGTH or word in self.known:
            return None
        limit = 2 if len(word) >= 9 else 1
        near = [
            (damerau_levenshtein(word, target), target)
            for target in self.fuzzy_targets
            if abs(len(target) - len(word)) <= limit
        ]
        best = min(near, default=None)
        return best[1] if best and best[0] <= limit else None

    def doc(self, text: str) -> "Doc":
        """Tokens of already normalised text, each with its NORM set."""
        doc = self.nlp.tokenizer(text)
        for token in doc:
            token.norm_ = self.norm(token.norm_)
        # "comes n goes": some spellings only between two words
        for token in doc[1:-1]:
            token.norm_ = self.between_words.get(token.norm_, token.norm_)
        return doc

    def matches(self, doc: "Doc") -> Dict[str, List[Match]]:
        """Every match of every group, by group."""
        found: Dict[str, List[Match]] = {}
        for key, start, end in self.matcher(doc):
            group, label = self.keys[key]
            found.setdefault(group, []).append((label, start, end))
        for group, label in self.exact.get(exact_key(t.norm_ for t in doc if not t.is_space), ()):
            found.setdefault(group, []).append((label, 0, len(doc)))
        return found


def _import_spacy() -> Any:
    """spaCy, without letting thinc import TensorFlow or PyTorch.

    thinc imports them, when installed, for models we never use. A process
    that has imported them already keeps them.
    """
    # Measured: preload() takes 1.6 s and 114 MB max RSS with this, 4.5 s and 496 MB without.
    blocked = [name for name in _HEAVY_MODULES if name not in sys.modules]
    for name in blocked:
        sys.modules[name] = None  # type: ignore[assignment]
    try:
        import spacy
    finally:
        for name in blocked:
            if sys.modules.get(name) is None:
                del sys.modules[name]
    return spacy


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    """The compiled vocabulary, built on first use."""
    spacy = _import_spacy()
    from spacy.lang.en.stop_words import STOP_WORDS
    from spacy.matcher import Matcher

    nlp = spacy.blank("en")
    groups, tables = _load()
    spellings = {str(k): _word(v, "spellings") for k, v in (tables.get("spellings") or {}).items()}

    def data_norms(phrase: Any, where: str) -> List[str]:
        """A phrase's NORMs, as a message would get them (typos aside)."""
        if not isinstance(phrase, str):
            raise ValueError(f"{where}: {phrase!r} is not a string (quote yes/no/on/off)")
        doc = nlp.tokenizer(normalise_text(phrase)[0])
        return [spellings.get(t.norm_, t.norm_) for t in doc if not t.is_space]

    matcher = Matcher(nlp.vocab)
    keys: Dict[int, Tuple[str, str]] = {}
    exact: Dict[Tuple[str, ...], List[Tuple[str, str]]] = {}
    words: Set[str] = {str(w) for w in tables.get("numbers") or {}}
    for group, values in groups.items():
        for label, spec in values.items():
            where = f"data/answers: {group}.{label}"

            def one_word(word: str, where: str = where) -> str:
                norms = data_norms(word, where)
                if len(norms) != 1:
                    raise ValueError(f"{where}: pattern word {word!r} is not one token")
                return norms[0]

            patterns = [
                [{"NORM": norm} for norm in data_norms(phrase, where)]
                for phrase in spec.get("phrases") or []
            ]
            patterns += [_pattern(p, one_word) for p in spec.get("patterns") or []]
            for phrase in spec.get("exact") or []:
                norms = exact_key(data_norms(phrase, where))
                exact.setdefault(norms, []).append((group, str(label)))
                words.update(norms)
            if patterns:
                key = f"{group}|{label}"
                matcher.add(key, patterns)
                keys[nlp.vocab.strings[key]] = (group, str(label))
            words.update(_pattern_words(patterns))
    return Vocabulary(
        nlp=nlp,
        matcher=matcher,
        keys=keys,
        exact={k: tuple(v) for k, v in exact.items()},
        spellings=spellings,
        between_words={str(k): str(v) for k, v in (tables.get("between_words") or {}).items()},
        words=frozenset(words),
        known=frozenset(words | set(STOP_WORDS) | set(spellings) | set(spellings.values())),
        fuzzy_targets=frozenset(str(t) for t in tables.get("fuzzy_targets") or []),
        tables=tables,
    )


def _load() -> Tuple[Dict[str, Dict[str, Any]], Dict[str, Any]]:
    """The groups of every data file (and the lexicon's names), and the other tables."""
    groups: Dict[str, Dict[str, Any]] = {}
    tables: Dict[str, Any] = {}
    for name in FILES:
        data = _read(DATA_DIR / f"{name}.yml")
        for group, values in (data.pop("groups", None) or {}).items():
            if group in groups:
                raise ValueError(f"data/answers/{name}.yml: group {group!r} is defined twice")
            groups[group] = values
        for key in data:
            if key in tables:
                raise ValueError(f"data/answers/{name}.yml: {key!r} is defined twice")
        tables.update(data)
    groups[LEXICON_GROUP] = {
        f"{s.entity_label}:{s.name}": {"phrases": list(s.surface_forms)}
        for s in load_substances().substances
    }
    return groups, tables


def _word(value: Any, where: str) -> str:
    """A word of the data; bare yes/no/on/off are YAML booleans, a mistake."""
    if isinstance(value, bool):
        raise ValueError(f"data/answers: {where}: {value!r} is a boolean (quote yes/no/on/off)")
    return str(value)


def _read(path: Path) -> Dict[str, Any]:
    with open(path, encoding="utf-8") as handle:
        data = yaml.load(handle, Loader=_YAML_LOADER)
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a mapping at the top level")
    clash = RASA_KEYS & set(data)
    if clash:
        raise ValueError(f"{path}: top-level keys {sorted(clash)} would be read by Rasa")
    return data


def _pattern(pattern: Any, norm: Callable[[str], str]) -> List[Dict[str, Any]]:
    """A token pattern with the words of its NORM specs normalised like messages."""
    if not isinstance(pattern, list) or not pattern:
        raise ValueError(f"data/answers: pattern {pattern!r} is not a list of tokens")
    tokens = []
    for token in pattern:
        token = dict(token)
        spec = token.get("NORM")
        if isinstance(spec, str):
            token["NORM"] = norm(spec)
        elif isinstance(spec, dict):
            token["NORM"] = {op: [norm(w) for w in ws] for op, ws in spec.items()}
        tokens.append(token)
    return tokens


def _pattern_words(patterns: List[List[Dict[str, Any]]]) -> List[str]:
    words: List[str] = []
    for pattern in patterns:
        for token in pattern:
            spec = token.get("NORM")
            if isinstance(spec, str):
                words.append(spec)
            elif isinstance(spec, dict):
                words.extend(w for ws in spec.values() for w in ws)
    return words
