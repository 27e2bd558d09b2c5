// Package packettrace writes the MQTT packets of a run as JSON lines
// (mqttchat --trace FILE), decoded as the packets view shows them, so that
// a run can be attached to a bug report. A password is never written: the
// CONNECT says only whether it had one.
//
// Observe never blocks (mqttconn.Config.OnPacket): packets wait in a
// bounded queue for the writer's own goroutine, and what does not fit is
// dropped and counted; Close writes a last line with the counts.
package packettrace

import (
	"bufio"
	"encoding/json"
	"io"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"mqttchat/mqttconn"
	"mqttchat/ui/sanitize"
)

// QueueSize is how many packets wait for the writer at most.
const QueueSize = 8192

// Writer writes packets as JSON lines.
type Writer struct {
	w       io.Writer
	ch      chan mqttconn.Packet
	stop    chan struct{}
	done    chan struct{}
	once    sync.Once
	dropped atomic.Uint64
	written uint64
	err     error
}

// New starts a writer to w (closed by Close when it is an io.Closer).
func New(w io.Writer) *Writer {
	t := &Writer{w: w, ch: make(chan mqttconn.Packet, QueueSize), stop: make(chan struct{}), done: make(chan struct{})}
	go t.run()
	return t
}

// Observe queues a packet without blocking; when the queue is full it is
// dropped and counted.
func (t *Writer) Observe(p mqttconn.Packet) {
	select {
	case t.ch <- p:
	default:
		t.dropped.Add(1)
	}
}

// Close writes what is queued and the last line, and closes the file. It
// reports the first write error.
func (t *Writer) Close() error {
	t.once.Do(func() {
		close(t.stop)
		<-t.done
		if c, ok := t.w.(io.Closer); ok {
			if err := c.Close(); err != nil && t.err == nil {
				t.err = err
			}
		}
	})
	return t.err
}

// End is the last line: how many packets were written and dropped.
type End struct {
	End     bool   `json:"end"`
	Written uint64 `json:"written"`
	Dropped uint64 `json:"dropped"`
}

func (t *Writer) run() {
	defer close(t.done)
	bw := bufio.NewWriterSize(t.w, 64<<10)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	write := func(p mqttconn.Packet) {
		if t.err == nil {
			t.err = enc.Encode(Record(p))
			t.written++
		}
	}
	for {
		select {
		case p := <-t.ch:
			write(p)
			if len(t.ch) == 0 && t.err == nil {
				t.err = bw.Flush()
			}
		case <-t.stop:
			for {
				select {
				case p := <-t.ch:
					write(p)
					continue
				default:
				}
				break
			}
			if t.err == nil {
				t.err = enc.Encode(End{End: true, Written: t.written, Dropped: t.dropped.Load()})
			}
			if t.err == nil {
				t.err = bw.Flush()
			}
			return
		}
	}
}

// Line is one packet as written.
type Line struct {
	Time      time.Time `json:"time"`
	Dir       string    `json:"dir"` // "out" (sent) or "in" (received)
	Type      string    `json:"type"`
	Length    int       `json:"length"` // remaining length
	ID        *uint16   `json:"id,omitempty"`
	QoS       *byte     `json:"qos,omitempty"`
	Dup       bool      `json:"dup,omitempty"`
	Retain    bool      `json:"retain,omitempty"`
	Topic     *string   `json:"topic,omitempty"`
	Payload   *int      `json:"payload_length,omitempty"`
	Preview   *string   `json:"preview,omitempty"`     // the payload's first bytes, when they are UTF-8
	PreviewB  []byte    `json:"preview_b64,omitempty"` // or as base64
	Code      *byte     `json:"code,omitempty"`
	CodeText  string    `json:"code_text,omitempty"`
	Session   *bool     `json:"session_present,omitempty"`
	Connect   *Connect  `json:"connect,omitempty"`
	Filters   []Filter  `json:"filters,omitempty"`
	Codes     []int     `json:"codes,omitempty"`
	V5        bool      `json:"mqtt5,omitempty"`      // decoded as MQTT 5
	Props     []Prop    `json:"properties,omitempty"` // MQTT 5 properties, bounded; never authentication data
	Cut       bool      `json:"cut,omitempty"`
	Malformed bool      `json:"malformed,omitempty"`
	Dropped   bool      `json:"over_size_cap,omitempty"`
	Duplicate bool      `json:"duplicate,omitempty"`
}

// Connect is a CONNECT's fields: never the password, never the user name.
type Connect struct {
	Protocol     string `json:"protocol"`
	Level        byte   `json:"level"`
	CleanSession bool   `json:"clean_session"`
	KeepAlive    uint16 `json:"keep_alive"`
	ClientID     string `json:"client_id"`
	WillTopic    string `json:"will_topic,omitempty"`
	WillQoS      byte   `json:"will_qos,omitempty"`
	WillRetain   bool   `json:"will_retain,omitempty"`
	Username     bool   `json:"username_present"`
	Password     bool   `json:"password_present"`
}

// Prop is one MQTT 5 property; its value is sanitized for display (as the
// packets view shows it), a last one named "…" says the list was cut.
type Prop struct {
	ID    byte   `json:"id,omitempty"`
	Name  string `json:"name"`
	Value string `json:"value,omitempty"`
}

// Filter is one filter of a SUBSCRIBE or UNSUBSCRIBE.
type Filter struct {
	Filter string `json:"filter"`
	QoS    *byte  `json:"qos,omitempty"`
}

// Record is the line written for p.
func Record(p mqttconn.Packet) Line {
	l := Line{Time: p.Time, Dir: "in", Type: p.TypeName(), Length: p.Length, Cut: p.Cut, Malformed: p.Malformed,
		Dropped: p.Dropped, Duplicate: p.Duplicate, V5: p.V5}
	for _, pr := range p.Props {
		l.Props = append(l.Props, Prop{ID: pr.ID, Name: pr.Name, Value: sanitize.String(pr.Value)})
	}
	reason := func() { // an MQTT 5 reason code
		if p.V5 {
			code := p.Code
			l.Code, l.CodeText = &code, mqttconn.ReasonText(code)
		}
	}
	if p.Out {
		l.Dir = "out"
	}
	id := p.ID
	switch p.Type {
	case mqttconn.TypeConnect:
		if c := p.Connect; c != nil {
			l.Connect = &Connect{Protocol: c.Protocol, Level: c.Level, CleanSession: c.CleanSession, KeepAlive: c.KeepAlive,
				ClientID: c.ClientID, Username: c.Username, Password: c.Password}
			if c.Will {
				l.Connect.WillTopic, l.Connect.WillQoS, l.Connect.WillRetain = c.WillTopic, c.WillQoS, c.WillRetain
			}
		}
	case mqttconn.TypeConnack:
		code, sp := p.Code, p.SessionPresent
		l.Code, l.CodeText, l.Session = &code, mqttconn.ConnackText(code), &sp
		reason()
	case mqttconn.TypePublish:
		qos, topic, n := p.QoS(), p.Topic, p.PayloadLen
		l.QoS, l.Dup, l.Retain, l.Topic, l.Payload = &qos, p.Dup(), p.Retain(), &topic, &n
		if qos > 0 {
			l.ID = &id
		}
		if pv := p.PreviewBytes(); len(pv) > 0 {
			if utf8.Valid(pv) {
				s := string(pv)
				l.Preview = &s
			} else {
				l.PreviewB = append([]byte(nil), pv...)
			}
		}
	case mqttconn.TypePuback, mqttconn.TypePubrec, mqttconn.TypePubrel, mqttconn.TypePubcomp:
		l.ID = &id
		reason()
	case mqttconn.TypeDisconnect, mqttconn.TypeAuth:
		reason()
	case mqttconn.TypeUnsuback:
		l.ID = &id
		if p.Subs != nil {
			for _, c := range p.Subs.Codes {
				l.Codes = append(l.Codes, int(c))
			}
		}
	case mqttconn.TypeSubscribe, mqttconn.TypeUnsubscribe:
		l.ID = &id
		if p.Subs != nil {
			for _, f := range p.Subs.Filters {
				ff := Filter{Filter: f.Filter}
				if p.Type == mqttconn.TypeSubscribe {
					q := f.QoS
					ff.QoS = &q
				}
				l.Filters = append(l.Filters, ff)
			}
		}
	case mqttconn.TypeSuback:
		l.ID = &id
		if p.Subs != nil {
			for _, c := range p.Subs.Codes {
				l.Codes = append(l.Codes, int(c))
			}
		}
	}
	return l
}
