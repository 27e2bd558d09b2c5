package history

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// FuzzReadSegment feeds arbitrary bytes to the readers as a segment file:
// they never fail or panic, Tail and Scan agree on what is a record, and
// repair leaves a file that ends with a newline.
func FuzzReadSegment(f *testing.F) {
	f.Add([]byte(`{"tst":"2026-11-26T09:00:00Z","dir":"in","topic":"a","qos":0,"payloadlen":1,"payload":"x"}` + "\n"))
	f.Add([]byte(`{"tst":"2026-11-26T09:00:00Z","dir":"in","topic":"a","qos":0,"payloadlen":1,"payload":"x"}` + "\n{\"tst\":\"2026"))
	f.Add([]byte(`{"tst":"2026-11-26T09:00:00Z","dir":"in","topic":"a","qos":0,"payloadlen":1,"properties":{"content-type":"x","user-properties":[{"k":"v"}],"subscription-identifier":[1,2]},"payload":"x"}` + "\n"))
	f.Add([]byte("\n\n{}\ngarbage\n"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		path := filepath.Join(dir, SegmentName(t0, 1))
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		var scanned int
		if _, err := Scan([]string{dir}, func(Record) bool { scanned++; return true }); err != nil {
			t.Fatalf("Scan: %v", err)
		}
		found := 0
		if _, err := Search(context.Background(), []string{dir}, Query{Events: true, AllCopies: true}, func(Record) bool { found++; return true }); err != nil || found != scanned {
			t.Fatalf("Search found %d records, Scan %d (%v)", found, scanned, err)
		}
		recs, _, err := Tail(dir, 1<<20)
		if err != nil {
			t.Fatalf("Tail: %v", err)
		}
		if len(recs) > scanned {
			t.Fatalf("Tail found %d records, Scan %d", len(recs), scanned)
		}
		if _, err := repairSegment(path); err != nil {
			t.Fatalf("repair: %v", err)
		}
		fixed, _ := os.ReadFile(path)
		if len(fixed) > 0 && fixed[len(fixed)-1] != '\n' {
			t.Fatal("repaired segment does not end with a newline")
		}
		again := 0
		Scan([]string{dir}, func(Record) bool { again++; return true })
		if again != scanned {
			t.Fatalf("repair changed the records: %d → %d", scanned, again)
		}
	})
}
