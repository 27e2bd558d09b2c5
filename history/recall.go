package history

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
)

// Limits of the recall lists.
const (
	recallMax     = 200
	recallMaxText = 64 << 10
)

// Recall is what the user typed before: topics and texts, most recent first,
// without duplicates. It persists in a small JSON file beside the log.
type Recall struct {
	Topics []string `json:"topics"`
	Texts  []string `json:"texts"`
}

// RecallPath is the recall file in the state directory.
func RecallPath() (string, error) {
	dir, err := StateDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "recall.json"), nil
}

// LoadRecall reads the recall file. A missing file is an empty Recall; an
// unreadable one is an error (and an empty Recall).
func LoadRecall(path string) (Recall, error) {
	var r Recall
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return r, nil
	}
	if err != nil {
		return r, fmt.Errorf("recall: %w", err)
	}
	if err := json.Unmarshal(data, &r); err != nil {
		return Recall{}, fmt.Errorf("recall: %s: %w", path, err)
	}
	r.Topics, r.Texts = capList(r.Topics), capList(r.Texts)
	return r, nil
}

// Add puts a sent topic and text at the front of their lists.
func (r *Recall) Add(topic, text string) {
	r.Topics = pushFront(r.Topics, topic)
	if len(text) <= recallMaxText {
		r.Texts = pushFront(r.Texts, text)
	}
}

// Save writes the recall file atomically, private to the user.
func (r Recall) Save(path string) error {
	data, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("recall: %w", err)
	}
	if err := writeFileAtomic(path, data); err != nil {
		return fmt.Errorf("recall: %w", err)
	}
	return nil
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
