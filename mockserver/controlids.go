package mockserver

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// checkControlIDs holds the control API's team, project and task IDs to
// the same schemas as the API's path parameters (components.parameters
// TeamId, ProjectId, TaskId in openapi.yaml), so the control API cannot
// store a task the API could never reach (a NUL byte, a slash, 10 kB).
func (s *Server) checkControlIDs(c *gin.Context) {
	var fields []FieldError
	for _, p := range []struct{ param, component string }{
		{"team_id", "TeamId"}, {"project_id", "ProjectId"}, {"task_id", "TaskId"},
	} {
		v, ok := c.Params.Get(p.param)
		if !ok {
			continue
		}
		ref := s.cfg.Spec.Components.Parameters[p.component]
		if ref == nil || ref.Value == nil || ref.Value.Schema == nil || ref.Value.Schema.Value == nil {
			continue
		}
		if err := ref.Value.Schema.Value.VisitJSON(v); err != nil {
			fields = append(fields, fieldErrorsWithPrefix("path."+p.param, err)...)
		}
	}
	if fields != nil {
		writeError(c, http.StatusBadRequest, invalidMessage(fields), fields)
		return
	}
	c.Next()
}
