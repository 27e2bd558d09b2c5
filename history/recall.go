package history

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"time"
)

// Limits of the recall lists.
const (
	recallMax     = 200
	recallMaxText = 64 << 10
)

// Recall is what the user typed before: topics and texts, most recent first,
// without duplicates. It persists in a small JSON file beside the log. When
// several mqttchats write it, Save merges what this one added into what is on
// disk, so no copy's additions are lost.
type Recall struct {
	Topics []string `json:"topics"`
	Texts  []string `json:"texts"`

	added []recallAdd // what Add put in since the last Save, oldest first
}

type recallAdd struct{ topic, text string }

// RecallPath is the recall file in the state directory.
func RecallPath() (string, error) {
	dir, err := StateDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "recall.json"), nil
}

// LoadRecall reads the recall file. A missing file is an empty Recall. A
// file that is not a recall file is renamed aside (recall.json.corrupt-…),
// never overwritten, and the error says where it went; the Recall is then
// empty.
func LoadRecall(path string) (Recall, error) {
	r, err := readRecall(path)
	if err != nil {
		return Recall{}, err
	}
	return r, nil
}

// readRecall reads the file as LoadRecall does.
func readRecall(path string) (Recall, error) {
	var r Recall
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return r, nil
	}
	if err != nil {
		return r, fmt.Errorf("recall: %w", err)
	}
	if err := json.Unmarshal(data, &r); err != nil {
		aside := fmt.Sprintf("%s.corrupt-%s", path, time.Now().UTC().Format("20060102T150405.000000000"))
		if rerr := os.Rename(path, aside); rerr != nil {
			return Recall{}, fmt.Errorf("recall: %s is not a recall file (%v) and could not be set aside: %w", path, err, rerr)
		}
		return Recall{}, &CorruptRecallError{Path: path, Aside: aside, Err: err}
	}
	r.Topics, r.Texts = capList(r.Topics), capList(r.Texts)
	return r, nil
}

// CorruptRecallError says that the recall file was not one, and where it was
// kept.
type CorruptRecallError struct {
	Path, Aside string
	Err         error
}

func (e *CorruptRecallError) Error() string {
	return fmt.Sprintf("recall: %s was not a recall file (%v); it was kept as %s and the recall lists start empty",
		e.Path, e.Err, filepath.Base(e.Aside))
}

func (e *CorruptRecallError) Unwrap() error { return e.Err }

// Add puts a sent topic and text at the front of their lists.
func (r *Recall) Add(topic, text string) {
	r.added = append(r.added, recallAdd{topic, text})
	r.push(topic, text)
}

func (r *Recall) push(topic, text string) {
	r.Topics = pushFront(r.Topics, topic)
	if len(text) <= recallMaxText {
		r.Texts = pushFront(r.Texts, text)
	}
}

// Save merges what was added since the last Save into the recall file as it
// is on disk now (another mqttchat may have written it), under a lock, and
// writes it atomically, private to the user. r becomes the merged lists.
func (r *Recall) Save(path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("recall: %w", err)
	}
	lf, err := os.OpenFile(path+".lock", os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return fmt.Errorf("recall: %w", err)
	}
	defer lf.Close()
	if err := lock(lf); err != nil {
		return fmt.Errorf("recall: %w", err)
	}
	defer unlock(lf)
	disk, rerr := readRecall(path)
	var corrupt *CorruptRecallError
	if rerr != nil && !errors.As(rerr, &corrupt) {
		return rerr
	}
	if corrupt == nil && (len(disk.Topics) > 0 || len(disk.Texts) > 0) { // else r already holds all there is
		for _, a := range r.added {
			disk.push(a.topic, a.text)
		}
		r.Topics, r.Texts = disk.Topics, disk.Texts
	}
	data, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("recall: %w", err)
	}
	if err := writeFileAtomic(path, data); err != nil {
		return fmt.Errorf("recall: %w", err)
	}
	r.added = r.added[:0]
	return rerr // a corrupt file found now was set aside: say so
}

func pushFront(list []string, s string) []string {
	if s == "" {
		return list
	}
	list = slices.DeleteFunc(list, func(x string) bool { return x == s })
	return capList(append([]string{s}, list...))
}

func capList(list []string) []string {
	if len(list) > recallMax {
		return list[:recallMax]
	}
	return list
}
