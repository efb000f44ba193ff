"""The table's `compaction` option picks the RocksDB compaction style (docs/storage.md).

The running style is read from what RocksDB itself persisted (the newest OPTIONS-* file of
the database, one [CFOptions "t_<table id>"] section per table), so the test sees what the
storage engine really runs with, not only what Krill recorded.
"""

import re

import pytest
from cassandra.protocol import ConfigurationException

import krill_harness as kh

UNIVERSAL = "kCompactionStyleUniversal"
LEVEL = "kCompactionStyleLevel"


def running_options(node, table_id):
    """The options RocksDB last persisted for the table's column family, as a dict."""
    db = node.data_dir / "db"
    newest = max(db.glob("OPTIONS-*"), key=lambda p: int(p.name.split("-")[1]))
    text = newest.read_text()
    m = re.search(r'\[CFOptions "t_%s"\](.*?)(?=\n\[|\Z)' % re.escape(table_id), text, re.S)
    assert m, f"no CFOptions section for t_{table_id} in {newest.name}"
    opts = {}
    for line in m.group(1).splitlines():
        if "=" in line:
            k, v = line.strip().split("=", 1)
            opts[k] = v
    return opts


def table_id(session, ks, table):
    row = session.execute(
        "SELECT id FROM system_schema.tables WHERE keyspace_name=%s AND table_name=%s", (ks, table)).one()
    return str(row.id)


def test_strategy_maps_to_style_and_switch_applies_at_restart(node_factory):
    node = node_factory.create("compaction")
    cluster = kh.make_cluster(node.native_port)
    try:
        s = cluster.connect()
        s.execute("CREATE KEYSPACE cs WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}")
        s.execute("CREATE TABLE cs.stcs (k int PRIMARY KEY, v text)")  # default: size-tiered
        s.execute("CREATE TABLE cs.lcs (k int PRIMARY KEY, v text) WITH compaction = "
                  "{'class': 'LeveledCompactionStrategy', 'sstable_size_in_mb': 64}")
        s.execute("CREATE TABLE cs.twcs (k int PRIMARY KEY, v text) WITH compaction = "
                  "{'class': 'TimeWindowCompactionStrategy', 'min_threshold': 6}")
        ids = {t: table_id(s, "cs", t) for t in ("stcs", "lcs", "twcs")}
        for t in ids:
            for k in range(200):
                s.execute(f"INSERT INTO cs.{t} (k, v) VALUES (%s, %s)", (k, f"{t}-{k}"))

        assert running_options(node, ids["stcs"])["compaction_style"] == UNIVERSAL
        lcs = running_options(node, ids["lcs"])
        assert lcs["compaction_style"] == LEVEL
        assert lcs["target_file_size_base"] == str(64 << 20)
        twcs = running_options(node, ids["twcs"])
        assert twcs["compaction_style"] == UNIVERSAL
        assert twcs["level0_file_num_compaction_trigger"] == "6"

        # Thresholds change on the open column family at once.
        s.execute("ALTER TABLE cs.stcs WITH compaction = "
                  "{'class': 'SizeTieredCompactionStrategy', 'min_threshold': 8, 'max_threshold': 16}")
        kh.wait_until(lambda: running_options(node, ids["stcs"])["level0_file_num_compaction_trigger"] == "8",
                      timeout=10, message="new min_threshold in RocksDB's options")
        # Above RocksDB's write-slowdown trigger (20): the triggers move up together.
        s.execute("ALTER TABLE cs.stcs WITH compaction = "
                  "{'class': 'SizeTieredCompactionStrategy', 'min_threshold': 32, 'max_threshold': 64}")
        kh.wait_until(lambda: running_options(node, ids["stcs"])["level0_file_num_compaction_trigger"] == "32",
                      timeout=10, message="min_threshold 32 in RocksDB's options")
        assert int(running_options(node, ids["stcs"])["level0_slowdown_writes_trigger"]) > 32
        s.execute("INSERT INTO cs.stcs (k, v) VALUES (999, 'x')")
        s.execute("DELETE FROM cs.stcs WHERE k = 999")
        # A style change is recorded now and applies when the node next starts.
        s.execute("ALTER TABLE cs.lcs WITH compaction = {'class': 'SizeTieredCompactionStrategy'}")
        s.execute("ALTER TABLE cs.stcs WITH compaction = {'class': 'LeveledCompactionStrategy'}")
        assert running_options(node, ids["lcs"])["compaction_style"] == LEVEL
        cluster.shutdown()

        node.restart()
        cluster = kh.make_cluster(node.native_port)
        s = cluster.connect()
        assert running_options(node, ids["lcs"])["compaction_style"] == UNIVERSAL
        assert running_options(node, ids["stcs"])["compaction_style"] == LEVEL
        # The data written under the old styles reads back, and new writes work.
        for t in ids:
            rows = {r.k: r.v for r in s.execute(f"SELECT k, v FROM cs.{t}")}
            assert rows == {k: f"{t}-{k}" for k in range(200)}, t
            s.execute(f"INSERT INTO cs.{t} (k, v) VALUES (1000, 'new')")
            assert s.execute(f"SELECT v FROM cs.{t} WHERE k = 1000").one().v == "new"
        desc = s.execute("DESCRIBE TABLE cs.lcs").one().create_statement
        assert "SizeTieredCompactionStrategy" in desc
    finally:
        cluster.shutdown()


@pytest.mark.parametrize("options, message", [
    ("{'class': 'SpiralCompactionStrategy'}", "Unable to find compaction strategy class"),
    ("{'class': 'SizeTieredCompactionStrategy', 'min_threshold': 1}", "min_threshold must be at least 2"),
    ("{'class': 'SizeTieredCompactionStrategy', 'min_threshold': 8, 'max_threshold': 4}",
     "cannot be smaller than min_threshold"),
    ("{'class': 'LeveledCompactionStrategy', 'sstable_size_in_mb': 0}", "sstable_size_in_mb"),
    ("{'min_threshold': 4}", "Missing sub-option 'class'"),
])
def test_bad_compaction_options_are_configuration_errors(session, options, message):
    with pytest.raises(ConfigurationException, match=message):
        session.execute(f"CREATE TABLE bad_compaction (k int PRIMARY KEY) WITH compaction = {options}")
    session.execute("CREATE TABLE IF NOT EXISTS good_compaction (k int PRIMARY KEY)")
    with pytest.raises(ConfigurationException, match=message):
        session.execute(f"ALTER TABLE good_compaction WITH compaction = {options}")
