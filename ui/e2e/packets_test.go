package e2e

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"mqttchat/mqttconn/brokertest"
)

// TestPersonWatchesTheQoS2Handshake: a person sends at QoS 2 to a topic
// they subscribe to, opens the packets view (F7) and sees both four-packet
// handshakes; the filter narrows them; after quitting, the --trace file
// parses line by line and holds no password.
func TestPersonWatchesTheQoS2Handshake(t *testing.T) {
	eachProtocol(t, func(t *testing.T, p protocol) {
		b := brokertest.StartMosquitto(t)
		host, port, _ := strings.Cut(b.Addr(), ":")
		trace := filepath.Join(t.TempDir(), "trace.jsonl")
		const secret = "pw-of-the-learner"
		s := p.start(t, 120, 30, nil, "-h", host, "-p", port, "-t", "learn/#", "-q", "2", "-i", "learner",
			"-u", "learner", "-P", secret, "--no-history", "--trace", trace)
		s.waitFor("● connected", "subscribed to learn/#")
		s.typeKeys("/topic learn/qos2\r")
		s.typeKeys("exactly once\r")
		s.waitFor("you → learn/qos2 q2 exactly once ✓ acknowledged · echoed") // sent, and received back
		s.typeKeys("\x1b[18~")                                                // F7
		accepted := "← CONNACK     accepted"                                  // MQTT 3.1.1's return code 0
		if p.v5() {
			accepted = "← CONNACK     success" // MQTT 5's reason code 0
		}
		s.waitFor("→ CONNECT", "user name · password", accepted, "→ PUBLISH", "← PUBREC", "→ PUBREL", "← PUBCOMP",
			"← PUBLISH", "→ PUBREC", "← PUBREL", "→ PUBCOMP", "f7 packets view / chat")
		s.typeKeys("/pubcomp\r")
		s.waitFor("packets: 2 of", "filter PUBCOMP", "exchange: PUBLISH")
		s.typeKeys("\x1b[18~")                          // back to the chat
		s.waitFor("acknowledged · echoed", "↑/k older") // the chat, its list with the keys
		s.typeKeys("\x03")
		if code := s.waitExit(); code != 0 {
			t.Fatalf("exit %d", code)
		}
		f, err := os.Open(trace)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		sc := bufio.NewScanner(f)
		types := map[string]int{}
		var last map[string]any
		for sc.Scan() {
			if strings.Contains(sc.Text(), secret) {
				t.Fatalf("the trace holds the password: %s", sc.Text())
			}
			last = nil
			if err := json.Unmarshal(sc.Bytes(), &last); err != nil {
				t.Fatalf("%q: %v", sc.Text(), err)
			}
			if ty, ok := last["type"].(string); ok {
				types[ty]++
			}
		}
		if types["PUBREL"] != 2 || types["PUBCOMP"] != 2 || types["DISCONNECT"] != 1 || last["end"] != true {
			t.Fatalf("trace: %v, last %v", types, last)
		}
	})
}
