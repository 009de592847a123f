"""Generate docs/rules.md from the catalogue, so the rule reference cannot go stale.

    python -m counterpoint.docgen docs/rules.md      # write it
    python -m counterpoint.docgen --check docs/rules.md   # exit 1 if it is out of date
"""

from __future__ import annotations

import sys
from pathlib import Path

from counterpoint.catalogue.base import FAMILIES
from counterpoint.catalogue.docs import rule_markdown, species_label
from counterpoint.catalogue.registry import RULES
from counterpoint.catalogue.rulebook import builtin_rulebooks, load_rulebook


def render() -> str:
    books = {name: load_rulebook(name) for name in builtin_rulebooks()}
    out = ["# Rule reference", "",
           "Generated from the rule catalogue by `python -m counterpoint.docgen docs/rules.md`; do not edit by hand.",
           f"The catalogue has {len(RULES)} rules. `counterpoint rules CODE` prints any of them in the terminal.", "",
           "Severity in each built-in rulebook (`-` means not selected):", "",
           "| code | name | species | " + " | ".join(books) + " |",
           "|---|---|---|" + "---|" * len(books)]
    for r in RULES:
        cells = []
        for book in books.values():
            s = book.get(r.code)
            cells.append(f"{s.severity} ({s.weight:g})" if s else "-")
        out.append(f"| [{r.code}](#{r.code.lower()}-{r.name}) | {r.name} | {species_label(r)} | " + " | ".join(cells) + " |")
    out.append("")
    for letter, family in FAMILIES.items():
        rules = [r for r in RULES if r.code[0] == letter]
        if not rules:
            continue
        out += [f"## {letter}: {family}", ""]
        out += [rule_markdown(r) for r in rules]
    return "\n".join(out).rstrip() + "\n"


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    check = "--check" in args
    args = [a for a in args if a != "--check"]
    path = Path(args[0] if args else "docs/rules.md")
    text = render()
    if check:
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            print(f"{path} is out of date; run python -m counterpoint.docgen {path}", file=sys.stderr)
            return 1
        return 0
    path.write_text(text, encoding="utf-8")
    print(f"wrote {path} ({len(RULES)} rules)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
