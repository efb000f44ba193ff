#!/usr/bin/env python3
"""Crash test: no acknowledged write may be lost to kill -9, in any commitlog_sync mode.

For each mode, one krill node (loopback only) takes concurrent unique-key inserts from
several writer threads; every insert the server acknowledged is recorded. At a random
moment the node gets SIGKILL; it is restarted and every acknowledged key is read back.
Unacknowledged writes (in flight at the kill) may or may not be there. After K crashes:

    <mode>: acknowledged writes lost: 0 of N over K crashes (restart p50 .. ms, max .. ms)

Exits 1 if any acknowledged write was lost (or a restart failed).

    /usr/bin/python3 tests/durability/crash_test.py                # short: 3 crashes per mode
    /usr/bin/python3 tests/durability/crash_test.py --long         # 20 crashes per mode, 5-30 s apart
    /usr/bin/python3 tests/durability/crash_test.py --crashes 10 --modes group --seed 7

KRILL_BIN (or --bin) names the binary; the default is build/krill. Needs Debian's
python3-cassandra (run it with /usr/bin/python3).
"""

import argparse
import os
import random
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "python"))
import krill_harness as kh  # noqa: E402

KS = "crash"


class Writer(threading.Thread):
    """Inserts (writer, seq) rows with seq = 0, 1, 2, ... until stopped or the node dies."""

    def __init__(self, session, stmt, writer_id, start_seq, stop):
        super().__init__(daemon=True)
        self.session, self.stmt, self.id = session, stmt, writer_id
        self.seq = start_seq
        self.stop = stop
        self.acked = []

    def run(self):
        while not self.stop.is_set():
            try:
                self.session.execute(self.stmt, (self.id, self.seq, f"w{self.id}-{self.seq}"))
            except Exception:  # noqa: BLE001 - the node was killed: unacknowledged
                return
            self.acked.append(self.seq)
            self.seq += 1


def connect(node, timeout=5.0):
    cluster = kh.make_cluster(node.native_port, request_timeout=timeout)
    return cluster, cluster.connect()


def verify(node, acked_by_writer):
    """Returns the number of acknowledged writes missing after the restart."""
    cluster, session = connect(node, timeout=30.0)
    try:
        sel = session.prepare(f"SELECT seq FROM {KS}.acked WHERE writer = ?")
        lost = 0
        for writer, acked in acked_by_writer.items():
            present = {r.seq for r in session.execute(sel, (writer,))}
            missing = [s for s in acked if s not in present]
            if missing:
                print(f"  writer {writer}: {len(missing)} acknowledged writes missing, e.g. {missing[:5]}",
                      flush=True)
            lost += len(missing)
        return lost
    finally:
        cluster.shutdown()


def run_mode(factory, mode, args, rng):
    node = factory.create(f"crash_{mode}", config_text=f"commitlog_sync: {mode}\n")
    cluster, session = connect(node)
    session.execute(f"CREATE KEYSPACE {KS} WITH replication = "
                    "{'class': 'SimpleStrategy', 'replication_factor': 1}")
    session.execute(f"CREATE TABLE {KS}.acked (writer int, seq int, v text, PRIMARY KEY (writer, seq))")
    cluster.shutdown()

    acked_by_writer = {w: [] for w in range(args.writers)}
    next_seq = {w: 0 for w in range(args.writers)}
    total_lost, restarts = 0, []
    for crash in range(args.crashes):
        cluster, session = connect(node)
        stmt = session.prepare(f"INSERT INTO {KS}.acked (writer, seq, v) VALUES (?, ?, ?)")
        stop = threading.Event()
        writers = [Writer(session, stmt, w, next_seq[w], stop) for w in range(args.writers)]
        for w in writers:
            w.start()
        time.sleep(rng.uniform(args.min_interval, args.max_interval))
        node.kill9()
        stop.set()
        for w in writers:
            w.join(timeout=30)
        cluster.shutdown()
        n = 0
        for w in writers:
            acked_by_writer[w.id].extend(w.acked)
            n += len(w.acked)
            next_seq[w.id] = w.seq + 1  # the in-flight seq may or may not exist: skip it
        t0 = time.monotonic()
        node.start()
        restarts.append((time.monotonic() - t0) * 1000)
        lost = verify(node, acked_by_writer)
        total_lost += lost
        print(f"  {mode} crash {crash + 1}/{args.crashes}: {n} writes acknowledged in this run, "
              f"{lost} acknowledged writes missing after restart", flush=True)
    node.stop()
    total = sum(len(v) for v in acked_by_writer.values())
    print(f"{mode}: acknowledged writes lost: {total_lost} of {total} over {args.crashes} crashes "
          f"(restart p50 {statistics.median(restarts):.0f} ms, max {max(restarts):.0f} ms)", flush=True)
    return total_lost


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--long", action="store_true", help="20 crashes per mode, 5-30 s apart")
    p.add_argument("--crashes", type=int, help="crashes per mode (default 3, --long 20)")
    p.add_argument("--modes", default="periodic,batch,group")
    p.add_argument("--writers", type=int, default=8)
    p.add_argument("--min-interval", type=float, help="seconds of writing before a kill (default 1)")
    p.add_argument("--max-interval", type=float, help="(default 3; --long 30)")
    p.add_argument("--seed", type=int, default=int(os.environ.get("KRILL_CRASH_SEED", "1")))
    p.add_argument("--bin", help="krill binary (default: $KRILL_BIN or build/krill)")
    args = p.parse_args()
    args.crashes = args.crashes or (20 if args.long else 3)
    args.min_interval = args.min_interval if args.min_interval is not None else (5.0 if args.long else 1.0)
    args.max_interval = args.max_interval if args.max_interval is not None else (30.0 if args.long else 3.0)
    if args.bin:
        os.environ["KRILL_BIN"] = args.bin
    rng = random.Random(args.seed)
    print(f"crash test: seed {args.seed}, {args.crashes} crashes per mode, {args.writers} writers, "
          f"kill after {args.min_interval}-{args.max_interval} s", flush=True)
    factory = kh.NodeFactory(prefix="krill-crash-")
    failed = False
    try:
        for mode in args.modes.split(","):
            try:
                failed |= run_mode(factory, mode, args, rng) != 0
            except AssertionError as exc:  # a restart failed: that is a failure too
                print(f"{mode}: FAILED: {exc}", flush=True)
                failed = True
    finally:
        factory.cleanup()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
