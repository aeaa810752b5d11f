"""FaqResponseSelector: Rasa's ResponseSelector, run only where its answer is used.

The selector picks the answer to a question back (retrieval intent `faq`,
domain/responses/faq.yml). Rasa runs it on every message, but its answer is read
only when the message's intent is `faq` (Rasa's retrieval action and
actions/screening_form.py); on the other messages it took about a sixth of each
reply's time. Training is Rasa's own.
"""

from typing import List

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.selectors.response_selector import ResponseSelector
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY
from rasa.shared.nlu.training_data.message import Message

EMERGENCY_PREFIX = "emergency_"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class FaqResponseSelector(ResponseSelector):
    """Selects the answer only for messages classified as its retrieval intent."""

    def process(self, messages: List[Message]) -> List[Message]:
        asking = [m for m in messages if self._asks_a_question_back(m)]
        super().process(asking)
        return messages

    def _asks_a_question_back(self, message: Message) -> bool:
        """The intent is the question back, or an emergency reading: the crisis
        backstop, later in the pipeline, turns one it does not confirm into the
        next intent of the ranking, which may be the question back."""
        intent = str((message.get(INTENT) or {}).get(INTENT_NAME_KEY))
        return intent == self.retrieval_intent or intent.startswith(EMERGENCY_PREFIX)
