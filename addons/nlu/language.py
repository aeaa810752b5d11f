"""LanguageDetector: the language of an emergency message, as an entity.

Runs after CrisisBackstop, on messages whose intent is an emergency (an intent
named emergency_*): only their answers have Spanish variants, and the
screening's answer parsers read every entity of the other messages. When
lingua (a language-identification library that works offline) is sure enough
that the text is in one of the configured languages, the message gets the
entity ``language`` with its ISO 639-1 code ("en", "es"). Rasa fills the
`language` slot from it (a `from_entity` mapping, domain/core.yml) before it
answers, and the emergency answer's `language: es` variant is chosen by
Rasa's own response conditions: no action server is involved. A message
lingua is not sure about ("911!!", "ok") leaves the slot as it was.

The detector holds only the configured languages' models, loaded when the
component is created (not on import, not on the first emergency).
"""

from __future__ import annotations

import logging
from functools import lru_cache
from typing import Any, Dict, List, Optional, Text, Tuple

import lingua
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import ENTITY_ATTRIBUTE_CONFIDENCE_TYPE
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_END,
    ENTITY_ATTRIBUTE_START,
    ENTITY_ATTRIBUTE_TYPE,
    ENTITY_ATTRIBUTE_VALUE,
    EXTRACTOR,
    INTENT,
    INTENT_NAME_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

logger = logging.getLogger(__name__)

ENTITY = "language"


@lru_cache(maxsize=None)
def detector(languages: Tuple[str, ...]) -> lingua.LanguageDetector:
    """One detector per process for a set of languages (lingua loads its models once)."""
    codes = [lingua.IsoCode639_1.from_str(code) for code in languages]
    return (
        lingua.LanguageDetectorBuilder.from_iso_codes_639_1(*codes)
        .with_preloaded_language_models()
        .build()
    )


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class LanguageDetector(GraphComponent, EntityExtractorMixin):
    """Adds the entity `language` to emergency messages."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """The component's default config (see parent class for full docstring)."""
        return {
            # ISO 639-1 codes; the first is what the answers are written in.
            "languages": ["en", "es"],
            # How sure lingua must be (0-1) before the language is set. The
            # answers are in English unless it is sure of Spanish: short
            # English can look Spanish ("i'm suicidal" is 0.77 Spanish).
            "min_confidence": {"en": 0.6, "es": 0.8},
            # Messages with these intents get the entity.
            "intent_prefix": "emergency_",
        }

    @staticmethod
    def required_packages() -> List[Text]:
        """Lists required dependencies (see parent class for full docstring)."""
        return ["lingua"]

    def __init__(self, config: Dict[Text, Any]) -> None:
        self.component_config = {**self.get_default_config(), **config}
        self._detector = detector(tuple(self.component_config["languages"]))

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> LanguageDetector:
        """Creates the component; nothing to train or store."""
        return cls(config)

    def language_of(self, text: str) -> Optional[Tuple[str, float]]:
        """The text's language code and lingua's confidence, when it is sure enough."""
        values = self._detector.compute_language_confidence_values(text)
        if not values:
            return None
        code = values[0].language.iso_code_639_1.name.lower()
        if values[0].value < self.component_config["min_confidence"].get(code, 1.0):
            return None
        return code, float(values[0].value)

    def process(self, messages: List[Message]) -> List[Message]:
        """Adds the `language` entity to emergency messages lingua is sure about."""
        for message in messages:
            try:
                self._process_message(message)
            except Exception:  # never lose the emergency answer because of this
                logger.exception("Language detection failed; the answer's language stays.")
        return messages

    def _process_message(self, message: Message) -> None:
        text = message.get(TEXT) or ""
        intent = str((message.get(INTENT) or {}).get(INTENT_NAME_KEY) or "")
        if not text.strip() or not intent.startswith(self.component_config["intent_prefix"]):
            return
        found = self.language_of(text)
        if found is None:
            return
        code, confidence = found
        entity = {
            ENTITY_ATTRIBUTE_TYPE: ENTITY,
            ENTITY_ATTRIBUTE_VALUE: code,
            ENTITY_ATTRIBUTE_START: 0,
            ENTITY_ATTRIBUTE_END: len(text),
            ENTITY_ATTRIBUTE_CONFIDENCE_TYPE: confidence,
            EXTRACTOR: self.__class__.__name__,
        }
        message.set(ENTITIES, [*(message.get(ENTITIES) or []), entity], add_to_output=True)
