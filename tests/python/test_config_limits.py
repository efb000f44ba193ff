"""--config YAML (cassandra.yaml key names), --cluster-name, and a small native frame size limit."""

import os

import pytest
from cassandra import OperationTimedOut

import krill_harness as kh
import krill_wire as w

LIMITED_YAML = """\
# cassandra.yaml key names
cluster_name: 'Yaml Cluster'
native_transport_max_frame_size_in_mb: 1
"""


@pytest.fixture(scope="module")
def limited_node():
    factory = kh.NodeFactory()
    try:
        node = factory.create("limited", config_text=LIMITED_YAML)
        yield node
        crashed = not node.running()
        rc = node.stop()
        assert not crashed, f"krill died during the module (exit code {rc})\n{node.log_tail()}"
        assert rc == 0, node.log_tail()
    finally:
        factory.cleanup()


@pytest.fixture(scope="module")
def limited_session(limited_node):
    c = kh.make_cluster(limited_node.native_port)
    s = c.connect()
    s.execute("CREATE KEYSPACE lim WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}")
    s.execute("CREATE TABLE lim.blobs (k int PRIMARY KEY, v blob)")
    yield s
    c.shutdown()


def test_cluster_name_from_config_file(limited_session):
    row = limited_session.execute("SELECT cluster_name FROM system.local WHERE key = 'local'").one()
    assert row.cluster_name == "Yaml Cluster"
    assert limited_session.cluster.metadata.cluster_name == "Yaml Cluster"


def test_small_frame_limit_rejects_large_insert_and_keeps_serving(limited_node, limited_session):
    ins = limited_session.prepare("INSERT INTO lim.blobs (k, v) VALUES (?, ?)")
    small = os.urandom(256 * 1024)
    limited_session.execute(ins, (1, small))  # well under 1 MB: accepted

    big = os.urandom(2 * 1024 * 1024)
    with pytest.raises(Exception) as ei:
        limited_session.execute(ins, (2, big), timeout=30)
    assert not isinstance(ei.value, OperationTimedOut), \
        "the server must answer an oversized frame with an error, not ignore it"
    limited_node.assert_alive()

    # Another client is served normally.
    c = kh.make_cluster(limited_node.native_port)
    try:
        s = c.connect()
        assert s.execute("SELECT v FROM lim.blobs WHERE k = 1").one().v == small
        assert s.execute("SELECT v FROM lim.blobs WHERE k = 2").one() is None
    finally:
        c.shutdown()
    # The first session recovers (its connection may have been closed).
    kh.wait_until(lambda: limited_session.execute("SELECT k FROM lim.blobs WHERE k = 1").one().k == 1,
                  20, interval=0.5, message="the original session to be served again")


def test_small_frame_limit_raw(limited_node):
    frame, error = w.send_oversized_frame(limited_node.native_port, 2 * 1024 * 1024, stream=9)
    assert frame is not None, f"no error response to a 2 MB frame with a 1 MB limit ({error!r})"
    assert frame.opcode == w.ERROR and frame.stream == 9
    code, message = frame.error()
    assert code in (0x2200, 0x000A), f"error code {code:#06x}: {message}"
    limited_node.assert_alive()
    assert w.supported_ok(limited_node.native_port)


def test_cluster_name_flag_overrides_config(node_factory):
    node = node_factory.create("named", config_text="cluster_name: 'From Yaml'\n",
                               cluster_name="Flag Cluster")
    c = kh.make_cluster(node.native_port)
    try:
        s = c.connect()
        row = s.execute("SELECT cluster_name FROM system.local WHERE key = 'local'").one()
        assert row.cluster_name == "Flag Cluster"
        assert c.metadata.cluster_name == "Flag Cluster"
    finally:
        c.shutdown()
    assert node.stop() == 0
