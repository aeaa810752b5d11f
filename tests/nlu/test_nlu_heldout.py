"""The trained NLU model on the held-out messages in tests/nlu/heldout.yml.

heldout_es.yml, in Spanish, has the same intent gate; its substance classes
are printed by `python -m bench.heldout` and become a gate here
(SUBSTANCES_GATED) once the Spanish model meets that minimum too.

The test command trains first; these tests load the newest model in models/.
The held-out messages are never used for training: the last test checks that
none of them is also a training example in data/nlu/.
"""

import asyncio
from collections import Counter
from pathlib import Path
from typing import Any, Callable, Dict, List, NamedTuple, Set, Tuple

import pytest
from rasa.shared.nlu.training_data.loading import load_data
from sklearn.metrics import f1_score

ROOT = Path(__file__).resolve().parents[2]
NLU_TESTS = ROOT / "tests" / "nlu"
TRAINING_DIR = ROOT / "data" / "nlu"

SUBSTANCE_CLASSES = {"opioid", "benzodiazepine", "alcohol", "other_substance"}
MIN_MACRO_F1 = 0.95
MIN_SUBSTANCE_ACCURACY = 0.95


class Coverage(NamedTuple):
    messages: int
    per_intent: int
    with_substance: int


# Each held-out set, and how much it must hold; the gated ones must meet the minimums.
INTENTS_GATED = ("heldout.yml", "heldout_es.yml")
SUBSTANCES_GATED = ("heldout.yml",)
HELDOUT_SETS = {
    "heldout.yml": Coverage(messages=260, per_intent=12, with_substance=80),
    "heldout_es.yml": Coverage(messages=200, per_intent=5, with_substance=80),
}


class Mention(NamedTuple):
    start: int
    end: int
    entity: str
    value: str


class Example(NamedTuple):
    text: str
    intent: str
    mentions: List[Mention]


def normalise(text: str) -> str:
    return " ".join(text.lower().split())


def read_heldout(name: str) -> List[Example]:
    """The held-out messages, read with Rasa's own reader (entity markup removed)."""
    examples = []
    for message in load_data(str(NLU_TESTS / name)).training_examples:
        mentions = [
            Mention(e["start"], e["end"], e["entity"], e["value"])
            for e in message.get("entities") or []
        ]
        examples.append(Example(message.get("text"), message.get("intent"), mentions))
    return examples


@pytest.fixture(scope="module", params=list(HELDOUT_SETS))
def heldout_name(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="module")
def heldout(heldout_name: str) -> List[Example]:
    return read_heldout(heldout_name)


Parsed = Tuple[List[Example], List[Dict[str, Any]]]


@pytest.fixture(scope="module")
def parse_set(agent: Any) -> Callable[[str], Parsed]:
    """A held-out set and what the newest trained model makes of each message, once."""
    done: Dict[str, Parsed] = {}

    async def parse_all(examples: List[Example]) -> List[Dict[str, Any]]:
        return [await agent.parse_message(e.text) for e in examples]

    def parse(name: str) -> Parsed:
        if name not in done:
            examples = read_heldout(name)
            done[name] = (examples, asyncio.run(parse_all(examples)))
        return done[name]

    return parse


def predicted_intent(result: Dict[str, Any]) -> str:
    return str((result.get("intent") or {}).get("name"))


def intent_report(heldout: List[Example], parsed: List[Dict[str, Any]]) -> Tuple[float, str]:
    truth = [e.intent for e in heldout]
    predicted = [predicted_intent(r) for r in parsed]
    labels = sorted(set(truth))
    macro = float(f1_score(truth, predicted, labels=labels, average="macro", zero_division=0))
    per_intent = f1_score(truth, predicted, labels=labels, average=None, zero_division=0)
    correct = sum(t == p for t, p in zip(truth, predicted, strict=True))
    lines = [
        f"intent macro-F1: {macro:.4f} (minimum {MIN_MACRO_F1}) over "
        f"{len(labels)} intents; {correct}/{len(truth)} messages right"
    ]
    below = [(label, f) for label, f in zip(labels, per_intent, strict=True) if f < 1.0]
    if below:
        lines.append("intents with F1 below 1.0:")
        lines += [f"  {label:<16} {f:.3f}" for label, f in below]
    misses = [
        (e, r) for e, r in zip(heldout, parsed, strict=True) if predicted_intent(r) != e.intent
    ]
    if misses:
        lines.append("misclassified messages (expected -> predicted, confidence):")
        for example, result in misses:
            confidence = (result.get("intent") or {}).get("confidence") or 0.0
            lines.append(
                f"  {example.intent:<16} -> {predicted_intent(result):<16} "
                f"{confidence:.2f}  {example.text!r}"
            )
    return macro, "\n".join(lines)


def overlaps(mention: Mention, entity: Dict[str, Any]) -> bool:
    start, end = entity.get("start"), entity.get("end")
    if start is None or end is None:
        return False
    return bool(start < mention.end and mention.start < end)


def substance_report(
    heldout: List[Example], parsed: List[Dict[str, Any]]
) -> Tuple[float, int, str]:
    found = 0
    total = 0
    misses = []
    for example, result in zip(heldout, parsed, strict=True):
        entities = result.get("entities") or []
        for mention in example.mentions:
            if mention.entity not in SUBSTANCE_CLASSES:
                continue
            total += 1
            if any(e.get("entity") == mention.entity and overlaps(mention, e) for e in entities):
                found += 1
            else:
                got = [f"{e.get('value')!r}:{e.get('entity')}" for e in entities]
                misses.append(
                    f"  {mention.value!r} ({mention.entity}) in {example.text!r}; "
                    f"model found: {', '.join(got) or 'nothing'}"
                )
    accuracy = found / total if total else 0.0
    lines = [
        f"substance-class accuracy: {accuracy:.4f} (minimum "
        f"{MIN_SUBSTANCE_ACCURACY}); {found}/{total} mentions found with their class"
    ]
    if misses:
        lines.append("mentions missed or given the wrong class:")
        lines += misses
    return accuracy, total, "\n".join(lines)


@pytest.mark.parametrize("name", INTENTS_GATED)
def test_intents_of_heldout_messages(parse_set: Callable[[str], Parsed], name: str) -> None:
    macro, report = intent_report(*parse_set(name))
    print("\n" + report)
    assert macro >= MIN_MACRO_F1, report


@pytest.mark.parametrize("name", SUBSTANCES_GATED)
def test_substance_classes_of_heldout_mentions(
    parse_set: Callable[[str], Parsed], name: str
) -> None:
    accuracy, total, report = substance_report(*parse_set(name))
    print("\n" + report)
    assert total > 0, "the held-out set has no annotated substance mentions"
    assert accuracy >= MIN_SUBSTANCE_ACCURACY, report


def test_heldout_set_covers_every_intent_and_many_substances(
    heldout_name: str, heldout: List[Example]
) -> None:
    need = HELDOUT_SETS[heldout_name]
    counts = Counter(e.intent for e in heldout)
    classes: Set[str] = {m.entity for e in heldout for m in e.mentions}
    with_substance = sum(
        1 for e in heldout if any(m.entity in SUBSTANCE_CLASSES for m in e.mentions)
    )
    assert len(heldout) >= need.messages, f"only {len(heldout)} held-out messages"
    assert min(counts.values()) >= need.per_intent, f"too few messages for some intents: {counts}"
    assert with_substance >= need.with_substance, f"only {with_substance} mention a substance"
    assert classes <= SUBSTANCE_CLASSES, f"unexpected entity types: {classes}"


def test_no_heldout_message_is_a_training_example(heldout: List[Example]) -> None:
    training_files = sorted(TRAINING_DIR.rglob("*.yml"))
    assert training_files, f"no training files in {TRAINING_DIR}"
    wanted = {normalise(e.text): e.text for e in heldout}
    leaks = []
    for path in training_files:
        for message in load_data(str(path)).training_examples:
            text = message.get("text")
            if text and normalise(text) in wanted:
                leaks.append(
                    f"  {wanted[normalise(text)]!r} is in {path.relative_to(TRAINING_DIR)}"
                )
    assert not leaks, "held-out messages also used for training:\n" + "\n".join(leaks)
