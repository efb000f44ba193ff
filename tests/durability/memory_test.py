#!/usr/bin/env python3
"""Memory test: a node started with --memory 256M under sustained write and read load from
the real Python driver keeps its peak RSS under the budget, and excess load (many large
requests in flight at once) gets OVERLOADED instead of growing memory.

Short version (CTest): about 40 s of load. Long version: --seconds 600.
Prints "peak RSS X MiB of 256 MiB budget; N writes, M reads, K overloaded" and exits 1
when the peak exceeds the budget or when no overload was reported under excess load.
"""

import argparse
import os
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "python"))
import krill_harness as kh  # noqa: E402
from cassandra import OperationTimedOut  # noqa: E402
from cassandra.cluster import NoHostAvailable  # noqa: E402
from cassandra.concurrent import execute_concurrent_with_args  # noqa: E402

BUDGET_MIB = 256


def rss_mib(pid):
    with open(f"/proc/{pid}/statm") as f:
        pages = int(f.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / (1 << 20)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--seconds", type=int, default=40)
    args = p.parse_args()

    factory = kh.NodeFactory(prefix="krill-mem-")
    try:
        node = factory.create("mem", extra_args=["--memory", f"{BUDGET_MIB}M"])
        pid = node.proc.pid
        peak = rss_mib(pid)
        idle = peak
        stop = threading.Event()

        def sample():
            nonlocal peak
            while not stop.is_set():
                peak = max(peak, rss_mib(pid))
                time.sleep(0.05)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        cluster = kh.make_cluster(node.native_port)
        s = cluster.connect()
        s.execute("CREATE KEYSPACE mem WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}")
        s.execute("CREATE TABLE mem.t (k int PRIMARY KEY, v blob)")
        ins = s.prepare("INSERT INTO mem.t (k, v) VALUES (?, ?)")
        sel = s.prepare("SELECT v FROM mem.t WHERE k = ?")
        blob = os.urandom(4096)
        writes = reads = 0
        deadline = time.monotonic() + args.seconds
        key = 0
        while time.monotonic() < deadline:  # sustained mixed load, bounded in time
            batch = [(key + i, blob) for i in range(500)]
            res = execute_concurrent_with_args(s, ins, batch, concurrency=64, raise_on_first_error=False)
            writes += sum(1 for r in res if r.success)
            res = execute_concurrent_with_args(s, sel, [(k,) for k, _ in batch[::5]], concurrency=64,
                                               raise_on_first_error=False)
            reads += sum(1 for r in res if r.success)
            key += 500

        # Excess load: many 8 MiB requests at once, well past the request-memory budget.
        big = os.urandom(8 << 20)
        futures = [s.execute_async(ins, (10_000_000 + i, big), timeout=60) for i in range(48)]
        overloaded = 0
        for f in futures:
            try:
                f.result()
            except (NoHostAvailable, OperationTimedOut) as exc:
                if "overloaded" in str(exc).lower() or "Overloaded" in repr(exc):
                    overloaded += 1
            except Exception as exc:  # noqa: BLE001
                if "overloaded" in str(exc).lower():
                    overloaded += 1
        stop.set()
        sampler.join()
        cluster.shutdown()
        print(f"idle RSS {idle:.1f} MiB; peak RSS {peak:.1f} MiB of {BUDGET_MIB} MiB budget; "
              f"{writes} writes, {reads} reads, {overloaded} of {len(futures)} oversized requests overloaded")
        ok = peak <= BUDGET_MIB and overloaded > 0 and writes > 0 and reads > 0
        print("1 passed, 0 failed" if ok else "0 passed, 1 failed")
        return 0 if ok else 1
    finally:
        factory.cleanup()


if __name__ == "__main__":
    sys.exit(main())
