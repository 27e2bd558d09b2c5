package termprobe

import "strconv"

// replies are the answers read from the terminal.
type replies struct {
	columns []int // the column (from 1) of each cursor position report
	da1     bool  // the device attributes reply came: nothing more will
}

// parseReplies reads cursor position reports (ESC [ row ; col R) and the
// primary device attributes reply (ESC [ ? … c) from b, skipping whatever
// else is there (keys typed meanwhile, other replies). It stops at the
// device attributes reply.
func parseReplies(b []byte) replies {
	var r replies
	for i := 0; i < len(b); i++ {
		if b[i] != 0x1b || i+1 >= len(b) || b[i+1] != '[' {
			continue
		}
		j := i + 2
		for j < len(b) && (b[j] >= 0x30 && b[j] <= 0x3f) { // parameter bytes
			j++
		}
		if j >= len(b) {
			return r // incomplete
		}
		params := string(b[i+2 : j])
		switch final := b[j]; {
		case final == 'c' && len(params) > 0 && params[0] == '?':
			r.da1 = true
			return r
		case final == 'R':
			if col, ok := cprColumn(params); ok {
				r.columns = append(r.columns, col)
			}
		}
		i = j
	}
	return r
}

// cprColumn reads "row;col".
func cprColumn(params string) (int, bool) {
	for k := 0; k < len(params); k++ {
		if params[k] == ';' {
			if _, err := strconv.Atoi(params[:k]); err != nil {
				return 0, false
			}
			col, err := strconv.Atoi(params[k+1:])
			return col, err == nil && col > 0
		}
	}
	return 0, false
}
