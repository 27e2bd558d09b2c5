package screen

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"mqttchat/mqttconn"
	"mqttchat/ui/sanitize"
)

// connState is the connection's state as the status bar shows it.
type connState int

const (
	stateConnecting connState = iota
	stateConnected
	stateReconnecting
	stateLost
	stateFailed
)

// status is the two-line bar at the top: where we are connected, how, who we
// are, what we listen to, and how much arrived.
type status struct {
	broker   string
	extra    string // e.g. built-in broker addresses
	clientID string

	state    connState
	attempt  int
	lastErr  string // why the last connection was lost or refused
	retryIn  time.Duration
	fatal    bool
	everUp   bool
	received uint64
	dropped  uint64 // messages the display queue could not take
	mouse    bool
	insecure bool
	width    int

	rate       string   // messages per second and the last minute's sparkline
	notWritten uint64   // history records not written
	warning    string   // the latest notice (a copy, a question, a failed save)
	problems   []string // lasting problems that do not stop the chat (no log, no history)
}

// apply updates the bar from one connection event.
func (s *status) apply(ev mqttconn.Event) {
	switch ev.Kind {
	case mqttconn.KindConnecting:
		s.attempt = ev.Attempt
		s.state = stateConnecting
		if s.everUp || ev.Attempt > 1 {
			s.state = stateReconnecting
		}
	case mqttconn.KindConnected:
		s.state, s.everUp, s.lastErr, s.retryIn = stateConnected, true, "", 0
	case mqttconn.KindConnectFailed:
		s.lastErr, s.retryIn, s.fatal = errText(ev.Err), ev.RetryIn, ev.Fatal
		if ev.Fatal {
			s.state = stateFailed
		}
	case mqttconn.KindLost:
		s.state, s.lastErr = stateLost, "connection lost: "+errText(ev.Err)
	}
}

// stateText is the connection state in plain words, and whether it is good,
// pending or bad.
func (s *status) stateText() (string, int) {
	switch s.state {
	case stateConnected:
		return "connected", 0
	case stateFailed:
		return s.lastErr + " — not retrying: fix it, or press F5 to try again", 2
	case stateLost:
		return s.lastErr, 2
	}
	text := "connecting"
	if s.state == stateReconnecting {
		text = fmt.Sprintf("reconnecting (attempt %d)", s.attempt)
	}
	if s.lastErr != "" {
		text = s.lastErr + " · " + text
	}
	if s.lastErr != "" {
		return text, 2
	}
	return text, 1
}

// View draws the bar; subs are the wanted subscriptions (the rooms own them).
func (s *status) View(st *Styles, subs []mqttconn.Subscription) string {
	text, level := s.stateText()
	stateStyle := []lipgloss.Style{st.StatusGood, st.StatusPending, st.StatusWarn}[level]
	var subNames []string
	for _, sub := range subs {
		subNames = append(subNames, fmt.Sprintf("%s (q%d)", sanitize.String(sub.Filter), sub.QoS))
	}
	line1 := []string{
		stateStyle.Render(" ● " + text),
		st.StatusBar.Render(" · " + s.broker),
	}
	if s.insecure {
		line1 = append(line1, st.StatusWarn.Render(" · ⚠ insecure: TLS not verified"))
	}
	if s.extra != "" {
		line1 = append(line1, st.StatusBar.Render(" · "+s.extra))
	}
	// Counters and warnings first: they must survive a narrow terminal.
	line2 := []string{st.StatusKey.Render(fmt.Sprintf(" received: %d", s.received))}
	if s.rate != "" {
		line2 = append(line2, st.StatusBar.Render(" · "+s.rate))
	}
	if s.dropped > 0 {
		line2 = append(line2, st.StatusWarn.Render(fmt.Sprintf(" · not shown (display too slow): %d", s.dropped)))
	}
	if s.notWritten > 0 {
		line2 = append(line2, st.StatusWarn.Render(fmt.Sprintf(" · history: %d not written", s.notWritten)))
	}
	for _, p := range s.problems {
		line2 = append(line2, st.StatusWarn.Render(" · "+p))
	}
	if s.warning != "" {
		line2 = append(line2, st.StatusWarn.Render(" · "+s.warning))
	}
	line2 = append(line2,
		st.StatusBar.Render(" · id "+s.clientID),
		st.StatusBar.Render(" · subscribed: "+strings.Join(subNames, ", ")))
	if !s.mouse {
		line2 = append(line2, st.StatusBar.Render(" · mouse off"))
	}
	return s.fit(strings.Join(line1, ""), st) + "\n" + s.fit(strings.Join(line2, ""), st)
}

// fit cuts or pads a bar line to the width.
func (s *status) fit(line string, st *Styles) string {
	w := ansi.StringWidth(line)
	if w > s.width {
		return ansi.Truncate(line, s.width, "…")
	}
	return line + st.StatusBar.Render(strings.Repeat(" ", s.width-w))
}

// errText is an error as a short line, sanitized: broker and network errors
// can carry text from the network.
func errText(err error) string {
	if err == nil {
		return "unknown reason"
	}
	return sanitize.String(err.Error())
}

// addProblem shows a lasting problem once.
func (s *status) addProblem(p string) {
	if p != "" && !slices.Contains(s.problems, p) {
		s.problems = append(s.problems, p)
	}
}
