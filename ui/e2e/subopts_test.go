package e2e

import (
	"strings"
	"testing"

	"mqttchat/mqttconn/brokertest"
)

// TestNoLocalEchoAndSharedRoomThroughTheBinary, against mochi and
// mosquitto in MQTT 5: with --no-local our own message is acknowledged
// but never comes back, so it has no "echoed" mark and no second row,
// while another client's message shows; a /sub without options brings
// our message back, marked echoed, as over MQTT 3.1.1; a /sub of a
// $share/ filter counts the messages of its filter part in its room,
// whose options line names its group.
func TestNoLocalEchoAndSharedRoomThroughTheBinary(t *testing.T) {
	for name, startBroker := range map[string]func(testing.TB) brokertest.Broker{
		"mochi":     func(t testing.TB) brokertest.Broker { return brokertest.StartMochi(t) },
		"mosquitto": func(t testing.TB) brokertest.Broker { return brokertest.StartMosquitto(t) },
	} {
		t.Run(name, func(t *testing.T) {
			b := startBroker(t)
			host, port, _ := strings.Cut(b.Addr(), ":")
			peer := brokertest.Connect(t, b.URL(), "peer")
			s := start(t, 130, 30, nil, "-V", "5", "--no-local", "-h", host, "-p", port, "-t", "chat/#", "-q", "1")
			s.waitFor("● connected", "subscribed to chat/# (QoS 1)", "no local")

			s.typeKeys("quiet please\r")
			s.waitFor("quiet please ✓ acknowledged")
			peer.Publish(t, "chat/lobby", 1, false, "peer here")
			s.waitFor("◀ chat/lobby q1 peer here")
			if text := s.text(); strings.Contains(text, "echoed") || strings.Contains(text, "◀ chat/lobby q1 quiet please") {
				t.Fatalf("our message came back despite no local:\n%s", text)
			}

			s.typeKeys("/sub echo/# 1\r")
			s.waitFor("subscribed to echo/# (QoS 1)")
			s.typeKeys("/topic echo/x\r")
			s.typeKeys("loud\r")
			s.waitFor("loud ✓ acknowledged · echoed")

			s.typeKeys("/sub $share/g/jobs/+\r")
			s.waitFor("subscribed to $share/g/jobs/+ (QoS 1)", "shared (g)")
			peer.Publish(t, "jobs/1", 0, false, "build it")
			s.waitFor("◀ jobs/1 build it", "● $share/g/jobs/+ q1 · 1")
			s.typeKeys("\x03")
			s.waitExit()
		})
	}
}

// TestAssignedClientIDThroughTheBinary: -V 5 -i "" lets mosquitto assign
// the client id, with a clean session and a kept one (-c); the status bar
// and the timeline show it.
func TestAssignedClientIDThroughTheBinary(t *testing.T) {
	m := brokertest.StartMosquitto(t)
	host, port, _ := strings.Cut(m.Addr(), ":")
	for _, extra := range [][]string{nil, {"-c"}} {
		args := append([]string{"-V", "5", "-i", "", "-h", host, "-p", port, "-t", "room"}, extra...)
		s := start(t, 160, 30, nil, args...)
		s.waitFor("● connected", "the broker assigned the client id auto-", "(assigned)")
		s.typeKeys("\x03")
		s.waitExit()
	}
}
