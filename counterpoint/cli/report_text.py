"""Render check reports for the terminal: what was inferred, one line per violation, then a summary."""

from __future__ import annotations

from counterpoint.catalogue.engine import Report

CODE_HINT = "`counterpoint rules CODE` explains a rule"


def format_report(report: Report, label: str) -> str:
    ex = report.exercise
    where = f" {report.where}" if report.where else ""
    lines = [f"{label}{where}: {ex.describe}, rulebook {report.rulebook}"]
    lines += [f"  {note}" for note in ex.inferred]
    texture = hasattr(ex, "voices")
    if report.violations and texture:  # "alto–bass, bar 4": the voices first, as a teacher marks them
        lines.append("")
        places = [f"{v.voice}, {v.place}" for v in report.violations]
        place_w, name_w = max(map(len, places)), max(len(v.name) for v in report.violations)
        for where, v in zip(places, report.violations):
            tail = "" if v.severity == "error" else "  (warning)"
            lines.append(f"  {where:<{place_w}}  {v.code} {v.name:<{name_w}}  {v.message}{tail}")
    elif report.violations:
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


def total(reports: list[Report]) -> str:
    """'3 exercises: 2 errors, 1 warning' over several reports."""
    e = sum(len(r.errors) for r in reports)
    w = sum(len(r.warnings) for r in reports)
    n = len(reports)
    return f"{n} exercise{'s' * (n != 1)}: {e} error{'s' * (e != 1)}, {w} warning{'s' * (w != 1)}"
