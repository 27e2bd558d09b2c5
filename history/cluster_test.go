package history

import (
	"errors"
	"strings"
	"testing"

	"mqttchat/mqttconn"
)

// TestClusterKey: a cluster's key does not depend on the order of its
// nodes or the loopback name used, differs from each node's key, and a
// cluster of one is that broker.
func TestClusterKey(t *testing.T) {
	tests := []struct {
		name string
		a, b []string
		same bool
	}{
		{"order", []string{"tcp://a:1883", "tcp://b:1883"}, []string{"tcp://b:1883", "tcp://a:1883"}, true},
		{"loopback names", []string{"tcp://127.0.0.1:1", "tcp://b:1"}, []string{"tcp://b:1", "tcp://localhost:1"}, true},
		{"another node", []string{"tcp://a:1883", "tcp://b:1883"}, []string{"tcp://a:1883", "tcp://c:1883"}, false},
		{"a node is not its cluster", []string{"tcp://a:1883", "tcp://b:1883"}, []string{"tcp://a:1883"}, false},
		{"one node is the broker", []string{"tcp://a:1883"}, []string{"mqtt://a:1883"}, true},
		{"a node twice is one node", []string{"tcp://a:1883", "tcp://a:1883"}, []string{"tcp://a:1883"}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ka, kb := ClusterKey(tc.a), ClusterKey(tc.b)
			if (ka == kb) != tc.same {
				t.Fatalf("%q and %q: same %v, want %v", ka, kb, ka == kb, tc.same)
			}
		})
	}
	if k := ClusterKey([]string{"tcp://a:1883"}); k != BrokerKey("tcp://a:1883") {
		t.Fatalf("a cluster of one: %q", k)
	}
	long := []string{"tcp://" + strings.Repeat("a", 100) + ":1", "tcp://" + strings.Repeat("b", 100) + ":1"}
	if k := ClusterKey(long); len(k) > 160 || !strings.HasPrefix(k, "cluster_") {
		t.Fatalf("long cluster key %q", k)
	}
	if k := ClusterKey([]string{"tcp://a:1", "tcp://b:2"}); k != "cluster_mqtt_a_1+mqtt_b_2" {
		t.Fatalf("got %q", k)
	}
}

// A sent message whose fate became unknown on a cluster's move is final:
// replayed after its process is gone, it stays "fate unknown", not the
// "state unknown" of a process that quit before the ack.
func TestFateUnknownIsFinal(t *testing.T) {
	dir := t.TempDir()
	out := mqttconn.Message{Topic: "mine", Payload: []byte("p"), QoS: 2, Time: t0}
	w, err := OpenWriter(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	w.Record(mqttconn.Event{Kind: mqttconn.KindPublish, OutID: 1, State: mqttconn.StateSending, Message: out, Time: t0})
	w.Record(mqttconn.Event{Kind: mqttconn.KindPublish, OutID: 1, State: mqttconn.StateFateUnknown, Err: errors.New("node a went away"), Time: t0})
	waitFlushed(t, dir, 2)
	w.Close()
	gone, _, _ := Tail(dir, 5)
	if len(gone) != 1 || gone[0].State != "fate unknown" {
		t.Fatalf("replayed: %+v", gone)
	}
}
