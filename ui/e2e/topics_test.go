package e2e

import (
	"fmt"
	"testing"
	"time"

	"mqttchat/mqttconn/brokertest"
)

// TestTopicsViewAgainstABroker: 50 topics in three levels arrive from a
// device fleet; F6 shows them as a tree, a topic's last message opens, a
// numeric topic plots, and a retained subtree is cleared after a question
// (a peer sees the empty retained messages).
func TestTopicsViewAgainstABroker(t *testing.T) {
	eachProtocol(t, func(t *testing.T, p protocol) {
		env, tcpAddr, _ := builtinEnv(t)
		s := p.start(t, 120, 40, env)
		s.waitFor("connected", "subscribed to #")
		dev := brokertest.Connect(t, "tcp://"+tcpAddr, "fleet")
		for i := range 50 {
			line, sensor := i/10, i%10
			retain := line == 0
			dev.Publish(t, fmt.Sprintf("plant/line%d/sensor%d", line, sensor), 1, retain, fmt.Sprintf("%d.5", 20+sensor))
		}
		s.waitFor("received: 50")
		// A live message comes with RETAIN=0 (MQTT 3.1.1); a subscription brings
		// what the broker keeps, marked retained.
		s.typeKeys("/sub plant/line0/#\r")
		s.waitFor("received: 60")
		s.typeKeys("\x1b[17~") // F6
		s.waitFor("50 topics", "10 retained", "plant")
		s.typeKeys("e") // open everything below
		s.waitFor("line0", "sensor9")
		// The first sensor: open its last message, come back.
		s.typeKeys("jj\r")
		s.waitFor("◀ received · plant/line0/sensor0")
		s.pressEsc("◀ received · plant/line0/sensor0", "50 topics")
		// Plot it.
		s.typeKeys("p")
		s.waitFor("plant/line0/sensor0", "last 20.5")
		s.pressEsc("last 20.5", "50 topics") // the plot closed: an Esc read together with the g below would be Alt+g
		// Clear line0's retained subtree: a question first.
		watcher := brokertest.Connect(t, "tcp://"+tcpAddr, "watcher")
		watcher.Subscribe(t, "plant/line0/#", 1)
		s.typeKeys("gj") // line0
		time.Sleep(200 * time.Millisecond)
		s.typeKeys("X")
		s.waitFor("Publishes 10 empty retained messages")
		s.answerYes("Publishes 10 empty retained messages")
		watcher.WaitPayload(t, "plant/line0/sensor3", "", 20*time.Second)
		s.waitFor("Cleared: none of the 10 topics holds a retained message now.")
		s.quitAnswering()
	})
}
