package cli

import (
	"fmt"
	"io"
	"os"
	"strconv"

	"github.com/spf13/cobra"
)

// Ranks of the layers a setting can come from: a higher one wins.
const (
	rankDefault = iota
	rankConfig
	rankProfile
	rankEnv
	rankFlag
)

// source says where a setting came from.
type source struct {
	rank int
	name string // "--port", "MQTTCHAT_URL", "config.toml", "profile prod"
}

// sources maps option keys to where their values came from.
type sources map[string]source

// where names a setting for an error message: the flag, the variable, or
// the config file and key.
func (s sources) where(key string) string {
	src, ok := s[key]
	if !ok || src.rank == rankDefault {
		if o, ok := optionByKey(key); ok {
			return "--" + o.flag
		}
		return key
	}
	if src.rank == rankConfig || src.rank == rankProfile {
		return src.name + ": " + key
	}
	return src.name
}

// set reports whether anything but the defaults gave the key.
func (s sources) set(key string) bool { return s[key].rank > rankDefault }

// assign stores a value of a config file or an environment variable into
// one of values' fields, checking its type.
func assign(ptr, val any) error {
	switch p := ptr.(type) {
	case *string:
		s, ok := val.(string)
		if !ok {
			return fmt.Errorf("must be a string, not %T", val)
		}
		*p = s
	case *int:
		switch n := val.(type) {
		case int:
			*p = n
		case int64:
			*p = int(n)
		default:
			return fmt.Errorf("must be a whole number, not %T", val)
		}
	case *bool:
		b, ok := val.(bool)
		if !ok {
			return fmt.Errorf("must be true or false, not %T", val)
		}
		*p = b
	case *[]string:
		switch l := val.(type) {
		case nil:
			*p = nil
		case []string:
			*p = append([]string(nil), l...)
		case []any:
			out := make([]string, 0, len(l))
			for _, x := range l {
				s, ok := x.(string)
				if !ok {
					return fmt.Errorf("must be a list of strings, holds %T", x)
				}
				out = append(out, s)
			}
			*p = out
		case string:
			*p = []string{l}
		default:
			return fmt.Errorf("must be a list of strings, not %T", val)
		}
	}
	return nil
}

// applyTable sets the keys of a config table into v.
func applyTable(table map[string]any, v *values, src sources, s source) error {
	if _, ok := table["urls"]; ok {
		if _, both := table["url"]; both {
			return fmt.Errorf("%s: url and urls: give one of them", s.name)
		}
	}
	for k, val := range table {
		if k == propertiesKey {
			if err := applyPropertiesKey(val, v); err != nil {
				return fmt.Errorf("%s: %s: %v", s.name, k, err)
			}
			src[k] = s
			continue
		}
		if k == "urls" { // the nodes of a cluster: url takes a list too
			k = "url"
		}
		if n, ok := val.(int64); ok && k == "protocol_version" {
			val = strconv.FormatInt(n, 10) // protocol_version = 5, as well as "5"
		}
		o, ok := optionByKey(k)
		if !ok {
			return fmt.Errorf("%s: unknown key %q", s.name, k)
		}
		if err := assign(o.ptr(v), val); err != nil {
			return fmt.Errorf("%s: %s %v", s.name, k, err)
		}
		src[k] = s
	}
	return nil
}

// applyEnv sets the options that have an environment variable.
func applyEnv(v *values, src sources) {
	for _, o := range options {
		if o.env == "" {
			continue
		}
		if val, ok := os.LookupEnv(o.env); ok && val != "" {
			_ = assign(o.ptr(v), val)
			src[o.key] = source{rank: rankEnv, name: o.env}
		}
	}
}

// layered reads the settings through every layer, lowest first: defaults,
// the config file and its --profile, MQTTCHAT_* variables, then the flags
// given on cmd (parsed into flags). Both the chat and `history` choose their
// broker this way.
func layered(cmd *cobra.Command, flags *values, profile string, stderr io.Writer) (values, sources, error) {
	v, src := defaults(), sources{}
	if err := loadConfig(&v, src, profile, stderr); err != nil {
		return v, src, err
	}
	applyEnv(&v, src)
	changedFlags(cmd, flags, &v, src)
	return v, src, nil
}
