// Command run is `make bench`: it starts the built mock and the Gin
// ceiling on loopback, measures start-up, load and memory, prints a table
// and writes the figures into BENCHMARKS.md between its markers.
package main

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"sendaimock/bench/load"
)

const (
	key     = "YOUR_API_KEY"
	base    = "/v2/team_123456/project/proj_123456/task/"
	control = "/_mock/teams/team_123456/projects/proj_123456/tasks/"
	docTask = "task_abcdef123456"
)

type options struct {
	mock, ceiling, out, gobench, logFile string
	loadavg                              string // of the machine as the run began
	scaleOnly                            bool
	duration                             time.Duration
	conns, tasks, scale, rounds          int
}

func main() {
	var o options
	flag.StringVar(&o.mock, "mock", "bin/sendai-mock", "mock binary")
	flag.StringVar(&o.ceiling, "ceiling", "bin/ceiling", "ceiling binary")
	flag.StringVar(&o.out, "out", "BENCHMARKS.md", "file whose marked section receives the results")
	flag.StringVar(&o.gobench, "gobench", "", "output of go test -bench to include")
	flag.StringVar(&o.logFile, "log", "bin/bench-mock.log", "where the mock's log (level info) goes")
	flag.DurationVar(&o.duration, "duration", 5*time.Second, "length of each load case")
	flag.IntVar(&o.conns, "conns", 32, "concurrent connections")
	flag.IntVar(&o.tasks, "tasks", 1000, "tasks seeded for the approve cycle")
	flag.IntVar(&o.rounds, "rounds", 3, "runs of each case per server; the median is reported")
	flag.IntVar(&o.scale, "scale", 100000, "tasks seeded for the scale run (0 skips it)")
	flag.BoolVar(&o.scaleOnly, "scale-only", false, "run only the scale measure and print it; BENCHMARKS.md is left alone")
	flag.Parse()
	if data, err := os.ReadFile("/proc/loadavg"); err == nil {
		o.loadavg = strings.Join(strings.Fields(string(data))[:3], " ")
	}
	if err := run(o); err != nil {
		log.Fatal(err)
	}
}

type row struct {
	name          string
	mock, ceiling load.Result
	target        float64 // minimum mock/ceiling ratio
	note          string
}

func run(o options) error {
	ctx := context.Background()
	logf, err := os.Create(o.logFile)
	if err != nil {
		return err
	}
	defer logf.Close()
	if o.scaleOnly {
		return scaleOnly(ctx, o, logf)
	}

	// Start-up: the median of five cold starts (one alone is at the mercy
	// of whatever else the cores are doing at that moment).
	var starts []time.Duration
	for range 5 {
		p, d, err := start(o.mock, io.Discard, "127.0.0.1:4415")
		if err != nil {
			return err
		}
		p.stop()
		starts = append(starts, d)
	}
	slices.Sort(starts)

	mock, _, err := start(o.mock, logf, "127.0.0.1:4411", "-processing-delay", "1h")
	if err != nil {
		return err
	}
	defer mock.stop()
	ceil, _, err := start(o.ceiling, io.Discard, "127.0.0.1:4412")
	if err != nil {
		return err
	}
	defer ceil.stop()

	taskBody, err := fetchTask(mock.addr)
	if err != nil {
		return err
	}
	if err := seed(mock.addr, "bench_", o.tasks, taskBody); err != nil {
		return err
	}

	getReq := load.Request("GET", base+docTask, key, nil)
	get := func(w, i int) []byte { return getReq }
	// The cycle gives each worker its own tasks, approving then
	// disapproving each, so every answer is a 200. The step counts carry
	// over from one run to the next so that no task is left approved.
	cycle := func() func(w, i int) []byte {
		steps := make([]int, o.conns)
		return func(w, _ int) []byte {
			i := steps[w]
			steps[w]++
			perWorker := o.tasks / o.conns
			t := fmt.Sprintf("bench_%06d", w*perWorker+(i/2)%perWorker)
			if i%2 == 0 {
				return load.Request("POST", base+t+"/approve", key, nil)
			}
			return load.Request("POST", base+t+"/disapprove", key, nil)
		}
	}
	// The machine is shared by the load generator and both servers, so
	// each case alternates mock and ceiling runs and keeps each one's
	// median, which evens out the noise of other work on the cores.
	pair := func(newNext func() func(w, i int) []byte) (m, c load.Result) {
		var ms, cs []load.Result
		next := map[string]func(w, i int) []byte{mock.addr: newNext(), ceil.addr: newNext()}
		for _, addr := range []string{mock.addr, ceil.addr} {
			load.Run(ctx, load.Config{Addr: addr, Conns: o.conns, Duration: time.Second, Next: next[addr]})
		}
		for range o.rounds {
			for _, addr := range []string{mock.addr, ceil.addr} {
				r := load.Run(ctx, load.Config{Addr: addr, Conns: o.conns, Duration: o.duration, MaxReqs: 2_000_000, Next: next[addr]})
				if addr == mock.addr {
					ms = append(ms, r)
				} else {
					cs = append(cs, r)
				}
			}
		}
		return median(ms), median(cs)
	}
	var rows []row
	for _, c := range []struct {
		name, note string
		next       func() func(w, i int) []byte
	}{
		{"GET task", "the docs' example task", func() func(w, i int) []byte { return get }},
		{"approve/disapprove cycle", fmt.Sprintf("each connection approves then disapproves its own share of %d seeded tasks", o.tasks), cycle},
	} {
		m, ce := pair(c.next)
		rows = append(rows, row{name: c.name, note: c.note, target: 0.6, mock: m, ceiling: ce})
	}
	rss, err := rssKiB(mock.cmd.Process.Pid)
	if err != nil {
		return err
	}
	mock.stop()
	ceil.stop()

	durable, err := durableCycle(ctx, o, logf, taskBody, cycle())
	if err != nil {
		return err
	}

	var sc *scaleResult
	if o.scale > 0 {
		if sc, err = scale(ctx, o, logf); err != nil {
			return err
		}
	}

	var gobench string
	if o.gobench != "" {
		data, err := os.ReadFile(o.gobench)
		if err != nil {
			return err
		}
		gobench = string(data)
	}
	report := render(o, rows, rss, starts, durable, sc, gobench)
	fmt.Print(report)
	return writeSection(o.out, report)
}

// scaleOnly runs the scale measure alone and prints its table: a quick
// way to follow that one figure while working on it.
func scaleOnly(ctx context.Context, o options, logf io.Writer) error {
	sc, err := scale(ctx, o, logf)
	if err != nil {
		return err
	}
	fmt.Print(renderScale(sc))
	return nil
}

// median returns the run with the median req/s.
func median(rs []load.Result) load.Result {
	slices.SortFunc(rs, func(a, b load.Result) int { return cmp.Compare(a.RPS(), b.RPS()) })
	return rs[len(rs)/2]
}

// durableCycle runs the approve/disapprove cycle once against a mock
// with a state file.
func durableCycle(ctx context.Context, o options, logf io.Writer, taskBody []byte, next func(w, i int) []byte) (load.Result, error) {
	dir, err := os.MkdirTemp("", "sendai-bench")
	if err != nil {
		return load.Result{}, err
	}
	defer os.RemoveAll(dir)
	m, _, err := start(o.mock, logf, "127.0.0.1:4414", "-processing-delay", "1h", "-state", dir+"/state.jsonl")
	if err != nil {
		return load.Result{}, err
	}
	defer m.stop()
	if err := seed(m.addr, "bench_", o.tasks, taskBody); err != nil {
		return load.Result{}, err
	}
	load.Run(ctx, load.Config{Addr: m.addr, Conns: o.conns, Duration: time.Second, Next: next})
	return load.Run(ctx, load.Config{Addr: m.addr, Conns: o.conns, Duration: o.duration, Next: next}), nil
}

type scaleResult struct {
	tasks                int
	rssBefore, rssAfter  int64 // KiB, around the seeding
	rssServed            int64 // KiB, once every task has been served (and its answer cached)
	seedTime             time.Duration
	getFixtures, getMany load.Result
	getOneAmongMany      load.Result // the fixture task again, with every task stored
}

// scale compares GET over o.scale tasks seeded through the control API
// with GET of one fixture task in a mock holding only the fixtures. Two
// mocks run side by side and their runs alternate, as mock and ceiling do,
// so that other work on the cores weighs on both figures alike.
func scale(ctx context.Context, o options, logf io.Writer) (*scaleResult, error) {
	small, _, err := start(o.mock, logf, "127.0.0.1:4417", "-processing-delay", "1h")
	if err != nil {
		return nil, err
	}
	defer small.stop()
	taskBody, err := fetchTask(small.addr)
	if err != nil {
		return nil, err
	}
	m, _, err := start(o.mock, logf, "127.0.0.1:4413", "-processing-delay", "1h")
	if err != nil {
		return nil, err
	}
	defer m.stop()
	r := &scaleResult{tasks: o.scale}
	if r.rssBefore, err = rssKiB(m.cmd.Process.Pid); err != nil {
		return nil, err
	}
	t0 := time.Now()
	if err := seed(m.addr, "scale_", o.scale, taskBody); err != nil {
		return nil, err
	}
	r.seedTime = time.Since(t0)
	if r.rssAfter, err = rssKiB(m.cmd.Process.Pid); err != nil {
		return nil, err
	}
	// The requests are built before the runs, as the fixture one is: the
	// load generator shares the cores, so building each request while
	// timing would charge its cost to the mock.
	n := o.scale
	reqs := make([][]byte, n)
	for t := range reqs {
		reqs[t] = load.Request("GET", base+fmt.Sprintf("scale_%06d", t), key, nil)
	}
	// One pass over every task first, as the fixture task is warmed up:
	// the first answer of each task is encoded, later ones come from the
	// cache, and lookups are what this measures.
	load.Run(ctx, load.Config{Addr: m.addr, Conns: o.conns, Duration: time.Minute, MaxReqs: n, Next: func(w, i int) []byte {
		return reqs[(i*o.conns+w)%n]
	}})

	getReq := load.Request("GET", base+docTask, key, nil)
	fixture := func(int, int) []byte { return getReq }
	// Strides coprime with the task count spread the lookups over the
	// whole map rather than a hot few.
	spread := func(w, i int) []byte { return reqs[(w*7919+i*104729)%n] }
	cases := []struct {
		addr string
		next func(w, i int) []byte
		runs []load.Result
		into *load.Result
	}{
		{addr: small.addr, next: fixture, into: &r.getFixtures},
		{addr: m.addr, next: spread, into: &r.getMany},
		// The fixture task beside every seeded one: what the larger
		// process costs a GET that looks up one hot task.
		{addr: m.addr, next: fixture, into: &r.getOneAmongMany},
	}
	for _, c := range cases {
		load.Run(ctx, load.Config{Addr: c.addr, Conns: o.conns, Duration: time.Second, Next: c.next})
	}
	for range o.rounds {
		for i := range cases {
			c := &cases[i]
			c.runs = append(c.runs, load.Run(ctx, load.Config{Addr: c.addr, Conns: o.conns, Duration: o.duration, MaxReqs: 2_000_000, Next: c.next}))
		}
	}
	for _, c := range cases {
		*c.into = median(c.runs)
	}
	if r.rssServed, err = rssKiB(m.cmd.Process.Pid); err != nil {
		return nil, err
	}
	return r, nil
}

type proc struct {
	cmd  *exec.Cmd
	addr string
	once sync.Once
}

func (p *proc) stop() {
	p.once.Do(func() {
		_ = p.cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { _ = p.cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			_ = p.cmd.Process.Kill()
			<-done
		}
	})
}

// start runs bin with -addr addr and returns once /_mock/health answers
// 200, with the time from exec to that first answer.
func start(bin string, logw io.Writer, addr string, args ...string) (*proc, time.Duration, error) {
	cmd := exec.Command(bin, append([]string{"-addr", addr}, args...)...)
	cmd.Stdout = io.Discard
	cmd.Stderr = logw
	t0 := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, 0, err
	}
	p := &proc{cmd: cmd, addr: addr}
	health := load.Request("GET", "/_mock/health", "", nil)
	for time.Since(t0) < 10*time.Second {
		if ok := probe(addr, health); ok {
			return p, time.Since(t0), nil
		}
		time.Sleep(200 * time.Microsecond)
	}
	p.stop()
	return nil, 0, fmt.Errorf("%s did not answer on %s within 10s", bin, addr)
}

func probe(addr string, req []byte) bool {
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return false
	}
	defer c.Close()
	if _, err := c.Write(req); err != nil {
		return false
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	return err == nil && strings.Contains(line, " 200 ")
}

// fetchTask returns the docs' example task as the mock serves it.
func fetchTask(addr string) ([]byte, error) {
	req, _ := http.NewRequest("GET", "http://"+addr+base+docTask, nil)
	req.Header.Set("Authorization", "Bearer "+key)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	var env struct{ Payload map[string]any }
	if err := json.NewDecoder(res.Body).Decode(&env); err != nil {
		return nil, err
	}
	env.Payload["approved"] = false
	env.Payload["status"] = "REVIEWING"
	return json.Marshal(env.Payload)
}

// seed puts n copies of task (same size as the docs' example) through the
// control API, 16 at a time.
func seed(addr, prefix string, n int, task []byte) error {
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 16}}
	var wg sync.WaitGroup
	errc := make(chan error, 16)
	ids := make(chan int)
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range ids {
				id := fmt.Sprintf("%s%06d", prefix, i)
				body := bytes.Replace(task, []byte(`"`+docTask+`"`), []byte(`"`+id+`"`), 1)
				req, _ := http.NewRequest("PUT", "http://"+addr+control+id, bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				res, err := client.Do(req)
				if err != nil {
					errc <- err
					return
				}
				msg, _ := io.ReadAll(res.Body)
				res.Body.Close()
				if res.StatusCode != http.StatusCreated && res.StatusCode != http.StatusOK {
					errc <- fmt.Errorf("seeding %s: %d %s", id, res.StatusCode, msg)
					return
				}
			}
		}()
	}
	var err error
	for i := 0; i < n && err == nil; i++ {
		select {
		case ids <- i:
		case err = <-errc:
		}
	}
	close(ids)
	wg.Wait()
	if err == nil {
		select {
		case err = <-errc:
		default:
		}
	}
	return err
}

func rssKiB(pid int) (int64, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(data), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmRSS:" {
			return strconv.ParseInt(f[1], 10, 64)
		}
	}
	return 0, errors.New("no VmRSS in /proc status")
}

func cpuModel() string {
	data, _ := os.ReadFile("/proc/cpuinfo")
	for _, line := range strings.Split(string(data), "\n") {
		if name, value, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(name) == "model name" {
			return strings.TrimSpace(value)
		}
	}
	return "unknown"
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d.Microseconds())/1000) }

func pass(ok bool) string {
	if ok {
		return "met"
	}
	return "**missed**"
}

func render(o options, rows []row, rss int64, starts []time.Duration, durable load.Result, sc *scaleResult, gobench string) string {
	var b strings.Builder
	goVersion := runtime.Version()
	if out, err := exec.Command("go", "env", "GOVERSION").Output(); err == nil {
		goVersion = strings.TrimSpace(string(out))
	}
	fmt.Fprintf(&b, "Command: `make bench`: %d connections over loopback; per case a 1 s warm-up, then %d alternating %s runs of mock and ceiling, the median run of each reported. The load generator (`bench/load`, one keep-alive connection per worker) shares the cores with the servers.\n\n", o.conns, o.rounds, o.duration)
	fmt.Fprintf(&b, "Machine: %d cores, %s, %s, %s/%s; load average when the run began %s. Date: %s.\n\n", runtime.NumCPU(), cpuModel(), goVersion, runtime.GOOS, runtime.GOARCH, o.loadavg, time.Now().UTC().Format("2006-01-02 15:04 MST"))
	b.WriteString("The mock runs as shipped: request validation and auth on, access log at the default level info, written to a file.\n\n")
	b.WriteString("| case | mock req/s | mock p50 | mock p99 | ceiling req/s | ceiling p50 | ceiling p99 | mock/ceiling | target | |\n")
	b.WriteString("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|\n")
	for _, r := range rows {
		ratio := r.mock.RPS() / r.ceiling.RPS()
		fmt.Fprintf(&b, "| %s | %.0f | %s | %s | %.0f | %s | %s | %.0f%% | ≥ %.0f%% | %s |\n",
			r.name, r.mock.RPS(), ms(r.mock.P50), ms(r.mock.P99), r.ceiling.RPS(), ms(r.ceiling.P50), ms(r.ceiling.P99),
			100*ratio, 100*r.target, pass(ratio >= r.target))
	}
	b.WriteString("\n")
	for _, r := range rows {
		if r.note != "" {
			fmt.Fprintf(&b, "- %s: %s.\n", r.name, r.note)
		}
		if r.mock.Failures > 0 || r.ceiling.Failures > 0 {
			fmt.Fprintf(&b, "- %s: failures mock %d (%s), ceiling %d (%s).\n", r.name, r.mock.Failures, r.mock.FirstErr, r.ceiling.Failures, r.ceiling.FirstErr)
		} else {
			fmt.Fprintf(&b, "- %s: every answer 2xx (%d mock, %d ceiling requests).\n", r.name, r.mock.Requests, r.ceiling.Requests)
		}
	}
	b.WriteString("\n| measure | value | target | |\n|---|---:|---:|---|\n")
	fmt.Fprintf(&b, "| mock RSS after the load run | %.1f MiB | ≤ 30 MiB | %s |\n", float64(rss)/1024, pass(rss <= 30*1024))
	startup := starts[len(starts)/2]
	fmt.Fprintf(&b, "| start to first answer (exec → 200 on /_mock/health), median of %d (%s – %s) | %s | < 150 ms | %s |\n",
		len(starts), ms(starts[0]), ms(starts[len(starts)-1]), ms(startup), pass(startup < 150*time.Millisecond))
	fmt.Fprintf(&b, "\nWith `-state` (every change fsynced before its answer; changes made at once share an fsync), the approve/disapprove cycle: %.0f req/s, p50 %s, p99 %s (%d failures). No target: durability is off by default.\n",
		durable.RPS(), ms(durable.P50), ms(durable.P99), durable.Failures)
	if sc != nil {
		b.WriteString(renderScale(sc))
	}
	if gobench != "" {
		b.WriteString("\nGo benchmarks of the request path (`go test -bench . -benchmem ./mockserver/`, in process, no network):\n\n```\n")
		for _, line := range strings.Split(gobench, "\n") {
			if strings.HasPrefix(line, "Benchmark") {
				b.WriteString(line + "\n")
			}
		}
		b.WriteString("```\n")
	}
	return b.String()
}

const (
	beginMark = "<!-- bench:begin (written by make bench) -->"
	endMark   = "<!-- bench:end -->"
)

// writeSection replaces the text between the markers of path, keeping the
// hand-written rest; a missing file or marker pair is created.
func writeSection(path, section string) error {
	old, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	text := string(old)
	i, j := strings.Index(text, beginMark), strings.Index(text, endMark)
	block := beginMark + "\n" + section + endMark
	if i < 0 || j < i {
		text = "# Benchmarks\n\n" + block + "\n" + text
	} else {
		text = text[:i] + block + text[j+len(endMark):]
	}
	return os.WriteFile(path, []byte(text), 0o644)
}

// renderScale is the scale section of the report.
func renderScale(sc *scaleResult) string {
	var b strings.Builder
	ratio := sc.getMany.RPS() / sc.getFixtures.RPS()
	perTask := float64(sc.rssAfter-sc.rssBefore) * 1024 / float64(sc.tasks)
	fmt.Fprintf(&b, "\nScale: %d tasks (each a copy of the docs' example, %s) seeded through the control API in %.1f s.\n\n",
		sc.tasks, "≈ 950 bytes of JSON", sc.seedTime.Seconds())
	b.WriteString("| measure | value | target | |\n|---|---:|---:|---|\n")
	fmt.Fprintf(&b, "| GET, fixtures only | %.0f req/s (p50 %s, p99 %s) | | |\n", sc.getFixtures.RPS(), ms(sc.getFixtures.P50), ms(sc.getFixtures.P99))
	fmt.Fprintf(&b, "| GET spread over all %d tasks | %.0f req/s (p50 %s, p99 %s) | | |\n", sc.tasks, sc.getMany.RPS(), ms(sc.getMany.P50), ms(sc.getMany.P99))
	fmt.Fprintf(&b, "| ratio | %.0f%% | ≥ 90%% | %s |\n", 100*ratio, pass(ratio >= 0.9))
	fmt.Fprintf(&b, "| GET of the fixture task with all %d tasks stored | %.0f req/s (p50 %s, p99 %s): the spread GET is %.0f%% of it | | |\n",
		sc.tasks, sc.getOneAmongMany.RPS(), ms(sc.getOneAmongMany.P50), ms(sc.getOneAmongMany.P99), 100*sc.getMany.RPS()/sc.getOneAmongMany.RPS())
	fmt.Fprintf(&b, "| RSS before / after seeding | %.1f / %.1f MiB | | |\n", float64(sc.rssBefore)/1024, float64(sc.rssAfter)/1024)
	fmt.Fprintf(&b, "| memory per task (RSS growth / tasks) | %.0f bytes | | |\n", perTask)
	fmt.Fprintf(&b, "| RSS once every task was served (encoded answers cached) | %.1f MiB, %.0f bytes per task | | |\n",
		float64(sc.rssServed)/1024, float64(sc.rssServed-sc.rssBefore)*1024/float64(sc.tasks))
	if sc.getMany.Failures > 0 {
		fmt.Fprintf(&b, "\nScale GET failures: %d (%s)\n", sc.getMany.Failures, sc.getMany.FirstErr)
	}
	return b.String()
}
