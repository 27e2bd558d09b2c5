// Package topics is the topics view: a tree of every topic seen, by level,
// with each topic's last value, age, message count, rate and retained mark,
// counts rolled up for folded nodes, a search by MQTT filter, each topic's
// recent values with a diff against the previous one (ui/diff) and a plot
// of its numbers (ui/plot).
//
// The tree is fed by the screen (Add, one call per message, O(depth)) and
// drawn O(visible rows): children are kept in a map and sorted lazily, only
// when an expanded node is walked. Memory is capped by a topic count and by
// the bytes of the values kept; what is dropped is counted and shown.
//
// Model is a part of the screen: Update, View, SetSize, Keys, and requests
// the screen takes right after Update (TakeRequest) for what only it can do:
// open a message, set the composer's topic, clear retained messages, load
// older values from the history.
package topics
