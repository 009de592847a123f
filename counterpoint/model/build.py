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
    _require_notes(cf, "the cantus firmus")
    _require_notes(cp, "the counterpoint")
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
        raise InputError(f"the counterpoint's staff is empty, though species {species} is asked for; write the "
                         "counterpoint first, or let `counterpoint fill` write one.")

    if species is None:
        species = infer_species(cp, bar, len(cf)) if sounding else 0
        if species and species != 5 and min(n.duration for n in sounding) < bar // 4:
            species = 5  # mostly tied halves, but with eighth notes: florid
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
    elif not isinstance(mode, Mode):
        raise InputError(f"mode must be a string like 'G dorian' or a Mode, not {mode!r}.")
    if cp_above is None:
        cp_above = mean_height(sounding) >= mean_height(cf) if sounding else True
    return Exercise(cf=tuple(cf), cp=tuple(cp) if species else (), mode=mode, species=species,
                    cp_above=cp_above, bar_ticks=bar, title=title, inferred=tuple(inferred))


def _require_notes(notes, what: str) -> None:
    """A part is a sequence of Notes (``counterpoint.model.notation.parse_notes`` reads them from text)."""
    if isinstance(notes, (str, bytes)) or not isinstance(notes, (tuple, list)) \
            or not all(isinstance(n, Note) for n in notes):
        raise InputError(f"{what} must be a sequence of Notes (parse_notes reads them from text like \"D4 F4\"), "
                         f"not {type(notes).__name__} {str(notes)[:40]!r}.")


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


def assemble_texture(
    parts: list[tuple[tuple[Note, ...], str]],
    cf_voice: int,
    *,
    species: tuple[int | None, ...] | None = None,
    mode: Mode | str | None = None,
    signature: int | None = None,
    title: str = "",
    inferred: tuple[str, ...] = (),
):
    """Check and build a :class:`Texture` from its parts, top first, each (notes, name); ``cf_voice`` counts from 0.

    ``species`` gives each free voice's species top first (None: inferred from its rhythm). Each free voice
    is checked against the cantus firmus as a two-voice exercise would be, so the errors read the same.
    """
    from counterpoint.model.texture import MAX_VOICES, Texture, Voice, default_names

    n = len(parts)
    if not 2 <= n <= MAX_VOICES:
        raise InputError(f"an exercise has 2 to {MAX_VOICES} voices, not {n}.")
    if not 0 <= cf_voice < n:
        raise InputError(f"the cantus firmus is voice {cf_voice + 1}, but there are only {n} voices.")
    free = [i for i in range(n) if i != cf_voice]
    species = tuple(species) if species is not None else (None,) * len(free)
    if len(species) != len(free):
        raise InputError(f"{len(species)} species were given for {len(free)} voices beside the cantus firmus.")
    names = list(default_names(n))
    for i, (_, name) in enumerate(parts):
        if name:
            names[i] = name
    cf_notes = tuple(parts[cf_voice][0])
    base = assemble(cf_notes, mode=mode, signature=signature, species=0, title=title)
    voices: list[Voice] = [None] * n  # type: ignore[list-item]
    voices[cf_voice] = Voice(base.cf, 0, names[cf_voice])
    notes_inferred = list(inferred)
    for i, sp in zip(free, species):
        try:
            ex = assemble(cf_notes, tuple(parts[i][0]), species=sp, mode=base.mode, title=title)
        except InputError as exc:
            raise InputError(f"the {names[i]}: {exc}") from None
        if ex.species == 0:
            raise InputError(f"the {names[i]} has no notes; every voice of the exercise needs its line.")
        if sp is None:
            notes_inferred.append(f"{names[i]}: species {ex.species} (from the rhythm)")
        voices[i] = Voice(ex.cp, ex.species, names[i])
    return Texture(tuple(voices), cf_voice, base.mode, base.bar_ticks, title, tuple(notes_inferred))
