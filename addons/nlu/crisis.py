"""CrisisBackstop: a deterministic last word on emergencies in the NLU pipeline.

It runs after the intent classifiers, on the lower-cased message.

- When a message matches one of the patterns in data/lexicon/crisis.yml (an
  overdose, suicidal thoughts or a seizure happening now) and no veto cancels
  the match, the message gets that emergency intent with confidence 1.0, first
  in the ranking, whatever the model said.
- An emergency the model predicted on its own, with no pattern behind it, is
  kept when the model is sure (``confirm_model_emergency``) and no veto phrase
  (a figure of speech, a "never", a past event, a question) is in the message.
  Otherwise the model's best non-emergency intent is used: the patterns catch
  the emergencies, and the model alone mostly over-reads words like "seizure"
  or "overdose" in questions, denials and memories.

The decision is recorded in the parse data under ``crisis_backstop`` (the
pattern name, the intent, and the model's intent). Only pattern names are
logged, never the message text.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Text, Tuple

import spacy
import yaml
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from spacy.matcher import Matcher
from spacy.tokens import Doc
from spacy.vocab import Vocab

from storage.lexicon import content_hash, project_path

logger = logging.getLogger(__name__)

DEFAULT_LEXICON = "data/lexicon/crisis.yml"
# What training writes into the model.
LEXICON_FILE = "crisis.json"
BACKSTOP_KEY = "crisis_backstop"
DEMOTED = "model_emergency_not_confirmed"
SCOPES = ("overlap", "clause")


@dataclass(frozen=True)
class CrisisMatch:
    """What the lexicon found: the emergency intent and the pattern's name."""

    intent: str
    pattern: str


class CrisisLexicon:
    """The patterns and vetoes of data/lexicon/crisis.yml, ready to match."""

    def __init__(self, data: Dict[str, Any]) -> None:
        self.priority: List[str] = list(data["priority"])
        self.clause_breaks = frozenset(data.get("clause_breaks") or ())
        self._alone = {
            intent: frozenset(words) for intent, words in (data.get("alone") or {}).items()
        }
        self._vocab = Vocab()
        self._matcher = Matcher(self._vocab, validate=True)
        self._vetoes = Matcher(self._vocab, validate=True)
        self._patterns: Dict[str, CrisisMatch] = {}
        self._scopes: Dict[str, str] = {}
        self._veto_intents: Dict[str, List[str]] = {}

        for intent in [*data["patterns"], *self._alone]:
            if intent not in self.priority:
                raise ValueError(f"crisis lexicon: {intent} is not in `priority`")
        for intent, groups in data["patterns"].items():
            for group, patterns in groups.items():
                name = f"{intent}:{group}"
                self._matcher.add(name, patterns)
                self._patterns[name] = CrisisMatch(intent, name)
        for group, veto in (data.get("vetoes") or {}).items():
            if veto.get("scope") not in SCOPES:
                raise ValueError(f"crisis lexicon: veto {group} needs a scope {SCOPES}")
            name = f"veto:{group}"
            self._vetoes.add(name, veto["patterns"])
            self._scopes[name] = veto["scope"]
            self._veto_intents[name] = list(veto.get("intents") or self.priority)

    @property
    def intents(self) -> List[str]:
        return list(self.priority)

    def find(self, doc: Doc) -> Optional[CrisisMatch]:
        """The emergency this doc describes, if a pattern matches unvetoed."""
        strings = self._vocab.strings
        hits = [(strings[key], start, end) for key, start, end in self._matcher(doc)]
        live = self._alone_word(doc)
        if hits:
            clauses = self._clause_ids(doc)
            vetoes = [(strings[key], start, end) for key, start, end in self._vetoes(doc)]
            for name, start, end in hits:
                match = self._patterns[name]
                if not any(self._cancels(veto, match, start, end, clauses) for veto in vetoes):
                    live.append(match)
        if not live:
            return None
        return min(live, key=lambda match: self.priority.index(match.intent))

    def has_veto(self, doc: Doc) -> bool:
        """Whether a veto phrase (a known figure of speech, ...) is in the doc."""
        return bool(self._vetoes(doc))

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

    def _cancels(
        self,
        veto: Tuple[str, int, int],
        match: CrisisMatch,
        start: int,
        end: int,
        clauses: List[int],
    ) -> bool:
        name, veto_start, veto_end = veto
        if match.intent not in self._veto_intents[name]:
            return False
        if self._scopes[name] == "overlap":
            return veto_start < end and start < veto_end
        return clauses[start] in {clauses[i] for i in range(veto_start, veto_end)}

    def _clause_ids(self, doc: Doc) -> List[int]:
        ids, current = [], 0
        for token in doc:
            if token.lower_ in self.clause_breaks:
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
            # no pattern matches (and no veto phrase is in the message).
            "confirm_model_emergency": 0.9,
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
        if match is not None:
            if model_intent not in self.lexicon.intents:
                self._set_intent(message, match.intent, 1.0, match.pattern, model_intent)
        elif model_intent in self.lexicon.intents and not self._model_is_sure(doc, model):
            fallback = self._best_other_intent(message)
            if fallback is not None:
                self._set_intent(message, *fallback, DEMOTED, model_intent)

    def _model_is_sure(self, doc: Doc, model: Dict[str, Any]) -> bool:
        confidence = model.get(PREDICTED_CONFIDENCE_KEY) or 0.0
        return confidence >= self.component_config["confirm_model_emergency"] and not (
            self.lexicon.has_veto(doc)
        )

    def _best_other_intent(self, message: Message) -> Optional[Tuple[str, float]]:
        for entry in message.get(INTENT_RANKING_KEY) or []:
            if entry.get(INTENT_NAME_KEY) not in self.lexicon.intents:
                return str(entry[INTENT_NAME_KEY]), float(entry[PREDICTED_CONFIDENCE_KEY])
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
