"""Rebuild this folder's three- and four-voice Fux figures from the MarkGotham/species corpus (MIT, see LICENSE).

Run from the repository root:

    .venv/bin/python tests/data/fux_gradus/extract_voices.py /work/shared/corpus/fux-gradus

For each of the 76 figures listed in II/data.tsv (three voices) and III/data.tsv (four voices) it

- reads ``1x1/NNN.mxl`` with music21 (spelled pitches as written, never rebuilt from MIDI numbers);
- checks it against the same measures of ``II/II-Solutions.mxl`` / ``III/III-Solutions.mxl``, against
  ``1x1/NNN.krn``, against the cantus firmus alone in ``*-Exercises.mxl`` and against the figure's own
  text annotation, and reports any disagreement;
- checks each bar's durations, that every tie joins equal pitches, leaps wider than an octave,
  crossings of adjacent parts and whether the parts' order in the score is their order in pitch;
- renumbers the bars from 1, keeps the parts top to bottom with their clefs, key signatures, ties and
  metre, drops the text annotations and layout marks, names the parts (three voices: "Soprano",
  "Alto", "Bass"; four: "Soprano", "Alto", "Tenor", "Bass"; the cantus firmus part is always
  "Cantus firmus") and writes ``fig-NNN-voices.musicxml``;
- infers each free voice's species from its rhythm and writes ``figures_voices.tsv``.

Six slips are corrected (figs. 118, 125, 126, 143, 176 and 184, see `correct`); the others it finds are printed and
listed in README.md.
"""

from __future__ import annotations

import copy
import csv
import re
import sys
from collections import Counter
from pathlib import Path

from music21 import converter, expressions, instrument, layout, metadata, note, pitch, stream

HERE = Path(__file__).resolve().parent
NAMES = {3: ["Soprano", "Alto", "Bass"], 4: ["Soprano", "Alto", "Tenor", "Bass"]}


def correct(fig: str, parts: list, remarks: list[str]) -> None:
    """The transcription slips corrected here (README.md, "Three and four voices", lists them with evidence)."""
    if fig == "176":  # part 3 sounds an octave high: the treble clef of fig. 175 left in force
        for n in parts[2].recurse().notes:
            n.pitch.octave -= 1
        remarks.append("part 3 lowered an octave (its treble clef is left over from fig. 175; README.md)")
    if fig == "126":  # the last note is a half note followed by a half rest, the only such ending of 228 voices
        last = measures(parts[2])[-1]
        notes = list(last.notes)
        rests = list(last.getElementsByClass(note.Rest))
        if len(notes) == 1 and rests:
            for r in rests:
                last.remove(r)
            notes[0].quarterLength = 4
            remarks.append("the last note of part 3 lengthened to a whole note (README.md)")
    if fig == "143":  # the final chord's third is F natural, the only minor third of the 37 final chords with a third
        last = list(measures(parts[0])[-1].notes)[-1]
        assert last.pitch.nameWithOctave == "F4", last.pitch
        last.pitch = pitch.Pitch("F#4")
        remarks.append("part 1 (soprano), last note: F#4 for F4, the final chord's third raised (README.md)")
    # The notes of the one independent transcription found (FuxCP's figure tests, README.md), which differs from
    # this corpus in exactly these places: two voices pasted from the neighbouring figure, and two notes swapped.
    if fig == "118":  # the bass is fig. 117's cantus firmus, note for note
        repitch(parts[2], "C3 C3 D3 E3 C3 F3 E3 A3 D3 C3 G3 C3".split())
        remarks.append("part 3 (bass) replaced: the corpus repeats fig. 117's cantus firmus there (README.md)")
    if fig == "125":  # bar 4 of the second-species voice is E3 G3, which makes octaves with the soprano's F4-E4
        repitch(measures(parts[1])[3], ["G3", "E3"])
        remarks.append("part 2, bar 4: G3 E3 for E3 G3 (README.md)")
    if fig == "184":  # the tenor is fig. 183's tenor, note for note
        repitch(parts[2], "B3 A3 A3 G3 A3 C4 E4 C4 D4 B3".split())
        remarks.append("part 3 (tenor) replaced: the corpus repeats fig. 183's tenor there (README.md)")


def repitch(stream_: stream.Stream, names: list[str]) -> None:
    """Give the notes of ``stream_``, in order, these spelled pitches (durations and ties stay)."""
    notes = list(stream_.recurse().notes)
    assert len(notes) == len(names), (len(notes), names)
    for n, name in zip(notes, names):
        n.pitch = pitch.Pitch(name)


HEADER = ["file", "figure", "voices", "cf_voice", "species", "final", "note"]


# ---------------------------------------------------------------- reading

def measures(part: stream.Part) -> list[stream.Measure]:
    return list(part.getElementsByClass(stream.Measure))


def events(part: stream.Part, first: int, last: int) -> list[tuple]:
    """(bar from 1, offset, spelled pitch or 'r', duration, tie) for the measures first..last."""
    out = []
    for m in measures(part):
        if first <= m.number <= last:
            for n in m.notesAndRests:
                out.append((m.number - first + 1, float(n.offset),
                            "r" if n.isRest else n.pitch.nameWithOctave,
                            float(n.quarterLength), n.tie.type if n.tie else ""))
    return out


def timeline(part: stream.Part) -> list[tuple]:
    """(bar 0, offset from the start, spelled pitch or 'r', duration, tie) for the whole part."""
    return [(0, float(n.getOffsetInHierarchy(part)), "r" if n.isRest else n.pitch.nameWithOctave,
             float(n.quarterLength), n.tie.type if n.tie else "") for n in part.recurse().notesAndRests]


def describe(e: tuple) -> str:
    bar, off, p, dur, tie = e
    return f"bar {bar} beat {off + 1:g}: {p} ({dur:g} crotchets{', tie ' + tie if tie else ''})"


def diff(label: str, mine: list[tuple], theirs: list[tuple]) -> list[str]:
    if mine == theirs:
        return []
    out = [f"{label}: {len(mine)} events in 1x1, {len(theirs)} in the other file"]
    for a, b in zip(mine, theirs):
        if a != b:
            out.append(f"  first difference: 1x1 {describe(a)} / other {describe(b)}")
            break
    return out


# ---------------------------------------------------------------- checks

def tied_on(n: note.GeneralNote) -> bool:
    return bool(n.tie) and n.tie.type in ("start", "continue")


def part_checks(k: int, part: stream.Part) -> list[str]:
    """Durations per bar, ties joining equal pitches, leaps wider than an octave."""
    issues = []
    ms = measures(part)
    rel = lambda number: number - ms[0].number + 1  # noqa: E731  bars from 1
    for m in ms:
        total = sum(n.quarterLength for n in m.notesAndRests)
        if total != m.barDuration.quarterLength:
            issues.append(f"part {k} bar {rel(m.number)}: durations add up to {total:g}, "
                          f"the bar holds {m.barDuration.quarterLength:g}")
    ns = list(part.recurse().notesAndRests)
    for a, b in zip(ns, ns[1:]):
        if tied_on(a):
            if b.isRest or a.isRest or a.pitch != b.pitch:
                name = lambda n: n.nameWithOctave if n.isNote else "rest"  # noqa: E731
                issues.append(f"part {k} bar {rel(a.measureNumber)}: tie from {name(a)} to {name(b)}")
        elif b.tie and b.tie.type == "stop":
            issues.append(f"part {k} bar {rel(b.measureNumber)}: tie ends on {b.nameWithOctave} with no start")
    last = list(ms[-1].notesAndRests)
    if len(last) != 1 or last[0].isRest:
        issues.append(f"part {k} final bar {rel(ms[-1].number)}: "
                      + " ".join((n.nameWithOctave if n.isNote else "rest") + f" ({n.quarterLength:g})" for n in last)
                      + ", not one final note")
    if ns and tied_on(ns[-1]):
        issues.append(f"part {k}: the last note starts a tie")
    sounding = [n for n in ns if n.isNote]
    for a, b in zip(sounding, sounding[1:]):
        if abs(b.pitch.ps - a.pitch.ps) > 12:
            issues.append(f"part {k} bar {rel(a.measureNumber)}-{rel(b.measureNumber)}: leap "
                          f"{a.nameWithOctave}->{b.nameWithOctave} wider than an octave")
    return issues


def crossings(parts: list[stream.Part]) -> list[str]:
    """Bars where a part sounds below the part written under it."""
    out = []
    flat = [list(p.flatten().notes) for p in parts]
    base = measures(parts[0])[0].number - 1  # report bars from 1
    for k in range(len(parts) - 1):
        upper, lower = flat[k], flat[k + 1]
        onsets = sorted({float(n.offset) for n in upper} | {float(n.offset) for n in lower})
        bad = []
        for t in onsets:
            a = next((n for n in upper if n.offset <= t < n.offset + n.quarterLength), None)
            b = next((n for n in lower if n.offset <= t < n.offset + n.quarterLength), None)
            if a is not None and b is not None and a.pitch.ps < b.pitch.ps:
                bad.append(f"{a.measureNumber - base}:{a.nameWithOctave}<{b.nameWithOctave}")
        if bad:
            out.append(f"parts {k + 1}/{k + 2} cross at {len(bad)} onsets: " + ", ".join(bad))
    return out


# ---------------------------------------------------------------- species

def bar_pattern(m: stream.Measure) -> str:
    """W whole note, H halves, S halves with the last tied over the bar line, Q quarters, M mixed, R rest."""
    items = list(m.notesAndRests)
    durs = {float(n.quarterLength) for n in items}
    if all(n.isRest for n in items):
        return "R"
    if len(items) == 1 and durs == {m.barDuration.quarterLength}:
        return "W"
    if durs == {2.0}:
        return "S" if tied_on(items[-1]) else "H"
    if durs == {1.0}:
        return "Q"
    return "M"


def infer_species(part: stream.Part) -> tuple[int, str]:
    """Species of a voice from its rhythm, and a remark when it is not a pure pattern.

    The final bar is left out; a whole note in the penultimate bar is allowed in species 2-4.
    A voice mostly in whole notes counts as species 1 even when some bars break into halves
    (Fux allows this in three and four voices); the remark names those bars.
    """
    ms = measures(part)
    body = ms[:-1]
    pats = [bar_pattern(m) for m in body]
    lead = 0  # bars of rest before the voice enters
    while lead < len(pats) and pats[lead] == "R":
        lead += 1
    opening = f"opens with {lead} bar{'s' * (lead > 1)} of rest" if lead else ""
    pats = pats[lead:]
    n = len(pats)
    if all(p == "W" for p in pats) and not any(tied_on(x) for x in part.recurse().notes):
        return 1, ""
    whole = pats.count("W")
    if whole * 2 > n:
        rest = [f"{i + 1}" for i, p in enumerate(pats) if p != "W"]
        ties = [f"{x.measureNumber - ms[0].number + 1}" for x in part.recurse().notes if tied_on(x)]
        bits = []
        if rest:
            bits.append("halves in bar " + ",".join(rest))
        if ties:
            bits.append("tie from bar " + ",".join(ties))
        return 1, "whole notes with " + "; ".join(bits)
    free = pats[:-1] + ([] if pats[-1] == "W" else [pats[-1]])
    kinds = set(free)
    bars = lambda kind: ",".join(str(lead + i + 1) for i, p in enumerate(pats) if p == kind)  # noqa: E731
    species, why = 5, ""
    if kinds <= {"H", "S"}:
        syncop = free.count("S")
        if syncop * 2 >= len(free):
            # the penultimate bar (the cadence) is the one bar of a chain without a tie over it
            broken = ",".join(str(lead + i + 1) for i, p in enumerate(pats[:-1]) if p != "S")
            species, why = 4, f"no tie over bar {broken}" if broken else ""
        else:
            species, why = 2, f"tie over bar {bars('S')}" if syncop else ""
    elif kinds <= {"Q"}:
        species = 3
    return species, "; ".join(filter(None, [opening, why]))


def expected_species(species_col: str, voices: int) -> Counter:
    listed = [int(x) for x in species_col.split(",")]
    free = voices - 1
    return Counter(listed + [1] * (free - len(listed)))


# ---------------------------------------------------------------- writing

def build_score(src: stream.Score, first: int, names: list[str], title: str) -> stream.Score:
    out = stream.Score()
    out.metadata = metadata.Metadata()
    out.metadata.title = title
    out.metadata.movementName = title
    out.metadata.composer = "Johann Joseph Fux"
    for k, (part, name) in enumerate(zip(src.parts, names), start=1):
        p = copy.deepcopy(part)
        drop = list(p.recurse().getElementsByClass(
            (expressions.TextExpression, layout.LayoutBase, instrument.Instrument)))
        for el in drop:
            el.activeSite.remove(el)
        for m in measures(p):
            m.number = m.number - first + 1
        p.id = f"P{k}"
        p.partName = name
        p.partAbbreviation = None
        out.insert(0, p)
    return out


def write(score: stream.Score, path: Path) -> None:
    score.write("musicxml", fp=str(path))
    text = path.read_text(encoding="utf-8")
    # stable rebuilds: no date, and part ids P1..Pn in place of music21's random ones
    text = re.sub(r"\s*<encoding-date>[^<]*</encoding-date>", "", text)
    for k, pid in enumerate(re.findall(r'<score-part id="([^"]+)"', text), start=1):
        text = text.replace(f'"{pid}"', f'"P{k}"')
    path.write_text(text, encoding="utf-8")


# ---------------------------------------------------------------- main

ANNOT = re.compile(r"Fig\. (\S+); Species: ([\d,]+); Modal final: (\w+); Cantus firmus: (\d+)")


def main(corpus: Path) -> int:
    rows_out = []
    problems = []
    for section in ("II", "III"):
        sol_path = corpus / section / f"{section}-Solutions.mxl"
        ex_path = corpus / section / f"{section}-Exercises.mxl"
        solutions = converter.parse(str(sol_path)) if sol_path.exists() else None
        exercises = converter.parse(str(ex_path)) if ex_path.exists() else None
        with open(corpus / section / "data.tsv", newline="") as fh:
            rows = list(csv.DictReader(fh, delimiter="\t"))
        for row in rows:
            fig = row["Figure"].strip()
            first, last = int(row["Measure start"]), int(row["Measure end"])
            cf_voice = int(row["Cantus firmus"])
            final = row["Modal final"].strip().lower()
            issues: list[str] = []
            remarks: list[str] = []

            path = corpus / "1x1" / f"{fig}.mxl"
            if path.exists():
                src = converter.parse(str(path))
            else:  # fall back on the combined file
                issues.append("no 1x1 file; read from the Solutions file")
                src = stream.Score([copy.deepcopy(p.measures(first, last)) for p in solutions.parts])
            parts = list(src.parts)
            voices = len(parts)
            assert voices == (3 if section == "II" else 4), (fig, voices)
            ms0 = measures(parts[0])
            assert ms0[0].number == first and ms0[-1].number == last, (fig, ms0[0].number, ms0[-1].number)
            assert all(len(measures(p)) == last - first + 1 for p in parts), fig

            # the figure's own text annotation
            texts = [t.content for t in src.recurse().getElementsByClass(expressions.TextExpression)]
            m = next((ANNOT.search(t) for t in texts if ANNOT.search(t)), None)
            if m is None:
                issues.append(f"no annotation in the 1x1 file: {texts}")
            elif (m[1], m[2], m[3], int(m[4])) != (fig, row["Species"], final, cf_voice):
                issues.append(f"annotation '{m[0]}' disagrees with data.tsv {dict(row)}")

            # other witnesses: the combined Solutions score and the kern file
            for k, part in enumerate(parts, start=1):
                mine = events(part, first, last)
                if solutions is not None:
                    issues += diff(f"part {k} vs {sol_path.name}", mine, events(solutions.parts[k - 1], first, last))
            krn = corpus / "1x1" / f"{fig}.krn"
            if krn.exists():
                kparts = list(converter.parse(str(krn)).parts)
                for k, (part, kp) in enumerate(zip(parts, kparts), start=1):
                    # music21 numbers the kern file's bars its own way: compare by offset from the start
                    issues += diff(f"part {k} vs {krn.name}", timeline(part), timeline(kp))

            correct(fig, parts, remarks)

            # the cantus firmus: whole notes throughout, and the part Exercises.mxl gives alone
            cf = parts[cf_voice - 1]
            if any(bar_pattern(mm) != "W" or any(tied_on(n) for n in mm.notes) for mm in measures(cf)):
                issues.append(f"part {cf_voice} (the cantus firmus in data.tsv) is not all untied whole notes")
            if exercises is not None:
                sounding = [k for k, p in enumerate(exercises.parts, start=1)
                            if any(n.isNote for n in p.measures(first, last).recurse().notes)]
                if sounding != [cf_voice]:
                    issues.append(f"{ex_path.name} has its cantus firmus in part(s) {sounding}, "
                                  f"data.tsv says {cf_voice}")
                else:
                    issues += diff(f"cantus firmus vs {ex_path.name}",
                                   events(cf, first, last),
                                   events(exercises.parts[cf_voice - 1], first, last))
            whole_parts = [k for k, p in enumerate(parts, start=1)
                           if all(bar_pattern(mm) == "W" for mm in measures(p))
                           and not any(tied_on(n) for n in p.recurse().notes)]

            # transcription checks
            for k, part in enumerate(parts, start=1):
                issues += part_checks(k, part)
            means = [sum(n.pitch.ps for n in p.recurse().notes) / len(p.recurse().notes) for p in parts]
            if means != sorted(means, reverse=True):
                issues.append("parts are not in pitch order by mean pitch: "
                              + ", ".join(f"part {k + 1} {mu:.1f}" for k, mu in enumerate(means)))
            issues += crossings(parts)

            # species of the free voices, top to bottom
            species, spec_notes = [], []
            for k, part in enumerate(parts, start=1):
                if k == cf_voice:
                    continue
                sp, why = infer_species(part)
                species.append(sp)
                if why:
                    spec_notes.append(f"part {k} ({NAMES[voices][k - 1]}): {why}")
            want = expected_species(row["Species"], voices)
            if Counter(species) != want:
                remarks.append(f"species {','.join(map(str, species))} disagrees with data.tsv '{row['Species']}'")
            remarks += spec_notes

            names = list(NAMES[voices])
            names[cf_voice - 1] = "Cantus firmus"
            out = build_score(src, first, names, f"Fux, Gradus ad Parnassum, Fig. {fig}")
            name = f"fig-{fig}-voices.musicxml"
            write(out, HERE / name)

            # the written file must give back the same notes
            back = converter.parse(str(HERE / name))
            assert [p.partName for p in back.parts] == names, (fig, [p.partName for p in back.parts])
            for k, (p, q) in enumerate(zip(parts, back.parts), start=1):
                assert events(p, first, last) == events(q, 1, last - first + 1), (fig, k)
            assert not list(back.recurse().getElementsByClass(expressions.TextExpression)), fig

            # crossings are printed only, unless the parts are out of pitch order altogether
            out_of_order = any("pitch order" in i for i in issues)
            listed = [i if " cross at " not in i else i.split(":")[0]
                      for i in issues if " cross at " not in i or out_of_order]
            note_col = "; ".join(remarks + listed)
            rows_out.append([name, fig, voices, cf_voice, ",".join(map(str, species)), final, note_col])
            print(f"{name}\t{voices} voices\tcf {cf_voice}\tspecies {','.join(map(str, species))}"
                  f"\t(data.tsv {row['Species']})\twhole-note parts {whole_parts}")
            for line in remarks + issues:
                print("    " + line)
            if listed or remarks:
                problems.append(fig)

    with open(HERE / "figures_voices.tsv", "w", newline="") as fh:
        w = csv.writer(fh, delimiter="\t", lineterminator="\n")
        w.writerow(HEADER)
        w.writerows(rows_out)
    print(f"{len(rows_out)} figures written; remarks on: {', '.join(problems) or 'none'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
