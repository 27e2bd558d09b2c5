// Package history keeps what mqttchat saw and what the user typed on disk,
// privately and safely: the message log of each broker, its readers, the
// recall lists, the session outbox, the state directory and the log file.
//
// # The segment format
//
// A broker's folder holds segments, one JSON object a line, each written by
// one process (seg-<start ns>-<pid>.jsonl, locked while written). The field
// order is fixed (Record.AppendJSON), which a fast decoder relies on; any
// other line is decoded by encoding/json, so hand-edited or older lines read
// too. Every line is valid UTF-8 JSON: a payload or topic that is not valid
// UTF-8 is stored as payload_b64 or topic_b64 (byte-exact); an invalid byte
// in an event's text becomes U+FFFD. An MQTT 5 message's properties are the
// object "properties" before its payload (props.go), so that the head of a
// long line holds them.
//
// Beside each segment its writer keeps an index, seg-….jsonl.idx (see
// index.go): chunks of about 1 MiB of whole records, each with the least
// and greatest record time in it (not the first and last: after a clock
// stepped back those differ), and the offset and length of every long line
// (over 64 KiB). Readers use it to skip what cannot hold what they look for:
// Find and Search read only chunks whose range meets the query, and Tail
// steps over long lines, reading only their fields and the start of their
// payload (Record.Partial; Find reads the rest). What no index covers —
// segments of older versions, the tail written since the last chunk by a
// live or killed writer — is read from the segment itself, so every older
// segment reads as it is and nothing is ever skipped on a guess: a
// segment's name (its start time) rules nothing out. A finished segment
// without an index gets one, the same as its writer would have written,
// the first time Search reads it whole.
//
// # Reading
//
// Tail is the start-up replay (the last n messages, newest segments first,
// long payloads Partial); Find reads one message's whole payload back; Search
// streams what passes a Query, in time order, for `mqttchat history` and the
// screen's history search (cancel it with its context); Scan reads every
// record of every segment, merged by time, with nothing left out.
//
// Tail and Search show each delivery once: copies of one message recorded by
// several processes (segments of other pids) within two seconds, with the
// same topic and payload, are matched one to one across processes and never
// within one — a heuristic, as MQTT 3.1.1 has no id that follows a
// publication to each subscriber (see Search). Records carry their segment's
// name (Record.Segment, Record.PID): a sent message's id is unique within it.
//
// A replayed sent message whose final state was never recorded, by a process
// that is gone, has State StateUnknown and says ErrStateUnknown.
package history
