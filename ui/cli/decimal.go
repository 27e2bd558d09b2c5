package cli

import (
	"errors"
	"strconv"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// decimalOnly wraps pflag's int flags, which read 0443 as octal (291) and
// accept 0x5dbf: numbers on mqttchat's command line are decimal, leading
// zeros included.
type decimalOnly struct{ pflag.Value }

// Set accepts decimal digits with an optional sign, and hands the number on
// without its leading zeros.
func (d decimalOnly) Set(s string) error {
	n, err := strconv.Atoi(s)
	if err != nil {
		if errors.Is(err, strconv.ErrRange) {
			return errors.New("out of range")
		}
		return errors.New("not a whole number (decimal digits only)")
	}
	return d.Value.Set(strconv.Itoa(n))
}

// decimalInts makes every int flag of cmd and its subcommands decimal only.
func decimalInts(cmd *cobra.Command) {
	cmd.Flags().VisitAll(func(f *pflag.Flag) {
		if f.Value.Type() == "int" {
			f.Value = decimalOnly{f.Value}
		}
	})
	for _, sub := range cmd.Commands() {
		decimalInts(sub)
	}
}
