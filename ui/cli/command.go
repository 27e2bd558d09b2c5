// Package cli is mqttchat's command line: the flags (mosquitto_sub/pub's
// names), their checks, and the wiring of the connection, the built-in
// broker, the history and the screen.
package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"mqttchat/ui/sanitize"
)

// Run executes the command line and returns the exit status: 0 on success,
// 2 for a bad command line (or no terminal), 1 for any other failure.
func Run(args []string, stdin *os.File, stdout, stderr io.Writer) int {
	a := app{stdin: stdin, stdout: stdout, stderr: stderr}
	a.start = a.interactive
	return a.run(args)
}

// app is one run of the command line: its streams, and what it does with
// good settings (start: the chat; tests give their own).
type app struct {
	stdin          *os.File
	stdout, stderr io.Writer
	start          func(settings, sources) error
}

// run parses args and returns the exit status.
func (a app) run(args []string) int {
	stdout, stderr := a.stdout, a.stderr
	var (
		cli                         values
		profile                     string
		printConfig, help, showVers bool
		props                       []propGroup
	)
	cmd := &cobra.Command{
		Use:   "mqttchat [flags]",
		Short: "A terminal, chat-style MQTT client",
		Long: "mqttchat subscribes to MQTT topics, shows what arrives as a chat, and publishes what you type.\n" +
			"With no broker named and nothing listening on localhost:1883, it starts a built-in broker.\n" +
			"Settings come from flags, then MQTTCHAT_* variables, then the config file's --profile, then its defaults.\n" +
			"A cluster: repeat -L for each node (urls = [...] in a profile). mqttchat stays on a node while it works and\n" +
			"moves to the next when it fails; history and outbox belong to the cluster. With -c a move starts a clean\n" +
			"session (bridged nodes share none), unless --shared-sessions. A QoS 2 message in flight on a node that went\n" +
			"away, when the next node holds no session of ours, is shown as \"fate unknown\": it may or may not have been\n" +
			"delivered, and is not sent again (QoS 2 delivers at most once)." +
			"\n" +
			"In the chat, /help lists the commands; over MQTT 5 (-V 5) /prop, /content-type, /expiry and /response-topic\n" +
			"set message properties, /request TOPIC TEXT shows its reply under it, and r on a [request] answers it.",
		Args:          noArgs,
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       version(),
		RunE: func(cmd *cobra.Command, _ []string) error {
			v, src, err := layered(cmd, &cli, profile, stderr)
			if err != nil {
				return err
			}
			if len(props) > 0 { // -D on the command line replaces the config's
				v.props = props
				src[propertiesKey] = source{rank: rankFlag, name: "-D"}
			}
			if len(v.props) > 0 && !src.set("protocol_version") {
				// -D makes an MQTT 5 client, as in mosquitto (and --print-config says so).
				v.protocolVersion = "5"
				src["protocol_version"] = source{rank: src[propertiesKey].rank, name: src[propertiesKey].name + " (MQTT 5 properties)"}
			}
			s, err := resolve(v, src)
			if err != nil {
				return err
			}
			if printConfig {
				return printSettings(stdout, v, src, s)
			}
			return a.start(s, src)
		},
	}
	cmd.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{tidyFlagError(err)} })
	fl := cmd.Flags()
	fl.SortFlags = false
	// Declared before cobra adds its own, so that -h is the host, as in mosquitto.
	fl.BoolVar(&help, "help", false, "show this help")
	fl.BoolVar(&showVers, "version", false, "show the version")
	addFlags(fl, &cli)
	fl.StringVar(&profile, "profile", "", "use this [profile.NAME] of the config file")
	fl.BoolVar(&printConfig, "print-config", false, "print the resolved settings (password masked) and exit")
	cmd.SetVersionTemplate("mqttchat {{.Version}}\n")
	cmd.AddCommand(newHistoryCommand(stderr))
	cmd.AddCommand(newTopicsCommand(stderr))
	decimalInts(cmd)
	var err error
	if sub, _, ferr := cmd.Find(args); ferr == nil && sub == cmd { // -D is the chat's, not history's or topics'
		args, props, err = takeProperties(args)
	}
	if err != nil {
		fmt.Fprintf(stderr, "mqttchat: %s\n", sanitize.String(err.Error()))
		return 2
	}
	// Declared for --help only: the groups were taken out of args above.
	fl.StringArrayP("property", "D", nil, "`COMMAND PROPERTY VALUE`: an MQTT 5 property, as mosquitto_pub's -D (user-property: KEY VALUE; repeatable; implies -V 5; see README)")
	cmd.SetArgs(args)
	cmd.SetOut(stdout)
	cmd.SetErr(stderr)
	err = cmd.Execute()
	if err == nil {
		return 0
	}
	// One line, whatever a path, id or host in it holds (a newline, an ESC).
	fmt.Fprintf(stderr, "mqttchat: %s\n", sanitize.String(err.Error()))
	var ue usageError
	if errors.As(err, &ue) {
		return 2
	}
	return 1
}

// interactive checks the terminal, warns about a password on the command
// line, asks for a missing one, and runs the chat.
func (a app) interactive(s settings, src sources) error {
	stdin, stdout, stderr := a.stdin, a.stdout, a.stderr
	if !term.IsTerminal(int(stdin.Fd())) {
		return usagef("stdin is not a terminal: mqttchat is interactive (run it in a terminal)")
	}
	out, ok := stdout.(*os.File)
	if !ok || !term.IsTerminal(int(out.Fd())) {
		return usagef("stdout is not a terminal: mqttchat is interactive (run it in a terminal)")
	}
	if err := checkCursor(os.Getenv("TERM")); err != nil {
		return err
	}
	if s.pwFromFlag {
		fmt.Fprintln(stderr, "mqttchat: warning: a password on the command line can be seen by other users in the process list; prefer MQTTCHAT_PASSWORD, --pw-file or the prompt")
	}
	if s.username != "" && s.password == "" && !src.set("password") && !src.set("pw_file") {
		pw, err := promptPassword(stdin, stderr, s.username, s.display)
		if err != nil {
			return err
		}
		s.password = pw
	}
	return chat(s, stdin, stdout, stderr)
}

// promptPassword asks for a password without echoing it.
func promptPassword(stdin *os.File, stderr io.Writer, user, broker string) (string, error) {
	fmt.Fprintf(stderr, "Password for %s at %s: ", sanitize.String(user), sanitize.String(broker))
	pw, err := term.ReadPassword(int(stdin.Fd()))
	fmt.Fprintln(stderr)
	if err != nil {
		return "", fmt.Errorf("password prompt: %w", err)
	}
	return string(pw), nil
}

// version is the module version the binary was built from.
func version() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}

// noArgs refuses positional arguments as a usage error.
func noArgs(_ *cobra.Command, args []string) error {
	if len(args) > 0 {
		return usagef("unexpected argument %q (topics go after -t, see --help)", args[0])
	}
	return nil
}
