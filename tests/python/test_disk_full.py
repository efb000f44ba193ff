"""A full data disk: writes fail with a clear WRITE_FAILURE, reads keep working, the node
neither crashes nor corrupts anything, recovers by itself once space is freed, and a
restart brings back every acknowledged write.

The data directory lives on a small tmpfs this test mounts (the tests run as root, as CI
does).
"""

import os
import subprocess
import tempfile
import time

import krill_harness as kh
import pytest
from cassandra import WriteFailure


@pytest.fixture
def small_fs():
    mount = tempfile.mkdtemp(prefix="krill-fullfs-")
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=48m", "tmpfs", mount], check=True)
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", mount], check=False)
        os.rmdir(mount)


def test_full_disk_fails_writes_cleanly_and_keeps_reads(small_fs):
    filler = os.path.join(small_fs, "filler")
    with open(filler, "wb") as f:
        f.write(b"\0" * (16 << 20))
    node = kh.KrillNode(small_fs, "full", extra_args=["--memory", "64M"])
    node.start()
    try:
        cluster = kh.make_cluster(node.native_port)
        s = cluster.connect()
        s.execute("CREATE KEYSPACE full WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}")
        s.execute("CREATE TABLE full.t (k int PRIMARY KEY, v blob)")
        ins = s.prepare("INSERT INTO full.t (k, v) VALUES (?, ?)")
        blob = os.urandom(50_000)
        acked = []
        failure = None
        for i in range(5000):  # bounded: 48 MiB fills long before 5000 x 50 kB
            try:
                s.execute(ins, (i, blob))
                acked.append(i)
            except WriteFailure as exc:
                failure = exc
                break
        assert failure is not None, "the disk never filled"
        assert "no space left" in str(failure).lower()
        assert acked, "some writes succeeded before the disk filled"
        # Reads keep working, and every acknowledged write is there.
        assert s.execute("SELECT count(*) FROM full.t").one().count == len(acked)
        assert s.execute("SELECT k FROM full.t WHERE k = %s", (acked[-1],)).one() is not None
        assert node.running(), "a full disk must not crash the node"
        # Freeing space lets writes through again, without a restart (bounded wait).
        os.remove(filler)
        deadline = time.monotonic() + 60
        while True:
            try:
                s.execute(ins, (777_777, b"recovered"))
                break
            except WriteFailure:
                pass
            except Exception:  # noqa: BLE001 - "write refused" while RocksDB recovers
                pass
            assert time.monotonic() < deadline, "writes did not recover after space was freed"
            time.sleep(0.5)
        acked.append(777_777)
        cluster.shutdown()
        node.stop()
        node.start()
        cluster = kh.make_cluster(node.native_port)
        s = cluster.connect()
        assert s.execute("SELECT count(*) FROM full.t").one().count == len(acked)
        s.execute(ins, (999_999, b"after"))
        assert s.execute("SELECT v FROM full.t WHERE k = 999999").one().v == b"after"
        cluster.shutdown()
    finally:
        if node.running():
            node.kill9()
