"""The critic's training corpus: two-voice passages cut from the Palestrina masses bundled with music21.

The reduction
-------------
music21 ships 1,318 Humdrum files of Palestrina's mass movements (101 masses, 3-8 voices each). The
critic judges two-voice counterpoint on the species model's grid, so each movement is reduced to
two-voice *passages* that look like what the checker and generator handle:

* **Every pair of voices.** Each pair of parts is taken on its own; the other voices are ignored. The
  *lower* voice is the one lower on average (duration-weighted mean pitch over the passage).
* **Both voices sounding.** Only stretches where neither voice rests qualify: a rest, a chord or a
  grace note in either voice ends the stretch. (Voices drop out often in this music, so this is what
  decides most of the reduction.)
* **On whole-note bars.** The species model's bar is the whole note (16 ticks, four quarter lengths),
  not Palestrina's breve measure: a 4/2 measure holds two of our bars. Passages start and end on these
  bar lines. Triple-metre (3/2) measures are left out, because whole-note bars would cut across their
  metre and put the strong beats in the wrong place.
* **Twelve bars.** Each qualifying stretch is cut into consecutive, non-overlapping passages of 12
  bars, about a cantus firmus' length; a final remainder of 8 bars or more is kept, a shorter one
  dropped. The same time span appears once per voice pair, so a five-voice movement gives up to ten
  passages over the same music.
* **Notes as the model writes them.** Both voices start at tick 0. Notes crossing a bar line are
  split there and tied, and a length no single note value can write (five sixteenths, say) is split at
  its strongest beat, so every note lies within one bar. A note running past the passage's end is cut
  and its last part keeps its tie. The editors' ties in the source are merged first, so every tie in a
  passage is one of these splits.
* **Dropped, not approximated.** A passage with a rhythm finer than a sixteenth (a triplet), a
  microtone or a pitch without an octave is dropped whole.

Each passage keeps the mass (``!!!OPR``, the unit of the train/test split, so no mass is seen on both
sides), the movement (file stem), the two part names (lower first), the key signature (sharps
positive, flats negative) at its start and the movement's cadence finals from ``!!!RNB`` ("D", or
"C,D" when the edition lists several), or None.

Version 1 of the reduction gives 29,605 passages (295,244 bars; 8,782 of the full 12 bars) from 1,202
of the 1,318 movements and all 101 masses; 41% are in a one-flat signature. The 20% test split by mass
holds 20 masses and 6,569 passages.

The dataset is cached as one gzip JSON-lines file, a passage a line, voices in the note-list notation
of :mod:`counterpoint.model.notation` with bar lines: ``build_dataset()`` builds it once,
``load_dataset(path)`` reads it back.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import random
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from counterpoint.critic.parallel import parallel_map
from counterpoint.model.exercise import WHOLE, Note
from counterpoint.model.notation import format_notes, parse_notes

VERSION = 1  # bump when the reduction changes, so old caches are not reused
_FIELDS = ("mass", "movement", "file", "voices", "signature", "final", "lower", "upper")


@dataclass(frozen=True)
class Passage:
    """Two voices sounding together for some whole-note bars, cut from one movement."""

    mass: str
    movement: str
    file: str
    voices: tuple[str, str]  # part names, lower first
    signature: int
    final: str | None
    lower: tuple[Note, ...]
    upper: tuple[Note, ...]

    @property
    def n_bars(self) -> int:
        return self.lower[-1].end // WHOLE

    def to_dict(self) -> dict:
        d = {f: getattr(self, f) for f in _FIELDS}
        d["voices"] = list(self.voices)
        for voice in ("lower", "upper"):
            d[voice] = format_notes(d[voice], default=None, bar_ticks=WHOLE)
        return d

    @classmethod
    def from_dict(cls, d: dict) -> Passage:
        return cls(d["mass"], d["movement"], d["file"], tuple(d["voices"]), d["signature"], d["final"],
                   _parse_voice(d["lower"]), _parse_voice(d["upper"]))


@lru_cache(maxsize=1 << 16)
def _parse_bar(text: str) -> tuple[Note, ...]:
    return parse_notes(text)


def _parse_voice(text: str) -> tuple[Note, ...]:
    """``parse_notes`` for a voice written with bar lines, bar by bar: the same few bars recur all
    through the corpus, so caching them makes loading it several times faster."""
    notes: list[Note] = []
    t = 0
    for bar in text.split("|"):
        for n in _parse_bar(bar.strip()):
            notes.append(Note(n.pitch, n.start + t, n.duration, n.tie))
        t = notes[-1].end if notes else t
    return tuple(notes)


# -- the files ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Header:
    mass: str
    title: str
    final: str | None


def read_header(path: Path) -> Header:
    """The mass (``!!!OPR``), title (``!!!OTL``) and cadence finals (``!!!RNB``), read without parsing."""
    raw = Path(path).read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:  # a few files are Latin-1
        text = raw.decode("latin-1")

    def record(key: str) -> str | None:
        m = re.search(rf"^!!!{key}:[ \t]*(.*?)\s*$", text, re.M)
        return m.group(1) if m else None

    finals = record("RNB")
    if finals and finals.lower().startswith("cadence finals:"):
        finals = finals.split(":", 1)[1].replace(" ", "") or None
    else:
        finals = None
    return Header(record("OPR") or Path(path).stem, record("OTL") or "", finals)


def corpus_files() -> list[Path]:
    from music21 import corpus

    return sorted(Path(p) for p in corpus.getComposer("palestrina"))


def select_files(limit: int | None = None, files: list[Path] | None = None) -> list[Path]:
    """The files in build order: one movement from each mass in turn (masses alphabetical, movements by
    file stem), so that the first ``limit`` files span ``min(limit, masses)`` masses."""
    by_mass: dict[str, list[Path]] = defaultdict(list)
    for path in files if files is not None else corpus_files():
        by_mass[read_header(path).mass].append(path)
    queues = [sorted(by_mass[m], key=lambda p: p.stem) for m in sorted(by_mass)]
    order = [q[k] for k in range(max(map(len, queues), default=0)) for q in queues if k < len(q)]
    return order if limit is None else order[:limit]


def extract_file(path: Path | str) -> list[Passage]:
    """Every two-voice passage of one movement (see the module docstring for what a passage is)."""
    from music21 import converter

    from counterpoint.critic.reduce import score_passages

    path = Path(path)
    header = read_header(path)
    score = converter.parse(path)
    file = f"{path.parent.name}/{path.name}"
    return [Passage(header.mass, path.stem, file, final=header.final, **fields)
            for fields in score_passages(score)]


def _extract_or_none(path: Path) -> list[Passage] | None:
    try:
        return extract_file(path)
    except Exception:  # noqa: BLE001 - music21 fails on a bad file in many ways; the build skips it
        return None


# -- the cache ---------------------------------------------------------------------------------------

def cache_path(limit: int | None = None, cache_dir: Path | str | None = None) -> Path:
    """``palestrina-v1-all.jsonl.gz``, or ``palestrina-v1-first40.jsonl.gz`` for a ``limit=40`` build."""
    if cache_dir is None:
        cache_dir = os.environ.get("COUNTERPOINT_CACHE") or Path.home() / ".cache" / "counterpoint"
    name = "all" if limit is None else f"first{limit}"
    return Path(cache_dir) / f"palestrina-v{VERSION}-{name}.jsonl.gz"


def build_dataset(limit: int | None = None, workers: int = 2, cache_dir: Path | str | None = None,
                  progress: bool = True, force: bool = False) -> Path:
    """Extract the passages of the first ``limit`` files (all when None) into the cache; return its path.

    Nothing is done when the file exists, unless ``force``. Beside it, ``<name>.meta.json`` records the
    counts (files, files that failed to parse, passages, masses).
    """
    path = cache_path(limit, cache_dir)
    if path.exists() and not force:
        return path
    files = select_files(limit)
    results = parallel_map(_extract_or_none, files, workers)
    if progress:
        from rich.console import Console
        from rich.progress import track

        results = track(results, total=len(files), description="Palestrina passages",
                        console=Console(stderr=True))
    failed: list[str] = []
    masses: set[str] = set()
    count = 0
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb", mtime=0) as gz:  # mtime 0: the same build, the same bytes
        for file, passages in zip(files, results, strict=True):  # strict: the workers finish, and the pool closes
            if passages is None:
                failed.append(file.name)
                continue
            for p in passages:
                gz.write((json.dumps(p.to_dict(), ensure_ascii=False) + "\n").encode("utf-8"))
                masses.add(p.mass)
                count += 1
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(buf.getvalue())
    os.replace(tmp, path)  # a build cut short never leaves a file that looks complete
    meta = {"version": VERSION, "limit": limit, "files": len(files), "failed": failed,
            "passages": count, "masses": len(masses)}
    path.with_name(path.name.removesuffix(".jsonl.gz") + ".meta.json").write_text(json.dumps(meta, indent=1))
    return path


def load_dataset(path: Path | str) -> list[Passage]:
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return [Passage.from_dict(json.loads(line)) for line in fh if line.strip()]


def split_by_mass(passages: list[Passage], test_fraction: float = 0.2,
                  seed: int = 0) -> tuple[list[Passage], list[Passage]]:
    """(train, test): whole masses go to the test side, about ``test_fraction`` of the masses (at least
    one, and never all, when there are two or more); the same inputs always give the same split."""
    return split_by_key(passages, lambda p: p.mass, test_fraction, seed)


def split_by_key(items: list, key, test_fraction: float = 0.2, seed: int = 0) -> tuple[list, list]:
    """(train, test) with whole groups (``key(item)``, a mass) on the test side, as split_by_mass describes."""
    groups = sorted({key(p) for p in items})
    random.Random(seed).shuffle(groups)
    n_test = round(len(groups) * test_fraction)
    if test_fraction > 0 and len(groups) > 1:
        n_test = min(max(n_test, 1), len(groups) - 1)
    test = set(groups[:n_test])
    return [p for p in items if key(p) not in test], [p for p in items if key(p) in test]
