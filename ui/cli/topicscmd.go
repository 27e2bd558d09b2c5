package cli

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"mqttchat/mqttconn"
	"mqttchat/ui/topics"
)

// newTopicsCommand is `mqttchat topics`: listen for some seconds, then
// print the tree of the topics that arrived, with their last values.
func newTopicsCommand(stderr io.Writer) *cobra.Command {
	var (
		help    bool
		profile string
		seconds int
		cli     values
	)
	cmd := &cobra.Command{
		Use:   "topics [flags]",
		Short: "Listen for some seconds, print the topic tree and exit",
		Long: "Subscribes (to # unless -t says otherwise), listens for --seconds, then prints every topic seen\n" +
			"as a tree with its last value, its message count and whether the broker holds it retained.\n" +
			"Retained messages arrive at once, so a short wait lists what the broker keeps.",
		Args:          noArgs,
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			v, src, err := layered(cmd, &cli, profile, stderr)
			if err != nil {
				return err
			}
			if seconds < 1 {
				return usagef("--seconds: must be at least 1, got %d", seconds)
			}
			s, err := resolve(v, src)
			if err != nil {
				return err
			}
			if s.persistent {
				return usagef("--disable-clean-session: topics listens with a clean session only (it would leave a session behind)")
			}
			return printTopics(cmd.OutOrStdout(), cmd.ErrOrStderr(), s, time.Duration(seconds)*time.Second)
		},
	}
	fl := cmd.Flags()
	fl.SortFlags = false
	fl.BoolVar(&help, "help", false, "show this help")
	fl.IntVarP(&seconds, "seconds", "W", 5, "how long to listen")
	addFlags(fl, &cli)
	fl.StringVar(&profile, "profile", "", "use this [profile.NAME] of the config file")
	decimalInts(cmd)
	return cmd
}

// printTopics connects, collects for d and prints the tree.
func printTopics(stdout, stderr io.Writer, s settings, d time.Duration) error {
	cfg := connConfig(s)
	conn, err := mqttconn.New(cfg)
	if err != nil {
		return err
	}
	conn.Start()
	tr := topics.NewTree(topics.Settings{}, topics.DefaultPreview)
	ctx, cancel := context.WithTimeout(context.Background(), d)
	dropped, err := topics.Collect(ctx, conn.Queue(), tr)
	cancel()
	conn.Close()
	if err != nil {
		return fmt.Errorf("%s: %w", s.display, err)
	}
	if err := tr.Print(stdout); err != nil {
		return err
	}
	if dropped > 0 {
		fmt.Fprintf(stderr, "mqttchat: %d messages arrived faster than they could be counted and are not in the tree\n", dropped)
	}
	return nil
}
