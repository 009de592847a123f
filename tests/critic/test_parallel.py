import threading

from counterpoint.critic.parallel import MIN_PARALLEL, parallel_map


def test_small_maps_run_in_this_process_and_keep_order():
    assert list(parallel_map(abs, range(-5, 0), workers=2)) == [5, 4, 3, 2, 1]


def test_large_maps_use_the_workers_and_keep_order_while_a_thread_holds_a_lock():
    # a progress bar's refresh thread holding a lock at the moment workers start must not block them
    lock, release = threading.Lock(), threading.Event()
    holder = threading.Thread(target=lambda: (lock.acquire(), release.wait(), lock.release()))
    holder.start()
    try:
        items = list(range(-4 * MIN_PARALLEL, 0))
        assert list(parallel_map(abs, items, workers=2, chunksize=3)) == [abs(i) for i in items]
    finally:
        release.set()
        holder.join()


def test_a_consumer_that_stops_early_does_not_hang():
    it = parallel_map(abs, range(-4 * MIN_PARALLEL, 0), workers=2)
    assert [next(it) for _ in range(3)] == [64, 63, 62]
    it.close()  # terminates the workers; returns rather than waiting on them
