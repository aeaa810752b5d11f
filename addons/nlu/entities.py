"""Rasa component: entities from the lexicon's entity ruler, plus typo matches.

Training compiles data/lexicon/substances.yml, twitching.yml and
common_words.yml into a spaCy entity ruler and a typo matcher, and writes both
into the model, so that a trained model runs without the lexicon files and
always with the lexicon it was tested with. A lexicon edit changes the
component's fingerprint: `rasa train` then retrains this component alone.
"""

from __future__ import annotations

import inspect
import json
from typing import Any, Dict, List, Optional, Text, Tuple

import spacy
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from spacy.language import Language
from spacy.pipeline import EntityRuler
from spacy.tokens import Doc

from storage import lexicon
from storage.lexicon import (
    TypoMatcher,
    fold_accents,
    load_substances,
    load_twitching,
    project_path,
)

# Lexicon matches are certain; a guessed typo is less so.
EXACT_CONFIDENCE = 1.0
FUZZY_CONFIDENCE = 0.8
# What training writes into the model.
RULER_DIR = "entity_ruler"
TYPOS_FILE = "typos.json"
LEXICON_FILES = ("substances", "twitching", "common_words")


def compile_lexicon(config: Dict[Text, Any]) -> Tuple[Language, TypoMatcher]:
    """The lexicon files as an entity ruler (in a blank English pipeline) and a typo matcher."""
    substances = load_substances(
        project_path(config["substances"]), project_path(config["common_words"])
    )
    twitching = load_twitching(project_path(config["twitching"]))
    nlp = spacy.blank("en")
    # LOWER: the text is lower-cased anyway, except when that would shift the
    # offsets (see _doc). validate: a typo in the YAML patterns fails training.
    ruler = nlp.add_pipe(
        "entity_ruler",
        config={"phrase_matcher_attr": "LOWER", "overwrite_ents": True, "validate": True},
    )
    assert isinstance(ruler, EntityRuler)
    ruler.add_patterns(lexicon.ruler_patterns(substances, twitching))
    return nlp, substances.typo_matcher()


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=True)
class LexiconEntityExtractor(GraphComponent, EntityExtractorMixin):
    """Substance, body part, twitch timing and duration entities."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """The component's default config (see parent class for full docstring)."""
        return {
            # The lexicon files; a relative path is taken from the repository root.
            "substances": "data/lexicon/substances.yml",
            "twitching": "data/lexicon/twitching.yml",
            "common_words": "data/lexicon/common_words.yml",
            # Guess misspelled substance names the entity ruler did not match.
            "fuzzy": True,
        }

    @staticmethod
    def required_packages() -> List[Text]:
        """Lists required dependencies (see parent class for full docstring)."""
        return ["spacy"]

    @classmethod
    def fingerprint_addon(cls, config: Dict[str, Any]) -> Optional[str]:
        """The lexicon files and the code that compiles them: an edit retrains."""
        config = {**cls.get_default_config(), **config}
        return lexicon.content_hash(
            [project_path(config[name]) for name in LEXICON_FILES],
            inspect.getsource(lexicon),
            inspect.getsource(compile_lexicon),
        )

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        nlp: Optional[Language] = None,
        typos: Optional[TypoMatcher] = None,
    ) -> None:
        self._config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self._nlp = nlp
        self._typos = typos

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> LexiconEntityExtractor:
        """An untrained component: train() reads the lexicon."""
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        """Compiles the lexicon files and writes the result into the model.

        The training data is not used: the lexicon is the only input.
        """
        nlp, typos = compile_lexicon(self._config)
        with self._model_storage.write_to(self._resource) as directory:
            nlp.to_disk(directory / RULER_DIR)
            (directory / TYPOS_FILE).write_text(json.dumps(typos.to_json()), encoding="utf-8")
        self._nlp, self._typos = nlp, typos
        return self._resource

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> LexiconEntityExtractor:
        """Reads the compiled lexicon from the model, never from data/lexicon."""
        with model_storage.read_from(resource) as directory:
            nlp = spacy.load(directory / RULER_DIR)
            typos = TypoMatcher.from_json(
                json.loads((directory / TYPOS_FILE).read_text(encoding="utf-8"))
            )
        return cls(config, model_storage, resource, nlp, typos)

    def process(self, messages: List[Message]) -> List[Message]:
        """Adds lexicon entities to each message."""
        if self._nlp is None or self._typos is None:
            raise RuntimeError("LexiconEntityExtractor is not trained.")
        for message in messages:
            text = message.get(TEXT)
            if not text:
                continue
            doc = self._doc(self._nlp, text)
            entities = self._ruler_entities(doc)
            if self._config["fuzzy"]:
                entities += self._fuzzy_entities(doc, self._typos)
            entities.sort(key=lambda entity: entity["start"])
            message.set(
                ENTITIES,
                message.get(ENTITIES, []) + self.add_extractor_name(entities),
                add_to_output=True,
            )
        return messages

    @staticmethod
    def _doc(nlp: Language, text: str) -> Doc:
        """The lower-cased text's doc, accents folded, unless lower-casing changes its length.

        Lower-casing can lengthen some Unicode text ("İ"), which would shift
        entity offsets; the ruler matches on LOWER anyway.
        """
        lower = text.lower()
        return nlp(fold_accents(lower if len(lower) == len(text) else text))

    @staticmethod
    def _ruler_entities(doc: Doc) -> List[Dict[Text, Any]]:
        return [
            {
                "entity": ent.label_,
                # Durations have no id: their value is the text itself.
                "value": ent.ent_id_ or ent.text.lower(),
                "start": ent.start_char,
                "end": ent.end_char,
                "confidence_entity": EXACT_CONFIDENCE,
            }
            for ent in doc.ents
        ]

    @staticmethod
    def _fuzzy_entities(doc: Doc, typos: TypoMatcher) -> List[Dict[Text, Any]]:
        entities = []
        for token in doc:
            if token.ent_type or not token.is_alpha:
                continue
            match = typos.match(token.text)
            if match:
                label, name = match
                entities.append(
                    {
                        "entity": label,
                        "value": name,
                        "start": token.idx,
                        "end": token.idx + len(token.text),
                        "confidence_entity": FUZZY_CONFIDENCE,
                    }
                )
        return entities
