package mockserver

import (
	"bytes"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
)

// Journal bounds: entries kept, and bytes kept of each body.
const (
	DefaultJournalSize = 1000
	journalBodyBytes   = 16 << 10
)

// ctxDropped marks a request whose connection a fault closed unanswered.
const ctxDropped = "sendai.dropped"

// JournalEntry is one API request the mock received, and its answer.
type JournalEntry struct {
	Time              time.Time `json:"time"`
	Method            string    `json:"method"`
	Path              string    `json:"path"`
	Query             string    `json:"query,omitempty"`
	Operation         string    `json:"operation,omitempty"`
	TaskID            string    `json:"task_id,omitempty"`
	Status            int       `json:"status"` // 0: dropped by a fault
	Dropped           bool      `json:"dropped,omitempty"`
	DurationMS        float64   `json:"duration_ms"`
	Session           string    `json:"session"`
	RequestBody       string    `json:"request_body"`
	RequestBytes      int64     `json:"request_bytes"`
	RequestTruncated  bool      `json:"request_truncated,omitempty"`
	ResponseBody      string    `json:"response_body"`
	ResponseBytes     int64     `json:"response_bytes"`
	ResponseTruncated bool      `json:"response_truncated,omitempty"`
}

// journal keeps the latest API requests, oldest first.
type journal struct {
	max int

	mu      sync.Mutex
	entries []JournalEntry
}

func newJournal(max int) *journal {
	if max <= 0 {
		max = DefaultJournalSize
	}
	return &journal{max: max}
}

func (j *journal) add(e JournalEntry) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if len(j.entries) >= j.max {
		j.entries = slices.Delete(j.entries, 0, len(j.entries)-j.max+1)
	}
	j.entries = append(j.entries, e)
}

// JournalMatcher selects journal entries; empty fields match everything.
type JournalMatcher struct {
	Operation string `json:"operation"`
	Status    int    `json:"status"`
	Method    string `json:"method"`
	Path      string `json:"path"`
	TaskID    string `json:"task_id"`
}

func (m JournalMatcher) match(e JournalEntry) bool {
	return (m.Operation == "" || m.Operation == e.Operation) &&
		(m.Status == 0 || m.Status == e.Status) &&
		(m.Method == "" || strings.EqualFold(m.Method, e.Method)) &&
		(m.Path == "" || m.Path == e.Path) &&
		(m.TaskID == "" || m.TaskID == e.TaskID)
}

// find returns session's entries that m matches, oldest first.
func (j *journal) find(session string, m JournalMatcher) []JournalEntry {
	j.mu.Lock()
	defer j.mu.Unlock()
	out := []JournalEntry{}
	for _, e := range j.entries {
		if e.Session == session && m.match(e) {
			out = append(out, e)
		}
	}
	return out
}

func (j *journal) dropSession(session string) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.entries = slices.DeleteFunc(j.entries, func(e JournalEntry) bool { return e.Session == session })
}

// record journals every request outside /_mock, with the first bytes of
// both bodies. It reads the request body as the handler does, so large
// uploads stream through untouched.
func (s *Server) record(c *gin.Context) {
	if strings.HasPrefix(c.Request.URL.Path, "/_mock/") || c.Request.URL.Path == "/_mock" {
		c.Next()
		return
	}
	start := time.Now()
	var reqCap *capture
	if c.Request.Body != nil && c.Request.Body != http.NoBody {
		reqCap = &capture{}
		c.Request.Body = &teeBody{ReadCloser: c.Request.Body, cap: reqCap}
	}
	resCap := &captureWriter{ResponseWriter: c.Writer}
	c.Writer = resCap
	c.Next()

	e := JournalEntry{
		Time: start.UTC(), Method: c.Request.Method, Path: c.Request.URL.Path, Query: c.Request.URL.RawQuery,
		TaskID: c.Param("task_id"), Status: resCap.Status(), DurationMS: float64(time.Since(start).Microseconds()) / 1000,
		Session: sessionName(c), ResponseBody: resCap.cap.buf.String(), ResponseBytes: resCap.cap.n, ResponseTruncated: resCap.cap.truncated(),
	}
	if op, ok := c.Get(ctxOperation); ok {
		e.Operation = op.(*operation).id
	}
	if reqCap != nil {
		e.RequestBody, e.RequestBytes, e.RequestTruncated = reqCap.buf.String(), reqCap.n, reqCap.truncated()
	}
	if c.GetBool(ctxDropped) {
		e.Status, e.Dropped = 0, true
	}
	s.journal.add(e)
}

// capture keeps the first journalBodyBytes of a stream and counts the rest.
type capture struct {
	buf bytes.Buffer
	n   int64
}

func (c *capture) write(p []byte) {
	c.n += int64(len(p))
	if room := journalBodyBytes - c.buf.Len(); room > 0 {
		c.buf.Write(p[:min(room, len(p))])
	}
}

func (c *capture) truncated() bool { return c.n > int64(c.buf.Len()) }

type teeBody struct {
	io.ReadCloser
	cap *capture
}

func (t *teeBody) Read(p []byte) (int, error) {
	n, err := t.ReadCloser.Read(p)
	t.cap.write(p[:n])
	return n, err
}

type captureWriter struct {
	gin.ResponseWriter
	cap capture
}

func (w *captureWriter) Write(p []byte) (int, error) {
	w.cap.write(p)
	return w.ResponseWriter.Write(p)
}

func (w *captureWriter) WriteString(s string) (int, error) { return w.Write([]byte(s)) }

// Unwrap lets http.ResponseController reach the connection (deadlines).
func (w *captureWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (s *Server) listRequests(c *gin.Context) {
	var m JournalMatcher
	m.Operation, m.Method, m.Path, m.TaskID = c.Query("operation"), c.Query("method"), c.Query("path"), c.Query("task_id")
	if st := c.Query("status"); st != "" {
		n, ok := parseStatus(st)
		if !ok {
			writeError(c, http.StatusBadRequest, "Invalid request: query.status: must be an HTTP status code",
				[]FieldError{{Field: "query.status", Reason: "must be an HTTP status code"}})
			return
		}
		m.Status = n
	}
	writeJSON(c, http.StatusOK, s.journal.find(sessionName(c), m))
}

func (s *Server) countRequests(c *gin.Context) {
	var m JournalMatcher
	if !decodeStrict(c, &m) {
		return
	}
	writeJSON(c, http.StatusOK, gin.H{"count": len(s.journal.find(sessionName(c), m))})
}

func (s *Server) clearRequests(c *gin.Context) {
	s.journal.dropSession(sessionName(c))
	c.Status(http.StatusNoContent)
}

func parseStatus(s string) (int, bool) {
	n := 0
	for _, r := range s {
		if r < '0' || r > '9' || n > 999 {
			return 0, false
		}
		n = n*10 + int(r-'0')
	}
	return n, n >= 100 && n <= 599
}
