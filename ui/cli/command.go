// Package cli is mqttchat's command line: the flags (mosquitto_sub/pub's
// names), their checks, and the wiring of the connection, the built-in
// broker, the history and the screen.
package cli

import (
	"errors"
	"fmt"
	"io"
	"mqttchat/ui"
	"os"
	"runtime/debug"

	"github.com/spf13/cobra"
	"golang.org/x/term"
)

// Run executes the command line and returns the exit status: 0 on success,
// 2 for a bad command line (or no terminal), 1 for any other failure.
func Run(args []string, stdin *os.File, stdout, stderr io.Writer) int {
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
		Args:          noArgs,
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
	fl.BoolVar(&f.history.off, "no-history", false, "record nothing on disk")
	fl.StringVar(&f.history.size, "history-size", "1GiB", "history kept per broker, by total size (e.g. 500MiB, 2GiB)")
	fl.StringVar(&f.history.age, "history-age", "30d", "history kept per broker, by age (e.g. 12h, 7d)")
	fl.IntVar(&f.history.replay, "history-replay", 500, "messages from history shown on start (0: none)")
	cmd.SetVersionTemplate("mqttchat {{.Version}}\n")
	cmd.AddCommand(newHistoryCommand())
	return cmd
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
