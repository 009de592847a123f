"""What a rule is: one small definition that the checker reports, the solver enforces and the critic counts.

A rule is a function ``fn(ctx, i, opts)`` that yields :class:`Hit` objects for position ``i`` of its
scope, plus metadata. The scope and reach say exactly which notes the function may read, so the
solver can turn the same function into a constraint over just those notes:

* ``"notes"``: ``i`` runs over the attacks of the line under test (``ctx.line``); the rule reads
  attacks ``i - reach[0]`` .. ``i + reach[1]``.
* ``"bars"``: ``i`` runs over bars; the rule reads the notes of bars ``i - reach[0]`` .. ``i + reach[1]``.
* ``"whole"``: the rule runs once (``i`` is 0) and may read everything.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

ERROR = "error"
WARNING = "warning"
SEVERITIES = (ERROR, WARNING)
ALL_SPECIES = frozenset({1, 2, 3, 4, 5})
WITH_CANTUS = frozenset({0, 1, 2, 3, 4, 5})  # 0: a cantus firmus checked on its own
CODE_RE = re.compile(r"^[A-Z]\d{3}$")
NAME_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
FAMILIES = {
    "M": "melodic",
    "H": "harmonic (vertical)",
    "V": "voice leading",
    "D": "dissonance treatment",
    "C": "opening and cadence",
    "S": "species rhythm",
    "F": "cantus firmus",
    "T": "texture (three voices or more)",
}
# Which voices a rule reads, and so where a texture of three voices or more applies it (see engine.check_texture):
#   "line"     the counterpoint line alone (or, with the cantus firmus, only as a reference): once per free voice
#   "cantus"   the cantus firmus alone
#   "pair"     two voices sounding together: every pair of voices
#   "outer"    two voices, but in three voices or more only the outermost pair
#   "adjacent" two voices, but in three voices or more only neighbouring voices
#   "two"      a two-voice exercise only; in a texture a T rule takes its place
#   "texture"  three voices or more, read all together (the T family)
VOICE_ROLES = ("line", "cantus", "pair", "outer", "adjacent", "two", "texture")
FAMILY_ROLES = {"M": "line", "S": "line", "F": "cantus", "H": "pair", "V": "pair", "D": "pair", "C": "two",
                "T": "texture"}


@dataclass(frozen=True)
class NoOptions:
    """The rule takes no options."""


@dataclass(frozen=True)
class Example:
    """A musical example in the note-list notation; ``bars`` are where the wrong one is flagged (from 1).

    An example in three voices or more gives ``voices`` instead (note lists, the highest first) and
    ``cf_voice``, the cantus firmus's voice counted from 1 for the highest; each voice's species is
    read from its rhythm."""

    cf: str
    cp: str = ""
    species: int = 1
    above: bool = True
    mode: str | None = None
    bars: tuple[int, ...] = ()
    voices: tuple[str, ...] = ()
    cf_voice: int = 0


@dataclass(frozen=True, slots=True)
class Hit:
    """One violation found by a rule: where it starts (tick), what exactly is wrong, and for a fault that spans
    several notes, ``end``: the start tick of its last note or vertical (reported as "bars 6–8")."""

    start: int
    detail: str
    voice: str | None = None
    end: int | None = None


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    message: str
    species: frozenset[int]
    severity: str
    weight: float
    scope: str
    reach: tuple[int, int]
    fn: Callable[..., Iterable[Hit] | Hit | None] = field(repr=False, compare=False)
    options: type = NoOptions
    what: str = ""
    why: str = ""
    wrong: Example | None = None
    right: Example | None = None
    source: str = ""
    exceptions: str = ""
    voices: str = "pair"  # which voices it reads: one of VOICE_ROLES

    @property
    def family(self) -> str:
        return FAMILIES[self.code[0]]

    @property
    def default_options(self) -> Any:
        return self.options()

    def applies_to(self, species: int) -> bool:
        return species in self.species

    def positions(self, ctx) -> range:
        if self.scope == "notes":
            return range(len(ctx.line))
        if self.scope == "bars":
            return range(ctx.n_bars)
        return range(1)

    def run(self, ctx, opts: Any = None, positions: Iterable[int] | None = None) -> Iterator[Hit]:
        """Every hit of this rule over ``positions`` (all by default)."""
        opts = self.default_options if opts is None else opts
        for i in self.positions(ctx) if positions is None else positions:
            found = self.fn(ctx, i, opts)
            if found is None:
                continue
            if isinstance(found, Hit):
                yield found
            else:
                yield from found

    def option_fields(self) -> list[dataclasses.Field]:
        return list(dataclasses.fields(self.options))


def rule(
    *,
    code: str,
    name: str,
    message: str,
    species: Iterable[int] = ALL_SPECIES,
    severity: str = ERROR,
    weight: float = 1.0,
    scope: str = "bars",
    reach: tuple[int, int] = (0, 0),
    options: type = NoOptions,
    what: str,
    why: str,
    wrong: Example | None,
    right: Example | None,
    source: str,
    exceptions: str = "",
    voices: str | None = None,
) -> Callable[[Callable], Rule]:
    """Define a rule from a function ``fn(ctx, i, opts)``. Registration is explicit: list it in its family's RULES.

    ``voices`` says which voices it reads (VOICE_ROLES); by default its family's (FAMILY_ROLES)."""
    role = FAMILY_ROLES[code[0]] if voices is None else voices
    if role not in VOICE_ROLES:
        raise ValueError(f"{code}: voices must be one of {VOICE_ROLES}, not {role!r}")

    def make(fn: Callable) -> Rule:
        return Rule(code, name, message, frozenset(species), severity, float(weight), scope, tuple(reach), fn,
                    options, what.strip(), why.strip(), wrong, right, source.strip(), exceptions.strip(), role)

    return make
