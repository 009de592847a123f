"""Check a texture of three voices or more: the same rules, applied to the voices they concern.

Each rule says which voices it reads (``Rule.voices``):

* ``line`` rules run once per free voice, with the cantus firmus as the reference;
* ``cantus`` rules run once, on the cantus firmus;
* ``pair`` rules run on every pair of voices. The voice in the plainer species (the cantus firmus, else the
  lower species) is the pair's reference, against which the other's dissonances are judged. Between two
  florid voices (both in species 2-5) only the rules that judge what both voices strike together run
  (:data:`FLORID_PAIR`), since neither is a reference the other's weak beats can be measured against;
* ``outer`` rules run on the highest and lowest voices only, ``adjacent`` ones on neighbouring voices only;
* ``two`` rules belong to two-voice exercises, where the T rules (``texture``) take over in more voices.

A fourth between two voices with a third voice sounding below both counts as a consonance
(:attr:`Vertical.consonant`), as it does between the upper voices in Fux's three-voice writing.
"""

from __future__ import annotations

from counterpoint.catalogue.base import Rule
from counterpoint.catalogue.context import Context
from counterpoint.catalogue.engine import Report, Violation, check_exercise, sort_violations
from counterpoint.catalogue.texture_context import TextureContext

# The pair rules that still hold between two florid voices: what they strike together on the beat, and
# parallels, crossing and overlap.
FLORID_PAIR = frozenset({"H101", "H104", "H105", "H108", "V101", "V102", "V103", "V104", "V109"})


def pair_roles(texture, i: int, j: int) -> frozenset[str]:
    """The voice roles that apply to voices i < j of the texture."""
    roles = {"pair"}
    if j == i + 1:
        roles.add("adjacent")
    if i == 0 and j == texture.n_voices - 1:
        roles.add("outer")
    return frozenset(roles)


def _label(names, line: int, ref: int, voice: str) -> str:
    """The violation's voice label: one voice's name, or 'alto–bass' for both (top first)."""
    if voice == "cp":
        return names[line]
    if voice == "cf":
        return names[ref]
    a, b = sorted((line, ref))
    return f"{names[a]}–{names[b]}"


def _reworded(detail: str, line_name: str, ref_name: str, ref_is_cf: bool) -> str:
    """A pair rule's message with the voices' names for 'the counterpoint' and (unless it is one) 'the cantus firmus'."""
    if not ref_is_cf:
        detail = detail.replace("the cantus firmus", f"the {ref_name}")
    return detail.replace("the counterpoint", f"the {line_name}")


def _run(ctx, settings, names, line: int, ref: int, ref_is_cf: bool = True) -> list[Violation]:
    out = []
    for s in settings:
        rule: Rule = s.rule
        for hit in rule.run(ctx, s.options):
            bar = hit.start // ctx.bar_ticks
            end_bar = hit.end // ctx.bar_ticks + 1 if hit.end is not None else None
            detail = _reworded(hit.detail, names[line], names[ref], ref_is_cf)
            out.append(Violation(rule.code, rule.name, s.severity, detail, bar + 1, ctx.beat(hit.start),
                                 _label(names, line, ref, hit.voice or "cp"), end_bar, s.weight, rule.source))
    return out


def pair_context(texture, line: int, ref: int) -> Context:
    """The two voices as a rule context that knows what the other voices sound (for the fourth)."""
    others = tuple(v.notes for k, v in enumerate(texture.voices) if k not in (line, ref))
    return Context(texture.pair(line, ref), others)


def texture_violations(texture, rulebook) -> list[Violation]:
    names = texture.names
    cf = texture.cf_voice
    found: list[Violation] = []
    first = True
    for v in texture.free:
        settings = rulebook.active(texture.voices[v].species, texture=True)
        ctx = pair_context(texture, v, cf)
        wanted = [s for s in settings if s.rule.voices == "line" or (first and s.rule.voices == "cantus")]
        found += _run(ctx, wanted, names, v, cf)
        first = False
    for i, j in texture.pairs():
        line, ref = texture.reference(i, j)
        roles = pair_roles(texture, i, j)
        florid = texture.voices[ref].species >= 2
        settings = [s for s in rulebook.active(texture.voices[line].species, texture=True)
                    if s.rule.voices in roles and (not florid or s.rule.code in FLORID_PAIR)]
        if settings:
            found += _run(pair_context(texture, line, ref), settings, names, line, ref, ref == cf)
    tctx = TextureContext(texture)
    species = max(texture.species)
    for s in rulebook.active(species, texture=True):
        if s.rule.voices != "texture":
            continue
        for hit in s.rule.run(tctx, s.options):
            end_bar = hit.end // tctx.bar_ticks + 1 if hit.end is not None else None
            found.append(Violation(s.rule.code, s.rule.name, s.severity, hit.detail, hit.start // tctx.bar_ticks + 1,
                                   tctx.beat(hit.start), hit.voice or "all voices", end_bar, s.weight, s.rule.source))
    return sort_violations(_dedupe(found))


def _dedupe(found: list[Violation]) -> list[Violation]:
    """One report per code, place, voices and message (a cantus rule seen from two pairs is one fault)."""
    seen, out = set(), []
    for v in found:
        key = (v.code, v.bar, v.beat, v.voice, v.message)
        if key not in seen:
            seen.add(key)
            out.append(v)
    return out


def check_texture(texture, rulebook) -> Report:
    """Every broken rule of a texture; a two-voice texture is checked exactly as a two-voice exercise."""
    if texture.n_voices == 2:
        line = texture.free[0]
        report = check_exercise(texture.pair(line, texture.cf_voice), rulebook)
        names = texture.names
        report.violations = [_renamed(v, names, line, texture.cf_voice) for v in report.violations]
        report.exercise = texture
        return report
    return Report(texture, rulebook.name, texture_violations(texture, rulebook))


def _renamed(v: Violation, names, line: int, ref: int) -> Violation:
    from dataclasses import replace

    voice = {"cp": "cp", "cf": "cf"}.get(v.voice, "both")
    return replace(v, voice=_label(names, line, ref, voice))
