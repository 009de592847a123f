"""The one table of rules. Registration is explicit: a rule exists when its family's RULES lists it."""

from __future__ import annotations

from counterpoint.catalogue import (
    cadence,
    cantus,
    dissonance,
    harmonic,
    idioms,
    melodic,
    melodic_shape,
    motion,
    rhythm,
    suspension,
    texture_rules,
    voice_idioms,
)
from counterpoint.catalogue.base import Rule

FAMILY_MODULES = (melodic, melodic_shape, harmonic, motion, dissonance, suspension, cadence, rhythm, cantus, idioms,
                  voice_idioms, texture_rules)

RULES: tuple[Rule, ...] = tuple(sorted((r for m in FAMILY_MODULES for r in m.RULES), key=lambda r: r.code))
BY_CODE: dict[str, Rule] = {r.code: r for r in RULES}

if len(BY_CODE) != len(RULES):  # pragma: no cover - guarded by tests/catalogue/test_catalogue.py too
    raise RuntimeError("two rules share a code")


def get_rule(code: str) -> Rule | None:
    return BY_CODE.get(code.upper())


def find(word: str) -> Rule | None:
    """A rule by code (V101) or name (parallel-fifths)."""
    return get_rule(word) or next((r for r in RULES if r.name == word.lower()), None)
