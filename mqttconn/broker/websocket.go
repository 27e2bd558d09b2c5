package broker

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/gorilla/websocket"
	"github.com/mochi-mqtt/server/v2/listeners"
)

// webSocketListener is a mochi listener serving MQTT over WebSocket on a
// socket bound before it is announced (mochi's own binds only when serving,
// too late to choose another port).
type webSocketListener struct {
	id       string
	ln       net.Listener
	srv      *http.Server
	upgrader websocket.Upgrader
	once     sync.Once
	timeout  time.Duration // for the HTTP upgrade
}

var _ listeners.Listener = (*webSocketListener)(nil)

func newWebSocketListener(id string, ln net.Listener, timeout time.Duration) *webSocketListener {
	return &webSocketListener{
		id:      id,
		ln:      ln,
		timeout: timeout,
		upgrader: websocket.Upgrader{
			Subprotocols: []string{"mqtt", "mqttv3.1"},
			CheckOrigin:  func(*http.Request) bool { return true },
		},
	}
}

func (l *webSocketListener) ID() string       { return l.id }
func (l *webSocketListener) Address() string  { return l.ln.Addr().String() }
func (l *webSocketListener) Protocol() string { return "ws" }

func (l *webSocketListener) Init(log *slog.Logger) error {
	l.srv = &http.Server{ReadHeaderTimeout: l.timeout, ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	return nil
}

func (l *webSocketListener) Serve(establish listeners.EstablishFn) {
	l.srv.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := l.upgrader.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer c.Close()
		_ = establish(l.id, &wsConn{Conn: c.UnderlyingConn(), ws: c})
	})
	_ = l.srv.Serve(l.ln)
}

// Close stops serving and closes the clients, once (see CloseServer).
func (l *webSocketListener) Close(closeClients listeners.CloseFn) {
	l.once.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_ = l.srv.Shutdown(ctx)
		closeClients(l.id)
	})
}

// wsConn presents a WebSocket as the byte stream mochi reads MQTT from:
// binary frames in, one binary frame per write out.
type wsConn struct {
	net.Conn
	ws *websocket.Conn
	r  io.Reader
}

var errTextFrame = errors.New("MQTT over WebSocket needs binary frames")

func (c *wsConn) Read(p []byte) (int, error) {
	for {
		if c.r == nil {
			op, r, err := c.ws.NextReader()
			if err != nil {
				return 0, err
			}
			if op != websocket.BinaryMessage {
				return 0, errTextFrame
			}
			c.r = r
		}
		n, err := c.r.Read(p)
		if errors.Is(err, io.EOF) {
			c.r = nil
			if n == 0 {
				continue
			}
			err = nil
		}
		return n, err
	}
}

func (c *wsConn) Write(p []byte) (int, error) {
	if err := c.ws.WriteMessage(websocket.BinaryMessage, p); err != nil {
		return 0, err
	}
	return len(p), nil
}
