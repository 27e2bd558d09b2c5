package mqttconn

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"syscall"
	"time"
)

// Reason classifies why something failed, so that a user interface can add
// its own advice (a flag to try, a key to press) without parsing the text.
type Reason int

// The reasons. New ones are added at the end.
const (
	ReasonOther           Reason = iota // not classified: the text says it
	ReasonRefused                       // the broker's CONNACK refused us: see RefusedError
	ReasonUnknownHost                   // the host name does not resolve
	ReasonLookup                        // the name lookup itself failed
	ReasonTCPRefused                    // nothing listens at the address
	ReasonTimeout                       // no answer in time
	ReasonClosedHandshake               // the broker closed the connection during the MQTT handshake
	ReasonTLSUnknownCA                  // the broker's certificate is signed by an unknown authority
	ReasonTLSHostname                   // the certificate is for another host
	ReasonTLSExpired                    // the certificate is expired or not yet valid
	ReasonTLSInvalid                    // the certificate is not valid for another reason
	ReasonTLSNotTLS                     // the broker did not answer with TLS
	ReasonTLSRefused                    // the broker refused the TLS handshake (maybe it wants a client certificate)
	ReasonTLSClientCert                 // the broker refused our client certificate or wants one
	ReasonTLSClosed                     // the broker closed the connection during the TLS handshake
	ReasonTakeover                      // accepted, then closed at once, again and again: another client probably uses our client id
	ReasonNotConnected                  // a QoS 0 message while no connection is open
)

// ConnectError is a failed connection attempt explained for a person.
type ConnectError struct {
	Reason Reason
	Text   string // one line: what went wrong, in words of MQTT and the network
	Hint   string // advice from Config.Hint for Reason, or ""
	Fatal  bool   // retrying with the same settings cannot help
	Err    error  // the underlying error
}

func (e *ConnectError) Error() string {
	if e.Hint == "" {
		return e.Text
	}
	return e.Text + " (" + e.Hint + ")"
}
func (e *ConnectError) Unwrap() error { return e.Err }

// HintedError is an error of mqttconn with the advice Config.Hint gave for
// its Reason. errors.Is and errors.As see the error it wraps.
type HintedError struct {
	Reason Reason
	Hint   string
	Err    error
}

func (e *HintedError) Error() string { return e.Err.Error() + " (" + e.Hint + ")" }
func (e *HintedError) Unwrap() error { return e.Err }

// hinted adds the user interface's advice for r to err, when it has any.
func (c *Client) hinted(r Reason, err error) error {
	if c.cfg.Hint == nil {
		return err
	}
	if h := c.cfg.Hint(r); h != "" {
		return &HintedError{Reason: r, Hint: h, Err: err}
	}
	return err
}

// describe explains a connection error in words, classifies it, and says
// whether retrying with the same settings can cure it: CONNACK refusals other
// than "server unavailable", TLS verification failures and bad TLS settings
// cannot. hint, when not nil, gives the advice for a reason.
func describe(err error, server string, hint func(Reason) string) *ConnectError {
	ce := classify(err, server)
	if hint != nil {
		ce.Hint = hint(ce.Reason)
	}
	return ce
}

func classify(err error, server string) *ConnectError {
	var (
		refused  *RefusedError
		dnsErr   *net.DNSError
		unknown  x509.UnknownAuthorityError
		hostErr  x509.HostnameError
		invalid  x509.CertificateInvalidError
		verify   *tls.CertificateVerificationError
		alert    tls.AlertError
		recAlert tls.RecordHeaderError
	)
	fatal := func(r Reason, text string) *ConnectError {
		return &ConnectError{Reason: r, Text: text, Fatal: true, Err: err}
	}
	retry := func(r Reason, text string) *ConnectError { return &ConnectError{Reason: r, Text: text, Err: err} }
	tlsURL := strings.HasPrefix(server, "ssl://") || strings.HasPrefix(server, "wss://")
	switch {
	case errors.As(err, &refused):
		return &ConnectError{Reason: ReasonRefused, Text: refused.Error(), Fatal: !refused.Retryable(), Err: err}
	case errors.As(err, &dnsErr):
		if dnsErr.IsNotFound {
			return retry(ReasonUnknownHost, fmt.Sprintf("unknown host %q", dnsErr.Name))
		}
		return retry(ReasonLookup, fmt.Sprintf("cannot look up %q: %s", dnsErr.Name, dnsErr.Err))
	case errors.As(err, &unknown):
		return fatal(ReasonTLSUnknownCA, "TLS: the broker's certificate is signed by an unknown authority")
	case errors.As(err, &hostErr):
		return fatal(ReasonTLSHostname, "TLS: host name mismatch: "+hostErr.Error())
	case errors.As(err, &invalid):
		if invalid.Reason == x509.Expired {
			return fatal(ReasonTLSExpired, "TLS: the broker's certificate has expired or is not yet valid: "+invalid.Detail)
		}
		return fatal(ReasonTLSInvalid, "TLS: the broker's certificate is not valid: "+invalid.Error())
	case errors.As(err, &verify):
		return fatal(ReasonTLSInvalid, "TLS: "+verify.Error())
	case errors.As(err, &recAlert):
		return fatal(ReasonTLSNotTLS, "TLS: the broker did not answer with TLS (is this a plain MQTT port?)")
	case errors.As(err, &alert):
		return fatal(ReasonTLSRefused, "TLS: the broker refused the handshake: "+alert.Error())
	case strings.Contains(err.Error(), "remote error: tls: "):
		_, why, _ := strings.Cut(err.Error(), "remote error: tls: ")
		if strings.Contains(why, "certificate") {
			return fatal(ReasonTLSClientCert, "TLS: the broker refused the handshake: "+why)
		}
		return fatal(ReasonTLSRefused, "TLS: the broker refused the handshake: "+why)
	case errors.Is(err, syscall.ECONNREFUSED):
		return retry(ReasonTCPRefused, "connection refused by "+hostPort(server)+" (is a broker listening there?)")
	case errors.Is(err, os.ErrDeadlineExceeded), isTimeout(err):
		return retry(ReasonTimeout, "timed out connecting to "+hostPort(server))
	case errors.Is(err, syscall.ECONNRESET), strings.Contains(err.Error(), "EOF"):
		if tlsURL {
			return retry(ReasonTLSClosed, "the broker closed the connection during the TLS handshake")
		}
		return retry(ReasonClosedHandshake, "the broker closed the connection during the handshake (wrong port or protocol, or it refused us)")
	}
	return retry(ReasonOther, err.Error())
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// hostPort is the host:port of a broker URL.
func hostPort(server string) string {
	_, rest, _ := strings.Cut(server, "://")
	rest, _, _ = strings.Cut(rest, "/")
	return rest
}

// takeoverWindow is how soon after being accepted a connection must drop,
// again and again, to look like a take-over by a client with our client id.
const takeoverWindow = 3 * time.Second

// errBrokerClosed ends a connection the broker closed without a word.
var errBrokerClosed = errors.New("the broker closed the connection")

// publishDropError explains a connection the broker closed without a word
// right after our PUBLISH: it refused the message (mosquitto does so for a
// string it takes as malformed UTF-8). Other errors say more already.
func publishDropError(err error) error {
	if err != errBrokerClosed {
		return err
	}
	return errors.New("the broker closed the connection right after a message we published: it may refuse something in that message")
}

// takeoverError explains a loss that looks like a client id conflict.
func (c *Client) takeoverError(err error) *ConnectError {
	ce := &ConnectError{Reason: ReasonTakeover, Err: err,
		Text: "it keeps dropping right after connecting: the client id is probably in use by another client"}
	if c.cfg.Hint != nil {
		ce.Hint = c.cfg.Hint(ReasonTakeover)
	}
	return ce
}
