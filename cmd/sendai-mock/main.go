// Command sendai-mock serves the send.ai v2 Task API with real state.
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
	defer stop()
	// The log is batched here, not in run, so that tests of run see each
	// line as it is written.
	logw := newLogBuffer(os.Stderr)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, logw)
	_ = logw.Close()
	if err != nil {
		fmt.Fprintln(os.Stderr, "sendai-mock:", err)
		os.Exit(exitCode(err))
	}
}
