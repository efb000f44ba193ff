"""Requests larger than the Python driver's 4 KiB write pieces.

The driver leaves Nagle's algorithm on and writes a large frame in 4 KiB pieces, so it holds
back each piece until the previous one is acknowledged. The server acknowledges at once
while a frame is incomplete (TCP_QUICKACK); without that, Linux delays the ACK on a
connection that also carries answers, and every such request took 40 ms (the kernel's
delayed-ACK timer) instead of well under one.
"""

import statistics
import time

import pytest

# The delayed-ACK stall is 40 ms per request; a request of this size otherwise takes a
# fraction of a millisecond. The bound sits far from both, so machine noise cannot decide it.
STALL_FREE_MS = 20


@pytest.mark.parametrize("size", [8 * 1024, 20 * 1024, 200 * 1024])
def test_large_values_are_not_held_back_by_delayed_acks(session, size):
    session.execute("CREATE TABLE IF NOT EXISTS big (k int PRIMARY KEY, v blob)")
    insert = session.prepare("INSERT INTO big (k, v) VALUES (?, ?)")
    select = session.prepare("SELECT v FROM big WHERE k = ?")
    times = []
    for i in range(15):
        value = bytes([i]) * size
        start = time.monotonic()
        session.execute(insert, (i, value))
        times.append((time.monotonic() - start) * 1000)
        assert session.execute(select, (i,)).one().v == value
    median = statistics.median(times)
    assert median < STALL_FREE_MS, f"{size}-byte inserts took {median:.1f} ms (median): {times}"
