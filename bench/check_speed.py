"""How long checking all 46 two-voice Fux figures takes, parsing included; then the 76 three- and four-voice ones.

    .venv/bin/python bench/check_speed.py

Prints a table: the whole job as a user runs it (one fresh `counterpoint check` process over the 46
files), and an in-process breakdown (music21 import, parsing, rule checking). Median of 5 runs.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIGURES = sorted((ROOT / "tests" / "data" / "fux_gradus").glob("fig-*-cf-*.musicxml"))  # the two-voice figures
TEXTURES = sorted((ROOT / "tests" / "data" / "fux_gradus").glob("fig-*-voices.musicxml"))  # three and four voices
RUNS = 5


def cli_run() -> float:
    exe = Path(sys.executable).with_name("counterpoint")
    t = time.perf_counter()
    proc = subprocess.run([str(exe), "check", "--format", "json", *map(str, FIGURES)], capture_output=True)
    elapsed = time.perf_counter() - t
    if proc.returncode != 0:
        raise SystemExit(f"check failed with exit {proc.returncode}: {proc.stderr.decode()[:300]}")
    return elapsed


def in_process() -> tuple[float, float, float]:
    code = """
import time, sys, json
t0 = time.perf_counter()
import music21
t1 = time.perf_counter()
from counterpoint.io.m21 import load_exercise
from counterpoint.catalogue.engine import check_exercise
from counterpoint.catalogue.rulebook import load_rulebook
book = load_rulebook("fux")
paths = sys.argv[1:]
t2 = time.perf_counter()
exercises = [load_exercise(p) for p in paths]
t3 = time.perf_counter()
reports = [check_exercise(e, book) for e in exercises]
t4 = time.perf_counter()
assert all(r.ok for r in reports)
print(json.dumps([t1 - t0, t3 - t2, t4 - t3]))
"""
    out = subprocess.run([sys.executable, "-c", code, *map(str, FIGURES)], capture_output=True, text=True, check=True)
    import json

    return tuple(json.loads(out.stdout))


def texture_run() -> tuple[float, float]:
    """(parse, check) seconds for the 76 three- and four-voice figures, in one fresh process."""
    code = """
import time, sys, json
import music21
from counterpoint.io.texture_io import load_texture
from counterpoint.catalogue.texture_engine import check_texture
from counterpoint.catalogue.rulebook import load_rulebook
book = load_rulebook("fux")
t0 = time.perf_counter()
textures = [load_texture(p) for p in sys.argv[1:]]
t1 = time.perf_counter()
reports = [check_texture(t, book) for t in textures]
t2 = time.perf_counter()
print(json.dumps([t1 - t0, t2 - t1]))
"""
    import json

    out = subprocess.run([sys.executable, "-c", code, *map(str, TEXTURES)], capture_output=True, text=True, check=True)
    return tuple(json.loads(out.stdout))


def main() -> None:
    cli = [cli_run() for _ in range(RUNS)]
    parts = [in_process() for _ in range(RUNS)]
    med = [statistics.median(p[i] for p in parts) for i in range(3)]
    rows = [
        ("`counterpoint check` on all 46 files, fresh process", statistics.median(cli)),
        ("  import music21", med[0]),
        ("  parse 46 MusicXML files", med[1]),
        ("  check 46 exercises (fux rulebook)", med[2]),
    ]
    print(f"{len(FIGURES)} figures, median of {RUNS} runs, Python {sys.version.split()[0]}")
    print()
    print("| step | seconds |")
    print("|---|---:|")
    for label, sec in rows:
        print(f"| {label} | {sec:.3f} |")
    print()
    print(f"per figure, checking only: {med[2] / len(FIGURES) * 1000:.2f} ms")
    tex = [texture_run() for _ in range(RUNS)]
    parse, check = (statistics.median(t[i] for t in tex) for i in range(2))
    print()
    print(f"| {len(TEXTURES)} three- and four-voice figures | seconds |")
    print("|---|---:|")
    print(f"| parse {len(TEXTURES)} MusicXML files | {parse:.3f} |")
    print(f"| check {len(TEXTURES)} textures (fux rulebook) | {check:.3f} |")
    print()
    print(f"per texture, checking only: {check / len(TEXTURES) * 1000:.2f} ms")


if __name__ == "__main__":
    main()
