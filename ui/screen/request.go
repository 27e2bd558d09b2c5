package screen

// request is what a part asks of the root after an update: something only
// the root can do (open a view, move the focus, change the mode). The root
// takes it right after the update, so it acts within the same Update.
type request int

const (
	requestNone        request = iota
	requestOpen                // open the selected message
	requestHelp                // open the full help
	requestFilterStart         // the filter input takes the keys
	requestFilterEnd           // the filter input gives the keys back
	requestRoomChanged         // another room was selected
	requestClose               // close the open view
	requestReply               // write to the selected message's topic
)

// requester holds a part's request until the root takes it.
type requester struct{ req request }

// take returns the request, once.
func (r *requester) take() request {
	q := r.req
	r.req = requestNone
	return q
}
