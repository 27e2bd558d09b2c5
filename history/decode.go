package history

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"strconv"
	"time"
	"unicode/utf8"

	"mqttchat/mqttconn"
)

// decodeLine decodes a line written in the writer's own field order
// (Record.AppendJSON) without reflection. ok is false for any line not in
// exactly that form: parseRecord, with encoding/json, then decides. On every
// line it accepts it agrees with parseRecord (FuzzDecodeLine checks it).
func decodeLine(line []byte) (Record, bool) {
	d := lineDecoder{b: line}
	return d.record()
}

// decodeHead decodes the start of a long line, cut anywhere inside its
// payload: the record's fields before the payload and the start of the
// payload. Fields after the payload (id, state, event, text) are not read.
// ok is false when the head is not in the writer's form or ends before the
// payload starts.
func decodeHead(head []byte) (Record, bool) {
	d := lineDecoder{b: head, partial: true}
	return d.record()
}

// parseLine decodes a line, fast when it is in the writer's form.
func parseLine(line []byte) (Record, error) {
	if r, ok := decodeLine(line); ok {
		return r, nil
	}
	return parseRecord(line)
}

type lineDecoder struct {
	b       []byte
	i       int
	partial bool // the line is cut inside its payload
	cut     bool // the payload ended with the input
}

func (d *lineDecoder) lit(s string) bool {
	if len(d.b)-d.i >= len(s) && string(d.b[d.i:d.i+len(s)]) == s {
		d.i += len(s)
		return true
	}
	return false
}

func (d *lineDecoder) record() (r Record, ok bool) {
	if !d.lit(`{"tst":"`) {
		return r, false
	}
	end := bytes.IndexByte(d.b[d.i:], '"')
	if end < 0 {
		return r, false
	}
	raw := d.b[d.i : d.i+end]
	for _, c := range raw {
		if c < 0x20 || c == '\\' || c >= 0x80 {
			return r, false
		}
	}
	t, err := time.Parse(time.RFC3339Nano, string(raw))
	if err != nil {
		return r, false
	}
	d.i += end + 1
	r.Time = t
	switch {
	case d.lit(`,"dir":"in"`):
		r.Dir = DirIn
	case d.lit(`,"dir":"out"`):
		r.Dir = DirOut
	case d.lit(`,"dir":"event"`):
		r.Dir = DirEvent
	default:
		return r, false
	}
	if d.lit(`,"topic":"`) {
		if r.Topic, ok = d.str(); !ok {
			return r, false
		}
	} else if d.lit(`,"topic_b64":"`) {
		p, ok := d.b64()
		if !ok {
			return r, false
		}
		r.Topic = string(p)
	}
	if d.lit(`,"qos":`) {
		if d.i >= len(d.b) || d.b[d.i] < '0' || d.b[d.i] > '2' {
			return r, false
		}
		r.QoS = d.b[d.i] - '0'
		d.i++
	}
	if d.lit(`,"retain":true`) {
		r.Retain = true
	}
	if d.lit(`,"dup":true`) {
		r.Dup = true
	}
	if d.lit(`,"payloadlen":`) {
		n, ok := d.uint()
		if !ok || n > 1<<62 {
			return r, false
		}
		r.PayloadLen, r.HasPayload = int(n), true
		if d.lit(`,"properties":{`) {
			if r.Properties, ok = d.properties(); !ok {
				return r, false
			}
		}
		switch {
		case d.lit(`,"payload":"`):
			s, ok := d.strBytes()
			if !ok {
				return r, false
			}
			r.Payload = s
		case d.lit(`,"payload_b64":"`):
			if r.Payload, ok = d.b64(); !ok {
				return r, false
			}
		default:
			return r, false
		}
		if d.cut {
			r.Partial = true
			return r, len(r.Payload) <= r.PayloadLen
		}
		if r.PayloadLen != len(r.Payload) {
			return r, false
		}
	} else if d.partial {
		return r, false // a long line is long for its payload
	}
	if d.lit(`,"id":`) {
		if r.ID, ok = d.uint(); !ok {
			return r, false
		}
	}
	for _, f := range [...]struct {
		key string
		to  *string
	}{{`,"state":"`, &r.State}, {`,"event":"`, &r.Event}, {`,"text":"`, &r.Text}} {
		if d.lit(f.key) {
			if *f.to, ok = d.str(); !ok {
				return r, false
			}
		}
	}
	if d.i != len(d.b)-1 || d.b[d.i] != '}' {
		return r, false
	}
	return r, true
}

// uint reads a JSON number that is a plain unsigned integer, followed by
// ',', '}' or ']'.
func (d *lineDecoder) uint() (uint64, bool) {
	j := d.i
	for j < len(d.b) && d.b[j] >= '0' && d.b[j] <= '9' {
		j++
	}
	if j == d.i || j == len(d.b) || (d.b[d.i] == '0' && j > d.i+1) {
		return 0, false
	}
	if c := d.b[j]; c != ',' && c != '}' && c != ']' {
		return 0, false
	}
	n, err := strconv.ParseUint(string(d.b[d.i:j]), 10, 64)
	if err != nil {
		return 0, false
	}
	d.i = j
	return n, true
}

func (d *lineDecoder) str() (string, bool) {
	b, ok := d.strBytes()
	return string(b), ok && !d.cut
}

// strBytes reads the rest of a JSON string whose opening quote was read.
func (d *lineDecoder) strBytes() ([]byte, bool) {
	start := d.i
	q := bytes.IndexByte(d.b[start:], '"')
	if q < 0 {
		if d.partial {
			return d.strSlow(start) // cut by the input: ends wherever it can
		}
		return nil, false
	}
	raw := d.b[start : start+q]
	if bytes.IndexByte(raw, '\\') >= 0 {
		return d.strSlow(start)
	}
	if ctl, ascii := scanRaw(raw); ctl || (!ascii && !utf8.Valid(raw)) {
		return nil, false
	}
	d.i = start + q + 1
	out := make([]byte, len(raw))
	copy(out, raw)
	return out, true
}

// scanRaw reports whether raw holds a control byte (< 0x20, which JSON
// refuses raw in a string) and whether it is all ASCII, eight bytes at a time.
func scanRaw(raw []byte) (ctl, ascii bool) {
	const highs, spaces = 0x8080808080808080, 0x2020202020202020
	var high uint64
	i := 0
	for ; i+8 <= len(raw); i += 8 {
		x := binary.LittleEndian.Uint64(raw[i:])
		if (x-spaces)&^x&highs != 0 {
			return true, false
		}
		high |= x & highs
	}
	for ; i < len(raw); i++ {
		if raw[i] < 0x20 {
			return true, false
		}
		high |= uint64(raw[i] & 0x80)
	}
	return false, high == 0
}

// strSlow reads a string with escapes.
func (d *lineDecoder) strSlow(start int) ([]byte, bool) {
	out := make([]byte, 0, len(d.b)-start)
	from := start // the start of the unescaped run not yet copied
	for j := start; j < len(d.b); {
		c := d.b[j]
		switch {
		case c == '"':
			out = append(out, d.b[from:j]...)
			if !utf8.Valid(out) {
				return nil, false
			}
			d.i = j + 1
			return out, true
		case c < 0x20:
			return nil, false
		case c != '\\':
			j++
			continue
		}
		out = append(out, d.b[from:j]...)
		if j+1 >= len(d.b) {
			from = len(d.b) // cut after a backslash
			break
		}
		switch e := d.b[j+1]; e {
		case '"', '\\', '/':
			out = append(out, e)
			j += 2
		case 'n':
			out, j = append(out, '\n'), j+2
		case 't':
			out, j = append(out, '\t'), j+2
		case 'r':
			out, j = append(out, '\r'), j+2
		case 'b':
			out, j = append(out, '\b'), j+2
		case 'f':
			out, j = append(out, '\f'), j+2
		case 'u':
			if j+6 > len(d.b) {
				j = len(d.b) // cut inside an escape
				from = j
				continue
			}
			v, err := strconv.ParseUint(string(d.b[j+2:j+6]), 16, 32)
			if err != nil || (v >= 0xd800 && v <= 0xdfff) {
				return nil, false // surrogates: encoding/json decides
			}
			out = utf8.AppendRune(out, rune(v))
			j += 6
		default:
			return nil, false
		}
		from = j
	}
	if !d.partial {
		return nil, false
	}
	if from < len(d.b) {
		out = append(out, d.b[from:]...)
	}
	return d.cutAt(out)
}

// cutAt ends a string that the input cut: only whole characters are kept.
func (d *lineDecoder) cutAt(s []byte) ([]byte, bool) {
	d.cut, d.i = true, len(d.b)
	for n := 0; n < utf8.UTFMax && len(s) > 0 && !utf8.Valid(s); n++ {
		s = s[:len(s)-1]
	}
	return s, utf8.Valid(s)
}

// b64 reads the rest of a string of standard base64.
func (d *lineDecoder) b64() ([]byte, bool) {
	end := bytes.IndexByte(d.b[d.i:], '"')
	raw := d.b[d.i:]
	if end >= 0 {
		raw = raw[:end]
	} else if !d.partial {
		return nil, false
	}
	for _, c := range raw {
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/' || c == '=') {
			return nil, false
		}
	}
	if end < 0 {
		raw = raw[:len(raw)/4*4]
		d.cut, d.i = true, len(d.b)
	} else {
		d.i += end + 1
	}
	p := make([]byte, base64.StdEncoding.DecodedLen(len(raw)))
	n, err := base64.StdEncoding.Decode(p, raw)
	if err != nil {
		return nil, false
	}
	return p[:n], true
}

// properties reads the rest of a "properties" object, whose opening brace
// was read, in the writer's form (appendProperties): its keys in that order,
// each at most once, no spaces.
func (d *lineDecoder) properties() (*mqttconn.Properties, bool) {
	p := &mqttconn.Properties{}
	first := true
	key := func(name string) bool {
		if d.key(name, first) {
			first = false
			return true
		}
		return false
	}
	num := func(limit uint64) (uint64, bool) {
		n, ok := d.uint()
		return n, ok && n <= limit
	}
	if key("payload-format-indicator") {
		n, ok := num(0xFF)
		if !ok {
			return nil, false
		}
		p.PayloadFormat = byte(n)
	}
	if key("message-expiry-interval") {
		n, ok := num(0xFFFFFFFF)
		if !ok {
			return nil, false
		}
		p.MessageExpiry = time.Duration(n) * time.Second
	}
	for _, f := range [...]struct {
		name string
		to   *string
	}{{"content-type", &p.ContentType}, {"response-topic", &p.ResponseTopic}} {
		if key(f.name) {
			var ok bool
			if !d.lit(`"`) {
				return nil, false
			}
			if *f.to, ok = d.str(); !ok {
				return nil, false
			}
		}
	}
	switch {
	case key("correlation-data"):
		if !d.lit(`"`) {
			return nil, false
		}
		c, ok := d.strBytes()
		if !ok || d.cut {
			return nil, false
		}
		p.CorrelationData = c
	case key("correlation-data_b64"):
		if !d.lit(`"`) {
			return nil, false
		}
		c, ok := d.b64()
		if !ok || d.cut {
			return nil, false
		}
		p.CorrelationData = c
	}
	if key("user-properties") {
		if !d.lit(`[`) {
			return nil, false
		}
		for {
			var u mqttconn.UserProperty
			var ok bool
			if !d.lit(`{"`) {
				return nil, false
			}
			if u.Key, ok = d.str(); !ok || !d.lit(`:"`) {
				return nil, false
			}
			if u.Value, ok = d.str(); !ok || !d.lit(`}`) {
				return nil, false
			}
			p.User = append(p.User, u)
			if d.lit(`]`) {
				break
			}
			if !d.lit(`,`) {
				return nil, false
			}
		}
	}
	if key("topic-alias") {
		n, ok := num(0xFFFF)
		if !ok {
			return nil, false
		}
		p.TopicAlias = uint16(n)
	}
	if key("subscription-identifier") {
		list := d.lit(`[`)
		for {
			n, ok := num(maxSubscriptionID)
			if !ok || n == 0 {
				return nil, false
			}
			p.SubscriptionIDs = append(p.SubscriptionIDs, int(n))
			if !list || d.lit(`]`) {
				break
			}
			if !d.lit(`,`) {
				return nil, false
			}
		}
	}
	if !d.lit(`}`) {
		return nil, false
	}
	return tidyProperties(p), true
}

// key reads `"name":`, after a comma unless it is the object's first key.
func (d *lineDecoder) key(name string, first bool) bool {
	i := d.i
	if !first {
		if i >= len(d.b) || d.b[i] != ',' {
			return false
		}
		i++
	}
	end := i + len(name) + 3
	if end > len(d.b) || d.b[i] != '"' || string(d.b[i+1:i+1+len(name)]) != name || d.b[end-2] != '"' || d.b[end-1] != ':' {
		return false
	}
	d.i = end
	return true
}
