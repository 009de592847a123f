"""`counterpoint rules`: list the catalogue, or print one rule's documentation."""

from __future__ import annotations

from counterpoint.errors import InputError
from counterpoint.io.writers import strict_json


def add_arguments(p) -> None:
    p.add_argument("rule", nargs="?", metavar="CODE|NAME", help="a rule code (V101) or name (parallel-fifths)")
    p.add_argument("--rules", default="fux", metavar="NAME|FILE", help="show severities and options as this rulebook sets them")
    p.add_argument("--all", action="store_true", help="list every rule in the catalogue, selected or not")
    p.add_argument("--format", choices=("text", "json"), default="text")


def run(args) -> int:
    from counterpoint.catalogue.docs import rule_text, species_label
    from counterpoint.catalogue.registry import RULES, find
    from counterpoint.catalogue.rulebook import load_rulebook

    book = load_rulebook(args.rules)
    if args.rule is not None and not args.rule.strip():
        raise InputError("the rule code is empty; give one like V101, or leave it out to list every rule.")
    if args.rule:
        rule = find(args.rule)
        if rule is None:
            raise InputError(f"no rule '{args.rule}'; `counterpoint rules` lists them.")
        if args.format == "json":
            print(strict_json(rule_json(rule, book.get(rule.code), book.get(rule.code, texture=True)), indent=2))
        else:
            print(rule_text(rule, book.get(rule.code), book.get(rule.code, texture=True)))
        return 0
    rows = []
    for r in RULES:
        s = book.get(r.code)
        if s is None and not args.all:
            continue
        rows.append({"code": r.code, "name": r.name, "severity": s.severity if s else "off",
                     "weight": s.weight if s else r.weight, "species": species_label(r), "message": r.message})
    if args.format == "json":
        print(strict_json(rows, indent=2))
        return 0
    name_w = max(len(r["name"]) for r in rows)
    spec_w = max(len(r["species"]) for r in rows)
    print(f"rulebook {book.name}: {len(rows)} rules  ·  `counterpoint rules CODE` explains one")
    print()
    for r in rows:
        print(f"{r['code']}  {r['name']:<{name_w}}  {r['severity']:<7}  {r['species']:<{spec_w}}  {r['message']}")
    return 0


def rule_json(rule, setting, texture_setting=None) -> dict:
    """One rule's documentation for scripts: the same content as the text, as fields (``texture_options``: the
    options as set in three voices or more)."""
    import dataclasses

    from counterpoint.catalogue.docs import species_label

    def example(ex) -> dict:
        return {"cf": ex.cf, "cp": ex.cp, "species": ex.species, "position": "above" if ex.above else "below",
                "mode": ex.mode, "bars": list(ex.bars)}

    options = setting.options if setting else rule.default_options
    texture_options = texture_setting.options if texture_setting else options
    return {"code": rule.code, "name": rule.name, "family": rule.family,
            "severity": setting.severity if setting else "off", "weight": setting.weight if setting else rule.weight,
            "species": species_label(rule), "message": rule.message, "what": rule.what, "why": rule.why,
            "exceptions": rule.exceptions or "", "wrong": example(rule.wrong), "right": example(rule.right),
            "options": {f.name: getattr(options, f.name) for f in dataclasses.fields(options)},
            "texture_options": {f.name: getattr(texture_options, f.name) for f in dataclasses.fields(options)},
            "source": rule.source}
