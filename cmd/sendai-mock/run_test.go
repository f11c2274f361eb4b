package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// lockedBuffer is a bytes.Buffer safe to read while run writes to it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func noEnv(string) string { return "" }

// start runs the mock on a free port and returns its base URL.
func start(t *testing.T, args ...string) (base string, stop func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var stdout lockedBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"-addr", "127.0.0.1:0"}, args...), noEnv, &stdout, io.Discard)
	}()
	re := regexp.MustCompile(`listening on (http://\S+)`)
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if m := re.FindStringSubmatch(stdout.String()); m != nil {
			return m[1], func() error { cancel(); return <-done }
		}
		select {
		case err := <-done:
			t.Fatalf("run ended before listening: %v", err)
		case <-time.After(10 * time.Millisecond):
		}
	}
	cancel()
	t.Fatalf("no address printed: %q", stdout.String())
	return "", nil
}

func TestRunServesTheDocsExampleAndShutsDown(t *testing.T) {
	base, stop := start(t)
	req, _ := http.NewRequest("POST", base+"/v2/team_123456/project/proj_123456/task/task_abcdef123456/approve", nil)
	req.Header.Set("Authorization", "Bearer YOUR_API_KEY")
	for i, want := range []int{200, 400} {
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Fatalf("call %d: got %d, want %d: %s", i+1, resp.StatusCode, want, body)
		}
	}
	if err := stop(); err != nil {
		t.Fatalf("graceful shutdown: %v", err)
	}
	if _, err := http.Get(base + "/_mock/health"); err == nil {
		t.Error("still serving after shutdown")
	}
}

func TestRunPrintsTheApproveCurl(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var stdout lockedBuffer
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"-addr", "127.0.0.1:0"}, noEnv, &stdout, io.Discard) }()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(stdout.String(), "curl") && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	<-done
	out := stdout.String()
	if !strings.Contains(out, "curl -X POST") || !strings.Contains(out, "/task/task_abcdef123456/approve") || !strings.Contains(out, "Bearer YOUR_API_KEY") {
		t.Errorf("start-up output should give the docs' approve curl: %q", out)
	}
}

func TestRunFailsAtOnceOnABusyPort(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	done := make(chan error, 1)
	go func() {
		done <- run(context.Background(), []string{"-addr", ln.Addr().String()}, noEnv, io.Discard, io.Discard)
	}()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "listen on "+ln.Addr().String()) {
			t.Fatalf("got %v, want a listen error naming the address", err)
		}
		if exitCode(err) != 1 {
			t.Errorf("exit code: got %d, want 1", exitCode(err))
		}
	case <-time.After(10 * time.Second):
		t.Fatal("run did not fail on a busy port")
	}
}

func TestFlags(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	t.Run("defaults", func(t *testing.T) {
		cfg, err := parseFlags(nil, noEnv, io.Discard)
		if err != nil || cfg.addr != "127.0.0.1:4010" || !cfg.cors || cfg.strict || cfg.processingDelay != 2*time.Second || cfg.logLevel.String() != "INFO" {
			t.Fatalf("got %+v, %v", cfg, err)
		}
	})
	t.Run("environment fallbacks", func(t *testing.T) {
		cfg, err := parseFlags(nil, env(map[string]string{
			"SENDAI_MOCK_ADDR": "127.0.0.1:9999", "SENDAI_MOCK_CORS": "false", "SENDAI_MOCK_STRICT": "true",
			"SENDAI_MOCK_PROCESSING_DELAY": "150ms", "SENDAI_MOCK_LOG_LEVEL": "debug",
		}), io.Discard)
		if err != nil || cfg.addr != "127.0.0.1:9999" || cfg.cors || !cfg.strict || cfg.processingDelay != 150*time.Millisecond || cfg.logLevel.String() != "DEBUG" {
			t.Fatalf("got %+v, %v", cfg, err)
		}
	})
	t.Run("flags beat the environment", func(t *testing.T) {
		cfg, err := parseFlags([]string{"-addr", "127.0.0.1:1"}, env(map[string]string{"SENDAI_MOCK_ADDR": "127.0.0.1:2"}), io.Discard)
		if err != nil || cfg.addr != "127.0.0.1:1" {
			t.Fatalf("got %+v, %v", cfg, err)
		}
	})
	for _, args := range [][]string{{"-nope"}, {"-log-level", "loud"}, {"-processing-delay", "0s"}, {"extra"}} {
		t.Run("usage error "+strings.Join(args, " "), func(t *testing.T) {
			_, err := parseFlags(args, noEnv, io.Discard)
			var u usageError
			if !errors.As(err, &u) || exitCode(err) != 2 {
				t.Fatalf("got %v, want a usage error (exit 2)", err)
			}
		})
	}
}

func TestRunWithFixturesFolder(t *testing.T) {
	dir := t.TempDir()
	if err := writeFile(dir+"/world.json", `{"keys":[{"key":"K","team_id":"t1","scopes":["task.read"]}],"projects":[{"team_id":"t1","project_id":"p1","tasks":[{"id":"only","status":"FAILED","name":"n","created_at":"2024-01-01T00:00:00Z","step_type":"EXTRACT","upload_id":"u"}]}]}`); err != nil {
		t.Fatal(err)
	}
	base, stop := start(t, "-fixtures", dir)
	defer stop()
	req, _ := http.NewRequest("GET", base+"/v2/t1/project/p1/task/only", nil)
	req.Header.Set("Authorization", "Bearer K")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("got %d, want the fixture task", resp.StatusCode)
	}
	bad := t.TempDir()
	writeFile(bad+"/world.json", `{"projects":[{"team_id":"t","project_id":"p","tasks":[{"id":"a","status":"DONE"}]}]}`)
	if err := run(context.Background(), []string{"-addr", "127.0.0.1:0", "-fixtures", bad}, noEnv, io.Discard, io.Discard); err == nil || !strings.Contains(err.Error(), "unknown status") {
		t.Fatalf("bad fixtures: got %v", err)
	}
}

func writeFile(path, data string) error { return os.WriteFile(path, []byte(data), 0o644) }
