"""How fast the generator is on Fux's cantus firmi: first solution, ranked top 10, peak memory, CLI run.

    .venv/bin/python bench/generate_speed.py            # about 70 s on 2 cores
    .venv/bin/python bench/generate_speed.py --no-swap  # only each figure's own position

For every two-voice Fux figure (tests/data/fux_gradus) it takes the figure's cantus firmus, species and
position (counterpoint above a lower cantus firmus, below an upper one) and measures, in a child process
per species and position (so each cell's peak RSS is its own):

- first solution: the wall time of ``generate(cf, species, position, n=1, pool_size=1, effort=0)``, model building
  included, and the search's own ``stats.first_seconds`` (search start to the first valid line);
  median over seeds 1-3 per cantus firmus, then the median over the cantus firmi of the cell;
- top 10: the wall time of ``generate(...)`` with default settings (n=10, seed 1, construction and then
  improvement until it converges or the species' default limit cuts it: 15 s in third species, 5 s otherwise), and how often the limit cut it;
- peak RSS of the child after a warm-up generation and all the cell's generations (``ru_maxrss``),
  and the RSS right after importing the generator, for scale; then the Python-heap peak (tracemalloc)
  of the cell's slowest top-10 generation, run once more;
- end to end: ``counterpoint generate --cf ... --species 1 --out x.musicxml`` from a fresh process, median of 5.

With ``--swap`` (the default) every cantus firmus is also set in the other position, in a second table,
unless Fux already set that cantus firmus in that species and position.
Prints markdown tables. The children never import music21 (the cantus firmus is passed as a note list).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEEDS_FIRST = (1, 2, 3)
SEED_TOP = 1
CLI_CF = "D4 F4 E4 D4 G4 F4 A4 G4 F4 E4 D4"
CLI_RUNS = 5
TARGET_TOP = {1: 5.0, 2: 5.0, 3: 15.0, 4: 5.0, 5: 5.0}  # issue 7: top 10 within the default time limit (DEFAULT_TIME_LIMIT)


def fux_jobs(swap: bool) -> list[dict]:
    """One job per figure (own position), plus the other position when ``swap``: cf text, mode, species, position."""
    sys.path.insert(0, str(ROOT))
    from tests.support import fux_figures, load_fux

    jobs, seen = [], set()
    rows = [(row, load_fux(row["file"])) for row in fux_figures()]
    for row, ex in rows:
        seen.add((tuple(ex.cf_pitches), ex.species, ex.cp_above))
    for row, ex in rows:
        own = "above" if ex.cp_above else "below"
        positions = [(own, True)]
        if swap and (tuple(ex.cf_pitches), ex.species, not ex.cp_above) not in seen:  # not already a Fux figure
            seen.add((tuple(ex.cf_pitches), ex.species, not ex.cp_above))
            positions.append(("below" if own == "above" else "above", False))
        for position, is_own in positions:
            jobs.append({"figure": row["figure"], "file": row["file"], "cf": " ".join(p.name for p in ex.cf_pitches),
                         "mode": ex.mode.label, "species": int(row["species"]), "position": position, "own": is_own})
    return jobs


def worker() -> None:
    """Child: read jobs (one species and position) as JSON on stdin, print timings and peak RSS as JSON."""
    import resource

    jobs = json.load(sys.stdin)
    from counterpoint.errors import NoSolutionError
    from counterpoint.ranking import generate

    rss_import = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    generate(CLI_CF, species=jobs[0]["species"], n=1, pool_size=1, seed=0, effort=0)  # warm-up: rulebook load, lazy imports
    out = []
    for job in jobs:
        args = (job["cf"], job["species"], job["position"])
        res = {**job, "first_wall": [], "first_search": [], "error": None}
        try:
            for seed in SEEDS_FIRST:
                t = time.perf_counter()
                found = generate(*args, n=1, pool_size=1, seed=seed, mode=job["mode"], effort=0)
                res["first_wall"].append(time.perf_counter() - t)
                res["first_search"].append(found.stats.first_seconds)
            t = time.perf_counter()
            found = generate(*args, seed=SEED_TOP, mode=job["mode"])
            res["top_wall"] = time.perf_counter() - t
            res["top_found"], res["top_pool"], res["top_timed_out"] = len(found), found.stats.solutions, found.stats.timed_out
            res["notes"] = found.stats.notes
        except NoSolutionError as exc:
            res["error"] = f"NoSolutionError: {exc}"
        out.append(res)
    rss_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    heavy = max((r for r in out if not r["error"]), key=lambda r: r["top_wall"], default=None)
    traced = None
    if heavy is not None:  # Python-heap peak of the cell's slowest top-10 generation, after the RSS was read
        import tracemalloc

        tracemalloc.start()
        generate(heavy["cf"], heavy["species"], heavy["position"], seed=SEED_TOP, mode=heavy["mode"])
        traced = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    json.dump({"results": out, "rss_import_kb": rss_import, "rss_peak_kb": rss_peak, "traced_peak": traced}, sys.stdout)


def run_cell(jobs: list[dict]) -> dict:
    proc = subprocess.run([sys.executable, __file__, "--worker"], input=json.dumps(jobs), capture_output=True,
                          text=True, cwd=ROOT)
    if proc.returncode != 0:
        raise SystemExit(f"worker failed: {proc.stderr[-2000:]}")
    return json.loads(proc.stdout)


def cli_runs() -> list[float]:
    exe = Path(sys.executable).with_name("counterpoint")
    times = []
    with tempfile.TemporaryDirectory() as tmp:
        for k in range(CLI_RUNS):
            t = time.perf_counter()
            proc = subprocess.run([str(exe), "generate", "--cf", CLI_CF, "--species", "1", "--out", f"{tmp}/x{k}.musicxml"],
                                  capture_output=True, text=True)
            times.append(time.perf_counter() - t)
            if proc.returncode != 0:
                raise SystemExit(f"counterpoint generate failed ({proc.returncode}): {proc.stderr[:300]}")
    return times


def med(xs) -> float:
    return statistics.median(xs) if xs else float("nan")


def table(cells: dict[tuple[int, str], dict], title: str) -> list[str]:
    lines = [f"### {title}", "",
             "| species | cp | CFs | first: wall ms (median / max) | first: search ms (median / max) "
             "| top 10: s (median / max) | top-10 target | peak RSS MB | heap peak MB | failures |",
             "|---:|---|---:|---:|---:|---:|---:|---:|---:|---|"]
    for (species, position), cell in sorted(cells.items()):
        ok = [r for r in cell["results"] if not r["error"]]
        first_wall = [med(r["first_wall"]) * 1000 for r in ok]
        first_search = [med(r["first_search"]) * 1000 for r in ok]
        top = [r["top_wall"] for r in ok]
        fails = [r for r in cell["results"] if r["error"]]
        cut = [r for r in ok if r["top_timed_out"]]
        notes = []
        if fails:
            notes.append(f"{len(fails)} NoSolutionError")
        if cut:
            notes.append(f"{len(cut)} hit the {TARGET_TOP[species]:g} s limit")
        short = [r for r in ok if r["top_found"] < 10]
        if short:
            notes.append(f"{len(short)} gave < 10")
        lines.append(
            f"| {species} | {position} | {len(cell['results'])} "
            f"| {med(first_wall):.0f} / {max(first_wall, default=float('nan')):.0f} "
            f"| {med(first_search):.0f} / {max(first_search, default=float('nan')):.0f} "
            f"| {med(top):.2f} / {max(top, default=float('nan')):.2f} | {TARGET_TOP[species]:g} s "
            f"| {cell['rss_peak_kb'] / 1024:.0f} | {(cell['traced_peak'] or 0) / 2**20:.1f} | {', '.join(notes) or '-'} |")
    return lines


def detail(cells: dict[tuple[int, str], dict], limit: int = 8) -> list[str]:
    rows = [r for cell in cells.values() for r in cell["results"]]
    lines = ["### Slowest cases (top 10, default settings)", "",
             "| figure | species | cp | top 10 s | pool | timed out | first wall ms | CF |", "|---|---:|---|---:|---:|---|---:|---|"]
    ok = sorted((r for r in rows if not r["error"]), key=lambda r: -r["top_wall"])
    for r in ok[:limit]:
        lines.append(f"| {r['figure']} | {r['species']} | {r['position']}{'' if r['own'] else ' (swapped)'} | {r['top_wall']:.2f} "
                     f"| {r['top_pool']} | {'yes' if r['top_timed_out'] else 'no'} | {med(r['first_wall']) * 1000:.0f} "
                     f"| {r['mode']}: {r['cf']} |")
    fails = [r for r in rows if r["error"]]
    if fails:
        lines += ["", "### Failures", ""]
        lines += [f"- fig. {r['figure']}, species {r['species']}, cp {r['position']}"
                  f"{'' if r['own'] else ' (swapped)'}, {r['mode']} `{r['cf']}`: {r['error']}" for r in fails]
    return lines


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--no-swap", dest="swap", action="store_false", help="skip the other-position table")
    args = ap.parse_args()
    if args.worker:
        worker()
        return
    t0 = time.perf_counter()
    jobs = fux_jobs(args.swap)
    by_cell: dict[tuple[bool, int, str], list[dict]] = {}
    for job in jobs:
        by_cell.setdefault((job["own"], job["species"], job["position"]), []).append(job)
    own: dict[tuple[int, str], dict] = {}
    swapped: dict[tuple[int, str], dict] = {}
    for (is_own, species, position), cell_jobs in sorted(by_cell.items(), key=lambda kv: (not kv[0][0], kv[0][1:])):
        (own if is_own else swapped)[(species, position)] = run_cell(cell_jobs)
        print(f"  done: species {species} {position} {'own' if is_own else 'swapped'}", file=sys.stderr)
    cli = cli_runs()
    cells = list(own.values()) + list(swapped.values())
    print(f"Python {sys.version.split()[0]}; first solution: median over seeds {', '.join(map(str, SEEDS_FIRST))} per CF, "
          f"then median / max over the CFs; top 10: seed {SEED_TOP}, default settings (n=10, the species' default time limit)")
    notes = sorted({n for c in cells for r in c["results"] for n in r.get("notes", [])})
    if notes:
        print("Generator notes: " + "; ".join(notes))
    print()
    print("\n".join(table(own, "Fux's cantus firmi in Fux's positions (target: first <= 50 ms)")))
    if swapped:
        print()
        print("\n".join(table(swapped, "The same cantus firmi in the other position")))
    print()
    print("\n".join(detail({**{("own",) + k: v for k, v in own.items()}, **{("swap",) + k: v for k, v in swapped.items()}})))
    print()
    print("### Memory and end to end", "", "| measure | value | target |", "|---|---:|---:|", sep="\n")
    print(f"| peak RSS, any cell (child process, ru_maxrss) | {max(c['rss_peak_kb'] for c in cells) / 1024:.0f} MB | <= 300 MB |")
    print(f"| Python heap peak of one top-10 generation, worst cell (tracemalloc) "
          f"| {max(c['traced_peak'] or 0 for c in cells) / 2**20:.1f} MB | |")
    print(f"| RSS after importing the generator | {med([c['rss_import_kb'] for c in cells]) / 1024:.0f} MB | |")
    print(f"| `counterpoint generate --cf \"{CLI_CF}\" --species 1 --out x.musicxml`, fresh process, "
          f"median of {CLI_RUNS} | {med(cli):.2f} s (min {min(cli):.2f}, max {max(cli):.2f}) | < 2 s |")
    print()
    print(f"(benchmark took {time.perf_counter() - t0:.0f} s)")


if __name__ == "__main__":
    main()
