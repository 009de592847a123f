"""The free-polyphony critic (issue 9): reading any score, windows, features, the shipped models, the CLI."""

from __future__ import annotations

import json
import random

import numpy as np
import pytest

from counterpoint.cli.main import main
from counterpoint.critic.free import (HOP, WINDOW, default_free_model_path, perturb, score_passage, spans, window_lines,
                                      windows)
from counterpoint.critic.free_features import NAMES, VOICE_COUNTS, window_features
from counterpoint.critic.free_model import load_free_model
from counterpoint.critic.free_read import Line, Piece, key_midi, piece_from_score
from counterpoint.critic.model import CriticModelError


# -- helpers ----------------------------------------------------------------------------------------

def _write_score(tmp_path, parts, name="free.musicxml"):
    """A MusicXML file from parts given as lists of measures, each (time signature or None, [elements])."""
    from music21 import meter, stream

    score = stream.Score()
    for pname, measures in parts:
        part = stream.Part()
        part.partName = pname
        for number, (ts, elements) in enumerate(measures, 1):
            m = stream.Measure(number=number)
            if ts:
                m.append(meter.TimeSignature(ts))
            for el in elements:
                m.append(el)
            part.append(m)
        score.insert(0, part)
    path = tmp_path / name
    score.write("musicxml", fp=str(path))
    return path


def _n(name, ql, tie=None):
    from music21 import note, tie as m21tie

    n = note.Note(name, quarterLength=ql)
    if tie:
        n.tie = m21tie.Tie(tie)
    return n


def _r(ql):
    from music21 import note

    return note.Rest(quarterLength=ql)


@pytest.fixture(scope="module")
def palestrina_pieces():
    """Four movements of four masses, the first in the corpus' build order."""
    from music21 import converter

    from counterpoint.critic.corpus import select_files

    return [piece_from_score(converter.parse(p), title=p.stem) for p in select_files(4)]


@pytest.fixture(scope="module")
def models():
    return {k: load_free_model(default_free_model_path(k)) for k in VOICE_COUNTS}


# -- reading ----------------------------------------------------------------------------------------

def test_a_file_with_rests_ties_and_metre_changes_is_read_and_windows_cover_its_length(tmp_path):
    upper = [("4/4", [_n("A4", 2), _n("B4", 2, "start")]), (None, [_n("B4", 1, "stop"), _n("C5", 1), _r(2)]),
             ("3/4", [_n("D5", 3)]), (None, [_n("C5", 1), _n("B4", 1), _n("A4", 1)]),
             ("6/8", [_n("G4", 1.5), _n("A4", 1.5)])] + [(None, [_n("B4", 1.5), _n("A4", 1.5)])] * 12
    lower = [("4/4", [_n("D4", 4)]), (None, [_r(2), _n("E4", 2)]), ("3/4", [_n("F4", 3)]),
             (None, [_n("E4", 3)]), ("6/8", [_n("D4", 3)])] + [(None, [_n("G3", 1.5), _n("D4", 1.5)])] * 12
    from counterpoint.scorefile import parse_file

    piece = piece_from_score(parse_file(_write_score(tmp_path, [("Cantus", upper), ("Tenor", lower)])))
    up = piece.lines[0]
    # the tie B4 (2) + B4 (1) is one note of three quarters, from offset 2; the rest leaves a gap
    assert (up.start[1], up.end[1], up.midi[1]) == (2.0, 5.0, 71)
    assert up.start[3] == 8.0  # after the rest at 6-8
    assert piece.length == pytest.approx(4 + 4 + 3 + 3 + 3 * 13)
    # metre: 4/4 strong on 1 and 3; 3/4 only on 1; 6/8 beats are dotted quarters
    levels = piece.metric_level(np.array([0.0, 1.0, 2.0, 8.0, 9.0, 14.0, 15.5, 16.0]))
    assert levels.tolist() == [0, 1, 0, 0, 1, 0, 1, 2]
    spans_ = spans(piece.length)
    assert spans_[0][0] == 0.0 and spans_[-1][1] == pytest.approx(piece.length)
    assert all(b - a == WINDOW for a, b in spans_) and all(
        spans_[i + 1][0] - spans_[i][0] <= HOP for i in range(len(spans_) - 1))
    result = score_passage(piece)
    assert result.windows and 0 <= result.score <= 1
    assert result.windows[-1]["end"] == pytest.approx(piece.length)


def test_key_signatures_spell_moved_notes():
    # one flat: B is B-flat; two sharps: F and C are sharp
    assert key_midi(np.array([4 * 7 + 6]), -1).tolist() == [70]
    assert key_midi(np.array([4 * 7 + 3, 4 * 7 + 0, 4 * 7 + 4]), 2).tolist() == [66, 61, 67]


def test_perturbation_moves_a_third_of_one_voice_by_a_step_or_a_third_and_keeps_the_rhythm(palestrina_pieces):
    piece = palestrina_pieces[0]
    a, b, combo = windows(piece, 2)[2]
    lines = window_lines(piece, combo)
    moved = perturb(piece, lines, a, b, random.Random(3))
    changed = [i for i, (x, y) in enumerate(zip(lines, moved)) if x is not y]
    assert len(changed) == 1
    old, new = lines[changed[0]], moved[changed[0]]
    assert np.array_equal(old.start, new.start) and np.array_equal(old.end, new.end)
    inside = (old.start >= a) & (old.start < b)
    diff = new.diat - old.diat
    assert set(np.abs(diff[diff != 0])) <= {1, 2}
    assert (diff != 0).sum() == round(inside.sum() / 3) and not (diff[~inside] != 0).any()


# -- the shipped models -------------------------------------------------------------------------------

@pytest.mark.parametrize("k", [2, 3])
def test_real_palestrina_windows_outscore_their_perturbed_copies(palestrina_pieces, models, k):
    rng = random.Random(1)
    real, fake = [], []
    for piece in palestrina_pieces:
        for a, b, combo in windows(piece, k)[:40]:
            lines = window_lines(piece, combo)
            real.append(window_features(piece, lines, a, b))
            fake.append(window_features(piece, perturb(piece, lines, a, b, rng), a, b))
    r, f = models[k].score(np.array(real)), models[k].score(np.array(fake))
    assert len(r) >= 60
    assert np.mean(r > f) >= 0.85
    assert r.mean() - f.mean() >= 0.3


def _parallel_piece(piece, a, b, combo, interval_steps):
    """The window's lower voice with a copy of it ``interval_steps`` diatonic steps above as the upper voice."""
    low = window_lines(piece, combo)[0]
    diat = low.diat + interval_steps
    upper = Line("planted", low.start, low.end, key_midi(diat, piece.sharps_at(a)), diat)
    return Piece("planted", (upper, low), piece.bar_offset, piece.bar_number, piece.strong_len, piece.beat_len,
                 piece.keys)


def test_a_planted_chain_of_parallel_fifths_lowers_the_score_and_the_reasons_name_it(palestrina_pieces, models):
    piece = palestrina_pieces[0]
    a, b, combo = windows(piece, 2)[3]
    real = window_features(piece, window_lines(piece, combo), a, b)
    fifths_piece = _parallel_piece(piece, a, b, combo, 4)
    fifths = window_features(fifths_piece, [fifths_piece.lines[1], fifths_piece.lines[0]], a, b)
    names = NAMES[2]
    assert fifths[names.index("motion.parallel_fifths")] > 0.3
    m = models[2]
    assert m.score(fifths)[0] < m.score(real)[0] - 0.3
    against = [r["feature"] for r in m.reasons(fifths, k=5) if r["direction"] == "against"]
    assert any(f.startswith("motion.parallel") for f in against), against


def _four_voices(tmp_path, chords, name="four.musicxml", resting=None):
    """A 4/4 piece of whole-note chords, each given top voice first; voice ``resting`` (0 the top) rests
    after its first bar."""
    from counterpoint.scorefile import parse_file

    def bar(i, v, chord):
        return ("4/4" if i == 0 else None, [_r(4) if v == resting and i else _n(chord[v], 4)])

    parts = [(f"V{v}", [bar(i, v, chord) for i, chord in enumerate(chords)]) for v in range(4)]
    return piece_from_score(parse_file(_write_score(tmp_path, parts, name)))


def test_four_voices_are_one_window_of_the_four_voice_model_and_count_doublings(tmp_path):
    root = [("C5", "G4", "E4", "C3"), ("D5", "A4", "F4", "D3")] * 6  # root doubled, third once
    third = [("E5", "G4", "E4", "C3"), ("F5", "A4", "F4", "D3")] * 6  # the third doubled
    names = NAMES[4]
    rows = {}
    for label, chords in (("root", root), ("third", third)):
        piece = _four_voices(tmp_path, chords, f"{label}.musicxml")
        (a, b, combo), *_ = windows(piece, 4)
        assert len(combo) == 4 and not windows(piece, 5)
        rows[label] = row = window_features(piece, window_lines(piece, combo), a, b)
        assert row.shape == (len(names),) and row[names.index("texture.complete_triad")] == 1.0
        result = score_passage(piece)
        assert {len(w["voices"]) for w in result.windows} == {4}, "a four-voice piece is read four voices at a time"
    assert rows["root"][names.index("doubling.root")] == 1.0 and rows["root"][names.index("doubling.third")] == 0.0
    assert rows["third"][names.index("doubling.third")] == 1.0 and rows["third"][names.index("doubling.root")] == 0.0
    # the three-voice features keep their meaning: the bass is doubled (in a three-class chord) only in the first
    assert rows["root"][names.index("doubling.bass")] == 1.0 and rows["third"][names.index("doubling.bass")] == 0.0
    assert rows["root"][names.index("spacing.crossing")] == 0.0


def test_a_four_voice_piece_whose_bass_rests_is_read_three_voices_at_a_time(tmp_path):
    chords = [("C5", "G4", "E4", "C3"), ("D5", "A4", "F4", "D3")] * 6
    piece = _four_voices(tmp_path, chords, resting=3)
    assert not windows(piece, 4)
    result = score_passage(piece)
    assert {len(w["voices"]) for w in result.windows} == {3}
    assert all("V3" not in w["voices"] for w in result.windows)


def test_generated_models_are_scored_too():
    from counterpoint.model.build import from_text

    ex = from_text("D4 F4 E4 D4 G4 F4 A4 G4 F4 E4 D4", "A4 A4 G4 A4 B4 C5 C5 B4 D5 C#5 D5")
    result = score_passage(ex)
    assert 0 <= result.score <= 1 and result.windows[0]["voices"] == ["counterpoint", "cantus firmus"]


def test_the_shipped_models_are_free_models_and_a_tampered_one_is_refused(tmp_path, models):
    assert all(models[k].feature_names == NAMES[k] and models[k].metadata["voices"] == k for k in VOICE_COUNTS)
    doc = json.loads(default_free_model_path(2).read_text())
    doc["model"]["params"]["baseline"] += 1.0  # edited after training: the checksum no longer matches
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc))
    with pytest.raises(CriticModelError, match="checksum"):
        load_free_model(bad)
    from counterpoint.critic.model import default_model_path

    with pytest.raises(CriticModelError, match="free critic"):
        load_free_model(default_model_path())  # the species model


# -- the command line ---------------------------------------------------------------------------------

def _two_voices(tmp_path, bars=12):
    upper = [("4/2", [_n("D5", 2), _n("C5", 1), _n("B-4", 1), _n("A4", 2), _n("G4", 2)])] + \
        [(None, [_n("A4", 2), _n("B-4", 2), _n("C5", 2), _n("D5", 2)])] * (bars - 1)
    lower = [("4/2", [_n("D4", 4), _n("F4", 4)])] + [(None, [_n("F4", 4), _n("E4", 2), _n("D4", 2)])] * (bars - 1)
    return _write_score(tmp_path, [("Cantus", upper), ("Tenor", lower)])


def test_score_json_has_the_issue_shape(tmp_path, capsys):
    path = _two_voices(tmp_path)
    assert main(["critic", "score", str(path), "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert set(doc) == {"score", "windows", "reasons"}
    assert 0 <= doc["score"] <= 1 and len(doc["windows"]) == 5  # 96 quarter lengths: windows every 16
    w = doc["windows"][0]
    assert set(w) == {"start", "end", "bars", "voices", "score"} and w["voices"] == ["Cantus", "Tenor"]
    assert doc["score"] == pytest.approx(np.mean([w["score"] for w in doc["windows"]]), abs=1e-3)
    assert {"feature", "direction", "value", "typical", "weight"} <= set(doc["reasons"][0])


def test_species_exercises_keep_the_species_critic(capsys):
    from tests.support import FUX_DIR

    assert main(["critic", "score", str(FUX_DIR / "fig-005-cf-lower.musicxml"), "--format", "json"]) == 0
    assert "windows" not in json.loads(capsys.readouterr().out)
    assert main(["critic", "score", str(FUX_DIR / "fig-005-cf-lower.musicxml"), "--style", "free", "--format", "json"]) == 0
    assert "windows" in json.loads(capsys.readouterr().out)


def test_the_library_scores_a_free_passage_as_the_command_does(tmp_path, capsys):
    from counterpoint.critic import load_model, score_file
    from counterpoint.errors import InputError
    from tests.support import FUX_DIR

    path = _two_voices(tmp_path)
    found = score_file(path)  # not a species exercise: the free critic, window by window
    assert len(found.windows) == 5 and found.windows[0]["voices"] == ["Cantus", "Tenor"]
    assert main(["critic", "score", str(path), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == json.loads(json.dumps(found.to_dict()))
    with pytest.raises(InputError, match="no stretch of six bars"):  # the species critic's reduction finds none
        score_file(path, style="species")
    with pytest.raises(InputError, match="free model"):
        score_file(path, load_model(), style="free")
    fig5 = FUX_DIR / "fig-005-cf-lower.musicxml"
    assert not hasattr(score_file(fig5), "windows")  # a species exercise keeps the species critic
    assert len(score_file(fig5, style="free").windows) >= 1
    assert len(score_file(fig5, voices=(1, 2)).windows) >= 1  # choosing voices means the free critic


def _one_sentence(capsys, argv, *words):
    code = main(argv)
    err = capsys.readouterr().err.strip()
    assert code == 2 and len(err.splitlines()) == 1 and err.endswith("."), err
    for w in words:
        assert w in err, err


def test_bad_input_is_one_sentence_and_exit_2(tmp_path, capsys):
    one = _write_score(tmp_path, [("Solo", [("4/4", [_n("C5", 4)])] * 4)], "one.musicxml")
    _one_sentence(capsys, ["critic", "score", str(one)], "1 voice")
    five = _write_score(tmp_path, [(f"V{i}", [("4/4", [_n(p, 4)])] * 12) for i, p in
                                   enumerate(["C5", "G4", "E4", "C4", "C3"])], "five.musicxml")
    _one_sentence(capsys, ["critic", "score", str(five)], "5 voices", "--voices")
    _one_sentence(capsys, ["critic", "score", str(five), "--voices", "1,9"], "no voice 9")
    assert main(["critic", "score", str(five), "--voices", "1,2,5", "--format", "json"]) == 0
    assert len(json.loads(capsys.readouterr().out)["windows"][0]["voices"]) == 3


def test_training_on_a_tiny_subset_writes_loadable_models(tmp_path, capsys):
    out = tmp_path / "models"
    out.mkdir()
    assert main(["critic", "train", "--free", "--limit", "6", "--max-train", "150", "--max-test", "60",
                 "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "held-out AUC" in printed and "josquin" in printed
    for k in VOICE_COUNTS:
        m = load_free_model(out / f"free_model_{k}v.json")
        assert m.feature_names == NAMES[k] and m.metadata["voices"] == k
        assert 0.5 <= m.metadata["metrics"][f"{k}v"]["auc_real_vs_perturbed"] <= 1
    # the installed models are not replaced without --force
    _one_sentence(capsys, ["critic", "train", "--free", "--limit", "6"], "--force")


def test_chords_left_out_of_a_score_are_named_on_stderr(tmp_path, capsys):
    """The critics read single lines; a part with chords is still scored, and a note says how many were left out."""
    abc = tmp_path / "chords.abc"
    abc.write_text("X:1\nT:chords\nM:4/4\nL:1/4\nK:D dorian\nV:1\n[DA]4 | F4 | [EA]4 | D4 | G4 | F4 | A4 | G4 | F4 | E4 | D4 |\n"
                   "V:2\nD,4 | D,4 | C,4 | B,,4 | B,,4 | D,4 | F,4 | E,4 | D,4 | C,4 | D,4 |\n", encoding="utf-8")
    assert main(["critic", "score", str(abc), "--style", "free"]) == 0
    captured = capsys.readouterr()
    assert "free critic score" in captured.out
    assert "part 1 has 2 chords; the critic reads single lines, so they were left out of the score." in captured.err
    assert "part 2 has" not in captured.err
