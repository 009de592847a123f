"""A hostile user's corpus: every case ends in exit 2 (or the stated code), exactly one line on stderr that
is one sentence (``counterpoint: ... .``), no traceback, within a time bound, and nothing the user had is
changed. Cases that could eat memory or time run in a subprocess under a 500 MB address-space limit.

The table is :data:`CASES`; each row builds its files in ``tmp_path`` and returns the command line.
"""

from __future__ import annotations

import hashlib
import json
import os
import resource
import shutil
import subprocess
import sys
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest

from counterpoint.cli.main import main
from tests.support import FUX_DIR

FIG5 = FUX_DIR / "fig-005-cf-lower.musicxml"
CF = "D4 F4 E4 D4 G4 F4 A4 G4 F4 E4 D4"
CP = "A4 A4 G4 A4 B4 C5 C5 B4 D5 C#5 D5"
GEN = ["generate", "--cf", CF, "--species", "1", "-n", "1", "--time-limit", "0.3", "--no-critic"]
MEMORY_LIMIT = 500 * 2**20
ROOT = os.geteuid() == 0


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def one_sentence(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    line = lines[0]
    assert line.startswith("counterpoint: ") and line.endswith("."), line
    assert "Traceback" not in err and "usage:" not in err, err
    return line


# -- file builders --------------------------------------------------------------------------------

def copy_fig(t: Path, name: str = "in.musicxml") -> Path:
    dst = t / name
    shutil.copy(FIG5, dst)
    return dst


def text_file(t: Path, name: str, text: str | bytes) -> Path:
    p = t / name
    (p.write_bytes if isinstance(text, bytes) else p.write_text)(text)
    return p


def rulebook(t: Path, text: str) -> str:
    return str(text_file(t, "book.toml", text))


def worksheet_file(t: Path, name: str = "w.musicxml") -> Path:
    from tests.test_filling import DORIAN, rests, staff, worksheet

    return worksheet(t / name, staff("Counterpoint", rests(11), {0: "first species"}), staff("CF", DORIAN))


def model_doc() -> dict:
    from counterpoint.critic.model import default_model_path

    return json.loads(default_model_path().read_text())


def forged_model(t: Path, edit: Callable[[dict], None], name: str = "m.json") -> str:
    """The shipped model edited by ``edit`` and given a recomputed checksum (which has no key)."""
    from counterpoint.critic.model import _digest

    doc = model_doc()
    edit(doc["model"])
    doc["sha256"] = _digest(doc["model"])
    p = t / name
    p.write_text(json.dumps(doc))
    return str(p)


def _first_tree(m: dict) -> dict:
    return m["params"]["trees"][0]


def _inner(tree: dict) -> int:
    return tree["leaf"].index(False)


def _cycle(m: dict) -> None:
    """A loop: the deepest inner node's left child is the root again."""
    tree = _first_tree(m)
    inner = [i for i, leaf in enumerate(tree["leaf"]) if not leaf]
    tree["left"][inner[-1]] = 0


def _shared_child(m: dict) -> None:
    """Not a tree but a graph: two inner nodes share a child (and one node is orphaned)."""
    tree = _first_tree(m)
    inner = [i for i, leaf in enumerate(tree["leaf"]) if not leaf]
    tree["left"][inner[1]] = tree["left"][inner[0]]


def _long_chain(m: dict) -> None:
    """A legal-looking tree 5,000 levels deep (a chain of inner nodes)."""
    n = 10_001
    tree = {"feature": [0] * n, "threshold": [0.0] * n, "left": [0] * n, "right": [0] * n,
            "leaf": [True] * n, "value": [0.0] * n, "missing_left": [False] * n}
    for k in range(5000):
        node = 2 * k
        tree["leaf"][node] = False
        tree["left"][node], tree["right"][node] = node + 1, node + 2
    m["params"]["trees"] = [tree]


def _set(path: tuple, value) -> Callable[[dict], None]:
    def edit(m: dict) -> None:
        target = m
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
    return edit


def nested_json(t: Path, depth: int = 100_000) -> str:
    return str(text_file(t, "deep.json", '{"model":' + "[" * depth + "]" * depth + "}"))


def five_thousand_digits(t: Path) -> str:
    doc = model_doc()
    text = json.dumps(doc).replace('"baseline": ', '"baseline": ' + "9" * 5000 + ", \"x\": ", 1)
    return str(text_file(t, "digits.json", text))


def big_score(t: Path, mb: float = 5) -> str:
    head = FIG5.read_text()
    p = t / "big.musicxml"
    p.write_text(head.replace("</score-partwise>", "<!--" + " " * int(mb * 1_000_000) + "--></score-partwise>"))
    return str(p)


def mxl_with(t: Path, members: dict[str, bytes], name: str = "x.mxl") -> str:
    p = t / name
    with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as zf:
        for member, data in members.items():
            zf.writestr(member, data)
    return str(p)


def billion_laughs(t: Path) -> str:
    """Nested XML entities that would expand to 3 GB (expat refuses the amplification)."""
    text = '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n<!ENTITY lol0 "lollollollollollollollollollol">\n'
    for i in range(1, 10):
        text += f'<!ENTITY lol{i} "' + f"&lol{i - 1};" * 10 + '">\n'
    text += ']>\n<score-partwise version="3.1"><work><work-title>&lol9;</work-title></work><part-list/></score-partwise>\n'
    return str(text_file(t, "lol.musicxml", text))


def deep_xml(t: Path, depth: int = 100_000) -> str:
    body = "<a>" * depth + "</a>" * depth
    return str(text_file(t, "deep.musicxml", f'<?xml version="1.0"?>\n<score-partwise version="3.1"><part-list/>'
                                             f"{body}</score-partwise>"))


def symlink(t: Path, target: Path, name: str) -> Path:
    link = t / name
    link.symlink_to(target)
    return link


# -- the table ------------------------------------------------------------------------------------

@dataclass
class Case:
    id: str
    argv: Callable[[Path], list[str]]
    words: tuple[str, ...] = ()
    code: int = 2
    seconds: float = 20.0


def C(id, argv, *words, code=2, seconds=20.0):
    return Case(id, argv, tuple(words), code, seconds)


CASES = [
    # command lines argparse refuses: one sentence, never a usage dump
    C("unknown-command", lambda t: ["bogus"], "invalid choice"),
    C("unknown-flag", lambda t: ["--bogus"], "unrecognized arguments"),
    C("check-no-file", lambda t: ["check"], "give an exercise file"),
    C("critic-no-action", lambda t: ["critic"], "required"),
    C("generate-no-species", lambda t: ["generate", "--cf", CF], "--species"),
    C("species-7", lambda t: ["generate", "--cf", CF, "--species", "7"], "invalid choice"),
    C("species-word", lambda t: ["generate", "--cf", CF, "--species", "two"], "--species"),
    C("n-zero", lambda t: [*GEN, "-n", "0"], "-n must be a whole number from 1 to 1000"),
    C("n-negative", lambda t: [*GEN, "-n", "-3"], "-n must be"),
    C("n-over-cap", lambda t: [*GEN, "-n", "1001"], "from 1 to 1000"),
    C("n-word", lambda t: [*GEN, "-n", "ten"], "-n must be"),
    C("n-float", lambda t: [*GEN, "-n", "1e3"], "-n must be"),
    C("time-nan", lambda t: [*GEN, "--time-limit", "nan"], "--time-limit must be"),
    C("time-inf", lambda t: [*GEN, "--time-limit", "inf"], "--time-limit must be"),
    C("time-tiny", lambda t: [*GEN, "--time-limit", "1e-9"], "from 0.05"),
    C("time-negative", lambda t: [*GEN, "--time-limit", "-1"], "--time-limit must be"),
    C("time-word", lambda t: [*GEN, "--time-limit", "soon"], "--time-limit must be"),
    C("time-huge", lambda t: [*GEN, "--time-limit", "1e9"], "3600"),
    C("seed-word", lambda t: [*GEN, "--seed", "abc"], "--seed must be a whole number"),
    C("seed-huge", lambda t: [*GEN, "--seed", "9" * 30], "--seed"),
    C("format-xml", lambda t: [*GEN, "--format", "xml"], "invalid choice"),
    C("cf-and-input", lambda t: [*GEN, "--input", str(FIG5)], "not allowed with"),
    C("fill-time-nan", lambda t: ["fill", str(worksheet_file(t)), "--time-limit", "nan"], "--time-limit must be"),
    C("fill-n-zero", lambda t: ["fill", str(worksheet_file(t)), "-n", "0"], "-n must be"),
    C("fill-has-no-mode", lambda t: ["fill", str(worksheet_file(t)), "--mode", "dorian"], "unrecognized arguments"),
    C("max-size-zero", lambda t: ["check", str(FIG5), "--max-size", "0"], "more than 0"),
    C("max-size-nan", lambda t: ["check", str(FIG5), "--max-size", "nan"], "size limit"),
    C("max-size-word", lambda t: ["check", str(FIG5), "--max-size", "big"], "number of megabytes"),
    C("check-species-9", lambda t: ["check", str(FIG5), "--species", "9"], "invalid choice"),

    # output paths: refused before the search, and nothing changed
    C("out-missing-folder", lambda t: [*GEN, "--out", str(t / "no" / "x.musicxml")], "does not exist"),
    C("out-under-a-file", lambda t: [*GEN, "--out", str(text_file(t, "f", "keep") / "x.krn")], "not a folder"),
    C("out-into-proc", lambda t: [*GEN, "--out", "/proc/counterpoint-hostile.krn"], "cannot write"),
    C("out-onto-folder", lambda t: [*GEN, "--out", str((t / "d.krn").mkdir() or t / "d.krn"), "--force"], "is a folder"),
    C("out-exists", lambda t: [*GEN, "--out", str(text_file(t, "x.krn", "mine"))], "already exists", "--force"),
    C("out-bad-suffix", lambda t: [*GEN, "--out", str(t / "x.docx")], "cannot write x.docx"),
    C("out-symlink", lambda t: [*GEN, "--out", str(symlink(t, text_file(t, "real.krn", "mine"), "l.krn")), "--force"],
      "symbolic link"),
    C("out-dangling-symlink", lambda t: [*GEN, "--out", str(symlink(t, t / "nowhere.krn", "l.krn"))], "symbolic link"),
    C("out-is-input", lambda t: ["generate", "--input", str(copy_fig(t)), "--species", "1", "--out",
                                 str(t / "in.musicxml"), "--force"], "input"),
    C("out-hardlink-to-input", lambda t: ["generate", "--input", str(copy_fig(t)), "--species", "1", "--out",
                                          str(_hardlink(t / "in.musicxml", t / "link.musicxml")), "--force"],
      "an input of this command"),
    C("out-hardlink-to-rulebook", lambda t: [*GEN, "--rules", rulebook(t, 'extends = "fux"\n'), "--out",
                                             str(_hardlink(t / "book.toml", t / "book.krn")), "--force"],
      "an input of this command"),
    C("fill-out-is-worksheet", lambda t: ["fill", str(worksheet_file(t)), "-o", str(t / "w.musicxml"), "--force"],
      "worksheet itself"),
    C("fill-out-hardlink", lambda t: ["fill", str(worksheet_file(t)), "-o",
                                      str(_hardlink(t / "w.musicxml", t / "w2.musicxml")), "--force"],
      "worksheet itself"),
    C("fill-out-exists", lambda t: ["fill", str(worksheet_file(t)), "-o", str(text_file(t, "f.musicxml", "x"))],
      "already exists"),
    C("fill-out-midi", lambda t: ["fill", str(worksheet_file(t)), "-o", str(t / "f.mid")], ".musicxml, .xml, .mxl, .pdf"),
    C("fill-out-symlink", lambda t: ["fill", str(worksheet_file(t)), "-o",
                                     str(symlink(t, text_file(t, "o.musicxml", "mine"), "f.musicxml")), "--force"],
      "symbolic link"),
    C("train-replaces-installed", lambda t: ["critic", "train", "--limit", "2"], "installed model", "--force"),
    C("train-out-exists", lambda t: ["critic", "train", "--limit", "2", "--out", str(text_file(t, "m.json", "{}"))],
      "already exists"),
    C("train-too-few-passages", lambda t: ["critic", "train", "--limit", "2", "--out", str(t / "new.json")],
      "too few", "--limit", seconds=120),
    C("train-max-train-zero", lambda t: ["critic", "train", "--max-train", "0", "--out", str(t / "new.json")],
      "--max-train must be at least 1"),
    C("train-out-symlink", lambda t: ["critic", "train", "--out", str(symlink(t, t / "nowhere.json", "m.json"))],
      "symbolic link"),

    C("evaluate-limit-zero", lambda t: ["critic", "evaluate", "--rerun", "--limit", "0"], "--limit must be at least 2"),

    # input files: bounded, and only regular files
    C("input-name-too-long", lambda t: ["check", str(t / ("x" * 300 + ".musicxml"))], "file name too long"),
    C("rules-name-too-long", lambda t: ["check", str(FIG5), "--rules", "x" * 5000], "file name too long"),
    C("out-name-too-long", lambda t: [*GEN, "--out", str(t / ("x" * 300 + ".krn"))], "file name too long"),
    C("input-too-big", lambda t: ["check", big_score(t)], "more than the 1 MB limit", "--max-size"),
    C("input-too-big-generate", lambda t: ["generate", "--input", big_score(t), "--species", "1"], "--max-size"),
    C("input-too-big-fill", lambda t: ["fill", big_score(t)], "--max-size"),
    C("input-too-big-critic", lambda t: ["critic", "score", big_score(t)], "--max-size"),
    C("max-size-lowered", lambda t: ["check", str(FIG5), "--max-size", "0.001"], "limit"),
    C("mxl-not-zip", lambda t: ["check", str(text_file(t, "x.mxl", "not a zip"))], "compressed MusicXML"),
    C("mxl-many-members", lambda t: ["check", mxl_with(t, {f"m{i}.xml": b"x" for i in range(100)})], "holds 100 files"),
    C("mxl-big-member", lambda t: ["check", mxl_with(t, {"score.xml": b" " * 5_000_000})], "unpacks to"),
    C("input-is-folder", lambda t: ["check", str((t / "d.musicxml").mkdir() or t / "d.musicxml")], "folder"),
    C("input-is-device", lambda t: ["check", str(symlink(t, Path("/dev/zero"), "zero.musicxml"))], "not a regular file"),
    C("input-is-fifo", lambda t: ["check", str(_fifo(t / "pipe.musicxml"))], "not a regular file", seconds=10),
    C("xml-billion-laughs", lambda t: ["check", billion_laughs(t)], "could not be read as music"),
    C("xml-deeply-nested", lambda t: ["check", deep_xml(t)], "no notes"),
    C("input-empty", lambda t: ["check", str(text_file(t, "e.musicxml", ""))], "empty"),
    C("input-garbage", lambda t: ["check", str(text_file(t, "g.musicxml", os.urandom(3000)))], "could not be read"),
    C("input-missing", lambda t: ["check", str(t / "nope.musicxml")], "does not exist"),
    C("humdrum-warning-swallowed", lambda t: ["check", str(text_file(t, "w.krn",
                                               "**kern\n*M4/4\n=1\n1c\n=2\n1d\n==|\n*-\n"))], "at least 3"),
    C("kern-odd-tokens", lambda t: ["check", str(text_file(t, "o.krn", "**kern\t**kern\n*foo\t*bar\n4c\t4e\n4q\t4zz\n*-\t*-\n"))],
      "cantus firmus"),

    # rulebooks: values validated
    C("rules-deep-nesting", lambda t: ["check", str(FIG5), "--rules", rulebook(t, "a = " + "[" * 5000 + "]" * 5000)],
      "nest"),
    C("rules-dotted-nesting", lambda t: ["check", str(FIG5), "--rules",
                                         rulebook(t, "[options.M301.a.b.c.d]\ne = 1\n")], "nests"),
    C("rules-weight-nan", lambda t: ["check", str(FIG5), "--rules", rulebook(t, "[weight]\nH106 = nan\n")],
      "weight nan", "finite"),
    C("rules-weight-inf", lambda t: ["check", str(FIG5), "--rules", rulebook(t, "[weight]\nH106 = inf\n")], "finite"),
    C("rules-weight-negative", lambda t: ["check", str(FIG5), "--rules", rulebook(t, "[weight]\nH106 = -1\n")], "weight"),
    C("rules-weight-string", lambda t: ["check", str(FIG5), "--rules", rulebook(t, '[weight]\nH106 = "heavy"\n')], "weight"),
    C("rules-weight-huge", lambda t: ["check", str(FIG5), "--rules", rulebook(t, "[weight]\nH106 = 1e300\n")], "1000"),
    C("rules-option-negative", lambda t: ["check", str(FIG5), "--rules",
                                          rulebook(t, "[options.M301]\nmax_number = -5\n")], "from 0 to 1000"),
    C("rules-option-nan", lambda t: ["check", str(FIG5), "--rules", rulebook(t, "[options.H107]\nmax_share = nan\n")],
      "finite"),
    C("rules-option-share", lambda t: ["check", str(FIG5), "--rules", rulebook(t, "[options.H107]\nmax_share = 2.0\n")],
      "from 0 to 1"),
    C("rules-option-type", lambda t: ["check", str(FIG5), "--rules", rulebook(t, '[options.M301]\nmax_number = "ten"\n')],
      "must be int"),
    C("rules-option-long-list", lambda t: ["check", str(FIG5), "--rules",
                                           rulebook(t, "[options.D301]\nbeats = [" + ", ".join(["2"] * 100) + "]\n")],
      "at most 64"),
    C("rules-5000-digits", lambda t: ["check", str(FIG5), "--rules", rulebook(t, "[weight]\nH106 = " + "9" * 5000 + "\n")],
      "too long"),
    C("rules-too-big", lambda t: ["check", str(FIG5), "--rules", rulebook(t, "# " + "x" * 1_100_000 + "\n")], "larger"),
    C("rules-not-utf8", lambda t: ["check", str(FIG5), "--rules", str(text_file(t, "b.toml", b"\xff\xfe[weight]"))],
      "UTF-8"),
    C("rules-severity-list", lambda t: ["check", str(FIG5), "--rules", rulebook(t, "[severity]\nH106 = [1]\n")],
      "severity"),
    C("rules-name-number", lambda t: ["check", str(FIG5), "--rules", rulebook(t, "name = 5\n")], "'name' must be a string"),
    C("rules-extends-itself", lambda t: ["check", str(FIG5), "--rules", rulebook(t, 'extends = "book.toml"\n')],
      "extends itself"),
    C("rules-in-generate", lambda t: [*GEN, "--rules", rulebook(t, "[weight]\nH106 = nan\n")], "finite"),

    # critic models: structure validated (the checksum has no key and proves nothing)
    C("model-cycle", lambda t: ["critic", "score", "--model", forged_model(t, _cycle), str(FIG5)], "wrong shape or value"),
    C("model-shared-child", lambda t: ["critic", "score", "--model", forged_model(t, _shared_child), str(FIG5)],
      "wrong shape or value"),
    C("model-too-deep", lambda t: ["critic", "score", "--model", forged_model(t, _long_chain), str(FIG5)],
      "wrong shape or value"),
    C("model-index-1e30", lambda t: ["critic", "score", "--model", forged_model(t, lambda m: _first_tree(m)["left"].__setitem__(
        _inner(_first_tree(m)), 10**30)), str(FIG5)], "wrong shape or value"),
    C("model-feature-negative", lambda t: ["critic", "score", "--model", forged_model(t, lambda m: _first_tree(m)["feature"]
                                           .__setitem__(_inner(_first_tree(m)), -1)), str(FIG5)], "wrong shape or value"),
    C("model-value-string", lambda t: ["critic", "score", "--model", forged_model(t, lambda m: _first_tree(m)["value"]
                                       .__setitem__(0, "1")), str(FIG5)], "wrong shape or value"),
    C("model-baseline-bool", lambda t: ["critic", "score", "--model", forged_model(t, _set(("params", "baseline"), True)),
                                        str(FIG5)], "wrong shape or value"),
    C("model-typical-short", lambda t: ["critic", "score", "--model", forged_model(t, _set(("typical",), [0.0])),
                                        str(FIG5)], "wrong shape or value"),
    C("model-names-not-strings", lambda t: ["critic", "score", "--model", forged_model(t, _set(("feature_names",), [1, 2])),
                                            str(FIG5)], "wrong type"),
    C("model-trees-not-list", lambda t: ["critic", "score", "--model", forged_model(t, _set(("params", "trees"), {"a": 1})),
                                         str(FIG5)], "wrong shape or value"),
    C("model-kind-list", lambda t: ["critic", "score", "--model", forged_model(t, _set(("kind",), ["trees"])), str(FIG5)],
      "wrong type"),
    C("model-deep-json", lambda t: ["critic", "score", "--model", nested_json(t), str(FIG5)], "nests deeper"),
    C("model-5000-digits", lambda t: ["critic", "score", "--model", five_thousand_digits(t), str(FIG5)], "not JSON"),
    C("model-nan", lambda t: ["critic", "score", "--model", str(text_file(t, "n.json", '{"model": NaN}')), str(FIG5)],
      "not JSON"),
    C("model-is-folder", lambda t: ["critic", "score", "--model", str((t / "m.json").mkdir() or t / "m.json"), str(FIG5)],
      "no critic model"),
    C("model-too-big", lambda t: ["critic", "evaluate", "--model", str(_sparse(t / "big.json", 25_000_000))], "too large"),

    # note lists and modes
    C("cf-empty", lambda t: ["generate", "--cf", "", "--species", "1"], "cantus firmus"),
    C("cf-not-notes", lambda t: ["generate", "--cf", "H4 X9", "--species", "1"], "is not a"),
    C("cf-two-notes", lambda t: ["generate", "--cf", "D4 E4", "--species", "1"], "at least 3"),
    C("mode-bogus", lambda t: ["check", str(FIG5), "--mode", "Q lydian-ish"], "mode"),
    C("fill-no-mode-advice", lambda t: ["fill", str(_chromatic_worksheet(t))], "church mode"),

    # feedback: stores that are not ours are refused and left as they were; bad judgements are one sentence
    C("feedback-store-text", lambda t: ["feedback", "list", "--store", str(text_file(t, "s.sqlite3", "id,rating\n1,4\n"))],
      "not an SQLite database"),
    C("feedback-add-store-text", lambda t: [*ADD, "--store", str(text_file(t, "s.sqlite3", os.urandom(4096)))],
      "not an SQLite database"),
    C("feedback-store-foreign", lambda t: ["feedback", "list", "--store", _foreign_db(t)], "not a counterpoint feedback store"),
    C("feedback-add-store-foreign", lambda t: [*ADD, "--store", _foreign_db(t)], "not a counterpoint feedback store"),
    C("feedback-retrain-store-foreign", lambda t: ["feedback", "retrain", "--out", str(t / "m.json"), "--store",
                                                   _foreign_db(t)], "not a counterpoint feedback store"),
    C("feedback-store-newer", lambda t: ["feedback", "export", "--store", _newer_store(t)], "written by a newer counterpoint"),
    C("feedback-add-store-newer", lambda t: [*ADD, "--store", _newer_store(t)], "written by a newer counterpoint"),
    C("feedback-store-folder", lambda t: ["feedback", "list", "--store", str(t)], "is a folder"),
    C("feedback-no-store", lambda t: ["feedback", "list", "--store", str(t / "none.sqlite3")], "no feedback store"),
    C("feedback-store-missing-folder", lambda t: [*ADD, "--store", str(t / "no" / "s.sqlite3")], "does not exist"),
    C("feedback-rating-6", lambda t: ["feedback", "add", str(FIG5), "--rating", "6"], "from 1 to 5, not 6"),
    C("feedback-rating-word", lambda t: ["feedback", "add", str(FIG5), "--rating", "good"], "--rating must be"),
    C("feedback-rating-and-prefer", lambda t: [*ADD, "--prefer", str(FIG5), str(FIG5)], "not allowed with"),
    C("feedback-no-judgement", lambda t: ["feedback", "add", str(FIG5)], "--rating"),
    C("feedback-rating-no-file", lambda t: ["feedback", "add", "--rating", "3", "--store", str(t / "s.sqlite3")],
      "needs the FILE"),
    C("feedback-prefer-same", lambda t: ["feedback", "add", "--prefer", str(FIG5), str(FIG5), "--store",
                                         str(t / "s.sqlite3")], "two different passages"),
    C("feedback-prefer-same-content", lambda t: ["feedback", "add", "--prefer", str(copy_fig(t, "a.musicxml")),
                                                 str(copy_fig(t, "b.musicxml")), "--store", str(t / "s.sqlite3")],
      "two different passages"),
    C("feedback-add-not-music", lambda t: ["feedback", "add", str(text_file(t, "x.musicxml", "hello")), "--rating", "3",
                                           "--store", str(t / "s.sqlite3")], "could not be read"),
    C("feedback-add-missing", lambda t: ["feedback", "add", str(t / "nope.musicxml"), "--rating", "3", "--store",
                                         str(t / "s.sqlite3")], "does not exist"),
    C("feedback-add-not-a-score", lambda t: ["feedback", "add", str(text_file(t, "notes.txt", "D4 E4")), "--rating", "3",
                                             "--store", str(t / "s.sqlite3")], "not a score this tool reads"),
    C("feedback-add-too-big", lambda t: ["feedback", "add", big_score(t), "--rating", "3", "--store",
                                         str(t / "s.sqlite3")], "--max-size"),
    C("feedback-rater-too-long", lambda t: [*ADD, "--rater", "x" * 300, "--store", str(t / "s.sqlite3")], "at most 200"),
    C("feedback-rulebook-unknown", lambda t: [*ADD, "--rulebook", "nonesuch", "--store", str(t / "s.sqlite3")], "nonesuch"),
    C("feedback-model-forged", lambda t: [*ADD, "--model", forged_model(t, _cycle), "--store", str(t / "s.sqlite3")],
      "wrong shape or value"),
    C("feedback-export-out-exists", lambda t: ["feedback", "export", "--store", _store_with_rating(t), "--out",
                                               str(text_file(t, "all.csv", "mine"))], "already exists"),
    C("feedback-remove-unknown", lambda t: ["feedback", "remove", "7", "--store", _store_with_rating(t)],
      "has no judgement 7"),
    C("feedback-remove-word", lambda t: ["feedback", "remove", "last"], "ID must be"),
    C("feedback-export-format-xml", lambda t: ["feedback", "export", "--format", "xml"], "invalid choice"),
    C("feedback-retrain-no-out", lambda t: ["feedback", "retrain"], "--out"),
    C("feedback-retrain-installed", lambda t: ["feedback", "retrain", "--store", _store_with_rating(t), "--out",
                                               str(_installed_model()), "--force"], "installed model"),
    C("feedback-retrain-nothing-to-learn", lambda t: ["feedback", "retrain", "--store", _store_with_rating(t), "--out",
                                                      str(t / "m.json")], "no pair of passages"),
    C("feedback-regularisation-nan", lambda t: ["feedback", "retrain", "--out", str(t / "m.json"), "--regularisation",
                                                "nan"], "--regularisation must be"),
]

ADD = ["feedback", "add", str(FIG5), "--rating", "3"]


def _foreign_db(t: Path) -> str:
    import sqlite3

    con = sqlite3.connect(t / "songs.sqlite3")
    con.execute("CREATE TABLE songs (title TEXT, rating INTEGER)")
    con.execute("INSERT INTO songs VALUES ('Ave Maria', 5)")
    con.commit()
    con.close()
    return str(t / "songs.sqlite3")


def _newer_store(t: Path) -> str:
    import sqlite3

    from counterpoint.feedback import APPLICATION, SCHEMA

    con = sqlite3.connect(t / "new.sqlite3")
    con.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    con.execute("INSERT INTO meta VALUES ('application', ?)", (APPLICATION,))
    con.execute(f"PRAGMA user_version = {SCHEMA + 1}")
    con.commit()
    con.close()
    return str(t / "new.sqlite3")


def _store_with_rating(t: Path) -> str:
    from counterpoint.feedback import FeedbackStore, Passage

    store = FeedbackStore(t / "s.sqlite3")
    store.add_rating(Passage.from_bytes(FIG5.read_bytes(), ".musicxml", "fig5"), 4)
    return str(store.path)


def _installed_model() -> Path:
    from counterpoint.critic.model import default_model_path

    return default_model_path()


def _hardlink(src: Path, dst: Path) -> Path:
    os.link(src, dst)
    return dst


def _fifo(path: Path) -> Path:
    os.mkfifo(path)
    return path


def _sparse(path: Path, size: int) -> Path:
    with open(path, "wb") as fh:
        fh.truncate(size)
    return path


def _chromatic_worksheet(t: Path) -> Path:
    from tests.test_filling import rests, staff, worksheet

    return worksheet(t / "c.musicxml", staff("Counterpoint", rests(8), {0: "first species"}),
                     staff("CF", "D4 F4 F#4 E4 G4 G#4 E4 D4".split()))


def _snapshot(t: Path) -> dict[str, str]:
    """Every file (and link) under t with its content hash, to prove nothing was changed or added."""
    out = {}
    for p in sorted(t.rglob("*")):
        if p.is_symlink():
            out[str(p)] = "link:" + os.readlink(p)
        elif p.is_file():
            out[str(p)] = sha(p)
        elif p.is_dir():
            out[str(p)] = "dir"
        else:
            out[str(p)] = "other"
    return out


def test_the_corpus_is_large():
    assert len(CASES) >= 60
    assert len({c.id for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_hostile_case(case: Case, tmp_path, capsys):
    from counterpoint.critic.model import default_model_path

    installed = sha(default_model_path())
    argv = case.argv(tmp_path)
    capsys.readouterr()
    before = _snapshot(tmp_path)
    t0 = time.monotonic()
    code = main(argv)
    elapsed = time.monotonic() - t0
    err = capsys.readouterr().err
    line = one_sentence(err)
    assert code == case.code, line
    for w in case.words:
        assert w in line, line
    assert elapsed < case.seconds, f"{case.id} took {elapsed:.1f} s"
    assert _snapshot(tmp_path) == before, "a hostile run changed or left files"
    assert sha(default_model_path()) == installed


# -- the library's API: wrong types are InputError sentences, not TypeErrors ----------------------

def _api_cases():
    import counterpoint
    from counterpoint import critic
    from counterpoint.critic import free
    from counterpoint.model.notation import parse_notes
    from counterpoint.ranking import generate
    from counterpoint.model.pitch import Pitch

    ws = str(FIG5)
    return [
        pytest.param(lambda: counterpoint.from_text(None), "must be a string", id="from_text-None"),
        pytest.param(lambda: counterpoint.from_text(CF, 5), "must be a string", id="from_text-cp-int"),
        pytest.param(lambda: counterpoint.from_text(CF, species="2"), "species", id="from_text-species-str"),
        pytest.param(lambda: parse_notes(["D4"]), "must be a string", id="parse_notes-list"),
        pytest.param(lambda: Pitch.parse(None), "must be a string", id="pitch-None"),
        pytest.param(lambda: counterpoint.check(None), "cannot check", id="check-None"),
        pytest.param(lambda: counterpoint.check(FIG5, species="2"), "species", id="check-species-str"),
        pytest.param(lambda: counterpoint.check(FIG5, mode=5), "mode", id="check-mode-int"),
        pytest.param(lambda: counterpoint.check(FIG5, rules=None), "rules must be", id="check-rules-None"),
        pytest.param(lambda: counterpoint.fill(ws, n=None), "n must be", id="fill-n-None"),
        pytest.param(lambda: counterpoint.fill(ws, time_limit="5"), "time_limit", id="fill-time-str"),
        pytest.param(lambda: counterpoint.fill(ws, time_limit=float("nan")), "time_limit", id="fill-time-nan"),
        pytest.param(lambda: counterpoint.fill(ws, force="yes"), "force", id="fill-force-str"),
        pytest.param(lambda: counterpoint.fill(42), "worksheet", id="fill-worksheet-int"),
        pytest.param(lambda: generate(CF, n=None), "n", id="generate-n-None"),
        pytest.param(lambda: generate(CF, time_limit="5"), "time", id="generate-time-str"),
        pytest.param(lambda: generate(CF, mode=5), "mode", id="generate-mode-int"),
        pytest.param(lambda: generate(CF, time_limit=float("nan")), "time", id="generate-time-nan"),
        pytest.param(lambda: generate(CF, critic="no"), "critic must be True or False", id="generate-critic-str"),
        pytest.param(lambda: generate(CF, rank=42), "rank must be a function", id="generate-rank-int"),
        pytest.param(lambda: generate(CF, species=(1, 1), rank=42), "rank must be a function", id="texture-rank-int"),
        pytest.param(lambda: generate(CF, progress=42), "progress must be a function", id="generate-progress-int"),
        pytest.param(lambda: generate(CF, n=3, seed=1, time_limit=2, rank=lambda s: [0.0]),
                     "rank returned 1 costs for", id="generate-rank-too-few"),
        pytest.param(lambda: generate(CF, species=(1, 1), n=3, seed=1, time_limit=2, rank=lambda s: ["a"] * len(s)),
                     "finite number", id="texture-rank-not-numbers"),
        pytest.param(lambda: generate("C0 D0 C0 D0 C0"), "lies outside C1–C7", id="generate-cf-too-low"),
        pytest.param(lambda: generate("C8 D8 C8 D8 C8", species=(1, 1)), "lies outside C1–C7", id="texture-cf-too-high"),
        pytest.param(lambda: counterpoint.from_text(CF, mode=42), "mode must be", id="from_text-mode-int"),
        pytest.param(lambda: generate(CF, species=(1, 1), seed=2 ** 80), "the seed must be", id="texture-seed-huge"),
        pytest.param(lambda: generate(CF, species=1.0), "species 1.0 does not exist", id="generate-species-float"),
        pytest.param(lambda: counterpoint.Exercise.from_music21(None), "music21 Score or Part", id="from_music21-None"),
        pytest.param(lambda: counterpoint.from_text(CF).with_cp("x"), "sequence of Notes", id="with_cp-str"),
        pytest.param(lambda: critic.score(CF), "two-voice Exercise or a generated Solution", id="score-str"),
        pytest.param(lambda: critic.score(counterpoint.from_text(CF)), "no counterpoint", id="score-cf-alone"),
        pytest.param(lambda: critic.score(counterpoint.from_text(CF, CP), model="m.json"), "load_model",
                     id="score-model-path"),
        pytest.param(lambda: critic.score(counterpoint.from_text(CF, CP), reasons="3"), "reasons", id="score-reasons-str"),
        pytest.param(lambda: critic.score_many("abc"), "a list of exercises", id="score_many-str"),
        pytest.param(lambda: critic.score_texture(counterpoint.from_text(CF, CP)), "Texture of three voices",
                     id="score_texture-exercise"),
        pytest.param(lambda: critic.score_file(42), "path of a score file", id="score_file-int"),
        pytest.param(lambda: critic.score_file(str(FIG5), voices=2), "voice numbers", id="score_file-voices-int"),
        pytest.param(lambda: free.score_passage(counterpoint.from_text(CF, CP), model="x"), "load_free_model",
                     id="score_passage-model-str"),
        pytest.param(lambda: free.score_passage(counterpoint.from_text(CF, CP), model={2: None}), "maps to NoneType",
                     id="score_passage-model-dict"),
    ]


@pytest.mark.parametrize("call, words", _api_cases())
def test_api_refuses_wrong_types(call, words, capsys):
    from counterpoint.errors import InputError

    with pytest.raises(InputError, match=words) as exc:
        call()
    text = str(exc.value)
    assert "\n" not in text and text.endswith(".")
    assert capsys.readouterr().err == ""  # the library never prints


def test_midi_refuses_notes_beyond_its_range(tmp_path):
    from counterpoint.errors import InputError
    from counterpoint.io.writers import write_exercise
    from counterpoint.model.build import from_text

    ex = from_text("G8 A8 G8 F8 E8 D8 E8 F8 G8", "D9 C9 B8 A8 G#9 A8 B8 C9 D9")
    with pytest.raises(InputError, match="outside MIDI's range"):
        write_exercise(ex, tmp_path / "x.mid")
    assert list(tmp_path.iterdir()) == []
    assert write_exercise(ex, tmp_path / "x.musicxml").exists()  # MusicXML holds it


def test_unwritable_folder(tmp_path, capsys, monkeypatch):
    """As root, permissions do not bind, so the refusal of the folder is simulated where it happens."""
    import tempfile

    def refuse(*a, **k):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkdtemp", refuse)
    assert main([*GEN, "--out", str(tmp_path / "x.krn")]) == 2
    assert "permission denied" in one_sentence(capsys.readouterr().err)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(ROOT, reason="root ignores file permissions")
def test_unwritable_folder_for_real(tmp_path, capsys):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    assert main([*GEN, "--out", str(folder / "x.krn")]) == 2
    assert "permission denied" in one_sentence(capsys.readouterr().err)


@pytest.mark.skipif(ROOT, reason="root ignores file permissions")
def test_unreadable_model_and_input(tmp_path, capsys):
    model = tmp_path / "m.json"
    shutil.copy(__import__("counterpoint.critic.model").critic.model.default_model_path(), model)
    model.chmod(0)
    assert main(["critic", "score", "--model", str(model), str(FIG5)]) == 2
    assert "permission denied" in one_sentence(capsys.readouterr().err)
    score = copy_fig(tmp_path)
    score.chmod(0)
    assert main(["check", str(score)]) == 2
    assert "permission denied" in one_sentence(capsys.readouterr().err)


def test_unreadable_model_simulated(tmp_path, capsys, monkeypatch):
    import builtins

    model = tmp_path / "m.json"
    shutil.copy(FUX_DIR.parent.parent.parent / "critic" / "model.json", model)
    real_open = builtins.open

    def guarded(file, *a, **k):
        if str(file) == str(model):
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *a, **k)

    monkeypatch.setattr(builtins, "open", guarded)
    assert main(["critic", "score", "--model", str(model), str(FIG5)]) == 2
    assert "permission denied" in one_sentence(capsys.readouterr().err)


# -- in a subprocess under a memory limit: the zip bomb, big inputs, forged models ------------------

def _limited():
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def run_limited(argv: list[str], cwd: Path, timeout: float = 60) -> tuple[int, str, float]:
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", PYTHONPATH=str(Path(__file__).parents[2]))
    t0 = time.monotonic()
    r = subprocess.run([sys.executable, "-m", "counterpoint", *argv], cwd=cwd, capture_output=True, text=True,
                       timeout=timeout, preexec_fn=_limited, env=env)
    return r.returncode, r.stderr, time.monotonic() - t0


@pytest.fixture(scope="module")
def zip_bomb(tmp_path_factory) -> Path:
    """A compressed MusicXML file of about 1 MB that unpacks to 1 GiB."""
    path = tmp_path_factory.mktemp("bomb") / "bomb.mxl"
    chunk = b" " * 2**20
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("META-INF/container.xml", '<?xml version="1.0"?><container><rootfiles><rootfile '
                    'full-path="score.musicxml"/></rootfiles></container>')
        with zf.open("score.musicxml", "w", force_zip64=True) as fh:
            fh.write(FIG5.read_bytes().replace(b"</score-partwise>", b"<!--"))
            for _ in range(1024):
                fh.write(chunk)
            fh.write(b"--></score-partwise>")
    assert path.stat().st_size < 2_000_000
    return path


@pytest.mark.parametrize("command", [["check"], ["critic", "score"], ["fill"]])
def test_zip_bomb_is_refused_under_500_mb(zip_bomb, tmp_path, command):
    # --max-size 2 admits the 1 MB file itself, so what refuses it is the check of what it unpacks to
    code, err, seconds = run_limited([*command, "--max-size", "2", str(zip_bomb)], tmp_path)
    assert code == 2 and "unpacks to 1,074 MB" in one_sentence(err), err
    assert seconds < 30


def test_zip_bomb_with_a_raised_limit_still_fits_in_memory(zip_bomb, tmp_path):
    """Raising --max-size to 10 MB still refuses 1 GiB; the process never nears 500 MB."""
    code, err, seconds = run_limited(["check", "--max-size", "10", str(zip_bomb)], tmp_path)
    assert code == 2 and "unpacks to" in one_sentence(err) and seconds < 30


def test_a_52_mb_score_is_refused_at_once(tmp_path):
    path = Path(big_score(tmp_path, 52))
    code, err, seconds = run_limited(["check", str(path)], tmp_path)
    assert code == 2 and "52 MB" in one_sentence(err) and seconds < 15


def test_raising_max_size_admits_a_big_but_honest_file(tmp_path, capsys):
    path = Path(big_score(tmp_path, 5))
    assert main(["check", "--max-size", "6", str(path)]) == 0
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize("edit", [_cycle, _shared_child, _long_chain], ids=["cycle", "shared-child", "chain"])
def test_forged_models_are_refused_under_500_mb(tmp_path, edit):
    model = forged_model(tmp_path, edit)
    code, err, seconds = run_limited(["critic", "score", "--model", model, str(FIG5)], tmp_path)
    assert code == 2 and "wrong shape or value" in one_sentence(err)
    assert seconds < 30


def test_deeply_nested_model_and_rulebook_under_500_mb(tmp_path):
    code, err, seconds = run_limited(["critic", "score", "--model", nested_json(tmp_path, 2_000_000), str(FIG5)],
                                     tmp_path)
    assert code == 2 and "nests deeper" in one_sentence(err) and seconds < 30
    book = rulebook(tmp_path, "a = " + "[" * 200_000 + "]" * 200_000)
    code, err, seconds = run_limited(["check", "--rules", book, str(FIG5)], tmp_path)
    assert code == 2 and "nest" in one_sentence(err) and seconds < 30
