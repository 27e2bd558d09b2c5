package e2e

import (
	"os/exec"
	"strings"
	"syscall"
	"testing"

	"mqttchat/mqttconn/brokertest"
)

// TestHistorySurvivesHangupAndReplays: a dropped SSH session (SIGHUP) ends
// the program with its history flushed; `mqttchat history` prints it; the
// next start shows it above the "earlier" divider, and Up recalls the text.
func TestHistorySurvivesHangupAndReplays(t *testing.T) {
	env, tcpAddr, _ := builtinEnv(t)
	env = append(env, "XDG_STATE_HOME="+t.TempDir())
	s := start(t, 110, 30, env, "-t", "room")
	s.waitFor("● connected", "subscribed to room")
	peer := brokertest.Connect(t, "tcp://"+tcpAddr, "peer")
	peer.Publish(t, "room", 1, false, "hello before hangup")
	s.waitFor("◀ room hello before hangup")
	s.typeKeys("my reply\r")
	s.waitFor("my reply ✓ sent")

	if err := s.cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	if code := s.waitExit(); code != 0 {
		t.Fatalf("exit status %d after SIGHUP", code)
	}

	cmd := exec.Command(binary(t), "history", "-t", "room")
	cmd.Env = append(cmd.Environ(), env...)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("history: %v", err)
	}
	text := string(out)
	if !strings.Contains(text, "◀ room hello before hangup") || !strings.Contains(text, "▶ you → room my reply") {
		t.Fatalf("history after SIGHUP:\n%s", text)
	}

	again := start(t, 110, 30, env, "-t", "room")
	again.waitFor("● connected", "earlier: 3 messages from history", "◀ room hello before hangup", "my reply ✓ sent")
	again.typeKeys("\x1b[A") // Up
	again.waitFor("┃ my reply")
}
