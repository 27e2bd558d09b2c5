package screen

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"mqttchat/mqttconn"
)

// fakeDisk is a SearchFunc over records in memory: it passes those
// matching the query's topic filter and text, oldest first. With a gate,
// it stops after the first `before` hits until the gate opens or the
// search is cancelled.
type fakeDisk struct {
	recs   []Replayed
	before int
	gate   chan struct{}
	mu     sync.Mutex
	asked  []SearchQuery
}

func (h *fakeDisk) search(ctx context.Context, q SearchQuery, emit func(Replayed) bool) error {
	h.mu.Lock()
	h.asked = append(h.asked, q)
	h.mu.Unlock()
	f := &listFilter{topicFilter: q.Topic, text: []byte(q.Text)}
	n := 0
	for _, r := range h.recs {
		e := newMessageEntry(entryIn, r.Event.Message, analysis{})
		if !f.match(e) {
			continue
		}
		if h.gate != nil && n == h.before {
			select {
			case <-h.gate:
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		if !emit(r) {
			return nil
		}
		n++
	}
	return ctx.Err()
}

func replayedMsg(topic, payload string, at time.Duration) Replayed {
	return Replayed{Event: msgEvent(topic, payload, at)}
}

// historyOf is n messages on sensors/<i%3>, "reading i", a second apart.
func historyOf(n int) []Replayed {
	out := make([]Replayed, n)
	for i := range out {
		out[i] = replayedMsg(fmt.Sprintf("sensors/%d", i%3), fmt.Sprintf("reading %d", i), time.Duration(i)*time.Second)
	}
	return out
}

func newSearchModel(w, h int, hist *fakeDisk) Model {
	m, _ := newTestModel(w, h)
	if hist != nil {
		m.searchFn = hist.search
	}
	return m
}

// drain runs the search's commands until it ends, feeding each batch to Update.
func drain(t *testing.T, m Model, cmd tea.Cmd) Model {
	t.Helper()
	for i := 0; cmd != nil; i++ {
		if i > 100 {
			t.Fatal("the search never ended")
		}
		msg := cmd()
		if _, ok := msg.(searchHitsMsg); !ok {
			t.Fatalf("a search command gave %T", msg)
		}
		m, cmd = stepCmd(m, msg)
	}
	return m
}

func TestSearchCommandFindsWhatTheFilterWould(t *testing.T) {
	hist := &fakeDisk{recs: historyOf(30)}
	m := newSearchModel(100, 24, hist)
	m, cmd := typeLine(m, "/search sensors/1 reading --since 2h")
	if m.mode != modeSearch || cmd == nil {
		t.Fatalf("/search: mode %s, cmd %v", m.mode, cmd != nil)
	}
	m = drain(t, m, cmd)
	if got := hist.asked[0]; got != (SearchQuery{Topic: "sensors/1", Text: "reading", Since: "2h"}) {
		t.Fatalf("asked %+v", got)
	}
	s := plain(m)
	if m.search.found != 10 || !strings.Contains(s, "10 found · all searched") || !strings.Contains(s, "reading 1") {
		t.Fatalf("found %d:\n%s", m.search.found, s)
	}
	if strings.Contains(s, "reading 2 ") || strings.Contains(s, "sensors/0") {
		t.Fatalf("a hit that does not match:\n%s", s)
	}
	if m.composer.text.Value() != "" {
		t.Fatalf("the command line stayed: %q", m.composer.text.Value())
	}
}

func TestSearchStreamsAndStops(t *testing.T) {
	hist := &fakeDisk{recs: historyOf(20), before: 5, gate: make(chan struct{})}
	m := newSearchModel(100, 24, hist)
	m, cmd := typeLine(m, "/search reading")
	msg := cmd().(searchHitsMsg) // the first five, while the search waits
	if msg.done || len(msg.hits) != 5 {
		t.Fatalf("first batch: %d hits, done %v", len(msg.hits), msg.done)
	}
	m, next := stepCmd(m, msg)
	s := plain(m)
	if !strings.Contains(s, "5 found · searching… · esc stops") || next == nil {
		t.Fatalf("while searching:\n%s", s)
	}
	if !strings.Contains(s, "esc stop searching") {
		t.Fatalf("the help line does not say how to stop:\n%s", s)
	}
	// The screen keeps answering keys while the search runs.
	m = step(m, keyMsg(tea.KeyDown))
	if e, ok := m.search.list.selected(); !ok || string(e.payload) != "reading 1" {
		t.Fatalf("down while searching selects %v", e)
	}
	m = step(m, keyMsg(tea.KeyEsc)) // stops
	if m.mode != modeSearch || m.search.running {
		t.Fatalf("first esc: mode %s, running %v", m.mode, m.search.running)
	}
	m = drain(t, m, next) // the search ends with the cancel
	if s := plain(m); !strings.Contains(s, "5 found · stopped") || strings.Contains(s, "context canceled") {
		t.Fatalf("after stop:\n%s", s)
	}
	m = step(m, keyMsg(tea.KeyEsc)) // closes
	if m.mode != modeNormal || m.search.active {
		t.Fatalf("second esc: mode %s", m.mode)
	}
}

func TestSearchOpensAHitInTheDetailView(t *testing.T) {
	big := strings.Repeat("x", previewLimit*2)
	hist := &fakeDisk{recs: []Replayed{
		replayedMsg("a/b", "first", 0),
		{Event: msgEvent("a/c", big[:100], time.Second), Size: len(big)},
	}}
	m := newSearchModel(100, 24, hist)
	var loaded []string
	m.load = func(at time.Time, topic string, sent bool) ([]byte, error) {
		loaded = append(loaded, fmt.Sprintf("%s %s %v", at.Format(time.TimeOnly), topic, sent))
		return []byte(big), nil
	}
	m, cmd := typeLine(m, "/search a/#")
	m = drain(t, m, cmd)
	m = step(m, keyMsg(tea.KeyEnter))
	if m.mode != modeDetail || m.detail == nil || m.detail.e.topic != "a/b" {
		t.Fatalf("enter: mode %s", m.mode)
	}
	m = step(m, keyMsg(tea.KeyEsc))
	if m.mode != modeSearch {
		t.Fatalf("esc in the detail view goes to %s, not back to the results", m.mode)
	}
	m = step(m, keyMsg(tea.KeyDown))
	m, load := stepCmd(m, keyMsg(tea.KeyEnter))
	if m.mode != modeDetail || load == nil {
		t.Fatalf("a partial hit: mode %s, no load %v", m.mode, load == nil)
	}
	m = step(m, load())
	if len(loaded) != 1 || loaded[0] != "09:30:01 a/c false" || len(m.detail.full) != len(big) {
		t.Fatalf("loaded %v, %d bytes shown", loaded, len(m.detail.full))
	}
}

func TestSearchRefusals(t *testing.T) {
	cases := []struct {
		name, line, want string
		hist             *fakeDisk
	}{
		{"bad filter", "/search a/#/b x", "/search: '#' must be the last level", &fakeDisk{}},
		{"since without a time", "/search x --since", "/search: --since needs a time", &fakeDisk{}},
		{"history off", "/search x", "/search: the history is off", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := newSearchModel(120, 24, c.hist)
			m, cmd := typeLine(m, c.line)
			if cmd != nil || m.mode != modeNormal || !strings.Contains(plain(m), "✗ "+c.want) {
				t.Fatalf("mode %s, cmd %v:\n%s", m.mode, cmd != nil, plain(m))
			}
		})
	}
}

func TestSearchErrorIsShown(t *testing.T) {
	m := newSearchModel(100, 24, nil)
	m.searchFn = func(context.Context, SearchQuery, func(Replayed) bool) error {
		return fmt.Errorf(`--since: "soon" is not a time`)
	}
	m, cmd := typeLine(m, "/search x --since soon")
	m = drain(t, m, cmd)
	if s := plain(m); !strings.Contains(s, `0 found · --since: "soon" is not a time`) {
		t.Fatalf("error not shown:\n%s", s)
	}
}

func TestSearchKeepsAtMostTheCap(t *testing.T) {
	hist := &fakeDisk{recs: historyOf(searchMaxHits + 5)}
	m := newSearchModel(120, 24, hist)
	m, cmd := typeLine(m, "/search")
	m = drain(t, m, cmd)
	if s := plain(m); m.search.found != searchMaxHits || !strings.Contains(s, "10000 found · stopped at the first 10000: narrow the search") {
		t.Fatalf("found %d:\n%s", m.search.found, s)
	}
}

func TestSearchKeyInTheListUsesTheFilter(t *testing.T) {
	hist := &fakeDisk{recs: historyOf(9)}
	m := newSearchModel(100, 24, hist)
	m = step(m, batch(msgEvent("sensors/2", "reading 8", 8*time.Second)))
	m.setFocus(focusList)
	m = step(m, runes("/"))
	for _, r := range "sensors/2" {
		m = step(m, runes(string(r)))
	}
	m = step(m, keyMsg(tea.KeyEnter))
	m, cmd := stepCmd(m, runes("s"))
	if m.mode != modeSearch || cmd == nil {
		t.Fatalf("s in the list: mode %s", m.mode)
	}
	m = drain(t, m, cmd)
	if hist.asked[0].Topic != "sensors/2" || m.search.found != 3 {
		t.Fatalf("asked %+v, found %d", hist.asked[0], m.search.found)
	}
}

// A new search replaces a running one: the old one is cancelled and its
// late hits are not shown.
func TestSearchReplacesARunningOne(t *testing.T) {
	hist := &fakeDisk{recs: historyOf(10), before: 2, gate: make(chan struct{})}
	m := newSearchModel(100, 24, hist)
	m, first := typeLine(m, "/search reading")
	old := first().(searchHitsMsg)
	m = step(m, keyMsg(tea.KeyEsc)) // stop
	m = step(m, keyMsg(tea.KeyEsc)) // close
	close(hist.gate)
	m, second := typeLine(m, "/search sensors/0")
	m = step(m, old) // late, from the first search
	m = drain(t, m, second)
	if m.search.found != 4 {
		t.Fatalf("found %d, want the second search's 4", m.search.found)
	}
}

func TestGoldenSearch(t *testing.T) {
	recs := historyOf(12)
	recs = append(recs, Replayed{Event: mqttconn.Event{Kind: mqttconn.KindPublish, Time: t0.Add(20 * time.Second),
		Message: mqttconn.Message{Topic: "sensors/1", Payload: []byte("reading from me"), QoS: 1, Time: t0.Add(20 * time.Second)},
		State:   mqttconn.StateAcked}})
	for _, w := range []int{40, 80, 120} {
		hist := &fakeDisk{recs: recs, before: 3, gate: make(chan struct{})}
		m := newSearchModel(w, 16, hist)
		m, cmd := typeLine(m, "/search sensors/1 reading")
		m, next := stepCmd(m, cmd())
		golden(t, fmt.Sprintf("search_running_%d", w), plain(m))
		close(hist.gate)
		m = drain(t, m, next)
		golden(t, fmt.Sprintf("search_done_%d", w), plain(m))
	}
}
