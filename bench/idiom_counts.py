"""How often Fux's 46 two-voice solutions trigger the species-idiom rules of issue 7, per rule and species.

The idiom rules are warnings the generator minimises, so Fux's own lines should rarely trigger them; a
rule that fires often on Fux is mis-specified. Prints a markdown table of hits (and, in brackets, the
number of figures hit) under the fux rulebook's settings.

    .venv/bin/python bench/idiom_counts.py
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from counterpoint.catalogue.context import Context  # noqa: E402
from counterpoint.catalogue.rulebook import load_rulebook  # noqa: E402
from tests.support import fux_figures, load_fux  # noqa: E402

# The rules that issue 7 added or changed (M203 now costs each leap too many, M403 left species 3 to M405).
IDIOM_CODES = ("M107", "M108", "M203", "M305", "M306", "M307", "M403", "M405", "M406", "M407",
               "H109", "C109", "C110", "V112", "S106")


def counts(book_name: str = "fux"):
    book = load_rulebook(book_name)
    hits: Counter = Counter()
    figures: Counter = Counter()
    per_species: Counter = Counter()
    for row in fux_figures():
        ex = load_fux(row["file"])
        per_species[ex.species] += 1
        ctx = Context(ex)
        for s in book.active(ex.species):
            if s.rule.code not in IDIOM_CODES:
                continue
            n = sum(1 for _ in s.rule.run(ctx, s.options))
            if n:
                hits[s.rule.code, ex.species] += n
                figures[s.rule.code, ex.species] += 1
    return book, hits, figures, per_species


def main() -> int:
    book, hits, figures, per_species = counts(sys.argv[1] if len(sys.argv) > 1 else "fux")
    species = sorted(per_species)
    print(f"Hits on Fux's 46 two-voice solutions, rulebook `{book.name}` (in brackets: figures hit).\n")
    print("| rule | name | weight | " + " | ".join(f"sp. {s} ({per_species[s]})" for s in species) + " | total |")
    print("|---|---|---|" + "---|" * (len(species) + 1))
    for code in IDIOM_CODES:
        s = book.get(code)
        if s is None:
            continue
        cells = []
        for sp in species:
            if not s.rule.applies_to(sp):
                cells.append("-")
            else:
                cells.append(f"{hits[code, sp]} ({figures[code, sp]})")
        total = sum(hits[code, sp] for sp in species)
        print(f"| {code} | {s.rule.name} | {s.severity} {s.weight:g} | " + " | ".join(cells) + f" | {total} |")
    cost = {sp: sum(book.get(c).weight * hits[c, sp] for c in IDIOM_CODES if book.get(c)) for sp in species}
    print("| | penalty per figure (mean) | | " + " | ".join(f"{cost[sp] / per_species[sp]:.1f}" for sp in species)
          + f" | {sum(cost.values()) / sum(per_species.values()):.1f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
