package packets

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	mqtt "github.com/mochi-mqtt/server/v2"
	mochipk "github.com/mochi-mqtt/server/v2/packets"

	"mqttchat/mqttconn"
	"mqttchat/mqttconn/brokertest"
	"mqttchat/ui/packettrace"
)

// recorder keeps every packet the tap reports.
type recorder struct {
	mu sync.Mutex
	ps []mqttconn.Packet
}

func (r *recorder) observe(p mqttconn.Packet) { r.mu.Lock(); r.ps = append(r.ps, p); r.mu.Unlock() }

func (r *recorder) snapshot() []mqttconn.Packet {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]mqttconn.Packet(nil), r.ps...)
}

// waitUntil polls until ok holds on what was recorded.
func (r *recorder) waitUntil(t *testing.T, what string, ok func([]mqttconn.Packet) bool) []mqttconn.Packet {
	t.Helper()
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if ps := r.snapshot(); ok(ps) {
			return ps
		}
	}
	t.Fatalf("no %s in %s", what, names(r.snapshot()))
	return nil
}

func has(typ byte, out bool) func([]mqttconn.Packet) bool {
	return func(ps []mqttconn.Packet) bool {
		for _, p := range ps {
			if p.Type == typ && p.Out == out {
				return true
			}
		}
		return false
	}
}

func both(a, b func([]mqttconn.Packet) bool) func([]mqttconn.Packet) bool {
	return func(ps []mqttconn.Packet) bool { return a(ps) && b(ps) }
}

const secret = "s3cret-pw-never-shown"

// TestWireQoS2KeepAliveTrace: on each broker, a QoS 2 publish to a topic we
// subscribe to shows both handshakes (ours out, the broker's in), each of
// four packets linked by its id; a two-second keep-alive (mochi closes after 1.5 keep-alives of silence; paho pings after one) shows PINGREQ and
// PINGRESP; the trace file parses line by line and holds no password.
func TestWireQoS2KeepAliveTrace(t *testing.T) {
	brokers := []struct {
		name  string
		start func(t *testing.T) string
	}{
		{"mochi", func(t *testing.T) string { return brokertest.StartMochi(t).URL() }},
		{"mosquitto", func(t *testing.T) string { return brokertest.StartMosquitto(t).URL() }},
	}
	for _, b := range brokers {
		t.Run(b.name, func(t *testing.T) {
			url := b.start(t)
			tracePath := filepath.Join(t.TempDir(), "trace.jsonl")
			f, err := os.Create(tracePath)
			if err != nil {
				t.Fatal(err)
			}
			tr := packettrace.New(f)
			rec := &recorder{}
			c, err := mqttconn.New(mqttconn.Config{Server: url, Username: "learner", Password: secret, KeepAlive: 2 * time.Second,
				Subscriptions: []mqttconn.Subscription{{Filter: "learn/#", QoS: 2}},
				OnPacket:      func(p mqttconn.Packet) { rec.observe(p); tr.Observe(p) }})
			if err != nil {
				t.Fatal(err)
			}
			c.Start()
			defer c.Close()
			rec.waitUntil(t, "SUBACK", has(mqttconn.TypeSuback, false))
			if _, err := c.Publish(mqttconn.Message{Topic: "learn/qos2", Payload: []byte("exactly once"), QoS: 2}); err != nil {
				t.Fatal(err)
			}
			rec.waitUntil(t, "both PUBCOMPs", both(has(mqttconn.TypePubcomp, true), has(mqttconn.TypePubcomp, false)))
			rec.waitUntil(t, "a ping", both(has(mqttconn.TypePingreq, true), has(mqttconn.TypePingresp, false)))
			c.Close()
			if err := tr.Close(); err != nil {
				t.Fatal(err)
			}

			m := newModel(120, 40, rec.snapshot())
			exchanges := map[string]bool{}
			for i := range m.shown {
				m.sel = i
				p, _ := m.Selected()
				ps, rtt := m.Exchange()
				switch {
				case p.Type == mqttconn.TypePublish && p.QoS() == 2:
					got := names(ps)
					exchanges[got] = true
					if len(ps) != 4 || rtt <= 0 {
						t.Errorf("QoS 2 exchange %q in %v", got, rtt)
					}
					for _, q := range ps {
						if q.ID != p.ID || q.ID == 0 {
							t.Errorf("exchange %q: ids differ", got)
						}
					}
				case p.Type == mqttconn.TypePingresp:
					if got := names(ps); got != "PINGREQ→0 PINGRESP←0" {
						t.Errorf("ping exchange %q", got)
					}
				case p.Type == mqttconn.TypeConnect:
					if w := Words(p); !strings.Contains(w, "keep-alive 2 s") || !strings.Contains(w, "password (not shown)") || strings.Contains(w, secret) {
						t.Errorf("CONNECT in words: %s", w)
					}
				case p.Type == mqttconn.TypeSubscribe:
					if w := Words(p); !strings.Contains(w, "learn/# QoS 2") {
						t.Errorf("SUBSCRIBE in words: %s", w)
					}
				}
			}
			var out, in bool
			for x := range exchanges {
				out = out || strings.HasPrefix(x, "PUBLISH→") && strings.Contains(x, " PUBREC←") && strings.Contains(x, " PUBREL→") && strings.Contains(x, " PUBCOMP←")
				in = in || strings.HasPrefix(x, "PUBLISH←") && strings.Contains(x, " PUBREC→") && strings.Contains(x, " PUBREL←") && strings.Contains(x, " PUBCOMP→")
			}
			if !out || !in {
				t.Errorf("QoS 2 handshakes: %v", exchanges)
			}

			data, err := os.ReadFile(tracePath)
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(string(data), secret) || strings.Contains(string(data), "learner") {
				t.Fatal("the trace holds the password or the user name")
			}
			types := map[string]int{}
			sc := bufio.NewScanner(strings.NewReader(string(data)))
			var last map[string]any
			for sc.Scan() {
				last = nil
				if err := json.Unmarshal(sc.Bytes(), &last); err != nil {
					t.Fatalf("trace line %q: %v", sc.Text(), err)
				}
				if s, ok := last["type"].(string); ok {
					types[s]++
				}
			}
			if last["end"] != true || last["dropped"].(float64) != 0 {
				t.Errorf("last line %v", last)
			}
			for _, ty := range []string{"CONNECT", "CONNACK", "SUBSCRIBE", "SUBACK", "PUBLISH", "PUBREC", "PUBREL", "PUBCOMP", "PINGREQ", "PINGRESP"} {
				if types[ty] == 0 {
					t.Errorf("no %s in the trace: %v", ty, types)
				}
			}
			if !strings.Contains(string(data), `"password_present":true`) {
				t.Error("the trace does not say a password was sent")
			}
		})
	}
}

// denyAll refuses every connection.
type denyAll struct{ mqtt.HookBase }

func (h *denyAll) ID() string                                              { return "deny" }
func (h *denyAll) Provides(b byte) bool                                    { return b == mqtt.OnConnectAuthenticate }
func (h *denyAll) OnConnectAuthenticate(*mqtt.Client, mochipk.Packet) bool { return false }

// TestWireRefusedConnect: a refused CONNECT's CONNACK says its code in words.
func TestWireRefusedConnect(t *testing.T) {
	brokers := []struct {
		name  string
		start func(t *testing.T) string
	}{
		{"mochi", func(t *testing.T) string { return brokertest.StartMochi(t, new(denyAll)).URL() }},
		{"mosquitto", func(t *testing.T) string {
			pw := filepath.Join(t.TempDir(), "passwords")
			if err := os.WriteFile(pw, nil, 0o600); err != nil {
				t.Fatal(err)
			}
			return brokertest.StartMosquitto(t, "allow_anonymous false", "password_file "+pw).URL()
		}},
	}
	for _, b := range brokers {
		t.Run(b.name, func(t *testing.T) {
			rec := &recorder{}
			c, err := mqttconn.New(mqttconn.Config{Server: b.start(t), Username: "nobody", Password: secret, OnPacket: rec.observe})
			if err != nil {
				t.Fatal(err)
			}
			c.Start()
			defer c.Close()
			ps := rec.waitUntil(t, "CONNACK", has(mqttconn.TypeConnack, false))
			m := newModel(120, 10, ps)
			v := plain(m)
			var ack mqttconn.Packet
			for _, p := range ps {
				if p.Type == mqttconn.TypeConnack {
					ack = p
				}
			}
			words := mqttconn.ConnackText(ack.Code)
			if ack.Code == 0 || !strings.Contains(v, "← CONNACK     "+words) ||
				(words != "bad user name or password" && words != "not authorised") {
				t.Errorf("CONNACK code %d (%s):\n%s", ack.Code, words, v)
			}
			if !strings.Contains(v, "exchange: CONNECT→ CONNACK←") {
				t.Errorf("the CONNACK is not linked to its CONNECT:\n%s", v)
			}
		})
	}
}
