package history

import (
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
			w.Record(inEvent("seq", []byte(strconv.Itoa(i)+" "+string(make([]byte, 100))), time.Duration(i)))
			if i%1000 == 0 {
				time.Sleep(time.Millisecond)
			}
		}
	}
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestKilledWriterLosesNoFlushedRecord$")
	cmd.Env = append(os.Environ(), childEnv+"="+dir)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(700 * time.Millisecond)
	_ = cmd.Process.Signal(syscall.SIGKILL)
	_ = cmd.Wait()

	writeAll(t, dir, Options{}, inEvent("after", []byte("restart"), time.Hour))
	recs, st := scanAll(t, dir)
	if st.Corrupt != 0 {
		t.Fatalf("%d corrupt lines after a kill", st.Corrupt)
	}
	if len(recs) < 100 {
		t.Fatalf("only %d records survived 700 ms of writing", len(recs))
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
