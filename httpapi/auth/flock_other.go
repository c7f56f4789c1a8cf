//go:build !(darwin || dragonfly || freebsd || linux || netbsd || openbsd || windows)

package auth

import (
	"io/fs"
	"os"
)

// On the systems left (Plan 9, WebAssembly, AIX, Solaris and the like)
// llcast takes no locks: one writer per data directory is then the
// operator's business, as README "Users" says.

const keepReadOpen = false

func tryLock(*os.File) error { return nil }

func unlock(*os.File) error { return nil }

func syncDir(string) error { return nil }

func ownedByUs(fs.FileInfo) bool { return true }
