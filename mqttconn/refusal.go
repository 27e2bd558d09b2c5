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
	Code byte
}

func (e *RefusedError) Error() string {
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
