package broker_test

import (
	"errors"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"mqttchat/mqttconn/broker"
	"mqttchat/mqttconn/brokertest"
)

// TestSilentConnectionsAreClosed: sockets that never send CONNECT — over
// TCP, over the WebSocket port before the upgrade, and after it — are
// closed by the broker; a client that connected stays.
func TestSilentConnectionsAreClosed(t *testing.T) {
	const timeout = 300 * time.Millisecond
	b, err := broker.Start(broker.Config{TCPAddr: brokertest.FreeAddr(t), WebSocketAddr: brokertest.FreeAddr(t), Log: quietLog(), ConnectTimeout: timeout})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	wsHostPort := strings.TrimSuffix(strings.TrimPrefix(b.WebSocketURL(), "ws://"), broker.WebSocketPath)
	good := brokertest.Connect(t, "tcp://"+b.TCPAddr(), "good")
	good.Subscribe(t, "room", 0)

	dialTCP := func(addr string) func(t *testing.T) net.Conn {
		return func(t *testing.T) net.Conn {
			c, err := net.Dial("tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			return c
		}
	}
	upgraded := func(t *testing.T) net.Conn {
		ws, _, err := websocket.DefaultDialer.Dial(b.WebSocketURL(), nil)
		if err != nil {
			t.Fatal(err)
		}
		return ws.UnderlyingConn()
	}
	cases := []struct {
		name string
		dial func(t *testing.T) net.Conn
		n    int
	}{
		{"TCP", dialTCP(b.TCPAddr()), 20},
		{"WebSocket port, no upgrade", dialTCP(wsHostPort), 5},
		{"WebSocket, upgraded, no CONNECT", upgraded, 5},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			conns := make([]net.Conn, tc.n)
			for i := range conns {
				conns[i] = tc.dial(t)
				defer conns[i].Close()
			}
			for i, c := range conns {
				// Far longer than the timeout: a read that times out here means
				// the broker kept the socket.
				c.SetReadDeadline(time.Now().Add(15 * time.Second))
				buf := make([]byte, 64)
				for {
					_, err := c.Read(buf)
					if err == nil {
						continue // an HTTP error page or a close frame: read on to the end
					}
					if errors.Is(err, os.ErrDeadlineExceeded) {
						t.Fatalf("socket %d still open after 15 s", i)
					}
					break
				}
			}
		})
	}
	// The client that sent CONNECT is still there, long after the timeout.
	good.Publish(t, "room", 0, false, "still connected")
	good.WaitPayload(t, "room", "still connected", 5*time.Second)
	if n := b.Clients(); n != 1 {
		t.Fatalf("%d clients, want the 1 that connected", n)
	}
}
