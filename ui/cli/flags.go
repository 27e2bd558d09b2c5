package cli

import (
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"mqttchat/ui/screen"
)

// values are every setting, whatever layer gave it.
type values struct {
	host, id, username, password, pwFile string
	url                                  []string // one broker, or the nodes of a cluster
	port, qos, keepalive, maxMessages    int
	rowLines                             int
	maxInFlight                          int
	topics                               []string

	cafile, capath, cert, key, tlsVersion string
	insecure, tlsUseOSCerts               bool

	willTopic, willPayload string
	willQoS                int
	willRetain             bool

	disableCleanSession        bool
	sharedSessions             bool
	protocolVersion            string
	name                       string
	sessionExpiry              string
	noLocal, retainAsPublished bool
	retainHandling             int
	noMouse                    bool
	widthMode                  string

	noHistory               bool
	historySize, historyAge string
	historyReplay           int

	trace string

	props []propGroup // -D groups, taken out of the arguments before the flags are parsed
}

// option is one setting: its config key, flag, environment variable and
// default, and where it lives in values.
type option struct {
	key, flag, short, env, usage string
	def                          any
	ptr                          func(*values) any
}

// options is the one table behind the flags, the config file, the
// environment and --print-config.
var options = []option{
	{key: "host", flag: "host", short: "h", def: "localhost", usage: "broker host", ptr: func(v *values) any { return &v.host }},
	{key: "port", flag: "port", short: "p", def: 1883, usage: "broker port (8883 with --cafile/--cert)", ptr: func(v *values) any { return &v.port }},
	{key: "url", flag: "url", short: "L", env: "MQTTCHAT_URL", def: []string(nil), usage: "broker URL: mqtt|tcp|mqtts|ssl|tls|ws|wss://[user[:pass]@]host[:port][/topic or /path]; repeat for the nodes of a cluster (urls = [...] in a profile): the connection moves to the next node when one fails", ptr: func(v *values) any { return &v.url }},
	{key: "topics", flag: "topic", short: "t", def: []string(nil), usage: "topic filter to subscribe to; repeat for more (default #)", ptr: func(v *values) any { return &v.topics }},
	{key: "qos", flag: "qos", short: "q", def: 0, usage: "QoS of the subscriptions and the composer's starting QoS: 0, 1 or 2", ptr: func(v *values) any { return &v.qos }},
	{key: "id", flag: "id", short: "i", env: "MQTTCHAT_CLIENT_ID", def: "", usage: "client id (default mqttchat + 15 random letters and digits; with -V 5, \"\" lets the broker assign one)", ptr: func(v *values) any { return &v.id }},
	{key: "username", flag: "username", short: "u", env: "MQTTCHAT_USERNAME", def: "", usage: "user name", ptr: func(v *values) any { return &v.username }},
	{key: "password", flag: "pw", short: "P", env: "MQTTCHAT_PASSWORD", def: "", usage: "password (visible to other users in the process list: prefer MQTTCHAT_PASSWORD, --pw-file or the prompt)", ptr: func(v *values) any { return &v.password }},
	{key: "pw_file", flag: "pw-file", def: "", usage: "read the password from this file", ptr: func(v *values) any { return &v.pwFile }},
	{key: "cafile", flag: "cafile", def: "", usage: "PEM file of CA certificates to verify the broker with (replaces the system's)", ptr: func(v *values) any { return &v.cafile }},
	{key: "capath", flag: "capath", def: "", usage: "folder of PEM CA certificates (replaces the system's)", ptr: func(v *values) any { return &v.capath }},
	{key: "cert", flag: "cert", def: "", usage: "PEM client certificate", ptr: func(v *values) any { return &v.cert }},
	{key: "key", flag: "key", def: "", usage: "PEM private key of the client certificate", ptr: func(v *values) any { return &v.key }},
	{key: "insecure", flag: "insecure", def: false, usage: "do not verify the broker's certificate (shown as a warning all the time)", ptr: func(v *values) any { return &v.insecure }},
	{key: "tls_version", flag: "tls-version", def: "", usage: "tlsv1.2 or tlsv1.3 (default: either)", ptr: func(v *values) any { return &v.tlsVersion }},
	{key: "tls_use_os_certs", flag: "tls-use-os-certs", def: false, usage: "trust the system's CAs as well as --cafile/--capath", ptr: func(v *values) any { return &v.tlsUseOSCerts }},
	{key: "will_topic", flag: "will-topic", def: "", usage: "Last Will topic, published by the broker if we vanish", ptr: func(v *values) any { return &v.willTopic }},
	{key: "will_payload", flag: "will-payload", def: "", usage: "Last Will payload (at most 65535 bytes)", ptr: func(v *values) any { return &v.willPayload }},
	{key: "will_qos", flag: "will-qos", def: 0, usage: "Last Will QoS", ptr: func(v *values) any { return &v.willQoS }},
	{key: "will_retain", flag: "will-retain", def: false, usage: "retain the Last Will", ptr: func(v *values) any { return &v.willRetain }},
	{key: "disable_clean_session", flag: "disable-clean-session", short: "c", def: false, usage: "keep the session: the broker queues for us while we are away (needs -i)", ptr: func(v *values) any { return &v.disableCleanSession }},
	{key: "shared_sessions", flag: "shared-sessions", def: false, usage: "with several -L and -c: the nodes share sessions (EMQX, HiveMQ, VerneMQ clusters), so a move to another node resumes ours; default: they share none (a bridge) and a move starts a clean session", ptr: func(v *values) any { return &v.sharedSessions }},
	{key: "keepalive", flag: "keepalive", short: "k", def: 60, usage: "keep-alive in seconds, 1-65535", ptr: func(v *values) any { return &v.keepalive }},
	{key: "max_inflight", flag: "max-inflight", short: "M", def: 20, usage: "QoS 1/2 messages awaiting the broker's ack at once, 1-65535 (the rest wait in the outbox)", ptr: func(v *values) any { return &v.maxInFlight }},
	{key: "protocol_version", flag: "protocol-version", short: "V", def: "311", usage: "MQTT version: 311 (3.1.1), 5 (MQTT 5: names, properties, the broker's reasons in words; see README, Which brokers) or 31; also mqttv311, mqttv5, mqttv31", ptr: func(v *values) any { return &v.protocolVersion }},
	{key: "name", flag: "name", env: "MQTTCHAT_NAME", def: "", usage: "your name on everything you send (the MQTT 5 user property mqttchat-name; needs -V 5)", ptr: func(v *values) any { return &v.name }},
	{key: "session_expiry", flag: "session-expiry", short: "x", def: "", usage: "with -c over MQTT 5: how long the broker keeps the session after we go: seconds, 30m, 12h, 7d or never (default never)", ptr: func(v *values) any { return &v.sessionExpiry }},
	{key: "no_local", flag: "no-local", def: false, usage: "MQTT 5 option of the -t subscriptions: the broker does not send us our own messages (not on $share/ filters)", ptr: func(v *values) any { return &v.noLocal }},
	{key: "retain_as_published", flag: "retain-as-published", def: false, usage: "MQTT 5 option of the -t subscriptions: keep the retain flag as the publisher set it", ptr: func(v *values) any { return &v.retainAsPublished }},
	{key: "retain_handling", flag: "retain-handling", def: 0, usage: "MQTT 5 option of the -t subscriptions: retained messages on subscribe: 0 always, 1 only for a new subscription, 2 never", ptr: func(v *values) any { return &v.retainHandling }},
	{key: "row_lines", flag: "row-lines", def: screen.DefaultRowLines, usage: "lines a text message wraps to in the list (1 keeps every row on one line)", ptr: func(v *values) any { return &v.rowLines }},
	{key: "max_messages", flag: "max-messages", def: screen.DefaultMaxMessages, usage: "messages held on screen (older ones are let go)", ptr: func(v *values) any { return &v.maxMessages }},
	{key: "no_mouse", flag: "no-mouse", def: false, usage: "do not capture the mouse (keeps the terminal's text selection)", ptr: func(v *values) any { return &v.noMouse }},
	{key: "width_mode", flag: "width-mode", env: "MQTTCHAT_WIDTH_MODE", def: "auto", usage: "how the terminal counts wide text: auto (ask it at start), grapheme, codepoint or ascii (see README, Terminals)", ptr: func(v *values) any { return &v.widthMode }},
	{key: "no_history", flag: "no-history", def: false, usage: "record nothing on disk", ptr: func(v *values) any { return &v.noHistory }},
	{key: "history_size", flag: "history-size", def: "1GiB", usage: "history kept per broker, by total size (e.g. 500MiB, 2GiB)", ptr: func(v *values) any { return &v.historySize }},
	{key: "history_age", flag: "history-age", def: "30d", usage: "history kept per broker, by age (e.g. 12h, 7d)", ptr: func(v *values) any { return &v.historyAge }},
	{key: "history_replay", flag: "history-replay", def: 500, usage: "messages from history shown on start (0: none)", ptr: func(v *values) any { return &v.historyReplay }},
	{key: "trace", flag: "trace", def: "", usage: "write every MQTT packet sent and received, decoded (never a password), as JSON lines to this file", ptr: func(v *values) any { return &v.trace }},
}

// optionByKey and optionByFlag index the table.
func optionByKey(key string) (option, bool) {
	for _, o := range options {
		if o.key == key {
			return o, true
		}
	}
	return option{}, false
}

func optionByFlag(name string) (option, bool) {
	for _, o := range options {
		if o.flag == name {
			return o, true
		}
	}
	return option{}, false
}

// defaults are the built-in values.
func defaults() values {
	var v values
	for _, o := range options {
		_ = assign(o.ptr(&v), o.def)
	}
	return v
}

// addFlags registers every option as a flag bound to v.
func addFlags(fl *pflag.FlagSet, v *values) {
	for _, o := range options {
		switch p := o.ptr(v).(type) {
		case *string:
			fl.StringVarP(p, o.flag, o.short, o.def.(string), o.usage)
		case *int:
			fl.IntVarP(p, o.flag, o.short, o.def.(int), o.usage)
		case *bool:
			fl.BoolVarP(p, o.flag, o.short, o.def.(bool), o.usage)
		case *[]string:
			fl.StringArrayVarP(p, o.flag, o.short, nil, o.usage)
		}
	}
}

// changedFlags copies the flags the user gave from cli into v.
func changedFlags(cmd *cobra.Command, cli *values, v *values, src sources) {
	cmd.Flags().Visit(func(f *pflag.Flag) {
		o, ok := optionByFlag(f.Name)
		if !ok {
			return
		}
		copyOption(o, cli, v)
		src[o.key] = source{rank: rankFlag, name: "--" + o.flag}
	})
}

// copyOption copies one option's value between two values.
func copyOption(o option, from, to *values) {
	switch p := o.ptr(from).(type) {
	case *string:
		*o.ptr(to).(*string) = *p
	case *int:
		*o.ptr(to).(*int) = *p
	case *bool:
		*o.ptr(to).(*bool) = *p
	case *[]string:
		*o.ptr(to).(*[]string) = append([]string(nil), *p...)
	}
}
