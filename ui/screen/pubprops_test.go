package screen

import (
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"mqttchat/mqttconn"
)

// newTestModel5 is newTestModel on an MQTT 5 connection.
func newTestModel5(w, h int) (Model, *fakeConn) {
	c := newFakeConn()
	m := New(c, Options{
		Broker:        "127.0.0.1:1883",
		ClientID:      "mqttchatTEST0000000000",
		Subscriptions: []mqttconn.Subscription{{Filter: "chat/#"}},
		Topic:         "chat/room",
		MQTT5:         true,
	})
	m = step(m, tea.WindowSizeMsg{Width: w, Height: h})
	return m, c
}

func init() {
	// Timeouts are sent by the tests themselves (requestTimeoutMsg).
	requestTick = func(time.Duration, func(time.Time) tea.Msg) tea.Cmd { return nil }
}

// runAll runs a command and what it batches, handing every message back
// to the model.
func runAll(t *testing.T, m Model, cmd tea.Cmd) Model {
	t.Helper()
	if cmd == nil {
		return m
	}
	switch msg := cmd().(type) {
	case tea.BatchMsg:
		for _, c := range msg {
			m = runAll(t, m, c)
		}
		return m
	case nil:
		return m
	default:
		m, cmd = stepCmd(m, msg)
		return runAll(t, m, cmd)
	}
}

// enter types a line into the text field and presses Enter, running what
// it starts.
func enter(t *testing.T, m Model, line string) Model {
	t.Helper()
	m = typeText(m, line)
	m, cmd := stepCmd(m, keyMsg(tea.KeyEnter))
	return runAll(t, m, cmd)
}

// TestComposerProperties: the property commands set what every message
// sent carries until cleared; each refuses a bad value in words, and over
// MQTT 3.1.1 each is refused, saying why.
func TestComposerProperties(t *testing.T) {
	tests := []struct {
		name  string
		lines []string
		want  *mqttconn.Properties // of the message "hello" sent after the lines
		err   string               // the composer's error after the last line
	}{
		{"none", nil, nil, ""},
		{"user properties keep order and repeat", []string{"/prop b 2", "/prop a 1", "/prop b two words"},
			&mqttconn.Properties{User: []mqttconn.UserProperty{{Key: "b", Value: "2"}, {Key: "a", Value: "1"}, {Key: "b", Value: "two words"}}}, ""},
		{"every kind", []string{"/content-type application/json", "/expiry 5m", "/response-topic back/here", "/prop k v"},
			&mqttconn.Properties{ContentType: "application/json", MessageExpiry: 5 * time.Minute, ResponseTopic: "back/here",
				User: []mqttconn.UserProperty{{Key: "k", Value: "v"}}}, ""},
		{"cleared one by one", []string{"/content-type x", "/content-type", "/expiry 30", "/expiry off", "/response-topic a", "/response-topic"}, nil, ""},
		{"cleared at once", []string{"/prop k v", "/expiry 1d", "/prop clear"}, nil, ""},
		{"a bad expiry", []string{"/expiry soon"}, nil, `/expiry: "soon" is not a duration in whole seconds (30, 30s, 5m, 2h, 1d), or off`},
		{"a wildcard response topic", []string{"/response-topic a/#"}, nil, "/response-topic: "},
		{"a key without a value", []string{"/prop lonely"}, nil, "/prop KEY VALUE: give a key and a value"},
		// Text fields drop control characters as they are typed; a
		// non-character gets through and brokers refuse it.
		{"a non-character in a value", []string{"/prop k v\ufdd0"}, nil, "/prop: the value holds U+FDD0 (a non-character), which brokers refuse in an MQTT string"},
		{"a non-character in a key", []string{"/prop k\uffff v"}, nil, "/prop: the key holds U+FFFF (a non-character), which brokers refuse in an MQTT string"},
		{"a non-character in the content type", []string{"/content-type text/\U0001fffe"}, nil, "/content-type: the content type holds U+1FFFE (a non-character), which brokers refuse in an MQTT string"},
		{"a non-character in the response topic", []string{"/response-topic back/\ufdef"}, nil, "/response-topic: the topic holds U+FDEF (a non-character), which brokers refuse in an MQTT string"},
		{"a non-character in a request's topic", []string{"/request ask/\ufffe hello"}, nil, "/request: the topic holds U+FFFE (a non-character), which brokers refuse in an MQTT string"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, c := newTestModel5(80, 24)
			for _, l := range tt.lines {
				m = enter(t, m, l)
			}
			if tt.err != "" {
				if !strings.HasPrefix(m.composer.err, tt.err) {
					t.Fatalf("error %q, want %q…", m.composer.err, tt.err)
				}
				if len(c.published) > 0 {
					t.Fatalf("published %d messages", len(c.published))
				}
				return
			}
			if m.composer.err != "" {
				t.Fatalf("error %q", m.composer.err)
			}
			for range 2 { // kept for the next messages, not only the first
				m.composer.text.Reset()
				m = enter(t, m, "hello")
			}
			if len(c.published) != 2 {
				t.Fatalf("published %d messages", len(c.published))
			}
			for _, p := range c.published {
				if !sameProps(p.Properties, tt.want) {
					t.Fatalf("properties %+v, want %+v", p.Properties, tt.want)
				}
			}
		})
	}
	t.Run("refused over MQTT 3.1.1", func(t *testing.T) {
		for _, l := range []string{"/prop k v", "/content-type a", "/expiry 30s", "/response-topic a", "/request a b"} {
			m, c := newTestModel(80, 24)
			m = enter(t, m, l)
			want := "message properties need MQTT 5, and this connection speaks MQTT 3.1.1 (start mqttchat with -V 5)"
			if !strings.Contains(m.composer.err, want) || len(c.published) > 0 {
				t.Fatalf("%s: error %q, published %d", l, m.composer.err, len(c.published))
			}
		}
	})
}

func sameProps(a, b *mqttconn.Properties) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.ContentType == b.ContentType && a.MessageExpiry == b.MessageExpiry && a.ResponseTopic == b.ResponseTopic &&
		string(a.CorrelationData) == string(b.CorrelationData) && slices.Equal(a.User, b.User)
}

// TestComposerShowsProperties: the composer's last line says what is set,
// in 40 columns too, and /prop lists it.
func TestComposerShowsProperties(t *testing.T) {
	m, _ := newTestModel5(40, 16)
	for _, l := range []string{"/prop room lobby", "/content-type text/plain", "/expiry 90"} {
		m = enter(t, m, l)
	}
	last := lastLine(plainText(m.composerViewForTest()))
	if want := "props: 1 user · text/plain · expiry 90s…"; strings.TrimSpace(last) != want {
		t.Fatalf("composer line %q, want %q", last, want)
	}
	m = enter(t, m, "/prop")
	got := plain(m)
	for _, want := range []string{"property: user property room = lobby", "property: content type text/plain", "property: message expiry 90s"} {
		if !strings.Contains(strings.ReplaceAll(got, "\n", " "), want[:min(len(want), 24)]) {
			t.Fatalf("/prop does not list %q:\n%s", want, got)
		}
	}
}

func (m Model) composerViewForTest() string {
	return m.composer.View(m.styles, m.styles.topicStyle(-1))
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return lines[len(lines)-1]
}

// requestSent runs /request and the publish event the connection would
// send back, and returns the request's correlation data.
func requestSent(t *testing.T, m Model, c *fakeConn, line string) (Model, string) {
	t.Helper()
	m = enter(t, m, line)
	if len(c.published) == 0 {
		t.Fatalf("nothing published; error %q", m.composer.err)
	}
	p := c.published[len(c.published)-1]
	p.Time = t0
	m = step(m, batch(mqttconn.Event{Kind: mqttconn.KindPublish, OutID: uint64(len(c.published)), State: mqttconn.StateQueued, Message: p, Time: t0}))
	return m, string(p.Properties.CorrelationData)
}

func replyEvent(topic, corr, text string, at time.Duration) mqttconn.Event {
	ev := msgEvent(topic, text, at)
	ev.Message.Properties = &mqttconn.Properties{CorrelationData: []byte(corr)}
	return ev
}

// TestRequestThreadsItsReply: /request subscribes to the response topic
// (once), publishes with it and fresh correlation data; the reply shows
// as a row under its request, which counts it; others on the response
// topic, and replies whose request is unknown, are rows of their own.
func TestRequestThreadsItsReply(t *testing.T) {
	m, c := newTestModel5(80, 24)
	m, corr := requestSent(t, m, c, "/request svc/time what time is it?")
	p := c.published[0]
	if p.Topic != "svc/time" || string(p.Payload) != "what time is it?" || p.Properties.ResponseTopic != "mqttchat/reply/mqttchatTEST0000000000" || len(corr) != 16 {
		t.Fatalf("request %+v %+v", p, p.Properties)
	}
	if !slices.Equal(c.subs, []string{"+mqttchat/reply/mqttchatTEST0000000000/1"}) {
		t.Fatalf("subscriptions %v", c.subs)
	}
	m = step(m, batch(msgEvent("chat/room", "meanwhile", time.Second)))
	m, corr2 := requestSent(t, m, c, "/request svc/time again")
	if corr2 == corr || len(c.subs) != 1 {
		t.Fatalf("second request: correlation %q (first %q), subscriptions %v", corr2, corr, c.subs)
	}
	rt := p.Properties.ResponseTopic
	m = step(m, batch(replyEvent(rt, corr, "nine o'clock", 2*time.Second), replyEvent(rt, "unknown", "stray", 3*time.Second)))
	var rows []string
	for i := range m.list.Len() {
		e := m.list.at(i)
		rows = append(rows, plainText(strings.Join(must(e.lines(80, 1, m.styles)), "")))
	}
	want := []string{"svc/time what time is it? … queued · 1 reply", "↳ reply ◀ nine o'clock", "chat/room meanwhile",
		"svc/time again … queued · awaiting a reply", "stray"}
	if len(rows) != len(want) {
		t.Fatalf("rows %q", rows)
	}
	for i, w := range want {
		if !strings.Contains(rows[i], w) {
			t.Fatalf("row %d %q, want %q; all: %q", i, rows[i], w, rows)
		}
	}
	// The second request's time runs out; a late reply still finds it.
	m = step(m, requestTimeoutMsg{correlation: corr2})
	if l := m.threads[corr2].req.threadLabel(); l != " · no reply within 30s" {
		t.Fatalf("label %q", l)
	}
	m = step(m, batch(replyEvent(rt, corr2, "late", 40*time.Second)))
	if l := m.threads[corr2].req.threadLabel(); l != " · 1 reply" {
		t.Fatalf("late reply: label %q", l)
	}
	if e := m.list.at(4); e.replyOf == nil || string(e.payload) != "late" {
		t.Fatalf("the late reply is not under its request: row 4 %q", e.payload)
	}
	// The request answered in time never says it timed out.
	m = step(m, requestTimeoutMsg{correlation: corr})
	if l := m.threads[corr].req.threadLabel(); l != " · 1 reply" {
		t.Fatalf("label %q", l)
	}
}

func must[T any](v T, _ ...any) T { return v }

// TestRequestUnderHashSubscribesNothing: a subscription that covers the
// response topic (#) takes the replies; a second would bring each twice.
func TestRequestUnderHashSubscribesNothing(t *testing.T) {
	c := newFakeConn()
	m := New(c, Options{ClientID: "me", Subscriptions: []mqttconn.Subscription{{Filter: "#"}}, MQTT5: true})
	m, _ = requestSent(t, m, c, "/request a b")
	if len(c.subs) != 0 || m.replySubscribed {
		t.Fatalf("subscriptions %v", c.subs)
	}
}

// TestRequestTimeoutSetting: /request-timeout changes what the next
// requests wait, and the request arms a tick (no waiting in Update).
func TestRequestTimeoutSetting(t *testing.T) {
	m, c := newTestModel5(80, 24)
	m = enter(t, m, "/request-timeout 5s")
	m, corr := requestSent(t, m, c, "/request a b")
	if th := m.threads[corr]; th.timeout != 5*time.Second {
		t.Fatalf("timeout %v", th.timeout)
	}
	m = enter(t, m, "/request-timeout never")
	if !strings.HasPrefix(m.composer.err, `/request-timeout: "never" is not a duration`) {
		t.Fatalf("error %q", m.composer.err)
	}
}

// TestAnswerARequest: r on a received message with a response topic sets
// the composer to that topic, and the next message there carries the
// request's correlation data (once); r on a plain message replies on its
// topic as before.
func TestAnswerARequest(t *testing.T) {
	m, c := newTestModel5(80, 24)
	req := msgEvent("svc/time", "what time is it?", 0)
	req.Message.Properties = &mqttconn.Properties{ResponseTopic: "them/replies", CorrelationData: []byte{0, 1, 2}}
	m = step(m, batch(req))
	if got := plain(m); !strings.Contains(got, "svc/time [request] what time is it?") {
		t.Fatalf("the request is not marked:\n%s", got)
	}
	m.setFocus(focusList)
	m = step(m, runes("r"))
	if v := m.composer.topic.Value(); v != "them/replies" || m.focus != focusText {
		t.Fatalf("topic %q, focus %v", v, m.focus)
	}
	if s := m.composer.summary(); s != "↩ answers a request on them/replies" {
		t.Fatalf("summary %q", s)
	}
	m = enter(t, m, "nine")
	m = enter(t, m, "again")
	if len(c.published) != 2 {
		t.Fatalf("published %d", len(c.published))
	}
	if p := c.published[0]; p.Topic != "them/replies" || p.Properties == nil || string(p.Properties.CorrelationData) != "\x00\x01\x02" {
		t.Fatalf("answer %+v", p)
	}
	if p := c.published[1]; p.Properties != nil || p.Topic == "them/replies" {
		t.Fatalf("the second message went to %q with %+v: the composer did not return to its topic", p.Topic, p.Properties)
	}
	if v := m.composer.topic.Value(); v == "them/replies" {
		t.Fatalf("the composer stays on the response topic %q", v)
	}
}

// TestInsertAfterKeepsTheView: a reply inserted above the bottom of a
// view scrolled up leaves the selection on its row; one inserted under a
// filter that hides it changes nothing shown.
func TestInsertAfterKeepsTheView(t *testing.T) {
	l := newMessageList(100, 1<<20, 1, testStyles())
	l.setSize(40, 3)
	var es []*entry
	for i := range 10 {
		e := newMessageEntry(entryIn, mqttconn.Message{Topic: "t", Payload: []byte{byte('a' + i)}, Time: t0}, analysis{})
		l.push(e)
		es = append(es, e)
	}
	l.selectIndex(5)
	sel, _ := l.selected()
	l.insertAfter(es[2], newMessageEntry(entryIn, mqttconn.Message{Topic: "t", Payload: []byte("r"), Time: t0}, analysis{}))
	if now, _ := l.selected(); now != sel {
		t.Fatalf("selection moved from %q to %q", sel.payload, now.payload)
	}
	if l.at(3).payload[0] != 'r' || l.at(4) != es[3] || l.Len() != 11 {
		t.Fatalf("order wrong")
	}
	for i := range l.Len() {
		if l.at(i).seq != l.firstSeq+uint64(i) {
			t.Fatalf("row %d has seq %d", i, l.at(i).seq)
		}
	}
}

// TestPropertiesGolden: the screen with properties set on the composer, a
// request answered by a threaded reply, one that timed out, and a
// received request, at 40, 80 and 120 columns.
func TestPropertiesGolden(t *testing.T) {
	for _, w := range []int{40, 80, 120} {
		m, c := newTestModel5(w, 18)
		m = step(m, batch(mqttconn.Event{Kind: mqttconn.KindConnected, Attempt: 1, Time: t0}))
		m, corr := requestSent(t, m, c, "/request svc/time what time is it?")
		m, corr2 := requestSent(t, m, c, "/request svc/echo anyone?")
		rt := c.published[0].Properties.ResponseTopic
		reply := replyEvent(rt, corr, "nine o'clock", 2*time.Second)
		reply.Message.Properties.User = []mqttconn.UserProperty{{Key: mqttconn.NameProperty, Value: "clock"}}
		req := msgEvent("svc/ping", "ping", 3*time.Second)
		req.Message.Properties = &mqttconn.Properties{ResponseTopic: "them/replies", CorrelationData: []byte("42")}
		m = step(m, batch(reply, req))
		m = step(m, requestTimeoutMsg{correlation: corr2})
		for _, l := range []string{"/prop room lobby", "/prop lang en", "/content-type text/plain", "/expiry 5m"} {
			m = enter(t, m, l)
		}
		golden(t, "pubprops_"+strconv.Itoa(w)+"x18", plain(m))
	}
}

// TestAnswerARequestWithoutCorrelation: a request with a response topic
// and no correlation data (mosquitto_rr without -D) is answered on its
// response topic with no properties added.
func TestAnswerARequestWithoutCorrelation(t *testing.T) {
	m, c := newTestModel5(80, 24)
	req := msgEvent("svc/time", "now?", 0)
	req.Message.Properties = &mqttconn.Properties{ResponseTopic: "them/replies"}
	m = step(m, batch(req))
	m.setFocus(focusList)
	m = step(m, runes("r"))
	m = enter(t, m, "nine")
	if len(c.published) != 1 || c.published[0].Topic != "them/replies" || c.published[0].Properties != nil || m.composer.reply != nil {
		t.Fatalf("published %+v", c.published)
	}
}

// TestTopicsBrokersRefuse: a topic or filter typed in the composer that
// brokers refuse as a string (mosquitto drops the connection) is refused
// where it is typed, in words, and nothing is sent.
func TestTopicsBrokersRefuse(t *testing.T) {
	tests := []struct {
		line, want string
	}{
		{"/topic chat/\ufdd0", "/topic: the topic holds U+FDD0 (a non-character), which brokers refuse in an MQTT string"},
		{"/sub chat/\uffff/#", "/sub: the filter holds U+FFFF (a non-character), which brokers refuse in an MQTT string"},
		{"/clear-retained chat/\U0010fffe", "/clear-retained: the topic holds U+10FFFE (a non-character), which brokers refuse in an MQTT string"},
	}
	for _, tt := range tests {
		m, c := newTestModel(80, 24)
		m = enter(t, m, tt.line)
		if m.composer.err != tt.want || len(c.published) > 0 || len(c.subs) > 0 {
			t.Errorf("%q: error %q (published %d, subscribed %d), want %q", tt.line, m.composer.err, len(c.published), len(c.subs), tt.want)
		}
	}
	m, c := newTestModel(80, 24)
	m.composer.topic.SetValue("chat/\ufdef")
	m = enter(t, m, "hello")
	if want := "topic: holds U+FDEF (a non-character), which brokers refuse in an MQTT string"; m.composer.err != want || len(c.published) > 0 {
		t.Errorf("the topic field: error %q (published %d), want %q", m.composer.err, len(c.published), want)
	}
}
