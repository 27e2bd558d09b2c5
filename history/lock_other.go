//go:build !unix

package history

import "os"

// tryLock is a no-op where flock does not exist: segments are still one per process.
func tryLock(*os.File) (bool, error) { return true, nil }

func unlock(*os.File) {}

func lock(*os.File) error { return nil }
