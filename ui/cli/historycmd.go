package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/spf13/cobra"

	"mqttchat/history"
	"mqttchat/mqttconn"
	"mqttchat/mqttconn/topic"
	"mqttchat/ui/sanitize"
)

// historyQuery is what `mqttchat history` was asked for.
type historyQuery struct {
	dirs         []string
	filters      []string
	since, until time.Time
	text         string
	json         bool
	name         string // our sender's name: a sent message naming another shows as that sender's
}

func newHistoryCommand(stderr io.Writer) *cobra.Command {
	var (
		help            bool
		filters         []string
		since, until    string
		text            string
		format, profile string
		cli             values
	)
	cmd := &cobra.Command{
		Use:   "history [flags]",
		Short: "Print the recorded messages and exit",
		Long: "Prints the message log, merged by time, and exits; it works while another mqttchat writes.\n" +
			"Without a broker (-L or -h/-p) it prints every broker's log.",
		Args:          noArgs,
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			// The broker is chosen the same way as for the chat: flags,
			// MQTTCHAT_URL, the profile, the config file.
			v, src, err := layered(cmd, &cli, profile, stderr)
			if err != nil {
				return err
			}
			q, err := resolveHistoryQuery(v, src, filters, since, until, format)
			q.text = text
			if err != nil {
				return err
			}
			return printHistory(cmd.OutOrStdout(), cmd.ErrOrStderr(), q)
		},
	}
	fl := cmd.Flags()
	fl.SortFlags = false
	fl.BoolVar(&help, "help", false, "show this help")
	fl.StringArrayVarP(&filters, "topic", "t", nil, "only messages on topics matching this filter; repeat for more")
	fl.StringVar(&text, "text", "", "only messages whose payload or topic holds this text (exact bytes, case matters)")
	fl.StringVar(&since, "since", "", "only from this time on: "+timeForms)
	fl.StringVar(&until, "until", "", "only up to this time (same forms as --since)")
	fl.StringArrayVarP(&cli.url, "url", "L", nil, "the broker: mqtt://host[:port] (also from MQTTCHAT_URL or the profile); repeat for the nodes of a cluster")
	fl.StringVarP(&cli.host, "host", "h", "localhost", "the broker's host")
	fl.IntVarP(&cli.port, "port", "p", 1883, "the broker's port")
	fl.StringVar(&profile, "profile", "", "the broker of this [profile.NAME] of the config file")
	fl.StringVar(&cli.name, "name", "", "your sender's name (also from MQTTCHAT_NAME or the profile): sent messages that name another sender show as theirs, not as you")
	fl.StringVar(&format, "format", "text", "json (the stored lines, for jq) or text (one readable line each)")
	return cmd
}

func resolveHistoryQuery(v values, src sources, filters []string, since, until, format string) (historyQuery, error) {
	q := historyQuery{filters: filters, name: v.name}
	switch format {
	case "json":
		q.json = true
	case "text":
	default:
		return q, usagef("--format: %q is not json or text", format)
	}
	for _, f := range filters {
		if err := topic.ValidateFilter(f); err != nil {
			return q, usagef("--topic: %q: %v", f, err)
		}
	}
	now := time.Now()
	var err error
	if since != "" {
		if q.since, err = parseTime(since, now); err != nil {
			return q, usagef("--since: %v", err)
		}
	}
	if until != "" {
		if q.until, err = parseTime(until, now); err != nil {
			return q, usagef("--until: %v", err)
		}
	}
	nodes, err := chooseBrokers(v, src)
	if err != nil {
		return q, err
	}
	if nodes[0].rank == rankDefault { // no broker named: every broker's log
		q.dirs, err = history.AllBrokerDirs()
		return q, err
	}
	var servers []string
	for _, n := range nodes {
		servers = append(servers, n.server())
	}
	q.dirs, err = history.ClusterDirs(servers)
	return q, err
}

// printHistory writes the records that pass, merged by time, each
// delivery once (see history.Search), and a sent message's echo folded
// into its line (see echoFolder).
func printHistory(stdout, stderr io.Writer, q historyQuery) error {
	out := bufio.NewWriterSize(stdout, 64<<10)
	var line []byte
	var werr error
	hq := history.Query{Since: q.since, Until: q.until, Topics: q.filters, Text: q.text, Events: true}
	folder := newEchoFolder(func(r history.Record, echoes int) bool {
		if q.json {
			line = appendEchoed(appendJSONRecord(line[:0], r), echoes)
		} else {
			line = appendTextRecord(line[:0], r, q.name)
			if echoes > 0 {
				line = append(line, " · echoed"...)
			}
			line = append(line, '\n')
		}
		_, werr = out.Write(line)
		return werr == nil
	})
	st, err := history.Search(context.Background(), q.dirs, hq, folder.add)
	if werr == nil {
		folder.end()
	}
	if ferr := out.Flush(); werr == nil {
		werr = ferr
	}
	if st.Corrupt > 0 {
		fmt.Fprintf(stderr, "mqttchat: history: skipped %d corrupt lines\n", st.Corrupt)
	}
	if err != nil {
		return fmt.Errorf("history: %w", err)
	}
	if werr != nil && !isBrokenPipe(werr) {
		return fmt.Errorf("history: %w", werr)
	}
	return nil
}

// appendJSONRecord is the stored line; a sent message's lines also name
// their segment ("seg"), as its id is unique only within it.
func appendJSONRecord(b []byte, r history.Record) []byte {
	b = r.AppendJSON(b)
	if r.Dir != history.DirOut || r.Segment == "" {
		return b
	}
	b = b[:len(b)-2] // "}\n"
	b = append(b, `,"seg":`...)
	b = strconv.AppendQuote(b, r.Segment)
	return append(b, "}\n"...)
}

// appendEchoed adds "echoed":n to a JSON line whose message came back
// through our own subscription (see echoFolder).
func appendEchoed(b []byte, echoes int) []byte {
	if echoes == 0 {
		return b
	}
	b = b[:len(b)-2] // "}\n"
	b = append(b, `,"echoed":`...)
	b = strconv.AppendInt(b, int64(echoes), 10)
	return append(b, "}\n"...)
}

// appendTextRecord formats one record as a readable, terminal-safe line.
// us is our sender's name: a sent message that names another shows as
// that sender's ("▶ alice →"), else as "▶ you →".
func appendTextRecord(b []byte, r history.Record, us string) []byte {
	b = r.Time.Local().AppendFormat(b, "2006-01-02 15:04:05.000 ")
	switch {
	case r.Dir == history.DirEvent:
		b = append(b, "── "...)
		b = append(b, r.Event...)
		if r.Topic != "" {
			b = append(b, ' ')
			b = append(b, sanitize.String(r.Topic)...)
		}
		if r.Text != "" {
			b = append(b, ": "...)
			b = append(b, sanitize.String(r.Text)...)
		}
		return b
	case r.Dir == history.DirOut && !r.HasPayload:
		b = append(b, "▶ message "...)
		b = strconv.AppendUint(b, r.ID, 10)
		if pid := r.PID(); pid > 0 { // ids are unique per process's segment
			b = append(b, " of pid "...)
			b = strconv.AppendInt(b, int64(pid), 10)
		}
		b = append(b, ": "...)
		b = append(b, r.State...)
		if r.Text != "" {
			b = append(b, " ("+sanitize.String(r.Text)+")"...)
		}
		return b
	case r.Dir == history.DirOut:
		who := "you"
		if name, _ := r.Properties.Get(mqttconn.NameProperty); name != "" && name != us {
			who = senderText(name)
		}
		b = append(b, "▶ "+who+" → "...)
	default:
		b = append(b, "◀ "...)
		if name, ok := r.Properties.Get(mqttconn.NameProperty); ok && name != "" { // as on the screen
			b = append(b, senderText(name)+" ▸ "...)
		}
	}
	b = append(b, sanitize.String(r.Topic)...)
	var flags []string
	if r.QoS > 0 {
		flags = append(flags, "q"+strconv.Itoa(int(r.QoS)))
	}
	if r.Retain {
		flags = append(flags, "[retained]")
	}
	if r.Dup {
		flags = append(flags, "[dup]")
	}
	if len(flags) > 0 {
		b = append(b, ' ')
		b = append(b, strings.Join(flags, " ")...)
	}
	b = append(b, ' ')
	b = append(b, sanitize.Bytes(r.Payload)...)
	if r.Dir == history.DirOut {
		b = append(b, " ("+r.State+")"...)
	}
	return b
}

// senderText is a sender's name as a line shows it: sanitized, and cut
// to senderCells as the screen cuts it at 120 columns.
func senderText(name string) string {
	return ansi.Truncate(sanitize.String(name), senderCells, "…")
}

// senderCells is the most cells a sender's name takes in a text line.
const senderCells = 24

// isBrokenPipe reports a reader that went away (| head): not an error.
func isBrokenPipe(err error) bool { return errors.Is(err, syscall.EPIPE) }
