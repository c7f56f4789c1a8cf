// Command llcast streams a camera and microphone (or its built-in test
// source) as Low-Latency HLS to logged-in viewers.
//
// README "Architecture" maps the packages it wires and the contracts its
// commands keep.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	// The first Ctrl+C stops gracefully; the second exits at once, with the
	// terminal put back as it was.
	restore := saveTerminal(os.Stdin)
	ctx, cancel := context.WithCancel(context.Background())
	sig := make(chan os.Signal, 2)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-sig
		fmt.Fprintln(os.Stderr, "\nllcast: stopping (Ctrl+C again to quit at once)")
		cancel()
		<-sig
		restore()
		os.Exit(130)
	}()
	err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	cancel()
	if err != nil {
		fmt.Fprintln(os.Stderr, "llcast:", err)
		os.Exit(exitCode(err))
	}
}
