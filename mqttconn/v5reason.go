package mqttconn

import (
	"fmt"
	"strings"
	"unicode"
)

// MQTT 5 reason codes (§2.4) that mqttconn tells apart.
const (
	ReasonCodeSessionTakenOver  byte = 0x8E
	ReasonCodeServerShutdown    byte = 0x8B
	ReasonCodeKeepAliveTimeout  byte = 0x8D
	ReasonCodeNotAuthorized     byte = 0x87
	ReasonCodeQuotaExceeded     byte = 0x97
	reasonCodeServerUnavailable byte = 0x88
)

// reasonWords are MQTT 5's reason codes in words (MQTT 5 §2.4).
var reasonWords = map[byte]string{
	0x00: "success",
	0x01: "granted QoS 1",
	0x02: "granted QoS 2",
	0x04: "disconnect with will message",
	0x10: "no matching subscribers",
	0x11: "no subscription existed",
	0x18: "continue authentication",
	0x19: "re-authenticate",
	0x80: "unspecified error",
	0x81: "malformed packet",
	0x82: "protocol error",
	0x83: "implementation specific error",
	0x84: "unsupported protocol version",
	0x85: "client identifier not valid",
	0x86: "bad user name or password",
	0x87: "not authorized",
	0x88: "server unavailable",
	0x89: "server busy",
	0x8A: "banned",
	0x8B: "the server is shutting down",
	0x8C: "bad authentication method",
	0x8D: "keep-alive timeout: the broker heard nothing from us in time",
	0x8E: "session taken over: another client connected with this client id",
	0x8F: "topic filter invalid",
	0x90: "topic name invalid",
	0x91: "packet identifier in use",
	0x92: "packet identifier not found",
	0x93: "receive maximum exceeded",
	0x94: "topic alias invalid",
	0x95: "packet too large",
	0x96: "message rate too high",
	0x97: "quota exceeded",
	0x98: "administrative action",
	0x99: "payload format invalid",
	0x9A: "retain not supported",
	0x9B: "QoS not supported",
	0x9C: "use another server",
	0x9D: "server moved",
	0x9E: "shared subscriptions not supported",
	0x9F: "connection rate exceeded",
	0xA0: "maximum connect time",
	0xA1: "subscription identifiers not supported",
	0xA2: "wildcard subscriptions not supported",
}

// ReasonText is an MQTT 5 reason code in words.
func ReasonText(code byte) string {
	if w, ok := reasonWords[code]; ok {
		return w
	}
	return fmt.Sprintf("reason code 0x%02X, which MQTT 5 does not define", code)
}

// ReasonCodeError is an MQTT 5 ack or DISCONNECT that reports a failure:
// a refused publish (PUBACK, PUBREC), subscription (SUBACK), unsubscription
// (UNSUBACK), or the broker closing the connection (DISCONNECT).
type ReasonCodeError struct {
	Packet string // PUBACK, PUBREC, SUBACK, UNSUBACK, DISCONNECT
	Code   byte
	Reason string // the broker's reason string, when it sent one
	// ServerReference, on a DISCONNECT, is the Server Reference property
	// as sent (see ServerReference).
	ServerReference string
}

func (e *ReasonCodeError) Error() string {
	s := ReasonText(e.Code) + brokerSays(e.Code, e.Reason)
	if e.Packet == "DISCONNECT" {
		s = "the broker disconnected us: " + s
	}
	return s
}

// brokerSays quotes a broker's reason string, when there is one that
// says more than the reason code's words: mochi's "bad username or
// password" is our "bad user name or password" again.
func brokerSays(code byte, reason string) string {
	if reason == "" || lettersOf(reason) == lettersOf(ReasonText(code)) {
		return ""
	}
	return fmt.Sprintf(` (the broker says %q)`, reason)
}

// lettersOf is s in lower case without spaces and punctuation.
func lettersOf(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return unicode.ToLower(r)
		}
		return -1
	}, s)
}

// retryableConnack says whether a refusal may go away by itself: the
// broker is unavailable, busy, over a quota or a rate, or elsewhere.
func retryableConnack(code byte) bool {
	switch code {
	case reasonCodeServerUnavailable, 0x89, 0x97, 0x9F, 0x9C, 0x9D, 0x80, 0x83:
		return true
	}
	return false
}
