// Command llcast streams a camera and microphone (or its built-in test
// source) as Low-Latency HLS to logged-in viewers.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "llcast:", err)
		os.Exit(exitCode(err))
	}
}
