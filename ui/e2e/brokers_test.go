package e2e

import (
	"strings"
	"syscall"
	"testing"
	"time"

	"mqttchat/mqttconn/brokertest"
)

// TestPasswordPromptAndWarning: a user name without a password asks for it,
// masked, before the screen; a password on the command line is warned about.
func TestPasswordPromptAndWarning(t *testing.T) {
	eachProtocol(t, func(t *testing.T, p protocol) {
		m := brokertest.StartMochi(t, &brokertest.PasswordHook{User: "alice", Pass: "s3cret"})
		host, port, _ := strings.Cut(m.Addr(), ":")
		s := p.start(t, 100, 24, nil, "-h", host, "-p", port, "-u", "alice")
		s.waitFor("Password for alice at " + m.Addr() + ":")
		s.typeKeys("s3cret\r")
		s.waitFor("● connected")
		if strings.Contains(s.text(), "s3cret") || strings.Contains(string(s.rawOutput()), "s3cret") {
			t.Fatal("the password was echoed")
		}
		s.typeKeys("\x03")
		s.waitExit()

		s = p.start(t, 100, 24, nil, "-h", host, "-p", port, "-u", "alice", "-P", "s3cret")
		s.waitFor("● connected")
		if !strings.Contains(string(s.rawOutput()), "warning: a password on the command line can be seen by other users") {
			t.Fatal("no warning about -P")
		}
		s.typeKeys("\x03")
		s.waitExit()

		// A wrong password is explained, not retried, and F5 tries again.
		s = p.start(t, 120, 24, []string{"MQTTCHAT_PASSWORD=wrong"}, "-h", host, "-p", port, "-u", "alice")
		refused := "connection refused: not authorised" // MQTT 3.1.1's return code 5
		if p.v5() {
			refused = "connection refused: bad user name or password" // MQTT 5's reason code 0x86
		}
		s.waitFor(refused, "not retrying")
		s.typeKeys("\x1b[15~") // F5
		deadline := time.Now().Add(20 * time.Second)
		for !strings.Contains(s.text(), "── ×2 since ") || !strings.Contains(s.text(), refused) {
			if time.Now().After(deadline) {
				t.Fatalf("F5 did not try again:\n%s", s.text())
			}
			time.Sleep(30 * time.Millisecond)
		}
	})
}

// TestWillIsPublishedWhenKilled: the broker publishes the Last Will when
// mqttchat dies without saying goodbye.
func TestWillIsPublishedWhenKilled(t *testing.T) {
	eachProtocol(t, func(t *testing.T, p protocol) {
		m := brokertest.StartMosquitto(t)
		host, port, _ := strings.Cut(m.Addr(), ":")
		peer := brokertest.Connect(t, m.URL(), "watcher")
		peer.Subscribe(t, "clients/+/status", 1)
		s := p.start(t, 100, 24, nil, "-h", host, "-p", port, "-i", "gateway1",
			"--will-topic", "clients/gateway1/status", "--will-payload", "gone", "--will-qos", "1")
		s.waitFor("● connected")
		if err := s.cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		msg := peer.WaitMessage(t, "clients/gateway1/status", 20*time.Second)
		if string(msg.Payload()) != "gone" || msg.Qos() != 1 {
			t.Fatalf("will: %q qos %d", msg.Payload(), msg.Qos())
		}
	})
}
