package mockserver

import (
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"sync"

	"github.com/gin-gonic/gin"

	"sendaimock/world"
)

// SessionHeader names the sandbox a request acts in.
const SessionHeader = "X-Mock-Session"

// DefaultMaxSessions bounds how many sandboxes live at once.
const DefaultMaxSessions = 1000

const ctxSession = "sendai.session"

var sessionNamePattern = regexp.MustCompile(`^[A-Za-z0-9._:-]{1,128}$`)

// session is one sandbox: its own world, made from the fixtures on first
// use, and, on a manual clock, its own clock, so that advancing time in
// one sandbox never moves another.
type session struct {
	name  string
	world *world.World
}

// sessions holds the sandboxes by name.
type sessions struct {
	max  int
	make func(name string) *world.World

	mu sync.Mutex
	m  map[string]*session
}

func newSessions(max int, make func(string) *world.World) *sessions {
	if max <= 0 {
		max = DefaultMaxSessions
	}
	return &sessions{max: max, make: make, m: map[string]*session{}}
}

// errTooManySessions is answered 503: the caller can drop sessions.
type errTooManySessions struct{ max int }

func (e errTooManySessions) Error() string {
	return fmt.Sprintf("Too many sandboxes (%d); drop one with DELETE /_mock/sessions/{name}", e.max)
}

// get returns the named sandbox, making it on first use.
func (ss *sessions) get(name string) (*session, error) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if se, ok := ss.m[name]; ok {
		return se, nil
	}
	if len(ss.m) >= ss.max {
		return nil, errTooManySessions{ss.max}
	}
	se := &session{name: name, world: ss.make(name)}
	ss.m[name] = se
	return se, nil
}

// drop forgets a sandbox and reports whether it existed.
func (ss *sessions) drop(name string) bool {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	se, ok := ss.m[name]
	if ok {
		// Pending transitions of the dropped world must not fire later.
		se.world.Reset()
		delete(ss.m, name)
	}
	return ok
}

func (ss *sessions) names() []string {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	out := make([]string, 0, len(ss.m))
	for n := range ss.m {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// useSession picks the request's sandbox from X-Mock-Session: no header is
// the default world; a bad name is 400; a full registry is 503. Calls to
// /_mock/sessions manage sandboxes and never make one.
func (s *Server) useSession(c *gin.Context) {
	name := c.GetHeader(SessionHeader)
	if name == "" || isSessionsPath(c.Request.URL.Path) {
		c.Next()
		return
	}
	if !sessionNamePattern.MatchString(name) {
		writeError(c, http.StatusBadRequest, fmt.Sprintf("Invalid request: header.%s: must match %s", SessionHeader, sessionNamePattern),
			[]FieldError{{Field: "header." + SessionHeader, Reason: "must match " + sessionNamePattern.String()}})
		return
	}
	se, err := s.sessions.get(name)
	if err != nil {
		writeError(c, http.StatusServiceUnavailable, err.Error(), nil)
		return
	}
	c.Set(ctxSession, se)
	c.Next()
}

func isSessionsPath(p string) bool {
	const prefix = "/_mock/sessions"
	return len(p) >= len(prefix) && p[:len(prefix)] == prefix
}

// sessionName returns the request's sandbox name, "" for the default world.
func sessionName(c *gin.Context) string {
	if v, ok := c.Get(ctxSession); ok {
		return v.(*session).name
	}
	return ""
}

func (s *Server) listSessions(c *gin.Context) {
	writeJSON(c, http.StatusOK, gin.H{"sessions": s.sessions.names(), "max": s.sessions.max})
}

func (s *Server) deleteSession(c *gin.Context) {
	name := c.Param("name")
	if !s.sessions.drop(name) {
		writeError(c, http.StatusNotFound, fmt.Sprintf("No session named %q", name), nil)
		return
	}
	s.hooks.dropSession(name)
	s.faults.dropSession(name)
	s.journal.dropSession(name)
	c.Status(http.StatusNoContent)
}
