package mqttconn

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"net/url"

	paho "github.com/eclipse/paho.mqtt.golang"
)

// dial opens the network connection for a broker URL the way paho would
// (TCP, TLS, WebSocket and secure WebSocket), without proxies: tcp://,
// mqtt://, ssl://, tls://, mqtts://, ws:// and wss://. TLS checks the
// certificate against the host dialled: each node of a cluster, and a
// server a broker named, is verified as itself.
func dial(u *url.URL, o paho.ClientOptions) (net.Conn, error) {
	d := &net.Dialer{Timeout: o.ConnectTimeout}
	tc := o.TLSConfig
	if tc != nil && tc.ServerName != u.Hostname() {
		tc = tc.Clone()
		tc.ServerName = u.Hostname()
	}
	switch u.Scheme {
	case "tcp", "mqtt":
		return d.Dial("tcp", u.Host)
	case "ssl", "tls", "mqtts", "tcps":
		return dialTLS(d, u, tc)
	case "ws", "wss":
		dialURL := *u
		dialURL.User = nil // gorilla/websocket refuses URLs with user info
		if u.Scheme != "wss" {
			tc = nil
		}
		return paho.NewWebsocket(dialURL.String(), tc, o.ConnectTimeout, o.HTTPHeaders, o.WebsocketOptions)
	}
	return nil, errors.New("unsupported broker URL scheme " + u.Scheme + "://")
}

// dialTLS dials u over TLS with its socket read through a coalescer (see
// coalesce.go), as tls.DialWithDialer would otherwise: the dialer's timeout
// bounds the handshake too, and a nil config verifies u's host.
func dialTLS(d *net.Dialer, u *url.URL, tc *tls.Config) (net.Conn, error) {
	if tc == nil {
		tc = &tls.Config{}
	}
	if tc.ServerName == "" {
		tc = tc.Clone()
		tc.ServerName = u.Hostname()
	}
	raw, err := d.Dial("tcp", u.Host)
	if err != nil {
		return nil, err
	}
	ctx := context.Background()
	if d.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, d.Timeout)
		defer cancel()
	}
	nap := &coalescer{r: raw}
	conn := tls.Client(newNapSocket(raw, nap), tc)
	if err := conn.HandshakeContext(ctx); err != nil {
		raw.Close()
		return nil, err
	}
	return &coalescedConn{Conn: conn, nap: nap}, nil
}
