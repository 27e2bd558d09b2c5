package screen

// mode is what the screen is doing; exactly one at a time, held in
// Model.mode. The root Update routes a key in this order, written once:
//
//  1. Ctrl+C, which works everywhere (quit, or ask first);
//  2. application messages (connection events, results of commands) are
//     not keys and are handled whatever the mode;
//  3. the active overlay or question: modeQuestion, modeHelp, modeDetail,
//     modeFilter, modeTopics, modeSearch and modePackets each give every
//     key to their own part;
//  4. in modeNormal, the screen's keys (F-keys, Tab, pages), then the
//     focused part: the text field, the topic field, the list or the rooms.
type mode int

const (
	modeNormal   mode = iota // the focused part has the keys
	modeFilter               // the list's filter input has the keys
	modeDetail               // a message is open in full
	modeHelp                 // the full help is open
	modeQuestion             // a question guards an action; drawn over everything
	modeTopics               // the topics view (the tree, or the composer with Tab)
	modeSearch               // the results of a history search have the keys
	modePackets              // the packets view (the packets, or the composer with Tab)
)

func (m mode) String() string {
	return [...]string{"normal", "filter", "detail", "help", "question", "topics", "search", "packets"}[m]
}

// focus is the part of the screen that gets typing and arrow keys in
// modeNormal.
type focus int

const (
	focusText focus = iota
	focusTopic
	focusList
	focusRooms
	focusCount
)
