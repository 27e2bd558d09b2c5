package history

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
	"unsafe"

	"mqttchat/mqttconn"
)

// Directions of a record.
const (
	DirIn    = "in"
	DirOut   = "out"
	DirEvent = "event"
)

// Record is one line of the message log. Field names follow mosquitto_sub's
// -F %j output where it has them (tst, topic, qos, retain, payloadlen,
// properties, payload); the rest are ours.
type Record struct {
	Time       time.Time // tst
	Dir        string    // dir: in, out or event
	Topic      string    // topic (for a subscription event: the filter)
	QoS        byte      // qos (for a subscription event: granted)
	Retain     bool      // retain
	Dup        bool      // dup
	Payload    []byte    // payload when valid UTF-8, else payload_b64; byte-exact either way
	PayloadLen int       // payloadlen
	ID         uint64    // id: outgoing message id, unique within one segment
	State      string    // state: of an outgoing message
	Event      string    // event: connecting, connected, connect_failed, lost, subscribed, subscribe_failed, resubscribed
	Text       string    // text: why (a failure, a loss) or what (an event)
	HasPayload bool      // the record carries a payload (an outgoing state update does not)
	// Properties: a message's MQTT 5 properties, nil for none (see props.go
	// for their JSON form).
	Properties *mqttconn.Properties

	// Set by the readers, never stored:

	// Partial: Payload holds only the start of a long payload (PayloadLen is
	// its whole length); Find reads it whole.
	Partial bool
	// Segment is the file name of the segment that holds the record. An
	// outgoing id is unique within its segment: Segment and ID together name
	// a sent message across segments and processes.
	Segment string

	key uint64 // a received message's delivery key, when Search computed it
}

// PID is the id of the process that wrote the record (from its segment's
// name), or 0 when unknown.
func (r Record) PID() int { return segmentPID(r.Segment) }

// sizeHint is about the length of r's JSON line: exact for a base64
// payload, a little over for a payload of text with few escapes.
func (r *Record) sizeHint() int {
	n := 256 + 2*len(r.Topic) + len(r.State) + len(r.Event) + 2*len(r.Text) + propertiesSizeHint(r.Properties)
	if r.HasPayload {
		if utf8.Valid(r.Payload) {
			n += len(r.Payload) + len(r.Payload)/8
		} else {
			n += base64.StdEncoding.EncodedLen(len(r.Payload))
		}
	}
	return n
}

// AppendJSON appends r as one JSON line, with its newline: the form it is stored in.
func (r *Record) AppendJSON(b []byte) []byte {
	b = append(b, `{"tst":"`...)
	b = r.Time.UTC().AppendFormat(b, time.RFC3339Nano)
	b = append(b, `","dir":"`...)
	b = append(b, r.Dir...)
	b = append(b, '"')
	if r.Topic != "" || r.Dir != DirEvent {
		if utf8.ValidString(r.Topic) {
			b = append(b, `,"topic":`...)
			b = appendJSONString(b, r.Topic)
		} else { // a broker sent an invalid topic: kept byte-exact, the line stays valid UTF-8
			b = append(b, `,"topic_b64":"`...)
			b = base64.StdEncoding.AppendEncode(b, []byte(r.Topic))
			b = append(b, '"')
		}
	}
	if r.Dir != DirEvent || r.Event == "subscribed" || r.Event == "subscribe_failed" {
		b = append(b, `,"qos":`...)
		b = strconv.AppendUint(b, uint64(r.QoS), 10)
	}
	if r.Retain {
		b = append(b, `,"retain":true`...)
	}
	if r.Dup {
		b = append(b, `,"dup":true`...)
	}
	if r.HasPayload {
		b = append(b, `,"payloadlen":`...)
		b = strconv.AppendInt(b, int64(len(r.Payload)), 10)
		b = appendProperties(b, r.Properties)
		if utf8.Valid(r.Payload) {
			b = append(b, `,"payload":`...)
			// Read in place: a string copy of the payload would be one
			// allocation per message.
			b = appendJSONString(b, unsafe.String(unsafe.SliceData(r.Payload), len(r.Payload)))
		} else {
			b = append(b, `,"payload_b64":"`...)
			b = base64.StdEncoding.AppendEncode(b, r.Payload)
			b = append(b, '"')
		}
	}
	if r.ID != 0 {
		b = append(b, `,"id":`...)
		b = strconv.AppendUint(b, r.ID, 10)
	}
	for _, f := range [...]struct{ name, value string }{{"state", r.State}, {"event", r.Event}, {"text", r.Text}} {
		if f.value != "" {
			b = append(b, `,"`...)
			b = append(b, f.name...)
			b = append(b, `":`...)
			b = appendJSONString(b, strings.ToValidUTF8(f.value, "\uFFFD"))
		}
	}
	return append(b, "}\n"...)
}

// plain marks the bytes a JSON string holds as they are: printable ASCII
// but the quote and the backslash.
var plain = func() (t [256]bool) {
	for c := 0x20; c < 0x7f; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// appendJSONString appends s, valid UTF-8, as a JSON string. Besides what
// JSON requires it escapes DEL, C1 controls, bidi controls and invisible
// characters (jsonEscaped), so that the log is safe to cat to a terminal
// and shows what the screen shows as escapes. \u escapes are lossless: a
// JSON reader gets the same string back.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); {
		if plain[s[i]] { // a run of printable ASCII goes in one copy
			j := i + 1
			for j < len(s) && plain[s[j]] {
				j++
			}
			b = append(b, s[i:j]...)
			i = j
			continue
		}
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c == '\n':
				b = append(b, '\\', 'n')
			case c == '\t':
				b = append(b, '\\', 't')
			case c == '\r':
				b = append(b, '\\', 'r')
			case c < 0x20 || c == 0x7f:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if jsonEscaped(r) {
			b = append(b, '\\', 'u', hex[r>>12&0xf], hex[r>>8&0xf], hex[r>>4&0xf], hex[r&0xf])
		} else {
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return append(b, '"')
}

// jsonEscaped reports whether a rune outside ASCII is written as a \u
// escape: C1 controls; bidi marks, embeddings, overrides and isolates;
// line and paragraph separators; the invisible zero-width space,
// non-joiner, word joiner and BOM. The zero-width joiner stays (emoji
// sequences need it), as do characters the screen shows as they are.
func jsonEscaped(r rune) bool {
	switch {
	case r >= 0x80 && r <= 0x9f, // C1 controls
		r == 0x061c, r == 0x200e, r == 0x200f, // bidi marks
		r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, // bidi embeddings, overrides, isolates
		r == 0x2028, r == 0x2029, // line and paragraph separators
		r == 0x200b, r == 0x200c, r == 0x2060, r == 0xfeff: // zero-width space, non-joiner, word joiner, BOM
		return true
	}
	return false
}

// wireRecord is the JSON form used for decoding.
type wireRecord struct {
	Tst        string          `json:"tst"`
	Dir        string          `json:"dir"`
	Topic      string          `json:"topic"`
	TopicB64   *string         `json:"topic_b64"`
	QoS        int             `json:"qos"`
	Retain     bool            `json:"retain"`
	Dup        bool            `json:"dup"`
	PayloadLen *int            `json:"payloadlen"`
	Properties *wireProperties `json:"properties"`
	Payload    *string         `json:"payload"`
	PayloadB64 *string         `json:"payload_b64"`
	ID         uint64          `json:"id"`
	State      string          `json:"state"`
	Event      string          `json:"event"`
	Text       string          `json:"text"`
}

// ErrCorrupt is wrapped by errors for lines that are not records.
var ErrCorrupt = errors.New("corrupt history line")

// parseRecord decodes one line (without its newline).
func parseRecord(line []byte) (Record, error) {
	var w wireRecord
	if err := json.Unmarshal(line, &w); err != nil {
		return Record{}, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	t, err := time.Parse(time.RFC3339Nano, w.Tst)
	if err != nil {
		return Record{}, fmt.Errorf("%w: tst: %v", ErrCorrupt, err)
	}
	switch w.Dir {
	case DirIn, DirOut, DirEvent:
	default:
		return Record{}, fmt.Errorf("%w: dir %q", ErrCorrupt, w.Dir)
	}
	if w.QoS < 0 || w.QoS > 2 {
		return Record{}, fmt.Errorf("%w: qos %d", ErrCorrupt, w.QoS)
	}
	r := Record{Time: t, Dir: w.Dir, Topic: w.Topic, QoS: byte(w.QoS), Retain: w.Retain, Dup: w.Dup,
		ID: w.ID, State: w.State, Event: w.Event, Text: w.Text}
	if w.TopicB64 != nil {
		tp, err := base64.StdEncoding.DecodeString(*w.TopicB64)
		if err != nil {
			return Record{}, fmt.Errorf("%w: topic_b64: %v", ErrCorrupt, err)
		}
		r.Topic = string(tp)
	}
	if w.Properties != nil {
		if r.Properties, err = w.Properties.properties(); err != nil {
			return Record{}, fmt.Errorf("%w: properties: %v", ErrCorrupt, err)
		}
	}
	switch {
	case w.Payload != nil:
		r.Payload, r.HasPayload = []byte(*w.Payload), true
	case w.PayloadB64 != nil:
		p, err := base64.StdEncoding.DecodeString(*w.PayloadB64)
		if err != nil {
			return Record{}, fmt.Errorf("%w: payload_b64: %v", ErrCorrupt, err)
		}
		r.Payload, r.HasPayload = p, true
	}
	r.PayloadLen = len(r.Payload)
	if w.PayloadLen != nil && *w.PayloadLen != len(r.Payload) {
		return Record{}, fmt.Errorf("%w: payloadlen %d but %d bytes", ErrCorrupt, *w.PayloadLen, len(r.Payload))
	}
	return r, nil
}
