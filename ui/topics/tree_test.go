package topics

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestAddCountsRollUp(t *testing.T) {
	tr := NewTree(Settings{}, DefaultPreview)
	for _, x := range fleet {
		tr.Add(x.topic, []byte(x.payload), x.retained, 1, sec(x.at))
	}
	tests := []struct {
		node                    string
		own, total              uint64
		topics, retained, nkids int
	}{
		{"home", 0, 6, 4, 2, 2},
		{"home/kitchen", 0, 4, 2, 2, 2},
		{"home/kitchen/temp", 3, 3, 1, 1, 0},
		{"factory", 0, 3, 3, 1, 2},
		{"$SYS/broker/uptime", 1, 1, 1, 0, 0},
	}
	for _, tt := range tests {
		n := tr.find(tt.node)
		if n == nil {
			t.Fatalf("%s: not found", tt.node)
		}
		got := []int{int(n.own), int(n.total), int(n.topics), int(n.retBelow), len(n.order)}
		want := []int{int(tt.own), int(tt.total), tt.topics, tt.retained, tt.nkids}
		if !slices.Equal(got, want) {
			t.Errorf("%s: own,total,topics,retained,kids = %v, want %v", tt.node, got, want)
		}
	}
	s := tr.Stats()
	if s.Topics != 8 || s.Messages != 10 || s.Retained != 3 {
		t.Errorf("stats = %+v", s)
	}
	if got := tr.RetainedUnder("home"); !slices.Equal(got, []string{"home/kitchen/humidity", "home/kitchen/temp"}) {
		t.Errorf("RetainedUnder(home) = %q", got)
	}
	tr.SetRetained("home/kitchen/temp", false)
	if got := tr.RetainedUnder(""); !slices.Equal(got, []string{"factory/line1/state", "home/kitchen/humidity"}) {
		t.Errorf("after SetRetained false: %q", got)
	}
	if tr.Stats().Retained != 2 || tr.find("home").retBelow != 1 {
		t.Error("the retained counts did not roll up the clear")
	}
}

// TestLevelsLegalAndSorted: empty levels, a leading '/', a topic that is
// also a parent; children come out sorted whatever the arrival order.
func TestLevelsLegalAndSorted(t *testing.T) {
	tr := NewTree(Settings{}, DefaultPreview)
	for i, name := range []string{"b/z", "/a", "b", "b/a", "a//x", "b/m", "A"} {
		tr.Add(name, []byte("x"), false, 0, sec(float64(i)))
	}
	var got []string
	for n := tr.firstRow(); n != nil; n = tr.next(n) {
		n.expanded = true
		got = append(got, n.topic)
	}
	// expanded on the way, so the walk goes down into each
	want := []string{"", "/a", "A", "a", "a/", "a//x", "b", "b/a", "b/m", "b/z"}
	if !slices.Equal(got, want) {
		t.Errorf("rows = %q, want %q", got, want)
	}
	if tr.find("b").own != 1 || tr.find("a/").own != 0 || tr.Stats().Topics != 7 {
		t.Error("a level that is also a topic is miscounted")
	}
}

func TestMaxTopicsCountsWhatIsDropped(t *testing.T) {
	tr := NewTree(Settings{MaxTopics: 3}, DefaultPreview)
	for i := 0; i < 5; i++ {
		tr.Add(fmt.Sprintf("t/%d", i), []byte("v"), false, 0, sec(float64(i)))
		tr.Add("t/0", []byte("v"), false, 0, sec(float64(i)))
	}
	s := tr.Stats()
	if s.Topics != 3 || s.DroppedMsgs != 2 || s.Messages != 10 || tr.find("t/0").own != 6 {
		t.Errorf("stats = %+v, t/0 own %d", s, tr.find("t/0").own)
	}
}

func TestRecentValuesRingAndBudget(t *testing.T) {
	tr := NewTree(Settings{RecentValues: 3, ValueBytes: 10}, DefaultPreview)
	for i := 0; i < 5; i++ {
		tr.Add("a", []byte(fmt.Sprintf("value-%d-and-more", i)), false, 0, sec(float64(i)))
	}
	vals := tr.Values("a")
	var got []string
	for _, v := range vals {
		got = append(got, string(v.Payload))
	}
	if !slices.Equal(got, []string{"value-2-an", "value-3-an", "value-4-an"}) || !vals[0].Cut() || vals[0].Size != 16 {
		t.Errorf("values = %q (cut %v, size %d)", got, vals[0].Cut(), vals[0].Size)
	}

	// A budget of 10 values' cost: many topics share it, the oldest go first,
	// and a topic whose last value went keeps its preview.
	budget := 10 * (valueOverhead + 4)
	tr = NewTree(Settings{RecentValues: 4, MaxValueBytes: budget}, DefaultPreview)
	for i := 0; i < 100; i++ {
		tr.Add(fmt.Sprintf("t/%d", i%20), []byte(fmt.Sprintf("%04d", i)), false, 0, sec(float64(i)))
		if s := tr.Stats(); s.ValueBytes > budget {
			t.Fatalf("after %d adds %d bytes kept, budget %d", i+1, s.ValueBytes, budget)
		}
	}
	s := tr.Stats()
	if s.DroppedValues != 90 {
		t.Errorf("dropped %d values, want 90", s.DroppedValues)
	}
	if got := tr.Values("t/0"); len(got) != 0 {
		t.Errorf("t/0 keeps %d values; the budget should have taken them", len(got))
	}
	if p := tr.previewOf(tr.find("t/0")); p != "0080" {
		t.Errorf("t/0 preview = %q, want its last value", p)
	}
	if got := tr.Values("t/19"); len(got) != 1 || string(got[0].Payload) != "0099" {
		t.Errorf("t/19 = %v", got)
	}
	if len(tr.fifo)-tr.fifoHead > 2*10+1024 {
		t.Errorf("the value queue grew to %d", len(tr.fifo)-tr.fifoHead)
	}
}

func TestRate(t *testing.T) {
	var r rate
	for i := 0; i < 50; i++ { // 5/s during [0 s, 10 s)
		r.add(sec(float64(i) / 5))
	}
	tests := []struct {
		at   float64
		want float64
	}{
		{9.9, 5},  // all in the current window
		{10, 5},   // the previous window, whole
		{15, 2.5}, // half of it still in the span
		{20, 0},   // gone
		{125, 0},  // long gone
	}
	for _, tt := range tests {
		if got := r.perSecond(sec(tt.at)); got < tt.want-0.01 || got > tt.want+0.01 {
			t.Errorf("at %v s: %.2f/s, want %.2f", tt.at, got, tt.want)
		}
	}
}

func TestHostileTopicsAndPayloadsAreSanitized(t *testing.T) {
	m := New(Settings{}, nil, DefaultStyles())
	m.SetSize(80, 10)
	m.Add("evil/\x1b]0;pwned\x07", []byte("\x1b[31mred\r\x1b]52;c;AAAA\x07"), true, 0, sec(0))
	m.Add("\u202eevil", []byte("x"), false, 0, sec(0))
	m = keys(m, "home", "e", "down", "v")
	for _, v := range []string{plain(m), keys(m, "esc").View()} {
		if strings.ContainsAny(v, "\x1b\x07\r\u202e") {
			t.Errorf("a control reached the view: %q", v)
		}
	}
	if q := ClearQuestion("evil/\x1b", []string{"evil/\x1b]0;x\x07"}, 5); strings.ContainsAny(q, "\x1b\x07") {
		t.Errorf("the question holds a control: %q", q)
	}
}

// TestFindAllocatesNothing: a message on a known topic costs no allocation
// but its value's copy.
func TestFindAllocatesNothing(t *testing.T) {
	tr := NewTree(Settings{}, DefaultPreview)
	tr.Add("a/b/c/d", []byte("1"), false, 0, time.Unix(1, 0))
	if n := testing.AllocsPerRun(100, func() { tr.find("a/b/c/d") }); n != 0 {
		t.Errorf("find allocates %v times", n)
	}
}

// TestTreeQueueBoundedOnBusyTopics: a topic that replaces its oldest value
// with every message leaves no ref behind for ever; the queue of values
// stays bounded by what is kept, and the values kept are the newest.
func TestTreeQueueBoundedOnBusyTopics(t *testing.T) {
	for _, topics := range []int{1, 3, 100} {
		tr := NewTree(Settings{RecentValues: 4}, DefaultPreview)
		at := time.Unix(1_700_000_000, 0)
		for i := range 20_000 {
			tr.Add(fmt.Sprintf("busy/%d", i%topics), []byte(strconv.Itoa(i)), false, 0, at)
		}
		if live := len(tr.fifo) - tr.fifoHead; live > 2*tr.kept+1025 {
			t.Errorf("%d topics: %d refs queued for %d values kept", topics, live, tr.kept)
		}
		if want := 4 * topics; tr.kept != want {
			t.Errorf("%d topics: %d values kept, want %d", topics, tr.kept, want)
		}
		vals := tr.Values("busy/0")
		if len(vals) != 4 || string(vals[3].Payload) != strconv.Itoa(19_999/topics*topics) {
			t.Errorf("%d topics: busy/0 keeps %d values, the newest %q", topics, len(vals), vals[len(vals)-1].Payload)
		}
	}
}
