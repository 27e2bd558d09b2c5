package e2e

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
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
