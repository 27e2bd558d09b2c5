package e2e

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// trackedBinary is mqttchat behind a script (in dir) that notes its
// process id first, for a program that tmux or GNU screen starts: the
// cleanups that end them (tmux kill-server, SIGKILL to screen) only send
// mqttchat a hangup and do not wait for it, and a program still writing its
// history into the test's temporary folder makes the folder's removal fail
// ("directory not empty"). So the test waits, at its end, until that
// process is gone. Call it after the test's first t.TempDir (whose removal
// must come after the wait) and before registering what ends tmux or
// screen.
func trackedBinary(t *testing.T, dir string) string {
	t.Helper()
	pidFile := filepath.Join(dir, "mqttchat.pid")
	script := filepath.Join(dir, "mqttchat-tracked")
	body := "#!/bin/sh\necho $$ > '" + pidFile + "'\nexec '" + binary(t) + "' \"$@\"\n"
	if err := os.WriteFile(script, []byte(body), 0o700); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { waitTrackedGone(t, pidFile) })
	return script
}

// waitTrackedGone waits until the process whose id is in pidFile has ended (or
// is a zombie), and kills it if it has not after a generous while.
func waitTrackedGone(t *testing.T, pidFile string) {
	b, err := os.ReadFile(pidFile)
	if err != nil {
		return // never started
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || pid <= 0 {
		return
	}
	alive := func() bool {
		stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
		if err != nil {
			return syscall.Kill(pid, 0) == nil // no /proc: ask the kernel
		}
		// pid (comm) state ...: the state follows the last ')'.
		i := bytes.LastIndexByte(stat, ')')
		return i < 0 || i+2 >= len(stat) || stat[i+2] != 'Z'
	}
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if !alive() {
			return
		}
	}
	_ = syscall.Kill(pid, syscall.SIGKILL)
	t.Errorf("mqttchat (pid %d) was still running 20 s after its terminal went", pid)
}
