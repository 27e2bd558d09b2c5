package broker_test

import (
	"io"
	"log/slog"
	"net"
	"strings"
	"testing"
	"time"

	"mqttchat/mqttconn/broker"
	"mqttchat/mqttconn/brokertest"
)

func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func TestBuiltInBrokerBridgesTCPAndWebSocket(t *testing.T) {
	b, err := broker.Start(broker.Config{TCPAddr: brokertest.FreeAddr(t), WebSocketAddr: brokertest.FreeAddr(t), Log: quietLog()})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if !strings.HasPrefix(b.WebSocketURL(), "ws://127.0.0.1:") || !strings.HasSuffix(b.WebSocketURL(), "/mqtt") {
		t.Fatalf("WebSocket URL %q", b.WebSocketURL())
	}
	tcp := brokertest.Connect(t, "tcp://"+b.TCPAddr(), "tcp-client")
	tcp.Subscribe(t, "room", 1)
	ws := brokertest.Connect(t, b.WebSocketURL(), "ws-client")
	ws.Subscribe(t, "room", 1)
	ws.Publish(t, "room", 1, false, "from the browser")
	tcp.Publish(t, "room", 1, false, "from the terminal")
	tcp.WaitPayload(t, "room", "from the browser", 5*time.Second)
	deadline := time.Now().Add(5 * time.Second)
	for ws.Count("room") < 2 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if ws.Count("room") != 2 {
		t.Fatalf("WebSocket client got %d messages, want 2", ws.Count("room"))
	}
	if n := b.Clients(); n != 2 {
		t.Fatalf("Clients() = %d, want 2", n)
	}
}

func TestWebSocketMovesToTheNextFreePort(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	b, err := broker.Start(broker.Config{TCPAddr: brokertest.FreeAddr(t), WebSocketAddr: taken.Addr().String(), Log: quietLog()})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if strings.Contains(b.WebSocketURL(), taken.Addr().String()) {
		t.Fatalf("announced the taken port: %s", b.WebSocketURL())
	}
	brokertest.Connect(t, b.WebSocketURL(), "ws-client") // the announced address works
}

func TestTakenTCPPortIsAnError(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	if b, err := broker.Start(broker.Config{TCPAddr: taken.Addr().String(), WebSocketAddr: brokertest.FreeAddr(t), Log: quietLog()}); err == nil {
		b.Close()
		t.Fatal("started on a taken TCP port")
	}
}
