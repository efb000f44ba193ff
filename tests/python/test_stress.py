"""`krill stress` (cassandra-stress syntax) against a real node: write then read 2,000 rows.

The stress tool runs as a subprocess; its cassandra-stress style report is parsed and checked
field by field, and the rows it wrote are checked with the Python driver.
"""

import re
import subprocess

import krill_harness as kh

ROWS = 2000
REPORT_FIELDS = [
    "Op rate", "Partition rate", "Row rate", "Latency mean", "Latency median",
    "Latency 95th percentile", "Latency 99th percentile", "Latency 99.9th percentile",
    "Latency max", "Total partitions", "Total errors", "Total GC count", "Total operation time",
]


def run_stress(port, *args, timeout=25):
    cmd = [kh.krill_bin(), "stress", *args, "-node", "127.0.0.1", "-port", f"native={port}"]
    if "-rate" not in args:
        cmd += ["-rate", "threads=50"]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)
    assert p.returncode == 0, f"{' '.join(cmd)} exited {p.returncode}\n{p.stdout}\n{p.stderr}"
    return p.stdout


def parse_report(text):
    """The 'Results:' section as {field: first value string}."""
    assert "Results:" in text, text
    fields = {}
    for line in text.split("Results:", 1)[1].splitlines():
        m = re.match(r"^(\S.*?)\s*:\s*(\S+)", line)
        if m:
            fields[m.group(1)] = m.group(2)
    return fields


def number(s):
    return float(s.replace(",", ""))


def check_report(text, rows):
    r = parse_report(text)
    for f in REPORT_FIELDS:
        assert f in r, f"missing {f!r} in report:\n{text}"
    assert number(r["Total partitions"]) == ROWS
    assert number(r["Total errors"]) == 0
    assert number(r["Total GC count"]) == 0
    assert number(r["Op rate"]) > 0
    assert re.match(r"^\d\d:\d\d:\d\d$", r["Total operation time"])
    lat = [number(r[f]) for f in ("Latency median", "Latency 95th percentile",
                                  "Latency 99th percentile", "Latency 99.9th percentile", "Latency max")]
    assert lat == sorted(lat), f"percentiles out of order: {lat}"
    assert all(re.search(rf"^{re.escape(f)}\s*:.*\bms\b", text, re.M) for f in REPORT_FIELDS[3:9])
    # Rows per second over the run: rows / seconds; seconds = partitions / op rate.
    seconds = number(r["Total partitions"]) / number(r["Op rate"])
    assert abs(number(r["Row rate"]) * seconds - rows) <= max(2, rows * 0.01), text
    # Progress lines in cassandra-stress's format.
    assert re.search(r"^total,\s+\d+,", text, re.M), text


def test_stress_write_then_read(krill_node, cluster):
    port = krill_node.native_port
    out = run_stress(port, "write", f"n={ROWS}")
    check_report(out, ROWS)

    s = cluster.connect()
    count = s.execute("SELECT count(*) FROM keyspace1.standard1").one()[0]
    assert count == ROWS
    row = s.execute("SELECT * FROM keyspace1.standard1 WHERE key = %s", [b"0000000001"]).one()
    assert row is not None
    values = row._asdict()
    assert [len(values[c]) for c in ("C0", "C1", "C2", "C3", "C4")] == [34] * 5

    # Default read population gaussian(1..n): every key drawn exists, so each read returns a row.
    out = run_stress(port, "read", f"n={ROWS}")
    check_report(out, ROWS)


def test_stress_fixed_rate_and_mixed(krill_node):
    port = krill_node.native_port
    # Open loop: 600 writes at 1,000/s take ~0.6 s whatever the node's speed.
    out = run_stress(port, "write", "n=600", "-pop", "seq=1..600", "-rate", "fixed=1000/s")
    r = parse_report(out)
    assert number(r["Total errors"]) == 0
    assert number(r["Total partitions"]) == 600
    assert 300 <= number(r["Op rate"]) <= 1100, out  # never faster than asked
    # Mixed for a duration, keys drawn over the rows written above: reads find them.
    out = run_stress(port, "mixed", "ratio(write=1,read=1)", "duration=2s", "-pop", "dist=uniform(1..600)")
    r = parse_report(out)
    assert number(r["Total errors"]) == 0
    assert number(r["Total partitions"]) > 0
    assert number(r["Row rate"]) == number(r["Op rate"]), out  # every read returned its row
    assert len(re.findall(r"^total,", out, re.M)) >= 2, out  # a progress line per second


def test_stress_bad_arguments():
    p = subprocess.run([kh.krill_bin(), "stress", "write", "-rate", "threads=0"],
                       capture_output=True, text=True, timeout=10, stdin=subprocess.DEVNULL)
    assert p.returncode == 2
    assert "Usage: krill stress" in p.stderr
