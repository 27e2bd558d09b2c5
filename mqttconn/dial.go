package mqttconn

import (
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
		return tls.DialWithDialer(d, "tcp", u.Host, tc)
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
