package screen

import (
	"fmt"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"mqttchat/mqttconn"
	"mqttchat/ui/packets"
	"mqttchat/ui/sanitize"
)

// frameInterval is how long the drain gathers events after the first one, so
// that a flood becomes one message per frame rather than one per event.
const frameInterval = 16 * time.Millisecond

// floodBatch is the number of events waiting after one frameInterval from
// which the drain gathers for a second one (1,000 in 16 ms: 62,500 a
// second; the sustained 20,000 a second stays at 60 frames).
const floodBatch = 1000

// eventsMsg is one batch of connection events for Update, and the packets
// the wire tap saw in the same frame.
type eventsMsg struct {
	events         []mqttconn.Event
	analyses       []analysis // per event: the payload's kind and preview, for messages
	dropped        uint64
	received       uint64
	notWritten     uint64 // history records not written
	historyErr     error  // why history writing stopped
	packets        []mqttconn.Packet
	packetsDropped uint64
}

// spares are the slices of the batch Update is done with, handed back to
// the drain to be filled again: in a flood the drain then allocates nothing
// per frame.
type spares struct {
	events   []mqttconn.Event
	analyses []analysis
	packets  []mqttconn.Packet
}

// waitForEvents blocks until the queue (or the packet feed, when there is
// one) has something, gathers a frame's worth of both and delivers them as
// one message: one Update and one View per frame, whatever arrived. Update
// re-arms it after each batch, with the batch's slices as spares.
func waitForEvents(c Conn, h HistoryStatus, f *packets.Feed, sp spares) tea.Cmd {
	return func() tea.Msg {
		q := c.Queue()
		var packetsReady <-chan struct{} // nil without a feed: never ready
		if f != nil {
			packetsReady = f.Ready()
		}
		for {
			select {
			case <-q.Ready():
			case <-packetsReady:
			}
			time.Sleep(frameInterval)
			if q.Len() >= floodBatch {
				// A flood (over 60,000 events a second): every line scrolls in
				// every frame, so fewer frames are the saving. 30 a second.
				time.Sleep(frameInterval)
			}
			evs, dropped := q.DrainInto(sp.events)
			msg := eventsMsg{events: evs, dropped: dropped, received: c.Received()}
			if f != nil {
				msg.packets, msg.packetsDropped = f.DrainInto(sp.packets)
			}
			sp.events, sp.packets = nil, nil
			if len(evs) == 0 && len(msg.packets) == 0 {
				// A signal whose events an earlier drain took: nothing to draw.
				sp.events, sp.packets = evs, msg.packets
				continue
			}
			if cap(sp.analyses) >= len(evs) {
				msg.analyses = sp.analyses[:len(evs)]
				clear(msg.analyses)
			} else {
				msg.analyses = make([]analysis, len(evs))
			}
			for i, ev := range evs { // detection happens here, off the UI goroutine
				if ev.Kind == mqttconn.KindMessage || (ev.Kind == mqttconn.KindPublish && ev.Message.Topic != "") {
					msg.analyses[i] = analyze(ev.Message.Payload)
				}
			}
			if h != nil {
				msg.notWritten, msg.historyErr = h.NotWritten(), h.Err()
			}
			return msg
		}
	}
}

// rearm is the drain for the next batch, given the slices of msg (which
// Update has applied and keeps nothing of) to fill again.
func (m *Model) rearm(msg eventsMsg) tea.Cmd {
	return waitForEvents(m.conn, m.history, m.packetFeed, spares{events: msg.events, analyses: msg.analyses, packets: msg.packets})
}

// publishResultMsg reports what Publish said of a message.
type publishResultMsg struct {
	topic string
	text  string // the composer's text, given back when refused; "" otherwise
	err   error
}

// publish hands a message to the connection off the UI goroutine (a disk
// outbox write fsyncs). text is what the composer held, for recall and to
// give back if the connection refuses it.
func publish(c Conn, m mqttconn.Message, text string) tea.Cmd {
	return func() tea.Msg {
		_, err := c.Publish(m)
		return publishResultMsg{topic: m.Topic, text: text, err: err}
	}
}

// recallSavedMsg reports the recall file's save.
type recallSavedMsg struct{ err error }

// keepForRecall puts what was sent at the front of the recall lists and has
// it saved off the UI goroutine.
func (m *Model) keepForRecall(topic, text string) tea.Cmd {
	if text == "" {
		return nil // not typed: a file, an empty payload
	}
	m.composer.recall.add(topic, text)
	if m.onSent == nil {
		return nil
	}
	save := m.onSent
	return func() tea.Msg { return recallSavedMsg{err: save(topic, text)} }
}

// applyEvents updates the list and the status bar from a batch.
func (m *Model) applyEvents(msg eventsMsg) {
	if m.packetFeed != nil {
		m.packets.Add(msg.packets, msg.packetsDropped)
	}
	m.status.received = max(m.status.received, msg.received)
	m.status.dropped = msg.dropped
	m.status.notWritten = msg.notWritten
	if msg.historyErr != nil {
		m.status.addProblem(errText(msg.historyErr) + " — the chat goes on without history")
	}
	for i, ev := range msg.events {
		var a analysis
		if i < len(msg.analyses) {
			a = msg.analyses[i]
		}
		m.status.apply(ev)
		switch ev.Kind {
		case mqttconn.KindMessage:
			m.topics.Add(ev.Message.Topic, ev.Message.Payload, ev.Message.Retained, ev.Message.QoS, ev.Message.Time)
			e := newMessageEntry(entryIn, ev.Message, a)
			if m.threadReply(e, ev.Message) {
				e.colour = m.rooms.count(e.topic, e.sender, e.time, m.rooms.selected == 0 && m.list.atBottom() && !m.list.paused)
				continue
			}
			if m.matchEcho(e) {
				m.rooms.countMine(e.topic, e.time)
				continue
			}
			seen := m.rooms.selected == 0 && m.list.atBottom() && !m.list.paused
			e.colour = m.rooms.count(e.topic, e.sender, e.time, seen)
			m.list.push(e)
		case mqttconn.KindPublish:
			m.applyPublish(ev, a)
		default:
			m.applySubscription(ev)
			if text, warn, ok := timelineText(ev, m.status.everUp); ok {
				e := newEventEntry(ev.Time, text, warn)
				if ev.Kind == mqttconn.KindConnectFailed {
					e.repeatKey = failureKey(ev)
				}
				m.list.pushOrFold(e)
			}
			m.noteServerRef(ev)
		}
	}
}

// applySubscription keeps the rooms in step with SUBACKs and UNSUBACKs.
func (m *Model) applySubscription(ev mqttconn.Event) {
	switch ev.Kind {
	case mqttconn.KindSubscribed:
		m.rooms.add(ev.Filter, ev.QoS).granted = int(ev.Granted)
	case mqttconn.KindSubscribeFailed:
		m.rooms.add(ev.Filter, ev.QoS).granted = grantedRefused
	case mqttconn.KindUnsubscribed:
		if ev.Err == nil {
			wasShown := m.rooms.current() != nil && m.rooms.current().filter == ev.Filter
			m.rooms.remove(ev.Filter)
			if wasShown {
				m.showRoom()
			}
		}
	default:
		return
	}
	m.layout()
}

// Replayed is a message from the history, shown above an "earlier"
// divider. The history may hold only the start of a long payload: Size is
// the whole length then (0: the payload is whole).
type Replayed struct {
	Event mqttconn.Event
	Size  int
	// StateUnknown: a message we sent whose process quit before the
	// broker's answer was recorded; neither sent nor failed is known.
	StateUnknown bool
}

// addEarlier shows messages from the history above an "earlier" divider.
func (m *Model) addEarlier(evs []Replayed) {
	if len(evs) == 0 {
		return
	}
	m.list.push(newDayEntry(evs[0].Event.Time)) // the history's first day, whatever today is
	for _, r := range evs {
		ev := r.Event
		switch ev.Kind {
		case mqttconn.KindMessage:
			e := newMessageEntry(entryIn, ev.Message, analysis{})
			e.size = max(e.size, r.Size)
			if !m.matchEcho(e) {
				m.list.push(e)
			}
		case mqttconn.KindPublish:
			e := newMessageEntry(entryOut, ev.Message, analysis{})
			m.ownSender(e)
			e.size = max(e.size, r.Size)
			m.echo.Sent(e, e.echoKey(), ev.Message.Time)
			e.state, e.stateUnknown = ev.State, r.StateUnknown
			if ev.Err != nil && (ev.State == mqttconn.StateFailed || ev.State == mqttconn.StateFateUnknown) && !r.StateUnknown {
				e.note = errText(ev.Err)
			}
			m.list.push(e) // not in list.outgoing: its id belonged to an earlier run
			delete(m.list.outgoing, e.outID)
			m.replayedOut[sentKey(e)] = e
		}
	}
	m.list.push(newEventEntry(evs[len(evs)-1].Event.Time, fmt.Sprintf("earlier: %d %s from history above · now below",
		len(evs), plural(len(evs), "message", "messages")), false))
}

// ownSender keeps the sender of a message we sent only when it is not our
// own name: another copy of mqttchat sharing the history sent it, or
// /prop named another sender.
func (m *Model) ownSender(e *entry) {
	if e.sender == m.name {
		e.sender = ""
	}
}

// applyPublish creates or updates the row of an outgoing message.
func (m *Model) applyPublish(ev mqttconn.Event, a analysis) {
	e, ok := m.list.outgoing[ev.OutID]
	if !ok {
		if ev.Message.Topic == "" {
			return // its row was evicted
		}
		e = newMessageEntry(entryOut, ev.Message, a)
		m.ownSender(e)
		if old, ok := m.replayedOut[sentKey(e)]; ok {
			// A message the outbox kept from an earlier run (a persistent
			// session after a crash or a quit): its replayed row goes on,
			// rather than a second row below.
			delete(m.replayedOut, sentKey(e))
			old.stateUnknown = false
			e = old
		} else {
			m.list.push(e)
		}
		e.outID = ev.OutID
		m.list.outgoing[ev.OutID] = e
		m.attachRequest(e, ev.Message)
	}
	e.state = ev.State
	e.note = ""
	switch ev.State {
	case mqttconn.StateQueued, mqttconn.StateSending, mqttconn.StateSent, mqttconn.StateResent:
		// Handed to the broker, or about to be: its echo may come, even
		// before the event that says it was written (QoS 0: the broker's
		// copy can be read before the writer reports).
		m.echo.Sent(e, e.echoKey(), ev.Time)
	case mqttconn.StateFailed, mqttconn.StateFateUnknown:
		m.echo.Forget(e)
		if ev.Err != nil {
			e.note = errText(ev.Err)
		}
	}
	e.invalidate()
	if m.detail != nil && m.detail.e == e {
		m.detail.refresh() // its explanation may have come or gone
	}
}

// replayKey identifies a message we sent across runs: the outbox keeps its
// topic, payload and time.
type replayKey struct {
	topic string
	at    int64
	hash  uint64
}

func sentKey(e *entry) replayKey { return replayKey{e.topic, e.time.UnixNano(), e.hash} }

// matchEcho marks the sent message that e echoes (the broker routed our
// own message back through our subscription) and reports whether it did:
// then e gets no row of its own.
func (m *Model) matchEcho(e *entry) bool {
	if m.echo.Len() == 0 { // nothing we sent awaits its echo (a flood): no subscriptions to match
		return false
	}
	n := m.rooms.matching(e.topic)
	if n == 0 && m.rooms.colourOf(e.topic) >= 0 {
		return false // every subscription it matches has No Local: the broker sends none of ours
	}
	sent, ok := m.echo.Received(e.echoKey(), e.time, n)
	if !ok {
		return false
	}
	sent.echoes++
	sent.invalidate()
	return true
}

// timelineText is the list row for a connection event, if it gets one.
func timelineText(ev mqttconn.Event, everUp bool) (text string, warn, ok bool) {
	defer func() { text += connackFacts(ev) }() // what an MQTT 5 CONNACK added, after any wording of the connect
	switch ev.Kind {
	case mqttconn.KindConnected:
		if ev.MovedFrom != "" {
			text := fmt.Sprintf("moved to node %s: node %s: %s", sanitize.String(ev.Node), sanitize.String(ev.MovedFrom), errText(ev.MoveErr))
			if ev.Downtime > 0 {
				text += fmt.Sprintf(" · reconnected after %s", ev.Downtime.Round(100*time.Millisecond))
			}
			if ev.SessionPresent {
				text += " (session present)"
			}
			if ev.CleanStart {
				text += " · new session (the nodes share none)"
			}
			return text, false, true
		}
		if ev.Downtime > 0 && ev.SessionPresent {
			return fmt.Sprintf("reconnected after %s (session present)", ev.Downtime.Round(100*time.Millisecond)), false, true
		}
		if ev.Downtime > 0 {
			return fmt.Sprintf("reconnected after %s", ev.Downtime.Round(100*time.Millisecond)), false, true
		}
		return "connected", false, true
	case mqttconn.KindConnectFailed:
		if ev.Fatal {
			return errText(ev.Err) + " — not retrying: fix the settings, or press F5 to try again", true, true
		}
		return connectFailedText(ev), true, true
	case mqttconn.KindLost:
		return "connection lost: " + errText(ev.Err), true, true
	case mqttconn.KindTooLarge:
		acked := "acknowledged to the broker, " // QoS 1/2: answered, so that it is not sent again
		if ev.Message.QoS == 0 {
			acked = "" // QoS 0 has no acknowledgement
		}
		return fmt.Sprintf("a message on %s of %s was over the size cap: %snot kept or shown",
			sanitize.String(ev.Message.Topic), humanSize(ev.Size), acked), true, true
	case mqttconn.KindSubscribed:
		if everUp && ev.Granted == ev.QoS {
			return fmt.Sprintf("subscribed to %s (QoS %d)", sanitize.String(ev.Filter), ev.Granted), false, true
		}
		return fmt.Sprintf("subscribed to %s (asked QoS %d, granted %d)", sanitize.String(ev.Filter), ev.QoS, ev.Granted), false, true
	case mqttconn.KindSubscribeFailed:
		return fmt.Sprintf("subscription to %s failed: %s", sanitize.String(ev.Filter), errText(ev.Err)), true, true
	case mqttconn.KindUnsubscribed:
		if ev.Err != nil {
			return fmt.Sprintf("unsubscribing from %s failed: %s", sanitize.String(ev.Filter), errText(ev.Err)), true, true
		}
		return "unsubscribed from " + sanitize.String(ev.Filter), false, true
	case mqttconn.KindResubscribed:
		if ev.SessionPresent {
			return fmt.Sprintf("the broker kept our %d %s: not subscribing again", ev.Count, plural(ev.Count, "subscription", "subscriptions")), false, true
		}
		return fmt.Sprintf("re-subscribed %d %s", ev.Count, plural(ev.Count, "filter", "filters")), false, true
	}
	return "", false, false
}
