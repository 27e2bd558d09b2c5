package history

import (
	"bytes"
	"strings"
	"time"
	"unicode/utf8"

	"mqttchat/mqttconn/topic"
)

// Query selects records for Search. Its zero value selects every record.
type Query struct {
	Since, Until time.Time // the time range, both ends included; zero ends are open
	Topics       []string  // topic filters (MQTT wildcards); a message matching any passes
	// Text, when set, passes messages whose payload or topic holds it,
	// byte for byte (case matters; a binary payload is searched as bytes).
	Text string
	// Events adds connection events and sent messages' state updates to what
	// passes; they never pass a query with Topics or Text.
	Events bool
	// MaxPayload, when over 0, cuts longer payloads to their first MaxPayload
	// bytes (Partial is set; Find reads the rest), so that memory stays flat.
	MaxPayload int
	// AllCopies keeps every copy of a delivery that several mqttchat
	// processes recorded (see Search); normally each is shown once.
	AllCopies bool
	// Parallel caps the parts of segments decoded at once; 0 means one per
	// CPU. A screen that must keep drawing while it searches can ask for 1.
	Parallel int
}

// matcher is a Query made ready for matching lines before and after
// decoding them.
type matcher struct {
	q        Query
	messages bool       // only messages pass
	filters  [][][]byte // per topic filter: its literal runs, escaped as the writer escapes them
	text     []byte     // the text, escaped as the writer escapes it; nil when no line can hold it as text
	anchors  [][]byte   // strings a candidate line must hold one of, searched for block-wise
}

// b64Marker is in every line whose payload or topic is base64: such lines
// are always decoded, as their text is not in the line.
var b64Marker = []byte(`_b64":"`)

func newMatcher(q Query) *matcher {
	m := &matcher{q: q, messages: !q.Events || len(q.Topics) > 0 || q.Text != ""}
	for _, f := range q.Topics {
		m.filters = append(m.filters, literalRuns(f))
	}
	if q.Text != "" && utf8.ValidString(q.Text) {
		m.text = escaped(q.Text)
	}
	// Anchors: the text, else the longest literal run of a single filter.
	switch {
	case q.Text != "":
		if m.text != nil {
			m.anchors = append(m.anchors, m.text)
		}
		m.anchors = append(m.anchors, b64Marker)
	case len(m.filters) == 1 && len(m.filters[0]) > 0:
		longest := m.filters[0][0]
		for _, r := range m.filters[0] {
			if len(r) > len(longest) {
				longest = r
			}
		}
		m.anchors = append(m.anchors, longest, b64Marker)
	}
	return m
}

// escaped is s as the writer writes it inside a JSON string. The writer
// escapes rune by rune, so a payload holding s holds escaped(s) in its line.
func escaped(s string) []byte {
	e := appendJSONString(nil, s)
	return e[1 : len(e)-1]
}

// literalRuns are the runs of literal levels of a filter, escaped: a/+/b/c/#
// gives "a" and "b/c". A topic matching the filter holds every run.
func literalRuns(filter string) [][]byte {
	var runs [][]byte
	var cur []string
	flush := func() {
		if len(cur) > 0 {
			if s := strings.Join(cur, "/"); s != "" {
				runs = append(runs, escaped(s))
			}
			cur = cur[:0]
		}
	}
	for _, level := range strings.Split(filter, "/") {
		if level == "+" || level == "#" {
			flush()
			continue
		}
		cur = append(cur, level)
	}
	flush()
	return runs
}

// lineMayPass is the check on a line's bytes: false only when its record
// cannot pass. inside is true when the line's chunk lies wholly in the
// query's time range.
func (m *matcher) lineMayPass(line []byte, inside bool) bool {
	if !inside && (!m.q.Since.IsZero() || !m.q.Until.IsZero()) {
		if t, ok := lineTime(line); ok && !m.inTime(t) {
			return false
		}
	}
	if len(m.filters) == 0 && m.q.Text == "" {
		return true
	}
	if bytes.Contains(line, b64Marker) {
		return true
	}
	if m.q.Text != "" && (m.text == nil || !bytes.Contains(line, m.text)) {
		return false
	}
	if len(m.filters) == 0 {
		return true
	}
	for _, runs := range m.filters {
		all := true
		for _, r := range runs {
			if !bytes.Contains(line, r) {
				all = false
				break
			}
		}
		if all {
			return true
		}
	}
	return false
}

func (m *matcher) inTime(t time.Time) bool {
	return (m.q.Since.IsZero() || !t.Before(m.q.Since)) && (m.q.Until.IsZero() || !t.After(m.q.Until))
}

// pass is the exact check on a decoded record.
func (m *matcher) pass(r *Record) bool {
	if !m.inTime(r.Time) {
		return false
	}
	if m.messages && (r.Dir == DirEvent || (r.Dir == DirOut && !r.HasPayload)) {
		return false
	}
	if len(m.q.Topics) > 0 {
		ok := false
		for _, f := range m.q.Topics {
			if topic.Match(f, r.Topic) {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	if m.q.Text != "" && !bytes.Contains(r.Payload, []byte(m.q.Text)) && !strings.Contains(r.Topic, m.q.Text) {
		return false
	}
	return true
}
