package history

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

// segExt ends every segment file's name.
const segExt = ".jsonl"

// segment is one log file: written by one process, in time order.
type segment struct {
	path string
	size int64
	mod  time.Time
}

// SegmentName names a segment started at start by process pid, so that names
// sort by start time.
func SegmentName(start time.Time, pid int) string {
	return fmt.Sprintf("seg-%020d-%d%s", start.UnixNano(), pid, segExt)
}

// listSegments returns dir's segments, oldest first. A missing dir has none.
func listSegments(dir string) ([]segment, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var segs []segment
	for _, e := range entries {
		if e.IsDir() || !strings.HasPrefix(e.Name(), "seg-") || !strings.HasSuffix(e.Name(), segExt) {
			continue
		}
		info, err := e.Info()
		if err != nil {
			continue // removed meanwhile
		}
		segs = append(segs, segment{path: filepath.Join(dir, e.Name()), size: info.Size(), mod: info.ModTime()})
	}
	sort.Slice(segs, func(i, j int) bool { return segs[i].path < segs[j].path })
	return segs, nil
}

// repairSegment cuts a torn last line (a write cut short by a crash or power
// loss) off a segment that no process holds. It reports whether it cut.
func repairSegment(path string) (bool, error) {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return false, err
	}
	defer f.Close()
	locked, err := tryLock(f)
	if err != nil || !locked {
		return false, err // held by a live writer: its tail is not torn, only unfinished
	}
	defer unlock(f)
	info, err := f.Stat()
	if err != nil {
		return false, err
	}
	size := info.Size()
	if size == 0 {
		return false, nil
	}
	last := make([]byte, 1)
	if _, err := f.ReadAt(last, size-1); err != nil {
		return false, err
	}
	if last[0] == '\n' {
		return false, nil
	}
	end, err := lastNewline(f, size)
	if err != nil {
		return false, err
	}
	if err := f.Truncate(end); err != nil {
		return false, err
	}
	return true, f.Sync()
}

// lastNewline is the offset just after the last '\n' before size, or 0.
func lastNewline(f io.ReaderAt, size int64) (int64, error) {
	buf := make([]byte, 64<<10)
	for end := size; end > 0; {
		start := max(end-int64(len(buf)), 0)
		chunk := buf[:end-start]
		if _, err := f.ReadAt(chunk, start); err != nil && !errors.Is(err, io.EOF) {
			return 0, err
		}
		if i := bytes.LastIndexByte(chunk, '\n'); i >= 0 {
			return start + int64(i) + 1, nil
		}
		end = start
	}
	return 0, nil
}

// enforceRetention deletes the oldest segments, other than keep and those
// another process holds, while the total exceeds maxTotal or a segment is
// older than maxAge. Zero limits are off.
func enforceRetention(dir, keep string, maxTotal int64, maxAge time.Duration, now time.Time) (removed int, err error) {
	segs, err := listSegments(dir)
	if err != nil {
		return 0, err
	}
	var total int64
	for _, s := range segs {
		total += s.size
	}
	removeOrphanIndexes(dir)
	for _, s := range segs {
		tooBig := maxTotal > 0 && total > maxTotal
		tooOld := maxAge > 0 && now.Sub(s.mod) > maxAge
		if !tooBig && !tooOld {
			continue
		}
		if s.path == keep || !removable(s.path) {
			continue
		}
		if err := os.Remove(s.path); err != nil {
			return removed, err
		}
		_ = os.Remove(indexPath(s.path))
		total -= s.size
		removed++
	}
	return removed, nil
}

// removable reports whether no process holds the segment.
func removable(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	ok, err := tryLock(f)
	if ok {
		unlock(f)
	}
	return ok && err == nil
}

// segmentPID reads the process id from a segment's file name, 0 if none.
func segmentPID(name string) int {
	name = strings.TrimSuffix(filepath.Base(name), segExt)
	i := strings.LastIndexByte(name, '-')
	if i < 0 || !strings.HasPrefix(name, "seg-") {
		return 0
	}
	pid, err := strconv.Atoi(name[i+1:])
	if err != nil {
		return 0
	}
	return pid
}

// removeOrphanIndexes deletes indexes whose segment is gone (deleted by an
// older version's retention, or by hand).
func removeOrphanIndexes(dir string) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		seg, ok := strings.CutSuffix(e.Name(), idxExt)
		if !ok || !strings.HasPrefix(seg, "seg-") {
			continue
		}
		if _, err := os.Stat(filepath.Join(dir, seg)); os.IsNotExist(err) {
			_ = os.Remove(filepath.Join(dir, e.Name()))
		}
	}
}
