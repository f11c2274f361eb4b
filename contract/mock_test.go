package contract

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	sendaimock "sendaimock"
	"sendaimock/mockserver"
)

// newMock returns the real mock as an http.Handler. A response of the mock
// that breaks openapi.yaml fails the test.
func newMock(t testing.TB) http.Handler {
	t.Helper()
	spec, err := sendaimock.LoadSpec(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	fx, err := sendaimock.DefaultFixtures()
	if err != nil {
		t.Fatal(err)
	}
	srv, err := mockserver.New(mockserver.Config{
		Spec: spec, Fixtures: fx,
		OnViolation: func(v mockserver.Violation) { t.Errorf("the mock broke openapi.yaml: %v", v) },
		Logger:      slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	return srv
}

// serve starts h on a loopback port for the test.
func serve(t testing.TB, h http.Handler) string {
	t.Helper()
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	return ts.URL
}
