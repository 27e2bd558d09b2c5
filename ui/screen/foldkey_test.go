package screen

import (
	"errors"
	"strings"
	"testing"
	"time"

	"mqttchat/mqttconn"
)

// TestClusterFailuresFold: a cluster whose every node is down alternates
// failures between its nodes; rows with the same reason fold into one row
// that counts them and shows the latest node's text, in one wording; a
// different reason still starts a new row.
func TestClusterFailuresFold(t *testing.T) {
	m, _ := newTestModel(240, 20)
	fail := func(at time.Duration, node, next string, retry time.Duration, why string) mqttconn.Event {
		return mqttconn.Event{Kind: mqttconn.KindConnectFailed, Node: node, Nodes: 2, Next: next, RetryIn: retry,
			Err: errors.New(why), Time: t0.Add(at)}
	}
	refusedA, refusedB := "connection refused by 127.0.0.1:21601", "connection refused by 127.0.0.1:21602"
	var evs []mqttconn.Event
	for round := range 3 {
		at := time.Duration(round) * 4 * time.Second
		evs = append(evs,
			fail(at, "127.0.0.1:21601", "127.0.0.1:21602", 0, refusedA),
			fail(at+time.Second, "127.0.0.1:21602", "", 2*time.Second, refusedB))
	}
	m = step(m, batch(evs...))
	s := plain(m)
	want := "09:30:09 ── ×6 since 09:30:00 · connect failed on node 127.0.0.1:21602: connection refused by 127.0.0.1:21602 — every node failed: retrying in 2s"
	if strings.Count(s, "connect failed") != 1 || !strings.Contains(s, want) {
		t.Fatalf("three rounds of two refusals:\n%s\nwant one row %q", s, want)
	}
	m = step(m, batch(fail(13*time.Second, "127.0.0.1:21601", "127.0.0.1:21602", 0, "no answer from 127.0.0.1:21601 in time")))
	if s := plain(m); strings.Count(s, "connect failed") != 2 ||
		!strings.Contains(s, "connect failed on node 127.0.0.1:21601: no answer from 127.0.0.1:21601 in time — trying node 127.0.0.1:21602") {
		t.Fatalf("another reason was folded:\n%s", s)
	}
}

// TestFailureKey: the key keeps the reason and drops the node, only in a
// cluster.
func TestFailureKey(t *testing.T) {
	for _, tt := range []struct {
		a, b mqttconn.Event
		same bool
	}{
		{mqttconn.Event{Node: "a:1", Nodes: 2, Err: errors.New("nothing listens at a:1")},
			mqttconn.Event{Node: "b:2", Nodes: 2, Err: errors.New("nothing listens at b:2")}, true},
		{mqttconn.Event{Node: "a.example:1", Nodes: 2, Err: errors.New("no such host a.example")},
			mqttconn.Event{Node: "b.example:1", Nodes: 2, Err: errors.New("no such host b.example")}, true},
		{mqttconn.Event{Node: "a:1", Nodes: 2, Err: errors.New("nothing listens at a:1")},
			mqttconn.Event{Node: "b:2", Nodes: 2, Err: errors.New("not authorized")}, false},
		{mqttconn.Event{Node: "a:1", Nodes: 1, Err: errors.New("nothing listens at a:1")},
			mqttconn.Event{Node: "b:2", Nodes: 1, Err: errors.New("nothing listens at b:2")}, false},
	} {
		if got := failureKey(tt.a) == failureKey(tt.b); got != tt.same {
			t.Errorf("%q and %q: same key %v, want %v", failureKey(tt.a), failureKey(tt.b), got, tt.same)
		}
	}
}

// TestCleanStartMoveIsSaid: a move that started a new session (nodes that
// share none) says so in its timeline row.
func TestCleanStartMoveIsSaid(t *testing.T) {
	m, _ := newTestModel(200, 20)
	m = step(m, batch(mqttconn.Event{Kind: mqttconn.KindConnected, Node: "b:1883", Nodes: 2, MovedFrom: "a:1883",
		MoveErr: errors.New("EOF"), CleanStart: true, Time: t0}))
	if s := plain(m); !strings.Contains(s, "moved to node b:1883: node a:1883: the broker closed the connection · new session (the nodes share none)") {
		t.Fatalf("the move's row:\n%s", s)
	}
}
