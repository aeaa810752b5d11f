"""Canonical values of each entity, from the project's lexicon."""

from functools import lru_cache
from typing import FrozenSet

from storage.lexicon import BODY_PARTS, TWITCH_TIMINGS, load_substances


@lru_cache(maxsize=None)
def canonical_values(entity_type: str) -> FrozenSet[str]:
    """Values the NLU can give for `entity_type` ("legs", "oxycodone", ...)."""
    if entity_type == "body_part":
        return frozenset(BODY_PARTS)
    if entity_type == "twitch_timing":
        return frozenset(TWITCH_TIMINGS)
    substances = load_substances().substances
    return frozenset(s.name for s in substances if s.entity_label == entity_type)
