package main

import (
	"bytes"
	"context"
	"encoding/xml"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sendaimock/mockserver"
)

func startMock(t *testing.T) string {
	t.Helper()
	cfg, err := mockserver.DefaultConfig(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	cfg.OnViolation = func(v mockserver.Violation) { t.Errorf("the mock broke openapi.yaml: %v", v) }
	srv, err := mockserver.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return ts.URL
}

func runCmd(t *testing.T, env map[string]string, args ...string) (string, string, error) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), args, func(k string) string { return env[k] }, &stdout, &stderr)
	return stdout.String(), stderr.String(), err
}

func TestRunAgainstTheMockWritesJUnit(t *testing.T) {
	base := startMock(t)
	report := filepath.Join(t.TempDir(), "report.xml")
	out, _, err := runCmd(t, nil, "-base-url", base, "-api-key", "YOUR_API_KEY", "-format", "progress,junit:"+report, "-concurrency", "8")
	if err != nil {
		t.Fatalf("want exit 0, got %v (exit %d)\n%s", err, exitCode(err), out)
	}
	data, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
	}
	if err := xml.Unmarshal(data, &doc); err != nil {
		t.Fatalf("invalid JUnit XML: %v", err)
	}
	if doc.Tests < 100 || doc.Failures != 0 {
		t.Errorf("want over 100 tests and no failure, got %d tests, %d failures", doc.Tests, doc.Failures)
	}
}

func TestExitCodes(t *testing.T) {
	base := startMock(t)
	dir := t.TempDir()
	failing := filepath.Join(dir, "failing")
	if err := os.Mkdir(failing, 0o755); err != nil {
		t.Fatal(err)
	}
	feature := "Feature: QA\n  Scenario: wrong\n    Given a COMPLETED task that is not approved\n    When I approve the task\n    Then the request fails with 400 \"Task is already approved\"\n"
	if err := os.WriteFile(filepath.Join(failing, "qa.feature"), []byte(feature), 0o644); err != nil {
		t.Fatal(err)
	}
	badFixtures := filepath.Join(dir, "fixtures.yaml")
	if err := os.WriteFile(badFixtures, []byte("tasks:\n  DONE: [x]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		env  map[string]string
		args []string
		code int
		want string // in stdout or the error
	}{
		{"help", nil, []string{"-h"}, 0, ""},
		{"the step catalogue", nil, []string{"-list-steps"}, 0, "Given a COMPLETED task that is not approved"},
		{"a failed scenario", nil, []string{"-base-url", base, "-features", failing}, 1, "1 scenario(s) failed"},
		{"the base URL from the environment", map[string]string{"SENDAI_BASE_URL": base}, []string{"-features", failing}, 1, "FAILED"},
		{"an unknown flag", nil, []string{"-nope"}, 2, "flag provided but not defined"},
		{"an argument", nil, []string{"extra"}, 2, "unexpected arguments"},
		{"a bad concurrency", nil, []string{"-concurrency", "zero"}, 2, "-concurrency"},
		{"a missing fixtures file", nil, []string{"-base-url", base, "-fixtures", filepath.Join(dir, "none.yaml")}, 2, "-fixtures"},
		{"a bad fixtures file", nil, []string{"-base-url", base, "-fixtures", badFixtures}, 2, `"DONE" is not a status`},
		{"a features folder that is not there", nil, []string{"-base-url", base, "-features", filepath.Join(dir, "none")}, 2, "-features"},
		{"a target that is not a mock", nil, []string{"-base-url", base + "/elsewhere"}, 2, "is not a sendai-mock"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, _, err := runCmd(t, tt.env, tt.args...)
			code := 0
			if err != nil {
				code = exitCode(err)
			}
			if code != tt.code {
				t.Fatalf("want exit %d, got %d (%v)\n%s", tt.code, code, err, out)
			}
			text := out
			if err != nil {
				text += err.Error()
			}
			if !strings.Contains(text, tt.want) {
				t.Errorf("want %q in the output or error, got %v\n%s", tt.want, err, out)
			}
		})
	}
}
