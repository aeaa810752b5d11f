"""The simulated people (tests/people/people.yml) that bench/people.py plays."""

import re
from typing import List

import pytest

from bench.people import DOMAIN, PEOPLE, Domain, Person, load_people

PEOPLE_LIST, IDEAS = load_people(PEOPLE)
QUESTION_DOMAIN = Domain.load([DOMAIN])
KNOWN_KEYS = set(QUESTION_DOMAIN.keys)
# Emergencies are tested elsewhere (tests/safety/); nobody here has one.
EMERGENCY_WORDS = re.compile(
    r"overdos|suicid|kill (my|him|her)self|want to die|seizure|not breathing|"
    r"unresponsive|won'?t wake|\b911\b",
    re.I,
)


def messages(person: Person) -> List[str]:
    said = [person.opening, *person.after_explanation]
    said += [a for answers in person.answers.values() for a in answers]
    said += [a for asides in person.asides.values() for a in asides]
    return said + [c["say"] for c in person.corrections]


def test_enough_people_with_unique_ids() -> None:
    assert len(PEOPLE_LIST) >= 60
    ids = [person.id for person in PEOPLE_LIST]
    assert len(ids) == len(set(ids)), [i for i in ids if ids.count(i) > 1]
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", i) for i in ids)


def test_the_mix() -> None:
    assert {person.about for person in PEOPLE_LIST} == {"self", "someone_else"}
    assert sum(person.about == "someone_else" for person in PEOPLE_LIST) >= 15
    assert sum(bool(person.asides) for person in PEOPLE_LIST) >= 10
    assert sum(bool(person.corrections) for person in PEOPLE_LIST) >= 5
    assert sum(bool(person.after_explanation) for person in PEOPLE_LIST) >= 5


def test_every_question_the_runner_must_recognise_has_a_text() -> None:
    recognised = {key for key, _ in QUESTION_DOMAIN.questions}
    assert KNOWN_KEYS - recognised == set()


@pytest.mark.parametrize("person", PEOPLE_LIST, ids=lambda p: p.id)
def test_person(person: Person) -> None:
    assert person.opening.strip()
    assert person.answers.get("start"), "says something to 'a few short questions?'"
    keys = set(person.answers) | set(person.asides)
    keys |= {correction["after"] for correction in person.corrections}
    assert keys <= KNOWN_KEYS, keys - KNOWN_KEYS
    assert all(correction["say"].strip() for correction in person.corrections)
    assert all(isinstance(m, str) and m.strip() for m in messages(person))
    assert all(isinstance(item, str) and item for item in person.must_be_told)
    assert all(isinstance(item, str) and item for item in person.must_not_be_told)
    assert not set(person.must_be_told) & set(person.must_not_be_told)
    assert not [m for m in messages(person) if EMERGENCY_WORDS.search(m)]


def test_ideas_are_lists_of_words() -> None:
    assert IDEAS and all(
        words and all(isinstance(w, str) for w in words) for words in IDEAS.values()
    )
