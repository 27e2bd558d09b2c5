//go:build unix

package termprobe

import (
	"errors"
	"os"
	"time"

	"golang.org/x/sys/unix"
)

// readReplies reads from in until the device attributes reply arrives or
// timeout passes. It polls before each read, so no read is left waiting on
// the terminal afterwards to steal the screen's first keys.
func readReplies(in *os.File, timeout time.Duration) (replies, error) {
	deadline := time.Now().Add(timeout)
	var buf []byte
	chunk := make([]byte, 256)
	for {
		left := time.Until(deadline)
		if left <= 0 {
			return parseReplies(buf), nil
		}
		fds := []unix.PollFd{{Fd: int32(in.Fd()), Events: unix.POLLIN}}
		n, err := unix.Poll(fds, int(left.Milliseconds())+1)
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil {
			return parseReplies(buf), err
		}
		if n == 0 {
			continue
		}
		if fds[0].Revents&(unix.POLLHUP|unix.POLLERR|unix.POLLNVAL) != 0 && fds[0].Revents&unix.POLLIN == 0 {
			return parseReplies(buf), errors.New("the terminal closed")
		}
		m, err := unix.Read(int(in.Fd()), chunk)
		if m > 0 {
			buf = append(buf, chunk[:m]...)
			if r := parseReplies(buf); r.da1 {
				return r, nil
			}
		}
		if err != nil && !errors.Is(err, unix.EINTR) && !errors.Is(err, unix.EAGAIN) {
			return parseReplies(buf), err
		}
	}
}
