package topics

import (
	"os"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"
)

func TestMain(m *testing.M) {
	lipgloss.SetColorProfile(termenv.Ascii)
	lipgloss.SetHasDarkBackground(true)
	time.Local = time.UTC
	os.Exit(m.Run())
}

// base is a fixed time the tests count from.
var base = time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)

// sec is base plus s seconds.
func sec(s float64) time.Time { return base.Add(time.Duration(s * float64(time.Second))) }

// msg is one message fed to a model.
type msg struct {
	topic    string
	payload  string
	retained bool
	at       float64 // seconds after base
}

// fleet is a small broker's worth of topics in three levels.
var fleet = []msg{
	{"home/kitchen/temp", "21.5 °C", true, 0},
	{"home/kitchen/humidity", `{"rh":40,"ok":true}`, true, 1},
	{"home/living/temp", "20.1", false, 2},
	{"home/living/light", "on", false, 3},
	{"factory/line1/speed", `{"rpm":1200,"unit":"rpm"}`, false, 4},
	{"factory/line1/state", "running", true, 5},
	{"factory/line2/speed", `{"rpm":900}`, false, 6},
	{"$SYS/broker/uptime", "1234 seconds", false, 7},
	{"home/kitchen/temp", "21.7 °C", false, 8},
	{"home/kitchen/temp", "22.0 °C", false, 9},
}

// newModel makes a model of w×h fed with msgs and ticked at tick seconds.
func newModel(w, h int, msgs []msg, tick float64) Model {
	m := New(Settings{}, nil, DefaultStyles())
	m.SetSize(w, h)
	for _, x := range msgs {
		m.Add(x.topic, []byte(x.payload), x.retained, 1, sec(x.at))
	}
	m.Tick(sec(tick))
	return m
}

// keys sends key names ("down", "enter", "e", ...) to the model.
func keys(m Model, names ...string) Model {
	for _, n := range names {
		m, _ = m.Update(keyMsg(n))
	}
	return m
}

func keyMsg(n string) tea.KeyMsg {
	switch n {
	case "up":
		return tea.KeyMsg{Type: tea.KeyUp}
	case "down":
		return tea.KeyMsg{Type: tea.KeyDown}
	case "left":
		return tea.KeyMsg{Type: tea.KeyLeft}
	case "right":
		return tea.KeyMsg{Type: tea.KeyRight}
	case "enter":
		return tea.KeyMsg{Type: tea.KeyEnter}
	case "esc":
		return tea.KeyMsg{Type: tea.KeyEsc}
	case "home":
		return tea.KeyMsg{Type: tea.KeyHome}
	case "end":
		return tea.KeyMsg{Type: tea.KeyEnd}
	case "delete":
		return tea.KeyMsg{Type: tea.KeyDelete}
	case "backspace":
		return tea.KeyMsg{Type: tea.KeyBackspace}
	case "pgdown":
		return tea.KeyMsg{Type: tea.KeyPgDown}
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(n)}
}

// typeText types s rune by rune.
func typeText(m Model, s string) Model {
	for _, r := range s {
		m, _ = m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
	}
	return m
}

// plain is the view without styles, trailing spaces trimmed per line.
func plain(m Model) string {
	lines := strings.Split(ansi.Strip(m.View()), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.Join(lines, "\n")
}
