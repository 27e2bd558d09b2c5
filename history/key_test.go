package history

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Folders an older version filed under other loopback names of one port are
// merged into the one key; a segment a live writer holds stays, and is read
// from where it is until it can move; another port is left alone.
func TestLoopbackNamesShareOneHistory(t *testing.T) {
	state := t.TempDir()
	t.Setenv("XDG_STATE_HOME", state)
	root := filepath.Join(state, "mqttchat", "history")
	for i, name := range []string{"mqtt_127.0.0.1_1883", "mqtt_localhost_1883", "mqtt___1_1883", "mqtt_127.0.0.1_1884"} {
		writeAll(t, filepath.Join(root, name), Options{}, inEvent(name, []byte(fmt.Sprint(i)), time.Duration(i)*time.Second))
	}
	live, err := OpenWriter(filepath.Join(root, "mqtt_127.0.0.1_1883"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	live.Record(inEvent("live", []byte("held"), 10*time.Second))
	waitFlushed(t, filepath.Join(root, "mqtt_127.0.0.1_1883"), 2)

	dirs, err := BrokerDirs("tcp://[::1]:1883")
	if err != nil {
		t.Fatal(err)
	}
	if len(dirs) != 2 || filepath.Base(dirs[0]) != "mqtt_localhost_1883" || filepath.Base(dirs[1]) != "mqtt_127.0.0.1_1883" {
		t.Fatalf("dirs %v: want the key's, and the alias a live writer holds", dirs)
	}
	recs, _ := searchAll(t, dirs, Query{})
	if len(recs) != 4 {
		t.Fatalf("%d records, want 3 merged + 1 held", len(recs))
	}
	if _, err := os.Stat(filepath.Join(root, "mqtt___1_1883")); !os.IsNotExist(err) {
		t.Fatalf("the ::1 folder is still there: %v", err)
	}
	live.Close()
	dir, _ := BrokerDir("tcp://localhost:1883")
	recs, _ = searchAll(t, []string{dir}, Query{})
	if len(recs) != 4 {
		t.Fatalf("after the writer quit: %d records in %s", len(recs), dir)
	}
	for _, gone := range []string{"mqtt_127.0.0.1_1883", "mqtt___1_1883"} {
		if _, err := os.Stat(filepath.Join(root, gone)); !os.IsNotExist(err) {
			t.Errorf("%s still there", gone)
		}
	}
	if other, _ := searchAll(t, []string{filepath.Join(root, "mqtt_127.0.0.1_1884")}, Query{}); len(other) != 1 {
		t.Fatalf("another port's folder changed: %d records", len(other))
	}
	// The index moved with its segment.
	segs, _ := listSegments(dir)
	for _, s := range segs {
		if _, err := os.Stat(indexPath(s.path)); err != nil {
			t.Errorf("index of %s: %v", filepath.Base(s.path), err)
		}
	}
}

// Two copies of mqttchat each load the recall file, add, and save: neither
// overwrites the other's additions; the most recently saved come first.
func TestRecallMergesCopies(t *testing.T) {
	path := filepath.Join(t.TempDir(), "recall.json")
	start := Recall{}
	start.Add("shared", "old")
	if err := start.Save(path); err != nil {
		t.Fatal(err)
	}
	a, _ := LoadRecall(path)
	b, _ := LoadRecall(path)
	a.Add("from/a", "text a")
	if err := a.Save(path); err != nil {
		t.Fatal(err)
	}
	b.Add("from/b", "text b")
	b.Add("shared", "old")
	if err := b.Save(path); err != nil {
		t.Fatal(err)
	}
	a.Add("from/a", "again a")
	if err := a.Save(path); err != nil {
		t.Fatal(err)
	}
	got, _ := LoadRecall(path)
	if fmt.Sprint(got.Topics) != "[from/a shared from/b]" || fmt.Sprint(got.Texts) != "[again a old text b text a]" {
		t.Fatalf("merged recall: %q %q", got.Topics, got.Texts)
	}
	if fmt.Sprint(a.Topics) != fmt.Sprint(got.Topics) {
		t.Fatalf("the saving copy holds %q, the file %q", a.Topics, got.Topics)
	}
}

// A corrupt recall file is kept aside and reported in words, never
// overwritten.
func TestCorruptRecallIsKeptAside(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "recall.json")
	os.WriteFile(path, []byte("{oops"), 0o600)
	r, err := LoadRecall(path)
	var ce *CorruptRecallError
	if !errors.As(err, &ce) || len(r.Topics) != 0 || !strings.Contains(err.Error(), "was kept as recall.json.corrupt-") {
		t.Fatalf("load: %v", err)
	}
	if data, err := os.ReadFile(ce.Aside); err != nil || string(data) != "{oops" {
		t.Fatalf("kept aside: %q, %v", data, err)
	}
	r.Add("t", "x")
	if err := r.Save(path); err != nil {
		t.Fatal(err)
	}
	// Corrupted again while running: Save keeps that one aside too, and says so.
	os.WriteFile(path, []byte("not json"), 0o600)
	r.Add("u", "y")
	if err := r.Save(path); !errors.As(err, &ce) {
		t.Fatalf("save over a corrupt file: %v", err)
	}
	if data, _ := os.ReadFile(ce.Aside); string(data) != "not json" {
		t.Fatalf("second copy kept aside: %q", data)
	}
	if got, err := LoadRecall(path); err != nil || fmt.Sprint(got.Topics) != "[u t]" {
		t.Fatalf("after save: %q, %v", got.Topics, err)
	}
}
