"""`krill cql`, the cqlsh-like shell, against a real node.

Script mode (-e, -f, piped stdin) is run as a subprocess and its stdout/stderr/exit status
checked; COPY FROM/TO results are checked through the Python driver; the interactive mode
runs inside tmux (send-keys / capture-pane) on a private tmux socket.
"""

import os
import re
import shutil
import subprocess
import time
import uuid

import pytest

import krill_harness as kh


def cql(node, *args, stdin=None, timeout=60, home=None):
    cmd = [kh.krill_bin(), "cql", "127.0.0.1", str(node.native_port), "--no-color", *args]
    env = dict(os.environ)
    if home:
        env["HOME"] = str(home)
    return subprocess.run(cmd, input=stdin, capture_output=True, text=True, timeout=timeout, env=env,
                          stdin=None if stdin is not None else subprocess.DEVNULL)


def ok(p):
    assert p.returncode == 0, f"exit {p.returncode}\nstdout:\n{p.stdout}\nstderr:\n{p.stderr}"
    return p.stdout


def vertical(text):
    """EXPAND ON output as a list of {column: value} rows."""
    rows = []
    for line in text.splitlines():
        if line.startswith("@ Row "):
            rows.append({})
        m = re.match(r"^ (\S+)\s* \| (.*)$", line)
        if m and rows:
            rows[-1][m.group(1)] = m.group(2)
    return rows


# ---- script mode: output and errors ----

def test_execute_prints_a_cqlsh_table(krill_node, session, keyspace):
    session.execute("CREATE TABLE tab (k int PRIMARY KEY, v text)")
    session.execute("INSERT INTO tab (k, v) VALUES (1, 'one')")
    session.execute("INSERT INTO tab (k, v) VALUES (22, 'twenty-two')")
    out = ok(cql(krill_node, "-e", f"SELECT k, v FROM {keyspace}.tab WHERE k IN (1, 22)"))
    assert out == ("\n k  | v\n----+------------\n  1 |        one\n 22 | twenty-two\n\n(2 rows)\n\n"), out
    empty = ok(cql(krill_node, "-e", f"SELECT * FROM {keyspace}.tab WHERE k = 5"))
    assert "(0 rows)" in empty and " k | v" in empty


TYPES = [
    # (column type, CQL literal, what cqlsh shows)
    ("ascii", "'abc'", "abc"),
    ("text", "'it''s \u00e9'", "it's \u00e9"),
    ("int", "-42", "-42"),
    ("bigint", "9000000000", "9000000000"),
    ("smallint", "-7", "-7"),
    ("tinyint", "5", "5"),
    ("varint", "123456789012345678901234567890", "123456789012345678901234567890"),
    ("decimal", "1.50", "1.50"),
    ("float", "3.14159265", "3.14159"),
    ("double", "2.718281828459045", "2.718281828459"),
    ("boolean", "true", "True"),
    ("blob", "0xcafe", "0xcafe"),
    ("uuid", "5b6962dd-3f90-4c93-8f61-eabfa4a803e2", "5b6962dd-3f90-4c93-8f61-eabfa4a803e2"),
    ("timeuuid", "50554d6e-29bb-11e5-b345-feff819cdc9f", "50554d6e-29bb-11e5-b345-feff819cdc9f"),
    ("timestamp", "'2024-01-02 03:04:05.678+0000'", "2024-01-02 03:04:05.678000+0000"),
    ("date", "'2024-01-02'", "2024-01-02"),
    ("time", "'03:04:05.123'", "03:04:05.123000000"),
    ("inet", "'10.1.2.3'", "10.1.2.3"),
    ("duration", "1mo2d3h", "1mo2d3h"),
    ("list<int>", "[1, 2, 3]", "[1, 2, 3]"),
    ("set<text>", "{'b', 'a'}", "{'a', 'b'}"),
    ("map<text, int>", "{'x': 1, 'y': 2}", "{'x': 1, 'y': 2}"),
    ("tuple<int, text>", "(1, 'a')", "(1, 'a')"),
    ("frozen<list<timestamp>>", "['2024-01-02 00:00:00+0000']", "[2024-01-02 00:00:00.000000+0000]"),
]


def test_each_type_is_displayed_like_cqlsh(krill_node, session, keyspace):
    cols = ", ".join(f"c{i} {t}" for i, (t, _, _) in enumerate(TYPES))
    session.execute(f"CREATE TABLE types (k int PRIMARY KEY, {cols})")
    names = ", ".join(f"c{i}" for i in range(len(TYPES)))
    values = ", ".join(lit for _, lit, _ in TYPES)
    session.execute(f"INSERT INTO types (k, {names}) VALUES (1, {values})")
    session.execute("INSERT INTO types (k) VALUES (2)")
    out = ok(cql(krill_node, "-k", keyspace, "-e", "EXPAND ON; SELECT * FROM types WHERE k = 1; "
                 "SELECT * FROM types WHERE k = 2;"))
    rows = vertical(out)
    assert len(rows) == 2, out
    for i, (t, _, shown) in enumerate(TYPES):
        assert rows[0][f"c{i}"] == shown, f"{t}: {rows[0][f'c{i}']!r} != {shown!r}"
        assert rows[1][f"c{i}"] == "null", t


def test_errors_go_to_stderr_with_file_and_line_and_exit_2(krill_node, keyspace, tmp_path):
    p = cql(krill_node, "-e", "SELECT * FROM no_such_ks.t")
    assert p.returncode == 2
    assert p.stdout == ""
    assert re.match(r'^<stdin>:1:InvalidRequest: Error from server: code=2200 \[Invalid query\] message=".+"$',
                    p.stderr.strip()), p.stderr
    p = cql(krill_node, "-e", "SELEC 1")
    assert p.returncode == 2 and "<stdin>:1:SyntaxException: Error from server: code=2000" in p.stderr
    script = tmp_path / "s.cql"
    script.write_text(f"USE {keyspace};\n-- a comment; still a comment\n\nSELECT * FROM\n  missing_table;\n"
                      "CREATE TABLE after_error (k int PRIMARY KEY);\n")
    p = cql(krill_node, "-f", str(script))
    assert p.returncode == 2
    assert p.stderr.startswith(f"{script}:4:InvalidRequest:"), p.stderr
    # The statement after the failing one still ran.
    p2 = ok(cql(krill_node, "-e", f"DESCRIBE TABLE {keyspace}.after_error"))
    assert f"CREATE TABLE {keyspace}.after_error" in p2


def test_piped_stdin_is_script_mode(krill_node, keyspace):
    p = cql(krill_node, stdin=f"USE {keyspace};\nSELECT * FROM\n nowhere;\nCONSISTENCY\n")
    assert p.returncode == 2
    assert "krill>" not in p.stdout and "..." not in p.stdout
    assert p.stderr.startswith("<stdin>:2:InvalidRequest"), p.stderr
    assert "Current consistency level is ONE." in p.stdout
    p = cql(krill_node, stdin="SELECT release_version FROM system.local;\n")
    assert ok(p).count("4.0.11") == 1


def test_connection_failure_and_bad_usage(krill_node, tmp_path):
    port = kh.free_port()
    p = subprocess.run([kh.krill_bin(), "cql", "127.0.0.1", str(port), "-e", "SELECT 1"], capture_output=True,
                       text=True, timeout=30, stdin=subprocess.DEVNULL)
    assert p.returncode == 1 and "Connection error" in p.stderr and str(port) in p.stderr
    p = subprocess.run([kh.krill_bin(), "cql", "--bogus"], capture_output=True, text=True, timeout=30)
    assert p.returncode == 1 and "unknown option --bogus" in p.stderr
    p = cql(krill_node, "-f", str(tmp_path / "missing.cql"))
    assert p.returncode == 1 and "missing.cql" in p.stderr


def test_use_keyspace_flag_and_describe(krill_node, session, keyspace):
    session.execute("CREATE TABLE described (k int, c text, v double, PRIMARY KEY (k, c))")
    out = ok(cql(krill_node, "-k", keyspace, "-e", "DESCRIBE TABLE described; DESC KEYSPACES; DESC TABLES"))
    assert f"CREATE TABLE {keyspace}.described (" in out
    assert "PRIMARY KEY (k, c)" in out
    assert re.search(rf"^{keyspace}\s", out, re.M) or f" {keyspace}" in out
    assert f"Keyspace {keyspace}\n" in out and "described" in out
    out = ok(cql(krill_node, "-e", f"USE {keyspace}; SELECT count(*) FROM described;"))
    assert "(1 rows)" in out
    p = cql(krill_node, "-k", "no_such_keyspace", "-e", "SELECT 1")
    assert p.returncode == 2 and "no_such_keyspace" in p.stderr


def test_consistency_commands(krill_node, session, keyspace):
    session.execute("CREATE TABLE cl (k int PRIMARY KEY)")
    out = ok(cql(krill_node, "-k", keyspace, "-e",
                 "CONSISTENCY; CONSISTENCY ALL; INSERT INTO cl (k) VALUES (1); CONSISTENCY; SERIAL CONSISTENCY"))
    assert "Current consistency level is ONE." in out
    assert "Consistency level set to ALL." in out
    assert "Current consistency level is ALL." in out
    assert "Current serial consistency level is SERIAL." in out
    # One replica cannot satisfy TWO.
    p = cql(krill_node, "-k", keyspace, "-e", "CONSISTENCY TWO\nINSERT INTO cl (k) VALUES (2);")
    assert p.returncode == 2 and "Unavailable" in p.stderr, p.stderr
    p = cql(krill_node, "-e", "CONSISTENCY SOMETIMES")
    assert p.returncode == 2 and "Improper CONSISTENCY command" in p.stderr
    p = cql(krill_node, "-e", "SERIAL CONSISTENCY QUORUM")
    assert p.returncode == 2 and "SERIAL or LOCAL_SERIAL" in p.stderr


def test_shell_commands(krill_node, tmp_path, keyspace):
    inner = tmp_path / "inner.cql"
    inner.write_text("SELECT cluster_name FROM system.local;\nSELECT * FROM nothing_here;\n")
    out = cql(krill_node, "-e", f"SHOW VERSION; SHOW HOST; PAGING; PAGING 5; PAGING OFF; EXPAND; TRACING ON; "
              f"TRACING OFF; HELP; HELP COPY; SOURCE '{inner}'")
    assert out.returncode == 2
    assert "Native protocol v4" in out.stdout and "Cassandra 4.0.11" in out.stdout
    assert f"at 127.0.0.1:{krill_node.native_port}" in out.stdout
    assert "Page size: 5" in out.stdout and "Disabled Query paging." in out.stdout
    assert "Tracing is not supported" in out.stdout
    assert "MAXBATCHSIZE" in out.stdout
    assert "Test Cluster" in out.stdout or "cluster_name" in out.stdout
    assert f"{inner}:2:InvalidRequest" in out.stderr
    assert ok(cql(krill_node, "-e", "SELECT cluster_name FROM system.local; EXIT; SELECT * FROM nowhere;"))


# ---- COPY ----

def test_copy_round_trip_with_options(krill_node, session, keyspace, tmp_path):
    session.execute("CREATE TABLE src (k int PRIMARY KEY, t text, n int, l list<text>, m map<text, int>, "
                    "ts timestamp, b blob, d double, u uuid)")
    session.execute("CREATE TABLE dst (k int PRIMARY KEY, t text, n int, l list<text>, m map<text, int>, "
                    "ts timestamp, b blob, d double, u uuid)")
    tricky = ["plain", "with, comma", "with \"quotes\"", "multi\nline", "pipe|semi;", "", "NULL"]
    for k, t in enumerate(tricky):
        session.execute("INSERT INTO src (k, t, n, l, m, ts, b, d, u) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
                        (k, t, k * 7, [t, "x'y"], {t: k}, 1704164645123 + k, bytes([k, 255]), 0.1 + k,
                         uuid.UUID(int=k + 1)))
    session.execute("INSERT INTO src (k) VALUES (100)")  # nulls everywhere
    for opts in ["HEADER = true", "DELIMITER = '|' AND QUOTE = '''' AND NULL = 'NULL'", "HEADER = false"]:
        path = tmp_path / "rt.csv"
        out = ok(cql(krill_node, "-k", keyspace, "-e", f"COPY src TO '{path}' WITH {opts}"))
        assert re.search(r"^8 rows exported to 1 files in [0-9.]+ seconds", out, re.M), out
        session.execute("TRUNCATE dst")
        out = ok(cql(krill_node, "-k", keyspace, "-e", f"COPY dst FROM '{path}' WITH {opts}"))
        assert re.search(r"^8 rows imported from 1 files in [0-9.]+ seconds \([0-9]+ rows/s\)\.$", out, re.M), out
        want = sorted(tuple(r) for r in session.execute("SELECT * FROM src"))
        got = sorted(tuple(r) for r in session.execute("SELECT * FROM dst"))
        assert got == want, opts
    # NULL = 'NULL' keeps the text 'NULL' and the empty string distinct from null.
    row = session.execute("SELECT t FROM dst WHERE k = 6").one()
    assert row.t == "NULL"
    assert session.execute("SELECT t FROM dst WHERE k = 5").one().t == ""
    assert session.execute("SELECT t FROM dst WHERE k = 100").one().t is None


def test_copy_from_hand_written_csv_and_column_list(krill_node, session, keyspace, tmp_path):
    session.execute("CREATE TABLE hand (id int PRIMARY KEY, name text, score double, tags set<text>)")
    path = tmp_path / "hand.csv"
    path.write_text('name,id,tags\r\n"Smith, J",1,"{\'a\', \'b\'}"\r\n"two\nlines",2,{}\r\nplain,3,\r\n')
    out = ok(cql(krill_node, "-k", keyspace, "-e", f"COPY hand (name, id, tags) FROM '{path}' WITH HEADER = TRUE"))
    assert "3 rows imported" in out
    rows = {r.id: r for r in session.execute("SELECT * FROM hand")}
    assert rows[1].name == "Smith, J" and rows[1].tags == {"a", "b"} and rows[1].score is None
    assert rows[2].name == "two\nlines"
    assert rows[3].name == "plain" and not rows[3].tags


def test_copy_errors_name_the_line(krill_node, session, keyspace, tmp_path):
    session.execute("CREATE TABLE errs (k int PRIMARY KEY, v int)")
    path = tmp_path / "bad.csv"
    path.write_text("k,v\n1,10\n2,not_a_number\n3,30\n\"4,40\n")
    p = cql(krill_node, "-k", keyspace, "-e", f"COPY errs FROM '{path}' WITH HEADER = true")
    assert p.returncode == 2
    assert "2 rows imported" in p.stdout and "2 rows failed to import" in p.stdout
    assert re.search(r"Failed to import row at line 3 of '.*bad.csv': column v: cannot convert 'not_a_number' to int",
                     p.stderr), p.stderr
    assert re.search(r"line 5 of '.*bad.csv': unterminated quoted field", p.stderr), p.stderr
    assert sorted(r.k for r in session.execute("SELECT k FROM errs")) == [1, 3]
    # A null primary key, a wrong field count, and MAXPARSEERRORS stopping the import.
    path.write_text(",5\n6\n7,70\n")
    p = cql(krill_node, "-k", keyspace, "-e", f"COPY errs FROM '{path}' WITH MAXPARSEERRORS = 1")
    assert p.returncode == 2
    assert "line 1" in p.stderr and "primary key column k is null" in p.stderr
    assert "line 2" in p.stderr and "expected 2 fields, found 1" in p.stderr
    assert "Exceeded maximum number of parse errors 1" in p.stderr
    for bad, msg in [("COPY errs FROM '/nonexistent/x.csv'", "cannot open"),
                     ("COPY errs FROM 'x.csv' WITH BOGUS = 1", "Unrecognized COPY FROM options: BOGUS"),
                     ("COPY errs (k, nope) TO 'x.csv'", "has no column 'nope'"),
                     ("COPY missing_table TO 'x.csv'", "does not exist"),
                     ("COPY errs FROM", "Improper COPY command")]:
        p = cql(krill_node, "-k", keyspace, "-e", bad)
        assert p.returncode == 2 and msg in p.stderr, (bad, p.stderr)


def test_copy_tens_of_thousands_of_rows(krill_node, session, keyspace, tmp_path):
    n = 30000
    session.execute("CREATE TABLE many (id int PRIMARY KEY, name text, score double)")
    path = tmp_path / "many.csv"
    with open(path, "w") as f:
        for i in range(n):
            f.write(f"{i},name-{i},{i / 4}\n")
    out = ok(cql(krill_node, "-k", keyspace, "-e", f"COPY many FROM '{path}' WITH MAXBATCHSIZE = 50"))
    assert f"{n} rows imported" in out
    assert session.execute("SELECT count(*) FROM many").one()[0] == n
    assert session.execute("SELECT name, score FROM many WHERE id = 12345").one() == ("name-12345", 12345 / 4)
    out_path = tmp_path / "many_out.csv"
    out = ok(cql(krill_node, "-k", keyspace, "-e", f"COPY many TO '{out_path}' WITH PAGESIZE = 2000"))
    assert f"{n} rows exported" in out
    lines = out_path.read_text().splitlines()
    assert len(lines) == n and "12345,name-12345,3086.25" in lines
    out = ok(cql(krill_node, "-k", keyspace, "-e", "COPY many (id) TO STDOUT WITH MAXROWS = 10"))
    assert len(out.splitlines()) == 10


# ---- interactive mode under tmux ----

class Tmux:
    def __init__(self, tmp_path):
        self.socket = f"krill-shell-test-{os.getpid()}-{uuid.uuid4().hex[:6]}"
        self.home = tmp_path

    def run(self, *args):
        return subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True, text=True, timeout=10)

    def start(self, command):
        r = self.run("new-session", "-d", "-s", "t", "-x", "200", "-y", "50", command)
        assert r.returncode == 0, r.stderr

    def type(self, text, enter=True):
        self.run("send-keys", "-t", "t", "-l", text.replace(";", "\\;"))
        if enter:
            self.run("send-keys", "-t", "t", "Enter")

    def key(self, name):
        self.run("send-keys", "-t", "t", name)

    def screen(self):
        return self.run("capture-pane", "-p", "-t", "t").stdout

    def wait_for(self, predicate, what, timeout=10):
        deadline = time.time() + timeout
        while time.time() < deadline:
            s = self.screen()
            if predicate(s):
                return s
            time.sleep(0.1)
        raise AssertionError(f"timed out waiting for {what}; screen:\n{self.screen()}")

    def close(self):
        self.run("kill-server")


@pytest.fixture
def tmux(tmp_path):
    if shutil.which("tmux") is None:
        pytest.skip("tmux is not installed")
    t = Tmux(tmp_path)
    yield t
    t.close()


def start_shell(tmux, node, extra=""):
    history = tmux.home / "history"
    tmux.start(f"HOME={tmux.home} {kh.krill_bin()} cql 127.0.0.1 {node.native_port} --history-file {history} {extra}; "
               f"echo SHELL-EXITED-$?; sleep 30")
    tmux.wait_for(lambda s: re.search(r"^krill(:\w+)?>", s, re.M), "the prompt")  # capture-pane trims blanks
    return history


def test_interactive_prompt_multiline_and_keyspace(tmux, krill_node, session, keyspace):
    session.execute("CREATE TABLE inter (k int PRIMARY KEY, v text)")
    session.execute("INSERT INTO inter (k, v) VALUES (1, 'first')")
    start_shell(tmux, krill_node)
    s = tmux.screen()
    assert f"Connected to Test Cluster at 127.0.0.1:{krill_node.native_port}." in s
    tmux.type(f"USE {keyspace};")
    tmux.wait_for(lambda s: re.search(rf"^krill:{keyspace}>", s, re.M), "the keyspace prompt")
    tmux.type("SELECT k, v")
    tmux.wait_for(lambda s: re.search(r"^   \.\.\. ?$", s, re.M), "the continuation prompt")
    tmux.type("FROM inter;")
    s = tmux.wait_for(lambda s: "(1 rows)" in s, "the result")
    assert re.search(r"^ 1 \| first$", s, re.M), s
    tmux.type("SELECT * FROM nowhere;")
    s = tmux.wait_for(lambda s: "InvalidRequest" in s, "the error")
    assert "<stdin>" not in s  # no file:line prefix when typing
    tmux.key("C-d")
    tmux.wait_for(lambda s: "SHELL-EXITED-0" in s, "the shell to exit on Ctrl-D")


def test_interactive_paging_more(tmux, krill_node, session, keyspace):
    session.execute("CREATE TABLE paged (k int PRIMARY KEY)")
    for k in range(7):
        session.execute("INSERT INTO paged (k) VALUES (%s)", (k,))
    start_shell(tmux, krill_node, f"-k {keyspace}")
    tmux.type("PAGING 3")
    tmux.type("SELECT * FROM paged;")
    s = tmux.wait_for(lambda s: "---MORE---" in s, "---MORE---")
    assert "(7 rows)" not in s
    tmux.key("Space")
    tmux.wait_for(lambda s: s.count(" k\n") == 2 or s.count(" k\n---") == 2, "the second page")
    tmux.key("Space")
    s = tmux.wait_for(lambda s: "(7 rows)" in s, "the last page")
    assert "---MORE---" not in s  # the prompt line is erased after each key
    # q stops paging early.
    tmux.type("SELECT * FROM paged;")
    tmux.wait_for(lambda s: "---MORE---" in s, "---MORE--- again")
    tmux.key("q")
    tmux.wait_for(lambda s: "(3 rows)" in s, "the count of rows shown")


def test_interactive_history_and_ctrl_c(tmux, krill_node):
    history = start_shell(tmux, krill_node)
    tmux.type("SELECT cluster_name FROM system.local;")
    tmux.wait_for(lambda s: "(1 rows)" in s, "the first result")
    tmux.type("SELECT release_version", enter=True)
    tmux.key("C-c")  # abandons the unfinished statement
    tmux.wait_for(lambda s: s.rstrip().endswith("krill>"), "a fresh prompt after Ctrl-C")
    tmux.type("CLEAR")
    tmux.wait_for(lambda s: "(1 rows)" not in s, "the screen to clear")
    tmux.key("Up")
    tmux.key("Up")
    tmux.key("Up")
    s = tmux.wait_for(lambda s: "krill> SELECT cluster_name FROM system.local;" in s, "history recall")
    tmux.key("Enter")
    tmux.wait_for(lambda s: "(1 rows)" in s, "the recalled statement's result")
    tmux.type("EXIT")
    tmux.wait_for(lambda s: "SHELL-EXITED-0" in s, "EXIT")
    saved = history.read_text().splitlines()
    assert saved[0] == "SELECT cluster_name FROM system.local;" and saved[-1] == "EXIT"
