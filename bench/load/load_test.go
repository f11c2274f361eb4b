package load

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestRunCountsRequestsAndFailures(t *testing.T) {
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1)%4 == 0 || r.Header.Get("Authorization") != "Bearer K" {
			w.WriteHeader(http.StatusBadRequest)
		}
		_, _ = w.Write([]byte(`{"ok":true}`))
	}))
	defer srv.Close()
	addr := strings.TrimPrefix(srv.URL, "http://")
	req := Request("POST", "/x", "K", []byte(`{"a":1}`))
	res := Run(context.Background(), Config{Addr: addr, Conns: 4, Duration: time.Minute, MaxReqs: 400,
		Next: func(int, int) []byte { return req }})
	if res.Requests != 400 {
		t.Errorf("requests: got %d, want 400 (the cap)", res.Requests)
	}
	if res.Failures != 100 || res.FirstErr != "status 400" {
		t.Errorf("failures: got %d (%q), want 100 (every fourth answer a 400)", res.Failures, res.FirstErr)
	}
	if res.P50 <= 0 || res.P99 < res.P50 {
		t.Errorf("latencies: p50 %v, p99 %v", res.P50, res.P99)
	}
}
