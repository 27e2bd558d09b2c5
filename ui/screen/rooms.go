package screen

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"mqttchat/mqttconn"
	"mqttchat/mqttconn/topic"
	"mqttchat/ui/sanitize"
)

// roomsWidth is the side pane's width; below minWidthForRooms columns the
// pane hides itself.
const (
	roomsWidth       = 34
	minWidthForRooms = 90
	rateWindow       = 5 // seconds averaged for a room's rate
)

// The granted QoS of a room before its SUBACK, and after a refusal.
const (
	grantedPending = -1
	grantedRefused = -2
)

// room is one subscription seen as a conversation.
type room struct {
	filter   string
	asked    byte
	granted  int                   // the QoS granted, grantedPending or grantedRefused
	opts     mqttconn.Subscription // the MQTT 5 options asked for (its option fields)
	received uint64
	unread   uint64
	last     time.Time
	sender   string   // MQTT 5: the name on its last message, raw; "" for none
	mine     bool     // its last message was our own, come back (an echo)
	colour   int      // index into Styles.Palette
	perSec   []uint64 // messages in each of the last seconds
	tickSeen uint64   // received at the last tick
}

// rate is the room's messages per second over the last seconds.
func (r *room) rate() float64 {
	if len(r.perSec) == 0 {
		return 0
	}
	var sum uint64
	for _, n := range r.perSec {
		sum += n
	}
	return float64(sum) / float64(len(r.perSec))
}

// roomsPane lists the subscriptions; the selected one (0 is "all")
// narrows the message list.
type roomsPane struct {
	rooms     []*room
	selected  int // 0: all; i: rooms[i-1]
	shown     bool
	total     uint64
	nextColor int
	keys      roomsKeys
	requester
}

// roomsKeys are the keys of the rooms pane.
type roomsKeys struct {
	Up, Down, Top key.Binding
}

func newRoomsKeys() roomsKeys {
	return roomsKeys{
		Up:   key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "previous room")),
		Down: key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "next room")),
		Top:  key.NewBinding(key.WithKeys("home", "g"), key.WithHelp("home/g", "all rooms")),
	}
}

// ShortHelp is the help line while the rooms pane has the focus.
func (k roomsKeys) ShortHelp() []key.Binding { return []key.Binding{k.Up, k.Down, k.Top} }

// FullHelp lists every rooms key.
func (k roomsKeys) FullHelp() [][]key.Binding { return [][]key.Binding{k.ShortHelp()} }

// update moves the selection; the root shows the room it asks for.
func (p roomsPane) update(msg tea.KeyMsg) (roomsPane, tea.Cmd) {
	before := p.selected
	switch {
	case key.Matches(msg, p.keys.Up):
		p.move(-1)
	case key.Matches(msg, p.keys.Down):
		p.move(1)
	case key.Matches(msg, p.keys.Top):
		p.selectAt(0)
	}
	if p.selected != before {
		p.req = requestRoomChanged
	}
	return p, nil
}

func newRoomsPane(subs []mqttconn.Subscription) roomsPane {
	p := roomsPane{shown: true, keys: newRoomsKeys()}
	for _, s := range subs {
		p.add(s.Filter, s.QoS).opts = s
	}
	return p
}

// add makes a room for a filter, or updates its asked QoS.
func (p *roomsPane) add(filter string, qos byte) *room {
	if r := p.find(filter); r != nil {
		r.asked = qos
		return r
	}
	r := &room{filter: filter, asked: qos, granted: grantedPending, colour: p.nextColor}
	p.nextColor++
	p.rooms = append(p.rooms, r)
	return r
}

func (p *roomsPane) find(filter string) *room {
	for _, r := range p.rooms {
		if r.filter == filter {
			return r
		}
	}
	return nil
}

// remove drops a room; the selection moves to "all" if it was on it.
func (p *roomsPane) remove(filter string) {
	i := slices.IndexFunc(p.rooms, func(r *room) bool { return r.filter == filter })
	if i < 0 {
		return
	}
	if p.selected == i+1 {
		p.selected = 0
	} else if p.selected > i+1 {
		p.selected--
	}
	p.rooms = slices.Delete(p.rooms, i, i+1)
}

// subscriptionSummary names each subscription with the QoS the broker
// granted (asked→granted when it differs; "…" before the SUBACK).
func (p *roomsPane) subscriptionSummary() []string {
	out := make([]string, len(p.rooms))
	for i, r := range p.rooms {
		out[i] = sanitize.String(r.filter) + " (" + r.grantText() + ")"
	}
	return out
}

// grantText is the QoS asked and what the broker made of it.
func (r *room) grantText() string {
	granted := fmt.Sprintf("q%d", r.asked)
	switch {
	case r.granted == grantedRefused:
		granted += " refused"
	case r.granted >= 0 && r.granted != int(r.asked):
		granted += fmt.Sprintf("→%d", r.granted)
	case r.granted == grantedPending:
		granted += " …"
	}
	return granted
}

// count adds a message (with its sender's name, "" for none) to every room
// whose filter matches its topic (a message matching several filters
// counts in each) and returns the colour of the first, or -1.
func (p *roomsPane) count(topicName, sender string, at time.Time, seen bool) int {
	return p.countAs(topicName, sender, false, at, seen)
}

// countMine counts the echo of a message we sent: its room's last sender
// is "you", whatever name it carries.
func (p *roomsPane) countMine(topicName string, at time.Time) {
	p.countAs(topicName, "", true, at, true)
}

func (p *roomsPane) countAs(topicName, sender string, mine bool, at time.Time, seen bool) int {
	p.total++
	colour := -1
	for i, r := range p.rooms {
		if !topic.Match(r.filter, topicName) {
			continue
		}
		r.received++
		r.last, r.sender, r.mine = at, sender, mine
		if !seen && p.selected != i+1 {
			r.unread++
		}
		if colour < 0 {
			colour = r.colour
		}
	}
	return colour
}

// colourOf is the colour of the first room a topic falls in, -1 for none.
func (p *roomsPane) colourOf(topicName string) int {
	for _, r := range p.rooms {
		if topic.Match(r.filter, topicName) {
			return r.colour
		}
	}
	return -1
}

// matching is how many subscriptions match a topic: how many copies of one
// message an overlapping set of subscriptions may bring. One with No Local
// brings none of our own messages, so it does not count here (the echo
// matcher's use).
func (p *roomsPane) matching(topicName string) int {
	n := 0
	for _, r := range p.rooms {
		if !r.opts.NoLocal && topic.Match(r.filter, topicName) {
			n++
		}
	}
	return n
}

// allSeen clears every unread count: "all" showed the newest messages.
func (p *roomsPane) allSeen() {
	for _, r := range p.rooms {
		r.unread = 0
	}
}

// tick records the last second's counts for the rates.
func (p *roomsPane) tick() {
	for _, r := range p.rooms {
		r.perSec = append(r.perSec, r.received-r.tickSeen)
		if len(r.perSec) > rateWindow {
			r.perSec = r.perSec[1:]
		}
		r.tickSeen = r.received
	}
}

// current is the selected room, nil for "all".
func (p *roomsPane) current() *room {
	if p.selected == 0 || p.selected > len(p.rooms) {
		return nil
	}
	return p.rooms[p.selected-1]
}

// move changes the selection by d and marks the room read.
func (p *roomsPane) move(d int) {
	p.selectAt(p.selected + d)
}

func (p *roomsPane) selectAt(i int) {
	p.selected = min(max(i, 0), len(p.rooms))
	if r := p.current(); r != nil {
		r.unread = 0
	}
}

// visible reports whether the pane takes room at this width.
func (p *roomsPane) visible(width int) bool { return p.shown && width >= minWidthForRooms }

// View draws the pane, height rows of roomsWidth-1 columns (plus a border).
func (p *roomsPane) View(s *Styles, height int, focused bool, now time.Time) string {
	w := roomsWidth - 1
	title, titleStyle := "  rooms", s.Title
	if focused {
		title, titleStyle = "▶ rooms", s.TitleFocused
	}
	lines := []string{titleStyle.Render(title)}
	all := fmt.Sprintf("all · %d", p.total)
	lines = append(lines, p.line(s, all, p.selected == 0, focused, w, s.Payload.Render))
	for i, r := range p.rooms {
		text := fmt.Sprintf("%s %s · %d", sanitize.String(r.filter), r.grantText(), r.received)
		if r.unread > 0 {
			text += fmt.Sprintf(" (%d new)", r.unread)
		}
		lines = append(lines, p.line(s, "● "+text, p.selected == i+1, focused, w, s.topicStyle(r.colour).Render))
		stats := "    " + fmt.Sprintf("%.1f/s", r.rate())
		if !r.last.IsZero() && !now.IsZero() {
			stats += " · " + ago(max(now.Sub(r.last), 0)) + " ago"
		}
		switch { // who spoke last
		case r.mine:
			stats += " · you ▸"
		case r.sender != "":
			stats += " · " + sanitize.String(r.sender) + " ▸"
		}
		lines = append(lines, s.Hint.Render(ansi.Truncate(stats, w, "…")))
		if o := r.optionsLine(); o != "" {
			lines = append(lines, s.Hint.Render(ansi.Truncate("    "+o, w, "…")))
		}
	}
	for len(lines) < height {
		lines = append(lines, "")
	}
	lines = lines[:height]
	border := s.Hint.Render("│")
	for i, l := range lines {
		lines[i] = border + l + strings.Repeat(" ", max(w-ansi.StringWidth(l), 0))
	}
	return strings.Join(lines, "\n")
}

// line is one selectable row.
func (p *roomsPane) line(s *Styles, text string, selected, focused bool, w int, style func(...string) string) string {
	text = ansi.Truncate(text, w-2, "…")
	if selected {
		mark := "› "
		if focused {
			return s.Selected.Render(mark + text + strings.Repeat(" ", max(w-2-ansi.StringWidth(text), 0)))
		}
		return mark + style(text)
	}
	return "  " + style(text)
}

// rowAt maps a row of the pane (0 is its title) to a selection index, or
// -1. A room takes two rows, three with an options line.
func (p *roomsPane) rowAt(row int) int {
	if row == 1 {
		return 0
	}
	top := 2
	for i, r := range p.rooms {
		h := 2
		if r.optionsLine() != "" {
			h = 3
		}
		if row >= top && row < top+h {
			return i + 1
		}
		top += h
	}
	return -1
}
