package e2e

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"mqttchat/mqttconn/brokertest"
)

// questionChat starts mqttchat (speaking p) on its built-in broker with a peer that
// counts what is published under test/# and chat/#.
func questionChat(t *testing.T, p protocol) (*screen, *brokertest.Peer) {
	env, tcpAddr, _ := builtinEnv(t)
	s := p.start(t, 140, 30, env, "-t", "chat/room")
	s.waitFor("connected", "subscribed to chat/room")
	peer := brokertest.Connect(t, "tcp://"+tcpAddr, "peer")
	peer.Subscribe(t, "test/#", 1)
	peer.Subscribe(t, "chat/#", 1)
	return s, peer
}

// TestHiddenQuestionReproduction: /file, Enter, then Tab Tab Enter (open a
// message) in the same breath, then y at once. The question is drawn over
// whatever shows, and nothing is published by a key pressed before it could
// be read. The y goes in one write with a Tab (a key the question ignores,
// which restarts its guard): alone, it would reach the program more than
// the guard's 400 ms after the question on a loaded machine, and rightly
// answer it.
func TestHiddenQuestionReproduction(t *testing.T) {
	eachProtocol(t, func(t *testing.T, p protocol) {
		s, peer := questionChat(t, p)
		path := filepath.Join(t.TempDir(), "some.txt")
		os.WriteFile(path, []byte("file body"), 0o600)
		peer.Publish(t, "chat/room", 0, false, "a message to open")
		s.waitFor("◀ chat/room a message to open")
		peer.WaitCount(t, "chat/room", 1, 20*time.Second) // its own, counted below
		s.typeKeys("/file " + path + "\r\t\t\r")
		s.waitFor("Publish the file", "9 bytes · Topic chat/room · QoS 0 · retain off")
		s.typeKeys("\ty")
		s.waitFor("too soon after the question appeared")
		s.typeKeys("\x1b") // Esc declines
		s.waitFor("✗ not done: Publish the file")
		time.Sleep(500 * time.Millisecond) // a publish would have reached the peer by now
		if n := peer.Count("chat/room"); n != 1 {
			t.Fatalf("peer got %d messages on chat/room, want only its own", n)
		}
		s.quitAnswering()
	})
}

// TestTypingOkayKeepsTheRetainedMessage: after /clear-retained, typing the
// word "okay" does not answer the question with its y; the word is kept.
func TestTypingOkayKeepsTheRetainedMessage(t *testing.T) {
	eachProtocol(t, func(t *testing.T, p protocol) {
		s, peer := questionChat(t, p)
		s.typeKeys("/clear-retained test/keep\r")
		s.waitFor("Clear the retained message of test/keep?")
		time.Sleep(600 * time.Millisecond) // the question has been seen
		for _, r := range "okay" {
			s.typeKeys(string(r))
			time.Sleep(60 * time.Millisecond) // typed by a person, key by key
		}
		s.waitFor("┃ okay", "what you type goes to the message field")
		time.Sleep(500 * time.Millisecond)
		if n := peer.Count("test/keep"); n != 0 {
			t.Fatalf("the question was answered by typing: %d messages on test/keep", n)
		}
		s.typeKeys("n")
		time.Sleep(200 * time.Millisecond)
		s.quitAnswering()
	})
}

// TestDoubleEnterPublishesOnceThroughTheTerminal: "x" Enter Enter in one
// write publishes once (seen twice in two of three tries before).
func TestDoubleEnterPublishesOnceThroughTheTerminal(t *testing.T) {
	eachProtocol(t, func(t *testing.T, p protocol) {
		s, peer := questionChat(t, p)
		for i := range 3 {
			s.typeKeys("x\r\r")
			// Wait for this try's message (WaitPayload would return at once
			// from the second try on: an "x" came in the first), then long
			// enough for a second publish of it to come too.
			peer.WaitCount(t, "chat/room", i+1, 20*time.Second)
			time.Sleep(300 * time.Millisecond)
			if n := peer.Count("chat/room"); n != i+1 {
				t.Fatalf("try %d: %d messages published, want %d", i+1, n, i+1)
			}
		}
		s.quitAnswering()
	})
}

// quitAnswering quits while the peer may use the built-in broker: Ctrl+C
// asks once the screen has counted the peer (each second), and a second
// Ctrl+C quits.
func (s *screen) quitAnswering() {
	s.t.Helper()
	s.typeKeys("\x03")
	// Either it quits, or it asks first: wait for whichever comes, however
	// long the exit takes (a race-enabled binary under load can take more
	// than a second or two to flush its history and stop its broker).
	if s.waitForOrExit("Quit mqttchat?", "the built-in broker") {
		s.typeKeys("\x03")
	}
	if code := s.waitExit(); code != 0 {
		s.t.Fatalf("exit %d", code)
	}
}
