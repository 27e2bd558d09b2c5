package history

import (
	"bytes"
	"errors"
	"os"
	"time"
)

// ErrNotFound is returned by Find when no record matches.
var ErrNotFound = errors.New("the message is not in the history")

// Find reads back the whole payload of the message recorded at t on topic,
// received (sent false) or sent. It reads only the parts of segments whose
// time range (from their index; what no index covers is read) holds t, and
// in them decodes only the lines stamped t. Neither a segment's name nor the
// order of its records rules anything out: a clock stepped back or a copied
// segment holds records older than its name, out of order.
func Find(dir string, t time.Time, topic string, sent bool) ([]byte, error) {
	segs, err := listSegments(dir)
	if err != nil {
		return nil, err
	}
	want := DirIn
	if sent {
		want = DirOut
	}
	prefix := append(append([]byte(`{"tst":"`), t.UTC().Format(time.RFC3339Nano)...), '"')
	for i := len(segs) - 1; i >= 0; i-- {
		found, hit, err := findIn(segs[i], t, prefix, topic, want)
		if err != nil {
			return nil, err
		}
		if hit {
			return found, nil
		}
	}
	return nil, ErrNotFound
}

func findIn(sg segment, t time.Time, prefix []byte, topic, want string) (found []byte, hit bool, err error) {
	f, err := os.Open(sg.path)
	if err != nil {
		return nil, false, nil // removed meanwhile
	}
	defer f.Close()
	ix := readIndex(f, sg.path, sg.size)
	parts := make([]chunk, 0, len(ix.chunks)+1)
	for _, c := range ix.chunks {
		if c.overlaps(t, t) {
			parts = append(parts, c)
		}
	}
	parts = append(parts, chunk{From: ix.upto, To: sg.size}) // the unindexed rest
	ours := []byte(`{"tst":"`)
	for _, c := range parts {
		err := forwardLines(f, c.From, c.To, func(line []byte, _ int64) bool {
			if bytes.HasPrefix(line, ours) && !bytes.HasPrefix(line, prefix) {
				return true // another time
			}
			r, err := parseLine(line)
			if err != nil {
				return true
			}
			if r.Dir == want && r.HasPayload && r.Topic == topic && r.Time.Equal(t) {
				found, hit = r.Payload, true
				return false
			}
			return true
		})
		if err != nil || hit {
			return found, hit, err
		}
	}
	return nil, false, nil
}
