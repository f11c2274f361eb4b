package mockserver

import (
	"encoding/json"
	"log/slog"
	"net/http"

	"github.com/gin-gonic/gin"

	"sendaimock/world"
)

// errorBody is the documented error shape. Errors lists each offending
// field of a request that failed validation.
type errorBody struct {
	StatusCode int          `json:"statusCode"`
	Error      string       `json:"error"`
	Message    string       `json:"message"`
	Errors     []FieldError `json:"errors,omitempty"`
}

// FieldError names one part of a request that broke the contract.
type FieldError struct {
	Field  string `json:"field"`
	Reason string `json:"reason"`
}

// statusOf is the one place a domain error code becomes an HTTP status.
func statusOf(code world.Code) int {
	switch code {
	case world.Unauthorized:
		return http.StatusUnauthorized
	case world.Forbidden:
		return http.StatusForbidden
	case world.NotFound:
		return http.StatusNotFound
	case world.Invalid:
		return http.StatusBadRequest
	default:
		return http.StatusInternalServerError
	}
}

// writeDomainError answers err. An error that is not a *world.Error is
// logged and answered 500 with a message that leaks nothing.
func (s *Server) writeDomainError(c *gin.Context, err error) {
	code := world.ErrorCode(err)
	if code == world.Internal {
		s.log.Error("internal error", "path", c.Request.URL.Path, "err", err)
		writeError(c, http.StatusInternalServerError, "Internal server error", nil)
		return
	}
	writeError(c, statusOf(code), err.(*world.Error).Message, nil)
}

// answer writes v with 200, or err as writeDomainError does.
func (s *Server) answer(c *gin.Context, v any, err error) {
	if err != nil {
		s.writeDomainError(c, err)
		return
	}
	writeJSON(c, http.StatusOK, v)
}

// answerPut answers a control-API put: v with 201 when it created
// something, 200 when it replaced it, or err as writeDomainError does.
func (s *Server) answerPut(c *gin.Context, v any, created bool, err error) {
	if err == nil && created {
		writeJSON(c, http.StatusCreated, v)
		return
	}
	s.answer(c, v, err)
}

// writeError answers the documented error body.
func writeError(c *gin.Context, status int, message string, fields []FieldError) {
	writeJSON(c, status, errorBody{StatusCode: status, Error: http.StatusText(status), Message: message, Errors: fields})
}

const contentTypeJSON = "application/json; charset=utf-8"

// writeJSON answers v as JSON and stops the handler chain.
func writeJSON(c *gin.Context, status int, v any) {
	data, err := json.Marshal(v)
	if err != nil {
		slog.Error("encoding response", "err", err)
		status = http.StatusInternalServerError
		data = []byte(`{"statusCode":500,"error":"Internal Server Error","message":"Internal server error"}`)
	}
	c.Abort()
	writeBody(c, status, data)
}

// contentTypeJSONValue is the Content-Type header's value, shared by every
// JSON answer: Gin's c.Data makes a new one per response. Nothing edits a
// header value in place (Header.Set and Add replace or grow the slice).
var contentTypeJSONValue = []string{contentTypeJSON}

// writeBody answers status with an encoded JSON body; like c.Data, it
// sends no body with a status that allows none (1xx, 204, 304).
func writeBody(c *gin.Context, status int, data []byte) {
	c.Writer.Header()["Content-Type"] = contentTypeJSONValue
	c.Status(status)
	if (status >= 100 && status <= 199) || status == http.StatusNoContent || status == http.StatusNotModified {
		c.Writer.WriteHeaderNow()
		return
	}
	_, _ = c.Writer.Write(data)
}
