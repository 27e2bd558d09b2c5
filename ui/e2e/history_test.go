package e2e

import (
	"fmt"
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
	eachProtocol(t, func(t *testing.T, p protocol) {
		env, tcpAddr, _ := builtinEnv(t)
		env = append(env, "XDG_STATE_HOME="+t.TempDir())
		s := p.start(t, 110, 30, env, "-t", "room")
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

		again := p.start(t, 110, 30, env, "-t", "room")
		again.waitFor("● connected", "earlier: 3 messages from history", "◀ room hello before hangup", "my reply ✓ sent")
		again.typeKeys("\x1b[A") // Up
		again.waitFor("┃ my reply")
	})
}

// TestSearchFindsWhatIsNoLongerHeld: with room for 5 messages on screen,
// 20 arrive; /search finds the first one in the history on disk and opens
// it in the detail view.
func TestSearchFindsWhatIsNoLongerHeld(t *testing.T) {
	eachProtocol(t, func(t *testing.T, p protocol) {
		env, tcpAddr, _ := builtinEnv(t)
		env = append(env, "XDG_STATE_HOME="+t.TempDir())
		s := p.start(t, 110, 30, env, "-t", "room", "--max-messages", "5")
		s.waitFor("● connected", "subscribed to room")
		peer := brokertest.Connect(t, "tcp://"+tcpAddr, "peer")
		for i := 1; i <= 20; i++ {
			peer.Publish(t, "room", 1, false, fmt.Sprintf("reading number %02d", i))
		}
		s.waitFor("◀ room reading number 20", "older ones let go")
		if strings.Contains(s.text(), "reading number 01") {
			t.Fatalf("the first message is still held:\n%s", s.text())
		}
		s.typeKeys("/search number 01\r")
		s.waitFor("1 found · all searched", "◀ room reading number 01")
		s.typeKeys("\r")
		s.waitFor("esc back to the list", "reading number 01")
		s.pressEsc("esc back to the list", "1 found · all searched")
		s.pressEsc("1 found · all searched", "◀ room reading number 20", "type a message")
	})
}
