package history

import (
	"net"
	"os"
	"path/filepath"
	"strings"
)

// BrokerKey turns a broker URL such as tcp://host:1883 into a path-safe
// folder name such as mqtt_host_1883. Credentials are never part of it.
// Every loopback name of a port (localhost, 127.0.0.0/8, ::1) gives one key,
// mqtt_localhost_<port>: the built-in broker's history does not depend on
// how it was reached.
func BrokerKey(server string) string { return brokerKey(server, true) }

// legacyBrokerKey is the key before loopback names were joined.
func legacyBrokerKey(server string) string { return brokerKey(server, false) }

func brokerKey(server string, joinLoopback bool) string {
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
	if joinLoopback {
		host, port, err := net.SplitHostPort(rest)
		if err != nil {
			host, port = strings.Trim(rest, "[]"), ""
		}
		if isLoopback(host) {
			rest = "localhost"
			if port != "" {
				rest += ":" + port
			}
		}
	}
	return sanitizeKey(strings.ToLower(scheme) + "_" + rest)
}

func sanitizeKey(s string) string {
	var b strings.Builder
	for _, r := range s {
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

// isLoopback reports a host name or address that always means this machine.
func isLoopback(host string) bool {
	if strings.EqualFold(strings.TrimSuffix(host, "."), "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// loopbackAlias reports whether a folder name is a legacy key of a loopback
// name with the same scheme and port as key (mqtt_127.0.0.1_1883 and
// mqtt___1_1883 for mqtt_localhost_1883).
func loopbackAlias(name, key string) bool {
	if name == key {
		return false
	}
	scheme, _, _ := strings.Cut(key, "_")
	port := key[strings.LastIndexByte(key, '_')+1:]
	rest, ok := strings.CutPrefix(name, scheme+"_")
	if !ok {
		return false
	}
	host, ok := strings.CutSuffix(rest, "_"+port)
	if !ok {
		return false
	}
	return isLoopback(host) || isLoopback(strings.ReplaceAll(host, "_", ":"))
}

// mergeAliases moves the segments of root's folders filed under other
// loopback names of key into key's folder (dir), so that one broker has one
// history. A segment a live process still writes is left where it is (that
// process goes on writing it), and so is its folder: BrokerDirs lists it.
func mergeAliases(root, key, dir string) {
	if !strings.Contains(key, "_localhost") {
		return
	}
	entries, err := os.ReadDir(root)
	if err != nil {
		return
	}
	for _, e := range entries {
		if !e.IsDir() || !loopbackAlias(e.Name(), key) {
			continue
		}
		alias := filepath.Join(root, e.Name())
		segs, err := listSegments(alias)
		if err != nil {
			continue
		}
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return
		}
		for _, s := range segs {
			if !removable(s.path) {
				continue // held by a live writer
			}
			to := filepath.Join(dir, filepath.Base(s.path))
			if _, err := os.Stat(to); err == nil {
				continue // never overwrite
			}
			if os.Rename(s.path, to) == nil {
				_ = os.Rename(indexPath(s.path), indexPath(to))
			}
		}
		_ = os.Remove(alias) // only when empty
	}
}
