package main

import (
	"io"
	"testing"
	"time"

	"sendaimock/mockserver"
)

func TestLimitFlagsAndTheirEnvironment(t *testing.T) {
	env := map[string]string{"SENDAI_MOCK_READ_TIMEOUT": "7s", "SENDAI_MOCK_MAX_CONNS": "9", "SENDAI_MOCK_STATE": "/tmp/from-env"}
	cfg, err := parseFlags([]string{"-max-header-bytes", "1024", "-idle-timeout", "3s", "-state", "/tmp/s.jsonl"},
		func(k string) string { return env[k] }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	want := mockserver.DefaultLimits
	want.MaxHeaderBytes, want.IdleTimeout, want.ReadTimeout, want.MaxConns = 1024, 3*time.Second, 7*time.Second, 9
	if cfg.limits != want {
		t.Errorf("limits: got %+v, want %+v", cfg.limits, want)
	}
	if cfg.state != "/tmp/s.jsonl" {
		t.Errorf("state: got %q, want the flag over the environment", cfg.state)
	}

	cfg, err = parseFlags(nil, func(string) string { return "" }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.limits != mockserver.DefaultLimits || cfg.state != "" {
		t.Errorf("defaults: got %+v state %q, want DefaultLimits and no state file", cfg.limits, cfg.state)
	}
}

func TestBadLimitFlagsAreUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"-max-header-bytes", "0"},
		{"-read-header-timeout", "-1s"},
		{"-write-timeout", "0s"},
		{"-max-conns", "-1"},
		{"-idle-timeout", "soon"},
	} {
		_, err := parseFlags(args, func(string) string { return "" }, io.Discard)
		if err == nil || exitCode(err) != 2 {
			t.Errorf("%v: got %v, want a usage error (exit 2)", args, err)
		}
	}
}
