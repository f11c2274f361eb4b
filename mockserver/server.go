// Package mockserver serves the send.ai v2 Task API from openapi.yaml with
// real state: every route comes from the spec, every request is validated
// against it, and the rules live in package world.
package mockserver

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/gin-gonic/gin"

	sendaimock "sendaimock"
	"sendaimock/world"
)

// Config is what New needs. Spec and Fixtures are required.
type Config struct {
	Spec            *openapi3.T
	Fixtures        *world.Fixtures
	Clock           world.Clock   // nil: the wall clock
	ProcessingDelay time.Duration // zero: world.DefaultProcessingDelay
	CORS            bool          // answer browsers' preflights and allow any origin
	// Strict checks every response against the spec; a violation is logged
	// and answered 500 naming it.
	Strict bool
	// OnViolation, if set, is told of every response that breaks the spec
	// (tests use it to fail); the response is sent unchanged unless Strict.
	OnViolation func(Violation)
	Logger      *slog.Logger // nil: slog.Default()

	// Webhooks receive every event of every sandbox (the -webhook flag).
	Webhooks        []string
	WebhookAttempts int           // zero: DefaultWebhookAttempts
	WebhookBackoff  time.Duration // zero: DefaultWebhookBackoff
	MaxSessions     int           // zero: DefaultMaxSessions
	JournalSize     int           // zero: DefaultJournalSize
	// StatePath, if set, keeps the world in that file across restarts
	// (world.Open); Close closes it.
	StatePath string
}

// Server is the mock: an http.Handler over one world.
type Server struct {
	cfg     Config
	log     *slog.Logger
	engine  *gin.Engine
	world   *world.World
	reqOpts openapi3filter.Options
	resOpts openapi3filter.Options
	ops     []*operation

	// Steering: see steering.go.
	streamOpts openapi3filter.Options
	clock      world.Clock
	sessions   *sessions
	bus        *bus
	hooks      *webhooks
	journal    *journal
	faults     *faults
	closed     chan struct{}
	close      func()
	closeOnce  sync.Once

	// Speed and durability: see fastpath.go, taskcache.go, world/persist.go.
	opIDs map[routeKey]string // for the access log, without a per-request c.Set
	state *world.FileJournal  // nil unless Config.StatePath
}

type routeKey struct{ method, path string }

// Gin context keys.
const (
	ctxInput = "sendai.input"
)

func init() { gin.SetMode(gin.ReleaseMode) }

// DefaultConfig is the mock as shipped: the embedded openapi.yaml and
// default fixtures. Every other field is left for the caller to set.
func DefaultConfig(ctx context.Context) (Config, error) {
	spec, err := sendaimock.LoadSpec(ctx)
	if err != nil {
		return Config{}, err
	}
	fx, err := sendaimock.DefaultFixtures()
	if err != nil {
		return Config{}, err
	}
	return Config{Spec: spec, Fixtures: fx}, nil
}

// New checks that the spec and the mock agree, validates the fixtures
// against the spec, and builds the routes once.
func New(cfg Config) (*Server, error) {
	if cfg.Spec == nil || cfg.Fixtures == nil {
		return nil, errors.New("mockserver: Spec and Fixtures are required")
	}
	ops, err := operations(cfg.Spec)
	if err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, log: cfg.Logger, ops: ops}
	if s.log == nil {
		s.log = slog.Default()
	}
	s.reqOpts = openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, MultiError: true}
	s.resOpts = openapi3filter.Options{IncludeResponseStatus: true, MultiError: true}
	if err := s.checkFixtures(); err != nil {
		return nil, err
	}
	if err := s.initSteering(); err != nil {
		return nil, err
	}
	if cfg.StatePath == "" {
		s.world = s.newWorld("")
	} else {
		// Only the default world is durable; sandboxes live in memory.
		s.world, s.state, err = world.Open(cfg.StatePath, cfg.Fixtures, s.worldOptions(""), func(msg string) { s.log.Warn(msg) })
		if err != nil {
			return nil, err
		}
	}

	e := gin.New()
	e.RedirectTrailingSlash = false
	e.RedirectFixedPath = false
	e.HandleMethodNotAllowed = true
	e.ContextWithFallback = true
	e.Use(s.recovery, s.accessLog, s.useSession, s.record)
	e.NoRoute(notFound)
	e.NoMethod(methodNotAllowed)
	s.opIDs = make(map[routeKey]string, len(ops))
	for _, op := range ops {
		e.Handle(op.method, ginPath(op.path), s.selfCheck(op), s.steer(op), s.serve(op))
		s.opIDs[routeKey{op.method, ginPath(op.path)}] = op.id
	}
	s.control(e.Group("/_mock"))
	s.steeringControl(e.Group("/_mock"))
	s.engine = e
	return s, nil
}

// World returns the default world (tests inspect it).
func (s *Server) World() *world.World { return s.world }

// worldFor returns the world a request acts on: its sandbox's, or the
// default one.
func (s *Server) worldFor(c *gin.Context) *world.World {
	if v, ok := c.Get(ctxSession); ok {
		return v.(*session).world
	}
	return s.world
}

// ServeHTTP answers CORS preflights itself, then hands over to Gin.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if s.cfg.CORS && cors(w, r) {
		return
	}
	s.engine.ServeHTTP(w, r)
}

// checkFixtures validates every fixture task against the spec's Task schema,
// so a bad fixtures folder fails at start, not at the first request.
func (s *Server) checkFixtures() error {
	for _, p := range s.cfg.Fixtures.Projects {
		for _, t := range p.Tasks {
			if t.ProjectID == "" {
				t.ProjectID = p.ProjectID
			}
			t.Normalize()
			if fields := s.checkTask(t); len(fields) > 0 {
				return fmt.Errorf("fixtures: task %s/%s/%s: %s", p.TeamID, p.ProjectID, t.ID, invalidMessage(fields))
			}
		}
	}
	return nil
}

// recovery turns a panic into a logged 500 that leaks nothing.
func (s *Server) recovery(c *gin.Context) {
	defer func() {
		if v := recover(); v != nil {
			if err, ok := v.(error); ok && errors.Is(err, http.ErrAbortHandler) {
				panic(v)
			}
			s.log.Error("panic serving request", "method", c.Request.Method, "path", c.Request.URL.Path, "panic", fmt.Sprint(v))
			if !c.Writer.Written() {
				writeError(c, http.StatusInternalServerError, "Internal server error", nil)
			}
		}
	}()
	c.Next()
}

// accessLog logs one line per request; at debug level with both bodies.
func (s *Server) accessLog(c *gin.Context) {
	start := time.Now()
	// An event stream never ends: its body is not kept for the log line.
	debug := s.log.Enabled(c.Request.Context(), slog.LevelDebug) && c.Request.URL.Path != streamPath
	var reqBody []byte
	var rec *recorder
	if debug {
		if c.Request.Body != nil {
			reqBody, _ = io.ReadAll(io.LimitReader(c.Request.Body, maxBodyBytes+1))
			// The rest of a large body (an upload) still reaches the handler.
			c.Request.Body = readCloser{io.MultiReader(bytesReader(reqBody), c.Request.Body), c.Request.Body}
		}
		rec = newRecorder(c.Writer, false)
		c.Writer = rec
	}
	c.Next()
	// LogAttrs with a fixed array keeps the line to a handful of allocations.
	attrs := [7]slog.Attr{
		slog.String("method", c.Request.Method), slog.String("path", c.Request.URL.Path),
		slog.Int("status", c.Writer.Status()), slog.Float64("duration_ms", float64(time.Since(start).Microseconds())/1000),
	}
	n := 4
	if id, ok := s.opIDs[routeKey{c.Request.Method, c.FullPath()}]; ok {
		attrs[n] = slog.String("operation", id)
		n++
	}
	if debug {
		attrs[n], attrs[n+1] = slog.String("request_body", string(reqBody)), slog.String("response_body", rec.body.String())
		n += 2
	}
	s.log.LogAttrs(c.Request.Context(), slog.LevelInfo, "request", attrs[:n]...)
}
