package topics

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"mqttchat/mqttconn"
	"mqttchat/ui/sanitize"

	"mqttchat/ui/words"
)

// Collect adds every message the queue delivers to the tree until ctx is
// done. It returns early with an error when the connection fails for good
// or the broker refuses a subscription, and when ctx ends before the first
// connection: then nothing was listened to.
func Collect(ctx context.Context, q *mqttconn.Queue, tr *Tree) (dropped uint64, err error) {
	connected := false
	var last error
	for {
		select {
		case <-ctx.Done():
			if !connected {
				if last != nil {
					return dropped, fmt.Errorf("not connected in time: %w", last)
				}
				return dropped, errors.New("not connected in time")
			}
			return dropped, nil
		case <-q.Ready():
		}
		events, d := q.Drain()
		dropped = d
		for _, ev := range events {
			switch ev.Kind {
			case mqttconn.KindMessage:
				m := ev.Message
				tr.Add(m.Topic, m.Payload, m.Retained, m.QoS, m.Time)
			case mqttconn.KindConnected:
				connected = true
			case mqttconn.KindConnectFailed:
				last = ev.Err
				if ev.Fatal {
					return dropped, ev.Err
				}
			case mqttconn.KindSubscribeFailed:
				return dropped, fmt.Errorf("subscription to %s: %w", sanitize.String(ev.Filter), ev.Err)
			}
		}
	}
}

// printPreview is how many cells of a value Print shows.
const printPreview = 60

// Print writes every topic of the tree, one level per line indented by two
// spaces, sorted; a topic shows its last value, its count, and "retained"
// when the broker sent it a retained message. Everything is sanitized.
func (t *Tree) Print(w io.Writer) error {
	bw := bufio.NewWriter(w)
	var walk func(n *node)
	walk = func(n *node) {
		n.sortKids()
		for _, k := range n.order {
			line := strings.Repeat("  ", int(k.depth)) + quote(k.name)
			if k.isTopic() {
				p, _ := cut(t.previewOf(k), printPreview)
				line += "  " + p + fmt.Sprintf("  · %d %s", k.own, words.Plural(int(k.own), "msg", "msgs"))
				if k.retained {
					line += " · retained"
				}
			}
			fmt.Fprintln(bw, line)
			walk(k)
		}
	}
	walk(&t.root)
	s := t.Stats()
	fmt.Fprintf(bw, "%d %s, %d retained, %d %s", s.Topics, words.Plural(s.Topics, "topic", "topics"), s.Retained, s.Messages, words.Plural(int(s.Messages), "message", "messages"))
	if s.DroppedMsgs > 0 {
		fmt.Fprintf(bw, ", %d on topics over the %d limit not shown", s.DroppedMsgs, t.set.MaxTopics)
	}
	fmt.Fprintln(bw)
	return bw.Flush()
}
