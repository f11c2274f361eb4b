package mockserver

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// liveServer serves a fresh mock through a real http.Server with the
// production limits (a short read-header timeout, for the slow client)
// on a loopback port, and returns its address.
func liveServer(t *testing.T) string {
	t.Helper()
	s := newCheckedServer(t)
	s.cfg.OnViolation = nil // 413 and 415 are not in openapi.yaml's responses
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	l := DefaultLimits
	l.MaxHeaderBytes = 8 << 10
	l.ReadHeaderTimeout = 300 * time.Millisecond
	l.MaxConns = 64
	hs := l.HTTPServer(s, nil)
	go func() { _ = hs.Serve(l.Listener(ln)) }()
	t.Cleanup(func() { _ = hs.Close() })
	return ln.Addr().String()
}

// rawResponse sends raw bytes on a new connection and reads one response.
func rawResponse(t *testing.T, addr, raw string) (*http.Response, string) {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(c, raw); err != nil {
		t.Fatal(err)
	}
	res, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("reading the response: %v", err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res, string(body)
}

const (
	docTaskPath = "/v2/team_123456/project/proj_123456/task/task_abcdef123456"
	authz       = "Authorization: Bearer YOUR_API_KEY\r\n"
)

func request(method, path, headers, body string) string {
	if body != "" || method != "GET" {
		headers += fmt.Sprintf("Content-Length: %d\r\n", len(body))
	}
	return fmt.Sprintf("%s %s HTTP/1.1\r\nHost: mock\r\nConnection: close\r\n%s\r\n%s", method, path, headers, body)
}

// badInput is one entry of the catalogue. jsonBody is false only where
// net/http answers before the mock sees the request (a request line or
// header block it cannot parse): it writes its own text/plain body there,
// and the mock has no hook to change it.
type badInput struct {
	name     string
	raw      string
	want     []int // acceptable statuses
	jsonBody bool
}

func runCatalogue(t *testing.T, addr string, cases []badInput) {
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res, body := rawResponse(t, addr, tc.raw)
			ok := false
			for _, w := range tc.want {
				ok = ok || res.StatusCode == w
			}
			if !ok {
				t.Errorf("got %d, want one of %v: %s", res.StatusCode, tc.want, body)
			}
			if tc.jsonBody && res.StatusCode >= 500 {
				t.Errorf("the mock answered a 5xx: %d %s", res.StatusCode, body)
			}
			if tc.jsonBody && res.StatusCode < 400 {
				if !json.Valid([]byte(body)) {
					t.Errorf("body is not JSON: %q", body)
				}
			} else if tc.jsonBody {
				var e errorBody
				if err := json.Unmarshal([]byte(body), &e); err != nil || e.StatusCode != res.StatusCode || e.Message == "" {
					t.Errorf("body is not the JSON error for %d: %q (%v)", res.StatusCode, body, err)
				}
				if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
					t.Errorf("Content-Type: got %q, want application/json", ct)
				}
			}
			assertServing(t, addr)
		})
	}
}

// assertServing checks the server still answers a good request.
func assertServing(t *testing.T, addr string) {
	t.Helper()
	res, body := rawResponse(t, addr, request("GET", docTaskPath, authz, ""))
	if res.StatusCode != http.StatusOK || !strings.Contains(body, `"task_abcdef123456"`) {
		t.Fatalf("server stopped serving: %d %s", res.StatusCode, body)
	}
}

func TestBadInputCatalogueAPI(t *testing.T) {
	addr := liveServer(t)
	report := docTaskPath + "/report"
	jsonCT := "Content-Type: application/json\r\n"
	big := `{"issues":[{"label":"x","value":"` + strings.Repeat("a", 1<<20) + `"}]}`
	cases := []badInput{
		{"body over 1 MiB", request("POST", report, authz+jsonCT, big), []int{413}, true},
		{"malformed JSON", request("POST", report, authz+jsonCT, `{"issues": [}`), []int{400}, true},
		{"truncated JSON", request("POST", report, authz+jsonCT, `{"issues":[{"label":"a","val`), []int{400}, true},
		{"invalid UTF-8 in JSON", request("POST", report, authz+jsonCT, "{\"issues\":[{\"label\":\"\xff\xfe\",\"value\":\"v\"}]}"), []int{400}, true},
		{"JSON that is not an object", request("POST", report, authz+jsonCT, `[1,2]`), []int{400}, true},
		{"empty body", request("POST", report, authz+jsonCT, ``), []int{400}, true},
		{"wrong content type", request("POST", report, authz+"Content-Type: text/plain\r\n", `{"issues":[{"label":"a","value":"b"}]}`), []int{400, 415}, true},
		{"unknown field", request("POST", report, authz+jsonCT, `{"issues":[{"label":"a","value":"b"}],"severity":"high"}`), []int{400}, true},
		{"unknown field in an issue", request("POST", report, authz+jsonCT, `{"issues":[{"label":"a","value":"b","x":1}]}`), []int{400}, true},
		{"very long task id", request("GET", "/v2/team_123456/project/proj_123456/task/"+strings.Repeat("t", 4000), authz, ""), []int{400}, true},
		{"NUL byte in the task id", request("GET", "/v2/team_123456/project/proj_123456/task/task%00x", authz, ""), []int{400}, true},
		{"encoded traversal in the task id", request("GET", "/v2/team_123456/project/proj_123456/task/..%2F..%2Fetc%2Fpasswd", authz, ""), []int{400, 404}, true},
		{"literal traversal in the path", request("GET", "/v2/team_123456/project/proj_123456/task/../../../../etc/passwd", authz, ""), []int{400, 404}, true},
		{"traversal as the task id", request("POST", "/v2/team_123456/project/proj_123456/task/../approve", authz, ""), []int{400, 404}, true},
		{"empty Authorization header", request("GET", docTaskPath, "Authorization: \r\n", ""), []int{401}, true},
		{"two Authorization headers", request("GET", docTaskPath, authz+authz, ""), []int{401}, true},
		{"Authorization without Bearer", request("GET", docTaskPath, "Authorization: YOUR_API_KEY\r\n", ""), []int{401}, true},
		{"unknown method", request("PATCH", docTaskPath, authz, ""), []int{405}, true},
		{"unknown route", request("GET", "/v2/nothing", authz, ""), []int{404}, true},
		{"HTTP/1.0 request", "GET " + docTaskPath + " HTTP/1.0\r\n" + authz + "\r\n", []int{200}, true},
		// Answered by net/http before any handler runs: its text bodies.
		{"oversized headers", request("GET", docTaskPath, authz+"X-Big: "+strings.Repeat("b", 16<<10)+"\r\n", ""), []int{431}, false},
		{"garbage request line", "GARBAGE\r\n\r\n", []int{400}, false},
		{"binary request line", "\x00\x01\x02 / HTTP/1.1\r\n\r\n", []int{400}, false},
		// 505 is the right answer here, and net/http's own.
		{"unsupported HTTP version", "GET " + docTaskPath + " HTTP/9.9\r\nHost: x\r\n\r\n", []int{400, 505}, false},
	}
	runCatalogue(t, addr, cases)

	// The HTTP/1.0 answer is JSON with the task, not just a 200.
	_, body := rawResponse(t, addr, "GET "+docTaskPath+" HTTP/1.0\r\n"+authz+"\r\n")
	if !strings.Contains(body, `"payload"`) {
		t.Errorf("HTTP/1.0 body: %s", body)
	}
}

func TestBadInputCatalogueControl(t *testing.T) {
	addr := liveServer(t)
	ctl := "/_mock/teams/team_123456/projects/proj_123456/tasks/"
	jsonCT := "Content-Type: application/json\r\n"
	big := `{"id":"t1","name":"` + strings.Repeat("a", 1<<20) + `"}`
	cases := []badInput{
		{"body over 1 MiB", request("PUT", ctl+"t1", jsonCT, big), []int{413}, true},
		{"malformed JSON", request("PUT", ctl+"t1", jsonCT, `{"id": }`), []int{400}, true},
		{"truncated JSON", request("PUT", ctl+"t1", jsonCT, `{"id":"t1","na`), []int{400}, true},
		{"invalid UTF-8 in JSON", request("PUT", ctl+"t1", jsonCT, "{\"id\":\"t1\",\"name\":\"\xc3\x28\"}"), []int{400}, true},
		{"two JSON values", request("PUT", ctl+"t1", jsonCT, `{"id":"t1"}{"id":"t1"}`), []int{400}, true},
		{"wrong content type", request("PUT", ctl+"t1", "Content-Type: text/plain\r\n", `{"id":"t1"}`), []int{400, 415}, true},
		{"unknown field", request("PUT", ctl+"t1", jsonCT, `{"id":"t1","colour":"red"}`), []int{400}, true},
		{"wrong type", request("PUT", ctl+"t1", jsonCT, `{"id":"t1","approved":"yes"}`), []int{400}, true},
		{"unknown status", request("PUT", ctl+"t1", jsonCT, `{"id":"t1","status":"LOST"}`), []int{400}, true},
		{"id differs from the path", request("PUT", ctl+"t1", jsonCT, `{"id":"t2"}`), []int{400}, true},
		{"NUL byte in the task id", request("PUT", ctl+"t%00x", jsonCT, "{\"id\":\"t\\u0000x\"}"), []int{400}, true},
		{"very long task id", request("PUT", ctl+strings.Repeat("t", 4000), jsonCT, `{}`), []int{400}, true},
		{"encoded traversal in the task id", request("PUT", ctl+"..%2F..%2Fx", jsonCT, `{"id":"../../x"}`), []int{400, 404}, true},
		{"bad team id", request("GET", "/_mock/teams/te%20am/projects/p/tasks", "", ""), []int{400}, true},
		{"unknown status filter", request("GET", strings.TrimSuffix(ctl, "/")+"?status=LOST", "", ""), []int{400}, true},
		{"delete an unknown task", request("DELETE", ctl+"nope", "", ""), []int{404}, true},
		{"key with an unknown scope", request("PUT", "/_mock/keys/K1", jsonCT, `{"team_id":"team_1","scopes":["root"]}`), []int{400}, true},
		{"key body over 1 MiB", request("PUT", "/_mock/keys/K1", jsonCT, `{"name":"`+strings.Repeat("k", 1<<20)+`"}`), []int{413}, true},
		{"key body malformed", request("PUT", "/_mock/keys/K1", jsonCT, `{"team_id":`), []int{400}, true},
	}
	runCatalogue(t, addr, cases)
	// Nothing above changed the world.
	res, body := rawResponse(t, addr, request("GET", "/_mock/teams/team_123456/projects/proj_123456/tasks/t1", "", ""))
	if res.StatusCode != http.StatusNotFound {
		t.Errorf("t1 exists after only bad requests: %d %s", res.StatusCode, body)
	}
}

// A client that sends part of its headers and stalls is cut off after the
// read-header timeout, and the server serves others meanwhile and after.
func TestSlowClientIsCutOff(t *testing.T) {
	addr := liveServer(t)
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := io.WriteString(c, "GET "+docTaskPath+" HTTP/1.1\r\nHost: mock\r\n"); err != nil {
		t.Fatal(err)
	}
	assertServing(t, addr)
	// Generous deadline: the assertion is that the server closes the
	// connection, not how fast.
	_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
	data, err := io.ReadAll(c)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		t.Fatalf("the server kept a stalled client's connection open")
	}
	if len(data) > 0 && !strings.HasPrefix(string(data), "HTTP/1.1 408") {
		t.Errorf("stalled client got %q, want the connection closed (or a 408)", data)
	}
	assertServing(t, addr)
}
