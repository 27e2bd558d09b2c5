package e2e

import (
	"os/exec"
	"strings"
	"testing"
	"time"

	"mqttchat/mqttconn"
	"mqttchat/mqttconn/brokertest"
)

// TestMQTT5PropertiesInTheDetailViewAndTheHistory: over MQTT 5, through
// mochi and mosquitto, a message published with every property a
// publisher sets shows them all in the detail view, marked in the list;
// `mqttchat history --format json` has them; the next start replays the
// message with its sender and properties.
func TestMQTT5PropertiesInTheDetailViewAndTheHistory(t *testing.T) {
	for _, b := range []struct {
		name  string
		start func(t *testing.T) (url, addr string)
	}{
		{"mochi", func(t *testing.T) (string, string) { m := brokertest.StartMochi(t); return m.URL(), m.Addr() }},
		{"mosquitto", func(t *testing.T) (string, string) { m := brokertest.StartMosquitto(t); return m.URL(), m.Addr() }},
	} {
		t.Run(b.name, func(t *testing.T) {
			url, addr := b.start(t)
			host, port, _ := strings.Cut(addr, ":")
			env := []string{"XDG_STATE_HOME=" + t.TempDir()}
			args := []string{"-V", "5", "-h", host, "-p", port, "-t", "room", "-q", "1"}
			s := start(t, 120, 40, env, args...)
			s.waitFor("● connected", "subscribed to room (QoS 1)")

			bob, _ := peer5(t, url, "elsewhere")
			if _, err := bob.Publish(mqttconn.Message{Topic: "room", Payload: []byte(`{"t":21.5}`), QoS: 1, Properties: &mqttconn.Properties{
				PayloadFormat: 1, ContentType: "application/vnd.sensor+json", ResponseTopic: "room/replies",
				CorrelationData: []byte{0x00, 0xff, 0x2a}, MessageExpiry: time.Hour,
				User: []mqttconn.UserProperty{{Key: "k", Value: "v1"}, {Key: "k", Value: "v2"}},
			}}); err != nil {
				t.Fatal(err)
			}
			s.waitFor("◀ bob ▸ room q1 [props]")
			s.typeKeys("\t\t\r") // focus the list, open the newest message
			s.waitFor("◀ received from bob · room · QoS 1",
				"payload format    UTF-8 text",
				"content type      application/vnd.sensor+json",
				"message expiry    ", " · lapses ",
				"response topic    room/replies",
				"correlation data  hex 00 ff 2a (3 bytes)",
				"user property     mqttchat-name = bob (the sender's name)",
				"user property     k = v1",
				"user property     k = v2",
				`"t": 21.5`) // the content type chose the JSON view
			s.pressEsc("◀ received from bob", "type a message")
			s.typeKeys("\x03")
			if code := s.waitExit(); code != 0 {
				t.Fatalf("exit status %d", code)
			}

			cmd := exec.Command(binary(t), "history", "-h", host, "-p", port, "--format", "json")
			cmd.Env = append(cmd.Environ(), env...)
			out, err := cmd.Output()
			if err != nil {
				t.Fatalf("history: %v", err)
			}
			for _, want := range []string{`"payload-format-indicator":1,"message-expiry-interval":`,
				`"content-type":"application/vnd.sensor+json","response-topic":"room/replies","correlation-data_b64":"AP8q",` +
					`"user-properties":[{"mqttchat-name":"bob"},{"k":"v1"},{"k":"v2"}]`} {
				if !strings.Contains(string(out), want) {
					t.Fatalf("history lacks %s:\n%s", want, out)
				}
			}

			again := start(t, 120, 40, env, args...)
			again.waitFor("earlier: 1 message from history", "◀ bob ▸ room q1 [props]")
			again.typeKeys("\t\t\r")
			again.waitFor("◀ received from bob · room", "correlation data  hex 00 ff 2a (3 bytes)", "user property     k = v2")
			again.pressEsc("◀ received from bob", "type a message")
			again.typeKeys("\x03")
			again.waitExit()
		})
	}
}
