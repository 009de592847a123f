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

TOP_KEYS = {"name", "description", "extends", "select", "ignore", "severity", "weight", "species_weight", "options",
            "texture"}
TEXTURE_KEYS = {"severity", "weight", "species_weight", "options"}  # [texture.*]: what changes in three voices or more
OFF = "off"
MAX_BYTES = 1_000_000  # a rulebook is a page of text
MAX_NESTING = 5  # texture.options.CODE.key = [values]: deeper is not a rulebook
MAX_EXTENDS = 16
MAX_WEIGHT = 1000.0
MAX_INT_OPTION = 1000
MAX_LIST = 64
MAX_TEXT = 2000


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
    texture_settings: tuple[Setting, ...] | None = None  # the settings in three voices or more ([texture]); None: same
    texture_species_weight: tuple[tuple[int, str, float], ...] = ()  # the same in three voices or more ([texture])

    def active(self, species: int, texture: bool = False) -> list[Setting]:
        """The enabled settings whose rule applies to ``species`` (0 for a lone cantus firmus), each with the
        weight the rulebook gives it in that species. Without ``texture``, for two voices (the T rules left out);
        with it, as set for three voices or more ([texture]), every role included."""
        weights = self.texture_species_weight if texture and self.texture_settings is not None else self.species_weight
        own = {code: w for sp, code, w in weights if sp == species}
        settings = self.texture_settings if texture and self.texture_settings is not None else self.settings
        return [dataclasses.replace(s, weight=own[s.rule.code]) if s.rule.code in own else s
                for s in settings if s.rule.applies_to(species) and (texture or s.rule.voices != "texture")]

    def get(self, code: str, texture: bool = False) -> Setting | None:
        """The rule's setting in two voices, or with ``texture`` in three voices or more ([texture])."""
        settings = self.texture_settings if texture and self.texture_settings is not None else self.settings
        return next((s for s in settings if s.rule.code == code), None)

    @property
    def codes(self) -> list[str]:
        return [s.rule.code for s in self.settings]


def builtin_rulebooks() -> dict[str, Path]:
    return {p.stem: p for p in sorted(data_dir("rules").glob("*.toml"))}


def load_rulebook(spec: str | Path | Rulebook = "fux") -> Rulebook:
    """A rulebook by built-in name (``"fux"``) or by path to a TOML file."""
    if isinstance(spec, Rulebook):
        return spec
    if not isinstance(spec, (str, Path)):
        kind = "None" if spec is None else f"a {type(spec).__name__}"
        raise RulebookError(f"rules must be a rulebook name, a TOML file's path or a Rulebook, not {kind}.")
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
        _read_tables(data, name, by_code, severity, weight, options)

    book = layers[-1][0]
    settings = _settings(RULES, choices, severity, weight, options, book)
    # [texture]: the same tables again, layered over the plain ones, for three voices or more.
    t_severity, t_weight, t_options, touched = dict(severity), dict(weight), {k: dict(v) for k, v in options.items()}, False
    for name, data in layers:
        texture = _table(data, "texture", name)
        unknown = set(texture) - TEXTURE_KEYS
        if unknown:
            raise RulebookError(f"rulebook {name}: [texture] may hold severity, weight, species_weight and options, "
                                f"not {', '.join(sorted(unknown))}.")
        touched = touched or bool(texture)
        _read_tables(texture, name, by_code, t_severity, t_weight, t_options, "texture.")
    texture_settings = _settings(RULES, choices, t_severity, t_weight, t_options, book) if touched else None
    plain = [(name, data, "") for name, data in layers]
    textures = [(name, _table(data, "texture", name), "texture.") for name, data in layers]
    name, data = layers[-1]
    return Rulebook(str(data.get("name", name)), str(data.get("description", "")), tuple(settings),
                    path=_origin(spec), species_weight=_species_weights(plain, by_code),
                    texture_settings=texture_settings,
                    # in three voices or more the [texture] tables come after every plain one, as for the settings
                    texture_species_weight=_species_weights(plain + textures, by_code))


def _settings(rules, choices, severity: dict, weight: dict, options: dict, book: str) -> tuple[Setting, ...]:
    by_code = {r.code: r for r in rules}
    parsed = {code: _options(by_code[code], given, book) for code, given in options.items()}
    settings = []
    for rule in rules:
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
    return tuple(settings)


def _read_tables(data: dict, name: str, by_code: dict, severity: dict, weight: dict, options: dict,
                 prefix: str = "") -> None:
    """Merge one layer's [severity], [weight] and [options] tables into the running dicts."""
    for code, value in _table(data, "severity", name).items():
        _known(code, by_code, name)
        if not isinstance(value, str) or value not in (*SEVERITIES, OFF):
            raise RulebookError(f"rulebook {name} gives {code} the severity {_show(value)}"
                                f"{' in [texture.severity]' if prefix else ''}; use error, warning or off.")
        severity[code] = value
    for code, value in _table(data, "weight", name).items():
        _known(code, by_code, name)
        if not isinstance(value, (int, float)) or isinstance(value, bool) or not 0 <= value <= MAX_WEIGHT:
            raise RulebookError(f"rulebook {name} gives {code} the weight {_show(value)}; a weight is a finite "
                                f"number from 0 to {MAX_WEIGHT:g}.")
        weight[code] = float(value)
    for code, table in _table(data, "options", name).items():
        _known(code, by_code, name)
        if not isinstance(table, dict):
            raise RulebookError(f"rulebook {name}: [{prefix}options.{code}] must be a table.")
        options.setdefault(code, {}).update(table)


def _species_weights(layers: list[tuple[str, dict, str]], by_code: dict) -> tuple[tuple[int, str, float], ...]:
    """``[species_weight.N]`` tables: a rule's weight in species N alone, overriding ``[weight]`` there.

    Layers (name, tables, prefix: "" or "texture.") merge as ``[weight]`` does, key by key, the later winning;
    a plain ``[weight]`` entry in a later layer resets the earlier layers' species weights for that rule (it
    means: this weight, everywhere).
    """
    out: dict[int, dict[str, float]] = {}
    for name, data, prefix in layers:
        for code in _table(data, "weight", name):
            for table in out.values():
                table.pop(code, None)
        for key, table in _table(data, "species_weight", name).items():
            if key not in {str(n) for n in range(1, 6)}:
                raise RulebookError(f"rulebook {name}: [{prefix}species_weight.{key}] must name a species from 1 to 5.")
            if not isinstance(table, dict):
                raise RulebookError(f"rulebook {name}: [{prefix}species_weight.{key}] must be a table.")
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


def _read(spec: str, base: Path | None, child: str | None = None) -> tuple[str, dict, Path]:
    """A rulebook's name, table and folder; ``child`` is the rulebook whose ``extends`` named it, if any."""
    builtin = builtin_rulebooks()
    if spec in builtin:
        path = builtin[spec]
    else:
        path = Path(spec)
        if base is not None and not path.is_absolute():
            path = base / path
        if not path.is_file():
            names = ", ".join(builtin)
            where = f"rulebook {child} extends '{spec}', but there is no such rulebook" if child else f"no rulebook '{spec}'"
            raise RulebookError(f"{where}: give a built-in name ({names}) or the path of a TOML file.")
    try:
        if path.stat().st_size > MAX_BYTES:
            raise RulebookError(f"rulebook {path.name} is larger than {MAX_BYTES // 1000} kB; a rulebook is a page of text.")
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise RulebookError(f"rulebook {path.name} is not valid TOML: {str(exc).rstrip('.')}.") from None
    except RecursionError:
        raise RulebookError(f"rulebook {path.name} nests too deeply to be a rulebook.") from None
    except UnicodeDecodeError:
        raise RulebookError(f"rulebook {path.name} cannot be read: it is not UTF-8 text.") from None
    except ValueError:  # tomllib's int() on a number of thousands of digits
        raise RulebookError(f"rulebook {path.name} holds a number too long to read.") from None
    except PermissionError:
        raise RulebookError(f"rulebook {path.name} cannot be read: permission denied.") from None
    except OSError as exc:
        raise RulebookError(f"rulebook {path.name} cannot be read: {(exc.strerror or type(exc).__name__).lower()}.") from None
    if _nesting(data) > MAX_NESTING:
        raise RulebookError(f"rulebook {path.name} nests tables or lists deeper than a rulebook does; see rules/FORMAT.md.")
    for key in ("name", "description"):
        if key in data and (not isinstance(data[key], str) or len(data[key]) > MAX_TEXT):
            raise RulebookError(f"rulebook {path.name}: '{key}' must be a string of at most {MAX_TEXT} characters.")
    unknown = set(data) - TOP_KEYS
    if unknown:
        raise RulebookError(f"rulebook {path.name} has unknown key(s) {', '.join(sorted(unknown))}; see rules/FORMAT.md.")
    return path.stem, data, path.parent


def _layers(spec: str, seen: tuple[str, ...], base: Path | None = None) -> list[tuple[str, dict]]:
    name, data, folder = _read(spec, base, seen[-1] if seen else None)
    if len(seen) >= MAX_EXTENDS:
        raise RulebookError(f"rulebook {name} is more than {MAX_EXTENDS} extends deep; shorten the chain.")
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
            raise RulebookError(f"rulebook {book}: option {rule.code}.{key} must be {_type_name(hints[key])}, not {_show(value)}.")
        problem = _out_of_range(key, value)
        if problem:
            raise RulebookError(f"rulebook {book}: option {rule.code}.{key} {problem}, not {_show(value)}.")
    converted = {k: tuple(v) if isinstance(v, list) else v for k, v in given.items()}
    opts = rule.options(**converted)
    problem = opts.problem() if hasattr(opts, "problem") else ""  # what only the rule itself can judge
    if problem:
        raise RulebookError(f"rulebook {book}: option {rule.code}.{problem}.")
    return opts


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


def _nesting(value, depth: int = 0) -> int:
    """How deeply tables and lists nest in a parsed TOML value (iteratively: no recursion limit to hit)."""
    deepest, stack = depth, [(value, depth)]
    while stack:
        v, d = stack.pop()
        deepest = max(deepest, d)
        if deepest > MAX_NESTING:
            return deepest
        if isinstance(v, dict):
            stack += [(x, d + 1) for x in v.values()]
        elif isinstance(v, list):
            stack += [(x, d + 1) for x in v]
    return deepest


def _out_of_range(key: str, value: Any) -> str:
    """Why an option value of the right type is still unusable ('' when it is fine)."""
    import math

    values = value if isinstance(value, list) else [value]
    if isinstance(value, list) and len(value) > MAX_LIST:
        return f"must list at most {MAX_LIST} values"
    for v in values:
        if isinstance(v, bool):
            continue
        if isinstance(v, float) and not math.isfinite(v):
            return "must be a finite number"
        if isinstance(v, (int, float)):
            high = 1 if key.endswith("_share") else MAX_INT_OPTION
            if not 0 <= v <= high:
                return f"must be from 0 to {high}"
        if isinstance(v, str) and len(v) > MAX_TEXT:
            return f"must be at most {MAX_TEXT} characters"
    return ""


def _show(value: Any) -> str:
    """A value as the sentence shows it: repr, cut to 40 characters."""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
