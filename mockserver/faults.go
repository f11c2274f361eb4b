package mockserver

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gin-gonic/gin"
)

// maxFaultDelay bounds a rule's delay, so a typo cannot hang a client.
const maxFaultDelay = 5 * time.Minute

// FaultRule makes matching API requests slow, fail or vanish.
type FaultRule struct {
	// Operation is the operationId the rule applies to; "" or "*" for all.
	Operation string `json:"operation"`
	TaskID    string `json:"task_id,omitempty"`
	// Session restricts the rule to one sandbox. Rules put with an
	// X-Mock-Session header always belong to that sandbox.
	Session string `json:"session,omitempty"`
	// DelayMS waits before answering; with DelayMaxMS the wait is random
	// between the two.
	DelayMS    int `json:"delay_ms,omitempty"`
	DelayMaxMS int `json:"delay_max_ms,omitempty"`
	// Status answers this status with the spec's example for it.
	Status int `json:"status,omitempty"`
	// Drop closes the connection without an answer.
	Drop bool `json:"drop,omitempty"`
	// Probability, from 0 to 1, that a matching request is affected;
	// nil means always.
	Probability *float64 `json:"probability,omitempty"`
	// Times is how many requests the rule affects before it retires; 0
	// means no limit.
	Times int `json:"times,omitempty"`
	// Used counts the requests the rule has affected so far.
	Used int `json:"used"`
}

// faults holds the rules, by the sandbox they were put in ("" for none).
type faults struct {
	// count is how many rules exist, so that requests skip the lock while
	// there are none (the usual case).
	count atomic.Int64

	mu    sync.Mutex
	rules map[string][]*FaultRule
}

func newFaults() *faults { return &faults{rules: map[string][]*FaultRule{}} }

// check validates a rule against the served operations.
func (s *Server) checkFaultRule(i int, r *FaultRule) []FieldError {
	at := func(f string) string { return fmt.Sprintf("body[%d].%s", i, f) }
	var out []FieldError
	var op *operation
	if r.Operation != "" && r.Operation != "*" {
		if op = s.operationByID(r.Operation); op == nil {
			out = append(out, FieldError{Field: at("operation"), Reason: fmt.Sprintf("no operation %q in openapi.yaml", r.Operation)})
		}
	}
	if r.DelayMS < 0 || r.DelayMaxMS < 0 || time.Duration(max(r.DelayMS, r.DelayMaxMS))*time.Millisecond > maxFaultDelay {
		out = append(out, FieldError{Field: at("delay_ms"), Reason: fmt.Sprintf("delays run from 0 to %d ms", maxFaultDelay.Milliseconds())})
	}
	if r.DelayMaxMS != 0 && r.DelayMaxMS < r.DelayMS {
		out = append(out, FieldError{Field: at("delay_max_ms"), Reason: "must not be less than delay_ms"})
	}
	if r.Status != 0 && (r.Status < 100 || r.Status > 599) {
		out = append(out, FieldError{Field: at("status"), Reason: "must be an HTTP status code"})
	}
	if r.Status != 0 && r.Drop {
		out = append(out, FieldError{Field: at("drop"), Reason: "a rule either answers a status or drops the connection, not both"})
	}
	if r.Status == 0 && !r.Drop && r.DelayMS == 0 && r.DelayMaxMS == 0 {
		out = append(out, FieldError{Field: at("status"), Reason: "a rule needs delay_ms, delay_max_ms, status or drop"})
	}
	if r.Probability != nil && (*r.Probability < 0 || *r.Probability > 1) {
		out = append(out, FieldError{Field: at("probability"), Reason: "must be from 0 to 1"})
	}
	if r.Times < 0 {
		out = append(out, FieldError{Field: at("times"), Reason: "must not be negative"})
	}
	return out
}

func (s *Server) operationByID(id string) *operation {
	for _, op := range s.ops {
		if op.id == id {
			return op
		}
	}
	return nil
}

// take returns the first rule that applies to a request, counting it
// against the rule's times. Rules of the request's sandbox come first.
func (f *faults) take(session, opID, taskID string) *FaultRule {
	if f.count.Load() == 0 {
		return nil
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	scopes := []string{""}
	if session != "" {
		scopes = []string{session, ""}
	}
	for _, scope := range scopes {
		for _, r := range f.rules[scope] {
			if r.Operation != "" && r.Operation != "*" && r.Operation != opID {
				continue
			}
			if (r.TaskID != "" && r.TaskID != taskID) || (r.Session != "" && r.Session != session) {
				continue
			}
			if r.Times > 0 && r.Used >= r.Times {
				continue
			}
			if r.Probability != nil && rand.Float64() >= *r.Probability {
				continue
			}
			r.Used++
			cp := *r
			return &cp
		}
	}
	return nil
}

func (f *faults) list(scope string) []FaultRule {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := []FaultRule{}
	for _, r := range f.rules[scope] {
		out = append(out, *r)
	}
	return out
}

func (f *faults) put(scope string, rules []*FaultRule) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.count.Add(int64(len(rules) - len(f.rules[scope])))
	f.rules[scope] = rules
}

func (f *faults) dropSession(scope string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.count.Add(-int64(len(f.rules[scope])))
	delete(f.rules, scope)
}

func (s *Server) putFaults(c *gin.Context) {
	var rules []*FaultRule
	if !decodeStrict(c, &rules) {
		return
	}
	session := sessionName(c)
	var fields []FieldError
	for i, r := range rules {
		if r == nil {
			fields = append(fields, FieldError{Field: fmt.Sprintf("body[%d]", i), Reason: "must be a rule object"})
			continue
		}
		if session != "" {
			r.Session = session
		}
		r.Used = 0
		fields = append(fields, s.checkFaultRule(i, r)...)
	}
	if len(fields) > 0 {
		writeError(c, http.StatusBadRequest, invalidMessage(fields), fields)
		return
	}
	if rules == nil {
		rules = []*FaultRule{}
	}
	s.faults.put(session, rules)
	writeJSON(c, http.StatusOK, s.faults.list(session))
}

func (s *Server) listFaults(c *gin.Context) {
	writeJSON(c, http.StatusOK, s.faults.list(sessionName(c)))
}

func (s *Server) clearFaults(c *gin.Context) {
	s.faults.dropSession(sessionName(c))
	c.Status(http.StatusNoContent)
}

// steer runs before an operation's auth and validation: it applies a
// matching fault rule, then a Prefer header. (The journal and the access
// log name the operation from the route, in s.opIDs.)
func (s *Server) steer(op *operation) gin.HandlerFunc {
	return func(c *gin.Context) {
		if r := s.faults.take(sessionName(c), op.id, c.Param("task_id")); r != nil {
			if !s.applyFault(c, op, r) {
				return
			}
		}
		s.prefer(c, op)
	}
}

// applyFault waits, then answers or drops as r says. It reports whether
// the request should carry on to its handler.
func (s *Server) applyFault(c *gin.Context, op *operation, r *FaultRule) bool {
	if d := faultDelay(r); d > 0 {
		// A long delay must not run into the server's write timeout.
		_ = http.NewResponseController(c.Writer).SetWriteDeadline(time.Now().Add(d + time.Minute))
		if !sleepCtx(c.Request.Context(), s.closed, d) {
			c.Abort()
			return false
		}
	}
	switch {
	case r.Drop:
		c.Set(ctxDropped, true)
		c.Abort()
		conn, _, err := c.Writer.Hijack()
		if err != nil {
			// HTTP/2 and some writers cannot hijack; abort the stream instead.
			panic(http.ErrAbortHandler)
		}
		_ = conn.Close()
		return false
	case r.Status != 0:
		s.answerExample(c, op, r.Status, "")
		return false
	}
	return true
}

func faultDelay(r *FaultRule) time.Duration {
	ms := r.DelayMS
	if r.DelayMaxMS > r.DelayMS {
		ms += rand.IntN(r.DelayMaxMS - r.DelayMS + 1)
	}
	return time.Duration(ms) * time.Millisecond
}

// sleepCtx waits d on the wall clock; false if the client left or the
// server closed first.
func sleepCtx(ctx context.Context, closed <-chan struct{}, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	case <-closed:
		return false
	}
}
