"""Rasa tokenizer: spaCy's blank English tokenizer on the lower-cased text.

Tokens have their accents folded ("está" -> "esta"): Spanish is texted with
and without them, and both should look the same to the classifiers.

It gives the tokens that SpacyNLP (case_sensitive false) and SpacyTokenizer
gave with a blank English spaCy pipeline, so the featurizers and the classifiers
see the same input, without a spaCy pipeline on disk that the model would depend on.
"""

from __future__ import annotations

from typing import Any, Dict, List, Text

import spacy
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.tokenizers.tokenizer import Token, Tokenizer
from rasa.shared.nlu.training_data.message import Message

from storage.lexicon import fold_accents


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False)
class BlankEnglishTokenizer(Tokenizer):
    """Tokens of the lower-cased text; offsets are into that text, as SpacyTokenizer's."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """The component's default config (see parent class for full docstring)."""
        return {
            "intent_tokenization_flag": False,
            "intent_split_symbol": "_",
            "token_pattern": None,
            "prefix_separator_symbol": None,
        }

    @staticmethod
    def required_packages() -> List[Text]:
        """Lists required dependencies (see parent class for full docstring)."""
        return ["spacy"]

    def __init__(self, config: Dict[Text, Any]) -> None:
        super().__init__(config)
        self._tokenizer = spacy.blank("en").tokenizer

    def tokenize(self, message: Message, attribute: Text) -> List[Token]:
        """Splits the attribute's text; whitespace tokens are dropped."""
        text = message.get(attribute)
        if not text:
            return []
        tokens = [
            Token(fold_accents(token.text), token.idx)
            for token in self._tokenizer(text.lower())
            if token.text.strip()
        ]
        return self._apply_token_pattern(tokens)
