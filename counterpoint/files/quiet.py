"""Keep music21 (and its humdrum and ABC readers) quiet: the library never prints.

music21 reports oddities in two ways, the ``warnings`` module and ``sys.stderr.write`` in its
``environLocal.warn``. Inside :func:`quiet` both are captured; what was said is kept on the returned list
for whoever wants it, and nothing reaches the user's terminal.
"""

from __future__ import annotations

import contextlib
import io
import warnings
from collections.abc import Iterator


@contextlib.contextmanager
def quiet() -> Iterator[list[str]]:
    said: list[str] = []
    buffer = io.StringIO()
    with warnings.catch_warnings(record=True) as caught, contextlib.redirect_stderr(buffer):
        warnings.simplefilter("always")
        try:
            yield said
        finally:
            said += [str(w.message) for w in caught]
            said += [line for line in buffer.getvalue().splitlines() if line.strip()]

