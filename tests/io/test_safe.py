"""Safe output: whole files or none, no sibling touched, no link followed, no input overwritten, and of
racing writers exactly one wins."""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from counterpoint.cli.main import main
from counterpoint.errors import InputError
from counterpoint.files.safe import safe_output, write_text
from counterpoint.io.writers import SUFFIXES, write_exercise, write_solutions
from tests.support import FUX_DIR, load_fux

FIG5 = FUX_DIR / "fig-005-cf-lower.musicxml"
CF = "D4 F4 E4 D4 G4 F4 A4 G4 F4 E4 D4"
GEN = ["generate", "--cf", CF, "--species", "1", "-n", "1", "--time-limit", "0.3", "--no-critic"]
REPO = Path(__file__).resolve().parents[2]


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def files(folder: Path) -> dict[str, str]:
    return {p.name: sha(p) for p in sorted(folder.iterdir()) if p.is_file()}


def one_sentence(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("counterpoint: ") and lines[0].endswith("."), err
    return lines[0]


def test_mxl_leaves_the_musicxml_beside_it_alone(tmp_path, capsys):
    """music21 writes hw.musicxml, zips it into hw.mxl and deletes it; that must never be the user's file."""
    sibling = tmp_path / "hw.musicxml"
    sibling.write_text("my homework")
    assert main([*GEN, "--out", str(tmp_path / "hw.mxl")]) == 0
    assert sibling.read_text() == "my homework"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hw.musicxml", "hw.mxl"]
    assert main(["check", str(tmp_path / "hw.mxl")]) in (0, 1)


def test_fill_to_mxl_keeps_the_worksheet_of_the_same_name(tmp_path, capsys):
    from tests.test_filling import DORIAN, rests, staff, worksheet

    ws = worksheet(tmp_path / "hw.musicxml", staff("Counterpoint", rests(11), {0: "first species"}), staff("CF", DORIAN))
    before = sha(ws)
    assert main(["fill", str(ws), "-o", str(tmp_path / "hw.mxl"), "--time-limit", "1", "--seed", "1",
                 "--no-critic"]) == 0
    assert sha(ws) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hw.musicxml", "hw.mxl"]


@pytest.mark.parametrize("suffix", [s for s in SUFFIXES if s not in (".png", ".pdf")] + [".pdf"])
def test_every_writer_is_safe(tmp_path, suffix):
    """Each format: written whole, siblings of every other format untouched, no temporary file left,
    an existing file refused without force and replaced (as a new file) with it."""
    from counterpoint.ranking import generate

    if suffix == ".pdf":
        pytest.importorskip("cairosvg")
    found = generate(CF, species=1, n=1, seed=1, time_limit=0.5, critic=False)
    for other in SUFFIXES:
        (tmp_path / f"sib{other}").write_text("sibling")
    before = files(tmp_path)
    out = tmp_path / f"out{suffix}"
    write_solutions(found, out)
    assert out.stat().st_size > 0
    after = files(tmp_path)
    assert {k: v for k, v in after.items() if k != out.name} == before
    first = sha(out)
    with pytest.raises(InputError, match="already exists"):
        write_solutions(found, out)
    assert sha(out) == first
    keep = tmp_path / "hardlink-to-old"
    os.link(out, keep)
    write_solutions(found, out, force=True)
    assert sha(keep) == first  # the old file was replaced, never written into
    assert os.stat(keep).st_ino != os.stat(out).st_ino
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".counterpoint-")]


def test_new_files_get_ordinary_permissions(tmp_path):
    umask = os.umask(0o022)
    try:
        path = write_text(tmp_path / "a.txt", "x")
    finally:
        os.umask(umask)
    assert path.stat().st_mode & 0o777 == 0o644


def test_a_replaced_file_keeps_its_permissions(tmp_path):
    path = write_text(tmp_path / "a.txt", "x")
    path.chmod(0o600)
    write_text(path, "y", force=True)
    assert path.read_text() == "y" and path.stat().st_mode & 0o777 == 0o600


def test_symlinks_are_never_followed(tmp_path):
    target = tmp_path / "target.krn"
    target.write_text("precious")
    link = tmp_path / "link.krn"
    link.symlink_to(target)
    ex = load_fux("fig-005-cf-lower.musicxml")
    for force in (False, True):
        with pytest.raises(InputError, match="symbolic link"):
            write_exercise(ex, link, force=force)
    assert target.read_text() == "precious" and link.is_symlink()
    dangling = tmp_path / "dangling.krn"
    dangling.symlink_to(tmp_path / "created-through-link.krn")
    with pytest.raises(InputError, match="symbolic link"):
        write_exercise(ex, dangling)
    assert not (tmp_path / "created-through-link.krn").exists()


def test_a_symlink_appearing_during_the_write_is_not_followed(tmp_path):
    """The destination is checked again at commit time: a link planted while the search ran is refused."""
    target = tmp_path / "target.txt"
    target.write_text("precious")
    dest = tmp_path / "out.txt"
    with pytest.raises(InputError, match="symbolic link"):
        with safe_output(dest, force=True) as tmp:
            tmp.write_text("new")
            dest.symlink_to(target)
    assert target.read_text() == "precious"


def test_an_input_is_never_written_even_with_force(tmp_path):
    src = tmp_path / "in.krn"
    src.write_text("input")
    alias = tmp_path / "alias.krn"
    os.link(src, alias)
    with pytest.raises(InputError, match="an input of this command"):
        write_text(alias, "output", force=True, inputs=[src])
    assert src.read_text() == "input" and alias.read_text() == "input"


def test_errors_leave_no_temporary_folder(tmp_path):
    with pytest.raises(RuntimeError):
        with safe_output(tmp_path / "x.txt") as tmp:
            tmp.write_text("half")
            raise RuntimeError("the writer failed")
    assert list(tmp_path.iterdir()) == []


# -- killed writers -------------------------------------------------------------------------------

SLOW_WRITER = """
import sys, time
from counterpoint.files.safe import safe_output
with safe_output(sys.argv[1], force=True) as tmp:
    with open(tmp, "wb") as fh:
        for i in range(10_000):
            fh.write(b"x" * 1_000_000)
            fh.flush()
            if i == 20:
                print("writing", flush=True)
            time.sleep(0.01)
"""


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
def test_a_writer_killed_mid_write_leaves_the_old_file(tmp_path, sig):
    dest = tmp_path / "score.krn"
    dest.write_text("the old file\n")
    proc = subprocess.Popen([sys.executable, "-c", SLOW_WRITER, str(dest)], stdout=subprocess.PIPE, text=True,
                            cwd=REPO, env=dict(os.environ, PYTHONPATH=str(REPO)))
    assert proc.stdout.readline().strip() == "writing"  # 20 MB are in the temporary file
    written = [p for p in tmp_path.rglob("*") if p.is_file() and p != dest]
    assert written and written[0].stat().st_size >= 20_000_000
    proc.send_signal(sig)
    proc.wait(timeout=20)
    assert dest.read_text() == "the old file\n"


def test_sigterm_during_generate_leaves_the_old_file_and_no_litter(tmp_path):
    dest = tmp_path / "best.krn"
    dest.write_text("the old file\n")
    proc = subprocess.Popen([sys.executable, "-m", "counterpoint", "generate", "--cf", CF, "--species", "5", "-n", "50",
                             "--time-limit", "60", "--out", str(dest), "--force"], stderr=subprocess.PIPE, text=True,
                            cwd=tmp_path, env=dict(os.environ, PYTHONPATH=str(REPO)))
    time.sleep(3)
    proc.send_signal(signal.SIGTERM)
    err = proc.communicate(timeout=30)[1]
    assert proc.returncode == 143
    assert "terminated" in one_sentence(err)
    assert dest.read_text() == "the old file\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["best.krn"]


# -- races ----------------------------------------------------------------------------------------

def test_eight_racing_generate_runs_one_writes(tmp_path):
    dest = tmp_path / "same.krn"
    env = dict(os.environ, PYTHONPATH=str(REPO), OPENBLAS_NUM_THREADS="1")
    procs = [subprocess.Popen([sys.executable, "-m", "counterpoint", *GEN, "--seed", str(k), "--out", str(dest)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, cwd=tmp_path, env=env)
             for k in range(8)]
    results = [(p.wait(timeout=120), p.stderr.read()) for p in procs]
    codes = sorted(code for code, _ in results)
    assert codes == [0] + [2] * 7, results
    for code, err in results:
        if code == 2:
            assert "already exists" in one_sentence(err)
        else:
            assert err == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["same.krn"]


def _commit_after_barrier(dest: str, k: int, barrier, results) -> None:
    import counterpoint.files.safe as safe

    try:
        with safe_output(dest) as tmp:  # the early check passes for everyone: nothing exists yet
            tmp.write_text(f"writer {k}\n")
            # The worst interleaving: every writer has passed the commit-time check before any writes, so only
            # the atomic step itself (os.link, which fails when the name exists) can stop the other seven.
            safe.check_destination = lambda path, **kw: Path(path)
            barrier.wait(timeout=30)
        results.put(("wrote", k))
    except InputError as exc:
        results.put(("refused", str(exc)))


def test_eight_writers_committing_at_once_exactly_one_wins(tmp_path):
    dest = tmp_path / "same.txt"
    # spawn, not fork: a fork of a process that runs threads (an earlier test's pool, music21's) can inherit a
    # held lock and hang; spawned writers start clean
    ctx = multiprocessing.get_context("spawn")
    barrier, results = ctx.Barrier(8), ctx.Queue()
    procs = [ctx.Process(target=_commit_after_barrier, args=(str(dest), k, barrier, results)) for k in range(8)]
    for p in procs:
        p.start()
    outcomes = [results.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(timeout=60)
    wrote = [k for kind, k in outcomes if kind == "wrote"]
    assert len(wrote) == 1, outcomes
    assert all("already exists" in msg for kind, msg in outcomes if kind == "refused")
    assert dest.read_text() == f"writer {wrote[0]}\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["same.txt"]


# -- the critic model -----------------------------------------------------------------------------

def test_critic_train_without_out_keeps_the_installed_model(capsys):
    from counterpoint.critic.model import default_model_path

    before = sha(default_model_path())
    assert main(["critic", "train", "--limit", "2"]) == 2
    assert "--force" in one_sentence(capsys.readouterr().err)
    assert sha(default_model_path()) == before


def test_model_save_is_safe(tmp_path):
    from counterpoint.critic.model import load_model

    model = load_model()
    path = model.save(tmp_path / "m.json")
    first = sha(path)
    with pytest.raises(InputError, match="already exists"):
        model.save(path)
    model.save(path, force=True)
    assert sha(path) == first and load_model(path).kind == model.kind
