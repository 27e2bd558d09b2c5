package cli

import (
	"fmt"
	"io"
	"log"
	"log/slog"
	"mqttchat/history"
	"mqttchat/mqttconn"
	"mqttchat/mqttconn/topic"
	"mqttchat/ui/packets"
	"mqttchat/ui/sanitize"
	"mqttchat/ui/screen"
	"os"
	"os/signal"
	"runtime/metrics"
	"runtime/pprof"
	"strings"
	"syscall"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	paho "github.com/eclipse/paho.mqtt.golang"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"mqttchat/ui/words"
)

// chatRun is one chat, opened step by step; every step pushes what it opened
// on stack, and chat closes them in reverse order.
type chatRun struct {
	s              settings
	stdin          *os.File
	stdout, stderr io.Writer
	stack          closers

	logger  *log.Logger
	logOut  io.Writer // the log file, or io.Discard
	logPath string
	warning string // shown in the status bar at start
	guard   *crashGuard

	extra        string     // the built-in broker's line in the status bar
	otherClients func() int // the built-in broker's other clients; nil otherwise
	rec          *recorder
	cfg          mqttconn.Config
	conn         *mqttconn.Client
	packets      *packets.Feed // the packets view's feed
}

// chat connects and runs the screen until the user quits.
func chat(s settings, stdin *os.File, stdout, stderr io.Writer) error {
	r := &chatRun{s: s, stdin: stdin, stdout: stdout, stderr: stderr}
	setMemoryLimit(os.Getenv)
	defer r.stack.closeAll()
	for _, step := range []func() error{r.openLog, r.startProfile, r.startBroker, r.openHistory, r.configure, r.tapPackets, r.openOutbox, r.connect, r.runScreen} {
		if err := step(); err != nil {
			return err
		}
	}
	r.reportUndelivered()
	return nil
}

// joinNotes joins the notes that are not empty, for one status line.
func joinNotes(notes ...string) string {
	var out []string
	for _, n := range notes {
		if n != "" {
			out = append(out, n)
		}
	}
	return strings.Join(out, " · ")
}

// openLog opens the log file and points paho's loggers at it. Without a log
// file the chat goes on, and says so.
func (r *chatRun) openLog() error {
	r.logOut = io.Discard
	logFile, logPath, err := history.OpenLog()
	if err != nil {
		r.warning = fmt.Sprintf("no log file (%v)", err)
	} else {
		r.stack.push(func() { _ = logFile.Close() })
		r.logOut, r.logPath = logFile, logPath
	}
	r.guard = newCrashGuard(logFile, logPath)
	r.logger = log.New(r.logOut, "", log.LstdFlags|log.Lmicroseconds)
	paho.ERROR = log.New(r.logOut, "[paho error] ", log.LstdFlags)
	paho.CRITICAL = log.New(r.logOut, "[paho critical] ", log.LstdFlags)
	paho.WARN = log.New(r.logOut, "[paho warn] ", log.LstdFlags)
	r.logger.Printf("mqttchat %s starting", version())
	return nil
}

// startProfile writes a CPU profile when MQTTCHAT_CPUPROFILE names a file
// (for finding where time goes), and what was allocated to the file
// ".allocs" beside it.
func (r *chatRun) startProfile() error {
	path := os.Getenv("MQTTCHAT_CPUPROFILE")
	if path == "" {
		return nil
	}
	stop, err := startCPUProfile(path)
	if err != nil {
		return err
	}
	r.stack.push(stop)
	return nil
}

// startBroker starts the built-in broker when no broker was named and none
// listens on the default port.
func (r *chatRun) startBroker() error {
	if r.s.named {
		return nil
	}
	b, addr, err := builtinBroker(slog.New(slog.NewTextHandler(r.logOut, nil)))
	if err != nil {
		return err
	}
	r.s.server, r.s.display = "tcp://"+addr, addr
	r.s.servers = []string{r.s.server}
	if b == nil {
		return nil
	}
	r.stack.push(func() { _ = b.Close() })
	r.extra = "built-in broker · mqtt://" + b.TCPAddr() + " · " + b.WebSocketURL()
	r.otherClients = func() int { return max(b.Clients()-1, 0) } // all but ourselves
	r.logger.Printf("built-in broker on %s and %s", b.TCPAddr(), b.WebSocketURL())
	return nil
}

// openHistory opens the broker's history; trouble there is not fatal.
func (r *chatRun) openHistory() error {
	r.rec = openHistory(r.s, r.logger, r.guard.panicked)
	r.logger.Printf("history open, %d messages to replay", len(r.rec.earlier))
	r.stack.push(func() {
		if err := r.rec.close(); err != nil {
			r.logger.Printf("history close: %v", err)
		}
	})
	return nil
}

// configure makes the connection's configuration: recorded before shown.
func (r *chatRun) configure() error {
	r.cfg = connConfig(r.s)
	r.cfg.Sink = r.rec.sink()
	r.cfg.OnPanic = r.guard.panicked
	return nil
}

// openOutbox opens a persistent session's outbox on disk; mqttchat does not
// start with -c when it cannot keep what it could not send.
func (r *chatRun) openOutbox() error {
	if !r.s.outboxKept() {
		return nil
	}
	outbox, err := openOutbox(r.s, &r.cfg)
	if err != nil {
		// A usage error: the user asked for -c, and it cannot be honoured here.
		return usagef("--disable-clean-session: %v (the state folder must be writable: it keeps what is not yet sent)", err)
	}
	r.stack.push(func() { _ = outbox.Close() })
	return nil
}

// connect starts the connection.
func (r *chatRun) connect() error {
	conn, err := mqttconn.New(r.cfg)
	if err != nil {
		return err
	}
	conn.Start()
	r.stack.push(conn.Close)
	r.conn = conn
	return nil
}

// runScreen runs the screen until the user quits (or a signal or a crash
// ends it).
func (r *chatRun) runScreen() error {
	// How wide text is drawn: width_mode, or the probe, run last before the
	// screen so that no error exit follows it. Every sanitize.String from
	// here on follows it.
	if out, ok := r.stdout.(*os.File); ok {
		r.s.textMode, r.s.textModeWhy = chooseTextMode(r.s.widthMode, r.stdin, out, os.Getenv)
	}
	sanitize.SetMode(r.s.textMode)
	r.logger.Printf("text: %v mode (%s)", r.s.textMode, r.s.textModeWhy)
	// NO_COLOR removes colours only (no-color.org): termenv would drop every
	// attribute with them, so the screen renders with the ANSI profile and
	// styles that hold no colour.
	if noColor() {
		lipgloss.SetColorProfile(termenv.ANSI)
	}
	// Ask the terminal for its background once, before the program reads input.
	lipgloss.SetHasDarkBackground(lipgloss.HasDarkBackground())
	r.logger.Printf("terminal background asked")
	opts := []tea.ProgramOption{tea.WithAltScreen(), tea.WithInput(r.stdin), tea.WithOutput(r.stdout)}
	if r.s.mouse {
		opts = append(opts, tea.WithMouseCellMotion())
	}
	p := tea.NewProgram(screen.New(r.conn, r.screenOptions()), opts...)
	r.guard.attach(p)
	if os.Getenv("MQTTCHAT_TEST_PANIC") != "" { // proves the crash path end to end
		r.guard.guard(func() {
			time.Sleep(time.Second)
			panic("test panic (MQTTCHAT_TEST_PANIC)")
		})
	}
	// A dropped SSH session (SIGHUP) or a kill (SIGTERM) ends the program
	// through its normal path, so the history is flushed and synced.
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGHUP, syscall.SIGTERM)
	r.stack.push(func() { signal.Stop(sigs) })
	r.guard.guard(func() {
		if sig, ok := <-sigs; ok {
			r.logger.Printf("%v: quitting", sig)
			p.Quit()
		}
	})
	_, runErr := p.Run()
	if err := r.guard.err(); err != nil {
		return err
	}
	if runErr != nil {
		return fmt.Errorf("screen: %w (log: %s)", runErr, r.logPath)
	}
	r.logger.Printf("quit")
	return nil
}

// noColor reports whether NO_COLOR asks for no colour (set and not empty).
func noColor() bool { return os.Getenv("NO_COLOR") != "" }

// screenOptions is what the screen is started with.
func (r *chatRun) screenOptions() screen.Options {
	s, rec := r.s, r.rec
	return screen.Options{
		Broker:        s.display,
		Extra:         r.extra,
		ClientID:      r.conn.ClientID(),
		Subscriptions: s.subscriptions,
		Topic:         firstTopicName(s.subscriptions),
		QoS:           s.qos,
		MaxMessages:   s.maxMessages,
		RowLines:      s.rowLines,
		Mouse:         s.mouse,
		NoColor:       noColor(),
		Insecure:      s.insecure,
		MQTT5:         s.protocol == 5,
		Name:          s.name,
		AssignID:      s.assignID,
		History:       rec.status(),
		Earlier:       rec.earlier,
		RecallTopics:  rec.recall.Topics,
		RecallTexts:   rec.recall.Texts,
		OnSent:        rec.keep,
		LoadPayload:   rec.loader(),
		Search:        rec.searcher(s.servers),
		Clipboard:     r.stdout,
		OutboxKept:    s.outboxKept(),
		OtherClients:  r.otherClients,
		OnPanic:       r.guard.screenPanicked,
		Warning:       joinNotes(r.warning, s.nameNote),
		Packets:       r.packets,
	}
}

// reportUndelivered says, once the screen is gone, what became of the
// messages the broker had not acknowledged.
func (r *chatRun) reportUndelivered() {
	if n := r.conn.Pending(); n > 0 {
		recorded := r.rec.w != nil && r.rec.Err() == nil
		fmt.Fprintln(r.stderr, "mqttchat: "+undeliveredNote(n, r.s.outboxKept(), recorded, r.conn.ClientID()))
	}
}

// undeliveredNote says, once the screen is gone, what became of the messages
// the broker had not acknowledged when mqttchat quit: nothing is dropped
// without a word.
func undeliveredNote(n int, kept, recorded bool, clientID string) string {
	what := fmt.Sprintf("%d %s", n, words.Plural(n, "message", "messages"))
	switch {
	case kept:
		return what + " not delivered yet, kept on disk: start mqttchat again for this broker with -c -i " + clientID + " to send " + words.Plural(n, "it", "them")
	case recorded:
		return what + " not delivered, dropped on quit (the history keeps " + words.Plural(n, "its", "their") + " text)"
	}
	return what + " not delivered, dropped on quit"
}

// firstTopicName is the first subscribed filter without wildcards (for a
// shared subscription, its filter part), the composer's starting topic.
func firstTopicName(subs []mqttconn.Subscription) string {
	for _, s := range subs {
		f := s.Filter
		if _, inner, ok := topic.Shared(f); ok {
			f = inner
		}
		if !topic.HasWildcard(f) && !strings.HasPrefix(f, "$") {
			return f
		}
	}
	return ""
}

// openOutbox opens the persistent session's outbox and puts what it holds
// first in the queue.
func openOutbox(s settings, cfg *mqttconn.Config) (*history.Outbox, error) {
	path, err := history.ClusterOutboxPath(s.servers, s.clientID)
	if err != nil {
		return nil, err
	}
	outbox, restored, err := history.OpenOutbox(path)
	if err != nil {
		return nil, err
	}
	cfg.Outbox, cfg.Restored, cfg.RestoredInFlight = outbox, restored, outbox.RestoredInFlight()
	cfg.RestoredHeld = outbox.RestoredHeld()
	cfg.SessionNode = outbox.RestoredSessionNode()
	return outbox, nil
}

// connConfig is the connection the settings describe.
func connConfig(s settings) mqttconn.Config {
	c := mqttconn.Config{
		Server:            s.server,
		Servers:           s.servers,
		ClientID:          s.clientID,
		Username:          s.username,
		Password:          s.password,
		Subscriptions:     s.subscriptions,
		TLS:               s.tls,
		Will:              s.will,
		PersistentSession: s.persistent,
		SharedSessions:    s.shared,
		KeepAlive:         s.keepalive,
		MaxInFlight:       s.maxInFlight,
		ProtocolVersion:   s.protocol,
		Name:              s.name,
		SessionExpiry:     s.sessionExpiry,
		AssignClientID:    s.assignID,
		Hint:              connHint,
	}
	s.applyProperties(&c)
	return c
}

// startCPUProfile writes a pprof CPU profile to path until stop is called.
// writeGCStats writes the garbage collector's cycles and its share of the
// CPU (the runtime's own accounting, idle marking included) to path.
func writeGCStats(path string) {
	samples := []metrics.Sample{{Name: "/gc/cycles/total:gc-cycles"}, {Name: "/cpu/classes/gc/total:cpu-seconds"},
		{Name: "/cpu/classes/user:cpu-seconds"}, {Name: "/gc/heap/allocs:bytes"}}
	metrics.Read(samples)
	var b strings.Builder
	for _, s := range samples {
		switch s.Value.Kind() {
		case metrics.KindUint64:
			fmt.Fprintf(&b, "%s %d\n", s.Name, s.Value.Uint64())
		case metrics.KindFloat64:
			fmt.Fprintf(&b, "%s %.3f\n", s.Name, s.Value.Float64())
		}
	}
	_ = os.WriteFile(path, []byte(b.String()), 0o600)
}

func startCPUProfile(path string) (stop func(), err error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("cpu profile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("cpu profile: %w", err)
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
		// What was allocated, beside it: allocations drive the garbage
		// collector's share in a flood.
		if a, err := os.Create(path + ".allocs"); err == nil {
			_ = pprof.Lookup("allocs").WriteTo(a, 0)
			a.Close()
		}
		writeGCStats(path + ".gc")
	}, nil
}
