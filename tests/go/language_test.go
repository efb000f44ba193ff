package krilltest

import (
	"reflect"
	"testing"
)

// Collections, counters and lightweight transactions as gocql sees them.
func TestCollectionsCountersAndLWT(t *testing.T) {
	s := session(t)
	mustExec(t, s, `CREATE TABLE IF NOT EXISTS `+keyspace+`.lang (k int PRIMARY KEY, l list<int>, m map<text, int>)`)
	mustExec(t, s, `INSERT INTO `+keyspace+`.lang (k, l, m) VALUES (?, ?, ?)`, 1, []int{1, 2}, map[string]int{"a": 1})
	mustExec(t, s, `UPDATE `+keyspace+`.lang SET l = l + ?, m[?] = ? WHERE k = ?`, []int{3}, "b", 2, 1)
	var l []int
	var m map[string]int
	if err := s.Query(`SELECT l, m FROM `+keyspace+`.lang WHERE k = ?`, 1).Scan(&l, &m); err != nil {
		t.Fatalf("select collections: %v", err)
	}
	if !reflect.DeepEqual(l, []int{1, 2, 3}) || !reflect.DeepEqual(m, map[string]int{"a": 1, "b": 2}) {
		t.Fatalf("collections: got %v %v", l, m)
	}

	mustExec(t, s, `CREATE TABLE IF NOT EXISTS `+keyspace+`.cnt (k int PRIMARY KEY, c counter)`)
	for i := 0; i < 4; i++ {
		mustExec(t, s, `UPDATE `+keyspace+`.cnt SET c = c + 5 WHERE k = 1`)
	}
	var c int64
	if err := s.Query(`SELECT c FROM ` + keyspace + `.cnt WHERE k = 1`).Scan(&c); err != nil || c != 20 {
		t.Fatalf("counter: got %d, %v", c, err)
	}

	mustExec(t, s, `CREATE TABLE IF NOT EXISTS `+keyspace+`.cas (k int PRIMARY KEY, v text)`)
	existing := map[string]interface{}{}
	applied, err := s.Query(`INSERT INTO ` + keyspace + `.cas (k, v) VALUES (1, 'first') IF NOT EXISTS`).MapScanCAS(existing)
	if err != nil || !applied {
		t.Fatalf("first insert: applied=%v err=%v", applied, err)
	}
	existing = map[string]interface{}{}
	applied, err = s.Query(`INSERT INTO ` + keyspace + `.cas (k, v) VALUES (1, 'second') IF NOT EXISTS`).MapScanCAS(existing)
	if err != nil || applied || existing["v"] != "first" {
		t.Fatalf("second insert: applied=%v existing=%v err=%v", applied, existing, err)
	}
}
