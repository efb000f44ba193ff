"""`krill nodetool` operations and the REST endpoints behind them, against a real node.

Each command's output is parsed and checked against what the node really did: rows written
and flushed show up in tablestats, a snapshot appears in listsnapshots and on disk, clearsnapshot
removes it, compact merges SSTables, compaction throughput changes live, drain closes CQL.
"""

import json
import re
import subprocess
import time
import urllib.error
import urllib.request

import pytest

import krill_harness as kh

ROWS = 3000


def nodetool(node, *args, check=True):
    proc = subprocess.run([kh.krill_bin(), "nodetool", "-p", str(node.http_port), *args],
                          capture_output=True, text=True, timeout=120)
    if check:
        assert proc.returncode == 0, (args, proc.returncode, proc.stdout, proc.stderr)
    return proc


def rest(node, method, path):
    req = urllib.request.Request(f"http://127.0.0.1:{node.http_port}{path}", method=method)
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.status, json.loads(r.read().decode() or "null")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read().decode() or "null")


def write_rows(session, table, start, count):
    insert = session.prepare(f"INSERT INTO {table} (k, v) VALUES (?, ?)")
    for i in range(start, start + count):
        session.execute(insert, (i, "value-%06d" % i))


def table_stats(node, ks, table):
    """The `Table: <table>` block of tablestats as a dict of field -> text."""
    out = nodetool(node, "tablestats", f"{ks}.{table}").stdout
    assert out.startswith("Total number of tables: 1\n----------------\n"), out
    assert f"Keyspace : {ks}\n" in out
    block = out.split(f"\t\tTable: {table}\n", 1)[1]
    fields = {}
    for line in block.splitlines():
        if not line.startswith("\t\t"):
            break
        key, _, value = line.strip().partition(": ")
        fields[key] = value
    return fields


@pytest.fixture(scope="module")
def table(session, keyspace):
    session.execute("CREATE TABLE ops (k int PRIMARY KEY, v text)")
    write_rows(session, "ops", 0, ROWS)
    return "ops"


def test_flush_then_tablestats_shows_the_data(krill_node, session, keyspace, table):
    nodetool(krill_node, "flush", keyspace, table)
    f = table_stats(krill_node, keyspace, table)
    assert int(f["SSTable count"]) >= 1
    assert int(f["Space used (live)"]) > 0
    assert int(f["Number of partitions (estimate)"]) >= ROWS // 2
    assert int(f["Local write count"]) >= ROWS
    assert re.fullmatch(r"\d+\.\d{3} ms", f["Local write latency"]), f["Local write latency"]
    for key in ("Memtable switch count", "Bloom filter space used", "Compacted partition maximum bytes",
                "Percent repaired", "Dropped Mutations"):
        assert key in f, key
    # The same figure on ScyllaDB's path.
    status, live = rest(krill_node, "GET", f"/column_family/metrics/live_disk_space_used/{keyspace}:{table}")
    assert status == 200 and live == int(f["Space used (live)"])


def test_tablestats_human_readable_and_all(krill_node, keyspace, table):
    out = nodetool(krill_node, "tablestats", "-H", keyspace).stdout
    assert re.search(r"Space used \(live\): [\d.]+ (bytes|KiB|MiB)", out), out
    everything = nodetool(krill_node, "tablestats").stdout
    total = int(re.match(r"Total number of tables: (\d+)", everything).group(1))
    assert total >= 1 and f"\t\tTable: {table}\n" in everything


def test_tablehistograms_and_proxyhistograms(krill_node, session, keyspace, table):
    for i in range(50):
        session.execute("SELECT v FROM ops WHERE k = %s", (i,))
    out = nodetool(krill_node, "tablehistograms", keyspace, table).stdout
    lines = out.splitlines()
    assert lines[0] == f"{keyspace}/{table} histograms"
    assert lines[1].split() == ["Percentile", "SSTables", "Write", "Latency", "Read", "Latency", "Partition",
                                "Size", "Cell", "Count"]
    rows = {l.split()[0]: [float(x) for x in l.split()[1:]] for l in lines[3:10]}
    assert list(rows) == ["50%", "75%", "95%", "98%", "99%", "Min", "Max"]
    assert rows["50%"][1] > 0 and rows["50%"][2] > 0  # write and read latency recorded
    assert rows["Max"][3] >= rows["50%"][3] > 0  # partition update sizes
    proxy = nodetool(krill_node, "proxyhistograms").stdout.splitlines()
    assert proxy[0] == "proxy histograms"
    p50 = proxy[3].split()
    assert p50[0] == "50%" and float(p50[1]) > 0 and float(p50[2]) > 0


def test_snapshot_list_and_clear(krill_node, keyspace, table):
    out = nodetool(krill_node, "snapshot", "-t", "before-upgrade", keyspace).stdout
    assert out == (f"Requested creating snapshot(s) for [{keyspace}] with snapshot name [before-upgrade] "
                   "and options {skipFlush=false}\nSnapshot directory: before-upgrade\n")
    snap_dir = krill_node.data_dir / "snapshots" / "before-upgrade"
    assert snap_dir.is_dir() and any(p.suffix == ".sst" for p in snap_dir.iterdir())
    listing = nodetool(krill_node, "listsnapshots").stdout
    assert re.match(r"Snapshot Details: \nSnapshot name +Keyspace name +Column family name +True size +Size on disk *\n",
                    listing), listing
    row = next(l for l in listing.splitlines() if l.startswith("before-upgrade "))
    assert row.split()[1:3] == [keyspace, table]
    assert "\nTotal TrueDiskSpaceUsed: " in listing
    # The table's figure for snapshots now counts it.
    assert int(table_stats(krill_node, keyspace, table)["Space used by snapshots (total)"]) > 0
    # A duplicate tag is refused; an unknown keyspace is Cassandra's error.
    dup = nodetool(krill_node, "snapshot", "-t", "before-upgrade", keyspace, check=False)
    assert dup.returncode == 1 and "already exists" in dup.stderr
    bad = nodetool(krill_node, "snapshot", "-t", "x", "no_such_ks", check=False)
    assert bad.returncode == 1 and bad.stderr.strip() == "nodetool: Keyspace [no_such_ks] does not exist."
    out = nodetool(krill_node, "clearsnapshot", "-t", "before-upgrade").stdout
    assert out == "Requested clearing snapshot(s) for [all keyspaces] with snapshot name [before-upgrade]\n"
    assert not snap_dir.exists()
    assert "before-upgrade" not in nodetool(krill_node, "listsnapshots").stdout
    usage = nodetool(krill_node, "clearsnapshot", check=False)
    assert usage.returncode == 1 and "Specify snapshot name or --all" in usage.stderr


def test_snapshot_of_one_table_and_clear_by_keyspace(krill_node, keyspace, table):
    nodetool(krill_node, "snapshot", "-t", "one-table", "-cf", table, keyspace)
    status, snaps = rest(krill_node, "GET", "/storage_service/snapshots")
    assert status == 200
    snap = next(s for s in snaps if s["key"] == "one-table")
    assert [(t["ks"], t["cf"]) for t in snap["value"]] == [(keyspace, table)]
    # Clearing another keyspace's snapshots leaves it; clearing this keyspace's removes it.
    nodetool(krill_node, "clearsnapshot", "--all", "system")
    assert (krill_node.data_dir / "snapshots" / "one-table").is_dir()
    nodetool(krill_node, "clearsnapshot", "--all", keyspace)
    assert not (krill_node.data_dir / "snapshots" / "one-table").exists()
    bad = nodetool(krill_node, "snapshot", "-cf", table, check=False)
    assert bad.returncode == 1 and "one and only one keyspace" in bad.stderr


def test_compact_reduces_sstables(krill_node, session, keyspace, table):
    for round_ in range(3):
        write_rows(session, table, round_ * 100, 100)
        nodetool(krill_node, "flush", keyspace, table)
    before = int(table_stats(krill_node, keyspace, table)["SSTable count"])
    assert before >= 2
    nodetool(krill_node, "compact", keyspace, table)
    after = int(table_stats(krill_node, keyspace, table)["SSTable count"])
    assert after < before and after >= 1
    stats = nodetool(krill_node, "compactionstats").stdout
    assert re.match(r"pending tasks: \d+\n", stats), stats
    status, history = rest(krill_node, "GET", "/compaction_manager/compaction_history")
    assert status == 200 and any(h["ks"] == keyspace and h["cf"] == table for h in history)
    bad = nodetool(krill_node, "compact", keyspace, "no_such_table", check=False)
    assert bad.returncode == 1 and f"Unknown keyspace/cf pair ({keyspace}.no_such_table)" in bad.stderr


def test_compaction_throughput_is_live(krill_node):
    nodetool(krill_node, "setcompactionthroughput", "17")
    assert nodetool(krill_node, "getcompactionthroughput").stdout == "Current compaction throughput: 17 MB/s\n"
    assert rest(krill_node, "GET", "/storage_service/compaction_throughput") == (200, 17)
    with urllib.request.urlopen(f"http://127.0.0.1:{krill_node.http_port}/metrics", timeout=30) as r:
        metrics = r.read().decode()
    assert "\nkrill_compaction_throughput_mb_per_second 17\n" in metrics
    bad = nodetool(krill_node, "setcompactionthroughput", "fast", check=False)
    assert bad.returncode == 1 and "whole number" in bad.stderr
    assert rest(krill_node, "POST", "/storage_service/compaction_throughput?value=-3")[0] == 400
    nodetool(krill_node, "setcompactionthroughput", "64")


def test_ring_and_errors(krill_node, keyspace):
    out = nodetool(krill_node, "ring").stdout
    lines = out.splitlines()
    assert lines[1].startswith("Datacenter: ") and lines[2] == "=========="
    assert lines[3].split() == ["Address", "Rack", "Status", "State", "Load", "Owns", "Token"]
    tokens = [int(l.split()[-1]) for l in lines[5:] if l.startswith("127.0.0.1")]
    assert len(tokens) >= 1 and tokens == sorted(tokens)
    assert nodetool(krill_node, "tablestats", "nope_ks", check=False).stderr.strip() == \
        "nodetool: Unknown keyspace: nope_ks"
    assert nodetool(krill_node, "flush", "nope_ks", check=False).returncode == 1
    assert rest(krill_node, "GET", "/column_family/metrics/live_disk_space_used/nokeyspace")[0] == 400
    assert rest(krill_node, "GET", f"/column_family/metrics/no_such_metric/{keyspace}:ops")[0] == 404


def test_node_down_is_a_connection_error(node_factory):
    port = kh.free_port()
    proc = subprocess.run([kh.krill_bin(), "nodetool", "-p", str(port), "tablestats"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1
    assert proc.stderr.startswith(f"nodetool: Failed to connect to '127.0.0.1:{port}' - ")
    assert "refused" in proc.stderr.lower()


def test_drain_closes_cql(node_factory):
    node = node_factory.create("drained")
    cluster = kh.make_cluster(node.native_port)
    session = cluster.connect()
    session.execute("CREATE KEYSPACE d WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}")
    session.execute("CREATE TABLE d.t (k int PRIMARY KEY, v int)")
    session.execute("INSERT INTO d.t (k, v) VALUES (1, 1)")
    nodetool(node, "drain")
    assert rest(node, "GET", "/storage_service/operation_mode") == (200, "DRAINED")
    assert not kh.port_accepts(node.native_port)
    with pytest.raises(Exception):
        session.execute("INSERT INTO d.t (k, v) VALUES (2, 2)", timeout=5)
    cluster.shutdown()
    status = nodetool(node, "status").stdout
    assert "\nDN  127.0.0.1" in status
    assert node.stop() == 0
    # The acknowledged write was flushed and survives.
    node.start()
    c2 = kh.make_cluster(node.native_port)
    try:
        assert c2.connect().execute("SELECT v FROM d.t WHERE k = 1").one().v == 1
    finally:
        c2.shutdown()


def test_help_lists_every_command_and_describes_one():
    # Needs no node: help is answered by the tool itself.
    proc = subprocess.run([kh.krill_bin(), "nodetool", "help"], capture_output=True, text=True, timeout=30)
    assert proc.returncode == 0, proc.stderr
    listed = set(re.findall(r"^    (\w+) ", proc.stdout, re.M))
    for command in ("status", "info", "ring", "tablestats", "tablehistograms", "proxyhistograms",
                    "compactionstats", "flush", "compact", "drain", "snapshot", "listsnapshots",
                    "clearsnapshot", "getlogginglevels", "setlogginglevel", "setcompactionthroughput",
                    "describecluster", "version"):
        assert command in listed, command
    one = subprocess.run([kh.krill_bin(), "nodetool", "help", "flush"], capture_output=True, text=True, timeout=30)
    assert one.returncode == 0 and "nodetool flush" in one.stdout
    bad = subprocess.run([kh.krill_bin(), "nodetool", "help", "nosuch"], capture_output=True, text=True, timeout=30)
    assert bad.returncode == 1 and "Unknown command: nosuch" in bad.stderr
