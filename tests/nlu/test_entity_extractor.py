"""LexiconEntityExtractor as Rasa runs it: trained into model storage, loaded back.

Messages go through BlankEnglishTokenizer first, as in config.yml (see
tests/nlu/pipeline.py). The last tests check config.yml's training graph.
"""

import shutil
from pathlib import Path
from typing import Any, Dict, List, Optional

import pytest
from rasa.engine import validation
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.data import TrainingType
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.utils.io import read_yaml_file

from addons.nlu.entities import FUZZY_CONFIDENCE, LexiconEntityExtractor
from storage.lexicon import LEXICON_DIR, REPO_ROOT
from tests.nlu.pipeline import CONTEXT, Entity, Pipeline, train

LEXICON_FILES = {
    "substances": "substances.yml",
    "twitching": "twitching.yml",
    "common_words": "common_words.yml",
}


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory: pytest.TempPathFactory) -> Pipeline:
    return Pipeline(tmp_path_factory.mktemp("model"))


def copy_lexicon(folder: Path) -> Dict[str, Any]:
    """The lexicon files copied to `folder`, and the extractor config that reads them."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in LEXICON_FILES.values():
        shutil.copy(LEXICON_DIR / name, folder / name)
    return {key: str(folder / name) for key, name in LEXICON_FILES.items()}


def pairs(entities: List[Entity]) -> List[tuple]:
    return [(e["entity"], e["value"]) for e in entities]


def find(entities: List[Entity], value: str) -> Optional[Entity]:
    return next((e for e in entities if e["value"] == value), None)


def test_entities_from_the_ruler(pipeline: Pipeline) -> None:
    text = "My LEGS jerk at night since I started Oxy"
    entities = pipeline.entities(text)
    assert pairs(entities) == [
        ("body_part", "legs"),
        ("twitch_timing", "falling_asleep"),
        ("duration", "since i started"),
        ("opioid", "oxycodone"),
    ]
    for entity in entities:
        assert entity["extractor"] == "LexiconEntityExtractor"
        assert entity["confidence_entity"] == 1.0
    spans = [text[e["start"] : e["end"]] for e in entities]
    assert spans == ["LEGS", "at night", "since I started", "Oxy"]


def test_texted_benzos_and_percs(pipeline: Pipeline) -> None:
    entities = pipeline.entities("been on xannies and percs for like 2 weeks")
    assert pairs(entities) == [
        ("benzodiazepine", "alprazolam"),
        ("opioid", "oxycodone"),
        ("duration", "for like 2 weeks"),
    ]


@pytest.mark.parametrize(
    ("text", "word", "label", "value"),
    [
        ("took klonopinn last night", "klonopinn", "benzodiazepine", "clonazepam"),
        ("been using fentanly", "fentanly", "opioid", "fentanyl"),
        ("Xanaxx and beer", "Xanaxx", "benzodiazepine", "alprazolam"),
        ("on vailum", "vailum", "benzodiazepine", "diazepam"),
        ("my gabapentn script", "gabapentn", "other_substance", "gabapentin"),
    ],
)
def test_fuzzy_hits(pipeline: Pipeline, text: str, word: str, label: str, value: str) -> None:
    entity = find(pipeline.entities(text), value)
    assert entity is not None
    assert entity["entity"] == label
    assert entity["confidence_entity"] == FUZZY_CONFIDENCE
    assert text[entity["start"] : entity["end"]] == word


def test_listed_misspellings_are_exact_matches(pipeline: Pipeline) -> None:
    entities = pipeline.entities("xanex, klonipin and fentanil")
    assert pairs(entities) == [
        ("benzodiazepine", "alprazolam"),
        ("benzodiazepine", "clonazepam"),
        ("opioid", "fentanyl"),
    ]
    assert all(e["confidence_entity"] == 1.0 for e in entities)


def test_no_fuzzy_hits_on_common_words(pipeline: Pipeline) -> None:
    assert pipeline.entities("extra taxes first, phone bills and bars") == []
    assert pipeline.entities("thinking about my models and doors") == []


def test_words_inside_an_entity_are_not_matched_again(pipeline: Pipeline) -> None:
    assert pairs(pipeline.entities("xanax bars")) == [("benzodiazepine", "alprazolam")]


def test_fuzzy_matching_can_be_switched_off(tmp_path: Path) -> None:
    pipeline = Pipeline(tmp_path, extractor={"fuzzy": False})
    assert pipeline.entities("been using fentanly") == []


def test_entities_from_earlier_extractors_are_kept(pipeline: Pipeline) -> None:
    earlier = {"entity": "other", "value": "x", "start": 0, "end": 1}
    message = pipeline.process(Message(data={TEXT: "benzos", ENTITIES: [earlier]}))
    assert pairs(message.get(ENTITIES)) == [
        ("other", "x"),
        ("benzodiazepine", "benzodiazepine"),
    ]


def test_offsets_survive_text_that_lower_casing_lengthens(pipeline: Pipeline) -> None:
    text = "İstanbul trip, then xanax"
    entity = find(pipeline.entities(text), "alprazolam")
    assert entity is not None
    assert text[entity["start"] : entity["end"]] == "xanax"


def test_empty_text(pipeline: Pipeline) -> None:
    assert pipeline.entities("") == []


# ------------------------------------------------------------ the model, not the files


def test_the_trained_component_reads_the_model_not_the_lexicon(tmp_path: Path) -> None:
    trained = train(LexiconEntityExtractor, copy_lexicon(tmp_path / "lexicon"), tmp_path / "model")
    shutil.rmtree(tmp_path / "lexicon")
    extractor = LexiconEntityExtractor.load(*trained, CONTEXT)
    message = Message(data={TEXT: "popping zannies and fentanly"})
    extractor.process([message])
    assert pairs(message.get(ENTITIES)) == [
        ("benzodiazepine", "alprazolam"),
        ("opioid", "fentanyl"),
    ]


def test_a_lexicon_edit_changes_the_fingerprint(tmp_path: Path) -> None:
    config = copy_lexicon(tmp_path)
    before = LexiconEntityExtractor.fingerprint_addon(config)
    assert LexiconEntityExtractor.fingerprint_addon(dict(config)) == before
    for key in LEXICON_FILES:
        path = Path(config[key])
        original = path.read_text()
        path.write_text(original + "\n")
        assert LexiconEntityExtractor.fingerprint_addon(config) != before, key
        path.write_text(original)
    assert LexiconEntityExtractor.fingerprint_addon(config) == before


def test_default_paths_are_the_repository_lexicon() -> None:
    assert LexiconEntityExtractor.fingerprint_addon({}) == LexiconEntityExtractor.fingerprint_addon(
        {key: str(LEXICON_DIR / name) for key, name in LEXICON_FILES.items()}
    )


def test_a_broken_pattern_fails_training(tmp_path: Path) -> None:
    config = copy_lexicon(tmp_path / "lexicon")
    # A misspelt token attribute: the entity ruler validates its patterns.
    Path(config["twitching"]).write_text("durations:\n  patterns:\n    - [{LOWR: x}]\n")
    with pytest.raises(ValueError, match="LOWR"):
        train(LexiconEntityExtractor, config, tmp_path / "model")


# ------------------------------------------------------------ config.yml


def test_config_yml_is_a_valid_rasa_graph_without_a_spacy_pipeline_on_disk() -> None:
    config = read_yaml_file(str(REPO_ROOT / "config.yml"))
    names = [component["name"] for component in config["pipeline"]]
    assert "SpacyNLP" not in names and "build/" not in (REPO_ROOT / "config.yml").read_text()
    graph = DefaultV1Recipe().graph_config_for_recipe(config, {}, TrainingType.BOTH)
    validation.validate(graph)
    train = graph.train_schema.nodes
    predict = graph.predict_schema.nodes
    for component in (
        "addons.nlu.entities.LexiconEntityExtractor",
        "addons.nlu.crisis.CrisisBackstop",
    ):
        index = names.index(component)
        trained = train[f"train_{component}{index}"]
        assert trained.fn == "train" and trained.is_target
        run = predict[f"run_{component}{index}"]
        assert run.constructor_name == "load"
        assert run.resource is not None and run.resource.name == f"train_{component}{index}"
