"""The 19 four-voice combinations with third species that FuxCP's own tests time (6 of them time out at
30 s there): every species assignment of the three free voices from {1, 2, 3} with at least one voice in
third species, on Fux's dorian cantus firmus in the tenor.

    PYTHONPATH=. .venv/bin/python bench/fuxcp_third_species.py             # about 19 runs of up to 30 s
    PYTHONPATH=. .venv/bin/python bench/fuxcp_third_species.py --cf-voice 4

For each combination: ``generate_texture(cf, species, cf_voice, n=1, seed=1, time_limit=30)``, the time to
the first texture that passes check_texture (``stats["first_seconds"]``), the whole call's wall time, and
whether the returned texture passes check_texture again. Prints a markdown table and the median and maximum.
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import time

DORIAN = "D4 F4 E4 D4 G4 F4 A4 G4 F4 E4 D4"
COMBOS = [c for c in itertools.product((1, 2, 3), repeat=3) if 3 in c]


def main() -> None:
    from counterpoint.catalogue.rulebook import load_rulebook
    from counterpoint.catalogue.texture_engine import check_texture
    from counterpoint.errors import NoSolutionError
    from counterpoint.generator.texture import generate_texture

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cf-voice", type=int, default=3)
    ap.add_argument("--time-limit", type=float, default=30.0)
    args = ap.parse_args()
    assert len(COMBOS) == 19
    book = load_rulebook("fux")
    rows, firsts = [], []
    t_all = time.monotonic()
    for combo in COMBOS:
        t0 = time.monotonic()
        try:
            found = generate_texture(DORIAN, species=combo, cf_voice=args.cf_voice, n=1, seed=1,
                                     time_limit=args.time_limit)
        except NoSolutionError:
            rows.append(f"| {','.join(map(str, combo))} | not found | {time.monotonic() - t0:.2f} | – |")
            continue
        first = found.stats["first_seconds"]
        firsts.append(first)
        ok = check_texture(found[0].texture, book).ok
        rows.append(f"| {','.join(map(str, combo))} | {first:.2f} | {time.monotonic() - t0:.2f} | {'yes' if ok else 'NO'} |")
    print(f"19 four-voice combinations with third species, dorian cantus firmus in voice {args.cf_voice}, seed 1, "
          f"time limit {args.time_limit:g} s ({time.monotonic() - t_all:.0f} s in all)\n")
    print("| species (top first) | s to first | s in all | passes check |")
    print("|---|---:|---:|---|")
    print("\n".join(rows))
    if firsts:
        print(f"\nsolved {len(firsts)}/19; first texture: median {statistics.median(firsts):.2f} s, "
              f"max {max(firsts):.2f} s; over 5 s: {sum(f > 5 for f in firsts)}")


if __name__ == "__main__":
    main()
