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


def test_every_option_in_the_reference_says_what_it_means():
    """The options table of each rule gives a meaning for every option, read from the catalogue's definition."""
    import dataclasses

    from counterpoint.catalogue.docs import rule_markdown
    from counterpoint.catalogue.registry import RULES

    for rule in RULES:
        for f in dataclasses.fields(rule.options):
            row = next(line for line in rule_markdown(rule).splitlines() if line.startswith(f"| `{f.name}` |"))
            meaning = row.rstrip(" |").rsplit("|", 1)[1].strip()
            assert len(meaning) > 10, f"{rule.code} option {f.name} has no meaning in the reference"
    h104 = next(r for r in RULES if r.code == "H104")
    assert "| `max_run` | `0` | the longest stretch of bars in which the counterpoint may cross" in rule_markdown(h104)
    m403 = next(r for r in RULES if r.code == "M403")
    assert "| `allow_florid_figures` | `False` | excuse a fifth-species swing through a syncopation" in rule_markdown(m403)


def test_an_option_comment_is_read_from_its_own_logical_line():
    """The meaning is the comment ending the field's logical line (brackets may span lines); a comment on a line of
    its own belongs to no field."""
    import dataclasses

    from counterpoint.catalogue.docs import _field_comments

    @dataclasses.dataclass(frozen=True)
    class Opts:
        # a block comment above: not a meaning
        plain: int = 3  # the most of something
        spread: tuple[str, ...] = ("a",
                                   "b")  # figures over two lines
        bare: bool = False

    assert _field_comments(Opts) == {"plain": "the most of something", "spread": "figures over two lines"}
