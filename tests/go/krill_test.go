// Black-box tests of Krill with gocql (Debian golang-github-gocql-gocql-dev 1.3.2).
//
// Builds offline in GOPATH mode; run with tests/go/run.sh (KRILL_BIN selects the binary).
package krilltest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"math/big"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gocql/gocql"
)

const keyspace = "go_ks"

// ---------------------------------------------------------------- node harness

type krillNode struct {
	cmd        *exec.Cmd
	dir        string
	logPath    string
	nativePort int
	httpPort   int
	done       chan struct{}
	exitCode   int
}

var node *krillNode

func krillBin() string {
	if b := os.Getenv("KRILL_BIN"); b != "" {
		return b
	}
	wd, _ := os.Getwd() // tests/go
	return filepath.Join(wd, "..", "..", "build", "krill")
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func (n *krillNode) logTail(lines int) string {
	data, _ := os.ReadFile(n.logPath)
	all := strings.Split(string(data), "\n")
	if len(all) > lines {
		all = all[len(all)-lines:]
	}
	return fmt.Sprintf("----- last lines of %s -----\n%s", n.logPath, strings.Join(all, "\n"))
}

func (n *krillNode) running() bool {
	select {
	case <-n.done:
		return false
	default:
		return true
	}
}

func startNode() (*krillNode, error) {
	bin := krillBin()
	if st, err := os.Stat(bin); err != nil || st.Mode()&0o111 == 0 {
		return nil, fmt.Errorf("krill binary not found or not executable: %s (set KRILL_BIN)", bin)
	}
	dir, err := os.MkdirTemp("", "krill-go-")
	if err != nil {
		return nil, err
	}
	n := &krillNode{dir: dir, logPath: filepath.Join(dir, "krill.log"), done: make(chan struct{})}
	if n.nativePort, err = freePort(); err != nil {
		return nil, err
	}
	for n.httpPort == 0 || n.httpPort == n.nativePort {
		if n.httpPort, err = freePort(); err != nil {
			return nil, err
		}
	}
	logFile, err := os.Create(n.logPath)
	if err != nil {
		return nil, err
	}
	defer logFile.Close()
	n.cmd = exec.Command(bin, "serve", "--data-dir", filepath.Join(dir, "data"),
		"--listen-address", "127.0.0.1", "--native-port", fmt.Sprint(n.nativePort),
		"--http-port", fmt.Sprint(n.httpPort), "--smp", "2")
	n.cmd.Dir = dir
	n.cmd.Stdout = logFile
	n.cmd.Stderr = logFile
	// Die with the test process, whatever happens to it.
	n.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL, Setpgid: true}
	if err := n.cmd.Start(); err != nil {
		return nil, err
	}
	go func() {
		err := n.cmd.Wait()
		n.exitCode = 0
		if err != nil {
			n.exitCode = -1
			var ee *exec.ExitError
			if errors.As(err, &ee) {
				n.exitCode = ee.ExitCode()
			}
		}
		close(n.done)
	}()

	deadline := time.Now().Add(30 * time.Second)
	serving := false
	for time.Now().Before(deadline) {
		if !n.running() {
			return n, fmt.Errorf("krill exited with code %d before serving\n%s", n.exitCode, n.logTail(80))
		}
		if !serving {
			data, _ := os.ReadFile(n.logPath)
			serving = bytes.Contains(data, []byte("serving"))
		}
		if serving {
			if c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", n.nativePort), 500*time.Millisecond); err == nil {
				c.Close()
				return n, nil
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	n.kill()
	return n, fmt.Errorf("krill not ready within 30s (serving line seen: %v)\n%s", serving, n.logTail(80))
}

// stop sends SIGTERM and waits up to 30 s; returns the exit code.
func (n *krillNode) stop() (int, error) {
	if !n.running() {
		return n.exitCode, nil
	}
	_ = n.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-n.done:
		return n.exitCode, nil
	case <-time.After(30 * time.Second):
		n.kill()
		return n.exitCode, fmt.Errorf("krill did not exit within 30s of SIGTERM")
	}
}

func (n *krillNode) kill() {
	if n.running() {
		_ = n.cmd.Process.Kill()
		<-n.done
	}
}

func TestMain(m *testing.M) {
	// Pdeathsig is tied to the thread that started the child: keep it alive for the whole run.
	runtime.LockOSThread()
	var err error
	node, err = startNode()
	if err != nil {
		fmt.Fprintln(os.Stderr, "FATAL:", err)
		if node != nil {
			node.kill()
			os.RemoveAll(node.dir)
		}
		os.Exit(1)
	}
	code := m.Run()
	crashed := !node.running()
	rc, err := node.stop()
	if crashed {
		fmt.Fprintf(os.Stderr, "FAIL: krill died during the tests (exit code %d)\n%s\n", rc, node.logTail(80))
		code = 1
	} else if err != nil || rc != 0 {
		fmt.Fprintf(os.Stderr, "FAIL: krill exit code %d after SIGTERM (%v)\n%s\n", rc, err, node.logTail(80))
		code = 1
	} else if code != 0 {
		fmt.Fprintln(os.Stderr, node.logTail(40))
	}
	if os.Getenv("KRILL_KEEP_TMP") == "" {
		os.RemoveAll(node.dir)
	}
	os.Exit(code)
}

// ---------------------------------------------------------------- helpers

func newCluster() *gocql.ClusterConfig {
	c := gocql.NewCluster("127.0.0.1")
	c.Port = node.nativePort
	c.Timeout = 5 * time.Second
	c.ConnectTimeout = 5 * time.Second
	c.PoolConfig.HostSelectionPolicy = gocql.TokenAwareHostPolicy(gocql.RoundRobinHostPolicy())
	return c
}

func newSession(t *testing.T) *gocql.Session {
	t.Helper()
	s, err := newCluster().CreateSession()
	if err != nil {
		t.Fatalf("gocql could not connect: %v\n%s", err, node.logTail(40))
	}
	t.Cleanup(s.Close)
	return s
}

var schemaOnce sync.Once
var schemaErr error

// session returns a new session after making sure the test keyspace exists.
func session(t *testing.T) *gocql.Session {
	t.Helper()
	s := newSession(t)
	schemaOnce.Do(func() {
		schemaErr = s.Query(`CREATE KEYSPACE IF NOT EXISTS ` + keyspace +
			` WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`).Exec()
	})
	if schemaErr != nil {
		t.Fatalf("create keyspace: %v", schemaErr)
	}
	return s
}

func mustExec(t *testing.T, s *gocql.Session, stmt string, values ...interface{}) {
	t.Helper()
	if err := s.Query(stmt, values...).Exec(); err != nil {
		t.Fatalf("%s: %v", stmt, err)
	}
}

type hostRecorder struct {
	mu    sync.Mutex
	hosts []*gocql.HostInfo
}

func (r *hostRecorder) ObserveQuery(_ context.Context, q gocql.ObservedQuery) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.hosts = append(r.hosts, q.Host)
}

// ---------------------------------------------------------------- tests

func TestConnectAndSystemLocal(t *testing.T) {
	s := newSession(t)
	var clusterName, release, partitioner, dc, rack string
	var tokens []string
	err := s.Query(`SELECT cluster_name, release_version, partitioner, data_center, rack, tokens
	                FROM system.local WHERE key = 'local'`).
		Scan(&clusterName, &release, &partitioner, &dc, &rack, &tokens)
	if err != nil {
		t.Fatal(err)
	}
	if clusterName != "Test Cluster" || !strings.HasPrefix(release, "4.0") ||
		partitioner != "org.apache.cassandra.dht.Murmur3Partitioner" || dc != "datacenter1" || rack != "rack1" {
		t.Fatalf("unexpected system.local: %q %q %q %q %q", clusterName, release, partitioner, dc, rack)
	}
	if len(tokens) == 0 {
		t.Fatal("system.local.tokens is empty")
	}
	var peers int
	iter := s.Query(`SELECT peer FROM system.peers`).Iter()
	var peer net.IP
	for iter.Scan(&peer) {
		peers++
	}
	if err := iter.Close(); err != nil || peers != 0 {
		t.Fatalf("system.peers: %d rows, err %v", peers, err)
	}
}

func TestKeyspaceMetadata(t *testing.T) {
	s := session(t)
	mustExec(t, s, `CREATE TABLE IF NOT EXISTS `+keyspace+`.meta (
		a text, b int, c timestamp, d bigint, v blob,
		PRIMARY KEY ((a, b), c, d)) WITH CLUSTERING ORDER BY (c DESC, d ASC)`)
	var km *gocql.KeyspaceMetadata
	var err error
	deadline := time.Now().Add(10 * time.Second)
	for {
		km, err = s.KeyspaceMetadata(keyspace)
		if err == nil && km.Tables["meta"] != nil || time.Now().After(deadline) {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("KeyspaceMetadata: %v", err)
	}
	if !strings.HasSuffix(km.StrategyClass, "SimpleStrategy") {
		t.Errorf("strategy class %q", km.StrategyClass)
	}
	if fmt.Sprint(km.StrategyOptions["replication_factor"]) != "1" {
		t.Errorf("strategy options %v", km.StrategyOptions)
	}
	tm := km.Tables["meta"]
	if tm == nil {
		t.Fatalf("table meta missing from metadata: %v", km.Tables)
	}
	var pk, ck []string
	for _, c := range tm.PartitionKey {
		pk = append(pk, c.Name)
	}
	for _, c := range tm.ClusteringColumns {
		ck = append(ck, c.Name)
	}
	if strings.Join(pk, ",") != "a,b" || strings.Join(ck, ",") != "c,d" {
		t.Fatalf("partition key %v, clustering %v", pk, ck)
	}
	if tm.ClusteringColumns[0].Order != gocql.DESC || tm.ClusteringColumns[1].Order != gocql.ASC {
		t.Errorf("clustering order: %v %v", tm.ClusteringColumns[0].Order, tm.ClusteringColumns[1].Order)
	}
	want := map[string]gocql.Type{"a": gocql.TypeText, "b": gocql.TypeInt, "c": gocql.TypeTimestamp,
		"d": gocql.TypeBigInt, "v": gocql.TypeBlob}
	for name, typ := range want {
		col := tm.Columns[name]
		if col == nil || col.Type == nil || col.Type.Type() != typ {
			t.Errorf("column %s: %+v, want type %v", name, col, typ)
		}
	}
}

func TestCRUDAndPreparedQuery(t *testing.T) {
	s := session(t)
	mustExec(t, s, `CREATE TABLE IF NOT EXISTS `+keyspace+`.crud (pk int, ck int, v text, PRIMARY KEY (pk, ck))`)
	for ck := 0; ck < 5; ck++ {
		mustExec(t, s, `INSERT INTO `+keyspace+`.crud (pk, ck, v) VALUES (?, ?, ?)`, 1, ck, fmt.Sprintf("v%d", ck))
	}
	mustExec(t, s, `UPDATE `+keyspace+`.crud SET v = ? WHERE pk = ? AND ck = ?`, "changed", 1, 2)
	mustExec(t, s, `DELETE FROM `+keyspace+`.crud WHERE pk = ? AND ck = ?`, 1, 4)

	iter := s.Query(`SELECT ck, v FROM `+keyspace+`.crud WHERE pk = ?`, 1).Iter()
	var cks []int
	var vs []string
	var ck int
	var v string
	for iter.Scan(&ck, &v) {
		cks = append(cks, ck)
		vs = append(vs, v)
	}
	if err := iter.Close(); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(cks) != "[0 1 2 3]" || fmt.Sprint(vs) != "[v0 v1 changed v3]" {
		t.Fatalf("rows: %v %v", cks, vs)
	}

	// A range query with bind values, and a missing row.
	var got []int
	iter = s.Query(`SELECT ck FROM `+keyspace+`.crud WHERE pk = ? AND ck > ? AND ck <= ?`, 1, 0, 2).Iter()
	for iter.Scan(&ck) {
		got = append(got, ck)
	}
	if err := iter.Close(); err != nil || fmt.Sprint(got) != "[1 2]" {
		t.Fatalf("range: %v %v", got, err)
	}
	err := s.Query(`SELECT v FROM `+keyspace+`.crud WHERE pk = ? AND ck = ?`, 1, 4).Scan(&v)
	if !errors.Is(err, gocql.ErrNotFound) {
		t.Fatalf("deleted row: err %v", err)
	}
	mustExec(t, s, `DELETE FROM `+keyspace+`.crud WHERE pk = ?`, 1)
	if n := s.Query(`SELECT ck FROM `+keyspace+`.crud WHERE pk = ?`, 1).Iter().NumRows(); n != 0 {
		t.Fatalf("partition delete left %d rows", n)
	}

	// Batches.
	b := s.NewBatch(gocql.LoggedBatch)
	b.Query(`INSERT INTO `+keyspace+`.crud (pk, ck, v) VALUES (?, ?, ?)`, 2, 1, "a")
	b.Query(`INSERT INTO `+keyspace+`.crud (pk, ck, v) VALUES (?, ?, ?)`, 2, 2, "b")
	if err := s.ExecuteBatch(b); err != nil {
		t.Fatal(err)
	}
	if n := s.Query(`SELECT ck FROM `+keyspace+`.crud WHERE pk = ?`, 2).Iter().NumRows(); n != 2 {
		t.Fatalf("batch wrote %d rows", n)
	}
}

func TestTypesRoundTrip(t *testing.T) {
	s := session(t)
	mustExec(t, s, `CREATE TABLE IF NOT EXISTS `+keyspace+`.types (k int PRIMARY KEY,
		i int, b bigint, t text, bl blob, u uuid, ts timestamp, bo boolean, d double, f float,
		vi varint, ip inet, si smallint, ti tinyint)`)
	u, _ := gocql.ParseUUID("123e4567-e89b-42d3-a456-426614174000")
	ts := time.Date(2011, 2, 3, 4, 5, 6, 789_000_000, time.UTC)
	huge, _ := new(big.Int).SetString("-1606938044258990275541962092341162602522202993782792835314721", 10)
	mustExec(t, s, `INSERT INTO `+keyspace+`.types (k, i, b, t, bl, u, ts, bo, d, f, vi, ip, si, ti)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		1, int32(math.MinInt32), int64(math.MaxInt64), "héllo ✓ 🎉", []byte{0xca, 0xfe, 0x00}, u, ts, true,
		math.Inf(-1), float32(3.5), huge, net.ParseIP("2001:db8::1"), int16(-32768), int8(127))

	var (
		i  int32
		b  int64
		tx string
		bl []byte
		uu gocql.UUID
		tt time.Time
		bo bool
		d  float64
		f  float32
		vi *big.Int
		ip net.IP
		si int16
		ti int8
	)
	err := s.Query(`SELECT i, b, t, bl, u, ts, bo, d, f, vi, ip, si, ti FROM `+keyspace+`.types WHERE k = ?`, 1).
		Scan(&i, &b, &tx, &bl, &uu, &tt, &bo, &d, &f, &vi, &ip, &si, &ti)
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		name string
		ok   bool
	}{
		{"int", i == math.MinInt32}, {"bigint", b == math.MaxInt64}, {"text", tx == "héllo ✓ 🎉"},
		{"blob", bytes.Equal(bl, []byte{0xca, 0xfe, 0x00})}, {"uuid", uu == u}, {"timestamp", tt.Equal(ts)},
		{"boolean", bo}, {"double", math.IsInf(d, -1)}, {"float", f == 3.5},
		{"varint", vi != nil && vi.Cmp(huge) == 0}, {"inet", ip.Equal(net.ParseIP("2001:db8::1"))},
		{"smallint", si == -32768}, {"tinyint", ti == 127},
	}
	for _, c := range checks {
		if !c.ok {
			t.Errorf("%s did not round-trip: %v %v %q %x %v %v %v %v %v %v %v %v %v", c.name,
				i, b, tx, bl, uu, tt, bo, d, f, vi, ip, si, ti)
		}
	}

	// Nulls.
	mustExec(t, s, `INSERT INTO `+keyspace+`.types (k, i, t) VALUES (?, ?, ?)`, 2, nil, nil)
	var ni *int
	var nt *string
	if err := s.Query(`SELECT i, t FROM `+keyspace+`.types WHERE k = ?`, 2).Scan(&ni, &nt); err != nil {
		t.Fatal(err)
	}
	if ni != nil || nt != nil {
		t.Fatalf("nulls read back as %v %v", ni, nt)
	}
}

func TestTokenAwareRoutingAndServerTokens(t *testing.T) {
	rec := &hostRecorder{}
	cfg := newCluster()
	cfg.QueryObserver = rec
	s, err := cfg.CreateSession()
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	defer s.Close()
	// Make sure the keyspace exists (this session is separate from session()).
	_ = session(t)
	mustExec(t, s, `CREATE TABLE IF NOT EXISTS `+keyspace+`.tok_int (k int PRIMARY KEY, v int)`)
	mustExec(t, s, `CREATE TABLE IF NOT EXISTS `+keyspace+`.tok_text (k text PRIMARY KEY, v int)`)
	mustExec(t, s, `CREATE TABLE IF NOT EXISTS `+keyspace+`.tok_comp (a int, b text, v int, PRIMARY KEY ((a, b)))`)
	mustExec(t, s, `INSERT INTO `+keyspace+`.tok_int (k, v) VALUES (?, ?)`, 1, 10)
	mustExec(t, s, `INSERT INTO `+keyspace+`.tok_text (k, v) VALUES (?, ?)`, "hello", 20)
	mustExec(t, s, `INSERT INTO `+keyspace+`.tok_comp (a, b, v) VALUES (?, ?, ?)`, 1, "a", 30)

	// The driver computes routing keys from the prepared metadata's partition key indexes.
	q := s.Query(`SELECT v FROM `+keyspace+`.tok_int WHERE k = ?`, 1)
	rk, err := q.GetRoutingKey()
	if err != nil || !bytes.Equal(rk, []byte{0, 0, 0, 1}) {
		t.Fatalf("routing key %x, err %v", rk, err)
	}
	q = s.Query(`SELECT v FROM `+keyspace+`.tok_comp WHERE a = ? AND b = ?`, 1, "a")
	rk, err = q.GetRoutingKey()
	if err != nil || fmt.Sprintf("%x", rk) != "0004000000010000016100" {
		t.Fatalf("composite routing key %x, err %v", rk, err)
	}

	cases := []struct {
		query string
		args  []interface{}
		token int64
	}{
		{`SELECT token(k) FROM ` + keyspace + `.tok_int WHERE k = ?`, []interface{}{1}, -4069959284402364209},
		{`SELECT token(k) FROM ` + keyspace + `.tok_text WHERE k = ?`, []interface{}{"hello"}, -3758069500696749310},
		{`SELECT token(a, b) FROM ` + keyspace + `.tok_comp WHERE a = ? AND b = ?`, []interface{}{1, "a"}, 6516349416904725244},
	}
	for _, c := range cases {
		iter := s.Query(c.query, c.args...).Iter()
		var tok int64
		if !iter.Scan(&tok) {
			t.Fatalf("%s: no row (%v)", c.query, iter.Close())
		}
		h := iter.Host()
		if err := iter.Close(); err != nil {
			t.Fatal(err)
		}
		if tok != c.token {
			t.Errorf("%s: server token %d, want %d", c.query, tok, c.token)
		}
		if h == nil || !h.ConnectAddress().Equal(net.ParseIP("127.0.0.1")) || h.Port() != node.nativePort ||
			h.DataCenter() != "datacenter1" || h.Rack() != "rack1" {
			t.Errorf("query served by unexpected host %v", h)
		}
	}

	var v int
	if err := s.Query(`SELECT v FROM `+keyspace+`.tok_text WHERE k = ?`, "hello").Scan(&v); err != nil || v != 20 {
		t.Fatalf("select: %v %v", v, err)
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if len(rec.hosts) == 0 {
		t.Fatal("the query observer saw no queries")
	}
	for _, h := range rec.hosts {
		if h == nil || !h.ConnectAddress().Equal(net.ParseIP("127.0.0.1")) || h.Port() != node.nativePort {
			t.Fatalf("observed host %v", h)
		}
	}
	// The token ring behind token-aware routing needs the keyspace metadata.
	if _, err := s.KeyspaceMetadata(keyspace); err != nil {
		t.Fatalf("KeyspaceMetadata: %v", err)
	}
}

func TestPaging(t *testing.T) {
	s := session(t)
	mustExec(t, s, `CREATE TABLE IF NOT EXISTS `+keyspace+`.paged (pk int, ck int, PRIMARY KEY (pk, ck))`)
	const n = 1000
	for ck := 0; ck < n; ck++ {
		mustExec(t, s, `INSERT INTO `+keyspace+`.paged (pk, ck) VALUES (?, ?)`, 1, ck)
	}
	var seen []int
	var state []byte
	for page := 0; page < 50; page++ {
		iter := s.Query(`SELECT ck FROM `+keyspace+`.paged WHERE pk = ?`, 1).PageSize(100).PageState(state).Iter()
		next := iter.PageState()
		if iter.NumRows() > 100 {
			t.Fatalf("page of %d rows", iter.NumRows())
		}
		var ck int
		for iter.Scan(&ck) {
			seen = append(seen, ck)
		}
		if err := iter.Close(); err != nil {
			t.Fatal(err)
		}
		if len(next) == 0 {
			break
		}
		state = next
	}
	if len(seen) != n || !sort.IntsAreSorted(seen) || seen[0] != 0 || seen[n-1] != n-1 {
		t.Fatalf("paging returned %d rows (first %v)", len(seen), seen[:min(5, len(seen))])
	}
	// Automatic paging over a full scan.
	iter := s.Query(`SELECT ck FROM ` + keyspace + `.paged`).PageSize(77).Iter()
	count := 0
	var ck int
	for iter.Scan(&ck) {
		count++
	}
	if err := iter.Close(); err != nil || count != n {
		t.Fatalf("auto paging: %d rows, err %v", count, err)
	}
}

func TestErrors(t *testing.T) {
	s := session(t)
	cases := []struct {
		stmt string
		code int
	}{
		{"SELEC * FROM x", gocql.ErrCodeSyntax},
		{"SELECT * FROM " + keyspace + ".no_such_table", gocql.ErrCodeInvalid},
		{"SELECT * FROM no_such_ks.t", gocql.ErrCodeInvalid},
		{"CREATE KEYSPACE " + keyspace + " WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}", gocql.ErrCodeAlreadyExists},
	}
	for _, c := range cases {
		err := s.Query(c.stmt).Exec()
		var re gocql.RequestError
		if !errors.As(err, &re) || re.Code() != c.code {
			t.Errorf("%s: got %v, want error code %#x", c.stmt, err, c.code)
		}
	}
	if err := s.Query(`SELECT key FROM system.local`).Exec(); err != nil {
		t.Fatalf("session unusable after errors: %v", err)
	}
}

func min(a, b int) int {
	if a < b {
		return a
	}
	return b
}
