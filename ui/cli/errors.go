package cli

import (
	"errors"
	"fmt"
	"strings"
)

// usageError is a bad command line: exit status 2.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usagef(format string, a ...any) error { return usageError{fmt.Errorf(format, a...)} }

// tidyFlagError shortens pflag's parse errors to one readable line.
func tidyFlagError(err error) error {
	msg := err.Error()
	if strings.HasPrefix(msg, "flag needs an argument: 'h' in -h") {
		return errors.New(hostNotHelp)
	}
	if i := strings.Index(msg, ": strconv."); i >= 0 {
		return errors.New(msg[:i] + ": not a whole number")
	}
	return err
}

// hostNotHelp answers -h given alone: it is the host, as in mosquitto.
const hostNotHelp = "-h is the broker's host and needs one (as in mosquitto): for help, use --help"
