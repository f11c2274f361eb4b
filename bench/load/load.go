// Package load is a small HTTP/1.1 load generator for the benchmarks: each
// worker keeps one keep-alive connection and sends its requests one after
// another, so a run measures the server, not a client library. It speaks
// just enough HTTP for the mock and the ceiling (Content-Length bodies).
package load

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"

	"net"
	"slices"
	"strconv"
	"sync"
	"time"
)

// Config describes one run.
type Config struct {
	Addr     string        // host:port
	Conns    int           // workers, one connection each
	Duration time.Duration // stop after this long...
	MaxReqs  int           // ...or after this many requests in all (0: no cap)
	// Next returns worker w's i-th request, a complete HTTP/1.1 request.
	Next func(w, i int) []byte
}

// Result is what a run measured.
type Result struct {
	Requests int
	Failures int // transport errors and statuses other than 2xx
	FirstErr string
	Elapsed  time.Duration
	P50, P99 time.Duration
}

// RPS is requests (successful or not) per second.
func (r Result) RPS() float64 { return float64(r.Requests) / r.Elapsed.Seconds() }

// Run sends requests until the duration or the request cap is reached.
func Run(ctx context.Context, cfg Config) Result {
	ctx, cancel := context.WithTimeout(ctx, cfg.Duration)
	defer cancel()
	perWorker := 0
	if cfg.MaxReqs > 0 {
		perWorker = (cfg.MaxReqs + cfg.Conns - 1) / cfg.Conns
	}
	type out struct {
		lat      []time.Duration
		failures int
		err      string
	}
	outs := make([]out, cfg.Conns)
	var wg sync.WaitGroup
	start := time.Now()
	for w := range cfg.Conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			o := &outs[w]
			o.lat = make([]time.Duration, 0, 1<<14)
			var c *conn
			for i := 0; perWorker == 0 || i < perWorker; i++ {
				if ctx.Err() != nil {
					return
				}
				if c == nil {
					var err error
					if c, err = dial(cfg.Addr); err != nil {
						o.failures++
						o.err = err.Error()
						time.Sleep(10 * time.Millisecond)
						continue
					}
				}
				t0 := time.Now()
				status, err := c.do(cfg.Next(w, i))
				o.lat = append(o.lat, time.Since(t0))
				if err != nil || status < 200 || status > 299 {
					o.failures++
					if err != nil {
						o.err = err.Error()
						c.Close()
						c = nil
					} else {
						o.err = fmt.Sprintf("status %d", status)
					}
				}
			}
			if c != nil {
				c.Close()
			}
		}()
	}
	wg.Wait()
	res := Result{Elapsed: time.Since(start)}
	var all []time.Duration
	for _, o := range outs {
		all = append(all, o.lat...)
		res.Failures += o.failures
		if o.err != "" {
			res.FirstErr = o.err
		}
	}
	res.Requests = len(all)
	if len(all) > 0 {
		slices.Sort(all)
		res.P50 = all[len(all)*50/100]
		res.P99 = all[min(len(all)-1, len(all)*99/100)]
	}
	return res
}

type conn struct {
	net.Conn
	r *bufio.Reader
}

func dial(addr string) (*conn, error) {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return nil, err
	}
	return &conn{Conn: c, r: bufio.NewReaderSize(c, 16<<10)}, nil
}

var errMalformed = errors.New("load: malformed response")

// do sends req and reads the whole response, returning its status.
func (c *conn) do(req []byte) (int, error) {
	if _, err := c.Write(req); err != nil {
		return 0, err
	}
	line, err := c.r.ReadSlice('\n')
	if err != nil {
		return 0, err
	}
	if len(line) < 12 || !bytes.HasPrefix(line, []byte("HTTP/1.")) {
		return 0, errMalformed
	}
	status, err := strconv.Atoi(string(line[9:12]))
	if err != nil {
		return 0, errMalformed
	}
	length := -1
	for {
		h, err := c.r.ReadSlice('\n')
		if err != nil {
			return 0, err
		}
		h = bytes.TrimRight(h, "\r\n")
		if len(h) == 0 {
			break
		}
		name, value, ok := bytes.Cut(h, []byte(":"))
		if ok && bytes.EqualFold(name, []byte("Content-Length")) {
			if length, err = strconv.Atoi(string(bytes.TrimSpace(value))); err != nil {
				return 0, errMalformed
			}
		}
	}
	if length < 0 {
		return 0, fmt.Errorf("load: response %d without Content-Length", status)
	}
	if _, err := c.r.Discard(length); err != nil {
		return 0, err
	}
	return status, nil
}

// Request builds a raw HTTP/1.1 request with a Bearer key and an optional
// JSON body.
func Request(method, path, key string, body []byte) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s %s HTTP/1.1\r\nHost: bench\r\nUser-Agent: sendai-bench\r\n", method, path)
	if key != "" {
		fmt.Fprintf(&b, "Authorization: Bearer %s\r\n", key)
	}
	if body != nil {
		fmt.Fprintf(&b, "Content-Type: application/json\r\nContent-Length: %d\r\n", len(body))
	} else if method != "GET" {
		b.WriteString("Content-Length: 0\r\n")
	}
	b.WriteString("\r\n")
	b.Write(body)
	return b.Bytes()
}
