package cli

import (
	"os"

	"mqttchat/mqttconn"
	"mqttchat/ui/packets"
	"mqttchat/ui/packettrace"
)

// feedSize is how many packets wait for the screen's next frame at most;
// past it the packets view counts what it could not show.
const feedSize = 8192

// tapPackets gives the connection's wire tap to the packets view and, with
// --trace, to the trace file. Neither may block the connection: both take
// packets into bounded queues and count what they drop.
func (r *chatRun) tapPackets() error {
	r.packets = packets.NewFeed(feedSize)
	observers := []func(mqttconn.Packet){r.packets.Observe}
	if r.s.trace != "" {
		f, err := os.OpenFile(r.s.trace, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
		if err != nil {
			return usagef("%s: %v", r.s.traceWhere, err)
		}
		t := packettrace.New(f)
		r.stack.push(func() {
			if err := t.Close(); err != nil {
				r.logger.Printf("trace %s: %v", r.s.trace, err)
			}
		})
		observers = append(observers, t.Observe)
		r.logger.Printf("tracing packets to %s", r.s.trace)
	}
	r.cfg.OnPacket = fanOut(observers)
	return nil
}

// fanOut calls each observer in turn.
func fanOut(obs []func(mqttconn.Packet)) func(mqttconn.Packet) {
	if len(obs) == 1 {
		return obs[0]
	}
	return func(p mqttconn.Packet) {
		for _, o := range obs {
			o(p)
		}
	}
}
