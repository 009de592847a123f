"""The diverse choice: the best ``n`` solutions that differ from each other in several bars.

One definition for two-voice lines and for textures; each caller says what a bar holds (``bars``).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence


def select_diverse(ranked: Sequence, n: int, min_diff: int, bars: Callable[[object], tuple],
                   deadline: float | None = None) -> list:
    """The best ``n`` of ``ranked`` in rank order, each differing from every better one in at least
    ``min_diff`` bars, where ``bars(sol)`` gives per bar what sol strikes in it.

    When the pool holds fewer such solutions, the requirement is relaxed one bar at a time (never below one),
    so the caller still gets ``n`` distinct ones, as different as the pool allows. The comparisons grow with
    ``n`` times the pool: past ``deadline`` (a monotonic time) the choice stops with those chosen so far,
    always the best one among them.
    """
    chosen: list = []

    def done() -> bool:
        return len(chosen) == n or bool(chosen and deadline is not None and time.monotonic() > deadline)

    for need in range(max(1, min_diff), 0, -1):
        for sol in ranked:
            if done():
                break
            mine = bars(sol)
            if all(sol is not c and difference(mine, bars(c)) >= need for c in chosen):
                chosen.append(sol)
        if done():
            break
    order = {id(s): k for k, s in enumerate(ranked)}
    chosen.sort(key=lambda s: order[id(s)])
    return chosen


def difference(a: tuple, b: tuple) -> int:
    """Bars in which two solutions strike different notes (a missing bar counts as different)."""
    return sum(1 for p, q in zip(a, b) if p != q) + abs(len(a) - len(b))
