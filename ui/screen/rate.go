package screen

import (
	"fmt"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"
)

// sparkSeconds is how much the status bar's sparkline covers.
const sparkSeconds = 60

// tickMsg is the once-a-second clock for rates, ages and the built-in
// broker's client count (read here, off the UI goroutine).
type tickMsg struct {
	at           time.Time
	otherClients int
}

// tick re-arms the one-second clock.
func tick(otherClients func() int) tea.Cmd {
	return tea.Tick(time.Second, func(at time.Time) tea.Msg {
		msg := tickMsg{at: at}
		if otherClients != nil {
			msg.otherClients = otherClients()
		}
		return msg
	})
}

// clock is the model's time: the last tick's, or before the first tick
// the wall clock's.
func (m *Model) clock() time.Time {
	if m.now.IsZero() {
		return time.Now()
	}
	return m.now
}

// rateMeter keeps messages per second for the last minute.
type rateMeter struct {
	samples []uint64 // per second, oldest first
	seen    uint64
}

// sample records the count since the previous second.
func (r *rateMeter) sample(received uint64) {
	r.samples = append(r.samples, received-min(r.seen, received))
	if len(r.samples) > sparkSeconds {
		r.samples = r.samples[1:]
	}
	r.seen = received
}

// current is the last second's rate.
func (r *rateMeter) current() uint64 {
	if len(r.samples) == 0 {
		return 0
	}
	return r.samples[len(r.samples)-1]
}

var sparkLevels = []rune("▁▂▃▄▅▆▇█")

// sparkline draws the last minute in width cells, each the busiest second
// of its share, scaled to the busiest of all.
func (r *rateMeter) sparkline(width int) string {
	if len(r.samples) == 0 || width <= 0 {
		return ""
	}
	per := max((len(r.samples)+width-1)/width, 1)
	var buckets []uint64
	for i := 0; i < len(r.samples); i += per {
		var peak uint64
		for _, n := range r.samples[i:min(i+per, len(r.samples))] {
			peak = max(peak, n)
		}
		buckets = append(buckets, peak)
	}
	var top uint64
	for _, b := range buckets {
		top = max(top, b)
	}
	var sb strings.Builder
	for _, b := range buckets {
		lvl := 0
		if top > 0 {
			lvl = int(b * uint64(len(sparkLevels)-1) / top)
		}
		sb.WriteRune(sparkLevels[lvl])
	}
	return sb.String()
}

// label is the rate for the status bar: "1234 msg/s ▁▂▅█".
func (r *rateMeter) label() string {
	return fmt.Sprintf("%d msg/s %s", r.current(), r.sparkline(20))
}
