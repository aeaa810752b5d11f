"""Rasa component: entities from the lexicon entity ruler, plus typo matches.

SpacyNLP (model: build/spacy_pipeline, see addons/nlu/build_pipeline.py)
already runs the entity ruler on every message; this component turns the
doc's entities into Rasa entities and adds fuzzy substance matches for
misspelled words the ruler missed ("klonopine", "fentanly").
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, List, Optional, Text, Type

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import SPACY_DOCS
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.nlu.utils.spacy_utils import SpacyModel, SpacyNLP
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from storage.lexicon import SubstanceLexicon, load_substances

if TYPE_CHECKING:
    from spacy.tokens import Doc

# Lexicon matches are certain; a guessed typo is less so.
EXACT_CONFIDENCE = 1.0
FUZZY_CONFIDENCE = 0.8


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR],
    is_trainable=False,
    model_from="SpacyNLP",
)
class LexiconEntityExtractor(GraphComponent, EntityExtractorMixin):
    """Substance, body part, twitch timing and duration entities."""

    @classmethod
    def required_components(cls) -> List[Type]:
        """Components that should be included in the pipeline before this component."""
        return [SpacyNLP]

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """The component's default config (see parent class for full docstring)."""
        return {
            # Guess misspelled substance names the entity ruler did not match.
            "fuzzy": True,
        }

    @staticmethod
    def required_packages() -> List[Text]:
        """Lists required dependencies (see parent class for full docstring)."""
        return ["spacy"]

    def __init__(self, config: Dict[Text, Any], lexicon: SubstanceLexicon) -> None:
        self._config = config
        self._lexicon = lexicon

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> LexiconEntityExtractor:
        """Creates a new component (see parent class for full docstring)."""
        return cls({**cls.get_default_config(), **config}, load_substances())

    def process(self, messages: List[Message], model: SpacyModel) -> List[Message]:
        """Adds lexicon entities to each message."""
        for message in messages:
            doc = self._doc(message, model)
            if doc is None:
                continue
            entities = self._ruler_entities(doc)
            if self._config["fuzzy"]:
                entities += self._fuzzy_entities(doc)
            entities.sort(key=lambda entity: entity["start"])
            message.set(
                ENTITIES,
                message.get(ENTITIES, []) + self.add_extractor_name(entities),
                add_to_output=True,
            )
        return messages

    @staticmethod
    def _doc(message: Message, model: SpacyModel) -> Optional[Doc]:
        """The doc SpacyNLP made, if its character offsets match the text."""
        text = message.get(TEXT)
        if not text:
            return None
        doc = message.get(SPACY_DOCS[TEXT])
        # Lower-casing can change the length of some Unicode text, which
        # would shift entity offsets; the ruler matches on LOWER anyway.
        if doc is None or len(doc.text) != len(text):
            doc = model.model(text)
        return doc

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

    def _fuzzy_entities(self, doc: Doc) -> List[Dict[Text, Any]]:
        entities = []
        for token in doc:
            if token.ent_type or not token.is_alpha:
                continue
            substance = self._lexicon.fuzzy(token.text)
            if substance:
                entities.append(
                    {
                        "entity": substance.entity_label,
                        "value": substance.name,
                        "start": token.idx,
                        "end": token.idx + len(token.text),
                        "confidence_entity": FUZZY_CONFIDENCE,
                    }
                )
        return entities
