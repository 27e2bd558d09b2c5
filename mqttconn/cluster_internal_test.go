package mqttconn

import (
	"strings"
	"testing"
)

// TestNodeOrder: the loop stays on a node that works, moves on after a
// failure or a loss, and backs off only after a full round of failures.
func TestNodeOrder(t *testing.T) {
	tests := []struct {
		name string
		n    int
		ops  string // f: failed attempt, c: connected, l: lost
		want string // after each op: the node tried next, and R when a round ended
	}{
		{"one node: every failure is a round", 1, "fffcl", "0R 0R 0R 0 0"},
		{"two nodes: a round is both failing", 2, "ffff", "1 0R 1 0R"},
		{"stay on a node that works", 3, "fcfc", "1 1 2 2"},
		{"after a loss, the next node; the lost one counts as failed", 3, "clff", "0 1 2 0R"},
		{"a loss on the last node wraps around", 2, "fclf", "1 1 0 1R"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := nodeOrder{n: tc.n}
			var got []string
			for _, op := range tc.ops {
				round := false
				switch op {
				case 'f':
					round = o.failedAttempt()
				case 'c':
					o.connected()
				case 'l':
					o.lost()
				}
				s := string(rune('0' + o.cur))
				if round {
					s += "R"
				}
				got = append(got, s)
			}
			if g := strings.Join(got, " "); g != tc.want {
				t.Fatalf("got %s, want %s", g, tc.want)
			}
		})
	}
}

// TestValidateNodes: every node a URL with a host, none twice, Server first.
func TestValidateNodes(t *testing.T) {
	tests := []struct {
		name    string
		cfg     Config
		wantErr string
	}{
		{"one", Config{Server: "tcp://a:1"}, ""},
		{"two", Config{Servers: []string{"tcp://a:1", "tcp://b:1"}}, ""},
		{"server first", Config{Server: "tcp://a:1", Servers: []string{"tcp://a:1", "tcp://b:1"}}, ""},
		{"server elsewhere", Config{Server: "tcp://b:1", Servers: []string{"tcp://a:1", "tcp://b:1"}}, "must be the first"},
		{"twice", Config{Servers: []string{"tcp://a:1", "tcp://b:1", "tcp://a:1"}}, "a:1 is listed twice"},
		{"no host", Config{Servers: []string{"tcp://a:1", "b:1"}}, "node 2 of 2 is not a broker URL"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.cfg.setDefaults()
			err := tc.cfg.validate()
			if tc.wantErr == "" && err != nil || tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)) {
				t.Fatalf("got %v, want %q", err, tc.wantErr)
			}
		})
	}
}

// TestForgetSessionInCluster: on a node without our session, a QoS 2
// message in flight elsewhere (carried by another node, or restored from an
// earlier run whose node is unknown) is "fate unknown"; one carried by
// this same node, a QoS 1 message, and anything of a single broker go
// again as new.
func TestForgetSessionInCluster(t *testing.T) {
	tests := []struct {
		name    string
		servers []string
		qos     byte
		carrier int // node+1; 0: restored
		node    int // the node without our session
		want    string
	}{
		{"QoS 2 carried by another node", []string{"tcp://a:1", "tcp://b:1"}, 2, 1, 1, "1:fate unknown"},
		{"QoS 2 restored, cluster", []string{"tcp://a:1", "tcp://b:1"}, 2, 0, 0, "1:fate unknown"},
		{"QoS 2 carried by this node", []string{"tcp://a:1", "tcp://b:1"}, 2, 2, 1, ""},
		{"QoS 1 carried by another node", []string{"tcp://a:1", "tcp://b:1"}, 1, 1, 1, ""},
		{"QoS 2 restored, one broker", []string{"tcp://a:1"}, 2, 0, 0, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := fakeClient(t, Config{Server: tc.servers[0], Servers: tc.servers, PersistentSession: true, ClientID: "x",
				Restored:         []Message{{Topic: "t", QoS: tc.qos, Payload: []byte("p")}},
				RestoredInFlight: []InFlight{{PacketID: 7, Released: true}}})
			c.outbox[0].carrier = tc.carrier
			c.forgetSession(tc.node)
			got := states(c)
			if got != tc.want {
				t.Fatalf("events %q, want %q", got, tc.want)
			}
			if kept := len(c.outbox) == 1; kept != (tc.want == "") || (kept && c.outbox[0].pid != 0) {
				t.Fatalf("outbox %d, packet id kept: %v", len(c.outbox), kept && c.outbox[0].pid != 0)
			}
		})
	}
}
