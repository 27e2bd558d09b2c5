package cli

import (
	"strings"
	"testing"
	"time"

	"mqttchat/mqttconn"
	"mqttchat/mqttconn/brokertest"
)

// publishRetained publishes retained messages and waits for the broker's
// acknowledgements.
func publishRetained(t *testing.T, url string, msgs map[string]string) {
	t.Helper()
	pub, err := mqttconn.New(mqttconn.Config{Server: url})
	if err != nil {
		t.Fatal(err)
	}
	pub.Start()
	defer pub.Close()
	for topic, payload := range msgs {
		if _, err := pub.Publish(mqttconn.Message{Topic: topic, Payload: []byte(payload), QoS: 1, Retained: true}); err != nil {
			t.Fatal(err)
		}
	}
	acked := 0
	deadline := time.After(30 * time.Second)
	for acked < len(msgs) {
		select {
		case <-pub.Queue().Ready():
		case <-deadline:
			t.Fatalf("%d of %d retained messages acknowledged", acked, len(msgs))
		}
		evs, _ := pub.Queue().Drain()
		for _, ev := range evs {
			if ev.Kind == mqttconn.KindPublish && ev.State == mqttconn.StateAcked {
				acked++
			}
		}
	}
}

func TestTopicsCommand(t *testing.T) {
	b := brokertest.StartMochi(t)
	publishRetained(t, b.URL(), map[string]string{
		"home/kitchen/temp":   "21.5 °C",
		"home/kitchen/hum":    `{"rh": 40}`,
		"home/living/light":   "on\x1b[2J",
		"factory/line1/state": "running",
	})
	want := `factory
  line1
    state  running  · 1 msg · retained
home
  kitchen
    hum  {"rh":40}  · 1 msg · retained
    temp  21.5 °C  · 1 msg · retained
  living
    light  on␛[2J  · 1 msg · retained
4 topics, 4 retained, 4 messages
`
	for _, v := range protocols { // one broker, its retained messages read over each
		t.Run(v.name, func(t *testing.T) {
			code, out, errOut := runCLI(t, append([]string{"topics"}, v.args("-L", "mqtt://"+b.Addr(), "-W", "1", "-t", "home/#", "-t", "factory/+/state")...)...)
			if code != 0 {
				t.Fatalf("exit %d, stderr %q", code, errOut)
			}
			if out != want {
				t.Errorf("stdout:\n%s\nwant:\n%s", out, want)
			}
		})
	}
}

func TestTopicsCommandErrors(t *testing.T) {
	closed := brokertest.FreeAddr(t)
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no seconds", []string{"topics", "-W", "0"}, 2, "--seconds: must be at least 1"},
		{"bad filter", []string{"topics", "-t", "a/#/b", "-W", "1"}, 2, "a/#/b"},
		{"persistent", []string{"topics", "-c", "-i", "x", "-W", "1"}, 2, "clean session only"},
		{"nobody listens", []string{"topics", "-L", "mqtt://" + closed, "-W", "1"}, 1, "not connected in time"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runCLI(t, tt.args...)
			if code != tt.code || !strings.Contains(errOut, tt.want) || out != "" || strings.Count(errOut, "\n") != 1 {
				t.Errorf("exit %d, stdout %q, stderr %q; want exit %d and one line with %q", code, out, errOut, tt.code, tt.want)
			}
		})
	}
}
