package history

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// childEnv names the folder a child test process writes to until killed.
const childEnv = "MQTTCHAT_HISTORY_CHILD_DIR"

// TestKilledWriterLosesNoFlushedRecord runs a writer in a child process,
// kills it with SIGKILL mid-stream, and checks that the folder then opens,
// takes new records and reads back as an unbroken sequence.
func TestKilledWriterLosesNoFlushedRecord(t *testing.T) {
	if dir := os.Getenv(childEnv); dir != "" {
		w, err := OpenWriter(dir, Options{})
		if err != nil {
			os.Exit(3)
		}
		for i := 0; ; i++ {
			// Keep pace with the writer: this test is about a kill, not an
			// overload (which is counted as "not written", by design).
			for w.queued() > w.opts.Queue/2 {
				time.Sleep(time.Millisecond)
			}
			w.Record(inEvent("seq", []byte(strconv.Itoa(i)+" "+string(make([]byte, 100))), time.Duration(i)))
			if w.NotWritten() > 0 {
				os.Exit(4)
			}
		}
	}
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestKilledWriterLosesNoFlushedRecord$")
	cmd.Env = append(os.Environ(), childEnv+"="+dir)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Kill it mid-stream once it has flushed a few hundred records: a
	// race-enabled child on a loaded machine can take most of a second just
	// to start, so a fixed pause may find nothing written yet.
	seen := 0
	for deadline := time.Now().Add(30 * time.Second); seen < 300 && time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		seen = flushedLines(dir)
	}
	_ = cmd.Process.Signal(syscall.SIGKILL)
	if err := cmd.Wait(); cmd.ProcessState.ExitCode() == 4 {
		t.Fatalf("the child's writer fell behind and dropped records (%v)", err)
	}

	writeAll(t, dir, Options{}, inEvent("after", []byte("restart"), time.Hour))
	recs, st := scanAll(t, dir)
	if st.Corrupt != 0 {
		t.Fatalf("%d corrupt lines after a kill", st.Corrupt)
	}
	if len(recs) < seen || seen < 300 {
		t.Fatalf("only %d records survived, %d were seen in the file before the kill", len(recs), seen)
	}
	for i, r := range recs[:len(recs)-1] {
		var n int
		if _, err := fmt.Sscanf(string(r.Payload), "%d", &n); err != nil || n != i {
			t.Fatalf("record %d holds %q: the sequence is broken", i, r.Payload[:8])
		}
	}
	if last := recs[len(recs)-1]; last.Topic != "after" {
		t.Fatalf("last record %q", last.Topic)
	}
}

// flushedLines counts the lines in dir's segments now (a segment that goes
// meanwhile counts as empty).
func flushedLines(dir string) int {
	segs, _ := listSegments(dir)
	n := 0
	for _, s := range segs {
		b, _ := os.ReadFile(s.path)
		n += bytes.Count(b, []byte("\n"))
	}
	return n
}
