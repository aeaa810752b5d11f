"""The project's NLU components, run as Rasa runs them: create, train, load, process.

Training writes into a LocalModelStorage in a temporary directory; the
components that process messages are the ones load() reads back from it, as
when a trained model is loaded. The order is config.yml's: the tokenizer, the
lexicon entity extractor, (the model's intent, given by the test), the crisis
backstop.
"""

from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple, Type, TypeVar

from rasa.engine.graph import ExecutionContext, GraphComponent, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from addons.nlu.crisis import CrisisBackstop
from addons.nlu.entities import LexiconEntityExtractor
from addons.nlu.tokenizer import BlankEnglishTokenizer

C = TypeVar("C", bound=GraphComponent)
Entity = Dict[str, Any]

CONTEXT = ExecutionContext(GraphSchema({}), "test")


def train(
    component: Type[GraphComponent], config: Dict[str, Any], storage_dir: Path
) -> Tuple[Dict[str, Any], LocalModelStorage, Resource]:
    """Trains the component into storage_dir; returns what its load() takes first."""
    storage_dir.mkdir(parents=True, exist_ok=True)
    storage = LocalModelStorage(storage_dir)
    resource = Resource(f"train_{component.__name__}")
    config = {**component.get_default_config(), **config}
    component.create(config, storage, resource, CONTEXT).train(TrainingData())
    return config, storage, resource


def train_and_load(component: Type[C], config: Dict[str, Any], storage_dir: Path) -> C:
    """The component as a trained model has it: loaded from its model storage."""
    return component.load(*train(component, config, storage_dir), CONTEXT)


class Pipeline:
    """BlankEnglishTokenizer -> LexiconEntityExtractor -> CrisisBackstop, as in config.yml."""

    def __init__(
        self,
        storage_dir: Path,
        extractor: Optional[Dict[str, Any]] = None,
        backstop: Optional[Dict[str, Any]] = None,
    ) -> None:
        self.tokenizer = BlankEnglishTokenizer.create(
            BlankEnglishTokenizer.get_default_config(),
            LocalModelStorage(storage_dir),
            Resource("tokenizer"),
            CONTEXT,
        )
        self.extractor = train_and_load(LexiconEntityExtractor, extractor or {}, storage_dir)
        self.backstop = train_and_load(CrisisBackstop, backstop or {}, storage_dir)

    def process(self, message: Message, model: Optional[Tuple[str, float]] = None) -> Message:
        """Runs the pipeline; `model` is what the intent classifiers predicted,
        with "inform" ranked second."""
        self.tokenizer.process([message])
        self.extractor.process([message])
        if model is not None:
            name, confidence = model
            message.set(INTENT, {"name": name, "confidence": confidence}, add_to_output=True)
            ranking = [
                {"name": name, "confidence": confidence},
                {"name": "inform", "confidence": round(1 - confidence, 2)},
            ]
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        self.backstop.process([message])
        return message

    def parse(self, text: str, model: Optional[Tuple[str, float]] = None) -> Message:
        return self.process(Message(data={TEXT: text}), model)

    def entities(self, text: str) -> List[Entity]:
        return list(self.parse(text).get(ENTITIES) or [])

    def intent(self, text: str) -> Optional[str]:
        return (self.parse(text).get(INTENT) or {}).get("name")
