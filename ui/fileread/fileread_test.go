package fileread

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestRead(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, n int) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(strings.Repeat("x", n)), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link")
	os.Symlink(write("target", 3), link)
	cases := []struct {
		path    string
		limit   int64
		want    int   // bytes read, when no error
		wantErr error // errors.Is
		text    string
	}{
		{write("small", 10), 10, 10, nil, ""},
		{write("empty", 0), 10, 0, nil, ""},
		{link, 10, 3, nil, ""},
		{write("big", 11), 10, 0, ErrTooLarge, "big: too large: more than 10 bytes"},
		{write("huge", 2<<20), 1 << 20, 0, ErrTooLarge, "more than 1 MiB"},
		{"/dev/zero", 1 << 20, 0, ErrNotRegular, "/dev/zero: not a regular file (it is a character device)"},
		{fifo, 10, 0, ErrNotRegular, "(it is a FIFO (named pipe))"},
		{dir, 10, 0, ErrNotRegular, "(it is a folder)"},
		{filepath.Join(dir, "missing"), 10, 0, fs.ErrNotExist, "open " + filepath.Join(dir, "missing") + ": no such file or directory"},
		{"/proc/self/status", 1 << 20, -1, nil, ""}, // size 0 on disk, read all the same
		{"/proc/self/status", 10, 0, ErrTooLarge, "more than 10 bytes"},
	}
	for _, tc := range cases {
		done := make(chan struct{})
		var data []byte
		var err error
		go func() { data, err = Read(tc.path, tc.limit); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Fatalf("Read(%s) hangs", tc.path)
		}
		switch {
		case tc.wantErr == nil && err != nil:
			t.Errorf("Read(%s, %d): %v", tc.path, tc.limit, err)
		case tc.wantErr == nil && tc.want >= 0 && len(data) != tc.want:
			t.Errorf("Read(%s, %d): %d bytes, want %d", tc.path, tc.limit, len(data), tc.want)
		case tc.wantErr == nil && tc.want < 0 && len(data) == 0:
			t.Errorf("Read(%s, %d): nothing read", tc.path, tc.limit)
		case tc.wantErr != nil && (!errors.Is(err, tc.wantErr) || !strings.Contains(err.Error(), tc.text) || strings.Contains(err.Error(), "\n")):
			t.Errorf("Read(%s, %d): error %v, want %v saying %q", tc.path, tc.limit, err, tc.wantErr, tc.text)
		}
	}
}

func TestSize(t *testing.T) {
	cases := map[int64]string{0: "0 bytes", 999: "999 bytes", 65537: "65,537 bytes", 1 << 10: "1 KiB", 16 << 20: "16 MiB", 1234567: "1,234,567 bytes", 1 << 30: "1 GiB"}
	for n, want := range cases {
		if got := Size(n); got != want {
			t.Errorf("Size(%d) = %q, want %q", n, got, want)
		}
	}
}
