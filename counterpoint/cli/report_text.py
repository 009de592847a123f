"""Render check reports for the terminal: one line per violation, then a summary."""

from __future__ import annotations

from counterpoint.catalogue.engine import Report

CODE_HINT = "`counterpoint rules CODE` explains a rule"


def format_report(report: Report, label: str) -> str:
    ex = report.exercise
    lines = [f"{label}: {ex.describe}, rulebook {report.rulebook}"]
    if report.violations:
        lines.append("")
        place_w = max(len(v.place) for v in report.violations)
        name_w = max(len(v.name) for v in report.violations)
        for v in report.violations:
            tail = "" if v.severity == "error" else "  (warning)"
            voice = "" if v.voice in ("cp", "both") or ex.is_cantus_only else f" [{v.voice}]"
            lines.append(f"  {v.place:<{place_w}}  {v.code} {v.name:<{name_w}}  {v.message}{voice}{tail}")
    lines.append("")
    lines.append(summary(report))
    return "\n".join(lines)


def summary(report: Report) -> str:
    e, w = len(report.errors), len(report.warnings)
    words = f"{e} error{'s' * (e != 1)}, {w} warning{'s' * (w != 1)}"
    if not report.violations:
        return "no errors, no warnings"
    return f"{words}  ·  {CODE_HINT}"
