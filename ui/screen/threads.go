package screen

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"mqttchat/mqttconn"
	"mqttchat/mqttconn/mqttstr"
	"mqttchat/mqttconn/topic"
	"mqttchat/ui/sanitize"
)

// MQTT 5 request/response (MQTT 5 §4.10). /request publishes with our
// response topic and fresh correlation data; a message on the response
// topic carrying that correlation data is the reply, drawn as a row under
// its request. r on a received request sets the composer to answer it.

// DefaultRequestTimeout is how long a /request waits before its row says
// that no reply came (a late reply still finds its request).
const DefaultRequestTimeout = 30 * time.Second

// ReplyTopicPrefix starts the response topic of every /request: one topic
// per client (ReplyTopicPrefix + client id), subscribed once, at the
// first /request.
const ReplyTopicPrefix = "mqttchat/reply/"

// maxThreads bounds the requests remembered; the oldest are forgotten.
const maxThreads = 1024

// maxReplyRows is how many replies of one request are drawn under it;
// more come as rows of their own at the bottom.
const maxReplyRows = 20

// thread is a request we sent and what answered it.
type thread struct {
	correlation string
	req         *entry // the request's row, once its publish event came
	last        *entry // the last reply row under it
	replies     int
	timedOut    bool
	timeout     time.Duration
}

// replyContext is a received request the composer answers: the next
// message to its response topic carries its correlation data.
type replyContext struct {
	topic       string
	correlation []byte
	back        string // the composer's topic before: it returns there once the answer is sent
}

// requestTick arms a request's timeout (tests replace it).
var requestTick = tea.Tick

// requestTimeoutMsg says a request's time to wait is over.
type requestTimeoutMsg struct{ correlation string }

// replyTopicFor is the response topic of a client: ReplyTopicPrefix and
// its id, with what a topic name cannot hold replaced.
func replyTopicFor(clientID string) string {
	id := strings.NewReplacer("+", "_", "#", "_", "/", "_").Replace(clientID)
	if id == "" || topic.ValidateName(ReplyTopicPrefix+id) != nil || mqttstr.Check(ReplyTopicPrefix+id) != nil {
		id = hex.EncodeToString(newCorrelation())
	}
	return ReplyTopicPrefix + id
}

// newCorrelation is fresh random correlation data: 16 hex characters, so
// that other tools show it as text.
func newCorrelation() []byte {
	b := make([]byte, 8)
	_, _ = rand.Read(b) // crypto/rand does not fail on supported platforms
	return []byte(hex.EncodeToString(b))
}

// cmdRequest publishes TEXT to TOPIC with our response topic and fresh
// correlation data (and the composer's properties), subscribing to the
// response topic first the first time: SUBSCRIBE goes out before the
// PUBLISH (the pump writes control packets first), so that no fast reply
// is missed.
func (m *Model) cmdRequest(args string) (tea.Cmd, error) {
	if err := m.needV5("request"); err != nil {
		return nil, err
	}
	t, text, ok := strings.Cut(args, " ")
	if !ok || strings.TrimSpace(text) == "" {
		return nil, errors.New("/request TOPIC TEXT: give a topic and the request's text")
	}
	if err := topic.ValidateName(t); err != nil {
		return nil, fmt.Errorf("/request: %q: %v", sanitize.String(t), err)
	}
	if err := checkMQTTString("the topic", t); err != nil {
		return nil, fmt.Errorf("/request: %v", err)
	}
	text = strings.TrimLeft(text, " ")
	corr := newCorrelation()
	props := mergeDraft(m.composer.props.properties(), m.replyTopic, corr)
	msg := mqttconn.Message{Topic: t, Payload: []byte(text), QoS: m.composer.qos, Properties: props}
	th := &thread{correlation: string(corr), timeout: m.requestTimeout}
	m.addThread(th)
	// Subscribed once; not at all while a subscription (# say) covers it:
	// a second one would bring every reply twice.
	conn, rt := m.conn, m.replyTopic
	subscribe := !m.replySubscribed && m.rooms.matching(rt) == 0
	m.replySubscribed = m.replySubscribed || subscribe
	// Recalled as the line it was, beside the composer's topic (the
	// request's topic is not where the next message goes).
	line, composerTopic := "/request "+args, m.composer.topic.Value()
	publishIt := func() tea.Msg {
		if subscribe {
			if err := conn.Subscribe(rt, 1); err != nil {
				return publishResultMsg{topic: composerTopic, text: line, err: fmt.Errorf("/request: the response topic: %w", err)}
			}
		}
		_, err := conn.Publish(msg)
		return publishResultMsg{topic: composerTopic, text: line, err: err}
	}
	timeout := requestTick(th.timeout, func(time.Time) tea.Msg { return requestTimeoutMsg{correlation: th.correlation} })
	return tea.Batch(publishIt, timeout), nil
}

// mergeDraft is p (which may be nil) with a response topic and
// correlation data.
func mergeDraft(p *mqttconn.Properties, responseTopic string, corr []byte) *mqttconn.Properties {
	if p == nil {
		p = &mqttconn.Properties{}
	}
	p.ResponseTopic, p.CorrelationData = responseTopic, corr
	return p
}

// cmdRequestTimeout sets how long the next requests wait for a reply.
func (m *Model) cmdRequestTimeout(args string) (tea.Cmd, error) {
	d, err := parseSeconds(args, 24*time.Hour)
	if err != nil {
		return nil, fmt.Errorf("/request-timeout: %v", err)
	}
	m.requestTimeout = d
	return nil, nil
}

// addThread remembers a request, forgetting the oldest over maxThreads.
func (m *Model) addThread(th *thread) {
	if m.threads == nil {
		m.threads = map[string]*thread{}
	}
	m.threads[th.correlation] = th
	m.threadOrder = append(m.threadOrder, th.correlation)
	for len(m.threadOrder) > maxThreads {
		delete(m.threads, m.threadOrder[0])
		m.threadOrder = m.threadOrder[1:]
	}
}

// requestTimedOut marks a request that no reply answered in time.
func (m *Model) requestTimedOut(msg requestTimeoutMsg) {
	th, ok := m.threads[msg.correlation]
	if !ok || th.replies > 0 {
		return
	}
	th.timedOut = true
	if th.req != nil {
		th.req.invalidate()
	}
}

// attachRequest links the row of a message we publish to its request.
func (m *Model) attachRequest(e *entry, msg mqttconn.Message) {
	if msg.Properties == nil || msg.Properties.CorrelationData == nil || msg.Properties.ResponseTopic != m.replyTopic {
		return
	}
	if th, ok := m.threads[string(msg.Properties.CorrelationData)]; ok && th.req == nil {
		th.req, e.thread = e, th
	}
}

// threadReply draws a received message as a reply under its request and
// reports whether it did: a message on our response topic whose
// correlation data is a request's still on screen.
func (m *Model) threadReply(e *entry, msg mqttconn.Message) bool {
	if msg.Topic != m.replyTopic || msg.Properties == nil || msg.Properties.CorrelationData == nil {
		return false
	}
	th, ok := m.threads[string(msg.Properties.CorrelationData)]
	if !ok || th.req == nil {
		return false
	}
	th.replies++
	th.req.invalidate()
	anchor := th.req
	if th.last != nil && m.list.holds(th.last) {
		anchor = th.last
	}
	if th.replies > maxReplyRows || !m.list.holds(anchor) {
		return false // a row of its own at the bottom
	}
	e.replyOf = th
	m.list.insertAfter(anchor, e)
	th.last = e
	return true
}

// threadLabel is what a request's row says of its replies, or "".
func (e *entry) threadLabel() string {
	th := e.thread
	switch {
	case th == nil:
		return ""
	case th.replies > 0:
		return fmt.Sprintf(" · %d %s", th.replies, plural(th.replies, "reply", "replies"))
	case th.timedOut:
		return " · no reply within " + shortDuration(th.timeout)
	}
	return " · awaiting a reply"
}

// answer sets the composer to reply to a received request: its topic is
// the request's response topic, and the next message to it carries the
// request's correlation data.
func (m *Model) answer(e *entry) tea.Cmd {
	m.composer.reply = &replyContext{topic: e.responseTopic, correlation: e.correlation, back: m.composer.topic.Value()}
	return m.replyTo(e.responseTopic)
}
