// Command sendai-contract runs the contract suite of the send.ai v2 Task API
// against any base URL: the mock, or a real deployment with -fixtures.
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
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "sendai-contract:", err)
		os.Exit(exitCode(err))
	}
}
