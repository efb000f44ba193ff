"""Fixtures for the Krill black-box tests with the DataStax Python driver (python3-cassandra 3.25).

Run alone with:  KRILL_BIN=build/krill /usr/bin/python3 -m pytest -q tests/python

Fixtures
- krill_node    (module): one started node shared by a test module; SIGTERM at the end must exit 0.
- cluster       (module): a connected python-driver Cluster for krill_node (protocol v4, token aware).
- session       (module): cluster.connect() with the module's keyspace (see `keyspace`) as default.
- keyspace      (module): name of a SimpleStrategy rf=1 keyspace created for the module.
- node_factory  (function): creates extra nodes (restart / kill -9 / config tests); all killed after.
"""

import pytest

import krill_harness as kh


@pytest.fixture(scope="module")
def krill_node():
    factory = kh.NodeFactory()
    try:
        node = factory.create("shared")
        yield node
        # The node must have survived the whole module and must drain cleanly on SIGTERM.
        crashed = not node.running()
        rc = node.stop()
        if crashed:
            pytest.fail(f"krill died during the module (exit code {rc})\n{node.log_tail()}")
        if rc != 0:
            pytest.fail(f"krill exited with code {rc} after SIGTERM (expected 0)\n{node.log_tail()}")
    finally:
        factory.cleanup()


@pytest.fixture(scope="module")
def cluster(krill_node):
    c = kh.make_cluster(krill_node.native_port)
    try:
        c.connect()
    except Exception as exc:
        c.shutdown()
        pytest.fail(f"python driver could not connect to krill: {exc!r}\n{krill_node.log_tail()}")
    yield c
    c.shutdown()


@pytest.fixture(scope="module")
def keyspace(cluster, request):
    name = kh.module_keyspace_name(request.module.__name__)
    s = cluster.connect()
    s.execute(f"CREATE KEYSPACE {name} WITH replication = "
              "{'class': 'SimpleStrategy', 'replication_factor': 1}")
    yield name


@pytest.fixture(scope="module")
def session(cluster, keyspace):
    s = cluster.connect(keyspace)
    yield s


@pytest.fixture
def node_factory():
    factory = kh.NodeFactory()
    yield factory
    factory.cleanup()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call" and report.failed:
        for node in kh.live_nodes():
            report.sections.append((f"krill log ({node.name})", node.log_tail(40)))
