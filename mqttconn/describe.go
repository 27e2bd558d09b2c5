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

// ConnectError is a failed connection attempt explained for a person.
type ConnectError struct {
	Text  string // one line: what went wrong and, where it helps, what to do
	Fatal bool   // retrying with the same settings cannot help
	Err   error  // the underlying error
}

func (e *ConnectError) Error() string { return e.Text }
func (e *ConnectError) Unwrap() error { return e.Err }

// describe explains a connection error in words, and says whether retrying
// with the same settings can cure it: CONNACK refusals other than "server
// unavailable", TLS verification failures and bad TLS settings cannot.
func describe(err error, server string) *ConnectError {
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
	fatal := func(text string) *ConnectError { return &ConnectError{Text: text, Fatal: true, Err: err} }
	retry := func(text string) *ConnectError { return &ConnectError{Text: text, Err: err} }
	switch {
	case errors.As(err, &refused):
		return &ConnectError{Text: refused.Error(), Fatal: refused.Code != 3, Err: err}
	case errors.As(err, &dnsErr):
		if dnsErr.IsNotFound {
			return retry(fmt.Sprintf("unknown host %q", dnsErr.Name))
		}
		return retry(fmt.Sprintf("cannot look up %q: %s", dnsErr.Name, dnsErr.Err))
	case errors.As(err, &unknown):
		return fatal("TLS: the broker's certificate is signed by an unknown authority (give its CA with --cafile, or skip the check with --insecure)")
	case errors.As(err, &hostErr):
		return fatal("TLS: host name mismatch: " + hostErr.Error())
	case errors.As(err, &invalid):
		if invalid.Reason == x509.Expired {
			return fatal("TLS: the broker's certificate has expired or is not yet valid: " + invalid.Detail)
		}
		return fatal("TLS: the broker's certificate is not valid: " + invalid.Error())
	case errors.As(err, &verify):
		return fatal("TLS: " + verify.Error())
	case errors.As(err, &recAlert):
		return fatal("TLS: the broker did not answer with TLS (is this a plain MQTT port? use mqtt:// or -p)")
	case errors.As(err, &alert):
		return fatal("TLS: the broker refused the handshake: " + alert.Error() + " (does it want a client certificate? --cert/--key)")
	case strings.Contains(err.Error(), "remote error: tls: "):
		_, why, _ := strings.Cut(err.Error(), "remote error: tls: ")
		hint := " (does it want a client certificate? --cert/--key; or another --tls-version)"
		if strings.Contains(why, "certificate") {
			hint = " (it wants a client certificate it accepts: --cert/--key)"
		}
		return fatal("TLS: the broker refused the handshake: " + why + hint)
	case errors.Is(err, syscall.ECONNREFUSED):
		return retry("connection refused by " + hostPort(server) + " (is a broker listening there?)")
	case errors.Is(err, os.ErrDeadlineExceeded), isTimeout(err):
		return retry("timed out connecting to " + hostPort(server))
	case errors.Is(err, syscall.ECONNRESET), strings.Contains(err.Error(), "EOF"):
		if strings.HasPrefix(server, "ssl://") || strings.HasPrefix(server, "wss://") {
			return retry("the broker closed the connection during the TLS handshake (does it want a client certificate? --cert/--key)")
		}
		return retry("the broker closed the connection during the handshake (wrong port or protocol, or it refused us)")
	}
	return retry(err.Error())
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

// idInUseWindow is how soon after being accepted a connection must drop,
// twice in a row, to suggest that another client uses the same client id.
const idInUseWindow = 3 * time.Second

// idInUseHint is added to a loss that looks like a client id conflict.
const idInUseHint = " — it keeps dropping right after connecting: the client id is probably in use by another client (choose another with -i)"
