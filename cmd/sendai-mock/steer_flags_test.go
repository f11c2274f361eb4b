package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestClockAndWebhookFlags(t *testing.T) {
	noEnv := func(string) string { return "" }
	for _, tc := range []struct {
		args []string
		ok   bool
	}{
		{[]string{"-clock", "manual"}, true},
		{[]string{"-clock", "real", "-webhook", "http://127.0.0.1:9/a", "-webhook", "https://example.test/b"}, true},
		{[]string{"-clock", "sundial"}, false},
		{[]string{"-webhook", "not a url"}, false},
		{[]string{"-webhook", "ftp://example.test"}, false},
	} {
		cfg, err := parseFlags(tc.args, noEnv, io.Discard)
		if (err == nil) != tc.ok {
			t.Errorf("%v: err %v, want ok=%v", tc.args, err, tc.ok)
			continue
		}
		if err != nil && exitCode(err) != 2 {
			t.Errorf("%v: exit code %d, want 2", tc.args, exitCode(err))
		}
		if tc.ok && len(tc.args) > 2 && len(cfg.webhooks) != 2 {
			t.Errorf("%v: webhooks %v, want 2", tc.args, cfg.webhooks)
		}
	}
	cfg, err := parseFlags(nil, func(k string) string {
		return map[string]string{"SENDAI_MOCK_CLOCK": "manual", "SENDAI_MOCK_WEBHOOKS": "http://a.test/x, http://b.test/y"}[k]
	}, io.Discard)
	if err != nil || cfg.clock != "manual" || len(cfg.webhooks) != 2 {
		t.Errorf("from the environment: %+v, %v", cfg, err)
	}
}

// TestRunManualClockAndShutdownWithOpenStream starts the binary's run on
// a manual clock, checks the clock through the control API, opens an event
// stream, and shuts down: run must return although the stream is open.
func TestRunManualClockAndShutdownWithOpenStream(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-addr", "127.0.0.1:0", "-clock", "manual", "-log-level", "error"}, func(string) string { return "" }, pw, io.Discard)
		pw.Close()
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatalf("no start-up line: %v", err)
	}
	go io.Copy(io.Discard, pr)
	base := strings.TrimSpace(strings.TrimPrefix(line, "sendai-mock listening on "))

	resp, err := http.Get(base + "/_mock/clock")
	if err != nil {
		t.Fatal(err)
	}
	var clock struct{ Mode string }
	json.NewDecoder(resp.Body).Decode(&clock)
	resp.Body.Close()
	if clock.Mode != "manual" {
		t.Errorf("clock mode %q, want manual", clock.Mode)
	}

	stream, err := http.Get(base + "/_mock/events/stream")
	if err != nil {
		t.Fatal(err)
	}
	defer stream.Body.Close()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("run: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("run did not return with an event stream open")
	}
}
