package e2e

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"

	"mqttchat/mqttconn/brokertest"
)

// lastLine is the last line the program wrote before it exited, without
// the terminal's control sequences.
func lastLine(raw []byte) string {
	text := regexp.MustCompile(`\x1b\[[0-9;?]*[a-zA-Z]|\x1b\][^\a\x1b]*(\a|\x1b\\)|\x1b[=>]`).ReplaceAllString(string(raw), "")
	lines := strings.Split(strings.TrimSpace(strings.ReplaceAll(text, "\r", "")), "\n")
	return lines[len(lines)-1]
}

// TestPersistentSessionWithUnwritableStateExitsTwo: -c cannot keep its
// outbox when the state folder cannot be written: one line, status 2, and
// no screen left behind.
func TestPersistentSessionWithUnwritableStateExitsTwo(t *testing.T) {
	notADir := filepath.Join(t.TempDir(), "file")
	os.WriteFile(notADir, []byte("x"), 0o600)
	closed := brokertest.FreeAddr(t)
	host, port, _ := strings.Cut(closed, ":")
	s := start(t, 100, 20, []string{"XDG_STATE_HOME=" + notADir + "/state"}, "-c", "-i", "me", "-h", host, "-p", port)
	if code := s.waitExit(); code != 2 {
		t.Fatalf("exit status %d, want 2; output %q", code, s.rawOutput())
	}
	line := lastLine(s.rawOutput())
	if !strings.HasPrefix(line, "mqttchat: --disable-clean-session: ") || !strings.Contains(line, "not a directory") {
		t.Fatalf("last line %q", line)
	}
}

// TestFileRefusesDevicesAndFIFOs: /file on /dev/zero or a FIFO says why in
// the composer, and the chat goes on (it used to run out of memory with the
// terminal left raw, or hang).
func TestFileRefusesDevicesAndFIFOs(t *testing.T) {
	env, _, _ := builtinEnv(t)
	fifo := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	s := start(t, 200, 20, env, "-t", "room")
	s.waitFor("connected", "subscribed to room")
	cases := []struct{ path, want string }{
		{"/dev/zero", "/file: /dev/zero: not a regular file (it is a character device)"},
		{fifo, "/file: " + fifo + ": not a regular file (it is a FIFO (named pipe))"},
	}
	for _, tc := range cases {
		s.typeKeys("/file " + tc.path + "\r")
		s.waitFor(tc.want)
	}
	s.typeKeys("still here\r")
	s.waitFor("still here ✓ sent")
	s.typeKeys("\x03")
	if code := s.waitExit(); code != 0 {
		t.Fatalf("exit status %d", code)
	}
}
