"""domain/*.yml merged as Rasa merges a domain folder, for code that reads the
domain without Rasa: the action server (actions/domain.py), the clinical review
page (admissions/review_content.py) and the tests."""

from typing import Any, Dict

import yaml

from storage.settings import ROOT

DOMAIN_DIR = ROOT / "domain"


def merged_domain() -> Dict[str, Any]:
    """Every file's keys merged one level deep (responses, slots, forms, intents...)."""
    merged: Dict[str, Any] = {}
    for path in sorted(DOMAIN_DIR.rglob("*.yml")):
        for key, value in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).items():
            if isinstance(value, dict):
                merged.setdefault(key, {}).update(value)
            elif isinstance(value, list):
                merged.setdefault(key, []).extend(value)
            else:
                merged[key] = value
    return merged
