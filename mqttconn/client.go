package mqttconn

import (
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"net/url"
	"runtime/debug"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	paho "github.com/eclipse/paho.mqtt.golang"
)

// Client is one logical connection to a broker: it survives losses of the
// underlying network connection by reconnecting on its own.
type Client struct {
	cfg     Config
	queue   *Queue
	opts    *paho.ClientOptions
	factory pahoFactory
	v5      *v5conn // MQTT 5 (eclipse/paho.golang), or nil for MQTT 3.1.1 (paho v1)

	received atomic.Uint64
	retry    chan struct{} // Retry: try to connect now

	mu        sync.Mutex
	paho      paho.Client // the client of the current or last connection
	wire      *wireConn   // its network connection
	connected bool
	closed    bool
	epoch     uint64 // counts successful connects; identifies the connection carrying a message
	node      int    // the cluster node (index in Config.Servers) of the current or last connection
	sessNode  int    // the node that holds our session (sessionnodes.go)
	savedNode string // the session's node as last saved in a NodeStore
	redirect  string // a server the user agreed to move to (UseServer), for the next attempt
	nextID    uint64
	outbox    []*outMessage
	ids       map[uint16]any  // packet ids in use: *outMessage, *pendingSub or answered
	lastID    uint16          // the packet id given last
	inFlightN int             // outbox messages with a packet id
	inIDs     inboundIDs      // the broker's packet ids in flight to us: ours avoid them
	inHeld    map[uint16]bool // inbound QoS 2 ids awaiting PUBREL → our PUBREC was written or may be (the message is recorded)
	control   [][]byte        // SUBSCRIBE and UNSUBSCRIBE packets for the pump
	strayRel  []uint16        // PUBREL packets for the pump
	kick      chan struct{}   // wakes the pump
	pending   atomic.Int64    // len(outbox), readable without the lock

	cancel   context.CancelFunc
	stopping chan struct{} // closed by Close
	stopOnce sync.Once
	done     chan struct{}
}

// pahoFactory makes the paho client; tests give a fake one.
type pahoFactory func(*paho.ClientOptions) paho.Client

// connectToken is what we read of paho's *ConnectToken.
type connectToken interface {
	paho.Token
	ReturnCode() byte
	SessionPresent() bool
}

// New checks cfg and returns a client that is not yet connected.
func New(cfg Config) (*Client, error) {
	return newClient(cfg, paho.NewClient)
}

func newClient(cfg Config, factory pahoFactory) (*Client, error) {
	cfg.setDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	c := &Client{
		cfg:   cfg,
		queue: NewQueue(cfg.QueueLimit),
		retry: make(chan struct{}, 1),
		kick:  make(chan struct{}, 1),
		ids:   make(map[uint16]any),

		inHeld: make(map[uint16]bool),
		done:   make(chan struct{}),

		stopping: make(chan struct{}),
	}
	c.initSessionNode()
	for i, m := range cfg.Restored {
		c.nextID++
		om := &outMessage{id: c.nextID, msg: m}
		if i < len(cfg.RestoredInFlight) && m.QoS > 0 && cfg.PersistentSession {
			if f := cfg.RestoredInFlight[i]; f.PacketID != 0 && c.ids[f.PacketID] == nil {
				om.rec, om.sends = f.Released && m.QoS == 2, 1
				om.carrier = c.restoredCarrier(f)
				c.setPid(om, f.PacketID)
			}
		}
		c.outbox = append(c.outbox, om)
	}
	c.pending.Store(int64(len(c.outbox)))
	if cfg.PersistentSession {
		for _, id := range cfg.RestoredHeld {
			c.inHeld[id] = true // answered with PUBREC if it comes again
		}
	}
	opts := paho.NewClientOptions().
		AddBroker(cfg.Server).
		SetClientID(cfg.ClientID).
		SetUsername(cfg.Username).
		SetPassword(cfg.Password).
		SetProtocolVersion(cfg.ProtocolVersion).
		SetCleanSession(!cfg.PersistentSession).
		SetStore(noStore{}).
		SetTLSConfig(cfg.TLS).
		SetAutoReconnect(false).
		SetConnectRetry(false).
		SetResumeSubs(false).
		SetKeepAlive(cfg.KeepAlive).
		SetConnectTimeout(cfg.ConnectTimeout).
		SetPingTimeout(min(cfg.KeepAlive, 10*time.Second)). // a frozen broker is noticed within two keep-alives

		SetOrderMatters(true).
		SetAutoAckDisabled(true).
		SetDefaultPublishHandler(c.onMessage)
	if w := cfg.Will; w != nil {
		opts.SetBinaryWill(w.Topic, w.Payload, w.QoS, w.Retained)
	}
	c.opts, c.factory = opts, factory
	if cfg.ProtocolVersion == 5 {
		c.v5 = &v5conn{}
	}
	return c, nil
}

// Queue is where events are delivered.
func (c *Client) Queue() *Queue { return c.queue }

// ClientID is the client identifier sent to the broker: over MQTT 5 with
// Config.AssignClientID, "" until the broker assigned one.
func (c *Client) ClientID() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.cfg.ClientID
}

// Subscriptions are the wanted filters.
func (c *Client) Subscriptions() []Subscription {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]Subscription(nil), c.cfg.Subscriptions...)
}

// Received counts every message that arrived, including any the display dropped.
func (c *Client) Received() uint64 { return c.received.Load() }

// Start runs the connection loop in the background until Close.
func (c *Client) Start() {
	ctx, cancel := context.WithCancel(context.Background())
	c.cancel = cancel
	c.mu.Lock()
	for _, om := range c.outbox { // restored from a previous run
		c.emit(Event{Kind: KindPublish, OutID: om.id, State: StateQueued, Message: om.msg})
	}
	c.mu.Unlock()
	go func() {
		defer close(c.done)
		defer c.recoverPanic()
		c.run(ctx)
	}()
}

// Close stops reconnecting and disconnects cleanly.
func (c *Client) Close() {
	c.mu.Lock()
	c.closed = true
	c.mu.Unlock()
	c.stopOnce.Do(func() { close(c.stopping) })
	if c.cancel == nil {
		return
	}
	c.cancel()
	<-c.done
	c.saveHeld()
}

// recoverPanic hands a panic of a client goroutine to OnPanic.
func (c *Client) recoverPanic() {
	if c.cfg.OnPanic == nil {
		return
	}
	if r := recover(); r != nil {
		c.cfg.OnPanic(r, debug.Stack())
	}
}

// Retry ends a wait between connection attempts, including the wait after a
// failure that is not retried on its own, and tries at once.
func (c *Client) Retry() {
	select {
	case c.retry <- struct{}{}:
	default:
	}
}

// emit records and queues one event.
func (c *Client) emit(ev Event) {
	if ev.Time.IsZero() {
		ev.Time = time.Now()
	}
	if c.cfg.Sink != nil {
		c.cfg.Sink(ev, nil)
	}
	c.queue.Push(ev)
}

// onMessage is paho's handler for every PUBLISH it reads (QoS 1 and 2, and
// QoS 0 while one of those is on its way: see wireConn.onQoS0). It must
// never block: it stamps the message, hands it on and acknowledges it — in
// a persistent session, a QoS 1/2 message only once the sink has recorded
// it. paho reads each packet into a newly allocated payload, so the slice
// is ours to keep.
func (c *Client) onMessage(from paho.Client, m paho.Message) {
	msg := Message{
		Topic:     m.Topic(),
		Payload:   m.Payload(),
		QoS:       m.Qos(),
		Retained:  m.Retained(),
		Duplicate: m.Duplicate(),
	}
	ack := m.Ack
	if m.Qos() == 2 {
		id := m.MessageID()
		ack = func() {
			c.recordedQoS2(from, id)
			m.Ack()
		}
	}
	c.deliver(msg, ack)
}

// deliver stamps an inbound message, hands it to the sink and the queue,
// and acknowledges it: at once, or — a QoS 1/2 message of a persistent
// session — once the sink has recorded it. ack is nil for QoS 0.
func (c *Client) deliver(msg Message, ack func()) {
	c.received.Add(1)
	ev := Event{Kind: KindMessage, Time: time.Now(), Message: msg}
	ev.Message.Time = ev.Time
	if c.cfg.Sink != nil && c.cfg.PersistentSession && msg.QoS > 0 {
		c.cfg.Sink(ev, ack)
		c.queue.Push(ev)
		return
	}
	c.emit(ev)
	if ack != nil {
		ack()
	}
}

// run connects, waits for the connection to end, and reconnects with a
// capped, jittered back-off, until ctx ends. In a cluster (Config.Servers)
// it stays on a node while it works and, after a failed attempt or a lost
// connection, tries the next node at once; the back-off applies per full
// round, once every node failed in a row (nodeOrder). The back-off grows
// with every failed round and every connection that ended before
// StableAfter; only a connection that stayed up that long resets it. A
// connection accepted and closed within takeoverWindow, TakeoverLimit times
// in a row, stops the retries until Retry: another client with our client
// id is taking over. A failure that retrying cannot cure (a refusal, TLS)
// stops the retries too, in a cluster only once every node failed so.
func (c *Client) run(ctx context.Context) {
	attempt := 0   // attempts since the last connection, for the events
	streak := 0    // failed rounds and short connections since the last stable one
	takeovers := 0 // connections in a row closed right after being accepted, with no failed attempt between
	order := nodeOrder{n: len(c.cfg.Servers), cur: c.sessNode}
	fatals := 0                       // attempts of this round that failed for good
	prev := c.sessNode                // the node of the last connection, or the one that held the session
	nodeErr := make([]error, order.n) // each node's last error
	var lostAt time.Time
	for {
		if r := c.takeRedirect(); r != "" {
			i := slices.Index(c.cfg.Servers, r)
			if i < 0 { // a server the broker named: one more node
				c.mu.Lock()
				c.cfg.Servers = append(c.cfg.Servers, r)
				c.mu.Unlock()
				nodeErr = append(nodeErr, nil)
				order.n++
				i = order.n - 1
			}
			order.cur = i
		}
		attempt++
		node := order.cur
		server := c.cfg.Servers[node]
		name := NodeName(server)
		c.emit(Event{Kind: KindConnecting, Attempt: attempt, Node: name, Nodes: order.n})
		clean := c.cleanStartFor(node)
		wc, sessionPresent, err := c.connect(ctx, server, clean)
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			takeovers = 0 // a broker that went away, not another client taking our place
			ce := describe(err, server, c.cfg.Hint)
			nodeErr[node] = ce
			if ce.Fatal {
				fatals++
			}
			ev := Event{Kind: KindConnectFailed, Attempt: attempt, Err: ce, Node: name, Nodes: order.n, ServerRef: c.serverReference(err, server)}
			round := order.failedAttempt()
			var wait time.Duration
			switch {
			case ce.Fatal && fatals >= order.n:
				ev.Fatal, wait, fatals = true, -1, 0 // until Retry
			case round:
				streak++
				fatals = 0
				wait = c.backoff(streak)
				ev.RetryIn = wait
			default:
				ev.Next = NodeName(c.cfg.Servers[order.cur])
			}
			c.emit(ev)
			if !c.pause(ctx, wait) {
				return
			}
			continue
		}
		if c.redirectPending() {
			// The user agreed to move (UseServer) while this attempt ran:
			// go there now, not once this connection ends.
			c.disconnect()
			continue
		}
		order.connected()
		fatals = 0
		moveClean := clean && c.cfg.PersistentSession
		if moveClean {
			// A clean start has no session (MQTT-3.2.2-1, MQTT 5
			// 3.2.2.1.1): a node that says otherwise is not believed.
			sessionPresent = false
		}
		c.sessionOn(node)
		var downtime time.Duration
		if !lostAt.IsZero() {
			downtime = time.Since(lostAt)
		}
		ev := Event{Kind: KindConnected, Attempt: attempt, SessionPresent: sessionPresent, Downtime: downtime, Node: name, Nodes: order.n, CleanStart: moveClean}
		if node != prev {
			ev.MovedFrom, ev.MoveErr = NodeName(c.cfg.Servers[prev]), nodeErr[prev]
		}
		c.addConnackFacts(&ev)
		prev = node
		c.emit(ev)
		reconnect := !lostAt.IsZero()
		attempt = 0
		connectedAt := time.Now()
		if !sessionPresent {
			c.forgetSession(node) // the broker holds nothing of ours: in-flight messages go again as new
		}
		epoch := c.markConnected(node)
		wc.epoch.Store(epoch)
		if reconnect && sessionPresent && c.cfg.PersistentSession {
			// The broker kept our subscriptions: subscribing again would
			// only make it re-send every retained message.
			c.emit(Event{Kind: KindResubscribed, Count: len(c.Subscriptions()), SessionPresent: true})
		} else {
			c.subscribeAll(reconnect)
		}
		var pumped sync.WaitGroup
		pumped.Add(1)
		go func() {
			defer pumped.Done()
			defer c.recoverPanic()
			c.pump(wc, epoch)
		}()

		select {
		case <-ctx.Done():
			c.markDisconnected()
			c.disconnect()
			pumped.Wait()
			return
		case <-wc.Done():
		}
		lostAt = time.Now()
		c.markDisconnected()
		c.disconnect() // also ends a write of the pump that still hangs
		pumped.Wait()
		err = wc.Err()
		if err == nil || errors.Is(err, io.EOF) {
			err = errBrokerClosed
		}
		up := lostAt.Sub(connectedAt)
		switch {
		case up >= c.cfg.StableAfter:
			streak, takeovers = 0, 0
		case up < takeoverWindow && wc.droppedAfterPublish(lostAt): // the broker refused what we sent: no take-over
			streak++
			takeovers = 0
			err = publishDropError(err)
		case up < takeoverWindow && !errors.Is(err, errClosedByUs) && !errors.As(err, new(*ProtocolError)) && !errors.As(err, new(*KeepAliveError)):
			// The broker ended it (we did not: a packet the library could
			// not read, our protocol error, a ping timeout): a take-over?
			streak++
			takeovers++
		default:
			streak++
			takeovers = 0
		}
		wait := time.Duration(0)
		if streak > 0 && (order.n == 1 || takeovers >= 2) {
			// In a cluster the next node is tried at once after a loss,
			// unless connections keep dropping right after being accepted:
			// a round of failed attempts backs off anyway.
			wait = c.backoff(streak)
		}
		if takeovers >= 2 {
			err = c.takeoverError(err)
		}
		fatal := takeovers >= c.cfg.TakeoverLimit
		if ce, ok := c.takenOver(err); ok { // MQTT 5 says so: no need to count
			err, fatal = ce, true
		}
		if fatal {
			wait = -1
		}
		nodeErr[node] = err
		order.lost()
		c.emit(Event{Kind: KindLost, Err: err, RetryIn: max(wait, 0), Fatal: fatal, Node: name, Nodes: order.n, ServerRef: c.serverReference(err, server)})
		c.requeueInFlight()
		if fatal {
			c.emit(Event{Kind: KindConnectFailed, Err: err, Fatal: true, Node: name, Nodes: order.n})
			streak, takeovers = 0, 0
		}
		if !c.pause(ctx, wait) {
			return
		}
	}
}

// pause waits d (for ever when d < 0) or until Retry; false when ctx ends.
func (c *Client) pause(ctx context.Context, d time.Duration) bool {
	if d == 0 {
		return ctx.Err() == nil
	}
	var timeout <-chan time.Time
	if d > 0 {
		t := time.NewTimer(d)
		defer t.Stop()
		timeout = t.C
	}
	select {
	case <-timeout:
		return true
	case <-c.retry:
		return true
	case <-ctx.Done():
		return false
	}
}

// connect makes one connection attempt with a new paho client and waits for
// CONNACK or ctx. The return code and session-present flag are read from
// the wire: paho reports a reserved return code (6 and up) as success.
// clean asks for a clean session (3.1.1) or clean start (5).
func (c *Client) connect(ctx context.Context, server string, clean bool) (*wireConn, bool, error) {
	if c.v5 != nil {
		return c.connect5(ctx, server, clean)
	}
	u, err := url.Parse(server)
	if err != nil {
		return nil, false, err
	}
	var mu sync.Mutex
	var wc *wireConn
	opts := *c.opts
	opts.Servers = []*url.URL{u}
	opts.CleanSession = clean
	// The PUBLISH packets handed to this connection's paho and not yet
	// delivered by it: while there are any, QoS 0 goes through paho too.
	viaPaho := new(atomic.Int64)
	opts.SetDefaultPublishHandler(func(from paho.Client, m paho.Message) {
		c.onMessage(from, m)
		viaPaho.Add(-1) // after the push: a QoS 0 read meanwhile waits its turn
	})
	opts.SetCustomOpenConnectionFn(func(u *url.URL, o paho.ClientOptions) (net.Conn, error) {
		conn, err := dial(u, o)
		if err != nil {
			return nil, err
		}
		w := c.wrap(conn)
		w.viaPaho = viaPaho
		w.onQoS0 = func(m Message) { c.deliver(m, nil) }
		mu.Lock()
		wc = w
		mu.Unlock()
		return w, nil
	})
	pc := c.factory(&opts)
	tok := pc.Connect()
	select {
	case <-tok.Done():
	case <-ctx.Done():
		mu.Lock()
		if wc != nil {
			wc.Close()
		}
		mu.Unlock()
		pc.Disconnect(0) // returns at once; paho's attempt ends with the closed connection or its timeout
		return nil, false, ctx.Err()
	}
	mu.Lock()
	w := wc
	mu.Unlock()
	ct, ok := tok.(connectToken)
	if !ok {
		return nil, false, errors.New("unexpected connect token")
	}
	if w != nil {
		if ca := w.connackPacket(); ca != nil && ca.Code != CodeAccepted {
			w.Close()
			pc.Disconnect(0)
			return nil, false, &RefusedError{Code: ca.Code}
		}
	}
	if err := tok.Error(); err != nil {
		if code := ct.ReturnCode(); code != CodeAccepted && code < 0x80 {
			return nil, false, &RefusedError{Code: code}
		}
		return nil, false, err
	}
	if w == nil {
		pc.Disconnect(0)
		return nil, false, errors.New("connected without a connection")
	}
	// Drop a retry asked for while this attempt ran.
	select {
	case <-c.retry:
	default:
	}
	c.mu.Lock()
	c.paho, c.wire = pc, w
	c.mu.Unlock()
	sp := ct.SessionPresent()
	if ca := w.connackPacket(); ca != nil {
		sp = ca.SessionPresent
	}
	return w, sp, nil
}

// wrap puts a new network connection under a wireConn.
func (c *Client) wrap(conn net.Conn) *wireConn {
	w := newWireConn(conn, c.cfg.MaxIncoming, c.cfg.OnPacket)
	w.keepAlive.Store(int64(c.cfg.KeepAlive))
	w.seenQoS2, w.onPubrel, w.onPubrecOut = c.seenQoS2, c.releasedQoS2, c.pubrecSent
	w.inIDs = &c.inIDs
	w.onConnack = func(p Packet) {
		if !p.SessionPresent { // the broker will not send again what it sent before
			c.inIDs.clear()
			c.mu.Lock()
			clear(c.inHeld)
			c.mu.Unlock()
		}
	}
	w.onAck = func(typ byte, pid uint16, code byte) {
		switch typ {
		case TypeSuback, TypeUnsuback:
			c.onSubAck(w.epoch.Load(), pid, code)
		default:
			c.onPubAck(w.epoch.Load(), typ, pid)
		}
	}
	w.onTooLarge = func(m Message, size int, ack func()) {
		c.emit(Event{Kind: KindTooLarge, Message: m, Size: size})
		go ack() // the reader goroutine never writes
	}
	return w
}

// disconnect ends the current paho client, waiting at most closeWait.
func (c *Client) disconnect() {
	if c.v5 != nil {
		c.disconnect5()
		return
	}
	c.mu.Lock()
	pc, w := c.paho, c.wire
	c.mu.Unlock()
	if w != nil {
		w.limitWrites(time.Now().Add(closeWait)) // a stuck write must not hold the close
	}
	if pc != nil {
		pc.Disconnect(uint(closeWait / time.Millisecond))
	}
	if w != nil {
		w.Close()
	}
}

// closeWait bounds how long Close waits for the broker.
const closeWait = 250 * time.Millisecond

// backoff is the delay before retry number attempt+1: doubling from
// MinBackoff, capped at MaxBackoff, with ±20% jitter that never exceeds the cap.
func (c *Client) backoff(attempt int) time.Duration {
	d := c.cfg.MinBackoff
	for i := 1; i < attempt && d < c.cfg.MaxBackoff; i++ {
		d *= 2
	}
	d = time.Duration(float64(d) * (0.8 + 0.4*rand.Float64()))
	return min(d, c.cfg.MaxBackoff)
}

func (c *Client) markDisconnected() {
	c.mu.Lock()
	c.connected = false
	c.dropPendingSubs()
	c.mu.Unlock()
}

// kickPump wakes the pump: there may be something to write.
func (c *Client) kickPump() {
	select {
	case c.kick <- struct{}{}:
	default:
	}
}

// pump writes what the outbox and the subscriptions have to send on the
// connection of epoch, until that connection ends. It is the only writer of
// our packets; paho writes CONNECT, PINGREQ, DISCONNECT and the acks of
// inbound messages.
func (c *Client) pump(wc *wireConn, epoch uint64) {
	for {
		pkt, after := c.nextOutbound(epoch)
		if pkt == nil {
			select {
			case <-c.kick:
				continue
			case <-wc.Done():
				return
			}
		}
		if err := wc.writeParts(pkt...); err != nil {
			return
		}
		if after != nil {
			after()
		}
	}
}

// markConnected starts a new connection number (epoch), on node.
func (c *Client) markConnected(node int) uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.node = node
	c.epoch++
	c.connected = true
	return c.epoch
}

// seenQoS2 is asked for each inbound QoS 2 PUBLISH: true when its packet id
// is still held (no PUBREL yet), so it is the same message again
// (MQTT-4.3.3-2: acknowledge it, deliver it once). When our PUBREC had gone
// out already, it goes again; otherwise paho's is still to come.
func (c *Client) seenQoS2(id uint16) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	recSent, held := c.inHeld[id]
	if !held {
		c.inHeld[id] = false
		return false
	}
	if recSent {
		c.control = append(c.control, ackPacket(TypePubrec, id))
		defer c.kickPump()
	}
	return true
}

// pubrecSent notes that our PUBREC for an inbound QoS 2 message went out.
func (c *Client) pubrecSent(id uint16) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, held := c.inHeld[id]; held {
		c.inHeld[id] = true
	}
}

// releasedQoS2 lets go of an inbound QoS 2 id: its PUBREL came.
func (c *Client) releasedQoS2(id uint16) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.inHeld, id)
}
