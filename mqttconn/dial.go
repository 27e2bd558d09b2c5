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
// mqtt://, ssl://, tls://, mqtts://, ws:// and wss://.
func dial(u *url.URL, o paho.ClientOptions) (net.Conn, error) {
	d := &net.Dialer{Timeout: o.ConnectTimeout}
	switch u.Scheme {
	case "tcp", "mqtt":
		return d.Dial("tcp", u.Host)
	case "ssl", "tls", "mqtts", "tcps":
		return tls.DialWithDialer(d, "tcp", u.Host, o.TLSConfig)
	case "ws", "wss":
		dialURL := *u
		dialURL.User = nil // gorilla/websocket refuses URLs with user info
		var tc *tls.Config
		if u.Scheme == "wss" {
			tc = o.TLSConfig
		}
		return paho.NewWebsocket(dialURL.String(), tc, o.ConnectTimeout, o.HTTPHeaders, o.WebsocketOptions)
	}
	return nil, errors.New("unsupported broker URL scheme " + u.Scheme + "://")
}
