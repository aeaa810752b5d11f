"""FaqResponseSelector: Rasa's ResponseSelector, run only where its answer is used.

The selector picks the answer to a question back (retrieval intent `faq`,
domain/responses/faq.yml). Rasa runs it on every message, but its answer is read
only when the message's intent is `faq` (Rasa's retrieval action and
actions/screening_form.py); on the other messages it took about a sixth of each
reply's time. Training is Rasa's own.

The answers about stopping a substance follow the substance the message names
(the lexicon's entities): the model alone mixed them up ("what if i stop my
klonopin cold turkey" got the answer about stopping drinking). An answer the
selector is unsure of (below `min_answer_confidence`) becomes the honest one,
`faq/for_admissions`: "que es DT? estoy en peligro?" had got the privacy answer
at 0.28, and no held-out question was answered right below 0.37.
"""

from typing import Any, Dict, List, Optional

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.constants import RESPONSE_SELECTOR_PROPERTY_NAME
from rasa.nlu.selectors.response_selector import ResponseSelector
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_NAME_KEY
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.util import intent_response_key_to_template_key

EMERGENCY_PREFIX = "emergency_"
FOR_ADMISSIONS = "faq/for_admissions"
STOP_ANSWER_FOR = {
    "opioid": "faq/stop_opioids",
    "benzodiazepine": "faq/stop_benzos",
    "alcohol": "faq/stop_drinking",
}


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class FaqResponseSelector(ResponseSelector):
    """Selects the answer only for messages classified as its retrieval intent."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {**ResponseSelector.get_default_config(), "min_answer_confidence": 0.35}

    def process(self, messages: List[Message]) -> List[Message]:
        asking = [m for m in messages if self._asks_a_question_back(m)]
        super().process(asking)
        for message in asking:
            self._fit_stop_answer(message)
            self._admit_an_unsure_answer(message)
        return messages

    def _admit_an_unsure_answer(self, message: Message) -> None:
        """An answer chosen below min_answer_confidence is left to admissions."""
        selected = (message.get(RESPONSE_SELECTOR_PROPERTY_NAME) or {}).get(self.retrieval_intent)
        if not selected:
            return
        if (
            selected["response"].get("confidence", 0.0)
            < self.component_config["min_answer_confidence"]
        ):
            self._select(selected, FOR_ADMISSIONS)

    def _select(self, selected: Dict[str, Any], key: str) -> None:
        template = intent_response_key_to_template_key(key)
        selected["response"].update(
            intent_response_key=key,
            utter_action=template,
            responses=self.responses.get(template, selected["response"]["responses"]),
        )

    def _asks_a_question_back(self, message: Message) -> bool:
        """The intent is the question back, or an emergency reading: the crisis
        backstop, later in the pipeline, turns one it does not confirm into the
        next intent of the ranking, which may be the question back."""
        intent = str((message.get(INTENT) or {}).get(INTENT_NAME_KEY))
        return intent == self.retrieval_intent or intent.startswith(EMERGENCY_PREFIX)

    def _fit_stop_answer(self, message: Message) -> None:
        """A stopping answer about the one kind of substance the message names."""
        selected: Optional[Dict[str, Any]] = (
            message.get(RESPONSE_SELECTOR_PROPERTY_NAME) or {}
        ).get(self.retrieval_intent)
        if not selected:
            return
        chosen = selected["response"]["intent_response_key"]
        named = {
            STOP_ANSWER_FOR[entity["entity"]]
            for entity in message.get(ENTITIES) or []
            if entity.get("entity") in STOP_ANSWER_FOR
        }
        if chosen not in STOP_ANSWER_FOR.values() or len(named) != 1 or chosen in named:
            return
        (fitting,) = named
        self._select(selected, fitting)
