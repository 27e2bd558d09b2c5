package screen

import (
	"errors"
	"fmt"
	"mqttchat/ui/fileread"
	"sort"
	"strconv"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"mqttchat/mqttconn"
	"mqttchat/mqttconn/topic"
	"mqttchat/ui/sanitize"
)

// command is one of the /commands typed in the text field.
type command struct {
	name, args, help string
	run              func(m *Model, args string) (tea.Cmd, error)
}

// commands are every /command, in the order /help lists them (set in init:
// /help reads the table it is in).
var commands []command

func init() {
	commands = []command{
		{"sub", subUsage, "subscribe now; MQTT 5 options: nl not our own messages, rap keep the retain flag, rh=1 retained only when new, rh=2 no retained (# skips $SYS/...: /sub $SYS/# watches the broker's own topics)", (*Model).cmdSub},
		{"unsub", "FILTER", "unsubscribe now", (*Model).cmdUnsub},
		{"topic", "TOPIC", "set the topic to publish to", (*Model).cmdTopic},
		{"qos", "0|1|2", "set the QoS to publish with", (*Model).cmdQoS},
		{"retain", "on|off", "set the retain flag", (*Model).cmdRetain},
		{"prop", "[KEY VALUE|clear]", "MQTT 5: add a user property to every message sent (no argument: list what is set; clear: clear every property)", (*Model).cmdProp},
		{"content-type", "[TYPE]", "MQTT 5: the content type of every message sent, e.g. application/json (no argument: none)", (*Model).cmdContentType},
		{"expiry", "DURATION|off", "MQTT 5: the message expiry of every message sent: 30s, 5m, 2h, 1d, or off", (*Model).cmdExpiry},
		{"response-topic", "[TOPIC]", "MQTT 5: the response topic of every message sent (no argument: none)", (*Model).cmdResponseTopic},
		{"request", "TOPIC TEXT", "MQTT 5: publish a request; its reply shows under it (r on a received [request] answers it)", (*Model).cmdRequest},
		{"request-timeout", "DURATION", "MQTT 5: how long a /request waits before saying no reply came (default 30s)", (*Model).cmdRequestTimeout},
		{"file", "PATH", "publish a file's bytes to the current topic (asks first, with the size)", (*Model).cmdFile},
		{"clear-retained", "TOPIC", "publish an empty retained message, clearing the topic's (asks first)", (*Model).cmdClearRetained},
		{"filter", "[FILTER] [TEXT]", "narrow the list, as / in the list does (no argument: clear)", (*Model).cmdFilter},
		{"search", "[FILTER] [TEXT] [--since X] [--until X]", "search the whole history on disk (as /filter; esc stops, enter opens)", (*Model).cmdSearch},
		{"pause", "", "pause or resume the list (messages keep arriving and counting)", (*Model).cmdPause},
		{"rooms", "", "show or hide the rooms pane", (*Model).cmdRooms},
		{"topics", "[FILTER]", "the topics view: every topic seen as a tree, with last values (F6; again: back to the chat)", (*Model).cmdTopics},
		{"packets", "[TYPES] [ID]", "the packets view: every MQTT packet sent and received, in words (F7; again: back to the chat)", (*Model).cmdPackets},
		{"clear", "", "clear the screen's list (the history keeps everything)", (*Model).cmdClear},
		{"help", "", "list the commands", (*Model).cmdHelp},
		{"quit", "", "quit", (*Model).cmdQuit},
	}
}

// isCommandLine reports whether the text is a command: it starts with one
// '/'; "//text" sends "/text".
func isCommandLine(text string) bool {
	return strings.HasPrefix(text, "/") && !strings.HasPrefix(text, "//")
}

// matchingCommands are the commands whose name starts with what is typed.
func matchingCommands(text string) []command {
	word, _, _ := strings.Cut(strings.TrimPrefix(text, "/"), " ")
	var out []command
	for _, c := range commands {
		if strings.HasPrefix(c.name, word) {
			out = append(out, c)
		}
	}
	return out
}

// commandHint is the line under the text field while a command is typed.
func commandHint(text string) string {
	if !isCommandLine(text) || strings.Contains(text, "\n") {
		return ""
	}
	word, _, typedArgs := strings.Cut(strings.TrimPrefix(text, "/"), " ")
	matches := matchingCommands(text)
	for _, c := range matches {
		if c.name == word && (typedArgs || len(matches) == 1) {
			return "/" + c.name + " " + c.args + " — " + c.help
		}
	}
	if len(matches) == 0 {
		return "no command /" + sanitize.String(word) + " (/help lists them)"
	}
	names := make([]string, len(matches))
	for i, c := range matches {
		names[i] = "/" + c.name
	}
	return strings.Join(names, "  ") + "   (tab completes)"
}

// completeCommand completes the command name being typed, as far as it is
// unambiguous.
func completeCommand(text string) string {
	if !isCommandLine(text) || strings.Contains(text, " ") {
		return text
	}
	matches := matchingCommands(text)
	if len(matches) == 0 {
		return text
	}
	if len(matches) == 1 {
		return "/" + matches[0].name + " "
	}
	names := make([]string, len(matches))
	for i, c := range matches {
		names[i] = c.name
	}
	sort.Strings(names)
	prefix := names[0]
	for _, n := range names[1:] {
		for !strings.HasPrefix(n, prefix) {
			prefix = prefix[:len(prefix)-1]
		}
	}
	return "/" + prefix
}

// runCommand runs a command line; an error keeps the line in the field.
func (m *Model) runCommand(line string) (tea.Cmd, error) {
	word, args, _ := strings.Cut(strings.TrimPrefix(strings.TrimSpace(line), "/"), " ")
	for _, c := range commands {
		if c.name == word {
			return c.run(m, strings.TrimSpace(args))
		}
	}
	return nil, fmt.Errorf("unknown command /%s (/help lists them; // sends a line starting with /)", sanitize.String(word))
}

// commandDoneMsg reports a command's work done off the UI goroutine.
type commandDoneMsg struct{ err error }

func (m *Model) cmdSub(args string) (tea.Cmd, error) {
	sub, err := parseSub(args, m.composer.qos, m.v5)
	if err != nil {
		return nil, err
	}
	m.rooms.add(sub.Filter, sub.QoS).opts = sub
	conn := m.conn
	return func() tea.Msg { return commandDoneMsg{err: conn.SubscribeWith(sub)} }, nil
}

func (m *Model) cmdUnsub(args string) (tea.Cmd, error) {
	if args == "" || strings.Contains(args, " ") {
		return nil, errors.New("/unsub FILTER: give one subscribed filter")
	}
	if m.rooms.find(args) == nil {
		return nil, fmt.Errorf("/unsub: not subscribed to %q", sanitize.String(args))
	}
	conn := m.conn
	return func() tea.Msg { return commandDoneMsg{err: conn.Unsubscribe(args)} }, nil
}

func (m *Model) cmdTopic(args string) (tea.Cmd, error) {
	if err := topic.ValidateName(args); err != nil {
		return nil, fmt.Errorf("/topic: %v", err)
	}
	if err := checkMQTTString("the topic", args); err != nil {
		return nil, fmt.Errorf("/topic: %v", err)
	}
	m.composer.topic.SetValue(args)
	return nil, nil
}

func (m *Model) cmdQoS(args string) (tea.Cmd, error) {
	n, err := strconv.Atoi(args)
	if err != nil || n < 0 || n > 2 {
		return nil, fmt.Errorf("/qos: %q is not a QoS (0, 1 or 2)", sanitize.String(args))
	}
	m.composer.qos = byte(n)
	return nil, nil
}

func (m *Model) cmdRetain(args string) (tea.Cmd, error) {
	switch args {
	case "on":
		m.composer.retain = true
	case "off":
		m.composer.retain = false
	default:
		return nil, errors.New("/retain: say on or off")
	}
	return nil, nil
}

// fileReadMsg brings a file's bytes for /file.
type fileReadMsg struct {
	path string
	msg  mqttconn.Message
	err  error
}

func (m *Model) cmdFile(args string) (tea.Cmd, error) {
	if args == "" {
		return nil, errors.New("/file PATH: give a file to publish")
	}
	t := m.composer.topic.Value()
	if err := topic.ValidateName(t); err != nil {
		return nil, fmt.Errorf("/file: the topic field: %v", err)
	}
	if err := checkMQTTString("it", t); err != nil {
		return nil, fmt.Errorf("/file: the topic field: %v", err)
	}
	qos, retain := m.composer.qos, m.composer.retain
	return func() tea.Msg {
		// A regular file of at most what one MQTT packet can carry after
		// the topic (/dev/zero or a FIFO must not hang or exhaust memory).
		data, err := fileread.Read(args, 268435455-4-int64(len(t)))
		return fileReadMsg{path: args, err: err, msg: mqttconn.Message{Topic: t, Payload: data, QoS: qos, Retained: retain}}
	}, nil
}

// fileRead asks before publishing a file's bytes, naming the file, its
// size, the topic, the QoS and the retain flag.
func (m *Model) fileRead(msg fileReadMsg) tea.Cmd {
	if msg.err != nil {
		m.composer.refused("/file "+msg.path, "/file: "+msg.err.Error())
		return nil
	}
	size := fmt.Sprintf("%d bytes", len(msg.msg.Payload))
	if len(msg.msg.Payload) >= 1<<10 {
		size = humanSize(len(msg.msg.Payload)) + " (" + size + ")"
	}
	return m.ask(question{
		title:    fmt.Sprintf("Publish the file %s?", sanitize.String(msg.path)),
		details:  []string{describeMessage(size, msg.msg)},
		yes:      publish(m.conn, msg.msg, ""),
		giveBack: "/file " + msg.path,
	})
}

func (m *Model) cmdClearRetained(args string) (tea.Cmd, error) {
	if err := topic.ValidateName(args); err != nil {
		return nil, fmt.Errorf("/clear-retained: %v", err)
	}
	if err := checkMQTTString("the topic", args); err != nil {
		return nil, fmt.Errorf("/clear-retained: %v", err)
	}
	msg := mqttconn.Message{Topic: args, Payload: []byte{}, QoS: m.composer.qos, Retained: true}
	return m.ask(question{
		title:    fmt.Sprintf("Clear the retained message of %s?", sanitize.String(args)),
		details:  []string{"Publishes an empty retained message: " + describeMessage("", msg)},
		yes:      publish(m.conn, msg, ""),
		giveBack: "/clear-retained " + args,
	}), nil
}

func (m *Model) cmdFilter(args string) (tea.Cmd, error) {
	if _, err := parseFilter(args); err != nil {
		return nil, fmt.Errorf("/filter: %v", err)
	}
	m.rooms.selectAt(0)
	m.list.setFilterText(args)
	return nil, nil
}

func (m *Model) cmdPause(string) (tea.Cmd, error) { m.list.togglePause(); return nil, nil }

func (m *Model) cmdRooms(string) (tea.Cmd, error) { m.toggleRooms(); return nil, nil }

func (m *Model) cmdTopics(args string) (tea.Cmd, error) {
	cmd := m.toggleTopics()
	if args != "" && m.mode == modeTopics {
		m.topics.SetSearch(args)
	}
	return cmd, nil
}

func (m *Model) cmdClear(string) (tea.Cmd, error) {
	filter := m.list.filter
	m.list.messageList = newMessageList(m.list.maxCount, m.list.maxBytes, m.list.maxLines, m.styles)
	m.layout()
	m.list.setFilter(filter)
	return nil, nil
}

func (m *Model) cmdHelp(string) (tea.Cmd, error) {
	at := m.now
	if at.IsZero() { // before the first tick
		at = time.Now()
	}
	for _, c := range commands {
		m.list.push(newEventEntry(at, fmt.Sprintf("/%s %s — %s", c.name, c.args, c.help), false))
	}
	m.list.push(newEventEntry(at, "//text sends a line that starts with /; F1 shows the keys", false))
	return nil, nil
}

func (m *Model) cmdQuit(string) (tea.Cmd, error) { return m.quit(), nil }
