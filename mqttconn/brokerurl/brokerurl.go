// Package brokerurl parses the -L/--url argument,
// scheme://[user[:password]@]host[:port][/topic] (or, for WebSocket,
// [/path]), by hand as mosquitto does:
// net/url would turn '#' into a fragment and mangle '%', '@' and ':' in
// topics and passwords. Nothing is percent-decoded.
package brokerurl

import (
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// URL is a parsed broker URL.
type URL struct {
	Scheme      string // as given, lower case: mqtt, tcp, mqtts, ssl, tls, ws or wss
	Host        string
	Port        int
	Username    string
	Password    string
	HasUser     bool
	HasPassword bool
	Topic       string // mqtt/tls schemes: the part after the first '/' following the host
	Path        string // ws/wss: the HTTP path, default /mqtt
}

// defaultPorts are the schemes accepted and their ports.
var defaultPorts = map[string]int{"mqtt": 1883, "tcp": 1883, "mqtts": 8883, "ssl": 8883, "tls": 8883, "ws": 80, "wss": 443}

// IsTLS reports whether the scheme encrypts.
func (u URL) IsTLS() bool { return IsTLSScheme(u.Scheme) }

// IsWebSocket reports whether the scheme is ws or wss.
func (u URL) IsWebSocket() bool { return u.Scheme == "ws" || u.Scheme == "wss" }

// IsTLSScheme reports whether a scheme encrypts.
func IsTLSScheme(scheme string) bool {
	switch scheme {
	case "mqtts", "ssl", "tls", "wss":
		return true
	}
	return false
}

// Server is the URL in the form paho takes.
func (u URL) Server() string {
	s := Server(u.Scheme, u.Host, u.Port)
	if u.IsWebSocket() {
		s += u.Path
	}
	return s
}

// Parse splits s into its parts.
//
// The user part ends at the last '@' before the host; the password is what
// follows the first ':' in it and may hold ':', '@' and '/'. The host ends at
// the first '/' after it, and everything after that '/' is the topic, which
// may hold '@', '#', '+', '%' and ':'.
//
// Errors never hold the password: see Redact.
func Parse(s string) (URL, error) {
	u, err := parse(s)
	if err != nil {
		return URL{}, errors.New(scrub(err.Error(), s))
	}
	return u, nil
}

func parse(s string) (URL, error) {
	scheme, rest, ok := strings.Cut(s, "://")
	if !ok {
		return URL{}, fmt.Errorf("%q is not a URL: expected mqtt://[user[:password]@]host[:port][/topic]", guessRedact(s))
	}
	scheme = strings.ToLower(scheme)
	port, known := defaultPorts[scheme]
	if !known {
		return URL{}, fmt.Errorf("unknown scheme %q: use mqtt://, tcp://, mqtts://, ssl://, tls://, ws:// or wss://", scheme+"://")
	}
	u := URL{Scheme: scheme, Port: port}
	user, afterUser, found := splitUserInfo(rest)
	if !found && strings.Contains(rest, "@") && !isHost(strings.Split(rest, "/")[0]) {
		// No '@' is followed by a host: say what is wrong with the part
		// after the last one (never the user part: it holds the password).
		tail, _, _ := strings.Cut(rest[strings.LastIndex(rest, "@")+1:], "/")
		if _, _, err := splitHostPort(tail); err != nil {
			return URL{}, err
		}
		return URL{}, fmt.Errorf("no host after the user part in %q", guessRedact(s))
	}
	if found {
		u.HasUser = true
		u.Username, u.Password, u.HasPassword = strings.Cut(user, ":")
		rest = afterUser
	}
	hostPort, after, hasSlash := strings.Cut(rest, "/")
	switch {
	case u.IsWebSocket() && hasSlash:
		u.Path = "/" + after
	case u.IsWebSocket():
		u.Path = "/mqtt"
	case hasSlash:
		u.Topic = after
	}
	host, p, err := splitHostPort(hostPort)
	if err != nil {
		return URL{}, err
	}
	u.Host = host
	if p != 0 {
		u.Port = p
	}
	if u.HasUser && u.Username == "" {
		return URL{}, fmt.Errorf("empty user name before '@' in %q", guessRedact(s))
	}
	return u, nil
}

// Redact returns s with the password of its user part, if any, as ****,
// for showing a URL (--print-config, errors). When s does not parse, what
// lies between the first ':' of the user part and the last '@' is masked:
// possibly more than the password, never less.
func Redact(s string) string {
	if u, err := parse(s); err == nil {
		if !u.HasPassword {
			return s
		}
		scheme, rest, _ := strings.Cut(s, "://")
		return scheme + "://" + u.Username + ":****" + rest[len(u.Username)+1+len(u.Password):]
	}
	return guessRedact(s)
}

// guessRedact masks what guessPassword finds.
func guessRedact(s string) string {
	prefix, _, suffix, ok := guessPassword(s)
	if !ok {
		return s
	}
	return prefix + "****" + suffix
}

// guessPassword splits s around what could be a password: from the first
// ':' after the scheme's "://" (or the start) to the last '@'.
func guessPassword(s string) (prefix, pw, suffix string, ok bool) {
	start := 0
	if i := strings.Index(s, "://"); i >= 0 {
		start = i + 3
	}
	at := strings.LastIndex(s, "@")
	if at < start {
		return "", "", "", false
	}
	colon := strings.Index(s[start:at], ":")
	if colon < 0 || start+colon+1 == at {
		return "", "", "", false
	}
	colon += start
	return s[:colon+1], s[colon+1 : at], s[at:], true
}

// scrub removes from an error text every piece of what could be the
// password in s (whole, or quoted as %q would): parse errors quote parts.
func scrub(msg, s string) string {
	_, pw, _, ok := guessPassword(s)
	if !ok {
		return msg
	}
	quoted := strconv.Quote(pw)
	for _, secret := range []string{pw, quoted[1 : len(quoted)-1]} {
		msg = strings.ReplaceAll(msg, secret, "****")
	}
	return msg
}

// isHost reports whether s is a host with an optional port.
func isHost(s string) bool {
	_, _, err := splitHostPort(s)
	return err == nil && !strings.Contains(s, "@")
}

// splitUserInfo finds the '@' that ends the user part of rest, if any. An '@'
// after the first '/' belongs to the topic unless what precedes that '/'
// cannot be a host, in which case the '/' is in the password.
func splitUserInfo(rest string) (user, after string, found bool) {
	at := strings.Index(rest, "@")
	if at < 0 {
		return "", rest, false
	}
	slash := strings.Index(rest, "/")
	if slash >= 0 && slash < at {
		if _, _, err := splitHostPort(rest[:slash]); err == nil && !strings.Contains(rest[:slash], "@") {
			return "", rest, false
		}
		// the '/' is in the password: the user part ends at the last '@'
		// before the host, i.e. the last '@' whose remainder has no '@' before its first '/'.
		for i := strings.LastIndex(rest, "@"); i >= 0; i = strings.LastIndex(rest[:i], "@") {
			tail := rest[i+1:]
			hostPart, _, _ := strings.Cut(tail, "/")
			if _, _, err := splitHostPort(hostPart); err == nil && !strings.Contains(hostPart, "@") {
				return rest[:i], tail, true
			}
		}
		return "", rest, false
	}
	authority := rest
	if slash >= 0 {
		authority = rest[:slash]
	}
	last := strings.LastIndex(authority, "@")
	return rest[:last], rest[last+1:], true
}

// splitHostPort splits "host", "host:port", "[v6]" or "[v6]:port".
func splitHostPort(s string) (string, int, error) {
	if s == "" {
		return "", 0, fmt.Errorf("no host in URL")
	}
	host, portText := s, ""
	if strings.HasPrefix(s, "[") {
		end := strings.Index(s, "]")
		if end < 0 {
			return "", 0, fmt.Errorf("unclosed '[' in host %q", s)
		}
		host = s[1:end]
		switch rest := s[end+1:]; {
		case rest == "":
		case strings.HasPrefix(rest, ":"):
			portText = rest[1:]
		default:
			return "", 0, fmt.Errorf("unexpected %q after host %q", rest, s[:end+1])
		}
	} else if h, p, ok := strings.Cut(s, ":"); ok {
		host, portText = h, p
	}
	if host == "" {
		return "", 0, fmt.Errorf("no host in %q", s)
	}
	if err := CheckHost(host); err != nil {
		return "", 0, err
	}
	if strings.ContainsAny(host, " @[]") {
		return "", 0, fmt.Errorf("invalid host %q", host)
	}
	if portText == "" {
		if strings.HasSuffix(s, ":") {
			return "", 0, fmt.Errorf("empty port in %q", s)
		}
		return host, 0, nil
	}
	port, err := ParsePort(portText)
	if err != nil {
		return "", 0, err
	}
	return host, port, nil
}

// CheckHost refuses a host name that no resolver takes and a terminal would
// act on: invalid UTF-8, or a control character (C0, DEL, C1).
func CheckHost(host string) error {
	if !utf8.ValidString(host) {
		return fmt.Errorf("host %q is not valid UTF-8", host)
	}
	if i := strings.IndexFunc(host, unicode.IsControl); i >= 0 {
		r, _ := utf8.DecodeRuneInString(host[i:])
		return fmt.Errorf("host %q holds a control character (%U)", host, r)
	}
	return nil
}

// ParsePort checks a port number: decimal digits (leading zeros are not
// octal), 1 to 65535.
func ParsePort(s string) (int, error) {
	p, err := strconv.Atoi(s)
	if err != nil || strings.TrimLeft(s, "0123456789") != "" {
		return 0, fmt.Errorf("port %q is not a number", s)
	}
	if p < 1 || p > 65535 {
		return 0, fmt.Errorf("port %d is out of range (1-65535)", p)
	}
	return p, nil
}

// Server is a host and port in the form paho takes, for a scheme.
func Server(scheme, host string, port int) string {
	switch scheme {
	case "mqtt":
		scheme = "tcp"
	case "mqtts", "tls":
		scheme = "ssl"
	}
	return scheme + "://" + net.JoinHostPort(host, strconv.Itoa(port))
}
