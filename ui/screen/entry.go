package screen

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"

	"mqttchat/mqttconn"
	"mqttchat/ui/echo"
	"mqttchat/ui/paint"
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
	kind         entryKind
	time         time.Time
	topic        string
	sender       string               // MQTT 5: the sender's name (user property mqttchat-name), raw
	props        *mqttconn.Properties // MQTT 5: the message's properties, shared, never changed; nil for none
	hasProps     bool                 // props holds more than the sender's name: the row is marked
	payload      []byte
	size         int
	qos          byte
	retained     bool
	duplicate    bool
	outID        uint64
	state        mqttconn.OutState
	stateUnknown bool      // replayed: its process quit before the broker answered
	note         string    // outgoing: why it failed or was requeued; event: the text
	warn         bool      // event: a problem (loss, refusal, failure)
	day          bool      // event: the divider that starts a calendar day
	repeatKey    string    // event: rows with the same key in a row fold into one
	repeats      int       // event: how many later rows were folded into this one
	since        time.Time // event: the time of the first of the folded rows
	seq          uint64    // position in the list since the start
	held         int       // what it counts against the list's byte cap (cost when pushed or folded)
	colour       int       // the subscription colour of its topic, -1 for none
	payloadKind  payload.Kind
	preview      string   // the one-line payload, sanitized (computed off the UI goroutine)
	textLines    []string // a text payload's first lines, sanitized, for rows that wrap
	moreLines    int      // the text's lines after textLines
	hash         uint64   // the whole payload's echo.Hash
	echoes       int      // outgoing: copies the broker routed back to us
	// MQTT 5 request/response: a received request's response topic and
	// correlation data (r answers it); our request's thread (its replies);
	// the request a reply row is drawn under.
	responseTopic string
	correlation   []byte
	thread        *thread
	replyOf       *thread

	cacheWidth int
	cacheMax   int
	cacheChat  bool     // rendered in the chat layout (no topic)
	cache      []string // the rendered lines
	cacheCells []int    // each cached line's width in cells
	topicCells [2]int   // where the topic is on the first line, for clicks
}

// analysis is what payload detection found, done once per message off the
// UI goroutine.
type analysis struct {
	done      bool
	kind      payload.Kind
	preview   string
	lines     []string
	moreLines int
	hash      uint64
}

// maxTextLines is how many of a text payload's lines are kept ready for a
// wrapped row: more than any row shows.
const maxTextLines = 16

// analyze detects a payload's kind and makes its previews: one line, and
// for text its first lines, sanitized.
func analyze(p []byte) analysis {
	k := payload.Detect(p)
	a := analysis{done: true, kind: k, preview: payload.Preview(p, k), hash: echo.Hash(p)}
	switch {
	case k == payload.Text && !bytes.ContainsAny(p, "\n\r\t"):
		a.lines = []string{a.preview} // one line with nothing to replace: the preview, sanitized once
	case k == payload.Text:
		a.lines, a.moreLines = payload.Lines(p, maxTextLines)
	}
	return a
}

func newMessageEntry(kind entryKind, m mqttconn.Message, a analysis) *entry {
	if !a.done {
		a = analyze(m.Payload)
	}
	p := m.Payload
	if len(p) > previewLimit {
		// A copy: a slice of the payload would keep all of it alive while
		// the window's byte cap counts only the preview.
		p = append([]byte(nil), p[:previewLimit]...)
	}
	e := &entry{kind: kind, time: m.Time, topic: m.Topic, sender: m.Sender(), props: m.Properties,
		hasProps: hasExtraProperties(m.Properties), payload: p, size: len(m.Payload),
		qos: m.QoS, retained: m.Retained, duplicate: m.Duplicate, payloadKind: a.kind, preview: a.preview,
		textLines: a.lines, moreLines: a.moreLines, hash: a.hash, colour: -1}
	if pr := m.Properties; pr != nil && kind == entryIn && pr.ResponseTopic != "" {
		e.responseTopic, e.correlation = pr.ResponseTopic, pr.CorrelationData
	}
	return e
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
	return len(e.payload) + len(e.topic) + len(e.sender) + len(e.note) + len(e.preview) + entryOverhead + propertiesCost(e.props)
}

// propertiesCost approximates what a message's properties take.
func propertiesCost(p *mqttconn.Properties) int {
	if p == nil {
		return 0
	}
	n := 128 + len(p.ContentType) + len(p.ResponseTopic) + len(p.CorrelationData) + 8*len(p.SubscriptionIDs)
	for _, u := range p.User {
		n += 32 + len(u.Key) + len(u.Value)
	}
	return n
}

// invalidate drops the cached row after a change.
func (e *entry) invalidate() { e.cacheWidth = 0 }

// lines renders the entry as one or more lines of the given width (at most
// maxLines), from cache when it can, with each line's width in cells.
// Every network string goes through the sanitizer on the way.
func (e *entry) lines(width, maxLines int, s *Styles) ([]string, []int) {
	return e.linesIn(width, maxLines, false, s)
}

// linesIn is lines in the chat layout when chat: the list shows one topic,
// so the row does not repeat it (`◀ alice ▸ hello`, `▶ you hello`). The
// layout is part of the cache's key.
func (e *entry) linesIn(width, maxLines int, chat bool, s *Styles) ([]string, []int) {
	if e.cacheWidth == width && e.cacheMax == maxLines && e.cacheChat == chat && e.cache != nil {
		return e.cache, e.cacheCells
	}
	e.cache = e.render(width, maxLines, chat, s)
	e.cacheCells = make([]int, len(e.cache))
	for i, l := range e.cache {
		e.cacheCells[i] = ansi.StringWidth(l)
	}
	e.cacheWidth, e.cacheMax, e.cacheChat = width, maxLines, chat
	return e.cache, e.cacheCells
}

// rowIndent is where the continuation lines of a wrapped row start: under
// the topic, past the time.
const rowIndent = 11

func (e *entry) render(width, maxLines int, chat bool, s *Styles) []string {
	stamp := e.time.Local().Format("15:04:05") // history's times are UTC
	p := s.rows()
	var b strings.Builder
	used := 0
	add := func(style paint.Paint, text string) {
		if used >= width {
			return
		}
		text = ansi.Truncate(text, width-used, "…")
		used += ansi.StringWidth(text)
		b.WriteString(style.On(text))
	}
	if e.day {
		add(p.event, "── "+e.note+" ──")
		return []string{b.String()}
	}
	add(p.time, stamp+" ")
	if e.replyOf != nil {
		add(p.hint, "  ↳ reply ")
	}
	switch e.kind {
	case entryEvent:
		style := p.event
		if e.warn {
			style = p.warn
		}
		text := "── " + e.note
		if e.repeats > 0 {
			text = fmt.Sprintf("── ×%d since %s · %s", e.repeats+1, e.since.Local().Format("15:04:05"), e.note)
		}
		add(style, text)
		return []string{b.String()}
	case entryOut:
		if chat {
			add(p.mine, "▶ "+sentBy(e.sender, width))
		} else {
			add(p.mine, "▶ "+sentBy(e.sender, width)+" → ")
		}
	default:
		mark, arrow := "◀ ", " ▸ "
		if e.replyOf != nil || chat { // no topic follows: the text's own space does
			mark, arrow = "◀", " ▸"
			if e.sender != "" {
				mark = "◀ "
			}
		}
		add(p.incoming, mark)
		if e.sender != "" {
			add(p.incoming, ansi.Truncate(sanitize.String(e.sender), max(width/5, 8), "…")+arrow)
		}
	}
	topicText := sanitize.String(e.topic)
	if e.replyOf != nil || chat {
		topicText = "" // a reply under its request: always on our response topic; chat: the list's one topic
	}
	if limit := max(width/3, 12); ansi.StringWidth(topicText) > limit {
		topicText = ansi.Truncate(topicText, limit, "…")
	}
	e.topicCells[0] = used
	add(p.topicPaint(e.colour), topicText)
	e.topicCells[1] = used
	for _, f := range e.flags() {
		add(p.flag, " "+f)
	}
	suffix, short, suffixStyle := e.stateLabel(p)
	suffixWidth := 0
	if suffix != "" {
		suffixWidth = ansi.StringWidth(suffix) + 1
		if e.preview != "" && width-used-suffixWidth < minPayloadWidth || used+suffixWidth > width {
			suffix, suffixWidth = short, ansi.StringWidth(short)+1
		}
	}
	// Not even the short form fits after the topic: the state goes on a
	// line of its own, in full, rather than not at all.
	ownLine := suffix != "" && used+suffixWidth > width && maxLines >= 2
	if ownLine {
		suffixWidth = 0
	}
	room := width - used - 1 - suffixWidth
	if room > 0 && e.wraps(room, maxLines) {
		return e.renderWrapped(b.String(), used, width, maxLines, p)
	}
	if room > 0 && e.preview != "" {
		first := ansi.Truncate(e.preview, room, "…")
		b.WriteString(" ")
		used++
		used += ansi.StringWidth(first)
		b.WriteString(p.payload.On(first))
	}
	if ownLine {
		full, _, _ := e.stateLabel(p)
		indent := strings.Repeat(" ", min(rowIndent, width-1))
		return []string{b.String(), indent + suffixStyle.On(ansi.Truncate(full, max(width-rowIndent, 1), "…"))}
	}
	if suffix != "" && used+suffixWidth <= width {
		b.WriteString(" ")
		b.WriteString(suffixStyle.On(suffix))
	}
	return []string{b.String()}
}

// renderWrapped is a text message over several lines: the header (used
// cells of width), the text wrapped under it, and the delivery state after
// the last piece of text, or on a line of its own when it does not fit.
func (e *entry) renderWrapped(header string, used, width, maxLines int, p *rowPaints) []string {
	restWidth := max(width-rowIndent, 1)
	pieces := wrapLines(e.textLines, e.moreLines, width-used-1, restWidth, maxLines)
	indent := strings.Repeat(" ", min(rowIndent, width-1))
	out := make([]string, len(pieces))
	for i, piece := range pieces {
		style := p.payload
		if strings.HasPrefix(piece, moreLinesMark) {
			style = p.hint
		}
		if i == 0 {
			out[i] = header + " " + style.On(piece)
		} else {
			out[i] = indent + style.On(piece)
		}
	}
	suffix, short, suffixStyle := e.stateLabel(p)
	if suffix == "" {
		return out
	}
	last := len(pieces) - 1
	avail := restWidth - ansi.StringWidth(pieces[last])
	if last == 0 {
		avail = width - used - 1 - ansi.StringWidth(pieces[0])
	}
	switch {
	case ansi.StringWidth(suffix)+1 <= avail:
		out[last] += " " + suffixStyle.On(suffix)
	case len(out) < maxLines || ansi.StringWidth(short)+1 > avail:
		out = append(out, indent+suffixStyle.On(ansi.Truncate(suffix, restWidth, "…")))
	default:
		out[last] += " " + suffixStyle.On(short)
	}
	return out
}

// wraps reports whether a text payload takes more than one line of room.
func (e *entry) wraps(room, maxLines int) bool {
	if maxLines < 2 || e.payloadKind != payload.Text || len(e.textLines) == 0 {
		return false
	}
	return len(e.textLines) > 1 || e.moreLines > 0 || ansi.StringWidth(e.textLines[0]) > room
}

// moreLinesMark starts the last line of a row cut at its line limit.
const moreLinesMark = "… "

// wrapLines cuts text lines into pieces: the first of firstWidth cells, the
// rest of restWidth, at most maxLines in all; when the text does not fit,
// the last piece says how many of its lines are not shown.
func wrapLines(lines []string, moreLines, firstWidth, restWidth, maxLines int) []string {
	var out []string
	var from []int // the text line each piece comes from
	w := firstWidth
	for i, l := range lines {
		for {
			if len(out) == maxLines {
				// The last piece gives way to the count of lines not (wholly) shown.
				hidden := len(lines) - from[maxLines-1] + moreLines
				out[maxLines-1] = fmt.Sprintf("%s%d more %s", moreLinesMark, hidden, plural(hidden, "line", "lines"))
				return out
			}
			head, _, _ := strings.Cut(ansi.Wrap(l, w, ""), "\n") // at a space if it can
			hw, lw := ansi.StringWidth(head), ansi.StringWidth(l)
			if hw == 0 && lw > 0 { // a character wider than the room
				head, hw = l, lw
			}
			out = append(out, head)
			from = append(from, i)
			w = restWidth
			if hw >= lw {
				break
			}
			l = strings.TrimPrefix(ansi.TruncateLeft(l, hw, ""), " ")
		}
	}
	if moreLines > 0 {
		hidden := moreLines
		if len(out) == maxLines {
			hidden += len(lines) - from[maxLines-1]
			out = out[:maxLines-1]
		}
		out = append(out, fmt.Sprintf("%s%d more %s", moreLinesMark, hidden, plural(hidden, "line", "lines")))
	}
	return out
}

// flags are the markers after the topic: QoS, retained, duplicate, MQTT 5
// properties, size.
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
	if e.hasProps && (e.responseTopic == "" && e.thread == nil && e.replyOf == nil || hasPropertiesBeyondRequest(e.props)) {
		f = append(f, "[props]") // a request's response topic and a reply's correlation data show as [request] or its thread
	}
	if e.responseTopic != "" {
		f = append(f, "[request]")
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
// state in its short form.
const minPayloadWidth = 10

// stateLabel is the delivery state shown after an outgoing message, in full
// and in a short form for narrow rows: a symbol where the symbol says it
// all, words where it would not (the two unknowns).
func (e *entry) stateLabel(p *rowPaints) (full, short string, style paint.Paint) {
	if e.kind != entryOut {
		return "", "", paint.Paint{}
	}
	full, short, style = e.deliveryLabel(p)
	if th := e.thread; th != nil && e.state != mqttconn.StateFailed {
		full += e.threadLabel()
		switch {
		case th.replies > 0:
			short += fmt.Sprintf(" ↩%d", th.replies)
		case th.timedOut:
			short += " ↩✗"
		}
	}
	return full, short, style
}

// deliveryLabel is stateLabel without what a request's replies add.
func (e *entry) deliveryLabel(p *rowPaints) (full, short string, style paint.Paint) {
	echoed := ""
	switch {
	case e.echoes == 1:
		echoed = " · echoed"
	case e.echoes > 1:
		echoed = fmt.Sprintf(" · echoed ×%d", e.echoes)
	}
	if e.stateUnknown {
		return "? state unknown (quit before the ack)" + echoed, "? state unknown", p.pending
	}
	switch e.state {
	case mqttconn.StateAcked:
		return "✓ acknowledged" + echoed, "✓", p.good
	case mqttconn.StateAckedAsQoS1:
		return "✓ acknowledged as QoS 1 (the broker answered QoS 2 with PUBACK)" + echoed, "✓q1", p.pending
	case mqttconn.StateSent:
		return "✓ sent" + echoed, "✓", p.good
	case mqttconn.StateFailed:
		return "✗ failed: " + e.note, "✗", p.warn
	case mqttconn.StateFateUnknown:
		return "? fate unknown (its node went away mid-QoS 2; not resent)" + echoed, "? fate unknown", p.warn
	case mqttconn.StateQueued:
		return "… queued", "…", p.pending
	case mqttconn.StateResent:
		return "↻ resent", "↻", p.pending
	}
	return "… " + e.state.String() + echoed, "…", p.pending
}

// echoKey is what the echo matcher compares of the entry.
func (e *entry) echoKey() echo.Message {
	return echo.Message{Topic: e.topic, Hash: e.hash, Size: e.size, QoS: e.qos}
}
