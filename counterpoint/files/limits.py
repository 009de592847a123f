"""Bounded input: how large a score file may be before it is read, and how large an ``.mxl`` may unpack.

Species exercises and worksheets are small (a Fux figure is 20 kB; a worksheet of eight staves and 64
bars a few hundred); a file many megabytes long is a mistake or a trap. music21's MusicXML reader slows
down faster than the file grows: measured on this project's 2-core machine, 0.4 MB took 4 s, 1 MB 15-20 s,
3.8 MB 4.5 minutes, so the default keeps the worst case near 20 s. The limit is
:data:`DEFAULT_MAX_MB` megabytes, for the file as stored and for the total of a compressed ``.mxl``'s
members as they unpack (their sizes are read from the zip directory before anything is extracted). The
command line raises it with ``--max-size MB``; the library with :func:`set_max_size` or :func:`size_limit`.
"""

from __future__ import annotations

import contextlib
import math
import os
import stat
import zipfile
from collections.abc import Iterator
from pathlib import Path

from counterpoint.errors import InputError

DEFAULT_MAX_MB = 1.0
MAX_MEMBERS = 64
_max_bytes = int(DEFAULT_MAX_MB * 1_000_000)


def max_size() -> int:
    """The current limit in bytes."""
    return _max_bytes


def set_max_size(megabytes) -> int:
    """Set the limit (in megabytes, more than 0 and at most 10,000); return the previous one in bytes."""
    global _max_bytes
    mb = parse_megabytes(megabytes)
    old, _max_bytes = _max_bytes, int(mb * 1_000_000)
    return old


@contextlib.contextmanager
def size_limit(megabytes) -> Iterator[None]:
    """The limit set to ``megabytes`` for the duration of a ``with`` block."""
    old = set_max_size(megabytes)
    try:
        yield
    finally:
        global _max_bytes
        _max_bytes = old


def parse_megabytes(value) -> float:
    """A size in megabytes from a number or a string; InputError unless finite and in (0, 10000]."""
    if isinstance(value, bool):
        raise InputError("the size limit must be a number of megabytes, e.g. --max-size 20.")
    try:
        mb = float(value)
    except (TypeError, ValueError):
        raise InputError(f"the size limit must be a number of megabytes, e.g. --max-size 20, not {value!r}.") from None
    if not math.isfinite(mb) or mb <= 0 or mb > 10_000:
        raise InputError(f"the size limit must be more than 0 and at most 10000 megabytes, not {value}.")
    return mb


def _mb(n: int) -> str:
    mb = n / 1_000_000
    return f"{mb:,.0f} MB" if mb >= 10 else f"{mb:.3g} MB"


def check_input(path: str | Path, limit: int | None = None) -> int:
    """Raise InputError if ``path`` is not a regular file no larger than the limit (unpacked, for ``.mxl``)."""
    path = Path(path)
    limit = _max_bytes if limit is None else limit
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise InputError(f"{path} does not exist.") from None
    except PermissionError:
        raise InputError(f"{path} cannot be read: permission denied.") from None
    except OSError as exc:
        raise InputError(f"{path} cannot be read: {(exc.strerror or type(exc).__name__).lower()}.") from None
    if stat.S_ISDIR(st.st_mode):
        raise InputError(f"{path} is a folder, not a score.")
    if not stat.S_ISREG(st.st_mode):
        raise InputError(f"{path} is not a regular file; give a score file.")
    if not os.access(path, os.R_OK):
        raise InputError(f"{path} cannot be read: permission denied.")
    if st.st_size > limit:
        raise InputError(f"{path.name} is {_mb(st.st_size)}, more than the {_mb(limit)} limit for an input file; "
                         "raise it with --max-size MB if the file is really a score.")
    if path.suffix.lower() == ".mxl":
        _check_zip(path, limit)
    return st.st_size


def _check_zip(path: Path, limit: int) -> None:
    try:
        with zipfile.ZipFile(path) as zf:
            members = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise InputError(f"{path.name} could not be read as music (not a valid compressed MusicXML file).") from None
    if len(members) > MAX_MEMBERS:
        raise InputError(f"{path.name} holds {len(members)} files; a compressed MusicXML file holds a few.")
    total = sum(m.file_size for m in members)
    if total > limit:
        raise InputError(f"{path.name} unpacks to {_mb(total)}, more than the {_mb(limit)} limit for an input file; "
                         "raise it with --max-size MB if the file is really a score.")
