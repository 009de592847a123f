"""`counterpoint check` on three- and four-voice exercises: voices named in every report, --cf-voice N."""

from __future__ import annotations

import json

from music21 import converter

from counterpoint import check
from counterpoint.cli.main import main
from counterpoint.io.texture_io import load_texture, write_texture
from counterpoint.model.edit import set_voice_pitch
from tests.support import FUX_DIR

FIG160 = FUX_DIR / "fig-160-voices.musicxml"  # four voices, first species, cantus firmus in the alto


def _planted(tmp_path):
    """Fig. 160 with the tenor's G3 in bar 5 moved to C4: G3 under the alto's D4 (bar 4), then C4 under its G4."""
    tex = set_voice_pitch(load_texture(FIG160), 3, 5, 1, "C4")
    return write_texture(tex, tmp_path / "homework.musicxml")


def test_fux_figure_in_four_voices_passes(capsys):
    assert main(["check", str(FIG160)]) == 0
    out = capsys.readouterr().out
    assert "four voices: soprano in first species, tenor in first species, bass in first species, cantus firmus in the alto" in out
    assert "0 errors" in out or "no errors" in out


def test_planted_parallel_fifth_names_its_voices_and_bar(tmp_path, capsys):
    # the tenor's G3 (bar 4, a fifth under the alto's D4) moved in bar 5 to C4, a fifth under the alto's G4:
    # both rise, so tenor and alto move in parallel fifths into bar 5
    path = _planted(tmp_path)
    assert main(["check", str(path)]) == 1
    out = capsys.readouterr().out
    lines = [ln.strip() for ln in out.splitlines() if "V101" in ln]
    assert lines and lines[0].startswith("alto–tenor, bar 5"), out


def test_json_names_the_voices(tmp_path, capsys):
    path = _planted(tmp_path)
    assert main(["check", "--format", "json", str(path)]) == 1
    [report] = json.loads(capsys.readouterr().out)["reports"]
    assert [v["name"] for v in report["exercise"]["voices"]] == ["soprano", "alto", "tenor", "bass"]
    assert report["exercise"]["cf_voice"] == 2
    v101 = [(v["bar"], v["voice"]) for v in report["violations"] if v["code"] == "V101"]
    assert (5, "alto–tenor") in v101


def test_cf_voice_by_number_and_bad_number(tmp_path, capsys):
    assert main(["check", "--cf-voice", "2", str(FIG160)]) == 0
    assert main(["check", "--cf-voice", "9", str(FIG160)]) == 2
    err = capsys.readouterr().err
    assert "--cf-voice must be a voice number from 1 (the highest) to 4" in err and "Traceback" not in err


def test_wrong_cf_voice_makes_a_clear_error(capsys):
    # the soprano moves in whole notes too, but read as the cantus firmus its C sharp fits no mode on D:
    # one sentence and exit 2, not a crash
    assert main(["check", "--cf-voice", "1", str(FIG160)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("counterpoint: ") and "mode" in err and err.count("\n") == 0 and "Traceback" not in err


def test_marked_copy_keeps_four_parts(tmp_path, capsys):
    path = _planted(tmp_path)
    out = tmp_path / "marked.musicxml"
    assert main(["check", str(path), "--out", str(out)]) == 1
    score = converter.parse(str(out))
    assert len(score.parts) == 4
    texts = [t.content for t in score.recurse().getElementsByClass("TextExpression")]
    assert any(t.startswith("V101") for t in texts)


def test_library_check_reads_a_texture():
    report = check(FIG160)
    assert report.exercise.n_voices == 4 and report.ok


def test_library_check_reads_a_music21_score_as_a_file_is_read():
    """A music21 Score has a ``voices`` attribute of its own: it must not be taken for a Texture."""
    from music21 import converter

    from counterpoint.model.build import from_text

    texture = check(converter.parse(str(FIG160)))
    assert texture.exercise.n_voices == 4 and texture.ok and texture.path == ""
    planted = from_text("D4 F4 E4 D4 G4 F4 A4 G4 F4 E4 D4", "A4 A4 G4 A4 D5 C5 C5 B4 D5 C#5 D5")
    report = check(planted.to_music21())
    assert report.exercise.n_bars == 11
    assert [v.bar for v in report.violations if v.code == "V101"] == [5, 6]  # the demo's two parallel fifths
