package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// mockProcess is the built binary running with a state file.
type mockProcess struct {
	cmd    *exec.Cmd
	base   string
	stderr *bytes.Buffer
}

func startMock(t *testing.T, bin, state string) *mockProcess {
	t.Helper()
	cmd := exec.Command(bin, "-addr", "127.0.0.1:0", "-state", state)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	m := &mockProcess{cmd: cmd, stderr: &bytes.Buffer{}}
	cmd.Stderr = m.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatalf("mock did not start: %v\n%s", err, m.stderr)
	}
	_, m.base, _ = strings.Cut(strings.TrimSpace(line), "listening on ")
	go func() { _, _ = io.Copy(io.Discard, stdout) }()
	return m
}

func call(client *http.Client, method, url, body string) (int, []byte, error) {
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, url, r)
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Authorization", "Bearer YOUR_API_KEY")
	req.Header.Set("Content-Type", "application/json")
	res, err := client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	return res.StatusCode, data, err
}

// TestKillDuringApprovalsLosesNoAnsweredApproval is the durability
// promise of -state: the mock is killed with SIGKILL while approvals are
// being answered; after a restart, every approval that was answered 200
// is there, and the state file held nothing corrupt.
func TestKillDuringApprovalsLosesNoAnsweredApproval(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary; skipped with -short")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "sendai-mock")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	state := filepath.Join(dir, "state.jsonl")
	m := startMock(t, bin, state)
	client := &http.Client{Timeout: 5 * time.Second}

	const tasks = 400
	ctl := m.base + "/_mock/teams/team_123456/projects/proj_123456/tasks/"
	for i := range tasks {
		id := fmt.Sprintf("crash_%04d", i)
		if code, body, err := call(client, "PUT", ctl+id, fmt.Sprintf(`{"id":%q,"status":"COMPLETED"}`, id)); err != nil || code != http.StatusCreated {
			t.Fatalf("seeding %s: %d %s %v", id, code, body, err)
		}
	}

	// Eight clients approve tasks until the process dies under them.
	var mu sync.Mutex
	var answered []string
	next := make(chan string)
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for id := range next {
				code, _, err := call(client, "POST", m.base+"/v2/team_123456/project/proj_123456/task/"+id+"/approve", "")
				if err == nil && code == http.StatusOK {
					mu.Lock()
					answered = append(answered, id)
					mu.Unlock()
				}
			}
		}()
	}
	killed := make(chan struct{})
	go func() {
		for {
			mu.Lock()
			n := len(answered)
			mu.Unlock()
			if n >= tasks/4 {
				_ = m.cmd.Process.Signal(syscall.SIGKILL)
				close(killed)
				return
			}
			time.Sleep(time.Millisecond)
		}
	}()
	for i := 0; i < tasks; i++ {
		select {
		case next <- fmt.Sprintf("crash_%04d", i):
			continue
		case <-killed:
		}
		break
	}
	close(next)
	wg.Wait()
	_ = m.cmd.Wait()
	if len(answered) >= tasks {
		t.Fatalf("every approval was answered before the kill: the test did not kill mid-stream")
	}
	t.Logf("killed after %d approvals answered 200", len(answered))

	m2 := startMock(t, bin, state)
	ctl = m2.base + "/_mock/teams/team_123456/projects/proj_123456/tasks/"
	for _, id := range answered {
		code, body, err := call(client, "GET", ctl+id, "")
		if err != nil || code != http.StatusOK {
			t.Fatalf("after restart, GET %s: %d %s %v", id, code, body, err)
		}
		var task struct{ Approved bool }
		if err := json.Unmarshal(body, &task); err != nil || !task.Approved {
			t.Errorf("%s was answered 200 to approve but is not approved after the restart: %s", id, body)
		}
	}
	_ = m2.cmd.Process.Signal(os.Interrupt)
	_ = m2.cmd.Wait()
	log := m2.stderr.String()
	if strings.Contains(log, "checksum") || strings.Contains(log, "does not decode") {
		t.Errorf("the state file held a corrupt record:\n%s", log)
	}
	if !strings.Contains(log, "records restored") {
		t.Errorf("the restart did not report restoring the state file:\n%s", log)
	}
}
