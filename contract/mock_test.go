package contract

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"sendaimock/mockserver"
	"sendaimock/world"
)

// newMock returns the real mock as an http.Handler, on a manual clock (as
// `sendai-mock -clock=manual` runs), so that the @clock scenarios run: each
// scenario's session gets a manual clock of its own. A response of the mock
// that breaks openapi.yaml fails the test.
func newMock(t testing.TB) http.Handler {
	t.Helper()
	return newMockOn(t, world.NewManualClock(time.Date(2024, 1, 15, 10, 30, 0, 0, time.UTC)))
}

// newMockOn returns the real mock on clk (nil: the wall clock).
func newMockOn(t testing.TB, clk world.Clock) http.Handler {
	t.Helper()
	cfg, err := mockserver.DefaultConfig(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	cfg.Clock = clk
	cfg.OnViolation = func(v mockserver.Violation) { t.Errorf("the mock broke openapi.yaml: %v", v) }
	cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	srv, err := mockserver.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv
}

// serve starts h on a loopback port for the test.
func serve(t testing.TB, h http.Handler) string {
	t.Helper()
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	return ts.URL
}
