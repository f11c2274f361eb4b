package mockserver

import (
	"context"
	_ "embed"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"sendaimock/world"
)

// The steering side of the mock: sandboxes, the clock, events and
// webhooks, the request journal, faults. Each lives in its own file; this
// one wires them up.

// ControlSpecYAML is the OpenAPI description of the /_mock control API.
//
//go:embed control.yaml
var ControlSpecYAML []byte

func (s *Server) initSteering() error {
	if err := s.checkUploadFixtures(); err != nil {
		return err
	}
	s.streamOpts = s.reqOpts
	s.streamOpts.ExcludeRequestBody = true
	s.clock = s.cfg.Clock
	if s.clock == nil {
		s.clock = world.RealClock{}
	}
	ctx, cancel := context.WithCancel(context.Background())
	s.closed = make(chan struct{})
	s.close = func() {
		cancel()
		close(s.closed)
	}
	s.hooks = newWebhooks(ctx, s.cfg.WebhookAttempts, s.cfg.WebhookBackoff)
	for _, u := range s.cfg.Webhooks {
		if _, err := s.hooks.add(u, allSessions); err != nil {
			cancel()
			return err
		}
	}
	s.bus = newBus(s.hooks)
	s.journal = newJournal(s.cfg.JournalSize)
	s.faults = newFaults()
	s.sessions = newSessions(s.cfg.MaxSessions, s.newWorld)
	return nil
}

// newWorld makes the world of a sandbox ("" for the default world) from
// the fixtures, publishing its events on the bus.
func (s *Server) newWorld(name string) *world.World {
	return world.New(s.cfg.Fixtures, s.worldOptions(name))
}

// worldOptions are the options of the default world ("") or a sandbox's.
func (s *Server) worldOptions(name string) world.Options {
	clk := s.clock
	if name != "" {
		clk = s.newWorldClock()
	}
	return world.Options{
		Clock: clk, ProcessingDelay: s.cfg.ProcessingDelay,
		OnEvent: func(e world.Event) { s.bus.publish(name, e) },
	}
}

// EndStreams ends event streams and webhook deliveries and waits for the
// deliveries to stop. Call it before shutting the HTTP server down, so
// that open streams do not hold the shutdown up. It is safe to call twice.
func (s *Server) EndStreams() {
	s.closeOnce.Do(s.close)
	s.hooks.wait()
}

// Close ends streams and deliveries (EndStreams) and releases the state
// file, if any: call it once the HTTP server has stopped, since changes
// after Close fail with 500. It is safe to call twice.
func (s *Server) Close() error {
	s.EndStreams()
	if s.state == nil {
		return nil
	}
	return s.state.Close()
}

// steeringControl mounts the control endpoints of the steering features.
func (s *Server) steeringControl(g *gin.RouterGroup) {
	g.GET("/openapi.yaml", func(c *gin.Context) {
		c.Data(http.StatusOK, "application/yaml; charset=utf-8", ControlSpecYAML)
	})
	g.GET("/clock", s.getClock)
	g.POST("/clock/advance", s.advanceClock)
	g.GET("/sessions", s.listSessions)
	g.DELETE("/sessions/:name", s.deleteSession)
	g.GET("/events", s.listEvents)
	g.GET(strings.TrimPrefix(streamPath, "/_mock"), s.streamEvents)
	g.GET("/webhooks", s.listWebhooks)
	g.POST("/webhooks", s.addWebhook)
	g.DELETE("/webhooks", s.deleteWebhooks)
	g.DELETE("/webhooks/:id", s.deleteWebhook)
	g.GET("/webhooks/deliveries", s.listDeliveries)
	g.GET("/requests", s.listRequests)
	g.POST("/requests/count", s.countRequests)
	g.DELETE("/requests", s.clearRequests)
	g.GET("/faults", s.listFaults)
	g.PUT("/faults", s.putFaults)
	g.DELETE("/faults", s.clearFaults)
	projects := g.Group("/teams/:team_id/projects/:project_id")
	projects.GET("", s.getProject)
	projects.PUT("", s.putProject)
	projects.GET("/uploads", s.listUploads)
	projects.GET("/uploads/:upload_id", s.inspectUpload)
}

// projectRequest is the body of PUT /_mock/teams/{team}/projects/{project}.
type projectRequest struct {
	Automation world.Automation `json:"automation"`
}

func (s *Server) getProject(c *gin.Context) {
	p, err := s.worldFor(c).GetProject(c.Param("team_id"), c.Param("project_id"))
	s.answer(c, p, err)
}

func (s *Server) putProject(c *gin.Context) {
	var body projectRequest
	if !decodeStrict(c, &body) {
		return
	}
	p, created, err := s.worldFor(c).PutProject(c.Param("team_id"), c.Param("project_id"), body.Automation)
	s.answerPut(c, p, created, err)
}

func (s *Server) listUploads(c *gin.Context) {
	list, err := s.worldFor(c).ListUploads(c.Param("team_id"), c.Param("project_id"))
	s.answer(c, list, err)
}

func (s *Server) inspectUpload(c *gin.Context) {
	u, err := s.worldFor(c).GetUpload(c.Param("team_id"), c.Param("project_id"), c.Param("upload_id"))
	s.answer(c, u, err)
}

// readCloser reads from one reader and closes another.
type readCloser struct {
	io.Reader
	io.Closer
}

// checkUploadFixtures validates every fixture upload against the spec's
// Upload schema, so a bad fixtures folder fails at start.
func (s *Server) checkUploadFixtures() error {
	for _, p := range s.cfg.Fixtures.Projects {
		for _, u := range p.Uploads {
			if u.Files == nil {
				u.Files = []world.UploadFile{}
			}
			if u.Meta == nil {
				u.Meta = []world.Meta{}
			}
			if u.FolderID == "" {
				u.FolderID = world.FolderInbox
			}
			if fields := s.checkSchema("Upload", u); fields != nil {
				for i := range fields {
					fields[i].Field = "upload" + strings.TrimPrefix(fields[i].Field, "body")
				}
				return fmt.Errorf("fixtures: upload %s/%s/%s: %s", p.TeamID, p.ProjectID, u.ID, invalidMessage(fields))
			}
		}
	}
	return nil
}
