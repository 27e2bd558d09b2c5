// Package broker runs the built-in MQTT broker: an in-process mochi-mqtt
// server with a TCP listener and a WebSocket listener, open to every client,
// for when the user named no broker and none runs on the default port.
package broker

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"time"

	mqtt "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/hooks/auth"
	"github.com/mochi-mqtt/server/v2/listeners"
)

// WebSocketPath is the path announced for the WebSocket listener (the one
// Paho JavaScript and most browser clients use). Every path is served.
const WebSocketPath = "/mqtt"

// wsPortTries is how many ports after the wanted one are tried for WebSocket.
const wsPortTries = 20

// DefaultConnectTimeout is how long a new connection may take to send its
// CONNECT (over WebSocket: its HTTP upgrade, then its CONNECT) before the
// broker closes it, so sockets that never speak MQTT cannot pile up.
const DefaultConnectTimeout = 10 * time.Second

// Config says where the built-in broker listens.
type Config struct {
	TCPAddr       string // must be free
	WebSocketAddr string // or the next free port after it
	Log           *slog.Logger
	// ConnectTimeout closes a connection that has not sent CONNECT this long
	// after it opened; 0 means DefaultConnectTimeout. Once CONNECT arrives,
	// the client's keep-alive rules instead (1.5 times it, as MQTT says).
	ConnectTimeout time.Duration
}

// Broker is a running built-in broker.
type Broker struct {
	srv     *mqtt.Server
	tcpAddr string
	wsAddr  string
}

// Start listens on cfg.TCPAddr and on cfg.WebSocketAddr or, when that port is
// taken, the next free port after it. Logs go to cfg.Log.
func Start(cfg Config) (*Broker, error) {
	tcpAddr, wsAddr, log, timeout := cfg.TCPAddr, cfg.WebSocketAddr, cfg.Log, cfg.ConnectTimeout
	if timeout <= 0 {
		timeout = DefaultConnectTimeout
	}
	srv := mqtt.New(&mqtt.Options{Logger: log, InlineClient: false, Capabilities: Capabilities()})
	if err := srv.AddHook(new(auth.AllowHook), nil); err != nil {
		return nil, fmt.Errorf("built-in broker: %w", err)
	}
	tcp := listeners.NewTCP(listeners.Config{ID: "tcp", Address: tcpAddr})
	if err := srv.AddListener(connectDeadline{tcp, timeout}); err != nil {
		return nil, fmt.Errorf("built-in broker: listen on %s: %w", tcpAddr, err)
	}
	wsLn, err := listenNextFree(wsAddr, wsPortTries)
	if err != nil {
		_ = srv.Close()
		return nil, fmt.Errorf("built-in broker: WebSocket: %w", err)
	}
	ws := newWebSocketListener("ws", wsLn, timeout)
	if err := srv.AddListener(connectDeadline{ws, timeout}); err != nil {
		_ = wsLn.Close()
		_ = srv.Close()
		return nil, fmt.Errorf("built-in broker: %w", err)
	}
	if err := srv.Serve(); err != nil {
		_ = srv.Close()
		return nil, fmt.Errorf("built-in broker: %w", err)
	}
	return &Broker{srv: srv, tcpAddr: tcp.Address(), wsAddr: wsLn.Addr().String()}, nil
}

// TCPAddr is the host:port of the MQTT listener.
func (b *Broker) TCPAddr() string { return b.tcpAddr }

// WebSocketURL is the ws:// URL browsers connect to.
func (b *Broker) WebSocketURL() string { return "ws://" + b.wsAddr + WebSocketPath }

// Clients is the number of clients connected now.
func (b *Broker) Clients() int {
	n := 0
	for _, cl := range b.srv.Clients.GetAll() {
		if !cl.Closed() {
			n++
		}
	}
	return n
}

// Close stops the listeners and disconnects every client.
func (b *Broker) Close() error { return CloseServer(b.srv) }

// listenNextFree binds addr, or the first free port of the tries after it.
func listenNextFree(addr string, tries int) (net.Listener, error) {
	host, portText, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	port, err := strconv.Atoi(portText)
	if err != nil {
		return nil, fmt.Errorf("bad port in %q", addr)
	}
	var errs []error
	for i := 0; i <= tries && port+i <= 65535; i++ {
		if port == 0 && i > 0 {
			break
		}
		ln, err := net.Listen("tcp", net.JoinHostPort(host, strconv.Itoa(port+i)))
		if err == nil {
			return ln, nil
		}
		errs = append(errs, err)
	}
	return nil, fmt.Errorf("no free port from %s: %w", addr, errors.Join(errs...))
}

// Capabilities are mochi's defaults with no message expiry of the broker's
// own (mochi's default caps every message at a day and then sends each one
// over MQTT 5 with a Message Expiry Interval its publisher never set):
// messages keep what they were published with, retained ones stay until
// replaced, as with mosquitto. Test brokers use them too.
func Capabilities() *mqtt.Capabilities {
	caps := mqtt.NewDefaultServerCapabilities()
	caps.MaximumMessageExpiryInterval = 0
	return caps
}
