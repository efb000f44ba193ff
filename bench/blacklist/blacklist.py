"""The blacklist scenario, end to end (run through bench/blacklist/run.sh).

Steps: generate the CSVs (gen.cc), start a node (--memory 512M), create the schema, then
  1. `krill load` of all e-mails and IPs: wall time, rows/s, peak RSS of loader and node;
  2. lookups through the Python driver: known hits must be found with their values,
     guaranteed misses must not;
  3. COPY FROM (`krill cql -e "COPY ..."`) of --copy-rows e-mails into a fresh table;
  4. the normal write path (`krill load --write-path`) of --write-rows e-mails into a fresh
     table, with the rate of every successive interval (5 M rows, or rows/7 when smaller).
Prints a table and writes the "Blacklist" section of docs/benchmarks.md.
"""

import argparse
import datetime
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from cassandra.cluster import Cluster

HERE = Path(__file__).resolve().parent
DOC = HERE.parent.parent / "docs" / "benchmarks.md"
WORDS = ["buy", "cheap", "win", "promo", "deal", "lucky", "free", "crypto",
         "pills", "loan", "prize", "offer", "bonus", "rich", "click", "gift"]
DOMAINS = ["mailinator.test", "spam.example", "junk.example", "bulk.test",
           "promo.example", "fake.test", "trash.example", "burner.test"]
SOURCES = ["honeypot", "spamtrap", "abuse-report", "rbl", "manual", "bounce"]
M64 = (1 << 64) - 1


def mix(x):  # splitmix64, as gen.cc
    x = (x + 0x9E3779B97F4A7C15) & M64
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & M64
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & M64
    return x ^ (x >> 31)


def base36(v):
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    s = ""
    while True:
        s = digits[v % 36] + s
        v //= 36
        if v == 0:
            return s


def email(i):
    h = mix(i)
    return (f"{WORDS[h & 15]}.{WORDS[(h >> 4) & 15]}{base36(i)}@{DOMAINS[(h >> 48) & 7]}",
            SOURCES[(h >> 56) % 6])


def ip(i):
    h = mix(i)
    if h % 5 != 0:
        a = (i * 2654435761 + 0x5bd1e995) & 0xffffffff
        text = f"{a >> 24}.{(a >> 16) & 255}.{(a >> 8) & 255}.{a & 255}"
    else:
        text = f"2001:db8:{(h >> 16) & 0xffff:x}:{(h >> 32) & 0xffff:x}::{i >> 16:x}:{i & 0xffff:x}"
    return socket.inet_ntop(socket.AF_INET6 if ":" in text else socket.AF_INET,
                            socket.inet_pton(socket.AF_INET6 if ":" in text else socket.AF_INET, text)), \
        SOURCES[(h >> 56) % 6]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def peak_rss_kib(pid):
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def timed(cmd, log):
    """Runs cmd under /usr/bin/time -v; returns (seconds, peak RSS KiB, stdout)."""
    start = time.monotonic()
    r = subprocess.run(["/usr/bin/time", "-v"] + cmd, capture_output=True, text=True, timeout=7000)
    secs = time.monotonic() - start
    log.write(" ".join(cmd) + "\n" + r.stdout + r.stderr + "\n")
    if r.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{r.stdout}\n{r.stderr[-3000:]}")
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", r.stderr)
    return secs, int(m.group(1)) if m else 0, r.stdout


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--krill", required=True)
    ap.add_argument("--gen", required=True)
    ap.add_argument("--rows", type=int, default=35_000_000, help="e-mails + IPs (6:1)")
    ap.add_argument("--quick", action="store_true", help="200 000 rows")
    ap.add_argument("--write-rows", type=int, default=None, help="write-path rows (default: all e-mails)")
    ap.add_argument("--copy-rows", type=int, default=None, help="COPY FROM rows (default: min(rows, 1 M))")
    ap.add_argument("--lookups", type=int, default=10_000)
    ap.add_argument("--work", default="/tmp/krill-blacklist")
    ap.add_argument("--memory", default="512M")
    ap.add_argument("--no-doc", action="store_true")
    a = ap.parse_args()
    rows = 200_000 if a.quick else a.rows
    n_ips = rows // 7
    n_emails = rows - n_ips
    write_rows = min(a.write_rows or n_emails, n_emails)
    copy_rows = min(a.copy_rows or 1_000_000, n_emails)
    interval = 5_000_000 if write_rows >= 10_000_000 else max(1, write_rows // 7)
    work = Path(a.work)
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    log = open(work / "bench.log", "w")
    krill = str(Path(a.krill).resolve())

    t0 = time.monotonic()
    for kind, n in (("emails", n_emails), ("ips", n_ips)):
        with open(work / f"{kind}.csv", "w") as out:
            subprocess.run([a.gen, kind, str(n)], stdout=out, check=True, timeout=3600)
    with open(work / "copy.csv", "w") as out:
        subprocess.run([a.gen, "emails", str(copy_rows)], stdout=out, check=True, timeout=3600)
    gen_secs = time.monotonic() - t0
    print(f"generated {n_emails} e-mails + {n_ips} IPs in {gen_secs:.1f} s", flush=True)

    cql_port, http_port = free_port(), free_port()
    node = subprocess.Popen([krill, "serve", "--data-dir", str(work / "data"), "--native-port", str(cql_port),
                             "--http-port", str(http_port), "--memory", a.memory],
                            stdout=open(work / "node.log", "w"), stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", cql_port), 0.5).close()
                break
            except OSError:
                time.sleep(0.2)
        cluster = Cluster(["127.0.0.1"], port=cql_port, protocol_version=4)
        s = cluster.connect()
        s.execute("CREATE KEYSPACE blacklist WITH replication = "
                  "{'class': 'SimpleStrategy', 'replication_factor': 1}")
        for t in ("emails", "emails_copy", "emails_writes"):
            s.execute(f"CREATE TABLE blacklist.{t} (email text PRIMARY KEY, first_seen timestamp, source text)")
        s.execute("CREATE TABLE blacklist.ips (ip inet PRIMARY KEY, first_seen timestamp, source text)")

        # 1. krill load
        res = {}
        total_secs = 0.0
        loader_rss = 0
        for t in ("emails", "ips"):
            secs, rss, out = timed([krill, "load", "-k", "blacklist", "-t", t, "--header", "--no-progress",
                                    "--http-port", str(http_port), "--memory", "256M", "-v",
                                    str(work / f"{t}.csv")], log)
            print(out.strip(), flush=True)
            total_secs += secs
            loader_rss = max(loader_rss, rss)
            res[t] = secs
        node_rss_load = peak_rss_kib(node.pid)
        load_rate = rows / total_secs

        # 2. lookups through the driver
        q_e = s.prepare("SELECT source FROM blacklist.emails WHERE email = ?")
        q_i = s.prepare("SELECT source FROM blacklist.ips WHERE ip = ?")
        step_e = max(1, n_emails // a.lookups)
        step_i = max(1, n_ips // a.lookups)
        t0 = time.monotonic()
        checked = 0
        for k in range(a.lookups):
            for (q, fn, n, step) in ((q_e, email, n_emails, step_e), (q_i, ip, n_ips, step_i)):
                key, source = fn((k * step) % n)
                row = s.execute(q, [key]).one()
                assert row is not None and row.source == source, f"hit {key} missing or wrong: {row}"
                miss, _ = fn(n + k)
                assert s.execute(q, [miss]).one() is None, f"miss {miss} found"
                checked += 2
        lookup_secs = time.monotonic() - t0
        print(f"{checked} lookups ({checked // 2} hits, {checked // 2} misses) correct, "
              f"{checked / lookup_secs:.0f} lookups/s (one synchronous driver session)", flush=True)

        # 3. COPY FROM
        secs, _, out = timed([krill, "cql", "127.0.0.1", str(cql_port), "-e",
                              f"COPY blacklist.emails_copy (email, first_seen, source) FROM '{work / 'copy.csv'}' "
                              "WITH HEADER = true"], log)
        copy_rate = copy_rows / secs
        print(f"COPY FROM: {copy_rows} rows in {secs:.1f} s ({copy_rate:.0f} rows/s)", flush=True)

        # 4. the normal write path, by intervals
        with open(work / "writes.csv", "w") as out:
            subprocess.run(["head", "-n", str(write_rows + 1), str(work / "emails.csv")], stdout=out, check=True)
        secs, _, out = timed([krill, "load", "-k", "blacklist", "-t", "emails_writes", "--header", "--no-progress",
                              "--http-port", str(http_port), "--cql-port", str(cql_port), "--write-path",
                              "--report-every", str(interval), str(work / "writes.csv")], log)
        rates = [float(m) for m in re.findall(r"^rows \d+-\d+: (\d+) rows/s", out, re.M)]
        write_rate = write_rows / secs
        node_rss_all = peak_rss_kib(node.pid)
        print(out.strip(), flush=True)
    finally:
        node.send_signal(signal.SIGTERM)
        try:
            node.wait(timeout=120)
        except subprocess.TimeoutExpired:
            node.kill()

    ratio = rates[-1] / rates[0] if len(rates) >= 2 and rates[0] > 0 else float("nan")
    table = [
        ("rows", f"{n_emails:,} e-mails + {n_ips:,} IPs = {rows:,}"),
        ("`krill load` time (both tables)", f"{total_secs:.1f} s (e-mails {res['emails']:.1f} s, IPs {res['ips']:.1f} s)"),
        ("`krill load` rate", f"{load_rate:,.0f} rows/s"),
        ("peak RSS: loader / node (whole run)", f"{loader_rss / 1024:.0f} MiB / {node_rss_load / 1024:.0f} MiB after the load, "
                                               f"{node_rss_all / 1024:.0f} MiB at the end"),
        ("lookups (driver, hits + misses checked)", f"{checked:,} correct, {checked / lookup_secs:,.0f}/s"),
        ("COPY FROM (`krill cql`)", f"{copy_rate:,.0f} rows/s ({copy_rows:,} rows)"),
        ("normal write path (`krill load --write-path`)", f"{write_rate:,.0f} rows/s ({write_rows:,} rows)"),
        (f"write path per {interval:,}-row interval", ", ".join(f"{r / 1000:.0f}k" for r in rates) +
         f" rows/s (last/first {ratio:.2f})"),
    ]
    print()
    for k, v in table:
        print(f"{k:48} {v}")
    if a.no_doc:
        return
    when = datetime.date.today().isoformat()
    section = ["## Blacklist", "",
               f"`bash bench/blacklist/run.sh{' --quick' if a.quick else ''}` on {when}: this 2-core VM, shared with "
               "other builds and tests while measured (expect noise); node `--memory " + a.memory + "`, "
               "periodic commit log; `krill load --memory 256M`; schema "
               "`blacklist.emails(email text PRIMARY KEY, first_seen timestamp, source text)` and "
               "`blacklist.ips(ip inet PRIMARY KEY, ...)`. Targets: B1 (35 M rows in <= 60 s, RSS <= 512 MiB), "
               "cqlsh COPY anchor 35-117 k rows/s, last write-path interval >= 80 % of the first.", "",
               "| figure | value |", "|---|---|"]
    section += [f"| {k} | {v} |" for k, v in table]
    text = DOC.read_text() if DOC.exists() else "# Benchmarks\n"
    start = text.find("## Blacklist")
    if start >= 0:
        end = text.find("\n## ", start + 1)
        text = text[:start] + "\n".join(section) + "\n" + (text[end + 1:] if end >= 0 else "")
    else:
        text = text.rstrip("\n") + "\n\n" + "\n".join(section) + "\n"
    DOC.write_text(text)
    print(f"\nwrote the Blacklist section of {DOC}")


if __name__ == "__main__":
    main()
