"""Run a rulebook over an exercise and collect violations into a report."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from counterpoint.catalogue.base import ERROR, WARNING, Rule
from counterpoint.catalogue.context import Context
from counterpoint.model.exercise import Exercise, edge

VOICE_NAMES = {"cp": "counterpoint", "cf": "cantus firmus", "both": "both voices"}


@dataclass(frozen=True)
class Violation:
    """One broken rule at one place. ``bar`` counts from 1; ``beat`` in quarter notes from 1."""

    code: str
    name: str
    severity: str
    message: str
    bar: int
    beat: float
    voice: str
    end_bar: int | None
    weight: float
    source: str

    @property
    def place(self) -> str:
        """'bar 4', 'bar 4 beat 3', 'bars 6–8'."""
        if self.end_bar and self.end_bar != self.bar:
            return f"bars {self.bar}–{self.end_bar}"
        if self.beat != 1:
            return f"bar {self.bar} beat {self.beat:g}"
        return f"bar {self.bar}"

    def to_dict(self) -> dict:
        return {"code": self.code, "name": self.name, "severity": self.severity, "message": self.message,
                "bar": self.bar, "beat": self.beat, "end_bar": self.end_bar, "voice": self.voice,
                "weight": self.weight, "source": self.source}


@dataclass
class Report:
    """Everything a check found, in score order."""

    exercise: Exercise
    rulebook: str
    violations: list[Violation] = field(default_factory=list)
    path: str = ""
    where: str = ""  # which exercise of a file holding several: "bars 12–22" ("" for a file with one)

    @property
    def errors(self) -> list[Violation]:
        return [v for v in self.violations if v.severity == ERROR]

    @property
    def warnings(self) -> list[Violation]:
        return [v for v in self.violations if v.severity == WARNING]

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def penalty(self) -> float:
        """Sum of the weights of the warnings: the cost a solver minimises."""
        return sum(v.weight for v in self.warnings)

    def codes(self) -> Counter:
        """How often each code was broken: a feature vector for the critic."""
        return Counter(v.code for v in self.violations)

    def at(self, code: str) -> list[int]:
        """The bars (from 1) where ``code`` was reported."""
        return [v.bar for v in self.violations if v.code == code]

    def to_dict(self) -> dict:
        ex = self.exercise
        if hasattr(ex, "voices"):  # three voices or more: each voice's name and species, top first
            exercise = {"voices": [{"name": v.name, "species": v.species, "cantus_firmus": v.is_cantus}
                                   for v in ex.voices],
                        "cf_voice": ex.cf_voice + 1, "mode": ex.mode.label, "bars": ex.n_bars,
                        "inferred": list(ex.inferred)}
        else:
            exercise = {"species": ex.species, "position": ex.position, "mode": ex.mode.label, "bars": ex.n_bars,
                        "inferred": list(ex.inferred)}
        return {
            "path": self.path,
            "where": self.where,
            "rulebook": self.rulebook,
            "exercise": exercise,
            "violations": [v.to_dict() for v in self.violations],
            "summary": {"errors": len(self.errors), "warnings": len(self.warnings), "penalty": self.penalty},
        }

    def to_music21(self):
        """The exercise as a music21 Score with each violation's code at its place and the interval figures
        between the staves (built by counterpoint.io.m21, which registers itself with the model)."""
        return edge("report_to_score")(self)

    def _repr_html_(self) -> str:
        """In a notebook: the score with each violation marked, then the list."""
        from html import escape

        rows = "".join(f"<tr><td>{escape(v.place)}</td><td>{v.code}</td><td>{v.name}</td><td>{escape(v.message)}</td>"
                       f"<td>{v.severity}</td></tr>" for v in self.violations)
        return (f"<div>{edge('to_svg')(self.exercise, report=self)}<p>{len(self.errors)} errors, "
                f"{len(self.warnings)} warnings</p><table>{rows}</table></div>")

    def __repr__(self) -> str:
        return f"<Report {self.rulebook}: {len(self.errors)} errors, {len(self.warnings)} warnings>"


def run_rules(ctx: Context, settings) -> list[Violation]:
    """Apply each active rule setting to the context; settings come from a resolved rulebook."""
    found = [violation(ctx, s, hit) for s in settings for hit in s.rule.run(ctx, s.options)]
    return sort_violations(found)


def violation(ctx: Context, s, hit) -> Violation:
    """The violation a rule setting's hit stands for, placed in the score."""
    rule: Rule = s.rule
    bar = hit.start // ctx.bar_ticks
    end_bar = hit.end // ctx.bar_ticks + 1 if hit.end is not None else None
    return Violation(rule.code, rule.name, s.severity, hit.detail, bar + 1, ctx.beat(hit.start),
                     hit.voice or ctx.line_voice, end_bar, s.weight, rule.source)


def sort_violations(found: list[Violation]) -> list[Violation]:
    """Score order: bar, beat, errors before warnings, then code."""
    found.sort(key=lambda v: (v.bar, v.beat, v.severity != ERROR, v.code))
    return found


def check_exercise(exercise: Exercise, rulebook) -> Report:
    ctx = Context(exercise)
    return Report(exercise, rulebook.name, run_rules(ctx, rulebook.active(exercise.species)))
