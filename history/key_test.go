package history

import (
	"fmt"
	"os"
	"path/filepath"
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
