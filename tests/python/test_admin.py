"""The admin HTTP server: health checks, Prometheus /metrics, the REST API and `krill nodetool`.

/metrics is checked with a strict parser of the Prometheus text exposition format (0.0.4)
written here, so that a malformed line fails the test rather than a scraper in production.
"""

import http.client
import json
import math
import re
import socket
import subprocess
import urllib.error
import urllib.request

import pytest

import krill_harness as kh

NAME = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
LABEL = r"[a-zA-Z_][a-zA-Z0-9_]*"
TYPES = {"counter", "gauge", "histogram", "summary", "untyped"}


# ------------------------------------------------------------------------ helpers
def http_get(node, path, method="GET", body=None):
    """(status, content_type, body text) of one request to the node's HTTP port."""
    req = urllib.request.Request(f"http://127.0.0.1:{node.http_port}{path}", method=method, data=body)
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, r.headers.get("Content-Type", ""), r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Content-Type", ""), e.read().decode()


def get_json(node, path, method="GET"):
    status, ctype, text = http_get(node, path, method)
    assert status == 200, (path, status, text)
    assert ctype.startswith("application/json"), ctype
    return json.loads(text)


def parse_value(text):
    if text in ("+Inf", "Inf"):
        return math.inf
    if text == "-Inf":
        return -math.inf
    if text == "NaN":
        return math.nan
    assert re.fullmatch(r"[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?", text), f"bad sample value {text!r}"
    return float(text)


def parse_labels(text):
    """Parses `a="x",b="y"` (escapes \\\\, \\", \\n) strictly; returns a dict."""
    labels = {}
    pos = 0
    while pos < len(text):
        m = re.compile(LABEL + r'="').match(text, pos)
        assert m, f"bad label at {text[pos:]!r}"
        name = m.group(0)[:-2]
        pos = m.end()
        value = []
        while True:
            assert pos < len(text), f"unterminated label value in {text!r}"
            c = text[pos]
            if c == "\\":
                nxt = text[pos + 1]
                assert nxt in '\\"n', f"bad escape in {text!r}"
                value.append("\n" if nxt == "n" else nxt)
                pos += 2
            elif c == '"':
                pos += 1
                break
            else:
                value.append(c)
                pos += 1
        assert name not in labels, f"duplicate label {name}"
        labels[name] = "".join(value)
        if pos < len(text):
            assert text[pos] == ",", f"expected ',' in {text!r}"
            pos += 1
    return labels


def parse_prometheus(text):
    """Strict parse of the text format. Returns {family: {"type", "samples": [(name, labels, value)]}}."""
    assert text.endswith("\n"), "exposition must end with a newline"
    families = {}
    current = None
    closed = set()
    for line in text[:-1].split("\n"):
        assert line, "empty line"
        if line.startswith("#"):
            m = re.fullmatch(r"# (HELP|TYPE) (" + NAME + r") (.*)", line)
            assert m, f"bad comment line {line!r}"
            kind, name, rest = m.groups()
            if current is not None and current != name:
                closed.add(current)
            assert name not in closed, f"family {name} is not contiguous"
            fam = families.setdefault(name, {"type": None, "help": None, "samples": []})
            if kind == "TYPE":
                assert rest in TYPES, f"bad type {rest!r}"
                assert fam["type"] is None, f"second TYPE for {name}"
                assert not fam["samples"], f"TYPE after samples for {name}"
                fam["type"] = rest
            else:
                assert fam["help"] is None, f"second HELP for {name}"
                fam["help"] = rest
            current = name
            continue
        m = re.fullmatch(r"(" + NAME + r")(\{(.*)\})? (\S+)( -?\d+)?", line)
        assert m, f"bad sample line {line!r}"
        name, _, labels, value, _ = m.groups()
        family = name
        for suffix in ("_bucket", "_sum", "_count"):
            if name.endswith(suffix) and name[: -len(suffix)] in families and \
                    families[name[: -len(suffix)]]["type"] == "histogram":
                family = name[: -len(suffix)]
        assert family == current, f"sample {name} outside its family ({current})"
        families[family]["samples"].append((name, parse_labels(labels or ""), parse_value(value)))
    for name, fam in families.items():
        assert fam["type"] is not None, f"{name} has no TYPE"
        if fam["type"] == "histogram":
            check_histogram(name, fam["samples"])
        if fam["type"] == "counter":
            assert all(v >= 0 for _, _, v in fam["samples"]), name
    return families


def check_histogram(name, samples):
    buckets = [(s[1]["le"], s[2]) for s in samples if s[0] == name + "_bucket"]
    counts = [s[2] for s in samples if s[0] == name + "_count"]
    sums = [s[2] for s in samples if s[0] == name + "_sum"]
    assert buckets and len(counts) == 1 and len(sums) == 1, name
    assert buckets[-1][0] == "+Inf", f"{name}: last bucket must be +Inf"
    bounds = [parse_value(le) for le, _ in buckets]
    assert bounds == sorted(bounds) and len(set(bounds)) == len(bounds), f"{name}: le not increasing"
    values = [v for _, v in buckets]
    assert values == sorted(values), f"{name}: buckets not cumulative"
    assert values[-1] == counts[0], f"{name}: +Inf bucket != count"


def scrape(node):
    status, ctype, text = http_get(node, "/metrics")
    assert status == 200
    assert ctype.startswith("text/plain; version=0.0.4"), ctype
    return parse_prometheus(text)


def value(families, name, **labels):
    """The value of one sample (histograms: name_count etc. by full sample name)."""
    for fam in families.values():
        for n, l, v in fam["samples"]:
            if n == name and all(l.get(k) == val for k, val in labels.items()):
                return v
    raise AssertionError(f"no sample {name} {labels}")


def nodetool(node, *args, port=None):
    cmd = [kh.krill_bin(), "nodetool", "-h", "127.0.0.1", "-p", str(port or node.http_port), *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=60)


# ------------------------------------------------------------------------ tests
def test_health_and_readiness(krill_node):
    assert http_get(krill_node, "/healthz") == (200, "text/plain; charset=utf-8", "ok\n")
    status, _, body = http_get(krill_node, "/readyz")
    assert (status, body) == (200, "ready\n")
    assert "Starting listening for HTTP clients on 127.0.0.1:" in krill_node.log_text()


def test_unknown_path_and_method(krill_node):
    status, ctype, body = http_get(krill_node, "/no/such/thing")
    assert status == 404 and ctype == "application/json"
    assert http_get(krill_node, "/storage_service/cluster_name", method="DELETE")[0] == 405


def test_keep_alive_and_request_size_limit(krill_node):
    conn = http.client.HTTPConnection("127.0.0.1", krill_node.http_port, timeout=10)
    for _ in range(5):  # several requests on one connection
        conn.request("GET", "/healthz")
        r = conn.getresponse()
        assert r.status == 200 and r.read() == b"ok\n"
    conn.close()
    # A body over the limit (64 KiB) is refused from its Content-Length, before it is read.
    with socket.create_connection(("127.0.0.1", krill_node.http_port), timeout=10) as s:
        s.sendall(b"POST /storage_service/drain HTTP/1.1\r\nHost: x\r\nContent-Length: 204800\r\n\r\n")
        reply = b""
        while True:
            chunk = s.recv(4096)
            if not chunk:
                break
            reply += chunk
    assert reply.startswith(b"HTTP/1.1 413 "), reply


def test_metrics_format_and_counts_move(krill_node, session, keyspace):
    before = scrape(krill_node)
    for name in ("scylla_transport_requests_served", "scylla_cql_reads", "scylla_cql_inserts",
                 "scylla_cql_updates", "scylla_cql_deletes", "scylla_cql_batches"):
        assert before[name]["type"] == "counter", name
    for name in ("scylla_storage_proxy_coordinator_read_latency",
                 "scylla_storage_proxy_coordinator_write_latency"):
        assert before[name]["type"] == "histogram", name
    for name in ("scylla_transport_current_connections", "krill_memory_budget_bytes",
                 "krill_process_resident_memory_bytes", "krill_uptime_seconds"):
        assert before[name]["type"] == "gauge", name
    assert value(before, "krill_memory_budget_bytes") == 512 * 1024 * 1024
    assert value(before, "krill_process_resident_memory_bytes") > 1024 * 1024
    assert value(before, "scylla_transport_current_connections") >= 1

    session.execute("CREATE TABLE IF NOT EXISTS m (k int PRIMARY KEY, v text)")
    for i in range(10):
        session.execute("INSERT INTO m (k, v) VALUES (%s, 'x')", (i,))
    session.execute("UPDATE m SET v = 'y' WHERE k = 1")
    session.execute("DELETE FROM m WHERE k = 2")
    session.execute("BEGIN BATCH INSERT INTO m (k, v) VALUES (20, 'b') APPLY BATCH")
    for i in range(7):
        session.execute("SELECT * FROM m WHERE k = %s", (i,))
    with pytest.raises(Exception):
        session.execute("SELEKT nonsense")

    after = scrape(krill_node)
    delta = lambda name, **l: value(after, name, **l) - value(before, name, **l)  # noqa: E731
    assert delta("scylla_transport_requests_served") >= 21
    assert delta("scylla_cql_inserts") >= 10
    assert delta("scylla_cql_reads") >= 7
    assert delta("scylla_cql_updates") >= 1
    assert delta("scylla_cql_deletes") >= 1
    assert delta("scylla_cql_batches") >= 1
    assert delta("scylla_transport_cql_errors_total", type="syntax_error") == 1
    assert delta("scylla_transport_cql_requests_count", kind="QUERY") >= 20
    assert delta("scylla_storage_proxy_coordinator_read_latency_count") >= 7
    assert delta("scylla_storage_proxy_coordinator_write_latency_count") >= 13
    assert value(after, "krill_uptime_seconds") > 0

    # Prepared statements (EXECUTE) count by kind too.
    insert = session.prepare("INSERT INTO m (k, v) VALUES (?, ?)")
    select = session.prepare("SELECT v FROM m WHERE k = ?")
    for i in range(5):
        session.execute(insert, (100 + i, "p"))
    for i in range(4):
        session.execute(select, (100 + i,))
    final = scrape(krill_node)
    assert value(final, "scylla_cql_inserts") - value(after, "scylla_cql_inserts") >= 5
    assert value(final, "scylla_cql_reads") - value(after, "scylla_cql_reads") >= 4
    assert value(final, "scylla_transport_cql_requests_count", kind="EXECUTE") - \
        value(after, "scylla_transport_cql_requests_count", kind="EXECUTE") >= 9


def test_rest_api(krill_node, session, keyspace):
    local = session.execute("SELECT host_id, tokens, cluster_name, release_version FROM system.local").one()
    assert get_json(krill_node, "/storage_service/cluster_name") == local.cluster_name
    assert get_json(krill_node, "/storage_service/host_id/local") == str(local.host_id)
    assert get_json(krill_node, "/storage_service/hostid/local") == str(local.host_id)
    assert get_json(krill_node, "/storage_service/release_version") == local.release_version == "4.0.11"
    assert sorted(get_json(krill_node, "/storage_service/tokens")) == sorted(local.tokens)
    assert keyspace in get_json(krill_node, "/storage_service/keyspaces")
    assert isinstance(get_json(krill_node, "/storage_service/load"), (int, float))
    assert get_json(krill_node, "/storage_service/native_transport") is True
    assert get_json(krill_node, "/system/uptime_ms") > 0
    session.execute("CREATE TABLE IF NOT EXISTS r (k int PRIMARY KEY)")
    session.execute("INSERT INTO r (k) VALUES (1)")
    cfs = get_json(krill_node, "/column_family/")
    assert {"ks": keyspace, "cf": "r", "type": "ColumnFamilies"} in cfs
    assert get_json(krill_node, f"/storage_service/keyspace_flush/{keyspace}", method="POST") == ""
    status, _, body = http_get(krill_node, "/storage_service/keyspace_flush/no_such_ks", method="POST")
    assert status == 400 and "unknown keyspace" in body
    # POST /storage_service/drain really drains (closes CQL): test_nodetool_ops.py::test_drain_closes_cql.
    host = get_json(krill_node, "/krill/host")
    assert host["cpus"] >= 1 and host["memory"]["budget_bytes"] == 512 * 1024 * 1024
    assert host["memory"]["rss_bytes"] > 0 and host["disk"]["free_bytes"] > 0
    assert any(i["address"] == "127.0.0.1" for i in host["network_interfaces"])
    # The node keeps serving CQL after flushes over HTTP.
    assert session.execute("SELECT k FROM r WHERE k = 1").one().k == 1


def test_nodetool_version(krill_node):
    r = nodetool(krill_node, "version")
    assert r.returncode == 0, r.stderr
    assert r.stdout == "ReleaseVersion: 4.0.11\n"


def test_nodetool_status(krill_node, session):
    host_id = str(session.execute("SELECT host_id FROM system.local").one().host_id)
    r = nodetool(krill_node, "status")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.split("\n")
    assert lines[0] == "Datacenter: datacenter1"
    assert lines[1] == "=" * len(lines[0])
    assert lines[2] == "Status=Up/Down"
    assert lines[3] == "|/ State=Normal/Leaving/Joining/Moving"
    assert re.fullmatch(r"--  Address\s+Load\s+Tokens\s+Owns\s+Host ID\s+Rack", lines[4]), lines[4]
    m = re.fullmatch(r"UN  127\.0\.0\.1\s+(\d+(\.\d\d)? (bytes|KiB|MiB|GiB))\s+16\s+\?\s+(\S+)\s+rack1", lines[5])
    assert m, lines[5]
    assert m.group(4) == host_id
    assert lines[6] == ""
    assert lines[7].startswith("Note: Non-system keyspaces don't have the same replication settings")


def test_nodetool_info(krill_node, session):
    host_id = str(session.execute("SELECT host_id FROM system.local").one().host_id)
    r = nodetool(krill_node, "info")
    assert r.returncode == 0, r.stderr
    fields = {}
    for line in r.stdout.splitlines():
        m = re.fullmatch(r"(.{23}): (.*)", line)
        assert m, f"not a `%-23s: %s` line: {line!r}"
        fields[m.group(1).rstrip()] = m.group(2)
    assert fields["ID"] == host_id
    assert fields["Native Transport active"] == "true"
    assert re.fullmatch(r"\d+(\.\d\d)? (bytes|KiB|MiB|GiB)", fields["Load"])
    assert re.fullmatch(r"\d+", fields["Uptime (seconds)"])
    assert re.fullmatch(r"\d+\.\d\d / 512\.00", fields["Heap Memory (MB)"])
    assert fields["Data Center"] == "datacenter1" and fields["Rack"] == "rack1"
    assert fields["Token"] == "(invoke with -T/--tokens to see all 16 tokens)"


def test_nodetool_describecluster(krill_node, session, keyspace):
    version = str(session.execute("SELECT schema_version FROM system.local").one().schema_version)
    r = nodetool(krill_node, "describecluster")
    assert r.returncode == 0, r.stderr
    out = r.stdout
    assert out.startswith("Cluster Information:\n\tName: Test Cluster\n")
    assert "\tPartitioner: org.apache.cassandra.dht.Murmur3Partitioner\n" in out
    assert re.search(r"\tSchema versions:\n\t\t" + re.escape(version) + r": \[127\.0\.0\.1\]\n", out), out
    assert "Stats for all nodes:\n\tLive: 1\n" in out
    assert "\tdatacenter1 #Nodes: 1 #Down: 0\n" in out
    assert f"\t{keyspace}\n" in out


def test_nodetool_flush_and_errors(krill_node, keyspace):
    r = nodetool(krill_node, "flush", keyspace)
    assert (r.returncode, r.stdout, r.stderr) == (0, "", "")
    r = nodetool(krill_node, "flush")
    assert r.returncode == 0, r.stderr
    r = nodetool(krill_node, "flush", "no_such_ks")
    assert r.returncode == 1 and r.stderr == "nodetool: Keyspace [no_such_ks] does not exist.\n"
    r = nodetool(krill_node, "nonsense")
    assert r.returncode == 2
    r = nodetool(krill_node, "version", port=kh.free_port())
    assert r.returncode == 1 and r.stdout == ""
    assert re.match(r"nodetool: Failed to connect to '127\.0\.0\.1:\d+' - ", r.stderr), r.stderr


def test_http_address_setting(node_factory):
    node = node_factory.create("addr", extra_args=["--http-address", "127.0.0.2"])
    assert "Starting listening for HTTP clients on 127.0.0.2:" in node.log_text()
    with urllib.request.urlopen(f"http://127.0.0.2:{node.http_port}/healthz", timeout=10) as r:
        assert r.read() == b"ok\n"
    with pytest.raises(OSError):
        urllib.request.urlopen(f"http://127.0.0.1:{node.http_port}/healthz", timeout=5)
    assert node.stop() == 0


def test_http_port_in_use_stops_start_up(krill_node, node_factory):
    node = node_factory.create("clash", start=False)
    node.http_port = krill_node.http_port
    with pytest.raises(kh.KrillStartupError):
        node.start()
    assert f"cannot listen for HTTP on 127.0.0.1:{krill_node.http_port}" in node.log_text()
