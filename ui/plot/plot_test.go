package plot

import (
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"

	goldenfile "mqttchat/ui/golden"
)

func TestMain(m *testing.M) {
	lipgloss.SetColorProfile(termenv.Ascii)
	time.Local = time.UTC
	os.Exit(m.Run())
}

func TestNumber(t *testing.T) {
	tests := []struct {
		in   string
		v    float64
		unit string
		ok   bool
	}{
		{"21.5", 21.5, "", true},
		{" -3e2\n", -300, "", true},
		{"21.5 °C", 21.5, "°C", true},
		{"42%", 42, "%", true},
		{"+.5", 0.5, "", true},
		{"1e", 1, "e", true}, // an exponent without digits is a unit
		{"12 34", 0, "", false},
		{"abc", 0, "", false},
		{"", 0, "", false},
		{".", 0, "", false},
		{"1\x1b[31m", 0, "", false},
		{"\xff", 0, "", false},
		{strings.Repeat("1", 65), 0, "", false},
	}
	for _, tt := range tests {
		v, unit, ok := Number([]byte(tt.in))
		if v != tt.v || unit != tt.unit || ok != tt.ok {
			t.Errorf("Number(%q) = %v, %q, %v; want %v, %q, %v", tt.in, v, unit, ok, tt.v, tt.unit, tt.ok)
		}
	}
}

func TestFields(t *testing.T) {
	p := []byte(`{"t":21.5,"s":"x","n":"7 V","env":{"rh":40,"on":true},"cells":[1,2],"z":null}`)
	want := []string{"cells.0", "cells.1", "env.rh", "n", "t"}
	if got := Fields(p); !slices.Equal(got, want) {
		t.Errorf("Fields = %q, want %q", got, want)
	}
	for _, tt := range []struct {
		path string
		v    float64
		ok   bool
	}{{"t", 21.5, true}, {"env.rh", 40, true}, {"cells.1", 2, true}, {"n", 7, true}, {"s", 0, false}, {"env.on", 0, false}, {"cells.9", 0, false}, {"nope.x", 0, false}} {
		if v, ok := Field(p, tt.path); v != tt.v || ok != tt.ok {
			t.Errorf("Field(%q) = %v, %v", tt.path, v, ok)
		}
	}
	if Fields([]byte("[1,2]")) != nil || Fields([]byte("12")) != nil {
		t.Error("only objects have fields")
	}
}

func TestPushKeepsOrderAndCap(t *testing.T) {
	base := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	m := New("", DefaultStyles())
	m.Push(Point{base.Add(2 * time.Second), 2})
	m.Push(Point{base, 0})
	m.Push(Point{base.Add(time.Second), 1})
	var got []float64
	for _, p := range m.points {
		got = append(got, p.V)
	}
	if !slices.Equal(got, []float64{0, 1, 2}) {
		t.Errorf("points = %v", got)
	}
	for i := 0; i < MaxPoints+10; i++ {
		m.Push(Point{base.Add(time.Duration(i+3) * time.Second), float64(i)})
	}
	if m.Len() != MaxPoints {
		t.Errorf("%d points kept", m.Len())
	}
}

func TestCursor(t *testing.T) {
	base := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	m := New("V", DefaultStyles())
	m.SetSize(40, 10)
	for i := 0; i < 5; i++ {
		m.Push(Point{base.Add(time.Duration(i) * time.Second), float64(i * i)})
	}
	key := func(k tea.KeyType) { m, _ = m.Update(tea.KeyMsg{Type: k}) }
	if p, _ := m.Cursor(); p.V != 16 {
		t.Errorf("the cursor starts on %v, want the last", p.V)
	}
	key(tea.KeyLeft)
	key(tea.KeyLeft)
	if p, _ := m.Cursor(); p.V != 4 || !strings.Contains(m.View(), "cursor 12:00:02 = 4 V") {
		t.Errorf("cursor on %v\n%s", p.V, m.View())
	}
	m.Push(Point{base.Add(9 * time.Second), 100})
	if p, _ := m.Cursor(); p.V != 4 {
		t.Errorf("a new point moved a parked cursor to %v", p.V)
	}
	key(tea.KeyEnd)
	if p, _ := m.Cursor(); p.V != 100 {
		t.Errorf("end: cursor on %v", p.V)
	}
	key(tea.KeyHome)
	key(tea.KeyLeft)
	if p, _ := m.Cursor(); p.V != 0 {
		t.Errorf("home, left: cursor on %v", p.V)
	}
}

func TestViewGolden(t *testing.T) {
	base := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		pts  []Point
		w, h int
	}{
		{"flat", []Point{{base, 5}, {base.Add(time.Minute), 5}}, 30, 8},
		{"one", []Point{{base, 5}}, 30, 8},
		{"same_time", []Point{{base, 1}, {base, 3}, {base, 2}}, 30, 8},
		{"days", []Point{{base, 1}, {base.Add(50 * time.Hour), 1e12}, {base.Add(60 * time.Hour), -0.0001}}, 50, 10},
		{"tiny", []Point{{base, 1}}, 10, 3},
	}
	for _, tt := range tests {
		m := New("\x1b[31m°C", DefaultStyles())
		m.SetSize(tt.w, tt.h)
		m.SetPoints(tt.pts)
		v := m.View()
		if strings.Contains(v, "\x1b") {
			t.Errorf("%s: an escape in the view", tt.name)
		}
		for i, l := range strings.Split(v, "\n") {
			if w := ansi.StringWidth(l); w > tt.w {
				t.Errorf("%s: line %d is %d wide, more than %d", tt.name, i, w, tt.w)
			}
		}
		goldenfile.Assert(t, "plot_"+tt.name, v)
	}
}
