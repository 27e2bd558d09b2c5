package screen

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"mqttchat/mqttconn"
	"mqttchat/mqttconn/mqttstr"
	"mqttchat/mqttconn/topic"
	"mqttchat/ui/sanitize"
)

// pubProps are the MQTT 5 properties the composer puts on every message
// it sends, until cleared: user properties (keys may repeat, order kept),
// a content type, a message expiry and a response topic.
type pubProps struct {
	user          []mqttconn.UserProperty
	contentType   string
	expiry        time.Duration
	responseTopic string
}

func (p pubProps) empty() bool {
	return len(p.user) == 0 && p.contentType == "" && p.expiry == 0 && p.responseTopic == ""
}

// properties are the message properties, or nil when none are set.
func (p pubProps) properties() *mqttconn.Properties {
	if p.empty() {
		return nil
	}
	return &mqttconn.Properties{User: append([]mqttconn.UserProperty(nil), p.user...),
		ContentType: p.contentType, MessageExpiry: p.expiry, ResponseTopic: p.responseTopic}
}

// summary is the composer's compact line of what is set, e.g. "props:
// 2 user · application/json · expiry 30s · response → a/b", or "".
func (p pubProps) summary() string {
	var parts []string
	if n := len(p.user); n > 0 {
		parts = append(parts, fmt.Sprintf("%d user", n))
	}
	if p.contentType != "" {
		parts = append(parts, sanitize.String(p.contentType))
	}
	if p.expiry > 0 {
		parts = append(parts, "expiry "+shortDuration(p.expiry))
	}
	if p.responseTopic != "" {
		parts = append(parts, "response → "+sanitize.String(p.responseTopic))
	}
	if len(parts) == 0 {
		return ""
	}
	return "props: " + strings.Join(parts, " · ") + " (/prop lists)"
}

// lines are what /prop lists, one line a property.
func (p pubProps) lines() []string {
	var out []string
	for _, u := range p.user {
		out = append(out, fmt.Sprintf("user property %s = %s", sanitize.String(u.Key), sanitize.String(u.Value)))
	}
	if p.contentType != "" {
		out = append(out, "content type "+sanitize.String(p.contentType))
	}
	if p.expiry > 0 {
		out = append(out, "message expiry "+shortDuration(p.expiry))
	}
	if p.responseTopic != "" {
		out = append(out, "response topic "+sanitize.String(p.responseTopic))
	}
	return out
}

// shortDuration is a duration in its largest whole unit: 30s, 5m, 2h, 1d,
// else 90s.
func shortDuration(d time.Duration) string {
	s := int64(d / time.Second)
	switch {
	case s >= 86400 && s%86400 == 0:
		return strconv.FormatInt(s/86400, 10) + "d"
	case s >= 3600 && s%3600 == 0:
		return strconv.FormatInt(s/3600, 10) + "h"
	case s >= 60 && s%60 == 0:
		return strconv.FormatInt(s/60, 10) + "m"
	}
	return strconv.FormatInt(s, 10) + "s"
}

// parseSeconds reads a whole number of seconds: 30, 30s, 5m, 2h or 1d,
// from 1 second to max.
func parseSeconds(s string, max time.Duration) (time.Duration, error) {
	bad := fmt.Errorf("%q is not a duration in whole seconds (30, 30s, 5m, 2h, 1d)", sanitize.String(s))
	t := strings.TrimSpace(s)
	unit := time.Second
	if n := len(t); n > 0 {
		switch t[n-1] {
		case 's':
			t = t[:n-1]
		case 'm':
			unit, t = time.Minute, t[:n-1]
		case 'h':
			unit, t = time.Hour, t[:n-1]
		case 'd':
			unit, t = 24*time.Hour, t[:n-1]
		}
	}
	n, err := strconv.ParseUint(t, 10, 32)
	if err != nil || n == 0 {
		return 0, bad
	}
	d := time.Duration(n) * unit
	if d/unit != time.Duration(n) || d > max {
		return 0, fmt.Errorf("%q is longer than %s", sanitize.String(s), shortDuration(max))
	}
	return d, nil
}

// maxExpiry is the longest message expiry MQTT 5 can carry (a 32-bit count
// of seconds).
const maxExpiry = 4294967295 * time.Second

// needV5 refuses an MQTT 5 command on an MQTT 3.1.1 connection, in words.
func (m *Model) needV5(cmd string) error {
	if m.v5 {
		return nil
	}
	return fmt.Errorf("/%s: message properties need MQTT 5, and this connection speaks MQTT 3.1.1 (start mqttchat with -V 5)", cmd)
}

// checkMQTTString refuses what brokers do not take as an MQTT UTF-8 string
// (mqttstr.Check: a control character makes mosquitto drop the connection).
func checkMQTTString(what, s string) error {
	if err := mqttstr.Check(s); err != nil {
		return fmt.Errorf("%s %v", what, err)
	}
	return nil
}

// cmdProp: "/prop KEY VALUE" adds a user property, "/prop" lists what is
// set, "/prop clear" clears every property (and a reply's correlation).
func (m *Model) cmdProp(args string) (tea.Cmd, error) {
	if err := m.needV5("prop"); err != nil {
		return nil, err
	}
	switch args {
	case "":
		m.listProps()
		return nil, nil
	case "clear":
		m.composer.props = pubProps{}
		m.composer.reply = nil
		return nil, nil
	}
	k, v, ok := strings.Cut(args, " ")
	if !ok || strings.TrimSpace(v) == "" {
		return nil, errors.New("/prop KEY VALUE: give a key and a value (/prop lists, /prop clear clears)")
	}
	v = strings.TrimLeft(v, " ")
	if err := checkMQTTString("the key", k); err != nil {
		return nil, fmt.Errorf("/prop: %v", err)
	}
	if err := checkMQTTString("the value", v); err != nil {
		return nil, fmt.Errorf("/prop: %v", err)
	}
	m.composer.props.user = append(m.composer.props.user, mqttconn.UserProperty{Key: k, Value: v})
	return nil, nil
}

// listProps shows what the composer puts on the next messages.
func (m *Model) listProps() {
	at := m.now
	if at.IsZero() {
		at = time.Now()
	}
	lines := m.composer.props.lines()
	if r := m.composer.reply; r != nil {
		lines = append(lines, fmt.Sprintf("the next message to %s answers a request (correlation data %s)",
			sanitize.String(r.topic), correlationText(r.correlation)))
	}
	if len(lines) == 0 {
		m.list.push(newEventEntry(at, "no properties set: /prop KEY VALUE, /content-type, /expiry, /response-topic", false))
		return
	}
	for _, l := range lines {
		m.list.push(newEventEntry(at, "property: "+l, false))
	}
}

func (m *Model) cmdContentType(args string) (tea.Cmd, error) {
	if err := m.needV5("content-type"); err != nil {
		return nil, err
	}
	if err := checkMQTTString("the content type", args); err != nil {
		return nil, fmt.Errorf("/content-type: %v", err)
	}
	m.composer.props.contentType = args // "" clears it
	return nil, nil
}

func (m *Model) cmdExpiry(args string) (tea.Cmd, error) {
	if err := m.needV5("expiry"); err != nil {
		return nil, err
	}
	if args == "" || args == "off" {
		m.composer.props.expiry = 0
		return nil, nil
	}
	d, err := parseSeconds(args, maxExpiry)
	if err != nil {
		return nil, fmt.Errorf("/expiry: %v, or off", err)
	}
	m.composer.props.expiry = d
	return nil, nil
}

func (m *Model) cmdResponseTopic(args string) (tea.Cmd, error) {
	if err := m.needV5("response-topic"); err != nil {
		return nil, err
	}
	if args != "" {
		if err := topic.ValidateName(args); err != nil {
			return nil, fmt.Errorf("/response-topic: %v", err)
		}
		if err := checkMQTTString("the topic", args); err != nil {
			return nil, fmt.Errorf("/response-topic: %v", err)
		}
	}
	m.composer.props.responseTopic = args // "" clears it
	return nil, nil
}

// v5CommandHelp lists the MQTT 5 commands for the full help, from the
// command table (those whose help starts "MQTT 5: ").
func v5CommandHelp() []key.Binding {
	out := []key.Binding{key.NewBinding(key.WithKeys("r"), key.WithHelp("r on a [request]", "answer it (its response topic, its correlation data)"))}
	for _, c := range commands {
		if h, ok := strings.CutPrefix(c.help, "MQTT 5: "); ok {
			h, _, _ = strings.Cut(h, " (")
			out = append(out, key.NewBinding(key.WithKeys("/"+c.name), key.WithHelp("/"+c.name, h)))
		}
	}
	return out
}
