package screen

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"

	"mqttchat/mqttconn"
	"mqttchat/ui/payload"
	"mqttchat/ui/sanitize"
)

// previewLimit is how many payload bytes the in-memory window keeps per message.
const previewLimit = 4 << 10

// entryOverhead approximates what one entry costs beyond its payload and topic.
const entryOverhead = 256

// entryKind says what a row of the list shows.
type entryKind int

const (
	entryIn    entryKind = iota // a received message
	entryOut                    // a message we publish
	entryEvent                  // a connection event on the timeline
)

// entry is one row of the message list. Its payload is cut to previewLimit;
// size keeps the real length. The rendered row is cached per width.
type entry struct {
	kind        entryKind
	time        time.Time
	topic       string
	payload     []byte
	size        int
	qos         byte
	retained    bool
	duplicate   bool
	outID       uint64
	state       mqttconn.OutState
	note        string    // outgoing: why it failed or was requeued; event: the text
	warn        bool      // event: a problem (loss, refusal, failure)
	day         bool      // event: the divider that starts a calendar day
	repeatKey   string    // event: rows with the same key in a row fold into one
	repeats     int       // event: how many later rows were folded into this one
	since       time.Time // event: the time of the first of the folded rows
	seq         uint64    // position in the list since the start
	colour      int       // the subscription colour of its topic, -1 for none
	payloadKind payload.Kind
	preview     string // the one-line payload, sanitized (computed off the UI goroutine)

	cacheWidth int
	cache      string
	cacheCells int // the cached row's width in cells
}

// analysis is what payload detection found, done once per message off the
// UI goroutine.
type analysis struct {
	done    bool
	kind    payload.Kind
	preview string
}

// analyze detects a payload's kind and makes its one-line preview.
func analyze(p []byte) analysis {
	k := payload.Detect(p)
	return analysis{done: true, kind: k, preview: payload.Preview(p, k)}
}

func newMessageEntry(kind entryKind, m mqttconn.Message, a analysis) *entry {
	if !a.done {
		a = analyze(m.Payload)
	}
	p := m.Payload
	if len(p) > previewLimit {
		p = p[:previewLimit:previewLimit]
	}
	return &entry{kind: kind, time: m.Time, topic: m.Topic, payload: p, size: len(m.Payload),
		qos: m.QoS, retained: m.Retained, duplicate: m.Duplicate, payloadKind: a.kind, preview: a.preview, colour: -1}
}

func newEventEntry(t time.Time, text string, warn bool) *entry {
	return &entry{kind: entryEvent, time: t, note: text, warn: warn}
}

// newDayEntry is the divider row above the first entry of t's local day.
func newDayEntry(t time.Time) *entry {
	return &entry{kind: entryEvent, time: t, day: true, note: t.Local().Format("Monday 2 January 2006")}
}

// cost is what the entry counts against the window's byte cap.
func (e *entry) cost() int {
	return len(e.payload) + len(e.topic) + len(e.note) + len(e.preview) + entryOverhead
}

// invalidate drops the cached row after a change.
func (e *entry) invalidate() { e.cacheWidth = 0 }

// row renders the entry as exactly one line of the given width, from cache
// when it can. Every network string goes through the sanitizer here.
func (e *entry) row(width int, s *Styles) (string, int) {
	if e.cacheWidth == width && e.cache != "" {
		return e.cache, e.cacheCells
	}
	e.cache = e.render(width, s)
	e.cacheWidth = width
	e.cacheCells = ansi.StringWidth(e.cache)
	return e.cache, e.cacheCells
}

func (e *entry) render(width int, s *Styles) string {
	stamp := e.time.Local().Format("15:04:05") // history's times are UTC
	var b strings.Builder
	used := 0
	add := func(style func(...string) string, text string) {
		if used >= width {
			return
		}
		text = ansi.Truncate(text, width-used, "…")
		used += ansi.StringWidth(text)
		b.WriteString(style(text))
	}
	if e.day {
		add(s.Event.Render, "── "+e.note+" ──")
		return b.String()
	}
	add(s.Time.Render, stamp+" ")
	switch e.kind {
	case entryEvent:
		style := s.Event.Render
		if e.warn {
			style = s.Warn.Render
		}
		text := "── " + e.note
		if e.repeats > 0 {
			text = fmt.Sprintf("── ×%d since %s · %s", e.repeats+1, e.since.Local().Format("15:04:05"), e.note)
		}
		add(style, text)
		return b.String()
	case entryOut:
		add(s.Mine.Render, "▶ you → ")
	default:
		add(s.Incoming.Render, "◀ ")
	}
	topicText := sanitize.String(e.topic)
	if limit := max(width/3, 12); ansi.StringWidth(topicText) > limit {
		topicText = ansi.Truncate(topicText, limit, "…")
	}
	add(s.topicStyle(e.colour).Render, topicText)
	for _, f := range e.flags() {
		add(s.Flag.Render, " "+f)
	}
	suffix, short, suffixStyle := e.stateLabel(s)
	suffixWidth := 0
	if suffix != "" {
		suffixWidth = ansi.StringWidth(suffix) + 1
		if width-used-suffixWidth < minPayloadWidth {
			suffix, suffixWidth = short, ansi.StringWidth(short)+1
		}
	}
	room := width - used - 1 - suffixWidth
	if room > 0 && e.preview != "" {
		b.WriteString(" ")
		used++
		payload := ansi.Truncate(e.preview, room, "…")
		used += ansi.StringWidth(payload)
		b.WriteString(s.Payload.Render(payload))
	}
	if suffix != "" && used+suffixWidth <= width {
		b.WriteString(" ")
		b.WriteString(suffixStyle(suffix))
	}
	return b.String()
}

// flags are the markers after the topic: QoS, retained, duplicate, size.
func (e *entry) flags() []string {
	var f []string
	if e.qos > 0 {
		f = append(f, fmt.Sprintf("q%d", e.qos))
	}
	if e.retained {
		f = append(f, "[retained]")
	}
	if e.duplicate {
		f = append(f, "[dup]")
	}
	if e.payloadKind == payload.Binary {
		f = append(f, "[binary]")
	}
	if e.payloadKind == payload.Empty && e.kind != entryEvent {
		f = append(f, "[empty]")
	}
	if e.size >= 1024 {
		f = append(f, "("+humanSize(e.size)+")")
	}
	return f
}

// minPayloadWidth is the payload room below which an outgoing row shows its
// state as a symbol only.
const minPayloadWidth = 10

// stateLabel is the delivery state shown after an outgoing message, in full
// and as a symbol for narrow rows.
func (e *entry) stateLabel(s *Styles) (full, short string, style func(...string) string) {
	if e.kind != entryOut {
		return "", "", nil
	}
	switch e.state {
	case mqttconn.StateAcked:
		return "✓ acknowledged", "✓", s.Good.Render
	case mqttconn.StateSent:
		return "✓ sent", "✓", s.Good.Render
	case mqttconn.StateFailed:
		return "✗ failed: " + e.note, "✗", s.Warn.Render
	case mqttconn.StateQueued:
		return "… queued", "…", s.Pending.Render
	case mqttconn.StateResent:
		return "↻ resent", "↻", s.Pending.Render
	}
	return "… " + e.state.String(), "…", s.Pending.Render
}
