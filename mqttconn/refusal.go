package mqttconn

import "fmt"

// CONNACK return codes of MQTT 3.1.1 (§3.2.2.3). Codes 6–255 are reserved:
// a broker that sends one refused us all the same.
const (
	CodeAccepted          byte = 0
	CodeBadProtocol       byte = 1
	CodeIDRejected        byte = 2
	CodeServerUnavailable byte = 3
	CodeBadCredentials    byte = 4
	CodeNotAuthorised     byte = 5
)

// RefusedError is a CONNACK that refused the connection.
type RefusedError struct {
	Code   byte
	V5     bool   // Code is an MQTT 5 reason code
	Reason string // MQTT 5: the broker's reason string, when it sent one
	// ServerReference is an MQTT 5 broker's Server Reference property, as
	// sent (see ServerReference).
	ServerReference string
}

// Retryable says whether the refusal may go away by itself (the server is
// unavailable or busy), so that retrying with the same settings can help.
func (e *RefusedError) Retryable() bool {
	if e.V5 {
		return retryableConnack(e.Code)
	}
	return e.Code == CodeServerUnavailable
}

func (e *RefusedError) Error() string {
	if e.V5 {
		return "connection refused: " + ReasonText(e.Code) + brokerSays(e.Code, e.Reason)
	}
	switch e.Code {
	case CodeBadProtocol:
		return "connection refused: unacceptable protocol version"
	case CodeIDRejected:
		return "connection refused: client identifier rejected"
	case CodeServerUnavailable:
		return "connection refused: server unavailable"
	case CodeBadCredentials:
		return "connection refused: bad user name or password"
	case CodeNotAuthorised:
		return "connection refused: not authorised"
	}
	return fmt.Sprintf("connection refused with return code %d, which MQTT 3.1.1 does not define", e.Code)
}
