"""A lexicon edit retrains only the component that reads it (Rasa's training cache).

A small NLU model with config.yml's own components, reading copies of the
lexicon files, is trained with `rasa.model_training.train_nlu` and a cache of
its own; then one lexicon file at a time is edited (two words of a list swap
places) and the model is trained again, without --force.
"""

import logging
import re
import shutil
from pathlib import Path
from typing import List

import pytest
import yaml
from rasa.model_training import train_nlu

from storage.lexicon import LEXICON_DIR

NLU = """
version: "3.1"
nlu:
  - intent: inform
    examples: |
      - i take xanax
      - my legs twitch at night
      - been on percs for 2 weeks
  - intent: greet
    examples: |
      - hi
      - hello there
      - good morning
"""
STARTED = re.compile(r"Starting to train component '(\w+)'")


def config(lexicon: Path) -> dict:
    return {
        "recipe": "default.v1",
        "language": "en",
        "assistant_id": "cache-test",
        "pipeline": [
            {"name": "addons.nlu.tokenizer.BlankEnglishTokenizer"},
            {
                "name": "addons.nlu.entities.LexiconEntityExtractor",
                "substances": str(lexicon / "substances.yml"),
                "twitching": str(lexicon / "twitching.yml"),
                "common_words": str(lexicon / "common_words.yml"),
            },
            {"name": "CountVectorsFeaturizer"},
            {"name": "LogisticRegressionClassifier"},
            {"name": "addons.nlu.crisis.CrisisBackstop", "lexicon": str(lexicon / "crisis.yml")},
        ],
    }


def swap_first_two_list_words(path: Path) -> None:
    """Swaps the first two words of the file's first inline list."""
    text = path.read_text()
    edited = re.sub(r"\[(\w+), (\w+),", r"[\2, \1,", text, count=1)
    assert edited != text
    path.write_text(edited)


def test_a_lexicon_edit_retrains_only_its_component(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    lexicon = shutil.copytree(LEXICON_DIR, tmp_path / "lexicon")
    (tmp_path / "config.yml").write_text(yaml.safe_dump(config(lexicon)))
    (tmp_path / "nlu.yml").write_text(NLU)
    monkeypatch.setenv("RASA_CACHE_DIRECTORY", str(tmp_path / "cache"))
    monkeypatch.chdir(tmp_path)

    def trained() -> List[str]:
        caplog.clear()
        with caplog.at_level(logging.INFO, logger="rasa.engine.training.hooks"):
            model = train_nlu("config.yml", "nlu.yml", str(tmp_path / "models"))
        assert model is not None
        return sorted(STARTED.findall(caplog.text))

    assert "LexiconEntityExtractor" in trained()
    swap_first_two_list_words(lexicon / "substances.yml")
    assert trained() == ["LexiconEntityExtractor"]
    swap_first_two_list_words(lexicon / "twitching.yml")
    assert trained() == ["LexiconEntityExtractor"]
    swap_first_two_list_words(lexicon / "crisis.yml")
    assert trained() == ["CrisisBackstop"]
    assert trained() == []
