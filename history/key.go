package history

import (
	"strings"
)

// BrokerKey turns a broker URL such as tcp://host:1883 into a path-safe
// folder name such as mqtt_host_1883. Credentials are never part of it.
func BrokerKey(server string) string {
	scheme, rest, ok := strings.Cut(server, "://")
	if !ok {
		scheme, rest = "mqtt", server
	}
	if at := strings.LastIndex(rest, "@"); at >= 0 {
		rest = rest[at+1:]
	}
	rest, _, _ = strings.Cut(rest, "/")
	switch strings.ToLower(scheme) {
	case "tcp", "mqtt":
		scheme = "mqtt"
	case "ssl", "tls", "mqtts":
		scheme = "mqtts"
	}
	var b strings.Builder
	for _, r := range strings.ToLower(scheme) + "_" + rest {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '-':
			b.WriteRune(r)
		case r == '[' || r == ']':
		default:
			b.WriteByte('_')
		}
	}
	return b.String()
}
