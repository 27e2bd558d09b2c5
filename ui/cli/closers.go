package cli

// closers is a stack of things to close: each step of the chat pushes what
// it opened, and closeAll closes them in reverse order of opening.
type closers []func()

// push adds f, to be called before everything pushed earlier.
func (c *closers) push(f func()) { *c = append(*c, f) }

// closeAll calls every pushed function, last pushed first, once.
func (c *closers) closeAll() {
	for i := len(*c) - 1; i >= 0; i-- {
		(*c)[i]()
	}
	*c = nil
}
