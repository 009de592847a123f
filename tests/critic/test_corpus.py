"""The critic's corpus: Palestrina reduced to two-voice passages on whole-note bars, cached and split by mass."""

from __future__ import annotations

import gzip
import json

import pytest
from music21 import converter, key, meter, note, stream

from counterpoint.critic.corpus import (
    VERSION,
    Passage,
    build_dataset,
    cache_path,
    extract_file,
    load_dataset,
    read_header,
    select_files,
    split_by_mass,
)
from counterpoint.critic.reduce import score_passages, voice_names
from counterpoint.model.exercise import WHOLE, Note
from counterpoint.model.notation import parse_notes
from counterpoint.model.pitch import Pitch


@pytest.fixture(scope="module")
def order():
    return select_files()


@pytest.fixture(scope="module")
def first(order):
    """The first file of the build order, its parsed score and its passages."""
    path = order[0]
    return path, converter.parse(path), extract_file(path)


def _merged(notes) -> list[int]:
    """Attack pitches (MIDI), tied continuations folded in."""
    out, tied = [], False
    for n in notes:
        if not tied:
            out.append(n.pitch.midi)
        tied = n.tie
    return out


def _contains(seq: list[int], sub: list[int]) -> bool:
    return any(seq[i:i + len(sub)] == sub for i in range(len(seq) - len(sub) + 1))


# -- a real movement ---------------------------------------------------------------------------------

def test_real_passages_are_two_sounding_voices_on_whole_note_bars(first):
    _, _, passages = first
    assert len(passages) >= 5
    for p in passages:
        assert 8 <= p.n_bars <= 12
        for voice in (p.lower, p.upper):
            assert voice[0].start == 0 and voice[-1].end == p.n_bars * WHOLE
            assert all(a.end == b.start for a, b in zip(voice, voice[1:]))  # no gaps: sounding throughout
            assert all(n.pitch is not None for n in voice)  # and no rests
            assert all(n.start // WHOLE == (n.end - 1) // WHOLE for n in voice)  # each note in one bar
            for a, b in zip(voice, voice[1:]):
                if a.tie:
                    assert b.pitch == a.pitch
        mean = [sum(n.pitch.midi * n.duration for n in v) / (p.n_bars * WHOLE) for v in (p.lower, p.upper)]
        assert mean[0] <= mean[1]


def test_real_passages_follow_the_source_voices(first):
    path, score, passages = first
    names = voice_names(list(score.parts))
    source = {}
    for name, part in zip(names, score.parts):
        notes = [n for n in part.flatten().notes if isinstance(n, note.Note)]
        source[name] = [n.pitch.midi for i, n in enumerate(notes)
                        if not (i and notes[i - 1].tie is not None and notes[i - 1].tie.type in ("start", "continue")
                                and notes[i - 1].pitch.midi == n.pitch.midi)]
    for p in passages:
        assert p.mass == read_header(path).mass and p.movement == path.stem and p.file.endswith(path.name)
        assert len(set(p.voices)) == 2 and set(p.voices) <= set(names)
        for name, voice in zip(p.voices, (p.lower, p.upper)):
            assert _contains(source[name], _merged(voice)), (p.voices, name)


def test_mass_and_finals_come_from_the_header(order, tmp_path):
    agnus = next(f for f in order if f.name == "Agnus.krn")
    assert read_header(agnus).mass == "Missa De Beata Marie Virginis (I)"
    assert read_header(agnus).title == "Agnus"
    f = tmp_path / "Kyrie.krn"
    f.write_bytes("!!!COM: Palestrina\n!!!OPR: Missa Ad fugam\n!!!OTL: Kyrie é\n!!!RNB: Cadence finals: C, D\n**kern\n"
                  .encode("latin-1"))
    h = read_header(f)
    assert (h.mass, h.title, h.final) == ("Missa Ad fugam", "Kyrie é", "C,D")
    f.write_text("!!!OPR: Missa Brevis\n**kern\n")
    assert read_header(f).final is None


# -- the reduction on made-up scores -----------------------------------------------------------------

def _part(spec, ts="4/2", name="", sharps=0):
    p = stream.Part()
    p.append(meter.TimeSignature(ts))
    p.append(key.KeySignature(sharps))
    for pitch, ql in spec:
        p.append(note.Rest(quarterLength=ql) if pitch is None else note.Note(pitch, quarterLength=ql))
    p = p.makeMeasures()
    p.partName = name
    return p


def test_a_rest_ends_the_span_and_long_spans_are_cut_in_twelves():
    upper = _part([("D5", 4)] * 24, name="Cantus")
    lower = _part([("D3", 4)] * 10 + [(None, 4)] + [("F3", 4)] * 13, name="Bassus", sharps=-1)
    out = list(score_passages(stream.Score([upper, lower])))
    assert [len(d["lower"]) for d in out] == [10, 12]  # 13 bars after the rest: 12, and 1 left over
    assert all(d["voices"] == ("Bassus", "Cantus") and d["signature"] == -1 for d in out)
    assert {n.pitch.name for n in out[1]["lower"]} == {"F3"}


def test_notes_are_split_at_bar_lines_and_into_written_values():
    # A breve across two of our bars; five sixteenths (no single note value) then a dotted eighth.
    upper = _part([("A4", 1.25), ("G4", 0.75), ("A4", 2)] + [("A4", 8)] * 4 + [("F4", 4)] * 3)
    lower = _part([("D3", 4)] * 11 + [("D3", 1)] + [(None, 3)])
    (d,) = score_passages(stream.Score([upper, lower]))
    a4, g4 = Pitch.parse("A4"), Pitch.parse("G4")
    assert d["upper"][:4] == (Note(a4, 0, 4, True), Note(a4, 4, 1), Note(g4, 5, 3), Note(a4, 8, 8))
    assert d["upper"][4:6] == (Note(a4, 16, 16, True), Note(a4, 32, 16))
    assert len(d["lower"]) == 11  # the final quarter before the rest makes no whole bar


def test_finer_rhythms_and_triple_metre_give_no_passage():
    triplet = [("E4", 4 / 3)] * 3
    upper = _part([("C5", 4)] * 3 + triplet + [("C5", 4)] * 6)
    assert list(score_passages(stream.Score([upper, _part([("C3", 4)] * 10)]))) == []
    triple = stream.Score([_part([("C5", 6)] * 16, ts="3/2"), _part([("C3", 6)] * 16, ts="3/2")])
    assert list(score_passages(triple)) == []


def test_lower_is_the_lower_voice_whatever_the_part_order():
    high = _part([("C4", 4)] * 8, name="Tenor")
    low = _part([("A3", 4)] * 8, name="Tenor")  # listed first, as if it were the upper part
    (d,) = score_passages(stream.Score([low, high]))
    assert d["voices"] == ("Tenor 1", "Tenor 2")
    assert d["lower"][0].pitch.name == "A3"


# -- the cache and the split -------------------------------------------------------------------------

def test_the_cache_round_trips_exactly_and_is_built_once(first, tmp_path):
    _, _, passages = first
    path = build_dataset(limit=1, workers=1, cache_dir=tmp_path, progress=False)
    assert path == cache_path(1, tmp_path) and f"v{VERSION}" in path.name and "first1" in path.name
    assert load_dataset(path) == passages
    with gzip.open(path, "rt") as fh:
        line = json.loads(fh.readline())
    assert list(line) == ["mass", "movement", "file", "voices", "signature", "final", "lower", "upper"]
    assert "|" in line["lower"]
    stamp = path.stat().st_mtime_ns
    assert build_dataset(limit=1, workers=1, cache_dir=tmp_path, progress=False) == path
    assert path.stat().st_mtime_ns == stamp
    meta = json.loads(path.with_name(f"palestrina-v{VERSION}-first1.meta.json").read_text())
    assert meta["files"] == 1 and meta["passages"] == len(passages) and meta["failed"] == []


def test_cache_names_tell_subsets_from_the_whole(tmp_path, monkeypatch):
    monkeypatch.setenv("COUNTERPOINT_CACHE", str(tmp_path))
    assert cache_path().parent == tmp_path
    assert cache_path(None) != cache_path(40) and "all" in cache_path().name


def test_limit_takes_files_round_robin_across_masses(order):
    assert len(order) == 1318 and len(set(order)) == 1318
    masses = [read_header(f).mass for f in order]
    n_masses = len(set(masses))
    assert n_masses > 90
    assert select_files(12) == order[:12]
    assert len(set(masses[:12])) == 12
    assert len(set(masses[:n_masses])) == n_masses  # one movement of every mass before any second one


def _passage(mass: str, k: int) -> Passage:
    notes = parse_notes("D4 E4")
    return Passage(mass, f"Kyrie_{k}", f"palestrina/Kyrie_{k}.krn", ("Bassus", "Cantus"), 0, None, notes, notes)


def test_split_by_mass_keeps_masses_apart_and_is_deterministic():
    passages = [_passage(f"Missa {m}", k) for m in range(10) for k in range(m + 1)]
    train, test = split_by_mass(passages, test_fraction=0.2, seed=3)
    assert len(train) + len(test) == len(passages)
    assert not {p.mass for p in train} & {p.mass for p in test}
    assert len({p.mass for p in test}) == 2
    assert split_by_mass(passages, test_fraction=0.2, seed=3) == (train, test)
    assert split_by_mass(passages, test_fraction=0.2, seed=4) != (train, test)
    assert split_by_mass(passages[:3], test_fraction=0.2)[1]  # two masses still give a test mass
