"""The trained model on every held-out set, in English and in Spanish.

    python -m bench.heldout [--model models/screening.tar.gz]

Prints, for each NLU set (tests/nlu/heldout*.yml), the intent macro-F1 and the
substance-class accuracy, and for each answer set (tests/nlu/answers_*.yml) how
many answers each question's parser reads right, with the minimum each must meet.
Only totals are printed, never the misses: the sets stay unseen. The gates
themselves are tests (tests/nlu/test_nlu_heldout.py, test_answers_heldout.py).
"""

import argparse
import asyncio
import logging
from collections import defaultdict
from pathlib import Path
from typing import Any, Dict, List

from rasa.model import get_latest_model

from tests.nlu import test_answers_heldout as answers
from tests.nlu import test_nlu_heldout as nlu

SPANISH_ANSWERS = "answers_es.yml"


async def parse_all(agent: Any, texts: List[str]) -> List[Dict[str, Any]]:
    return [await agent.parse_message(text) for text in texts]


def nlu_figures(agent: Any) -> None:
    for name in nlu.HELDOUT_SETS:
        examples = nlu.read_heldout(name)

        parsed = asyncio.run(parse_all(agent, [e.text for e in examples]))
        macro, _ = nlu.intent_report(examples, parsed)
        accuracy, total, _ = nlu.substance_report(examples, parsed)
        print(
            f"{name:18} {len(examples):4} messages  intent macro-F1 {macro:.4f} "
            f"(gate {nlu.MIN_MACRO_F1})  substance classes {accuracy:.3f} of {total} "
            f"(gate {nlu.MIN_SUBSTANCE_ACCURACY})"
        )


def answer_figures(agent: Any) -> None:
    for name in [*answers.GATES, *answers.STUDIED, SPANISH_ANSWERS]:
        right: Dict[str, int] = defaultdict(int)
        total: Dict[str, int] = defaultdict(int)
        for triple, found in answers.read(agent, name):
            total[triple["question"]] += 1
            right[triple["question"]] += answers.same(found, triple["expected"])
        minimum = answers.MIN_ACCURACY.get(name, 0.95)
        low = {q: f"{right[q] / total[q]:.3f}" for q in total if right[q] / total[q] < minimum}
        print(
            f"{name:18} {sum(right.values())}/{sum(total.values())} answers read right; "
            f"questions below {minimum}: {low or 'none'}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=get_latest_model(str(Path("models"))))
    args = parser.parse_args()
    from rasa.core.agent import Agent
    from rasa.utils.log_utils import configure_structlog

    # Rasa's debug log would print each held-out message: they must stay unseen.
    configure_structlog(logging.WARNING)
    agent = Agent.load(args.model)
    print(f"model: {args.model}")
    nlu_figures(agent)
    answer_figures(agent)


if __name__ == "__main__":
    main()
