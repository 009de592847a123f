"""Sanity checks on the three- and four-voice Fux fixtures (tests/data/fux_gradus/fig-NNN-voices.musicxml)."""

import csv
from functools import lru_cache

import pytest

from tests.support import HERE

FOLDER = HERE / "data" / "fux_gradus"
NAMES = {3: ["Soprano", "Alto", "Bass"], 4: ["Soprano", "Alto", "Tenor", "Bass"]}


def _rows() -> list[dict]:
    with open(FOLDER / "figures_voices.tsv", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


ROWS = _rows()


@lru_cache(maxsize=None)
def _score(name: str):
    from music21 import converter

    return converter.parse(str(FOLDER / name))


def test_index_lists_44_three_and_32_four_voice_figures():
    assert len(ROWS) == 76
    voices = [int(r["voices"]) for r in ROWS]
    assert voices.count(3) == 44 and voices.count(4) == 32
    assert len({r["figure"] for r in ROWS}) == 76
    for r in ROWS:
        species = [int(s) for s in r["species"].split(",")]
        assert len(species) == int(r["voices"]) - 1 and all(1 <= s <= 5 for s in species), r
        assert 1 <= int(r["cf_voice"]) <= int(r["voices"]) and r["final"] in "cdefga", r


@pytest.mark.parametrize("row", ROWS, ids=[r["figure"] for r in ROWS])
def test_fixture(row):
    from music21 import expressions, stream

    path = FOLDER / row["file"]
    assert path.exists()
    score = _score(row["file"])
    voices, cf_voice = int(row["voices"]), int(row["cf_voice"])
    parts = list(score.parts)
    assert len(parts) == voices

    names = list(NAMES[voices])
    names[cf_voice - 1] = "Cantus firmus"
    assert [p.partName for p in parts] == names
    assert score.metadata.bestTitle == f"Fux, Gradus ad Parnassum, Fig. {row['figure']}"
    assert not list(score.recurse().getElementsByClass(expressions.TextExpression))

    bars = [list(p.getElementsByClass(stream.Measure)) for p in parts]
    assert len({len(b) for b in bars}) == 1, "all parts have the same number of bars"
    for b in bars:
        assert [m.number for m in b] == list(range(1, len(b) + 1)), "bars numbered from 1"

    for m in bars[cf_voice - 1]:
        notes = list(m.notesAndRests)
        assert len(notes) == 1 and notes[0].isNote, f"cantus firmus bar {m.number}"
        assert notes[0].quarterLength == m.barDuration.quarterLength and notes[0].tie is None
