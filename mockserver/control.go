package mockserver

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/gin-gonic/gin"

	"sendaimock/world"
)

// control mounts the control API: it steers the world directly, outside the
// product API and outside its validation and auth.
func (s *Server) control(g *gin.RouterGroup) {
	g.GET("/health", func(c *gin.Context) {
		writeJSON(c, http.StatusOK, gin.H{"status": "ok", "mock": "sendai-mock", "now": s.worldFor(c).Now()})
	})
	g.POST("/reset", func(c *gin.Context) {
		if err := s.worldFor(c).Reset(); err != nil {
			s.writeDomainError(c, err)
			return
		}
		writeJSON(c, http.StatusOK, gin.H{"reset": true})
	})
	tasks := g.Group("/teams/:team_id/projects/:project_id/tasks", s.checkControlIDs)
	tasks.GET("", s.listTasks)
	tasks.GET("/:task_id", s.inspectTask)
	tasks.PUT("/:task_id", s.putTask)
	tasks.DELETE("/:task_id", s.deleteTask)
	g.PUT("/keys/:key", s.putKey)
	g.GET("/audit", func(c *gin.Context) { writeJSON(c, http.StatusOK, s.worldFor(c).Audit()) })
	g.GET("/training", func(c *gin.Context) { writeJSON(c, http.StatusOK, s.worldFor(c).Training()) })
}

func (s *Server) listTasks(c *gin.Context) {
	f := world.TaskFilter{Status: world.Status(c.Query("status")), UploadID: c.Query("upload_id")}
	if f.Status != "" && !f.Status.Valid() {
		writeError(c, http.StatusBadRequest, fmt.Sprintf("Invalid request: query.status: %q is not one of %v", f.Status, world.Statuses),
			[]FieldError{{Field: "query.status", Reason: fmt.Sprintf("must be one of %v", world.Statuses)}})
		return
	}
	list, err := s.worldFor(c).ListTasks(c.Param("team_id"), c.Param("project_id"), f)
	s.answer(c, list, err)
}

func (s *Server) inspectTask(c *gin.Context) {
	t, err := s.worldFor(c).GetTask(c.Param("team_id"), c.Param("project_id"), c.Param("task_id"))
	s.answer(c, t, err)
}

// putTask creates or replaces a task from a JSON task object. Fields left
// out take the defaults of world.DefaultTask; the result must match the
// spec's Task schema.
func (s *Server) putTask(c *gin.Context) {
	team, project, id := c.Param("team_id"), c.Param("project_id"), c.Param("task_id")
	w := s.worldFor(c)
	t := world.DefaultTask(project, id, w.Now())
	if !decodeStrict(c, &t) {
		return
	}
	if t.ID != id {
		fields := []FieldError{{Field: "body.id", Reason: fmt.Sprintf("must equal the path's task id %q", id)}}
		writeError(c, http.StatusBadRequest, invalidMessage(fields), fields)
		return
	}
	t.Normalize()
	if fields := s.checkTask(t); len(fields) > 0 {
		writeError(c, http.StatusBadRequest, invalidMessage(fields), fields)
		return
	}
	stored, created, err := w.PutTask(team, project, t)
	s.answerPut(c, stored, created, err)
}

func (s *Server) deleteTask(c *gin.Context) {
	if err := s.worldFor(c).DeleteTask(c.Param("team_id"), c.Param("project_id"), c.Param("task_id")); err != nil {
		s.writeDomainError(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// keyRequest is the body of PUT /_mock/keys/{key}.
type keyRequest struct {
	Name   string   `json:"name"`
	TeamID string   `json:"team_id"`
	Scopes []string `json:"scopes"`
}

func (s *Server) putKey(c *gin.Context) {
	var body keyRequest
	if !decodeStrict(c, &body) {
		return
	}
	k := world.KeyFixture{Key: c.Param("key"), Name: body.Name, TeamID: body.TeamID, Scopes: body.Scopes}
	if k.Scopes == nil {
		k.Scopes = []string{}
	}
	if err := s.worldFor(c).PutKey(k); err != nil {
		s.writeDomainError(c, err)
		return
	}
	writeJSON(c, http.StatusOK, gin.H{"fingerprint": world.Fingerprint(k.Key), "name": k.Name, "team_id": k.TeamID, "scopes": k.Scopes})
}

// decodeStrict decodes one JSON object into v, refusing unknown fields,
// wrong types and trailing data (400), other content types (415) and
// bodies over the limit (413). It answers the error itself and reports
// whether v was decoded.
func decodeStrict(c *gin.Context, v any) bool {
	data, ok := readJSONBody(c)
	if !ok {
		return false
	}
	var fields []FieldError
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		fields = []FieldError{jsonFieldError(err)}
	} else if _, err := dec.Token(); err != io.EOF {
		fields = []FieldError{{Field: "body", Reason: "holds more than one JSON value"}}
	}
	if fields != nil {
		writeError(c, http.StatusBadRequest, invalidMessage(fields), fields)
		return false
	}
	return true
}

// jsonFieldError names the field a JSON decoding error is about.
func jsonFieldError(err error) FieldError {
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	switch {
	case errors.As(err, &typeErr):
		return FieldError{Field: "body." + typeErr.Field, Reason: fmt.Sprintf("must be %s, not %s", typeErr.Type, typeErr.Value)}
	case errors.As(err, &syntaxErr):
		return FieldError{Field: "body", Reason: fmt.Sprintf("malformed JSON at byte %d: %v", syntaxErr.Offset, syntaxErr)}
	case errors.Is(err, io.EOF):
		return FieldError{Field: "body", Reason: "a JSON object is required"}
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return FieldError{Field: "body." + strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`), Reason: "unknown field"}
	default:
		return FieldError{Field: "body", Reason: err.Error()}
	}
}

// checkTask validates t against the spec's Task schema.
func (s *Server) checkTask(t world.Task) []FieldError { return s.checkSchema("Task", t) }

// checkSchema validates v, as JSON, against the spec's schema of that name.
func (s *Server) checkSchema(name string, v any) []FieldError {
	ref := s.cfg.Spec.Components.Schemas[name]
	if ref == nil || ref.Value == nil {
		return []FieldError{{Field: "spec", Reason: "openapi.yaml has no " + name + " schema"}}
	}
	data, err := json.Marshal(v)
	if err != nil {
		return []FieldError{{Field: "body", Reason: err.Error()}}
	}
	var doc any
	if err := json.Unmarshal(data, &doc); err != nil {
		return []FieldError{{Field: "body", Reason: err.Error()}}
	}
	if err := ref.Value.VisitJSON(doc, openapi3.MultiErrors()); err != nil {
		return fieldErrorsWithPrefix("body", err)
	}
	return nil
}
