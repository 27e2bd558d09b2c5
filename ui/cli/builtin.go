package cli

import (
	"log/slog"
	"mqttchat/mqttconn/broker"
	"net"
	"os"
	"time"
)

// Environment variables that move the built-in broker (tests use free ports;
// nobody else needs them).
const (
	envBuiltinAddr   = "MQTTCHAT_BUILTIN_ADDR"
	envBuiltinWSAddr = "MQTTCHAT_BUILTIN_WS_ADDR"
)

// builtinBroker finds a broker on localhost:1883 or starts the built-in one
// there. It returns the broker it started (nil when one was running) and the
// address to connect to.
func builtinBroker(log *slog.Logger) (*broker.Broker, string, error) {
	addr := envOr(envBuiltinAddr, "127.0.0.1:1883")
	probe := addr
	if h, p, err := net.SplitHostPort(addr); err == nil && h == "127.0.0.1" {
		probe = net.JoinHostPort("localhost", p)
	}
	if c, err := net.DialTimeout("tcp", probe, 500*time.Millisecond); err == nil {
		_ = c.Close()
		return nil, probe, nil
	}
	b, err := broker.Start(broker.Config{TCPAddr: addr, WebSocketAddr: envOr(envBuiltinWSAddr, "127.0.0.1:8083"), Log: log})
	if err != nil {
		// Another copy may have started its broker a moment ago: use it.
		if c, dialErr := net.DialTimeout("tcp", addr, 500*time.Millisecond); dialErr == nil {
			_ = c.Close()
			return nil, addr, nil
		}
		return nil, "", err
	}
	return b, b.TCPAddr(), nil
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}
