package cli

import (
	"errors"
	"mqttchat/mqttconn"
	"mqttchat/mqttconn/brokerurl"
	"mqttchat/mqttconn/topic"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
)

// settings is what the command line means, checked.
type settings struct {
	server        string // paho URL, empty when the built-in broker decides
	named         bool   // the user named a broker
	display       string // the broker as shown
	clientID      string
	username      string
	password      string
	subscriptions []mqttconn.Subscription
	qos           byte
	maxMessages   int
	mouse         bool
	history       historySettings
}

// historySettings are the checked history flags.
type historySettings struct {
	off     bool
	maxSize int64
	maxAge  time.Duration
	replay  int
}

// resolve checks the flags and works out the settings. Every problem is a
// usageError naming the flag.
func resolve(cmd *cobra.Command, f *flags) (settings, error) {
	changed := cmd.Flags().Changed
	s := settings{clientID: f.id, username: f.username, password: f.password, maxMessages: f.maxMessages, mouse: !f.noMouse}
	if f.qos < 0 || f.qos > 2 {
		return s, usagef("--qos: %d is not a QoS (use 0, 1 or 2)", f.qos)
	}
	s.qos = byte(f.qos)
	if f.maxMessages < 1 {
		return s, usagef("--max-messages: must be at least 1, got %d", f.maxMessages)
	}
	topics := f.topics
	switch {
	case changed("url") && (changed("host") || changed("port")):
		return s, usagef("--url: cannot be combined with -h/--host or -p/--port")
	case changed("url"):
		u, err := brokerurl.Parse(f.url)
		if err != nil {
			return s, usagef("--url: %v", err)
		}
		s.server = brokerurl.Server(u.Scheme, u.Host, u.Port)
		s.display = net.JoinHostPort(u.Host, strconv.Itoa(u.Port))
		s.named = true
		if u.HasUser {
			if changed("username") || changed("pw") {
				return s, usagef("--url: gives a user name; do not also pass -u/-P")
			}
			s.username, s.password = u.Username, u.Password
		}
		if u.Topic != "" {
			topics = append([]string{u.Topic}, topics...)
		}
	default:
		if f.port < 1 || f.port > 65535 {
			return s, usagef("--port: %d is out of range (1-65535)", f.port)
		}
		if f.host == "" || strings.ContainsAny(f.host, " /@") {
			return s, usagef("--host: %q is not a host name or address", f.host)
		}
		s.server = brokerurl.Server("tcp", f.host, f.port)
		s.display = net.JoinHostPort(f.host, strconv.Itoa(f.port))
		s.named = changed("host") || changed("port")
	}
	if len(topics) == 0 {
		topics = []string{"#"}
	}
	for _, t := range topics {
		if err := topic.ValidateFilter(t); err != nil {
			return s, usagef("--topic: %q: %v", t, err)
		}
		s.subscriptions = append(s.subscriptions, mqttconn.Subscription{Filter: t, QoS: s.qos})
	}
	if changed("id") {
		if err := checkClientID(f.id); err != nil {
			return s, usagef("--id: %v", err)
		}
	}
	if s.password != "" && s.username == "" {
		return s, usagef("--pw: a password needs a user name (-u)")
	}
	h, err := resolveHistory(f.history)
	if err != nil {
		return s, err
	}
	s.history = h
	return s, nil
}

// resolveHistory checks the history flags.
func resolveHistory(f historyFlags) (historySettings, error) {
	h := historySettings{off: f.off, replay: f.replay}
	var err error
	if h.maxSize, err = parseSize(f.size); err != nil {
		return h, usagef("--history-size: %v", err)
	}
	if h.maxAge, err = parseAge(f.age); err != nil {
		return h, usagef("--history-age: %v", err)
	}
	if f.replay < 0 {
		return h, usagef("--history-replay: must be 0 or more, got %d", f.replay)
	}
	return h, nil
}

// checkClientID refuses ids no broker can take.
func checkClientID(id string) error {
	switch {
	case id == "":
		return errors.New("must not be empty")
	case len(id) > topic.MaxLen:
		return errors.New("longer than 65535 bytes")
	case topic.ValidateName(strings.NewReplacer("+", "_", "#", "_", "/", "_").Replace(id)) != nil:
		return errors.New("must be valid UTF-8 without U+0000")
	}
	return nil
}
