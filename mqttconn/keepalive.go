package mqttconn

import (
	"fmt"
	"time"
)

// KeepAliveError ends a connection whose broker stopped answering: a
// PINGREQ went out and nothing at all came back before the client gave up
// on it and closed the connection (paho's ping timeout: the keep-alive over
// MQTT 5, at most 10 s over 3.1.1). A frozen broker (kill -STOP), a dead
// network path or a broker too busy to answer all look like this.
//
// Behind: other packets kept arriving meanwhile, only the PINGRESP did
// not: the broker answers, but its answer is queued behind more data than
// the connection carried in the wait (a backlog larger than the link or
// the client can take).
type KeepAliveError struct {
	KeepAlive time.Duration // the keep-alive in use (the broker's own over MQTT 5, when it set one)
	Waited    time.Duration // from the unanswered PINGREQ to the close
	Behind    bool          // packets arrived during the wait, the PINGRESP did not
}

func (e *KeepAliveError) Error() string {
	if e.Behind {
		return fmt.Sprintf("no PINGRESP to our PINGREQ for %s while messages kept arriving: the connection is that far behind the broker (keep-alive %s)",
			seconds(e.Waited), seconds(e.KeepAlive))
	}
	return fmt.Sprintf("the broker stopped answering: no PINGRESP to our PINGREQ for %s (keep-alive %s)",
		seconds(e.Waited), seconds(e.KeepAlive))
}

// seconds is d in whole seconds, as people say it ("5 s").
func seconds(d time.Duration) string {
	return fmt.Sprintf("%d s", int64(max(d.Round(time.Second), time.Second)/time.Second))
}

// minPingWait is the least time an unanswered PINGREQ must have waited for
// a close of ours to count as a ping timeout: no ping timeout is shorter
// (the keep-alive is at least 1 s), and a close that merely follows a
// PINGREQ (quitting) is not one.
const minPingWait = 900 * time.Millisecond

// pingSent notes a PINGREQ written, unless an earlier one is still
// unanswered (the wait counts from that one).
func (w *wireConn) pingSent() {
	now := time.Now().UnixNano()
	if p := w.pingAt.Load(); p == 0 || w.pongAt.Load() >= p {
		w.pingAt.Store(now)
	}
}

// closeReason is why a connection we close ends: a ping timeout when a
// PINGREQ has waited long enough with no PINGRESP read since (Behind when
// other packets were), else simply closed by us.
func (w *wireConn) closeReason() error {
	p := w.pingAt.Load()
	if p == 0 || w.pongAt.Load() >= p {
		return errClosedByUs
	}
	waited := time.Since(time.Unix(0, p))
	if waited < minPingWait {
		return errClosedByUs
	}
	return &KeepAliveError{KeepAlive: time.Duration(w.keepAlive.Load()), Waited: waited, Behind: w.lastIn.Load() >= p}
}
