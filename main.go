// Command mqttchat is a terminal, chat-style MQTT client: subscribe to topics,
// watch messages scroll in, and publish with a chosen QoS and retain flag.
package main

import (
	"errors"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	paho "github.com/eclipse/paho.mqtt.golang"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	"mqttchat/history"
	"mqttchat/mqttconn"
	"mqttchat/mqttconn/broker"
	"mqttchat/mqttconn/brokerurl"
	"mqttchat/mqttconn/topic"
	"mqttchat/ui"
)

// Environment variables that move the built-in broker (tests use free ports;
// nobody else needs them).
const (
	envBuiltinAddr   = "MQTTCHAT_BUILTIN_ADDR"
	envBuiltinWSAddr = "MQTTCHAT_BUILTIN_WS_ADDR"
)

// usageError is a bad command line: exit status 2.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usagef(format string, a ...any) error { return usageError{fmt.Errorf(format, a...)} }

// flags are the command line as given.
type flags struct {
	host, url, id, username, password string
	port, qos, maxMessages            int
	topics                            []string
	noMouse, help, version            bool
}

// settings is what the command line means, checked.
type settings struct {
	server        string // paho URL, empty when the built-in broker decides
	named         bool   // the user named a broker
	display       string // the broker as shown
	clientID      string
	username      string
	password      string
	subscriptions []mqttconn.Subscription
	qos           byte
	maxMessages   int
	mouse         bool
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// run executes the command line and returns the exit status.
func run(args []string, stdin *os.File, stdout, stderr io.Writer) int {
	var f flags
	var cmdErr error
	cmd := newCommand(&f, func(cmd *cobra.Command) error {
		s, err := resolve(cmd, &f)
		if err != nil {
			return err
		}
		if !term.IsTerminal(int(stdin.Fd())) {
			return usagef("stdin is not a terminal: mqttchat is interactive (run it in a terminal)")
		}
		if out, ok := stdout.(*os.File); !ok || !term.IsTerminal(int(out.Fd())) {
			return usagef("stdout is not a terminal: mqttchat is interactive (run it in a terminal)")
		}
		return chat(s, stdin, stdout)
	})
	cmd.SetArgs(args)
	cmd.SetOut(stdout)
	cmd.SetErr(stderr)
	if err := cmd.Execute(); err != nil {
		cmdErr = err
	}
	if cmdErr == nil {
		return 0
	}
	fmt.Fprintf(stderr, "mqttchat: %v\n", cmdErr)
	var ue usageError
	if errors.As(cmdErr, &ue) {
		return 2
	}
	return 1
}

func newCommand(f *flags, runE func(*cobra.Command) error) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "mqttchat [flags]",
		Short: "A terminal, chat-style MQTT client",
		Long: "mqttchat subscribes to MQTT topics, shows what arrives as a chat, and publishes what you type.\n" +
			"With no broker named and nothing listening on localhost:1883, it starts a built-in broker.",
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usagef("unexpected argument %q (topics go after -t, see --help)", args[0])
			}
			return nil
		},
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       version(),
		RunE:          func(cmd *cobra.Command, _ []string) error { return runE(cmd) },
	}
	cmd.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{tidyFlagError(err)} })
	fl := cmd.Flags()
	fl.SortFlags = false
	// Declared before cobra adds its own, so that -h is the host, as in mosquitto.
	fl.BoolVar(&f.help, "help", false, "show this help")
	fl.BoolVar(&f.version, "version", false, "show the version")
	fl.StringVarP(&f.host, "host", "h", "localhost", "broker host")
	fl.IntVarP(&f.port, "port", "p", 1883, "broker port")
	fl.StringVarP(&f.url, "url", "L", "", "broker URL: mqtt://[user[:pass]@]host[:port][/topic] (also tcp://)")
	fl.StringArrayVarP(&f.topics, "topic", "t", nil, "topic filter to subscribe to; repeat for more (default #)")
	fl.IntVarP(&f.qos, "qos", "q", 0, "QoS of the subscriptions and the composer's starting QoS: 0, 1 or 2")
	fl.StringVarP(&f.id, "id", "i", "", "client id (default mqttchat + 15 random letters and digits)")
	fl.StringVarP(&f.username, "username", "u", "", "user name")
	fl.StringVarP(&f.password, "pw", "P", "", "password (needs -u)")
	fl.IntVar(&f.maxMessages, "max-messages", ui.DefaultMaxMessages, "messages held on screen (older ones are let go)")
	fl.BoolVar(&f.noMouse, "no-mouse", false, "do not capture the mouse (keeps the terminal's text selection)")
	cmd.SetVersionTemplate("mqttchat {{.Version}}\n")
	return cmd
}

// tidyFlagError shortens pflag's parse errors to one readable line.
func tidyFlagError(err error) error {
	msg := err.Error()
	if i := strings.Index(msg, ": strconv."); i >= 0 {
		return errors.New(msg[:i] + ": not a whole number")
	}
	return err
}

// version is the module version the binary was built from.
func version() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}

// resolve checks the flags and works out the settings. Every problem is a
// usageError naming the flag.
func resolve(cmd *cobra.Command, f *flags) (settings, error) {
	changed := cmd.Flags().Changed
	s := settings{clientID: f.id, username: f.username, password: f.password, maxMessages: f.maxMessages, mouse: !f.noMouse}
	if f.qos < 0 || f.qos > 2 {
		return s, usagef("--qos: %d is not a QoS (use 0, 1 or 2)", f.qos)
	}
	s.qos = byte(f.qos)
	if f.maxMessages < 1 {
		return s, usagef("--max-messages: must be at least 1, got %d", f.maxMessages)
	}
	topics := f.topics
	switch {
	case changed("url") && (changed("host") || changed("port")):
		return s, usagef("--url: cannot be combined with -h/--host or -p/--port")
	case changed("url"):
		u, err := brokerurl.Parse(f.url)
		if err != nil {
			return s, usagef("--url: %v", err)
		}
		s.server = brokerurl.Server(u.Scheme, u.Host, u.Port)
		s.display = net.JoinHostPort(u.Host, strconv.Itoa(u.Port))
		s.named = true
		if u.HasUser {
			if changed("username") || changed("pw") {
				return s, usagef("--url: gives a user name; do not also pass -u/-P")
			}
			s.username, s.password = u.Username, u.Password
		}
		if u.Topic != "" {
			topics = append([]string{u.Topic}, topics...)
		}
	default:
		if f.port < 1 || f.port > 65535 {
			return s, usagef("--port: %d is out of range (1-65535)", f.port)
		}
		if f.host == "" || strings.ContainsAny(f.host, " /@") {
			return s, usagef("--host: %q is not a host name or address", f.host)
		}
		s.server = brokerurl.Server("tcp", f.host, f.port)
		s.display = net.JoinHostPort(f.host, strconv.Itoa(f.port))
		s.named = changed("host") || changed("port")
	}
	if len(topics) == 0 {
		topics = []string{"#"}
	}
	for _, t := range topics {
		if err := topic.ValidateFilter(t); err != nil {
			return s, usagef("--topic: %q: %v", t, err)
		}
		s.subscriptions = append(s.subscriptions, mqttconn.Subscription{Filter: t, QoS: s.qos})
	}
	if changed("id") {
		if err := checkClientID(f.id); err != nil {
			return s, usagef("--id: %v", err)
		}
	}
	if s.password != "" && s.username == "" {
		return s, usagef("--pw: a password needs a user name (-u)")
	}
	return s, nil
}

// checkClientID refuses ids no broker can take.
func checkClientID(id string) error {
	switch {
	case id == "":
		return errors.New("must not be empty")
	case len(id) > topic.MaxLen:
		return errors.New("longer than 65535 bytes")
	case topic.ValidateName(strings.NewReplacer("+", "_", "#", "_", "/", "_").Replace(id)) != nil:
		return errors.New("must be valid UTF-8 without U+0000")
	}
	return nil
}

// chat connects and runs the screen until the user quits.
func chat(s settings, stdin *os.File, stdout io.Writer) error {
	logFile, logPath, err := history.OpenLog()
	if err != nil {
		return err
	}
	defer logFile.Close()
	logger := log.New(logFile, "", log.LstdFlags|log.Lmicroseconds)
	paho.ERROR = log.New(logFile, "[paho error] ", log.LstdFlags)
	paho.CRITICAL = log.New(logFile, "[paho critical] ", log.LstdFlags)
	paho.WARN = log.New(logFile, "[paho warn] ", log.LstdFlags)
	logger.Printf("mqttchat %s starting", version())

	var extra string
	if !s.named {
		b, addr, err := builtinBroker(slog.New(slog.NewTextHandler(logFile, nil)))
		if err != nil {
			return err
		}
		s.server, s.display = "tcp://"+addr, addr
		if b != nil {
			defer b.Close()
			extra = "built-in broker · mqtt://" + b.TCPAddr() + " · " + b.WebSocketURL()
			logger.Printf("built-in broker on %s and %s", b.TCPAddr(), b.WebSocketURL())
		}
	}

	conn, err := mqttconn.New(mqttconn.Config{
		Server:        s.server,
		ClientID:      s.clientID,
		Username:      s.username,
		Password:      s.password,
		Subscriptions: s.subscriptions,
	})
	if err != nil {
		return err
	}
	conn.Start()
	defer conn.Close()

	// Ask the terminal for its background once, before the program reads input.
	lipgloss.SetHasDarkBackground(lipgloss.HasDarkBackground())
	model := ui.New(conn, ui.Options{
		Broker:        s.display,
		Extra:         extra,
		ClientID:      conn.ClientID(),
		Subscriptions: s.subscriptions,
		Topic:         firstTopicName(s.subscriptions),
		QoS:           s.qos,
		MaxMessages:   s.maxMessages,
		Mouse:         s.mouse,
	})
	opts := []tea.ProgramOption{tea.WithAltScreen(), tea.WithInput(stdin), tea.WithOutput(stdout)}
	if s.mouse {
		opts = append(opts, tea.WithMouseCellMotion())
	}
	if _, err := tea.NewProgram(model, opts...).Run(); err != nil {
		return fmt.Errorf("screen: %w (log: %s)", err, logPath)
	}
	logger.Printf("quit")
	return nil
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

// builtinBroker finds a broker on localhost:1883 or starts the built-in one
// there. It returns the broker it started (nil when one was running) and the
// address to connect to.
func builtinBroker(log *slog.Logger) (*broker.Broker, string, error) {
	addr := envOr(envBuiltinAddr, "127.0.0.1:1883")
	probe := addr
	if h, p, err := net.SplitHostPort(addr); err == nil && h == "127.0.0.1" {
		probe = net.JoinHostPort("localhost", p)
	}
	if c, err := net.DialTimeout("tcp", probe, 500*time.Millisecond); err == nil {
		_ = c.Close()
		return nil, probe, nil
	}
	b, err := broker.Start(addr, envOr(envBuiltinWSAddr, "127.0.0.1:8083"), log)
	if err != nil {
		// Another copy may have started its broker a moment ago: use it.
		if c, dialErr := net.DialTimeout("tcp", addr, 500*time.Millisecond); dialErr == nil {
			_ = c.Close()
			return nil, addr, nil
		}
		return nil, "", err
	}
	return b, b.TCPAddr(), nil
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}
