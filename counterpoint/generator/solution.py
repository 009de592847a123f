"""A generated counterpoint with its explanation: the penalties by rule and place, and its check report."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from counterpoint.catalogue.engine import Report
from counterpoint.model.exercise import Exercise
from counterpoint.model.notation import format_notes


@dataclass
class Solution:
    exercise: Exercise
    report: Report
    score: float = 0.0  # the ranking's cost: lower ranks higher
    parts: dict[str, float] = field(default_factory=dict)  # named parts of the score (e.g. penalty, critic)
    line: object = field(default=None, repr=False, compare=False)  # the search's own handle on the line
    reasons_from: Callable[[], list[dict]] | None = field(default=None, repr=False, compare=False)  # set by a critic ranking
    style: list[dict] = field(default_factory=list, repr=False, compare=False)  # idioms against Fux's, set by the ranking

    @property
    def notes(self) -> str:
        """The counterpoint in note-list notation."""
        ex = self.exercise
        return format_notes(ex.cp, default=_default(ex), bar_ticks=None if ex.species == 1 else ex.bar_ticks)

    @property
    def pitches(self) -> list:
        return self.exercise.cp_pitches

    @property
    def penalty(self) -> float:
        return self.report.penalty

    @property
    def penalties(self) -> list[tuple[str, str, str, float]]:
        """Why it ranks here: (code, name, place, cost) for every preference it breaks."""
        return [(v.code, v.name, v.place, v.weight) for v in self.report.warnings]

    def penalty_summary(self) -> str:
        """'M404 repeated-long-note ×2, V108 simultaneous-leaps ×1'."""
        counts = Counter((v.code, v.name) for v in self.report.warnings)
        return ", ".join(f"{code} {name} ×{k}" for (code, name), k in counts.most_common())

    def critic_reasons(self) -> list[dict]:
        """The critic's main reasons for this line (empty when it was ranked without the critic)."""
        return self.reasons_from() if self.reasons_from is not None else []

    def explain(self) -> dict:
        """Why it ranks here: its cost, the preferences it breaks (by rule and place), the critic's reasons."""
        return {"score": self.score, "penalty": self.penalty, "critic": self.parts.get("critic"),
                "style": self.parts.get("style"),
                "penalties": [{"code": c, "name": n, "place": p, "cost": w} for c, n, p, w in self.penalties],
                "critic_reasons": self.critic_reasons(), "style_reasons": self.style}

    def _repr_html_(self) -> str:
        """In a notebook: the engraved line, then why it ranks here."""
        from html import escape

        from counterpoint.model.exercise import edge

        to_svg = edge("to_svg")  # the engraver lives in counterpoint.io.engrave

        rows = "".join(f"<tr><td>{c}</td><td>{escape(n)}</td><td>{escape(p)}</td><td>{w:g}</td></tr>"
                       for c, n, p, w in self.penalties)
        critic = f" · critic {self.parts['critic']:.2f}" if "critic" in self.parts else ""
        return (f"<div>{to_svg(self.exercise)}<p>penalty {self.penalty:g}{critic}</p>"
                f"<table><tr><th>code</th><th>rule</th><th>place</th><th>cost</th></tr>{rows}</table></div>")

    def to_music21(self):
        return self.exercise.to_music21()

    def to_dict(self) -> dict:
        return {"notes": self.notes, "pitches": [p.name for p in self.pitches], "score": round(self.score, 4),
                "parts": self.parts, "penalty": self.penalty,
                "penalties": [{"code": c, "name": n, "place": p, "cost": w} for c, n, p, w in self.penalties]}

    def __str__(self) -> str:
        return self.notes

    def __repr__(self) -> str:
        return f"<Solution {self.notes!r} penalty {self.penalty:g}>"


def _default(ex: Exercise) -> int | None:
    return ex.bar_ticks if ex.species == 1 else None
