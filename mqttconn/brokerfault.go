package mqttconn

import (
	"errors"
	"fmt"
)

// ProtocolError is a broker's breach of MQTT that ended the connection:
// over MQTT 5 we sent DISCONNECT with Code and closed it; over 3.1.1, which
// has no reason codes, we closed it (Code says why, as MQTT 5 would).
type ProtocolError struct {
	Code byte   // the reason code of our DISCONNECT, e.g. 0x94
	Text string // what the broker did
}

func (e *ProtocolError) Error() string {
	return fmt.Sprintf("%s: we disconnected (%s)", e.Text, ReasonText(e.Code))
}

// reasonCodeMalformedPacket is MQTT 5's reason code 0x81.
const reasonCodeMalformedPacket byte = 0x81

// brokerFault ends the connection for a protocol error of the broker's
// that the wire's reader found (a malformed packet), never with a
// "normal" DISCONNECT, which would have the broker discard our Will: over
// MQTT 5 with our DISCONNECT and its reason code, over 3.1.1 (whose
// DISCONNECT is always the normal one) by closing. The loss is a
// ProtocolError, so it is not taken for another client taking over.
func (w *wireConn) brokerFault(code byte, text string) error {
	if w.v5 {
		w.abortNow(code, text)
	} else {
		w.fail(&ProtocolError{Code: code, Text: text})
		_ = w.Conn.Close()
	}
	return w.Err()
}

// faulted: we ended the connection for the broker's protocol error
// (brokerFault). Nothing is written after that, least of all the library's
// DISCONNECT on its way out (paho's, or paho.golang's 0x00 after our own
// DISCONNECT with its reason): "normal", it would have the broker discard
// our Will. Over 3.1.1 the socket is closed right after the fault, but the
// library may write in between.
func (w *wireConn) faulted() bool {
	return w.ended() && errors.As(w.Err(), new(*ProtocolError))
}
