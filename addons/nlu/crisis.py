"""CrisisBackstop: a deterministic last word on emergencies in the NLU pipeline.

It runs after the intent classifiers, on the lower-cased message.

- When a message matches one of the patterns in data/lexicon/crisis.yml (an
  overdose, a seizure, withdrawal red flags, suicidal thoughts, someone
  calling 911 ...), or all the parts of one of its combinations, and no veto
  cancels the match, the message gets that emergency intent with confidence
  1.0, first in the ranking, whatever the model said. Only when the pattern
  names no danger ("should I call 911?", `refined_by_model`) is a sure model
  reading of a more urgent emergency (earlier in `priority`) kept instead.
- Vetoes (figures of speech, negations, questions, the past, recovery) cancel
  only what they cover: an `overlap` veto its own words, a `clause` veto its
  clause, a `message` veto the whole message (help already with the person,
  unless followed by "?" or "yet"). A past or recovery veto (`kind: past`) never cancels a present
  danger sign ("he used to use, hes not breathing"), anything in a clause
  that says it is happening now ("clean since march, used tonight"), or a
  part about what was taken or stopped (`timeless`: "quit drinking last week,
  now he sees bugs"); a part that says when (`dated_in_clause`) is cancelled by
  one in its own clause ("years ago i ran out for a few days"). A combination
  reads across clauses, and so does a past veto on its other parts; a sign
  part told in the past ("was hallucinating") does not count.
- A reading listed under `after_an_emergency_only` (help arriving) stands only
  in a conversation that has had an emergency answer, unless the message says
  so outright (its veto group: "the paramedics are here").
- A pattern group or combination listed under `yields` gives way when one of
  the intents it names also stands: "my chest is tight" alone is the
  self-overdose answer, two days after stopping drinking the withdrawal one.
- An emergency the model predicted on its own, with no pattern behind it, is
  kept when the model is sure (``confirm_model_emergency``) and the vetoes do
  not cover it: either there is none, or a present danger sign stands in the
  message (a sign pattern or part, not told in the past, not vetoed), and no
  veto denies that very emergency (`denies`: "ok no seizure. hes just shaky"); and the
  message has a part the lexicon's `model_needs` asks for that intent.
  Otherwise the model's best non-emergency intent is used: the patterns
  catch the emergencies, and the model alone mostly over-reads words like
  "seizure" or "overdose" in questions, denials and memories.

The decision is recorded in the parse data under ``crisis_backstop`` (the
pattern name, the intent, and the model's intent). Only pattern names are
logged, never the message text.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any, Dict, FrozenSet, List, Optional, Text, Tuple

import spacy
import yaml
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    METADATA,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from spacy.matcher import Matcher
from spacy.tokens import Doc
from spacy.vocab import Vocab

from storage.lexicon import content_hash, project_path

# Set in the message metadata by addons/patches/conversation_context.py when the
# conversation has had an emergency answer.
AFTER_AN_EMERGENCY = "after_an_emergency"
# In after_an_emergency: the intent of the conversation's latest emergency.
THE_SAME = "the_same"
# Set on a message that tells a stop (drinking, benzos...); addons/patches/
# conversation_context.py then sets AFTER_A_STOP in the metadata of later messages.
STOP_TOLD = "stop_told"
AFTER_A_STOP = "after_a_stop"

logger = logging.getLogger(__name__)

DEFAULT_LEXICON = "data/lexicon/crisis.yml"
# What training writes into the model.
LEXICON_FILE = "crisis.json"
BACKSTOP_KEY = "crisis_backstop"
DEMOTED = "model_emergency_not_confirmed"
NO_EMERGENCY_BEFORE = "no_emergency_before"
SCOPES = ("overlap", "clause", "message")


@dataclass(frozen=True)
class CrisisMatch:
    """What the lexicon found: the emergency intent and the pattern's name."""

    intent: str
    pattern: str


@dataclass(frozen=True)
class Span:
    """A match in a doc: the pattern, part or veto name, and its tokens."""

    name: str
    start: int
    end: int


@dataclass(frozen=True)
class Veto:
    """How a veto cancels: its scope, whether it tells the past, and for which intents."""

    scope: str  # "overlap", "clause" or "message"
    past: bool  # the past or recovery: never cancels what is happening now
    intents: FrozenSet[str]
    denies: FrozenSet[str]  # model readings it cancels whatever else the message says


class CrisisLexicon:
    """The patterns, combinations and vetoes of data/lexicon/crisis.yml, ready to match."""

    def __init__(self, data: Dict[str, Any]) -> None:
        self.priority: List[str] = list(data["priority"])
        self.clause_breaks = frozenset(data.get("clause_breaks") or ())
        self.past_markers = frozenset(data.get("past_markers") or ())
        self.present_signs = frozenset(data.get("present_signs") or ())
        self.timeless = frozenset(f"part:{part}" for part in data.get("timeless") or ())
        self.dated_in_clause = frozenset(
            f"part:{part}" for part in data.get("dated_in_clause") or ()
        )
        self.refined_by_model = frozenset(data.get("refined_by_model") or ())
        self.after_an_emergency_only: Dict[str, str] = {
            intent: f"veto:{group}"
            for intent, group in (data.get("after_an_emergency_only") or {}).items()
        }
        self._alone = {
            intent: frozenset(words) for intent, words in (data.get("alone") or {}).items()
        }
        self._vocab = Vocab()
        self._patterns = Matcher(self._vocab, validate=True)
        self._parts = Matcher(self._vocab, validate=True)
        self._now = Matcher(self._vocab, validate=True)
        self._vetoes = Matcher(self._vocab, validate=True)
        self._intent_of: Dict[str, str] = {}
        self._combos: List[Tuple[CrisisMatch, List[str]]] = []
        self.vetoes: Dict[str, Veto] = {}

        combos = data.get("combos") or {}
        for intent in [*data["patterns"], *combos, *self._alone]:
            if intent not in self.priority:
                raise ValueError(f"crisis lexicon: {intent} is not in `priority`")
        for intent, groups in data["patterns"].items():
            for group, patterns in groups.items():
                self._patterns.add(f"{intent}:{group}", patterns)
                self._intent_of[f"{intent}:{group}"] = intent
        for part, patterns in (data.get("parts") or {}).items():
            self._parts.add(f"part:{part}", patterns)
        for intent, groups in combos.items():
            for group, parts in groups.items():
                missing = [part for part in parts if f"part:{part}" not in self._parts]
                if missing:
                    raise ValueError(f"crisis lexicon: {intent}:{group} needs parts {missing}")
                self._combos.append((CrisisMatch(intent, f"{intent}:{group}"), list(parts)))
        # Signs that are an emergency alone once the conversation has had one.
        self.after_an_emergency: Dict[str, str] = {
            f"part:{part}": intent
            for part, intent in (data.get("after_an_emergency") or {}).items()
        }
        if set(self.after_an_emergency.values()) - {*self.priority, THE_SAME}:
            raise ValueError("crisis lexicon: after_an_emergency names an unknown intent")
        if set(self.after_an_emergency) - self.present_signs:
            raise ValueError(
                "crisis lexicon: after_an_emergency lists a part that is no present sign"
            )
        # Signs that are an emergency alone once the conversation has told a stop.
        after_a_stop = data.get("after_a_stop") or {}
        self.stop_parts = frozenset(f"part:{part}" for part in after_a_stop.get("told_by") or ())
        self.stop_denied_by = frozenset(after_a_stop.get("denied_by") or ())
        self.after_a_stop: Dict[str, str] = {
            f"part:{part}": intent for part, intent in (after_a_stop.get("signs") or {}).items()
        }
        if set(self.after_a_stop.values()) - set(self.priority) or (
            set(self.after_a_stop) - self.present_signs
        ):
            raise ValueError("crisis lexicon: after_a_stop names an unknown intent or sign")
        named = {*self._intent_of, *(f"part:{part}" for part in data.get("parts") or {})}
        unknown = (self.present_signs | self.timeless | self.dated_in_clause) - named
        if unknown:
            raise ValueError(f"crisis lexicon: no such pattern group or part: {sorted(unknown)}")
        # A pattern group or combination that gives way to other intents when
        # one of them also stands ("my chest is tight" is the self-overdose
        # answer, but not two days after stopping drinking: withdrawal).
        self.yields: Dict[str, FrozenSet[str]] = {
            name: frozenset(intents) for name, intents in (data.get("yields") or {}).items()
        }
        groups = {*self._intent_of, *(match.pattern for match, _ in self._combos)}
        unknown = set(self.yields) - groups
        if unknown:
            raise ValueError(f"crisis lexicon: `yields` names no such group: {sorted(unknown)}")
        for name, intents in self.yields.items():
            if intents - set(self.priority):
                raise ValueError(f"crisis lexicon: {name} yields to unknown intents")
        # What a model reading with no pattern behind it must have in the message.
        self.model_needs: Dict[str, FrozenSet[str]] = {
            intent: frozenset(f"part:{part}" for part in parts)
            for intent, parts in (data.get("model_needs") or {}).items()
        }
        needed = {part for parts in self.model_needs.values() for part in parts}
        if needed - named or set(self.model_needs) - set(self.priority):
            raise ValueError(
                f"crisis lexicon: `model_needs` names unknown parts {sorted(needed - named)}"
            )
        if data.get("now"):
            self._now.add("now", data["now"])
        for group, veto in (data.get("vetoes") or {}).items():
            if veto.get("scope") not in SCOPES:
                raise ValueError(f"crisis lexicon: veto {group} needs a scope {SCOPES}")
            self._vetoes.add(f"veto:{group}", veto["patterns"])
            self.vetoes[f"veto:{group}"] = Veto(
                veto["scope"],
                veto.get("kind") == "past",
                frozenset(veto.get("intents") or self.priority),
                frozenset(veto.get("denies") or ()),
            )
        if set(self.after_an_emergency_only.values()) - set(self.vetoes):
            raise ValueError("crisis lexicon: after_an_emergency_only names no such veto")

    @property
    def intents(self) -> List[str]:
        return list(self.priority)

    def rank(self, intent: str) -> int:
        """Lower is more urgent; intents outside the lexicon come last."""
        return self.priority.index(intent) if intent in self.priority else len(self.priority)

    def find(self, doc: Doc) -> Optional[CrisisMatch]:
        """The emergency this doc describes, if a pattern or combination matches unvetoed."""
        live = self._alone_word(doc)
        hits = self.spans(self._patterns, doc)
        parts = self.spans(self._parts, doc)
        if hits or parts:
            reading = Reading(self, doc)
            live += [
                CrisisMatch(self._intent_of[hit.name], hit.name)
                for hit in hits
                if reading.stands(hit, self._intent_of[hit.name])
            ]
            for match, needed in self._combos:
                if all(
                    any(
                        reading.stands(span, match.intent)
                        for span in parts
                        if span.name == f"part:{part}"
                    )
                    for part in needed
                ):
                    live.append(match)
        if not live:
            return None
        standing = {match.intent for match in live}
        kept = [match for match in live if not self.yields.get(match.pattern, set()) & standing]
        return min(kept or live, key=lambda match: self.rank(match.intent))

    def find_sign(
        self, doc: Doc, earlier: Any = None, signs: Optional[Dict[str, str]] = None
    ) -> Optional[CrisisMatch]:
        """A danger sign happening now, for a conversation that has had an emergency.

        "im getting really sleepy" is no emergency alone, but it is after "I took
        some pills and my breathing is slow" (`after_an_emergency`). `earlier` is
        that emergency's intent, for signs that repeat its answer ("nobody is here").
        `signs`: other signs than after_an_emergency's (after_a_stop's).
        """
        reading = Reading(self, doc)
        found = []
        signs = self.after_an_emergency if signs is None else signs
        for span in self.spans(self._parts, doc):
            intent = signs.get(span.name)
            if intent == THE_SAME:
                intent = earlier if earlier in self.priority else None
            if intent and reading.present(span) and reading.stands(span, intent):
                after = "after_an_emergency" if signs is self.after_an_emergency else "after_a_stop"
                found.append(CrisisMatch(intent, f"{span.name}:{after}"))
        if not found:
            return None
        return min(found, key=lambda match: self.rank(match.intent))

    def tells_a_stop(self, doc: Doc) -> bool:
        """Whether the message tells a stop ("desde ayer que deje la cheve")."""
        stops = [span for span in self.spans(self._parts, doc) if span.name in self.stop_parts]
        if not stops:
            return False  # most messages: no Reading to build
        reading = Reading(self, doc)
        return any(
            not {t.lower_ for t in doc[max(0, span.start - 2) : span.start]} & self.stop_denied_by
            and reading.stands(span, intent)
            for span in stops
            for intent in set(self.after_a_stop.values())
        )

    def lacks_what_the_model_needs(self, doc: Doc, intent: str) -> bool:
        """Whether a model-only reading of `intent` misses every part it needs
        ("jerks when startled" read as withdrawal, with nothing stopped)."""
        needed = self.model_needs.get(intent)
        if not needed:
            return False
        reading = Reading(self, doc)
        return not any(
            reading.stands(span, intent)
            for span in self.spans(self._parts, doc)
            if span.name in needed
        )

    def only_after_an_emergency(self, doc: Doc, intent: Optional[str]) -> bool:
        """Whether `intent` needs an earlier emergency, the message not saying it outright."""
        outright = self.after_an_emergency_only.get(str(intent))
        return outright is not None and not any(
            veto.name == outright for veto in self.vetoes_in(doc)
        )

    def vetoes_cover(self, doc: Doc, intent: str) -> bool:
        """Whether vetoes cancel an emergency the model read alone, with no pattern.

        They do when there is one and the message has no present danger sign
        left standing: "he used to drink, now hes hallucinating" keeps the
        model's reading (a sign, though no whole pattern); "i was suicidal last
        year, now im better" does not.
        """
        reading = Reading(self, doc)
        if not reading.vetoes:
            return False
        if any(intent in self.vetoes[veto.name].denies for veto in reading.vetoes):
            return True
        signs = [
            span
            for span in self.spans(self._patterns, doc) + self.spans(self._parts, doc)
            if span.name in self.present_signs
        ]
        return not any(reading.present(sign) and reading.stands(sign, intent) for sign in signs)

    def spans(self, matcher: Matcher, doc: Doc) -> List[Span]:
        strings = self._vocab.strings
        return [Span(strings[key], start, end) for key, start, end in matcher(doc)]

    def vetoes_in(self, doc: Doc) -> List[Span]:
        return self.spans(self._vetoes, doc)

    def now_in(self, doc: Doc) -> List[Span]:
        return self.spans(self._now, doc)

    def _alone_word(self, doc: Doc) -> List[CrisisMatch]:
        # Punctuation and emoji aside: "seizure!!", "overdose 😭".
        words = [token.lower_ for token in doc if any(char.isalnum() for char in token.text)]
        if len(words) != 1:
            return []
        return [
            CrisisMatch(intent, f"{intent}:alone")
            for intent, alone in self._alone.items()
            if words[0] in alone
        ]


class Reading:
    """One doc's clauses, vetoes and present-time words: what a veto may cancel."""

    def __init__(self, lexicon: CrisisLexicon, doc: Doc) -> None:
        self.lexicon = lexicon
        self.doc = doc
        self.clauses = self._clause_ids()
        self.vetoes = lexicon.vetoes_in(doc)
        self.now_clauses = {
            self.clauses[i] for span in lexicon.now_in(doc) for i in range(span.start, span.end)
        }

    def stands(self, match: Span, intent: str) -> bool:
        """Whether a pattern or part match is left standing by every veto."""
        present = self.present(match)
        if match.name.startswith("part:") and match.name in self.lexicon.present_signs:
            if not present:
                return False  # a sign told in the past is no part of an emergency now
        return not any(self._cancels(veto, intent, match, present) for veto in self.vetoes)

    def present(self, match: Span) -> bool:
        """Whether a match is happening now: its clause says so, or it is a
        present danger sign not told in the past ("was blue", "passed out")."""
        clause = self.clauses[match.start]
        if clause in self.now_clauses:
            return True
        if match.name not in self.lexicon.present_signs:
            return False
        near = range(max(0, match.start - 3), match.end)
        return not any(
            self.clauses[i] == clause and self.doc[i].lower_ in self.lexicon.past_markers
            for i in near
        )

    def _cancels(self, veto_span: Span, intent: str, match: Span, present: bool) -> bool:
        veto = self.lexicon.vetoes[veto_span.name]
        if intent not in veto.intents:
            return False
        if veto.scope == "overlap":
            return veto_span.start < match.end and match.start < veto_span.end
        if veto.scope == "message":  # help is with the person, unless asked about
            return not any(
                t.lower_ in ("?", "yet") for t in self.doc[veto_span.end : veto_span.end + 2]
            )
        if veto.past and present:
            return False  # no memory hides a present danger
        if veto.past and match.name in self.lexicon.dated_in_clause:
            # "years ago i ran out for a few days": not recent; a memory in another
            # clause does not date it ("quit yesterday... had a seizure yrs back").
            return self._same_clause(veto_span, match)
        if veto.past and match.name in self.lexicon.timeless:
            return False  # what was taken or stopped is told in the past anyway
        if veto.past and match.name.startswith("part:"):
            return True  # a combination reads across clauses, and so does the past
        return self._same_clause(veto_span, match)

    def _same_clause(self, veto_span: Span, match: Span) -> bool:
        veto_clauses = {self.clauses[i] for i in range(veto_span.start, veto_span.end)}
        return self.clauses[match.start] in veto_clauses

    def _clause_ids(self) -> List[int]:
        ids, current = [], 0
        for token in self.doc:
            if token.lower_ in self.lexicon.clause_breaks:
                current += 1
            ids.append(current)
        return ids


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class CrisisBackstop(GraphComponent, IntentClassifier):
    """Forces the emergency intent when the crisis lexicon matches.

    Training reads data/lexicon/crisis.yml, checks it (a broken pattern fails
    training) and writes it into the model, so that the model runs without the
    file and with the patterns it was tested with. An edit of the file changes
    the component's fingerprint: `rasa train` then retrains this component alone.
    """

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """The component's default config (see parent class for full docstring)."""
        return {
            # The patterns; a relative path is taken from the repository root.
            "lexicon": DEFAULT_LEXICON,
            # How sure the model must be for its emergency intent to stand when
            # no pattern matches (and no veto phrase is in the message). The
            # patterns catch the emergencies; the model alone over-reads ("he
            # says it helps him sleep" at 0.95).
            "confirm_model_emergency": 0.97,
            # Below this, an unconfirmed emergency reading falls to nlu_fallback
            # rather than to the next intent (the FallbackClassifier's threshold).
            "fallback_threshold": 0.5,
        }

    @staticmethod
    def required_packages() -> List[Text]:
        """Lists required dependencies (see parent class for full docstring)."""
        return ["spacy"]

    @classmethod
    def fingerprint_addon(cls, config: Dict[str, Any]) -> Optional[str]:
        """The lexicon file's contents: an edit retrains this component."""
        config = {**cls.get_default_config(), **config}
        return content_hash([project_path(config["lexicon"])])

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        lexicon: Optional[CrisisLexicon] = None,
    ) -> None:
        self.component_config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self._lexicon = lexicon
        # The patterns are written for spaCy's blank English tokenizer on
        # lower-case text ("ISNT" splits differently from "isnt").
        self._tokenizer = spacy.blank("en").tokenizer

    @property
    def lexicon(self) -> CrisisLexicon:
        if self._lexicon is None:
            raise RuntimeError("CrisisBackstop is not trained.")
        return self._lexicon

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> CrisisBackstop:
        """An untrained component: train() reads the lexicon."""
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        """Checks the lexicon file and writes it into the model.

        The training data is not used: the lexicon is the only input. The
        patterns are checked as loading will read them: after a JSON round trip.
        """
        with project_path(self.component_config["lexicon"]).open(encoding="utf-8") as handle:
            data = json.loads(json.dumps(yaml.safe_load(handle)))
        self._lexicon = CrisisLexicon(data)
        with self._model_storage.write_to(self._resource) as directory:
            (directory / LEXICON_FILE).write_text(json.dumps(data), encoding="utf-8")
        return self._resource

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> CrisisBackstop:
        """Reads the patterns from the model, never from data/lexicon."""
        with model_storage.read_from(resource) as directory:
            data = json.loads((directory / LEXICON_FILE).read_text(encoding="utf-8"))
        return cls(config, model_storage, resource, CrisisLexicon(data))

    def process(self, messages: List[Message]) -> List[Message]:
        """Sets the emergency intent on messages that describe an emergency."""
        for message in messages:
            try:
                self._process_message(message)
            except Exception:  # never lose the reply because of the backstop
                logger.exception("Crisis backstop failed; the model's intent stays.")
        return messages

    def _process_message(self, message: Message) -> None:
        text = message.get(TEXT)
        if not text:
            return
        doc = self._tokenizer(text.lower())
        model = message.get(INTENT) or {}
        model_intent = model.get(INTENT_NAME_KEY)

        match = self.lexicon.find(doc)
        context = message.get(METADATA) or {}
        earlier = context.get(AFTER_AN_EMERGENCY)
        if match is None and earlier:
            match = self.lexicon.find_sign(doc, earlier)
        if match is None and context.get(AFTER_A_STOP):
            match = self.lexicon.find_sign(doc, signs=self.lexicon.after_a_stop)
        if self.lexicon.tells_a_stop(doc):
            message.set(STOP_TOLD, True, add_to_output=True)
        if match is not None:
            if model_intent != match.intent and not self._model_refines(doc, model, match):
                self._set_intent(message, match.intent, 1.0, match.pattern, model_intent)
        elif model_intent in self.lexicon.intents and not self._model_is_sure(doc, model):
            fallback = self._best_other_intent(message)
            if fallback is not None:
                self._set_intent(message, *fallback, DEMOTED, model_intent)
        elif not earlier and self.lexicon.only_after_an_emergency(doc, model_intent):
            fallback = self._best_other_intent(message, besides=model_intent)
            if fallback is not None:
                self._set_intent(message, *fallback, NO_EMERGENCY_BEFORE, model_intent)

    def _model_refines(self, doc: Doc, model: Dict[str, Any], match: CrisisMatch) -> bool:
        """Whether a sure model reading of a danger beats a pattern that names none.

        "should I call 911? something is really wrong with him" matched only the
        question; the model's overdose answer says "Call 911 now".
        """
        intent = str(model.get(INTENT_NAME_KEY))
        return (
            match.intent in self.lexicon.refined_by_model
            and self.lexicon.rank(intent) < self.lexicon.rank(match.intent)
            and self._model_is_sure(doc, model)
        )

    def _model_is_sure(self, doc: Doc, model: Dict[str, Any]) -> bool:
        confidence = model.get(PREDICTED_CONFIDENCE_KEY) or 0.0
        intent = str(model.get(INTENT_NAME_KEY))
        return confidence >= self.component_config["confirm_model_emergency"] and not (
            self.lexicon.vetoes_cover(doc, intent)
            or self.lexicon.lacks_what_the_model_needs(doc, intent)
        )

    def _best_other_intent(
        self, message: Message, besides: Optional[str] = None
    ) -> Optional[Tuple[str, float]]:
        """The best non-emergency intent (other than `besides`), or nlu_fallback when
        it is not sure enough."""
        for entry in message.get(INTENT_RANKING_KEY) or []:
            if entry.get(INTENT_NAME_KEY) not in (*self.lexicon.intents, besides):
                confidence = float(entry[PREDICTED_CONFIDENCE_KEY])
                if confidence < self.component_config["fallback_threshold"]:
                    return DEFAULT_NLU_FALLBACK_INTENT_NAME, self.component_config[
                        "fallback_threshold"
                    ]
                return str(entry[INTENT_NAME_KEY]), confidence
        return None

    def _set_intent(
        self,
        message: Message,
        intent: str,
        confidence: float,
        pattern: str,
        model_intent: Optional[str],
    ) -> None:
        logger.debug(f"Crisis backstop: {pattern} -> {intent}.")
        chosen = {INTENT_NAME_KEY: intent, PREDICTED_CONFIDENCE_KEY: confidence}
        ranking = [
            entry
            for entry in message.get(INTENT_RANKING_KEY) or []
            if entry.get(INTENT_NAME_KEY) != intent
        ]
        message.set(INTENT, chosen, add_to_output=True)
        message.set(INTENT_RANKING_KEY, [chosen, *ranking], add_to_output=True)
        message.set(
            BACKSTOP_KEY,
            {"intent": intent, "pattern": pattern, "model_intent": model_intent},
            add_to_output=True,
        )
