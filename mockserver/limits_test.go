package mockserver

import (
	"io"
	"net"
	"net/http"
	"testing"
	"time"
)

// With MaxConns 1, a second client is not served while the first holds
// the only connection, and is served once it closes.
func TestMaxConnsHoldsFurtherClientsUntilOneCloses(t *testing.T) {
	ok := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "{}") })
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	l := DefaultLimits
	l.MaxConns = 1
	hs := l.HTTPServer(ok, nil)
	go func() { _ = hs.Serve(l.Listener(ln)) }()
	defer hs.Close()

	first, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		res, err := http.Get("http://" + ln.Addr().String() + "/")
		if err == nil {
			res.Body.Close()
		}
		done <- err
	}()
	select {
	case err := <-done:
		t.Fatalf("second client served while the first held the only connection (err %v)", err)
	case <-time.After(300 * time.Millisecond):
	}
	first.Close()
	if err := <-done; err != nil {
		t.Fatalf("second client after the first closed: %v", err)
	}
}
