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
	broker          string
	extra           string // e.g. built-in broker addresses
	node            string // a cluster's node in use or being tried (host:port); "" for one broker
	nodes           int    // how many nodes the cluster has
	clientID        string
	toAssign        bool          // the broker assigns the client id (MQTT 5)
	assigned        bool          // clientID is the one the broker assigned
	serverKeepAlive time.Duration // the keep-alive the broker set (MQTT 5), or 0

	state    connState
	attempt  int
	lastErr  string    // why the last connection was lost or refused
	retryAt  time.Time // when the next attempt starts, during a back-off
	now      time.Time // the clock: the one-second tick, or the latest event
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
	if ev.Time.After(s.now) {
		s.now = ev.Time
	}
	if ev.Nodes > 1 && (ev.Kind == mqttconn.KindConnecting || ev.Kind == mqttconn.KindConnected) {
		s.node, s.nodes = ev.Node, ev.Nodes
	}
	switch ev.Kind {
	case mqttconn.KindConnecting:
		s.attempt = ev.Attempt
		s.retryAt = time.Time{}
		s.state = stateConnecting
		if s.everUp || ev.Attempt > 1 {
			s.state = stateReconnecting
		}
	case mqttconn.KindConnected:
		s.state, s.everUp, s.lastErr, s.retryAt = stateConnected, true, "", time.Time{}
		s.applyConnack(ev)
	case mqttconn.KindConnectFailed:
		s.lastErr, s.fatal = errText(ev.Err), ev.Fatal
		s.attempt = max(s.attempt, ev.Attempt)
		s.retryAt = time.Time{}
		if ev.RetryIn > 0 && !ev.Fatal {
			s.retryAt = ev.Time.Add(ev.RetryIn)
		}
		if ev.Fatal {
			s.state = stateFailed
		}
	case mqttconn.KindLost:
		s.state, s.lastErr = stateLost, "connection lost: "+errText(ev.Err)
	}
}

// level is how the status bar colours the state.
type level int

const (
	levelGood level = iota
	levelPending
	levelBad
)

// stateText is the connection state in plain words, and whether it is good,
// pending or bad.
func (s *status) stateText() (string, level) {
	switch s.state {
	case stateConnected:
		return "connected", levelGood
	case stateFailed:
		return s.lastErr + " — not retrying: fix it, or press F5 to try again", levelBad
	case stateLost:
		return s.lastErr, levelBad
	}
	text := "connecting"
	switch left := s.retryAt.Sub(s.now); {
	case !s.retryAt.IsZero() && left > 0:
		secs := int((left + time.Second - 1) / time.Second)
		text = fmt.Sprintf("reconnecting in %d s (attempt %d) · F5 now", secs, s.attempt+1)
	case s.state == stateReconnecting:
		text = fmt.Sprintf("reconnecting (attempt %d)", s.attempt)
	}
	if s.lastErr != "" {
		// What can be done first, why after: a long reason must not push
		// the countdown and its key off a narrow bar.
		return text + " · " + s.lastErr, levelBad
	}
	return text, levelPending
}

// View draws the bar; subs name the subscriptions with their granted QoS
// (the rooms own them). Every string goes through the sanitizer, whatever
// its source: a client id or a host from the command line or a shared
// config file can hold escape sequences too.
func (s *status) View(st *Styles, subs []string) string {
	text, level := s.stateText()
	stateStyle := []lipgloss.Style{levelGood: st.StatusGood, levelPending: st.StatusPending, levelBad: st.StatusWarn}[level]
	line1 := s.firstLine(st, stateStyle.Render(" ● "+text))
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
		st.StatusBar.Render(s.idText()),
		st.StatusBar.Render(" · subscribed: "+strings.Join(subs, ", ")))
	if !s.mouse {
		line2 = append(line2, st.StatusBar.Render(" · mouse off"))
	}
	return s.fit(line1, st) + "\n" + s.fit(strings.Join(line2, ""), st)
}

// firstLine is the state, the broker, the TLS warning and the extra facts
// (the built-in broker's addresses), made to fit. An extra address that
// repeats the broker's is never shown. What gives way first, in order: the words "built-in
// broker" (to "built-in"), the other extra facts but the last (the
// WebSocket address others connect to), then that one too. The state, the
// broker and the TLS warning stay, cut only at the very end.
func (s *status) firstLine(st *Styles, state string) string {
	broker := st.StatusBar.Render(" · " + sanitize.String(s.brokerText()))
	warn := ""
	if s.insecure {
		warn = st.StatusWarn.Render(" · ⚠ insecure: TLS not verified")
	}
	var extra []string
	if s.extra != "" {
		extra = strings.Split(sanitize.String(s.extra), " · ")
	}
	join := func(parts []string) string {
		line := state + broker + warn
		for _, p := range parts {
			line += st.StatusBar.Render(" · " + p)
		}
		return line
	}
	fits := func(line string) bool { return ansi.StringWidth(line) <= s.width }
	// An address that repeats the broker's says nothing new.
	extra = slices.DeleteFunc(extra, func(p string) bool { return s.broker != "" && strings.HasSuffix(p, s.broker) })
	line := join(extra)
	if fits(line) || len(extra) == 0 {
		return line
	}
	for i, p := range extra {
		extra[i] = strings.Replace(p, "built-in broker", "built-in", 1)
	}
	if line = join(extra); fits(line) {
		return line
	}
	for len(extra) > 1 {
		extra = extra[1:]
		if line = join(extra); fits(line) {
			return line
		}
	}
	if line = join(extra); fits(line) {
		return line
	}
	return join(nil)
}

// brokerText is the broker as the bar shows it: for a cluster, the node
// in use (or being tried) and how many there are.
func (s *status) brokerText() string {
	if s.nodes > 1 && s.node != "" {
		return fmt.Sprintf("node %s (cluster of %d)", s.node, s.nodes)
	}
	return s.broker
}

// fit cuts or pads a bar line to the width.
func (s *status) fit(line string, st *Styles) string {
	w := ansi.StringWidth(line)
	if w > s.width {
		return ansi.Truncate(line, s.width, "…")
	}
	return line + st.StatusBar.Render(strings.Repeat(" ", s.width-w))
}

// addProblem shows a lasting problem once.
func (s *status) addProblem(p string) {
	if p != "" && !slices.Contains(s.problems, p) {
		s.problems = append(s.problems, p)
	}
}
