"""Rulebooks: TOML files that select rules (ruff-style select/ignore by code prefix), and set severities,
weights and options. A rulebook may extend another. See rules/FORMAT.md for the format."""

from __future__ import annotations

import dataclasses
import math
import tomllib
import types
import typing
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from counterpoint.catalogue.base import SEVERITIES, Rule
from counterpoint.errors import RulebookError
from counterpoint.resources import data_dir

TOP_KEYS = {"name", "description", "extends", "select", "ignore", "severity", "weight", "species_weight", "options"}
OFF = "off"


@dataclass(frozen=True)
class Setting:
    """A rule as a rulebook configures it."""

    rule: Rule
    severity: str
    weight: float
    options: Any


@dataclass(frozen=True)
class Rulebook:
    name: str
    description: str
    settings: tuple[Setting, ...]
    path: str = ""
    species_weight: tuple[tuple[int, str, float], ...] = ()  # (species, code, weight) from [species_weight.N]

    def active(self, species: int) -> list[Setting]:
        """The enabled settings whose rule applies to ``species`` (0 for a lone cantus firmus), each with the
        weight the rulebook gives it in that species."""
        own = {code: w for sp, code, w in self.species_weight if sp == species}
        return [dataclasses.replace(s, weight=own[s.rule.code]) if s.rule.code in own else s
                for s in self.settings if s.rule.applies_to(species)]

    def get(self, code: str) -> Setting | None:
        return next((s for s in self.settings if s.rule.code == code), None)

    @property
    def codes(self) -> list[str]:
        return [s.rule.code for s in self.settings]


def builtin_rulebooks() -> dict[str, Path]:
    return {p.stem: p for p in sorted(data_dir("rules").glob("*.toml"))}


def load_rulebook(spec: str | Path | Rulebook = "fux") -> Rulebook:
    """A rulebook by built-in name (``"fux"``) or by path to a TOML file."""
    if isinstance(spec, Rulebook):
        return spec
    if str(spec) in builtin_rulebooks():
        return _load_builtin(str(spec))
    return _load(str(spec))  # a user's file is read afresh every time: it may have been edited


@lru_cache(maxsize=16)
def _load_builtin(name: str) -> Rulebook:
    return _load(name)


def _load(spec: str) -> Rulebook:
    from counterpoint.catalogue.registry import RULES

    layers = _layers(spec, seen=())
    by_code = {r.code: r for r in RULES}
    choices: list[tuple[int, int, str, bool]] = []  # (prefix length, layer, prefix, selected)
    severity: dict[str, str] = {}
    weight: dict[str, float] = {}
    options: dict[str, dict] = {}
    for depth, (name, data) in enumerate(layers):
        for key in ("select", "ignore"):
            for prefix in _str_list(data, key, name):
                if prefix != "ALL" and not any(c.startswith(prefix) for c in by_code):
                    raise RulebookError(f"rulebook {name} names unknown rule code '{prefix}' in {key}.")
                p = "" if prefix == "ALL" else prefix
                choices.append((len(p), depth, p, key == "select"))
        for code, value in _table(data, "severity", name).items():
            _known(code, by_code, name)
            if value not in (*SEVERITIES, OFF):
                raise RulebookError(f"rulebook {name} gives {code} the severity '{value}'; use error, warning or off.")
            severity[code] = value
        for code, value in _table(data, "weight", name).items():
            _known(code, by_code, name)
            if not isinstance(value, (int, float)) or isinstance(value, bool) or value < 0:
                raise RulebookError(f"rulebook {name} gives {code} the weight {value!r}; a weight is a number of at least 0.")
            weight[code] = float(value)
        for code, table in _table(data, "options", name).items():
            _known(code, by_code, name)
            if not isinstance(table, dict):
                raise RulebookError(f"rulebook {name}: [options.{code}] must be a table.")
            options.setdefault(code, {}).update(table)

    book = layers[-1][0]
    parsed = {code: _options(by_code[code], given, book) for code, given in options.items()}
    settings = []
    for rule in RULES:
        matching = [c for c in choices if rule.code.startswith(c[2])]
        if not matching:
            continue
        # The longest prefix wins; at equal length the later (extending) rulebook, then ignore, wins.
        best = max(matching, key=lambda c: (c[0], c[1], not c[3]))
        sev = severity.get(rule.code, rule.severity)
        if not best[3] or sev == OFF:
            continue
        opts = parsed.get(rule.code) or rule.default_options
        settings.append(Setting(rule, sev, weight.get(rule.code, rule.weight), opts))
    name, data = layers[-1]
    return Rulebook(str(data.get("name", name)), str(data.get("description", "")), tuple(settings),
                    path=_origin(spec), species_weight=_species_weights(layers, by_code))


def _species_weights(layers: list[tuple[str, dict]], by_code: dict) -> tuple[tuple[int, str, float], ...]:
    """``[species_weight.N]`` tables: a rule's weight in species N alone, overriding ``[weight]`` there.

    Layers merge as ``[weight]`` does, key by key, the extending rulebook winning; a plain ``[weight]`` entry
    in a later layer resets the earlier layers' species weights for that rule (it means: this weight, everywhere).
    """
    out: dict[int, dict[str, float]] = {}
    for name, data in layers:
        for code in _table(data, "weight", name):
            for table in out.values():
                table.pop(code, None)
        for key, table in _table(data, "species_weight", name).items():
            if key not in {str(n) for n in range(1, 6)}:
                raise RulebookError(f"rulebook {name}: [species_weight.{key}] must name a species from 1 to 5.")
            if not isinstance(table, dict):
                raise RulebookError(f"rulebook {name}: [species_weight.{key}] must be a table.")
            for code, value in table.items():
                _known(code, by_code, name)
                if (not isinstance(value, (int, float)) or isinstance(value, bool) or not math.isfinite(value)
                        or value < 0):
                    raise RulebookError(f"rulebook {name} gives {code} the weight {value!r} in species {key}; "
                                        "a weight is a finite number of at least 0.")
                if not by_code[code].applies_to(int(key)):
                    raise RulebookError(f"rulebook {name} weights {code} in species {key}, where it does not apply.")
                out.setdefault(int(key), {})[code] = float(value)
    return tuple((sp, code, w) for sp in sorted(out) for code, w in sorted(out[sp].items()))


def _origin(spec: str) -> str:
    builtin = builtin_rulebooks()
    return str(builtin[spec]) if spec in builtin else str(Path(spec))


def _read(spec: str, base: Path | None) -> tuple[str, dict, Path]:
    builtin = builtin_rulebooks()
    if spec in builtin:
        path = builtin[spec]
    else:
        path = Path(spec)
        if base is not None and not path.is_absolute():
            path = base / path
        if not path.is_file():
            names = ", ".join(builtin)
            raise RulebookError(f"no rulebook '{spec}': give a built-in name ({names}) or the path of a TOML file.")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise RulebookError(f"rulebook {path.name} is not valid TOML: {exc}.") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise RulebookError(f"rulebook {path.name} cannot be read: {exc}.") from None
    unknown = set(data) - TOP_KEYS
    if unknown:
        raise RulebookError(f"rulebook {path.name} has unknown key(s) {', '.join(sorted(unknown))}; see rules/FORMAT.md.")
    return path.stem, data, path.parent


def _layers(spec: str, seen: tuple[str, ...], base: Path | None = None) -> list[tuple[str, dict]]:
    name, data, folder = _read(spec, base)
    if name in seen:
        raise RulebookError(f"rulebook {name} extends itself through {' → '.join(seen)}.")
    parent = data.get("extends")
    if parent is None:
        return [(name, data)]
    if not isinstance(parent, str):
        raise RulebookError(f"rulebook {name}: 'extends' must name one rulebook.")
    return [*_layers(parent, (*seen, name), folder), (name, data)]


def _known(code: str, by_code: dict, name: str) -> None:
    if code not in by_code:
        raise RulebookError(f"rulebook {name} names unknown rule code '{code}'.")


def _str_list(data: dict, key: str, name: str) -> list[str]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise RulebookError(f"rulebook {name}: '{key}' must be a list of strings.")
    return value


def _table(data: dict, key: str, name: str) -> dict:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise RulebookError(f"rulebook {name}: [{key}] must be a table.")
    return value


def _options(rule: Rule, given: dict, book: str) -> Any:
    fields = {f.name: f for f in dataclasses.fields(rule.options)}
    hints = typing.get_type_hints(rule.options)
    for key, value in given.items():
        if key not in fields:
            known = ", ".join(fields) or "none"
            raise RulebookError(f"rulebook {book}: {rule.code} has no option '{key}' (its options: {known}).")
        if not _fits(value, hints[key]):
            raise RulebookError(f"rulebook {book}: option {rule.code}.{key} must be {_type_name(hints[key])}, not {value!r}.")
    converted = {k: tuple(v) if isinstance(v, list) else v for k, v in given.items()}
    return rule.options(**converted)


def _fits(value: Any, hint: Any) -> bool:
    origin = typing.get_origin(hint)
    if origin in (types.UnionType, typing.Union):
        return any(_fits(value, h) for h in typing.get_args(hint))
    if hint is type(None):
        return value is None
    if hint is bool:
        return isinstance(value, bool)
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if hint is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if hint is str:
        return isinstance(value, str)
    if origin is tuple:
        args = [a for a in typing.get_args(hint) if a is not Ellipsis]
        return isinstance(value, list) and all(_fits(v, args[0]) for v in value) if args else isinstance(value, list)
    return True


def _type_name(hint: Any) -> str:
    return getattr(hint, "__name__", str(hint))
