"""Assemble and validate an exercise from a cantus firmus and a counterpoint, inferring what is not given."""

from __future__ import annotations

from counterpoint.errors import InputError, require_int, require_text
from counterpoint.model.exercise import MAX_CF_NOTES, WHOLE, Exercise, Note
from counterpoint.model.mode import Mode, infer_mode
from counterpoint.model.notation import parse_notes
from counterpoint.model.species import infer_species

MIN_CF_NOTES = 3


def assemble(
    cf: tuple[Note, ...],
    cp: tuple[Note, ...] = (),
    *,
    species: int | None = None,
    cp_above: bool | None = None,
    mode: Mode | str | None = None,
    signature: int | None = None,
    title: str = "",
    inferred: tuple[str, ...] = (),
) -> Exercise:
    """Check the parts' shape and build an :class:`Exercise`.

    Raises :class:`InputError` with one sentence for anything that cannot be read as a species exercise.
    """
    if not cf:
        raise InputError("the cantus firmus has no notes.")
    if any(n.pitch is None for n in cf):
        raise InputError("the cantus firmus contains a rest; it must be one unbroken line of equal notes.")
    if len(cf) < MIN_CF_NOTES:
        raise InputError(f"the cantus firmus has {len(cf)} notes; it needs at least {MIN_CF_NOTES}.")
    if len(cf) > MAX_CF_NOTES:
        raise InputError(f"the cantus firmus has {len(cf)} notes; at most {MAX_CF_NOTES} are supported.")
    bar = cf[0].duration
    if any(n.duration != bar for n in cf) or any(n.tie for n in cf):
        raise InputError("the cantus firmus must have one untied note per bar, all of the same length.")
    end = len(cf) * bar

    if species not in (None, 0, 1, 2, 3, 4, 5):
        raise InputError(f"species {species} does not exist; use 1, 2, 3, 4 or 5.")
    cp = _trim_rests(cp)
    sounding = [n for n in cp if n.pitch is not None]
    if species == 0:
        sounding, cp = [], ()
    if sounding:
        if cp[-1].end != end:
            raise InputError(f"the counterpoint lasts {cp[-1].end / bar:g} bars but the cantus firmus {len(cf)}; they must end together.")
        if cp[-1].tie:
            raise InputError("the counterpoint's last note is tied to nothing.")
        for a, b in zip(cp, cp[1:]):
            if a.tie and a.pitch != b.pitch:
                raise InputError(f"a tie joins {a.pitch} to a different pitch, {b.pitch}.")
    elif species:
        raise InputError(f"species {species} was asked for, but the exercise has no counterpoint.")

    if species is None:
        species = infer_species(cp, bar, len(cf)) if sounding else 0
        if species:
            inferred = (f"species inferred: {species} (from the rhythm; --species overrides)", *inferred)
    if species and species != 5:
        fast = min(n.duration for n in sounding)
        if fast < bar // 4:
            raise InputError(f"species {species} has no notes shorter than a quarter of the bar; is this fifth species?")

    if mode is None:
        mode = infer_mode([n.pitch for n in cf], cf[-1].pitch, signature)
    elif isinstance(mode, str):
        mode = Mode.parse(mode, final=cf[-1].pitch if cf else None)
    if cp_above is None:
        cp_above = mean_height(sounding) >= mean_height(cf) if sounding else True
    return Exercise(cf=tuple(cf), cp=tuple(cp) if species else (), mode=mode, species=species,
                    cp_above=cp_above, bar_ticks=bar, title=title, inferred=tuple(inferred))


def from_text(cf: str, cp: str | None = None, **kwargs) -> Exercise:
    """Build an exercise from note lists: ``from_text("D4 F4 E4 D4", "A4 A4 G4 A4")``."""
    require_text("the cantus firmus", cf)
    require_text("the counterpoint", cp, optional=True)
    require_int("species", kwargs.get("species"), 0, 5, optional=True)
    cf_notes = parse_notes(cf)
    # A bare pitch is a whole note whatever the species; note values in the text (A4:2) give others.
    cp_notes = parse_notes(cp, WHOLE) if cp else ()
    return assemble(cf_notes, cp_notes, **kwargs)


def _trim_rests(notes: tuple[Note, ...]) -> tuple[Note, ...]:
    """Drop rests at the end; leading rests are kept for timing."""
    notes = list(notes)
    while notes and notes[-1].pitch is None:
        notes.pop()
    return tuple(notes)


def mean_height(notes) -> float:
    """The mean diatonic height of the sounding notes (0 for none): which voice lies higher."""
    pitched = [n.pitch.diatonic for n in notes if n.pitch is not None]
    return sum(pitched) / len(pitched) if pitched else 0.0
