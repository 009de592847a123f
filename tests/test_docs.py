"""The rule reference in docs/ is generated from the catalogue and must not go stale."""

from pathlib import Path

from counterpoint.docgen import render

ROOT = Path(__file__).resolve().parents[1]


def test_rule_reference_is_up_to_date():
    assert (ROOT / "docs" / "rules.md").read_text(encoding="utf-8") == render(), \
        "docs/rules.md is out of date: run `.venv/bin/python -m counterpoint.docgen docs/rules.md`"


def test_every_rule_is_in_the_reference():
    from counterpoint.catalogue.registry import RULES

    text = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    for rule in RULES:
        assert f"### {rule.code} `{rule.name}`" in text
