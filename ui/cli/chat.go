package cli

import (
	"fmt"
	"io"
	"log"
	"log/slog"
	"mqttchat/history"
	"mqttchat/mqttconn"
	"mqttchat/mqttconn/topic"
	"mqttchat/ui/screen"
	"os"
	"os/signal"
	"runtime/pprof"
	"strings"
	"syscall"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	paho "github.com/eclipse/paho.mqtt.golang"

	"github.com/charmbracelet/lipgloss"
)

// chat connects and runs the screen until the user quits.
func chat(s settings, stdin *os.File, stdout, stderr io.Writer) error {
	// Without a log file the chat goes on, and says so.
	var logOut io.Writer = io.Discard
	var startWarning string
	logFile, logPath, err := history.OpenLog()
	if err != nil {
		startWarning = fmt.Sprintf("no log file (%v)", err)
	} else {
		defer logFile.Close()
		logOut = logFile
	}
	guard := newCrashGuard(logFile, logPath)
	logger := log.New(logOut, "", log.LstdFlags|log.Lmicroseconds)
	paho.ERROR = log.New(logOut, "[paho error] ", log.LstdFlags)
	paho.CRITICAL = log.New(logOut, "[paho critical] ", log.LstdFlags)
	paho.WARN = log.New(logOut, "[paho warn] ", log.LstdFlags)
	logger.Printf("mqttchat %s starting", version())
	if path := os.Getenv("MQTTCHAT_CPUPROFILE"); path != "" { // for finding where time goes
		stop, err := startCPUProfile(path)
		if err != nil {
			return err
		}
		defer stop()
	}

	var extra string
	var otherClients func() int
	if !s.named {
		b, addr, err := builtinBroker(slog.New(slog.NewTextHandler(logOut, nil)))
		if err != nil {
			return err
		}
		s.server, s.display = "tcp://"+addr, addr
		if b != nil {
			defer b.Close()
			extra = "built-in broker · mqtt://" + b.TCPAddr() + " · " + b.WebSocketURL()
			otherClients = func() int { return max(b.Clients()-1, 0) } // all but ourselves
			logger.Printf("built-in broker on %s and %s", b.TCPAddr(), b.WebSocketURL())
		}
	}

	rec := openHistory(s, logger, guard.panicked)
	logger.Printf("history open, %d messages to replay", len(rec.earlier))
	defer func() {
		if err := rec.close(); err != nil {
			logger.Printf("history close: %v", err)
		}
	}()

	cfg := connConfig(s)
	cfg.Sink = rec.sink()
	cfg.OnPanic = guard.panicked
	if s.persistent {
		outbox, err := openOutbox(s, &cfg)
		if err != nil {
			return err
		}
		defer outbox.Close()
	}
	conn, err := mqttconn.New(cfg)
	if err != nil {
		return err
	}
	conn.Start()
	defer conn.Close()

	// Ask the terminal for its background once, before the program reads input.
	lipgloss.SetHasDarkBackground(lipgloss.HasDarkBackground())
	logger.Printf("terminal background asked")
	model := screen.New(conn, screen.Options{
		Broker:        s.display,
		Extra:         extra,
		ClientID:      conn.ClientID(),
		Subscriptions: s.subscriptions,
		Topic:         firstTopicName(s.subscriptions),
		QoS:           s.qos,
		MaxMessages:   s.maxMessages,
		Mouse:         s.mouse,
		Insecure:      s.insecure,
		History:       rec.status(),
		Earlier:       rec.earlier,
		RecallTopics:  rec.recall.Topics,
		RecallTexts:   rec.recall.Texts,
		OnSent:        rec.keep,
		LoadPayload:   rec.loader(),
		Clipboard:     stdout,
		OutboxKept:    s.persistent,
		OtherClients:  otherClients,
		OnPanic:       guard.screenPanicked,
		Warning:       startWarning,
	})
	opts := []tea.ProgramOption{tea.WithAltScreen(), tea.WithInput(stdin), tea.WithOutput(stdout)}
	if s.mouse {
		opts = append(opts, tea.WithMouseCellMotion())
	}
	p := tea.NewProgram(model, opts...)
	guard.attach(p)
	if os.Getenv("MQTTCHAT_TEST_PANIC") != "" { // proves the crash path end to end
		guard.guard(func() {
			time.Sleep(time.Second)
			panic("test panic (MQTTCHAT_TEST_PANIC)")
		})
	}
	// A dropped SSH session (SIGHUP) or a kill (SIGTERM) ends the program
	// through its normal path, so the history is flushed and synced.
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGHUP, syscall.SIGTERM)
	defer signal.Stop(sigs)
	guard.guard(func() {
		if sig, ok := <-sigs; ok {
			logger.Printf("%v: quitting", sig)
			p.Quit()
		}
	})
	_, runErr := p.Run()
	if err := guard.err(); err != nil {
		return err
	}
	if runErr != nil {
		return fmt.Errorf("screen: %w (log: %s)", runErr, logPath)
	}
	logger.Printf("quit")
	if n := conn.Pending(); n > 0 {
		recorded := rec.w != nil && rec.Err() == nil
		fmt.Fprintln(stderr, "mqttchat: "+undeliveredNote(n, s.persistent, recorded, conn.ClientID()))
	}
	return nil
}

// undeliveredNote says, once the screen is gone, what became of the messages
// the broker had not acknowledged when mqttchat quit: nothing is dropped
// without a word.
func undeliveredNote(n int, kept, recorded bool, clientID string) string {
	what := fmt.Sprintf("%d %s", n, plural(n, "message", "messages"))
	switch {
	case kept:
		return what + " not delivered yet, kept on disk: start mqttchat again for this broker with -c -i " + clientID + " to send " + plural(n, "it", "them")
	case recorded:
		return what + " not delivered, dropped on quit (the history keeps " + plural(n, "its", "their") + " text)"
	}
	return what + " not delivered, dropped on quit"
}

// plural picks the word for n.
func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// firstTopicName is the first subscribed filter without wildcards, the
// composer's starting topic.
func firstTopicName(subs []mqttconn.Subscription) string {
	for _, s := range subs {
		if !topic.HasWildcard(s.Filter) && !strings.HasPrefix(s.Filter, "$") {
			return s.Filter
		}
	}
	return ""
}

// openOutbox opens the persistent session's outbox and puts what it holds
// first in the queue.
func openOutbox(s settings, cfg *mqttconn.Config) (*history.Outbox, error) {
	path, err := history.OutboxPath(s.server, s.clientID)
	if err != nil {
		return nil, err
	}
	outbox, restored, err := history.OpenOutbox(path)
	if err != nil {
		return nil, err
	}
	cfg.Outbox, cfg.Restored, cfg.RestoredInFlight = outbox, restored, outbox.RestoredInFlight()
	return outbox, nil
}

// connConfig is the connection the settings describe.
func connConfig(s settings) mqttconn.Config {
	return mqttconn.Config{
		Server:            s.server,
		ClientID:          s.clientID,
		Username:          s.username,
		Password:          s.password,
		Subscriptions:     s.subscriptions,
		TLS:               s.tls,
		Will:              s.will,
		PersistentSession: s.persistent,
		KeepAlive:         s.keepalive,
		MaxInFlight:       s.maxInFlight,
		ProtocolVersion:   s.protocol,
		Hint:              connHint,
	}
}

// startCPUProfile writes a pprof CPU profile to path until stop is called.
func startCPUProfile(path string) (stop func(), err error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("cpu profile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("cpu profile: %w", err)
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}
