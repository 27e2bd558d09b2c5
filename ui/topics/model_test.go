package topics

import (
	"reflect"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/google/go-cmp/cmp"
)

// selected is the selected node's topic, "" for none.
func selected(m Model) string {
	if m.sel == nil {
		return ""
	}
	return m.sel.topic
}

func TestMoveFoldAndParent(t *testing.T) {
	tests := []struct {
		name  string
		steps []string
		want  string
	}{
		{"start on the first topic's root", nil, "home"},
		{"top", []string{"home"}, "$SYS"},
		{"down stays among roots while folded", []string{"home", "down"}, "factory"},
		{"expand then down goes in", []string{"home", "down", "right", "down"}, "factory/line1"},
		{"expand all below", []string{"home", "down", "e", "down", "down"}, "factory/line1/speed"},
		{"left on a leaf goes to the parent", []string{"home", "down", "e", "down", "down", "left"}, "factory/line1"},
		{"u jumps to the parent", []string{"home", "down", "e", "down", "down", "u"}, "factory/line1"},
		{"left folds an open node", []string{"home", "down", "e", "down", "left", "down"}, "factory/line2"},
		{"fold all below moves the selection up", []string{"home", "down", "e", "down", "down", "up", "up", "c", "down"}, "home"},
		{"end is the last row", []string{"home", "down", "e", "end"}, "home"},
		{"up at the top stays", []string{"home", "up", "up"}, "$SYS"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := keys(newModel(80, 20, fleet, 10), tt.steps...)
			if got := selected(m); got != tt.want {
				t.Errorf("selected %q, want %q\n%s", got, tt.want, plain(m))
			}
		})
	}
}

func TestRequests(t *testing.T) {
	tests := []struct {
		name  string
		steps []string
		want  Request
	}{
		{"enter opens the last message", []string{"end", "enter"}, OpenMessage{Topic: "home/kitchen/temp"}},
		{"r replies on the topic", []string{"end", "r"}, Reply{Topic: "home/kitchen/temp"}},
		{"H asks for older values", []string{"end", "H"}, LoadHistory{Topic: "home/kitchen/temp"}},
		{"enter on a node that is no topic asks nothing", []string{"home", "enter"}, nil},
		{"r in the values pane", []string{"end", "v", "r"}, Reply{Topic: "home/kitchen/temp"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newModel(80, 20, fleet, 10)
			m.SetSearch("home/kitchen/temp")
			m = keys(m, tt.steps...)
			got := m.TakeRequest()
			if o, ok := got.(OpenMessage); ok {
				if string(o.Last.Payload) != "22.0 °C" || o.Last.QoS != 1 {
					t.Errorf("last value = %+v", o.Last)
				}
				got = OpenMessage{Topic: o.Topic}
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("request %#v, want %#v", got, tt.want)
			}
			if again := m.TakeRequest(); again != nil {
				t.Errorf("the request was given twice: %#v", again)
			}
		})
	}
}

func TestClearRetainedRequest(t *testing.T) {
	m := keys(newModel(80, 20, fleet, 10), "end") // home
	if !m.Keys().ClearRetained.Enabled() {
		t.Fatal("clear retained is disabled on a node with retained topics below")
	}
	m = keys(m, "delete")
	r, ok := m.TakeRequest().(ClearRetained)
	if !ok {
		t.Fatal("no ClearRetained request")
	}
	if r.Prefix != "home" || !cmp.Equal(r.Topics, []string{"home/kitchen/humidity", "home/kitchen/temp"}) {
		t.Errorf("request = %+v", r)
	}
	for _, want := range []string{"2 topics at or below home", "home/kitchen/humidity", "checked afterwards"} {
		if !strings.Contains(r.Question, want) {
			t.Errorf("the question lacks %q:\n%s", want, r.Question)
		}
	}
	m = keys(m, "home") // $SYS: nothing retained
	if m.Keys().ClearRetained.Enabled() {
		t.Error("clear retained is offered where nothing is retained")
	}
	m = keys(m, "delete")
	if r := m.TakeRequest(); r != nil {
		t.Errorf("a disabled key asked %#v", r)
	}
}

func TestClearQuestion(t *testing.T) {
	many := []string{"a/1", "a/2", "a/3", "a/4"}
	tests := []struct {
		prefix string
		topics []string
		want   []string
	}{
		{"a/1", []string{"a/1"}, []string{"Clear the retained message of a/1?"}},
		{"a", many, []string{"4 topics at or below a", "a/1", "a/2", "… and 2 more"}},
		{"b", nil, []string{"No topic at or below b"}},
	}
	for _, tt := range tests {
		q := ClearQuestion(tt.prefix, tt.topics, 2)
		for _, w := range tt.want {
			if !strings.Contains(q, w) {
				t.Errorf("ClearQuestion(%q) lacks %q:\n%s", tt.prefix, w, q)
			}
		}
		if strings.Contains(q, "a/3") {
			t.Errorf("more topics listed than asked:\n%s", q)
		}
	}
}

func TestKeysFollowTheState(t *testing.T) {
	m := newModel(80, 20, fleet, 10)
	k := m.Keys()
	if k.Open.Enabled() || k.Plot.Enabled() || k.Back.Enabled() || k.ClearSearch.Enabled() || !k.Expand.Enabled() {
		t.Error("on a folded node that is no topic: open/plot/back/clear search on, or expand off")
	}
	m = keys(m, "/")
	k = m.Keys()
	if !m.Typing() || k.Up.Enabled() || !k.ApplySearch.Enabled() || !m.HandlesEsc() {
		t.Error("while typing a search the tree keys stay on")
	}
	m = typeText(m, "jk") // letters go to the search, not to the moves
	if m.searchIn.Value() != "jk" {
		t.Errorf("search input = %q", m.searchIn.Value())
	}
	m = keys(m, "esc")
	if m.Typing() || m.HandlesEsc() || m.tree.search != "" {
		t.Error("esc did not drop the search")
	}
	m.SetSearch("home/kitchen/temp")
	m = keys(m, "end")
	k = m.Keys()
	if !k.Open.Enabled() || !k.Plot.Enabled() || !k.ClearSearch.Enabled() || k.Expand.Enabled() {
		t.Error("on a leaf topic under a search: wrong keys")
	}
	m = keys(m, "p")
	if k = m.Keys(); !k.Back.Enabled() || k.Plot.Enabled() || k.Field.Enabled() || k.Search.Enabled() {
		t.Error("in the plot: wrong keys")
	}
	m = keys(m, "esc")
	if m.pane != paneTree || m.tree.search == "" {
		t.Error("esc in the plot should go back to the tree and keep the search")
	}
}

func TestSearchMarksNewTopicsAndKeepsOnError(t *testing.T) {
	m := newModel(80, 20, fleet, 10)
	m.SetSearch("+/+/temp")
	m.Add("garden/shed/temp", []byte("9"), false, 0, sec(10))
	m.Add("garden/shed/door", []byte("open"), false, 0, sec(10))
	m.Tick(sec(10))
	view := plain(m)
	if !strings.Contains(view, "3 topics match") || !strings.Contains(view, "shed") || strings.Contains(view, "door") {
		t.Errorf("a new matching topic is not shown, or a new other one is:\n%s", view)
	}
	m = typeText(keys(m, "/"), "/#/x")
	view = plain(m)
	if !strings.Contains(view, "'#' must be the last level") || m.tree.hits != 3 || !strings.Contains(view, "shed") || strings.Contains(view, "door") {
		t.Errorf("a bad filter should keep the last good search and say why:\n%s", view)
	}
	m.SetSearch("kitchen")
	if view = plain(m); !strings.Contains(view, "2 topics match") || !strings.Contains(view, "humidity") {
		t.Errorf("a word searches within names:\n%s", view)
	}
}

func TestNewActivityMarkFollowsTheTick(t *testing.T) {
	m := newModel(80, 20, []msg{{"a", "1", false, 0}}, 0.5)
	if !strings.Contains(plain(m), "●▸ a") && !strings.Contains(plain(m), "● ") {
		t.Fatalf("no mark right after a message:\n%s", plain(m))
	}
	m.Tick(sec(3))
	if strings.Contains(plain(m), "●") {
		t.Errorf("the mark stays after the tick:\n%s", plain(m))
	}
	m.Add("a", []byte("2"), false, 0, sec(3.2))
	if !strings.Contains(plain(m), "●") {
		t.Errorf("no mark for a message after the tick:\n%s", plain(m))
	}
}

func TestMouse(t *testing.T) {
	m := newModel(80, 20, fleet, 10)
	click := func(m Model, y int) Model {
		m, _ = m.Update(tea.MouseMsg{Action: tea.MouseActionPress, Button: tea.MouseButtonLeft, Y: y})
		return m
	}
	m = click(m, 2) // row 1 under the header: factory
	if selected(m) != "factory" {
		t.Fatalf("click selected %q", selected(m))
	}
	m = click(m, 2) // a second click unfolds it
	if !m.sel.expanded {
		t.Fatal("a second click did not unfold")
	}
	m = click(m, 4) // factory/line1/speed? no: line1 is folded: line2
	m = click(m, 3) // line1
	m = click(m, 3)
	m = click(m, 4) // speed
	m = click(m, 4)
	if o, ok := m.TakeRequest().(OpenMessage); !ok || o.Topic != "factory/line1/speed" {
		t.Errorf("a second click on a topic asked %#v", o)
	}
	m = click(m, 40) // below the rows: nothing
	if selected(m) != "factory/line1/speed" {
		t.Errorf("a click below the rows moved the selection to %q", selected(m))
	}
	before := m.top
	m, _ = m.Update(tea.MouseMsg{Action: tea.MouseActionPress, Button: tea.MouseButtonWheelDown})
	if m.top == before {
		t.Error("the wheel did not scroll")
	}
}

func TestPlotFollowsLiveValues(t *testing.T) {
	m := newModel(60, 14, []msg{{"s/t", "1", false, 0}, {"s/t", "2 V", false, 1}, {"s/j", `{"a":{"b":3},"s":"x"}`, false, 1}}, 2)
	m.SetSearch("s/t")
	m = keys(m, "end", "p")
	if m.plot.Len() != 2 {
		t.Fatalf("plot has %d points", m.plot.Len())
	}
	m.Add("s/t", []byte("3 V"), false, 0, sec(2))
	m.Add("s/other", []byte("9"), false, 0, sec(2))
	m.Add("s/t", []byte("not a number"), false, 0, sec(2.5))
	if m.plot.Len() != 3 || !strings.Contains(plain(m), "last 3 V") {
		t.Errorf("plot did not follow: %d points\n%s", m.plot.Len(), plain(m))
	}
	m = keys(m, "esc")
	m.SetSearch("s/j")
	m = keys(m, "end", "p")
	if m.field != "a.b" || m.plot.Len() != 1 || len(m.fields) != 1 {
		t.Errorf("JSON field %q, %d points, fields %q", m.field, m.plot.Len(), m.fields)
	}
}

func TestClearReport(t *testing.T) {
	tests := []struct {
		asked, still []string
		want         string
	}{
		{[]string{"a", "b"}, nil, "Cleared: none of the 2 topics holds a retained message now."},
		{[]string{"a", "b"}, []string{"b", "other"}, "1 of 2 topics still holds a retained message (the broker did not apply the clear: check its access rules): b"},
		{[]string{"1", "2", "3", "4", "5", "6", "7"}, []string{"1", "2", "3", "4", "5", "6", "7"}, "7 of 7 topics still hold a retained message (the broker did not apply the clear: check its access rules): 1, 2, 3, 4, 5 and 2 more"},
	}
	for _, tt := range tests {
		if got := ClearReport(tt.asked, tt.still); got != tt.want {
			t.Errorf("ClearReport(%q, %q) =\n%s\nwant\n%s", tt.asked, tt.still, got, tt.want)
		}
	}
}
