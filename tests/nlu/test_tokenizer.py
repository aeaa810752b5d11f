"""BlankEnglishTokenizer gives the tokens SpacyNLP and SpacyTokenizer gave, accents folded.

So the featurizers and the classifiers get the same input as before, except that
"está" and "esta" are one word. The reference is
Rasa's own pair on a blank English spaCy pipeline (build/spacy_pipeline was
that plus an entity ruler, which does not change tokens), on every training
example and on the held-out and safety messages.
"""

import copy
from typing import List, Tuple

import pytest
import spacy
import yaml
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.tokenizers.spacy_tokenizer import SpacyTokenizer
from rasa.nlu.utils.spacy_utils import SpacyModel, SpacyNLP
from rasa.shared.nlu.constants import ACTION_NAME, ACTION_TEXT, INTENT, TEXT
from rasa.shared.nlu.training_data.loading import load_data
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from addons.nlu.tokenizer import BlankEnglishTokenizer
from storage.lexicon import REPO_ROOT, fold_accents

TRICKY = [
    "HES NOT BREATHIN",
    "İstanbul trip, then XANAX",
    "overdose 😭",
    "  spaces   between  ",
    "k-pins & tylenol #3, 24/7",
    "i'm on subs... can't sleep!!",
    "my gf od’d",
]

Tokens = List[Tuple[str, int, int, str]]


def tokens(message: Message, attribute: str) -> Tokens:
    return [(t.text, t.start, t.end, t.lemma) for t in message.get(TOKENS_NAMES[attribute]) or []]


def folded(reference: Tokens) -> Tokens:
    """The reference tokens with their accents folded, as ours are."""
    return [
        (fold_accents(text), start, end, fold_accents(lemma))
        for text, start, end, lemma in reference
    ]


def reference_pair() -> Tuple[SpacyNLP, SpacyTokenizer]:
    nlp = SpacyNLP(SpacyModel(spacy.blank("en"), "blank_en"), SpacyNLP.get_default_config())
    return nlp, SpacyTokenizer(SpacyTokenizer.get_default_config())


def texts() -> List[str]:
    safety = REPO_ROOT / "tests" / "safety"
    found = [
        e.get(TEXT)
        for e in load_data(str(REPO_ROOT / "tests" / "nlu" / "heldout.yml")).training_examples
    ]
    found += [
        item["text"]
        for item in yaml.safe_load((safety / "emergencies.yml").read_text())["emergencies"]
    ]
    found += [
        item["text"]
        for item in yaml.safe_load((safety / "near_misses.yml").read_text())["near_misses"]
    ]
    return found + TRICKY


@pytest.fixture(scope="module")
def tokenizer() -> BlankEnglishTokenizer:
    return BlankEnglishTokenizer(BlankEnglishTokenizer.get_default_config())


def test_training_data_tokens_are_unchanged(tokenizer: BlankEnglishTokenizer) -> None:
    data = load_data(str(REPO_ROOT / "data" / "nlu"))
    # Core training adds messages with action names and bot texts.
    extra = [
        Message(data={ACTION_NAME: "utter_greet"}),
        Message(data={ACTION_TEXT: "Hi! How are you?"}),
    ]
    data = TrainingData(data.training_examples + extra + [Message(data={TEXT: t}) for t in TRICKY])
    ours = copy.deepcopy(data)
    nlp, reference = reference_pair()
    reference.process_training_data(nlp.process_training_data(data, nlp.provide()))
    tokenizer.process_training_data(ours)
    assert len(data.training_examples) > 500
    for theirs, mine in zip(data.training_examples, ours.training_examples, strict=True):
        for attribute in (TEXT, INTENT, ACTION_NAME, ACTION_TEXT):
            assert tokens(mine, attribute) == folded(tokens(theirs, attribute)), (
                attribute,
                mine.data,
            )


def test_message_tokens_are_unchanged(tokenizer: BlankEnglishTokenizer) -> None:
    nlp, reference = reference_pair()
    for text in texts():
        theirs = reference.process(nlp.process([Message(data={TEXT: text})], nlp.provide()))[0]
        mine = tokenizer.process([Message(data={TEXT: text})])[0]
        assert tokens(mine, TEXT) == folded(tokens(theirs, TEXT)), text
        assert tokens(mine, TEXT), text


def test_empty_text_has_no_tokens(tokenizer: BlankEnglishTokenizer) -> None:
    assert tokenizer.tokenize(Message(data={TEXT: ""}), TEXT) == []
