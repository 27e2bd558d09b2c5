package mqttconn

import "fmt"

// RefusedError is a CONNACK that refused the connection.
type RefusedError struct {
	Code byte
}

func (e *RefusedError) Error() string {
	switch e.Code {
	case 1:
		return "connection refused: unacceptable protocol version"
	case 2:
		return "connection refused: client identifier rejected"
	case 3:
		return "connection refused: server unavailable"
	case 4:
		return "connection refused: bad user name or password"
	case 5:
		return "connection refused: not authorised"
	}
	return fmt.Sprintf("connection refused: return code %d", e.Code)
}

// refusalError turns a failed CONNECT into a RefusedError when the broker
// answered with a refusal code, and keeps err otherwise.
func refusalError(code byte, err error) error {
	if code >= 1 && code <= 5 {
		return &RefusedError{Code: code}
	}
	return err
}
