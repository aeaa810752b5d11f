"""LexiconEntityExtractor on Messages processed by the real SpacyNLP and SpacyTokenizer."""

from pathlib import Path
from typing import Any, Dict, List, Optional

import pytest
from rasa.engine import validation
from rasa.engine.exceptions import GraphSchemaValidationException
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.tokenizers.spacy_tokenizer import SpacyTokenizer
from rasa.nlu.utils.spacy_utils import SpacyNLP
from rasa.shared.data import TrainingType
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from addons.nlu.build_pipeline import build_nlp, write_pipeline
from addons.nlu.entities import FUZZY_CONFIDENCE, LexiconEntityExtractor

Entity = Dict[str, Any]


class Pipeline:
    """SpacyNLP -> SpacyTokenizer -> LexiconEntityExtractor, as in config.yml."""

    def __init__(self, model_dir: Path, storage_dir: Path, **extractor_config: Any) -> None:
        storage = LocalModelStorage(storage_dir)
        context = ExecutionContext(GraphSchema({}), "test")
        self.spacy_nlp = SpacyNLP.create(
            {**SpacyNLP.get_default_config(), "model": str(model_dir)},
            storage,
            Resource("spacy_nlp"),
            context,
        )
        self.tokenizer = SpacyTokenizer.create(
            SpacyTokenizer.get_default_config(), storage, Resource("tokenizer"), context
        )
        self.extractor = LexiconEntityExtractor.create(
            extractor_config, storage, Resource("extractor"), context
        )

    def process(self, message: Message) -> List[Entity]:
        model = self.spacy_nlp.provide()
        messages = self.spacy_nlp.process([message], model)
        messages = self.tokenizer.process(messages)
        messages = self.extractor.process(messages, model)
        return messages[0].get(ENTITIES, [])

    def parse(self, text: str) -> List[Entity]:
        return self.process(Message(data={TEXT: text}))


@pytest.fixture(scope="session")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("pipeline") / "spacy_pipeline"
    write_pipeline(build_nlp(), out)
    return out


@pytest.fixture(scope="session")
def pipeline(model_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Pipeline:
    return Pipeline(model_dir, tmp_path_factory.mktemp("storage"))


def pairs(entities: List[Entity]) -> List[tuple]:
    return [(e["entity"], e["value"]) for e in entities]


def find(entities: List[Entity], value: str) -> Optional[Entity]:
    return next((e for e in entities if e["value"] == value), None)


def test_entities_from_the_ruler(pipeline: Pipeline) -> None:
    text = "My LEGS jerk at night since I started Oxy"
    entities = pipeline.parse(text)
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
    entities = pipeline.parse("been on xannies and percs for like 2 weeks")
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
    entity = find(pipeline.parse(text), value)
    assert entity is not None
    assert entity["entity"] == label
    assert entity["confidence_entity"] == FUZZY_CONFIDENCE
    assert text[entity["start"] : entity["end"]] == word


def test_listed_misspellings_are_exact_matches(pipeline: Pipeline) -> None:
    entities = pipeline.parse("xanex, klonipin and fentanil")
    assert pairs(entities) == [
        ("benzodiazepine", "alprazolam"),
        ("benzodiazepine", "clonazepam"),
        ("opioid", "fentanyl"),
    ]
    assert all(e["confidence_entity"] == 1.0 for e in entities)


def test_no_fuzzy_hits_on_common_words(pipeline: Pipeline) -> None:
    assert pipeline.parse("extra taxes first, phone bills and bars") == []
    assert pipeline.parse("thinking about my models and doors") == []


def test_words_inside_an_entity_are_not_matched_again(pipeline: Pipeline) -> None:
    assert pairs(pipeline.parse("xanax bars")) == [("benzodiazepine", "alprazolam")]


def test_fuzzy_matching_can_be_switched_off(model_dir: Path, tmp_path: Path) -> None:
    pipeline = Pipeline(model_dir, tmp_path, fuzzy=False)
    assert pipeline.parse("been using fentanly") == []


def test_entities_from_earlier_extractors_are_kept(pipeline: Pipeline) -> None:
    earlier = {"entity": "other", "value": "x", "start": 0, "end": 1}
    message = Message(data={TEXT: "benzos", ENTITIES: [earlier]})
    assert pairs(pipeline.process(message)) == [
        ("other", "x"),
        ("benzodiazepine", "benzodiazepine"),
    ]


def test_offsets_survive_text_that_lower_casing_lengthens(pipeline: Pipeline) -> None:
    text = "İstanbul trip, then xanax"
    entity = find(pipeline.parse(text), "alprazolam")
    assert entity is not None
    assert text[entity["start"] : entity["end"]] == "xanax"


def test_empty_text(pipeline: Pipeline) -> None:
    assert pipeline.parse("") == []


def recipe_config(pipeline: List[Dict[str, Any]]) -> Dict[str, Any]:
    return {"recipe": "default.v1", "language": "en", "pipeline": pipeline}


def test_rasa_accepts_the_component_in_a_spacy_pipeline(model_dir: Path) -> None:
    config = recipe_config(
        [
            {"name": "SpacyNLP", "model": str(model_dir)},
            {"name": "SpacyTokenizer"},
            {"name": "addons.nlu.entities.LexiconEntityExtractor"},
            {"name": "CountVectorsFeaturizer"},
            {"name": "DIETClassifier", "epochs": 1},
        ],
    )
    graph = DefaultV1Recipe().graph_config_for_recipe(config, {}, TrainingType.NLU)
    validation.validate(graph)
    assert "run_addons.nlu.entities.LexiconEntityExtractor2" in graph.predict_schema.nodes


def test_rasa_rejects_the_component_without_spacy(model_dir: Path) -> None:
    config = recipe_config(
        [
            {"name": "WhitespaceTokenizer"},
            {"name": "addons.nlu.entities.LexiconEntityExtractor"},
            {"name": "CountVectorsFeaturizer"},
            {"name": "DIETClassifier", "epochs": 1},
        ],
    )
    graph = DefaultV1Recipe().graph_config_for_recipe(config, {}, TrainingType.NLU)
    with pytest.raises(GraphSchemaValidationException):
        validation.validate(graph)
