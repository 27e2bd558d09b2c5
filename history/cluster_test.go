package history

import (
	"strings"
	"testing"
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
