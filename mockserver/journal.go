package mockserver

import (
	"io"
	"net/http"
	"strings"
	"sync"
	"time"
	"unsafe"

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

// journal keeps the latest API requests, oldest first, in a ring whose
// slots keep their body buffers: once the ring is full and its buffers have
// grown, recording a request allocates nothing. Bodies become strings only
// when someone reads the journal.
type journal struct {
	max int

	mu    sync.Mutex
	slots []journalSlot // in order from next when full, else from 0
	next  int           // the slot the next entry overwrites, once full
}

// journalSlot is an entry without its bodies, and the bodies' bytes.
type journalSlot struct {
	e                    JournalEntry // RequestBody and ResponseBody unset
	reqBody, resBody     []byte
	reqShared, resShared bool // the bytes are an immutable answer's, not the slot's
}

func newJournal(max int) *journal {
	if max <= 0 {
		max = DefaultJournalSize
	}
	return &journal{max: max}
}

// add stores e with the bodies rec captured. The slot's old buffers go
// back to rec, which its caller returns to the pool.
func (j *journal) add(e JournalEntry, rec *recording) {
	j.mu.Lock()
	var sl *journalSlot
	if len(j.slots) < j.max {
		j.slots = append(j.slots, journalSlot{})
		sl = &j.slots[len(j.slots)-1]
	} else {
		sl = &j.slots[j.next]
		j.next = (j.next + 1) % len(j.slots)
	}
	sl.e = e
	swapBody(&sl.reqBody, &sl.reqShared, &rec.req)
	swapBody(&sl.resBody, &sl.resShared, &rec.w.cap)
	j.mu.Unlock()
}

// swapBody moves c's bytes into a slot, and the slot's old buffer to c for
// reuse, unless the slot only referred to someone else's bytes.
func swapBody(body *[]byte, shared *bool, c *capture) {
	old, oldShared := *body, *shared
	*body, *shared = c.buf, c.shared
	c.buf, c.shared = nil, false
	if !oldShared {
		c.buf = old[:0]
	}
}

// each calls f on every slot, oldest first; j.mu must be held.
func (j *journal) each(f func(sl *journalSlot)) {
	for i := range j.slots {
		f(&j.slots[(j.next+i)%len(j.slots)])
	}
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
	j.each(func(sl *journalSlot) {
		if sl.e.Session == session && m.match(sl.e) {
			e := sl.e
			e.RequestBody, e.ResponseBody = string(sl.reqBody), string(sl.resBody)
			out = append(out, e)
		}
	})
	return out
}

func (j *journal) dropSession(session string) {
	j.mu.Lock()
	defer j.mu.Unlock()
	kept := make([]journalSlot, 0, len(j.slots))
	j.each(func(sl *journalSlot) {
		if sl.e.Session != session {
			kept = append(kept, *sl)
		}
	})
	j.slots, j.next = kept, 0
}

// record journals every request outside /_mock, with the first bytes of
// both bodies. It reads the request body as the handler does, so large
// uploads stream through untouched. Its buffers come from a pool and
// trade places with the journal slot's, so a request costs no allocation
// once the journal is warm.
func (s *Server) record(c *gin.Context) {
	if strings.HasPrefix(c.Request.URL.Path, "/_mock/") || c.Request.URL.Path == "/_mock" {
		c.Next()
		return
	}
	start := time.Now()
	rec := recordings.Get().(*recording)
	body := c.Request.Body
	hasBody := body != nil && body != http.NoBody
	if hasBody {
		rec.tee = teeBody{ReadCloser: body, cap: &rec.req}
		c.Request.Body = &rec.tee
	}
	w := c.Writer
	rec.w.ResponseWriter = w
	c.Writer = &rec.w
	c.Next()
	// Nothing may reach rec once it is back in the pool.
	c.Writer, c.Request.Body = w, body

	e := JournalEntry{
		Time: start.UTC(), Method: c.Request.Method, Path: c.Request.URL.Path, Query: c.Request.URL.RawQuery,
		Operation: s.opIDs[routeKey{c.Request.Method, c.FullPath()}],
		TaskID:    c.Param("task_id"), Status: w.Status(), DurationMS: float64(time.Since(start).Microseconds()) / 1000,
		Session: sessionName(c), ResponseBytes: rec.w.cap.n, ResponseTruncated: rec.w.cap.truncated(),
	}
	if hasBody {
		e.RequestBytes, e.RequestTruncated = rec.req.n, rec.req.truncated()
	}
	if c.GetBool(ctxDropped) {
		e.Status, e.Dropped = 0, true
	}
	s.journal.add(e, rec)
	rec.reset()
	recordings.Put(rec)
}

// recording is what record needs for one request; pooled.
type recording struct {
	w   captureWriter
	tee teeBody
	req capture
}

var recordings = sync.Pool{New: func() any { return new(recording) }}

func (r *recording) reset() {
	r.w.ResponseWriter, r.tee = nil, teeBody{}
	r.w.cap.reset()
	r.req.reset()
}

// capture keeps the first journalBodyBytes of a stream and counts the rest.
type capture struct {
	buf []byte
	n   int64
	// shared: buf is an immutable answer's bytes (a cached task), kept by
	// reference instead of copied; it is never written to.
	shared bool
}

func (c *capture) reset() {
	if c.shared {
		c.buf, c.shared = nil, false
	}
	c.buf, c.n = c.buf[:0], 0
}

// share captures p, which its owner never changes, without copying it.
func (c *capture) share(p []byte) {
	if c.n != 0 {
		c.write(p)
		return
	}
	if !c.shared && cap(c.buf) > 0 {
		// The pooled buffer is dropped for a reference: keep it for later.
		c.write(p)
		return
	}
	k := min(len(p), journalBodyBytes)
	c.buf, c.shared, c.n = p[:k:k], true, int64(len(p))
}

func (c *capture) write(p []byte) {
	c.n += int64(len(p))
	room := journalBodyBytes - len(c.buf)
	if room <= 0 || len(p) == 0 {
		return
	}
	p = p[:min(room, len(p))]
	if need := len(c.buf) + len(p); need > cap(c.buf) || c.shared {
		c.shared = false
		// Grow by doubling, never past the cap, so a slot holds at most
		// journalBodyBytes of each body.
		nb := make([]byte, len(c.buf), min(max(need, 2*cap(c.buf), 512), journalBodyBytes))
		copy(nb, c.buf)
		c.buf = nb
	}
	c.buf = append(c.buf, p...)
}

func (c *capture) truncated() bool { return c.n > int64(len(c.buf)) }

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

// WriteShared writes p, which its owner never changes (a cached answer):
// the journal keeps a reference instead of a copy.
func (w *captureWriter) WriteShared(p []byte) (int, error) {
	w.cap.share(p)
	return w.ResponseWriter.Write(p)
}

func (w *captureWriter) WriteString(s string) (int, error) {
	w.cap.write(unsafe.Slice(unsafe.StringData(s), len(s)))
	return w.ResponseWriter.WriteString(s)
}

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
