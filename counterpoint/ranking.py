"""The generator's search with the critic's taste: ``counterpoint.generate``.

The generator (:mod:`counterpoint.generator`) knows nothing of the critic, and the critic trains on the
generator's lines; this module, above both, joins them: by default a line's cost is its rule penalty
blended with the critic's doubt (:func:`counterpoint.critic.scoring.blended_rank`), plus how far the
line's idioms (repeated notes, back-and-forth figures, leaps, climax notes, off-beat dissonance) lie from
those of Fux's own solutions in the same species (:func:`counterpoint.analysis.profile_distance`), in
standard deviations: the taste of the style being taught, next to Palestrina's.
"""

from __future__ import annotations

from counterpoint.analysis import idiom_stats, load_profile, profile_distance
from counterpoint.errors import require_flag
from counterpoint.generator import GenerateResult, Ranker, clock_start, penalty_rank
from counterpoint.generator import generate as _generate


def default_rank(critic: bool = True) -> tuple[Ranker, str]:
    """The ranking generate() uses, and a note when the critic was asked for but cannot be had."""
    if not critic:
        return penalty_rank, ""
    from counterpoint.critic.model import CriticModelError

    try:
        from counterpoint.critic.scoring import STYLE, blended_rank, cached_model, score, style_weights

        model = cached_model()
        weights = style_weights(model)
    except CriticModelError as exc:
        return penalty_rank, f"ranked by rules alone: {exc}"
    blended = blended_rank(model)
    profile = load_profile()

    def rank(solutions) -> list[float]:
        costs = blended(solutions)
        out = []
        for sol, cost in zip(solutions, costs):
            sol.reasons_from = lambda s=sol: score(s, model).reasons
            distance, parts = profile_distance(idiom_stats(sol.exercise), sol.exercise.species, profile)
            sol.parts["style"] = round(distance, 4)
            sol.style = parts
            out.append(cost + weights.get(sol.exercise.species, STYLE) * distance)
        return out

    rank.__doc__ = (f"{blended.__doc__} + s × distance from Fux's idioms, s by species: "
                    + ", ".join(f"{k}: {v:g}" for k, v in weights.items()))
    return rank, ""


TEXTURE_OPTIONS = ("cf_voice", "mode", "effort", "progress")  # what generate_texture takes beside the common ones
# Ranking cost of a texture = rule penalty + TEXTURE_BLEND * (1 - free critic score). Chosen by two-fold cross-
# validation over Fux's 3-4-voice figures (bench/texture_critic.py: W that ranks his own texture highest among the
# generated ones on alternate figures, grid 0-80, measured on the others); docs/benchmarks.md, "The free critic
# ranks generated textures". A warning (weight 2-3) still outweighs a few hundredths of critic score.
TEXTURE_BLEND = 80.0
# ... plus TEXTURE_STYLE x how far the free voices' idioms lie from those of Fux's own three- and four-voice voices
# (counterpoint.analysis.texture_distance, in standard deviations summed over the voices). Zero: measured like the
# blend weight (bench/texture_critic.py, two-fold), no weight ranks Fux's own texture higher (S = 0: first in 47
# of 74 figures, mean rank 2.80; S = 1: 46, 2.86; S = 4: 43, 2.93), and among the 30 textures the ranker sees it
# moves the idioms of the best one by a cell at most. The distance is still reported with every texture.
TEXTURE_STYLE = 0.0


def texture_rank(critic: bool = True, weight: float = TEXTURE_BLEND, style: float = TEXTURE_STYLE):
    """The ranking of three- and four-voice textures: the rule penalty blended with the free-polyphony
    critic's doubt (:func:`counterpoint.critic.free.score_passage`: the three- or four-voice model), plus ``style`` times the
    distance of its free voices from Fux's idioms (:func:`counterpoint.analysis.texture_distance`; by default 0,
    so reported in ``parts["style"]`` but not weighed), or None for the penalty alone (and a note why, when the
    critic was asked for but cannot be had)."""
    if not critic:
        return None, ""
    from counterpoint.analysis import load_profile, texture_distance
    from counterpoint.critic.free import free_models, score_passage
    from counterpoint.errors import InputError

    try:
        free_models(None)
        profile = load_profile(part="textures")
    except InputError as exc:
        return None, f"ranked by rules alone: {exc}"

    def rank(solutions) -> list[float]:
        out = []
        for sol in solutions:
            distance, far = texture_distance(sol.texture, profile)
            sol.parts["style"] = round(distance, 4)
            sol.style = far
            try:
                found = score_passage(sol.texture)
            except InputError:  # no window the critic can read: the penalty and the style alone
                out.append(sol.penalty + weight + style * distance)
                continue
            sol.parts["critic"] = round(found.score, 4)
            sol.critic = found
            out.append(sol.penalty + weight * (1 - found.score) + style * distance)
        return out

    rank.__doc__ = (f"rule penalty + {weight:g} × (1 − free critic score)"
                    + (f" + {style:g} × distance from Fux's idioms" if style else ""))
    return rank, ""


def generate(cf, species: int | tuple[int, ...] = 1, position: str = "above", rules="fux", n: int = 10,
             seed: int | None = None, time_limit: float | None = None, *, critic: bool = True,
             rank: Ranker | None = None, **options):
    """:func:`counterpoint.generator.generate`, ranked by rules and the critic unless ``critic`` is false.

    With ``species`` a tuple or list (each free voice's species, top first) it writes three voices or more:
    :func:`counterpoint.generator.texture.generate_texture` with ``cf_voice`` (from 1, the highest; by
    default the lowest voice) and ``mode``; default time limit 10 s. Textures are ranked by their rule
    penalty blended with the free-polyphony critic (:func:`texture_rank`), or by the penalty alone when
    ``critic`` is false.

    >>> best = generate("D4 F4 E4 D4 G4 F4 A4 G4 F4 E4 D4", species=1, n=2, seed=1, effort=10)
    >>> len(best), all(s.report.ok for s in best), "critic" in best[0].parts
    (2, True, True)
    >>> three = generate("D4 F4 E4 D4 G4 F4 A4 G4 F4 E4 D4", species=(1, 3), cf_voice=3, n=2, seed=1, effort=10)
    >>> len(three), all(s.report.ok for s in three)
    (2, True)
    """
    start = clock_start(options.pop("start", None))  # loading the critic counts against the time limit too
    require_flag("critic", critic)
    if isinstance(species, (tuple, list)):
        return _generate_texture(cf, species, position, rules, n, seed, time_limit, rank, options, critic, start)
    why = ""
    if rank is None:
        rank, why = default_rank(critic)
    result = _generate(cf, species, position, rules, n, seed, time_limit, rank=rank, start=start, **options)
    if why:
        result.stats.notes.insert(0, why)
    return result


def _generate_texture(cf, species, position, rules, n, seed, time_limit, rank, options, critic=True, start=None):
    from counterpoint.errors import InputError
    from counterpoint.generator.texture import generate_texture

    unknown = sorted(k for k in options if k not in TEXTURE_OPTIONS)
    if unknown:
        raise InputError(f"{', '.join(unknown)} {'does' if len(unknown) == 1 else 'do'} not apply to three voices "
                         "or more; give cf_voice, mode, effort and progress only.")
    if position != "above":
        raise InputError("position does not apply to three voices or more; say where the cantus firmus is with cf_voice.")
    why = ""
    if rank is None:
        from counterpoint.critic.free import MAX_VOICES

        if critic and len(species) + 1 > MAX_VOICES:  # the critic would refuse every texture: say so, once
            words = {3: "three", 4: "four", 5: "five", 6: "six"}
            why = (f"ranked by rules alone: the free critic reads two to {words.get(MAX_VOICES, MAX_VOICES)} voices, "
                   f"not {words.get(len(species) + 1, len(species) + 1)}")
        else:
            rank, why = texture_rank(critic)
    result = generate_texture(cf, species=tuple(species), rules=rules, n=n, seed=seed,
                              time_limit=10.0 if time_limit is None else time_limit, rank=rank, start=start,
                              **options)
    if why:
        result.stats["notes"] = [why]
    return result
