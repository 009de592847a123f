"""Mapping a function over many inputs in worker processes, safely.

Training reads hundreds of movements and writes thousands of negatives, so it uses both cores. Two
hazards come with ``multiprocessing`` and are avoided here:

* a worker forked while another thread of the parent (a progress bar's refresh thread, say) holds a
  lock inherits that lock held and can block forever; workers therefore start from a clean
  *forkserver* process, not from a fork of this one;
* ``Pool.terminate()``, which ``with Pool(...)`` calls on the way out, can hang when it kills a worker
  that holds the task queue's lock; the pool here is closed and joined after every result is in.

Small jobs run in this process: starting workers costs more than it saves.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

#: below this many inputs, the map runs in this process
MIN_PARALLEL = 16


def parallel_map(fn: Callable[[T], R], items: Iterable[T], workers: int = 2, chunksize: int = 4) -> Iterator[R]:
    """``map(fn, items)`` in order, over ``workers`` processes when that pays; ``fn`` must be importable."""
    items = list(items)
    if workers <= 1 or len(items) < MIN_PARALLEL:
        yield from map(fn, items)
        return
    import multiprocessing

    pool = multiprocessing.get_context("forkserver").Pool(workers)
    try:
        yield from pool.imap(fn, items, chunksize=chunksize)
    except BaseException:
        pool.terminate()
        raise
    else:
        pool.close()
    finally:
        pool.join()
