package e2e

import (
	"testing"
	"time"

	"mqttchat/mqttconn/brokertest"
)

// TestClusterMovesToTheOtherNode: the binary with two -L, against two
// mosquitto brokers joined by one bridge. The status bar names node A;
// node A is killed mid-conversation; the timeline says the connection
// moved to node B and why, a QoS 1 message typed during the move is
// acknowledged and reaches the peer on B, and the peer's answer arrives.
func TestClusterMovesToTheOtherNode(t *testing.T) {
	b := brokertest.StartMosquitto(t)
	a := brokertest.StartMosquitto(t, "connection to_b", "address "+b.Addr(), "topic # both 1", "cleansession true", "restart_timeout 1")
	peer := brokertest.Connect(t, b.URL(), "peerOnB")
	peer.Subscribe(t, "room", 1)
	s := start(t, 160, 30, nil, "-L", "mqtt://"+a.Addr(), "-L", "mqtt://"+b.Addr(), "-t", "room", "-q", "1")
	s.waitFor("● connected · node "+a.Addr()+" (cluster of 2)", "subscribed to room (QoS 1)")

	a.Stop()
	s.waitFor("connection lost")
	s.typeKeys("typed during the move\r")
	s.waitFor("moved to node "+b.Addr()+": node "+a.Addr()+": ", "● connected · node "+b.Addr()+" (cluster of 2)", "re-subscribed 1 filter")
	s.waitFor("typed during the move ✓ acknowledged")
	peer.WaitPayload(t, "room", "typed during the move", 20*time.Second)

	peer.Publish(t, "room", 1, false, "still here on B")
	s.waitFor("◀ room q1 still here on B")
	s.typeKeys("\x03")
	if code := s.waitExit(); code != 0 {
		t.Fatalf("exit status %d", code)
	}
}
