package screen

import (
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"mqttchat/mqttconn"
	"mqttchat/ui/payload"
	"mqttchat/ui/sanitize"
)

// detailLimit is how much of a payload the detail view renders; the rest is
// said, not drawn, so that a 10 MB payload cannot stall the screen.
const detailLimit = 1 << 20

// PayloadLoader reads a message's whole payload back from the history.
type PayloadLoader func(t time.Time, topic string, sent bool) ([]byte, error)

// detailKeys are the keys of the detail view. Letters switch views, so the
// text scrolls with arrows and pages only.
type detailKeys struct {
	Back        key.Binding
	ViewText    key.Binding
	ViewJSON    key.Binding
	ViewHex     key.Binding
	ViewBase64  key.Binding
	CopyPayload key.Binding
	CopyTopic   key.Binding
	Wrap        key.Binding
	Top         key.Binding
	Bottom      key.Binding
	Scroll      key.Binding // help only: the viewport's own keys
	Sideways    key.Binding // help only: ←/→ while lines are not wrapped
}

func newDetailKeys() detailKeys {
	return detailKeys{
		Back:        key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back to the list")),
		ViewText:    key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "text")),
		ViewJSON:    key.NewBinding(key.WithKeys("j"), key.WithHelp("j", "JSON")),
		ViewHex:     key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "hex")),
		ViewBase64:  key.NewBinding(key.WithKeys("b"), key.WithHelp("b", "base64")),
		CopyPayload: key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "copy the payload")),
		CopyTopic:   key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "copy the topic")),
		Wrap:        key.NewBinding(key.WithKeys("w"), key.WithHelp("w", "wrap lines on/off")),
		Top:         key.NewBinding(key.WithKeys("home", "g"), key.WithHelp("home/g", "first line")),
		Bottom:      key.NewBinding(key.WithKeys("end", "G"), key.WithHelp("end/G", "last line")),
		Scroll:      key.NewBinding(key.WithKeys("up", "down", "pgup", "pgdown", " "), key.WithHelp("↑/↓/pgup/pgdn", "scroll")),
		Sideways:    key.NewBinding(key.WithKeys("left", "right"), key.WithHelp("←/→", "scroll sideways"), key.WithDisabled()),
	}
}

// ShortHelp is the help line of the detail view.
func (k detailKeys) ShortHelp() []key.Binding {
	return []key.Binding{k.Back, k.ViewText, k.ViewJSON, k.ViewHex, k.ViewBase64, k.Wrap, k.Sideways, k.CopyPayload, k.CopyTopic, k.Top, k.Bottom, k.Scroll}
}

// FullHelp lists every detail key.
func (k detailKeys) FullHelp() [][]key.Binding {
	return [][]key.Binding{{k.Back, k.Scroll, k.Top, k.Bottom, k.Wrap, k.Sideways}, {k.ViewText, k.ViewJSON, k.ViewHex, k.ViewBase64}, {k.CopyPayload, k.CopyTopic}}
}

// detailView shows one message in full.
type detailView struct {
	keys      detailKeys
	styles    *Styles
	clipboard io.Writer
	requester
	e       *entry
	full    []byte // the payload as far as known: the held preview until loaded
	loading bool
	loadErr string
	mode    payload.Mode
	wrap    bool // long lines wrap (the default); off, ←/→ scroll
	vp      viewport.Model
	notice  string    // what the last copy did
	now     time.Time // the model's clock: whether the message expiry has lapsed
	width   int
	height  int
}

// payloadLoadedMsg brings a whole payload from the history.
type payloadLoadedMsg struct {
	seq  uint64
	data []byte
	err  error
}

// newDetail opens the entry at the model's clock now; it asks for the
// whole payload when the list held only its start. A content type
// (MQTT 5) chooses the view it opens in, else what the payload looks like.
func newDetail(e *entry, load PayloadLoader, s *Styles, clipboard io.Writer, now time.Time) (detailView, tea.Cmd) {
	mode, ok := contentTypeMode(e.props)
	if !ok {
		mode = payload.DefaultMode(e.payloadKind)
	}
	d := detailView{e: e, full: e.payload, mode: mode, vp: viewport.New(0, 0),
		keys: newDetailKeys(), styles: s, clipboard: clipboard, wrap: true, now: now}
	d.vp.KeyMap.Up = key.NewBinding(key.WithKeys("up"))
	d.vp.KeyMap.Down = key.NewBinding(key.WithKeys("down"))
	d.vp.KeyMap.PageUp = key.NewBinding(key.WithKeys("pgup"))
	d.vp.KeyMap.PageDown = key.NewBinding(key.WithKeys("pgdown", " "))
	d.vp.KeyMap.Left = key.NewBinding(key.WithKeys("left"))
	d.vp.KeyMap.Right = key.NewBinding(key.WithKeys("right"))
	if e.size <= len(e.payload) {
		return d, nil
	}
	if load == nil {
		d.loadErr = fmt.Sprintf("only the first %s of %s are held; with the history off the rest is not kept", humanSize(len(e.payload)), humanSize(e.size))
		return d, nil
	}
	d.loading = true
	seq, t, topic, sent := e.seq, e.time, e.topic, e.kind == entryOut
	return d, func() tea.Msg {
		data, err := load(t, topic, sent)
		return payloadLoadedMsg{seq: seq, data: data, err: err}
	}
}

func (d *detailView) setSize(w, h int) {
	d.width, d.height = w, h
	d.vp.Width, d.vp.Height = w, max(h-d.headerHeight(), 1)
	d.render()
}

// update handles a key or the mouse while the message is open.
func (d detailView) update(msg tea.Msg) (detailView, tea.Cmd) {
	k, ok := msg.(tea.KeyMsg)
	if !ok {
		var cmd tea.Cmd
		d.vp, cmd = d.vp.Update(msg)
		return d, cmd
	}
	switch {
	case key.Matches(k, d.keys.Back):
		d.req = requestClose
	case key.Matches(k, d.keys.ViewText):
		d.setMode(payload.ModeText)
	case key.Matches(k, d.keys.ViewJSON):
		d.setMode(payload.ModeJSON)
	case key.Matches(k, d.keys.ViewHex):
		d.setMode(payload.ModeHex)
	case key.Matches(k, d.keys.ViewBase64):
		d.setMode(payload.ModeBase64)
	case key.Matches(k, d.keys.CopyPayload):
		return d, copyToClipboard(d.clipboard, "payload", d.copyText())
	case key.Matches(k, d.keys.CopyTopic):
		return d, copyToClipboard(d.clipboard, "topic", d.e.topic)
	case key.Matches(k, d.keys.Wrap):
		d.wrap = !d.wrap
		top := d.vp.YOffset
		d.render()
		d.vp.SetYOffset(top)
	case key.Matches(k, d.keys.Top):
		d.vp.GotoTop()
	case key.Matches(k, d.keys.Bottom):
		d.vp.GotoBottom()
	default:
		var cmd tea.Cmd
		d.vp, cmd = d.vp.Update(msg)
		return d, cmd
	}
	return d, nil
}

// headerHeight is the header's rows: what it is, the views (or a notice,
// wrapped whole), the rule.
func (d *detailView) headerHeight() int {
	return 2 + len(d.explanationLines()) + len(d.noticeLines())
}

// explanation is why a sent message is in the state it is in, when its
// state needs one (failed, fate unknown, state unknown): a line of its own
// under the header, never cut.
func (d *detailView) explanation() string {
	e := d.e
	switch {
	case e.kind != entryOut:
		return ""
	case e.stateUnknown:
		return "state unknown: mqttchat quit before the broker's ack"
	case (e.state == mqttconn.StateFailed || e.state == mqttconn.StateFateUnknown) && e.note != "":
		return e.state.String() + ": " + sanitize.String(e.note)
	}
	return ""
}

// explanationLines is the explanation wrapped to the width, or none.
func (d *detailView) explanationLines() []string {
	why := d.explanation()
	if why == "" {
		return nil
	}
	return strings.Split(ansi.Wrap(why, max(d.width, 1), ""), "\n")
}

// refresh lays the view out again after its message changed (a state
// that comes with an explanation, or loses one).
func (d *detailView) refresh() { d.setSize(d.width, d.height) }

// noticeLines is the last copy's notice wrapped to the width, or the one
// line of views when there is none.
func (d *detailView) noticeLines() []string {
	if d.notice == "" {
		return []string{""}
	}
	return strings.Split(ansi.Wrap(d.notice, max(d.width, 1), ""), "\n")
}

// setNotice shows what the last copy did, whole.
func (d *detailView) setNotice(n string) {
	d.notice = n
	d.setSize(d.width, d.height)
}

// loaded takes the whole payload from the history.
func (d *detailView) loaded(msg payloadLoadedMsg) {
	d.loading = false
	if msg.err != nil {
		d.loadErr = "the whole payload could not be read from the history: " + sanitize.String(msg.err.Error())
	} else {
		d.full = msg.data
	}
	d.render()
}

// setNow moves the clock; the view is drawn again only when the message
// expiry lapses, where it was.
func (d *detailView) setNow(now time.Time) {
	before := expiryLapsed(d.e.props, d.e.time, d.now)
	d.now = now
	if expiryLapsed(d.e.props, d.e.time, now) != before {
		top := d.vp.YOffset
		d.render()
		d.vp.SetYOffset(top)
	}
}

// setMode switches the view.
func (d *detailView) setMode(m payload.Mode) {
	d.mode = m
	d.render()
	d.vp.GotoTop()
}

// shown is the part of the payload that is drawn.
func (d *detailView) shown() []byte {
	if len(d.full) > detailLimit {
		return d.full[:detailLimit]
	}
	return d.full
}

func (d *detailView) render() {
	content := payload.Render(d.shown(), d.mode, d.width, d.styles.JSON)
	var notes []string
	if d.loading {
		notes = append(notes, fmt.Sprintf("(reading the whole %s from the history…)", humanSize(d.e.size)))
	}
	if d.loadErr != "" {
		notes = append(notes, "("+d.loadErr+")")
	}
	if len(d.full) > detailLimit || (len(d.full) < d.e.size && !d.loading) {
		notes = append(notes, fmt.Sprintf("(showing the first %s of %s)", humanSize(len(d.shown())), humanSize(d.e.size)))
	}
	if len(notes) > 0 {
		content = strings.Join(notes, "\n") + "\n\n" + content // seen first, not after a megabyte
	}
	payloadOK := true // as far as known: a UTF-8 payload format is checked on the whole payload
	if p := d.e.props; p != nil && p.PayloadFormat == 1 && len(d.full) >= d.e.size {
		payloadOK = utf8.Valid(d.full)
	}
	wrapAt := 0
	if d.wrap {
		wrapAt = max(d.width, 1)
	}
	if props := propertyLines(d.e.props, d.e.time, d.now, payloadOK, wrapAt, d.styles); props != nil {
		content = strings.Join(props, "\n") + "\n\n" + content // above the payload
	}
	d.keys.Sideways.SetEnabled(!d.wrap)
	if d.wrap {
		content = ansi.Wrap(content, max(d.width, 1), "")
		d.vp.SetHorizontalStep(0)
		d.vp.SetXOffset(0)
	} else {
		d.vp.SetHorizontalStep(max(d.width/4, 1))
	}
	d.vp.SetContent(content)
}

// copyText is what a copy of the payload puts on the clipboard: the raw
// text for a text payload in the text view, else the view as shown.
func (d *detailView) copyText() string {
	if d.mode == payload.ModeText && d.e.payloadKind != payload.Binary {
		return string(d.full)
	}
	return ansi.Strip(payload.Render(d.full, d.mode, d.width, d.styles.JSON))
}

// View draws the header and the scrolling payload.
func (d *detailView) View() string {
	e, s := d.e, d.styles
	dir := "◀ received"
	if e.sender != "" {
		dir += " from " + sanitize.String(e.sender)
	}
	if e.kind == entryOut {
		by := "▶ sent by " + sentBy(e.sender, max(d.width, 40)) + " · "
		dir = by + e.state.String()
		if e.stateUnknown {
			dir = by + "state unknown"
		}
	}
	parts := []string{dir, sanitize.String(e.topic), fmt.Sprintf("QoS %d", e.qos)}
	if e.retained {
		parts = append(parts, "retained")
	}
	if e.duplicate {
		parts = append(parts, "dup")
	}
	parts = append(parts, e.time.Local().Format("2006-01-02 15:04:05.000"), humanSize(e.size), e.payloadKind.String())
	header := ansi.Truncate(strings.Join(parts, " · "), d.width, "…")
	var modes []string
	for m := payload.ModeText; m <= payload.ModeBase64; m++ {
		label := " " + m.String() + " "
		if m == d.mode {
			label = s.ModeActive.Render(label)
		}
		modes = append(modes, label)
	}
	line2 := ansi.Truncate("view:"+strings.Join(modes, "")+s.Hint.Render("  t j x b switch · w wrap · c copy payload · y copy topic · esc back"), d.width, "…")
	if d.notice != "" {
		lines := d.noticeLines()
		for i, l := range lines {
			lines[i] = s.Good.Render(l)
		}
		line2 = strings.Join(lines, "\n")
	}
	scroll := fmt.Sprintf(" line %s of %s", thousands(d.vp.YOffset+1), thousands(d.vp.TotalLineCount()))
	if !d.wrap {
		scroll = " not wrapped ·" + scroll
		if d.vp.HorizontalScrollPercent() > 0 {
			scroll = fmt.Sprintf(" → %.0f%% across ·", d.vp.HorizontalScrollPercent()*100) + scroll
		}
	}
	rule := s.Hint.Render(strings.Repeat("─", max(d.width-len(scroll), 0)) + scroll)
	why := d.explanationLines()
	for i, l := range why {
		why[i] = s.Warn.Render(l) + "\n"
	}
	return s.DetailHeader.Render(header) + "\n" + strings.Join(why, "") + line2 + "\n" + rule + "\n" + d.vp.View()
}
