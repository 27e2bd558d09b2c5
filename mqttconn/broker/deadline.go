package broker

import (
	"net"
	"time"

	"github.com/mochi-mqtt/server/v2/listeners"
)

// connectDeadline gives every connection of a listener a deadline to send
// its CONNECT. mochi v2.7.9 reads the first packet without one, so a socket
// that never speaks stays open for ever; it sets the keep-alive deadline
// itself once CONNECT is read, which replaces this one.
type connectDeadline struct {
	listeners.Listener
	timeout time.Duration
}

// Serve serves the wrapped listener, setting the deadline on each new connection.
func (l connectDeadline) Serve(establish listeners.EstablishFn) {
	l.Listener.Serve(func(id string, c net.Conn) error {
		_ = c.SetDeadline(time.Now().Add(l.timeout))
		return establish(id, c)
	})
}
