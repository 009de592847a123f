"""The contract every rule keeps: a well-formed code and name, a complete doc, examples that are tests,
a case file, and a declared reach that covers everything the rule reads (so the solver can trust it)."""

from __future__ import annotations

import pytest

from counterpoint.catalogue.base import CODE_RE, FAMILIES, NAME_RE, SEVERITIES
from counterpoint.catalogue.context import Context
from counterpoint.catalogue.registry import RULES
from counterpoint.catalogue.texture_context import TextureContext
from counterpoint.model.build import from_text
from tests.support import CASES_DIR, load_cases, texture_from_lists

IDS = [r.code for r in RULES]


def test_enough_rules_and_unique_codes_and_names():
    assert len(RULES) >= 50
    assert len({r.code for r in RULES}) == len(RULES)
    assert len({r.name for r in RULES}) == len(RULES)


@pytest.mark.parametrize("rule", RULES, ids=IDS)
def test_rule_metadata(rule):
    assert CODE_RE.match(rule.code) and rule.code[0] in FAMILIES
    assert NAME_RE.match(rule.name), "names are kebab-case and name the fault"
    assert not rule.name.startswith(("avoid-", "no-", "use-")), "a name describes the fault, not the fix"
    assert rule.message and "\n" not in rule.message
    assert rule.severity in SEVERITIES and rule.weight >= 0
    assert rule.species and rule.species <= {0, 1, 2, 3, 4, 5}
    assert rule.scope in ("notes", "bars", "whole")
    for part in ("what", "why", "source"):
        assert len(getattr(rule, part)) > 20, f"{rule.code} needs a fuller '{part}'"
    assert rule.wrong is not None and rule.right is not None
    rule.default_options  # options have defaults


@pytest.mark.parametrize("rule", RULES, ids=IDS)
def test_rule_has_case_file(rule):
    path = CASES_DIR / f"{rule.code}.toml"
    assert path.exists(), f"missing {path}"
    cases = load_cases(rule.code)
    assert cases.get("fail") and cases.get("pass"), "a case file holds at least one fail and one pass case"


def _example(ex):
    if ex.voices:
        return texture_from_lists(ex.voices, ex.cf_voice, ex.mode)
    species = ex.species if ex.cp else 0
    return from_text(ex.cf, ex.cp or None, species=species, cp_above=ex.above, mode=ex.mode)


def _context(ex):
    built = _example(ex)
    return TextureContext(built) if ex.voices else Context(built)


@pytest.mark.parametrize("rule", RULES, ids=IDS)
def test_doc_examples_are_true(rule):
    """The wrong example in a rule's doc is flagged at its bars, and the right one is not flagged."""
    assert bool(rule.wrong.voices) == (rule.voices == "texture"), "T rules are shown in three voices, others in two"
    wrong = _context(rule.wrong)
    bars = sorted({h.start // wrong.bar_ticks + 1 for h in rule.run(wrong)})
    assert bars == sorted(rule.wrong.bars), f"wrong example flagged at {bars}"
    right = _context(rule.right)
    assert list(rule.run(right)) == []


class _Poisoned:
    """A pitch that fails the test if a rule reads it."""

    def __getattr__(self, name):
        raise AssertionError("rule read a note outside its declared reach")


def _in_reach(attack, rule, i, bar_ticks) -> bool:
    before, after = rule.reach
    if rule.scope == "notes":
        return i - before <= attack.index <= i + after
    first, last = (i - before) * bar_ticks, (i + after + 1) * bar_ticks
    return attack.start < last and attack.end > first  # sounds in one of the bars in reach


@pytest.mark.parametrize("rule", [r for r in RULES if r.scope != "whole"], ids=[r.code for r in RULES if r.scope != "whole"])
def test_reach_is_declared_honestly(rule):
    """Evaluating the rule at position i with every note outside its reach poisoned never touches them.

    The solver builds one constraint per position over exactly the notes in reach, so a rule that
    reads further would be enforced wrongly.
    """
    for ex in (rule.wrong, rule.right):
        for i in rule.positions(_context(ex)):
            ctx = _context(ex)
            if ex.voices:
                lines = list(zip(ctx.lines, ctx.pitches))
            elif rule.scope == "notes":
                lines = [(ctx.line, ctx.line_pitches)]
            else:
                lines = [(ctx.cp, ctx.cp_pitches), (ctx.cf, ctx.cf_pitches)]
            for attacks, pitches in lines:
                for a in attacks:
                    if not _in_reach(a, rule, i, ctx.bar_ticks):
                        pitches[a.index] = _Poisoned()
            list(rule.run(ctx, positions=[i]))


HARD = [r for r in RULES if r.severity == "error"]


@pytest.mark.parametrize("rule", HARD, ids=[r.code for r in HARD])
def test_every_hard_rule_is_planted_in_a_fux_solution(rule):
    """Each hard rule has a case that edits one of Fux's correct figures so that exactly it breaks."""
    cases = load_cases(rule.code)["fail"]
    if rule.voices == "texture":  # planted in one of Fux's three- or four-voice figures
        assert any("texture" in c and c.get("voice_edits") for c in cases)
        return
    assert any("figure" in c and any(k in c for k in ("edits", "bar_edits", "cf_edits")) for c in cases)
