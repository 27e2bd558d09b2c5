package cli

// flags are the command line as given.
type flags struct {
	host, url, id, username, password string
	port, qos, maxMessages            int
	topics                            []string
	noMouse, help, version            bool
	history                           historyFlags
}

// historyFlags say what is recorded and replayed.
type historyFlags struct {
	off    bool
	size   string
	age    string
	replay int
}
