package mockserver

import (
	"encoding/json"
	"net/http"

	"github.com/gin-gonic/gin"

	"sendaimock/world"
)

// envelope is the documented wrapper of single objects.
type envelope struct {
	Payload any    `json:"payload"`
	Message string `json:"message,omitempty"`
}

// taskCall is the shape of every task operation's domain call.
type taskCall func(w *world.World, p world.Principal, team, project, task string) (world.Task, error)

// answerTask runs call and answers the task in its envelope, or the error.
func (s *Server) answerTask(c *gin.Context, rq *apiRequest, call taskCall, message string) {
	t, err := call(rq.world, rq.principal, rq.team, rq.project, rq.task)
	if err != nil {
		s.writeDomainError(c, err)
		return
	}
	if message != "" {
		writeJSON(c, http.StatusOK, envelope{Payload: t, Message: message})
		return
	}
	// Most answers are a task in its envelope: served from the encoding
	// cache unless the task changed since it was last encoded.
	body, err := taskEnvelope(t)
	if err != nil {
		s.writeDomainError(c, err)
		return
	}
	c.Abort()
	c.Writer.Header()["Content-Type"] = contentTypeJSONValue
	c.Status(http.StatusOK)
	// The cached encoding never changes: the journal may keep it as is.
	if w, ok := c.Writer.(interface{ WriteShared([]byte) (int, error) }); ok {
		_, _ = w.WriteShared(body)
		return
	}
	_, _ = c.Writer.Write(body)
}

func (s *Server) getTask(c *gin.Context, rq *apiRequest) {
	s.answerTask(c, rq, func(w *world.World, _ world.Principal, team, project, task string) (world.Task, error) {
		return w.GetTask(team, project, task)
	}, "")
}

func (s *Server) approveTask(c *gin.Context, rq *apiRequest) {
	s.answerTask(c, rq, (*world.World).Approve, "")
}

func (s *Server) disapproveTask(c *gin.Context, rq *apiRequest) {
	s.answerTask(c, rq, (*world.World).Disapprove, "")
}

func (s *Server) completeTask(c *gin.Context, rq *apiRequest) {
	s.answerTask(c, rq, (*world.World).Complete, world.MsgCompleteProcessStarted)
}

func (s *Server) discardTask(c *gin.Context, rq *apiRequest) {
	s.answerTask(c, rq, (*world.World).Discard, "")
}

// reportRequest is the body of Report Task; the spec has validated it.
type reportRequest struct {
	Issues  []world.ReportIssue `json:"issues"`
	Message string              `json:"message"`
}

func (s *Server) reportTask(c *gin.Context, rq *apiRequest) {
	var body reportRequest
	if err := json.NewDecoder(c.Request.Body).Decode(&body); err != nil {
		writeError(c, http.StatusBadRequest, "Invalid request: body: "+err.Error(), []FieldError{{Field: "body", Reason: err.Error()}})
		return
	}
	s.answerTask(c, rq, func(w *world.World, p world.Principal, team, project, task string) (world.Task, error) {
		return w.Report(p, team, project, task, body.Issues, body.Message)
	}, "")
}
