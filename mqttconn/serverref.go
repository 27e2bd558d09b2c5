package mqttconn

import (
	"errors"
	"net"
	"net/url"
	"strconv"
	"strings"

	"mqttchat/mqttconn/brokerurl"
)

// MQTT 5 reason codes that may carry a Server Reference (§4.11).
const (
	ReasonCodeUseAnotherServer byte = 0x9C // temporary: try this other server
	ReasonCodeServerMoved      byte = 0x9D // for good: use this server from now on
)

// maxServerRefs bounds how many servers of a Server Reference are read.
const maxServerRefs = 8

// ServerReference is an MQTT 5 broker's advice to use another server, in a
// CONNACK that refused us or a DISCONNECT (reason 0x9C, use another server,
// or 0x9D, server moved). Its format is not specified; it is read
// defensively as servers separated by spaces (or commas), each a host, a
// host:port, a [IPv6]:port, or a URL whose scheme is ignored: we never
// change the scheme (plain or TLS, TCP or WebSocket) because a broker says
// so. Nothing here follows it: Client.UseServer does, and only when the
// user agrees.
type ServerReference struct {
	Code  byte     // ReasonCodeUseAnotherServer or ReasonCodeServerMoved
	Raw   string   // as the broker sent it (not sanitized: a display sanitizes it)
	Nodes []string // the hosts and ports read from it, in order (host:port)
	// Server is the broker URL it leads to: the first of Nodes with the
	// scheme (and WebSocket path) of the node that sent it; "" when it
	// cannot be followed.
	Server string
	// Refused says why it is not followed, in words; "" when it may be,
	// once the user agrees.
	Refused string
}

// serverReference reads the Server Reference a connection error carries,
// if any, sent by the node at from.
func (c *Client) serverReference(err error, from string) *ServerReference {
	var (
		refused *RefusedError
		rc      *ReasonCodeError
		raw     string
		code    byte
	)
	switch {
	case errors.As(err, &refused) && refused.V5:
		raw, code = refused.ServerReference, refused.Code
	case errors.As(err, &rc) && rc.Packet == "DISCONNECT":
		raw, code = rc.ServerReference, rc.Code
	}
	if raw == "" || (code != ReasonCodeUseAnotherServer && code != ReasonCodeServerMoved) {
		return nil
	}
	return followable(raw, code, from, c.cfg.Servers, c.cfg.Username != "" || c.cfg.Password != "")
}

// followable reads a Server Reference and decides whether it may be
// followed from the node at from: never with credentials over a connection
// that is not encrypted to a host the broker chose (one that is not among
// the configured nodes).
func followable(raw string, code byte, from string, configured []string, credentials bool) *ServerReference {
	ref := &ServerReference{Code: code, Raw: raw, Nodes: parseServerRefs(raw)}
	if len(ref.Nodes) == 0 {
		ref.Refused = "no host could be read in it"
		return ref
	}
	u, err := url.Parse(from)
	if err != nil {
		ref.Refused = "the node that sent it has no URL"
		return ref
	}
	host, port, err := net.SplitHostPort(ref.Nodes[0])
	if err != nil { // no port
		host, port = strings.Trim(ref.Nodes[0], "[]"), ""
	}
	if port == "" {
		port = strconv.Itoa(defaultPort(u.Scheme))
	}
	next := *u
	next.Host = net.JoinHostPort(host, port)
	next.User = nil
	ref.Server = next.String()
	for _, s := range configured {
		if same, err := url.Parse(s); err == nil && same.Host == next.Host && same.Scheme == next.Scheme {
			return ref // a node the user named: as safe as any other
		}
	}
	if credentials && !brokerurl.IsTLSScheme(u.Scheme) {
		ref.Server = ""
		ref.Refused = "not followed: it would send your user name and password unencrypted to a host the broker chose"
	}
	return ref
}

// defaultPort is the port of a paho scheme when none is given.
func defaultPort(scheme string) int {
	switch scheme {
	case "ssl", "tls", "mqtts", "tcps":
		return 8883
	case "ws":
		return 80
	case "wss":
		return 443
	}
	return 1883
}

// parseServerRefs reads the host:port of each server in a Server
// Reference, skipping what is not one (at most maxServerRefs).
func parseServerRefs(raw string) []string {
	var out []string
	for _, f := range strings.FieldsFunc(raw, func(r rune) bool { return r == ' ' || r == ',' || r == '\t' }) {
		if len(out) == maxServerRefs {
			break
		}
		if _, rest, ok := strings.Cut(f, "://"); ok {
			f = rest
		}
		if at := strings.LastIndexByte(f, '@'); at >= 0 {
			f = f[at+1:] // never credentials of the broker's choosing
		}
		f, _, _ = strings.Cut(f, "/")
		host, port := f, ""
		if h, p, err := net.SplitHostPort(f); err == nil {
			host, port = h, p
		} else if strings.HasPrefix(f, "[") && strings.HasSuffix(f, "]") {
			host = f[1 : len(f)-1]
		}
		if host == "" || brokerurl.CheckHost(host) != nil || strings.ContainsAny(host, " /@[]") ||
			(strings.Contains(host, ":") && net.ParseIP(host) == nil) {
			continue
		}
		if port != "" {
			if _, err := brokerurl.ParsePort(port); err != nil {
				continue
			}
			out = append(out, net.JoinHostPort(host, port))
			continue
		}
		if strings.Contains(host, ":") {
			out = append(out, "["+host+"]")
		} else {
			out = append(out, host)
		}
	}
	return out
}

// UseServer follows a Server Reference the user agreed to: the next
// attempt, made at once, goes to ref.Server (one more node of the cluster
// when it is not one already). A connection still open is closed for it.
func (c *Client) UseServer(ref *ServerReference) error {
	if ref == nil || ref.Server == "" {
		if ref != nil && ref.Refused != "" {
			return errors.New(ref.Refused)
		}
		return errors.New("no server to move to")
	}
	c.mu.Lock()
	c.redirect = ref.Server
	w := c.wire
	connected := c.connected
	c.mu.Unlock()
	if connected && w != nil {
		w.Close()
	}
	c.Retry()
	return nil
}

// redirectPending says whether UseServer asked for a server not yet taken.
func (c *Client) redirectPending() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.redirect != ""
}

// takeRedirect returns the server UseServer asked for, once.
func (c *Client) takeRedirect() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	r := c.redirect
	c.redirect = ""
	return r
}
