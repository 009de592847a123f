"""Safe output: every file this tool writes goes through :func:`safe_output`, so nothing a user has is lost.

* The file is written in a private temporary folder beside the destination, then moved into place in one
  step (``os.replace``): a run killed mid-write leaves the old file as it was, never a truncated one.
* Writers that leave helper files (music21 writes ``.musicxml`` before zipping an ``.mxl``) write them
  into that private folder, so no file beside the destination is touched.
* A symbolic link at the destination is refused, never followed (dangling or not).
* An input is never written onto, even through a hard link or with ``force``: the destination's device
  and inode are compared with every input's.
* Without ``force`` an existing file is refused *at the moment of writing*, atomically (``os.link``
  fails when the name exists), so of several runs racing to one name exactly one writes.

A run killed with SIGKILL (which no program can intercept) may leave its hidden ``.counterpoint-*`` folder
beside the destination; the destination itself is intact, and the folder can be deleted. SIGINT and
SIGTERM (see :mod:`counterpoint.cli.main`) remove it.

:func:`check_destination` runs the same checks early (before a long search) so that a bad ``--out`` is
reported at once; the checks that matter are repeated when the file is committed.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import stat
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from counterpoint.errors import InputError

_PREFIX = ".counterpoint-"


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return None
    return st.st_dev, st.st_ino


def check_destination(path: str | Path, *, force: bool = False, inputs: Iterable[str | Path] = ()) -> Path:
    """Raise InputError with one sentence if ``path`` cannot be written as asked; return it as a Path."""
    path = Path(path)
    if not path.name or path.name in (".", ".."):
        raise InputError(f"'{path}' names a folder, not a file; give a file name.")
    folder = path.parent
    try:
        folder_st = os.stat(folder)
    except FileNotFoundError:
        raise InputError(f"the folder {folder} does not exist.") from None
    except NotADirectoryError:
        raise InputError(f"{path} is not a place for a file: a part of its path is a file, not a folder.") from None
    except OSError as exc:
        raise InputError(f"cannot write {path}: {_reason(exc)}.") from None
    if not stat.S_ISDIR(folder_st.st_mode):
        raise InputError(f"{folder} is not a folder.")
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return path
    except OSError as exc:
        raise InputError(f"cannot write {path}: {_reason(exc)}.") from None
    if stat.S_ISLNK(st.st_mode):
        raise InputError(f"{path} is a symbolic link; this tool does not write through links, so give a plain file name.")
    if stat.S_ISDIR(st.st_mode):
        raise InputError(f"{path} is a folder; give a file name to write.")
    if not stat.S_ISREG(st.st_mode):
        raise InputError(f"{path} is not a regular file; give a plain file name to write.")
    ident = (st.st_dev, st.st_ino)
    if any(_identity(Path(i)) == ident for i in inputs):
        raise InputError(f"{path} is an input of this command (the same file); write the output to another file.")
    if not force:
        raise InputError(f"{path} already exists; choose another name or add --force to overwrite it.")
    return path


def _reason(exc: OSError) -> str:
    if isinstance(exc, PermissionError):
        return "permission denied"
    if exc.errno == errno.ENOSPC:
        return "no space left on the device"
    if exc.errno == errno.EROFS:
        return "the file system is read-only"
    if exc.errno == errno.EISDIR:
        return "it is a folder"
    return (exc.strerror or type(exc).__name__).lower().rstrip(".")


@contextlib.contextmanager
def safe_output(path: str | Path, *, force: bool = False, inputs: Iterable[str | Path] = ()) -> Iterator[Path]:
    """Yield a temporary path (same name, in a private folder beside ``path``) to write; commit it on success.

    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> with safe_output(d / "a.txt") as tmp:
    ...     _ = tmp.write_text("one")
    >>> (d / "a.txt").read_text()
    'one'
    >>> with safe_output(d / "a.txt") as tmp:               # doctest: +IGNORE_EXCEPTION_DETAIL
    ...     _ = tmp.write_text("two")
    Traceback (most recent call last):
    counterpoint.errors.InputError: ... already exists ...
    >>> (d / "a.txt").read_text(), sorted(p.name for p in d.iterdir())
    ('one', ['a.txt'])
    """
    inputs = tuple(inputs)
    path = check_destination(path, force=force, inputs=inputs)
    try:
        private = Path(tempfile.mkdtemp(prefix=_PREFIX, dir=path.parent))
    except OSError as exc:
        raise InputError(f"cannot write {path}: {_reason(exc)}.") from None
    try:
        tmp = private / path.name
        try:
            yield tmp
        except OSError as exc:
            raise InputError(f"cannot write {path}: {_reason(exc)}.") from None
        if not tmp.is_file() or tmp.is_symlink():
            raise InputError(f"cannot write {path}: the writer produced no file.")
        _commit(tmp, path, force, inputs)
    finally:
        shutil.rmtree(private, ignore_errors=True)


def _commit(tmp: Path, path: Path, force: bool, inputs: tuple) -> None:
    try:
        fd = os.open(tmp, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        try:
            mode = stat.S_IMODE(os.lstat(path).st_mode) if force else None  # a replaced file keeps its mode
        except FileNotFoundError:
            mode = None
        if mode is None:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        os.chmod(tmp, mode)
    except OSError as exc:
        raise InputError(f"cannot write {path}: {_reason(exc)}.") from None
    check_destination(path, force=force, inputs=inputs)  # again: the search may have taken a while
    if not force:
        try:
            os.link(tmp, path)  # atomic: fails if the name exists, whoever made it a moment ago
        except FileExistsError:
            raise InputError(f"{path} already exists; choose another name or add --force to overwrite it.") from None
        except OSError as exc:
            if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK):
                raise InputError(f"cannot write {path}: {_reason(exc)}.") from None
            _exclusive_copy(tmp, path)  # a file system without hard links
        return
    try:
        os.replace(tmp, path)  # replaces the name, never writes into the old file (or a file it links to)
    except OSError as exc:
        raise InputError(f"cannot write {path}: {_reason(exc)}.") from None


def _exclusive_copy(tmp: Path, path: Path) -> None:
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags, 0o666)
    except FileExistsError:
        raise InputError(f"{path} already exists; choose another name or add --force to overwrite it.") from None
    except OSError as exc:
        raise InputError(f"cannot write {path}: {_reason(exc)}.") from None
    try:
        with os.fdopen(fd, "wb") as out, open(tmp, "rb") as src:
            shutil.copyfileobj(src, out)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(path)
        raise InputError(f"cannot write {path}: {_reason(exc)}.") from None


def write_text(path: str | Path, text: str, *, force: bool = False, inputs: Iterable[str | Path] = ()) -> Path:
    """Write ``text`` (UTF-8) safely to ``path``."""
    with safe_output(path, force=force, inputs=inputs) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return Path(path)
