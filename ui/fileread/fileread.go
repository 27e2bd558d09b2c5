// Package fileread reads the small local files a person names — a config
// file, a password file, certificates, a file to publish — safely: only a
// regular file, and never more than the caller says could be valid. A
// device (/dev/zero), a FIFO, a folder or a file over the limit is an error
// in words, not a hang or an out-of-memory crash.
package fileread

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// ErrTooLarge is wrapped by the error for a file over the limit.
var ErrTooLarge = errors.New("too large")

// ErrNotRegular is wrapped by the error for anything but a regular file.
var ErrNotRegular = errors.New("not a regular file")

// Read returns the contents of the regular file at path, at most limit
// bytes. It opens without blocking (a FIFO with no writer does not hang),
// checks the kind and size of what it opened, and reads no more than
// limit+1 bytes (a file that grows, or a /proc file whose size says 0, is
// caught too). Errors start with the path (those of the os package name it
// as they do).
func Read(path string, limit int64) ([]byte, error) {
	// Checked before opening (opening a device can have effects), and again
	// on what was opened (the path may have changed in between).
	if st, err := os.Stat(path); err == nil && !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: %w (it is %s)", path, ErrNotRegular, kind(st.Mode()))
	}
	f, err := open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: %w (it is %s)", path, ErrNotRegular, kind(st.Mode()))
	}
	if st.Size() > limit {
		return nil, tooLarge(path, limit)
	}
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if int64(len(data)) > limit {
		return nil, tooLarge(path, limit)
	}
	return data, nil
}

func tooLarge(path string, limit int64) error {
	return fmt.Errorf("%s: %w: more than %s", path, ErrTooLarge, Size(limit))
}

// kind names what a non-regular file is.
func kind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a folder"
	case m&fs.ModeNamedPipe != 0:
		return "a FIFO (named pipe)"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a block device"
	}
	return "not a regular file"
}

// Size writes a byte count for people: "65,537 bytes", "16 MiB".
func Size(n int64) string {
	units := []struct {
		name string
		size int64
	}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}}
	for _, u := range units {
		if n >= u.size && n%u.size == 0 {
			return fmt.Sprintf("%d %s", n/u.size, u.name)
		}
	}
	return groupDigits(n) + " bytes"
}

// groupDigits writes n with commas between thousands.
func groupDigits(n int64) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
