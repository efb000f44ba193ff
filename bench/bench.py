#!/usr/bin/env python3
"""Krill vs Redis, side by side on this machine (see bench/README.md). Run through bench/run.sh.

Each round starts a fresh krill node (empty data dir) and a fresh redis-server, alternating which
goes first, and measures:
  S1  exec to the CQL port accepting, empty data dir (ms)
  M1  krill idle RSS after start-up, and peak RSS (VmHWM) after W1 (MiB)
  W1  krill stress write, 200 in flight, periodic commit log   vs  redis-benchmark SET -c 200
  R1  krill stress read over the W1 rows, once right after W1 (compactions running, cache
      filling) and once more after the compactions W1 set off have finished (bounded wait):
      the second is R1 ("in cache")                            vs  redis-benchmark GET -c 200
  L1  krill stress write at a fixed rate of 50% of W1: p99 / p99.9, with a TCP echo round trip
      (bench/echo.cc) measured during the same seconds
Prints one table of medians and ratios, and writes it with the conditions to docs/benchmarks.md.
Everything runs on 127.0.0.1; every wait is bounded.
"""

import argparse
import datetime
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
VALUE_BYTES = 5 * 34  # krill stress: five 34-byte columns


def log(msg):
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def accepts(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


def wait_port(port, proc, timeout):
    """Seconds until `port` accepts (polling every 0.5 ms), or raise."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        if proc.poll() is not None:
            raise RuntimeError(f"process exited with {proc.returncode} before listening on {port}")
        if accepts(port):
            return time.monotonic() - t0
        time.sleep(0.0005)
    raise RuntimeError(f"port {port} not accepting after {timeout}s")


def proc_status(pid, field):
    """A /proc/PID/status field in MiB (VmRSS, VmHWM)."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024.0
    return float("nan")


def stop(proc, timeout=30):
    if proc is None or proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)


def run(cmd, timeout):
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)
    if p.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, cmd))} exited {p.returncode}\n{p.stdout[-2000:]}\n{p.stderr[-2000:]}")
    return p.stdout


def stress_report(text):
    """Op rate and latencies (ms) from a krill stress report."""
    fields = {}
    for line in text.split("Results:", 1)[1].splitlines():
        m = re.match(r"^(\S.*?)\s*:\s*([\d,.]+)", line)
        if m:
            fields[m.group(1)] = float(m.group(2).replace(",", ""))
    return {"rate": fields["Op rate"], "p50": fields["Latency median"], "p99": fields["Latency 99th percentile"],
            "p999": fields["Latency 99.9th percentile"], "max": fields["Latency max"],
            "errors": fields["Total errors"]}


class Krill:
    def __init__(self, args, workdir):
        self.args = args
        self.dir = Path(tempfile.mkdtemp(prefix="krill-", dir=workdir))
        self.port = free_port()
        self.http_port = free_port()
        self.proc = None

    def start(self):
        cmd = [self.args.krill, "serve", "--data-dir", str(self.dir / "data"), "--listen-address", "127.0.0.1",
               "--native-port", str(self.port), "--http-port", str(self.http_port), "--smp", str(self.args.smp),
               "--memory", self.args.memory]
        logf = open(self.dir / "krill.log", "wb")
        self.proc = subprocess.Popen(cmd, stdout=logf, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        return wait_port(self.port, self.proc, 30) * 1000.0

    def stress(self, *args, timeout=600):
        cmd = [self.args.krill, "stress", *args, "-node", "127.0.0.1", "-port", f"native={self.port}"]
        out = run(cmd, timeout)
        r = stress_report(out)
        if r["errors"]:
            raise RuntimeError(f"krill stress reported {r['errors']} errors\n{out[-2000:]}")
        return r

    def settle(self, limit_s):
        """Waits until no compaction runs or is pending (the HTTP API, as nodetool
        compactionstats reads it), at most limit_s seconds; returns the seconds waited."""
        base = f"http://127.0.0.1:{self.http_port}/compaction_manager"
        start = time.monotonic()
        quiet = 0
        while time.monotonic() - start < limit_s:
            with urllib.request.urlopen(base + "/metrics/pending_tasks", timeout=5) as r:
                pending = json.loads(r.read())
            with urllib.request.urlopen(base + "/compactions", timeout=5) as r:
                running = json.loads(r.read())
            quiet = quiet + 1 if pending == 0 and not running else 0
            if quiet >= 3:  # three quiet polls in a row: a flush may start the next one
                break
            time.sleep(0.5)
        return time.monotonic() - start

    def stop(self):
        stop(self.proc)
        shutil.rmtree(self.dir, ignore_errors=True)


class Redis:
    def __init__(self, args, workdir):
        self.args = args
        self.dir = Path(tempfile.mkdtemp(prefix="redis-", dir=workdir))
        self.port = free_port()
        self.proc = None

    def start(self):
        # No persistence: the strongest baseline (Krill keeps a periodic commit log).
        cmd = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
               "--appendonly", "no", "--dir", str(self.dir), "--daemonize", "no"]
        logf = open(self.dir / "redis.log", "wb")
        self.proc = subprocess.Popen(cmd, stdout=logf, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        return wait_port(self.port, self.proc, 30) * 1000.0

    def benchmark(self, test, n, keyspace):
        out = run(["redis-benchmark", "-h", "127.0.0.1", "-p", str(self.port), "-c", str(self.args.concurrency),
                   "-n", str(n), "-t", test, "-d", str(VALUE_BYTES), "-r", str(keyspace), "--csv"], 600)
        for line in out.splitlines():
            cells = [c.strip('"') for c in line.split(",")]
            if cells[0].upper() == test.upper():
                return {"rate": float(cells[1]), "p50": float(cells[4]), "p99": float(cells[6])}
        raise RuntimeError(f"no {test} line in redis-benchmark output:\n{out}")

    def stop(self):
        stop(self.proc)
        shutil.rmtree(self.dir, ignore_errors=True)


def krill_round(args, workdir, echo_bin):
    k = Krill(args, workdir)
    res = {}
    try:
        res["s1_ms"] = k.start()
        time.sleep(1.0)
        res["idle_rss"] = proc_status(k.proc.pid, "VmRSS")
        log(f"krill: ready in {res['s1_ms']:.1f} ms, idle RSS {res['idle_rss']:.1f} MiB; W1 write n={args.rows}")
        w = k.stress("write", f"n={args.rows}", "-rate", f"threads={args.concurrency}")
        res["w1"] = w
        res["peak_rss"] = proc_status(k.proc.pid, "VmHWM")
        log(f"krill: W1 {w['rate']:.0f} op/s (p99 {w['p99']:.2f} ms), peak RSS {res['peak_rss']:.1f} MiB; "
            f"R1 read n={args.reads}")
        read = ("read", f"n={args.reads}", "-rate", f"threads={args.concurrency}", "-pop",
                f"dist=gaussian(1..{args.rows})")
        res["r1_now"] = k.stress(*read)
        res["settle_s"] = k.settle(args.settle_seconds)
        log(f"krill: R1 right after W1 {res['r1_now']['rate']:.0f} op/s; compactions settled in "
            f"{res['settle_s']:.1f} s; R1 again")
        r = k.stress(*read)
        res["r1"] = r
        rate = max(1, int(w["rate"] * 0.5))
        log(f"krill: R1 {r['rate']:.0f} op/s; L1 fixed={rate}/s for {args.l1_seconds}s with echo")
        echo_port = free_port()
        echo_srv = subprocess.Popen([echo_bin, "server", str(echo_port)], stdout=subprocess.DEVNULL,
                                    stderr=subprocess.DEVNULL)
        try:
            wait_port(echo_port, echo_srv, 10)
            echo = subprocess.Popen([echo_bin, "client", str(echo_port), str(args.echo_rate), str(args.l1_seconds)],
                                    stdout=subprocess.PIPE, text=True)
            l1 = k.stress("write", f"duration={args.l1_seconds}s", "-rate", f"threads={args.concurrency}",
                          f"fixed={rate}/s", "-pop", f"seq=1..{args.rows}")
            echo_out, _ = echo.communicate(timeout=args.l1_seconds + 30)
        finally:
            echo_srv.kill()
            echo_srv.wait(timeout=10)
        m = re.search(r"p99_ms=([\d.]+) p999_ms=([\d.]+)", echo_out or "")
        l1["echo_p99"] = float(m.group(1)) if m else float("nan")
        l1["echo_p999"] = float(m.group(2)) if m else float("nan")
        l1["target_rate"] = rate
        res["l1"] = l1
        log(f"krill: L1 {l1['rate']:.0f} op/s p99 {l1['p99']:.2f} ms p99.9 {l1['p999']:.2f} ms; "
            f"echo p99 {l1['echo_p99']:.3f} ms")
        res["driver"] = driver_write(args, k.port)
    finally:
        k.stop()
    return res


def driver_write(args, port):
    """W1's writes through the Node.js driver (bench/driver_write.js): op/s, or NaN when unavailable."""
    script = REPO / "bench" / "driver_write.js"
    if args.driver_writes <= 0 or not shutil.which("node") or \
            not (REPO / "tests" / "node" / "node_modules" / "cassandra-driver").is_dir():
        return float("nan")
    out = run(["node", str(script), str(port), str(args.driver_writes), str(args.concurrency)], 300)
    m = re.search(r"rate=(\d+) errors=(\d+)", out)
    if not m or int(m.group(2)) != 0:
        raise RuntimeError(f"driver_write.js failed: {out}")
    log(f"krill: Node.js driver writes {int(m.group(1))} op/s")
    return float(m.group(1))


def redis_round(args, workdir):
    r = Redis(args, workdir)
    res = {}
    try:
        res["s1_ms"] = r.start()
        time.sleep(0.5)
        res["idle_rss"] = proc_status(r.proc.pid, "VmRSS")
        res["set"] = r.benchmark("set", args.rows, args.rows)
        res["get"] = r.benchmark("get", args.reads, args.rows)
        res["peak_rss"] = proc_status(r.proc.pid, "VmHWM")
        log(f"redis: SET {res['set']['rate']:.0f} op/s, GET {res['get']['rate']:.0f} op/s")
    finally:
        r.stop()
    return res


def med(values):
    values = [v for v in values if v == v]  # drop NaN
    return statistics.median(values) if values else float("nan")


def machine():
    model = "unknown CPU"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
        mem_kib = int(open("/proc/meminfo").readline().split()[1])
    except OSError:
        mem_kib = 0
    return f"{os.cpu_count()} vCPU ({model}), {mem_kib / 1048576:.1f} GiB RAM, Linux {platform.release()}"


def build_table(args, kr, rr):
    def m(rounds, *path):
        vals = []
        for r in rounds:
            v = r
            for p in path:
                v = v[p]
            vals.append(v)
        return med(vals)

    w1, set_ = m(kr, "w1", "rate"), m(rr, "set", "rate")
    r1, get = m(kr, "r1", "rate"), m(rr, "get", "rate")
    # Ratios: the median of the per-round ratios (each measured side by side).
    w_ratio = med([k["w1"]["rate"] / r["set"]["rate"] for k, r in zip(kr, rr)])
    r_ratio = med([k["r1"]["rate"] / r["get"]["rate"] for k, r in zip(kr, rr)])
    r_now_ratio = med([k["r1_now"]["rate"] / r["get"]["rate"] for k, r in zip(kr, rr)])
    rows = [
        ("W1 write op/s (200 in flight)", f"{w1:,.0f}", f"SET {set_:,.0f}", f"{w_ratio:.2f}x", ">= 1.0x Redis SET"),
        ("W1 through the Node.js driver (op/s)", f"{m(kr, 'driver'):,.0f}", "", "", "cross-check"),
        ("W1 latency p99 (ms)", f"{m(kr, 'w1', 'p99'):.2f}", f"SET {m(rr, 'set', 'p99'):.2f}", "", ""),
        ("R1 read op/s (200 in flight)", f"{r1:,.0f}", f"GET {get:,.0f}", f"{r_ratio:.2f}x", ">= 1.0x Redis GET"),
        ("R1 latency p99 (ms)", f"{m(kr, 'r1', 'p99'):.2f}", f"GET {m(rr, 'get', 'p99'):.2f}", "", ""),
        ("R1 right after W1, compactions running (op/s)", f"{m(kr, 'r1_now', 'rate'):,.0f}",
         f"GET {get:,.0f}", f"{r_now_ratio:.2f}x", "(reported, no target)"),
        ("L1 rate (50% of W1, op/s)", f"{m(kr, 'l1', 'rate'):,.0f}", "", "", ""),
        ("L1 p99 (ms)", f"{m(kr, 'l1', 'p99'):.2f}", f"echo {m(kr, 'l1', 'echo_p99'):.3f}", "", "<= 2 ms"),
        ("L1 p99.9 (ms)", f"{m(kr, 'l1', 'p999'):.2f}", f"echo {m(kr, 'l1', 'echo_p999'):.3f}", "", "<= 10 ms"),
        ("M1 idle RSS (MiB)", f"{m(kr, 'idle_rss'):.1f}", f"{m(rr, 'idle_rss'):.1f}", "", "<= 32 MiB"),
        ("M1 peak RSS after W1 (MiB)", f"{m(kr, 'peak_rss'):.1f}", f"{m(rr, 'peak_rss'):.1f}", "",
         f"within --memory {args.memory}"),
        ("S1 start to CQL-ready, empty (ms)", f"{m(kr, 's1_ms'):.1f}", f"{m(rr, 's1_ms'):.1f}", "", "<= 100 ms"),
    ]
    head = ("figure", "Krill", "Redis / echo", "ratio", "target")
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def per_round(kr, rr):
    lines = ["| round | W1 op/s | SET op/s | R1 after W1 op/s | settled s | R1 op/s | GET op/s | L1 p99 ms "
             "| L1 p99.9 ms | echo p99 ms | S1 ms | driver op/s |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for i, (k, r) in enumerate(zip(kr, rr), 1):
        lines.append(f"| {i} | {k['w1']['rate']:,.0f} | {r['set']['rate']:,.0f} | {k['r1_now']['rate']:,.0f} | "
                     f"{k['settle_s']:.1f} | {k['r1']['rate']:,.0f} | "
                     f"{r['get']['rate']:,.0f} | {k['l1']['p99']:.2f} | {k['l1']['p999']:.2f} | "
                     f"{k['l1']['echo_p99']:.3f} | {k['s1_ms']:.1f} | {k['driver']:,.0f} |")
    return "\n".join(lines)


def write_doc(args, table, rounds_table, elapsed):
    rev = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True,
                         text=True).stdout.strip() or "unknown"
    conditions = [
        f"- Date: {datetime.datetime.utcnow():%Y-%m-%d %H:%M} UTC; commit {rev} (plus uncommitted work, if any); "
        f"binary `{args.krill}`.",
        f"- Machine: {machine()}; shared with other work, so absolute figures move 2-3x between runs: "
        "read the ratios, measured side by side.",
        f"- Rounds: {args.rounds} ({'quick' if args.quick else 'full'} mode), medians shown; Krill and Redis "
        "alternate which goes first.",
        f"- Krill: `krill serve --smp {args.smp} --memory {args.memory}`, commitlog_sync periodic (default, "
        "10 s), fresh empty data dir each round.",
        f"- W1: `krill stress write n={args.rows} -rate threads={args.concurrency}` (keyspace1.standard1, "
        "10-byte keys, five 34-byte columns, LOCAL_ONE, prepared); Redis: `redis-benchmark -c "
        f"{args.concurrency} -n {args.rows} -t set -d {VALUE_BYTES} -r {args.rows}` (not pipelined).",
        f"- R1: `krill stress read n={args.reads} -rate threads={args.concurrency} -pop "
        f"dist=gaussian(1..{args.rows})` over the {args.rows:,} rows W1 wrote, run twice: right after W1 "
        "(compactions running, the block cache filling; reported beside R1) and again once no compaction "
        f"runs or is pending (waited for up to {args.settle_seconds} s, polling the HTTP API): that second "
        "run is R1, reads in cache. Redis: "
        f"`redis-benchmark -c {args.concurrency} -n {args.reads} -t get -d {VALUE_BYTES} -r {args.rows}`.",
        f"- L1: `krill stress write duration={args.l1_seconds}s -rate threads={args.concurrency} fixed=R/s` "
        "with R = 50% of the round's W1 rate; latency from the intended start time. Echo: bench/echo.cc, "
        f"one connection, {args.echo_rate} round trips/s during the same seconds.",
        "- Redis 7 from Debian, `--save '' --appendonly no` (no persistence at all).",
        f"- Cross-check: {args.driver_writes:,} of the same prepared writes through the Node.js "
        f"cassandra-driver 4.10 (bench/driver_write.js, {args.concurrency} in flight, 4 connections) after L1; "
        "a JavaScript client spends more CPU per request than `krill stress`, so lower is expected.",
        "- M1: VmRSS 1 s after start-up; peak = VmHWM after W1. S1: exec to the CQL port accepting "
        "a TCP connection.",
    ]
    doc = f"""# Benchmarks

Generated by `bash bench/run.sh{' --quick' if args.quick else ''}` (see `bench/README.md`) in
{elapsed:.0f} s. The targets are those of the performance brief; a ratio is the median over rounds of
Krill / Redis measured in the same round. Medians of each column are taken separately.
Where the time of a request goes, and the biggest costs: `docs/performance.md`.

## Results

{table}

### Per round

{rounds_table}

## Conditions

{chr(10).join(conditions)}
"""
    # Sections other commands write (bench/blacklist: "## Blacklist") are kept as they are.
    out = Path(args.out)
    if out.exists():
        old = out.read_text()
        keep = old.find("\n## Blacklist")
        if keep >= 0:
            doc = doc.rstrip("\n") + "\n" + old[keep:]
    out.write_text(doc)
    log(f"wrote {args.out}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--krill", required=True, help="krill binary")
    ap.add_argument("--echo", required=True, help="bench/echo.cc binary")
    ap.add_argument("--quick", action="store_true", help="~3 minutes: 200k rows, 8 s L1")
    ap.add_argument("--rows", type=int, help="rows written by W1 and read by R1 (default 1,000,000; quick 200,000)")
    ap.add_argument("--reads", type=int, help="R1 operations (default: = rows)")
    ap.add_argument("--settle-seconds", type=float, default=60,
                    help="longest wait for compactions to finish before the second R1 run (default 60)")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--concurrency", type=int, default=200)
    ap.add_argument("--smp", type=int, default=2)
    ap.add_argument("--memory", default="512M")
    ap.add_argument("--l1-seconds", type=int, help="L1 duration (default 20; quick 8)")
    ap.add_argument("--echo-rate", type=int, default=1000)
    ap.add_argument("--driver-writes", type=int, help="writes through the Node.js driver per round "
                    "(default 100,000; quick 50,000; 0 skips)")
    ap.add_argument("--out", default=str(REPO / "docs" / "benchmarks.md"), help="markdown file to write")
    ap.add_argument("--no-doc", action="store_true", help="print the table only")
    args = ap.parse_args()
    args.rows = args.rows or (200_000 if args.quick else 1_000_000)
    args.reads = args.reads or args.rows
    args.l1_seconds = args.l1_seconds or (8 if args.quick else 20)
    if args.driver_writes is None:
        args.driver_writes = 50_000 if args.quick else 100_000
    args.krill = str(Path(args.krill).resolve())

    t0 = time.monotonic()
    workdir = tempfile.mkdtemp(prefix="krill-bench-")
    kr, rr = [], []
    try:
        for i in range(args.rounds):
            log(f"round {i + 1}/{args.rounds}")
            if i % 2 == 0:
                kr.append(krill_round(args, workdir, args.echo))
                rr.append(redis_round(args, workdir))
            else:
                rr.append(redis_round(args, workdir))
                kr.append(krill_round(args, workdir, args.echo))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    table = build_table(args, kr, rr)
    rounds_table = per_round(kr, rr)
    print()
    print(table)
    print()
    print(rounds_table)
    if not args.no_doc:
        write_doc(args, table, rounds_table, time.monotonic() - t0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
