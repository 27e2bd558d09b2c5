package cli

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"mqttchat/mqttconn"
	"mqttchat/mqttconn/brokerurl"
	"mqttchat/mqttconn/mqttstr"
	"mqttchat/mqttconn/topic"
	"mqttchat/ui/sanitize"
)

// settings is what the layers mean, checked.
type settings struct {
	server        string   // paho URL (of the first node of a cluster)
	servers       []string // every node of the cluster (repeated -L), server first; one for a single broker
	named         bool     // a broker was named (by any layer): never start the built-in one
	display       string   // the broker as shown
	plainNodes    []string // in a cluster with TLS nodes, the nodes without TLS, as shown
	clientID      string
	idGiven       bool
	assignID      bool   // MQTT 5 with -i "": the broker assigns the client id
	nameNote      string // why a name from the config or environment is not sent, shown on screen
	username      string
	password      string
	pwFromFlag    bool // given with -P: warn that others can see it
	subscriptions []mqttconn.Subscription
	qos           byte
	maxMessages   int
	rowLines      int
	mouse         bool
	history       historySettings
	tls           *tls.Config
	insecure      bool
	will          *mqttconn.Will
	persistent    bool
	shared        bool // the nodes of a cluster share sessions (--shared-sessions)
	keepalive     time.Duration
	maxInFlight   int
	protocol      uint
	name          string        // MQTT 5: the sender's name on what we send
	sessionExpiry time.Duration // MQTT 5 with -c; 0: never
	widthMode     string        // "auto" or a sanitize mode's name
	textMode      sanitize.Mode
	textModeWhy   string    // how textMode was chosen, for the log
	trace         string    // --trace: the file the packets are written to, or ""
	traceWhere    string    // where trace was set, for its errors
	props         *runProps // MQTT 5 properties from -D, or nil
}

// historySettings are the checked history settings.
type historySettings struct {
	off     bool
	maxSize int64         // noLimit, or bytes
	maxAge  time.Duration // noLimit, or an age
	replay  int
}

// resolve checks the values and works out the settings. Every problem is a
// usageError naming the flag, variable or config key it came from.
func resolve(v values, src sources) (settings, error) {
	w := src.where
	s := settings{clientID: v.id, idGiven: src.set("id"), username: v.username, password: v.password,
		pwFromFlag: src["password"].rank == rankFlag, maxMessages: v.maxMessages, rowLines: v.rowLines, mouse: !v.noMouse,
		persistent: v.disableCleanSession, shared: v.sharedSessions, insecure: v.insecure, trace: v.trace, traceWhere: src.where("trace")}
	if v.qos < 0 || v.qos > 2 {
		return s, usagef("%s: %d is not a QoS (use 0, 1 or 2)", w("qos"), v.qos)
	}
	s.qos = byte(v.qos)
	if v.maxMessages < 1 {
		return s, usagef("%s: must be at least 1, got %d", w("max_messages"), v.maxMessages)
	}
	if v.rowLines < 1 || v.rowLines > 100 {
		return s, usagef("%s: %d is out of range (1-100 lines)", w("row_lines"), v.rowLines)
	}
	if v.keepalive < 1 || v.keepalive > 65535 {
		return s, usagef("%s: %d is out of range (1-65535 seconds)", w("keepalive"), v.keepalive)
	}
	s.keepalive = time.Duration(v.keepalive) * time.Second
	if v.maxInFlight < 1 || v.maxInFlight > 65535 {
		return s, usagef("%s: %d is out of range (1-65535)", w("max_inflight"), v.maxInFlight)
	}
	s.maxInFlight = v.maxInFlight
	var err error
	if s.widthMode, err = checkWidthMode(v.widthMode); err != nil {
		return s, usagef("%s: %v", w("width_mode"), err)
	}
	if s.protocol, err = protocolVersion(v.protocolVersion); err != nil {
		return s, usagef("%s: %v", w("protocol_version"), err)
	}
	if len(v.props) > 0 && !src.set("protocol_version") {
		s.protocol = 5 // -D makes an MQTT 5 client, as in mosquitto
	}
	if err := s.resolveV5(v, src); err != nil {
		return s, err
	}
	topics, err := s.resolveBroker(v, src)
	if err != nil {
		return s, err
	}
	if len(topics) == 0 {
		topics = []string{"#"}
	}
	for _, t := range topics {
		if err := topic.ValidateFilter(t); err != nil {
			return s, usagef("%s: %q: %v", w("topics"), t, err)
		}
		if err := mqttstr.Check(t); err != nil {
			return s, usagef("%s: %s", w("topics"), quoteShort(t, err))
		}
		s.subscriptions = append(s.subscriptions, mqttconn.Subscription{Filter: t, QoS: s.qos})
	}
	if err := s.resolveSubOptions(v, src); err != nil {
		return s, err
	}
	if s.idGiven {
		if err := s.resolveID(v.id); err != nil {
			return s, usagef("%s: %v", w("id"), err)
		}
	}
	if s.persistent && !s.idGiven {
		return s, usagef("%s: a persistent session needs a client id (-i, MQTTCHAT_CLIENT_ID or the config's id): the broker keeps the session under it", w("disable_clean_session"))
	}
	if v.pwFile != "" {
		if src["password"].rank > src["pw_file"].rank {
			// a password given more directly wins over the file
		} else if s.password, err = readPasswordFile(v.pwFile); err != nil {
			return s, usagef("%s: %v", w("pw_file"), err)
		}
	}
	if s.password != "" && s.username == "" {
		return s, usagef("%s: a password needs a user name (-u)", w("password"))
	}
	if err := s.checkMixedTLS(src); err != nil {
		return s, err
	}
	if err := mqttstr.Check(s.username); err != nil {
		return s, usagef("%s: %s", w("username"), quoteShort(s.username, err)) // never the password
	}
	if s.will, err = resolveWill(v, src); err != nil {
		return s, err
	}
	if err := s.resolveProperties(v, src); err != nil {
		return s, err
	}
	if s.history, err = resolveHistory(v, src); err != nil {
		return s, err
	}
	return s, nil
}

// brokerAddr is the broker the layers point at.
type brokerAddr struct {
	scheme, host, path string
	port               int
	url                *brokerurl.URL // when it came from a URL
	rank               int            // the layer that named it; rankDefault: nobody did
}

// server is the address in paho's form.
func (a brokerAddr) server() string { return brokerurl.Server(a.scheme, a.host, a.port) + a.path }

// chooseBroker picks the broker the layers name. A URL from one layer and
// -h/-p from the same layer is an error. -h/-p from a higher layer than the
// URL replace just its host or port (its scheme, credentials and topic or
// path stay); a URL from a higher layer than -h/-p replaces them. TLS files
// switch -h/-p to TLS, on 8883 unless a port was given, as in mosquitto.
func chooseBroker(v values, src sources) (brokerAddr, error) {
	raw := ""
	if len(v.url) > 0 {
		raw = v.url[0]
	}
	return chooseBrokerURL(v, src, raw)
}

// chooseBrokers picks the brokers the layers name: one, as chooseBroker
// does, or with several URLs (-L repeated, a profile's urls list) the nodes
// of one cluster. -h/-p name one broker, as in mosquitto: they cannot be
// combined with several URLs from the same layer or a higher one. A bad URL
// is an error that names it (password masked).
func chooseBrokers(v values, src sources) ([]brokerAddr, error) {
	if len(v.url) <= 1 {
		a, err := chooseBroker(v, src)
		return []brokerAddr{a}, err
	}
	w := src.where
	if max(src["host"].rank, src["port"].rank) >= src["url"].rank {
		return nil, usagef("%s: -h/--host and -p/--port name one broker; give every node of a cluster as a URL", w("url"))
	}
	nodes := make([]brokerAddr, 0, len(v.url))
	seen := map[string]bool{}
	for i, raw := range v.url {
		a, err := chooseBrokerURL(v, src, raw)
		if err != nil {
			return nil, usagef("%v (node %d of %d: %s)", err, i+1, len(v.url), sanitize.String(brokerurl.Redact(raw)))
		}
		key := nodeKey(a)
		if seen[key] {
			return nil, usagef("%s: %s is given twice (the same broker as an earlier node)", w("url"), sanitize.String(brokerurl.Redact(raw)))
		}
		seen[key] = true
		nodes = append(nodes, a)
	}
	return nodes, nil
}

// chooseBrokerURL is chooseBroker with the URL raw (none: "").
func chooseBrokerURL(v values, src sources, raw string) (brokerAddr, error) {
	w := src.where
	urlRank := src["url"].rank
	hostRank := max(src["host"].rank, src["port"].rank)
	if urlRank > rankDefault && urlRank == hostRank {
		if urlRank == rankFlag {
			return brokerAddr{}, usagef("--url: cannot be combined with -h/--host or -p/--port")
		}
		return brokerAddr{}, usagef("%s: url cannot be combined with host or port", src["url"].name)
	}
	wantTLS := v.cafile != "" || v.capath != "" || v.cert != ""
	if urlRank == rankDefault {
		a := brokerAddr{scheme: "tcp", host: v.host, port: v.port, rank: hostRank}
		if err := checkHostPort(v, src); err != nil {
			return brokerAddr{}, err
		}
		if wantTLS {
			a.scheme = "ssl"
			if !src.set("port") {
				a.port = 8883
			}
		}
		return a, nil
	}
	u, err := brokerurl.Parse(raw)
	if err != nil {
		return brokerAddr{}, usagef("%s: %v", w("url"), err)
	}
	if wantTLS && !u.IsTLS() {
		return brokerAddr{}, usagef("%s: %s:// is not encrypted, but TLS files were given: use mqtts:// (or wss://)", w("url"), u.Scheme)
	}
	a := brokerAddr{scheme: u.Scheme, host: u.Host, port: u.Port, path: u.Path, url: &u, rank: urlRank}
	if hostRank > urlRank {
		if err := checkHostPort(v, src); err != nil {
			return brokerAddr{}, err
		}
		if src["host"].rank > urlRank {
			a.host = v.host
		}
		if src["port"].rank > urlRank {
			a.port = v.port
		}
	}
	return a, nil
}

// checkHostPort checks -h and -p.
func checkHostPort(v values, src sources) error {
	w := src.where
	if v.port < 1 || v.port > 65535 {
		return usagef("%s: %d is out of range (1-65535)", w("port"), v.port)
	}
	if strings.HasPrefix(v.host, "-") { // "-h -t x": a flag taken as the host
		return usagef("%s: %q is not a host name; %s", w("host"), v.host, hostNotHelp)
	}
	if v.host == "" || strings.ContainsAny(v.host, " /@") {
		return usagef("%s: %q is not a host name or address", w("host"), v.host)
	}
	if err := brokerurl.CheckHost(v.host); err != nil {
		return usagef("%s: %v", w("host"), err)
	}
	return nil
}

// resolveBroker works out the server (every node of a cluster), the
// credentials a URL gives, and TLS, and returns the URLs' topics (if any)
// followed by the topics. The nodes of a cluster share the credentials,
// the client id and the TLS settings: URLs that give different users, or
// TLS files with a node that is not encrypted, are errors.
func (s *settings) resolveBroker(v values, src sources) ([]string, error) {
	w := src.where
	topics := v.topics
	nodes, err := chooseBrokers(v, src)
	if err != nil {
		return nil, err
	}
	a := nodes[0]
	s.named = a.rank > rankDefault
	var urlTopics []string
	var user *brokerurl.URL // the first URL that gives a user
	for _, n := range nodes {
		u := n.url
		if u == nil {
			continue
		}
		if u.HasUser {
			if user != nil && (u.Username != user.Username || u.Password != user.Password || u.HasPassword != user.HasPassword) {
				return nil, usagef("%s: the nodes of a cluster share one user name and password: the URLs give different ones", w("url"))
			}
			user = u
		}
		if u.Topic != "" && !slices.Contains(urlTopics, u.Topic) {
			urlTopics = append(urlTopics, u.Topic)
		}
	}
	if user != nil {
		if src["username"].rank == a.rank || src["password"].rank == a.rank {
			return nil, usagef("%s: gives a user name; do not also give one separately", w("url"))
		}
		if src["username"].rank < a.rank {
			s.username, s.password = user.Username, user.Password
			s.pwFromFlag = a.rank == rankFlag && user.HasPassword
		}
	}
	// The URL's topic comes first, unless topics from a higher layer
	// replace it (as they replace a lower layer's topics).
	if len(urlTopics) > 0 && src["topics"].rank <= a.rank {
		topics = append(urlTopics, topics...)
	}
	var displays []string
	anyTLS := false
	for _, n := range nodes {
		s.servers = append(s.servers, n.server())
		d := n.scheme + "://" + net.JoinHostPort(n.host, strconv.Itoa(n.port)) + n.path
		if n.scheme == "tcp" || n.scheme == "mqtt" {
			d = net.JoinHostPort(n.host, strconv.Itoa(n.port))
		}
		displays = append(displays, d)
		anyTLS = anyTLS || brokerurl.IsTLSScheme(n.scheme)
		if !brokerurl.IsTLSScheme(n.scheme) {
			s.plainNodes = append(s.plainNodes, d)
		}
	}
	if !anyTLS {
		s.plainNodes = nil
	}
	s.server = s.servers[0]
	s.display = strings.Join(displays, ", ")
	if anyTLS {
		// One host name to check for one broker; each node's own (the
		// address dialled) for a cluster.
		host := a.host
		if len(nodes) > 1 {
			host = ""
		}
		cfg, err := buildTLS(v, src, host)
		if err != nil {
			return nil, err
		}
		s.tls = cfg
	} else if v.insecure || v.tlsVersion != "" || v.cert != "" || v.key != "" {
		return nil, usagef("%s: TLS options need an encrypted broker URL (mqtts://, wss://) or --cafile/--cert", firstSet(src, "insecure", "tls_version", "cert", "key"))
	}
	return topics, nil
}

// firstSet names the first of the keys that was given.
func firstSet(src sources, keys ...string) string {
	for _, k := range keys {
		if src.set(k) {
			return src.where(k)
		}
	}
	return src.where(keys[0])
}

// protocolVersion reads -V.
func protocolVersion(v string) (uint, error) {
	switch strings.ToLower(v) {
	case "31", "mqttv31":
		return 3, nil
	case "311", "mqttv311", "":
		return 4, nil
	case "5", "mqttv5":
		return 5, nil
	}
	return 0, errors.New(strconv.Quote(v) + " is not a protocol version (use 31, 311, 5, mqttv31, mqttv311 or mqttv5)")
}

// resolveWill checks the Last Will settings.
func resolveWill(v values, src sources) (*mqttconn.Will, error) {
	if v.willTopic == "" {
		for _, k := range []string{"will_payload", "will_qos", "will_retain"} {
			if src.set(k) {
				return nil, usagef("%s: needs --will-topic", src.where(k))
			}
		}
		return nil, nil
	}
	if err := topic.ValidateName(v.willTopic); err != nil {
		return nil, usagef("%s: %q: %v", src.where("will_topic"), v.willTopic, err)
	}
	if err := mqttstr.Check(v.willTopic); err != nil {
		return nil, usagef("%s: %s", src.where("will_topic"), quoteShort(v.willTopic, err))
	}
	if len(v.willPayload) > topic.MaxLen {
		return nil, usagef("%s: %d bytes is more than 65535", src.where("will_payload"), len(v.willPayload))
	}
	if v.willQoS < 0 || v.willQoS > 2 {
		return nil, usagef("%s: %d is not a QoS (use 0, 1 or 2)", src.where("will_qos"), v.willQoS)
	}
	return &mqttconn.Will{Topic: v.willTopic, Payload: []byte(v.willPayload), QoS: byte(v.willQoS), Retained: v.willRetain}, nil
}

// resolveHistory checks the history settings.
func resolveHistory(v values, src sources) (historySettings, error) {
	h := historySettings{off: v.noHistory, replay: v.historyReplay}
	var err error
	if h.maxSize, err = historySize(v.historySize); err != nil {
		return h, usagef("%s: %v", src.where("history_size"), err)
	}
	if h.maxAge, err = historyAge(v.historyAge); err != nil {
		return h, usagef("%s: %v", src.where("history_age"), err)
	}
	if v.historyReplay < 0 {
		return h, usagef("%s: must be 0 or more, got %d", src.where("history_replay"), v.historyReplay)
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
	// Legal in MQTT, but shown in the status bar and logs, and no broker
	// operator wants them: refused.
	if i := strings.IndexFunc(id, unicode.IsControl); i >= 0 {
		r, _ := utf8.DecodeRuneInString(id[i:])
		return fmt.Errorf("%q holds a control character (%U): use letters, digits and punctuation", id, r)
	}
	if err := mqttstr.Check(id); err != nil { // a non-character
		return errors.New(quoteShort(id, err))
	}
	return nil
}

// readPasswordFile reads a password: the file's first line.
func readPasswordFile(path string) (string, error) {
	data, err := readFile(path, maxPasswordFile)
	if err != nil {
		return "", err
	}
	line, _, _ := strings.Cut(string(data), "\n")
	line = strings.TrimSuffix(line, "\r")
	if line == "" {
		return "", errors.New(path + ": the file is empty")
	}
	return line, nil
}
