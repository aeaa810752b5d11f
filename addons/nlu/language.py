"""LanguageDetector: the conversation's language, as an entity on the messages that say it.

Runs last. A message gets the entity ``language`` (ISO 639-1: "en", "es"), which
fills the `language` slot (domain/core.yml) before Rasa answers; every response
has its Spanish variant, chosen by Rasa's response conditions. A message that
does not say its language ("ok", "si", "xanax", "a week") leaves the slot as it
was, so the conversation keeps its language. What says it, strongest first:

1. A choice typed in a short message: "español", "english please" (`choices`).
2. An emergency message that lingua (offline language identification) is
   fairly sure about: its answer must be in the words the person used.
3. Any other message of at least `min_words` words that lingua is very sure
   about, or that has enough of a language's function words, unless it has as
   many of the conversation language's `own_words` ("no for her nervios").
4. The page's language (`metadata.language`, the widget's customData), which
   the web chat channel passes only with a conversation's first message.

Only a change is named: a message in the conversation's language so far (in
the metadata, from addons/patches/conversation_context.py; English until set)
gets no entity, except an emergency, whose answer is chosen from its own words.
A conversation in Spanish turns English only by 1, 2 or 4: people who write
Spanish often answer in English words ("only on weekends, like 6 beers"), and
the Spanish start question says how to ask for English.

lingua holds only the configured languages' models, loaded when the component
is created (not on import, not on the first message).
"""

from __future__ import annotations

import logging
import re
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
    METADATA,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from addons.nlu.crisis import BACKSTOP_KEY
from storage.lexicon import fold_accents

logger = logging.getLogger(__name__)

ENTITY = "language"
# The conversation's language so far, in the metadata (addons/patches/conversation_context.py).
CONVERSATION_LANGUAGE = "conversation_language"
OFFERED_PAYLOADS = "offered_payloads"
_WORDS = re.compile(r"[^\W\d_]+")


def without_entities(text: str, entities: List[Dict[str, Any]]) -> str:
    """The text with the entities found so far (substance names, durations) left out."""
    for entity in sorted(entities, key=lambda e: -int(e.get(ENTITY_ATTRIBUTE_START) or 0)):
        start, end = entity.get(ENTITY_ATTRIBUTE_START), entity.get(ENTITY_ATTRIBUTE_END)
        if isinstance(start, int) and isinstance(end, int):
            text = text[:start] + " " + text[end:]
    return text


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
    """Adds the entity `language` to the messages that say which language they are in."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """The component's default config (see parent class for full docstring)."""
        return {
            # ISO 639-1 codes; the first is what the answers are written in.
            "languages": ["en", "es"],
            # How sure lingua must be (0-1) about an emergency message. The
            # answers are in English unless it is sure of Spanish: short
            # English can look Spanish ("i'm suicidal" is 0.77 Spanish).
            "min_confidence": {"en": 0.6, "es": 0.8},
            # Emergencies are the messages with these intents.
            "intent_prefix": "emergency_",
            # Other messages change the language only when they say enough
            # besides the names the lexicon found ("no benzos" is 0.96 Spanish
            # to lingua) and lingua is very sure: "tengo espasmos en las
            # piernas" is Spanish, "no benzos", "nope no benzos" say nothing.
            "min_words": 3,
            "min_confidence_other": 0.9,
            # Typed choices: {language: [phrases]}, matched in messages of at
            # most `max_choice_words` words, accents folded; `requests` the same
            # in messages of at most `max_request_words` ("actually mejor en
            # español, mi ingles no es tan bueno").
            "choices": {},
            "max_choice_words": 4,
            "requests": {},
            "max_request_words": 12,
            # An emergency in words lingua is unsure of ("le doy la naloxona?" is
            # 0.96 English to it) is in a language when it has at least
            # `min_function_words` of that language's `function_words`, or when
            # the crisis pattern that caught it is one of that language's
            # (named "<code>_...": "es_kill_myself"). Any other message lingua
            # is unsure of needs one more ("hola tengo brincos en el cuerpo").
            "function_words": {},
            "min_function_words": 2,
            # Words that keep a message in the conversation's language: a
            # message with at least as many of them as another language's
            # function words stays in it ("no for her nervios" is English
            # with one Spanish word, however sure lingua is of Spanish).
            "own_words": {},
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

    def leaning(self, text: str) -> Optional[Tuple[str, float]]:
        """lingua's likeliest language for the text and its confidence, however low."""
        values = self._detector.compute_language_confidence_values(text)
        if not values:
            return None
        return values[0].language.iso_code_639_1.name.lower(), float(values[0].value)

    def sure_enough(self, found: Optional[Tuple[str, float]]) -> Optional[Tuple[str, float]]:
        """lingua's answer, when it is sure enough of that language."""
        if found is None or found[1] < self.component_config["min_confidence"].get(found[0], 1.0):
            return None
        return found

    def language_of(self, text: str) -> Optional[Tuple[str, float]]:
        """The text's language code and lingua's confidence, when it is sure enough."""
        return self.sure_enough(self.leaning(text))

    def chosen(self, text: str) -> Optional[str]:
        """The language a message asks for: "en español", "english please"."""
        words = _WORDS.findall(fold_accents(text.lower()))
        said = f" {' '.join(words)} "
        config = self.component_config
        # The longest phrase wins: "no hablo ingles" over "ingles".
        found = [
            (len(phrase), str(code))
            for kind, limit in (("choices", "max_choice_words"), ("requests", "max_request_words"))
            if 0 < len(words) <= config[limit]
            for code, phrases in config[kind].items()
            for phrase in phrases
            if f" {phrase} " in said
        ]
        return max(found)[1] if found else None

    def function_word_language(
        self, text: str, leaning: Optional[str], more: int = 0
    ) -> Optional[str]:
        """The language whose function words the text has enough of: `min_function_words`
        (one fewer when lingua leans that way), plus `more`."""
        words = _WORDS.findall(fold_accents(text.lower()))
        for code, function_words in self.component_config["function_words"].items():
            said = sum(word in function_words for word in words)
            needed = self.component_config["min_function_words"] + more - (leaning == code)
            if said >= needed:
                return str(code)
        return None

    def stays_in(self, text: str, language: str) -> bool:
        """Whether the text has at least as many of `language`'s own words as of any
        other language's function words."""
        words = _WORDS.findall(fold_accents(text.lower()))
        own = set(self.component_config["own_words"].get(language) or ())
        if not own:
            return False
        others = [
            sum(word in function_words for word in words)
            for code, function_words in self.component_config["function_words"].items()
            if code != language
        ]
        return sum(word in own for word in words) >= max(others, default=0)

    def emergency_language(
        self, message: Message, leaning: Optional[str]
    ) -> Optional[Tuple[str, float]]:
        """An emergency's language from its crisis pattern or its function words (one
        is enough when lingua leans that way: "me tome el frasco entero")."""
        pattern = str((message.get(BACKSTOP_KEY) or {}).get("pattern") or "")
        group = pattern.rsplit(":", 1)[-1]
        for code in self.component_config["function_words"]:
            if group.startswith(f"{code}_"):
                return str(code), 1.0
        code = self.function_word_language(message.get(TEXT) or "", leaning)
        return (code, 1.0) if code else None

    def _is_emergency(self, message: Message) -> bool:
        intent = str((message.get(INTENT) or {}).get(INTENT_NAME_KEY) or "")
        return intent.startswith(self.component_config["intent_prefix"])

    def conversation_language(self, message: Message) -> str:
        """The conversation's language so far: the first configured one until set."""
        current = (message.get(METADATA) or {}).get(CONVERSATION_LANGUAGE)
        languages = self.component_config["languages"]
        return str(current) if current in languages else str(languages[0])

    def said_language(self, message: Message) -> Optional[Tuple[str, float]]:
        """The language the message says it is in, and how sure that is."""
        text = message.get(TEXT) or ""
        if not text.strip() or text.strip() in (message.get(METADATA) or {}).get(
            OFFERED_PAYLOADS, ()
        ):
            return None  # a button's payload is in no one's words
        chosen = self.chosen(text)
        if chosen:
            return chosen, 1.0
        if self._is_emergency(message):
            lingua = self.leaning(text)
            leaning = lingua[0] if lingua else None
            found = self.emergency_language(message, leaning) or self.sure_enough(lingua)
            if found:
                return found
        elif self.conversation_language(message) == self.component_config["languages"][0]:
            words = without_entities(text, message.get(ENTITIES) or [])
            enough = len(_WORDS.findall(words)) >= self.component_config["min_words"]
            if enough and not self.stays_in(words, self.conversation_language(message)):
                lingua = self.leaning(words)
                if lingua and lingua[1] >= self.component_config["min_confidence_other"]:
                    return lingua
                code = self.function_word_language(words, lingua[0] if lingua else None, 1)
                if code:
                    return code, 1.0
        page = (message.get(METADATA) or {}).get(ENTITY)
        if page in self.component_config["languages"]:
            return str(page), 1.0
        return None

    def process(self, messages: List[Message]) -> List[Message]:
        """Adds the `language` entity to the messages that say their language."""
        for message in messages:
            try:
                self._process_message(message)
            except Exception:  # never lose the emergency answer because of this
                logger.exception("Language detection failed; the answer's language stays.")
        return messages

    def _process_message(self, message: Message) -> None:
        found = self.said_language(message)
        if found is None:
            return
        code, confidence = found
        if code == self.conversation_language(message) and not self._is_emergency(message):
            return  # nothing changes: the slot keeps its value

        text = message.get(TEXT) or ""
        entity = {
            ENTITY_ATTRIBUTE_TYPE: ENTITY,
            ENTITY_ATTRIBUTE_VALUE: code,
            ENTITY_ATTRIBUTE_START: 0,
            ENTITY_ATTRIBUTE_END: len(text),
            ENTITY_ATTRIBUTE_CONFIDENCE_TYPE: confidence,
            EXTRACTOR: self.__class__.__name__,
        }
        message.set(ENTITIES, [*(message.get(ENTITIES) or []), entity], add_to_output=True)
