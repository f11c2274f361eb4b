package mockserver

import (
	"bytes"
	"fmt"
	"io"
	"net/http"

	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/gin-gonic/gin"
)

// Violation is a response the mock wrote that breaks openapi.yaml.
type Violation struct {
	Operation string
	Method    string
	Path      string
	Status    int
	Body      string
	Err       error
}

func (v Violation) Error() string {
	return fmt.Sprintf("%s (%s %s) answered %d, which breaks openapi.yaml: %v\nbody: %s",
		v.Operation, v.Method, v.Path, v.Status, v.Err, v.Body)
}

// selfCheck validates the response of an API operation against the spec:
// status documented, content type, body schema. It only runs when Strict
// or OnViolation asks for it.
func (s *Server) selfCheck(op *operation) gin.HandlerFunc {
	return func(c *gin.Context) { s.checkResponse(c, op) }
}

func (s *Server) checkResponse(c *gin.Context, op *operation) {
	if !s.cfg.Strict && s.cfg.OnViolation == nil {
		c.Next()
		return
	}
	rec := newRecorder(c.Writer, s.cfg.Strict)
	c.Writer = rec
	c.Next()
	in, ok := c.Get(ctxInput)
	if !ok {
		rec.flush()
		return
	}
	err := openapi3filter.ValidateResponse(c.Request.Context(), &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in.(*openapi3filter.RequestValidationInput),
		Status:                 rec.Status(),
		Header:                 rec.Header(),
		Body:                   io.NopCloser(bytes.NewReader(rec.body.Bytes())),
		Options:                &s.resOpts,
	})
	if err == nil {
		rec.flush()
		return
	}
	v := Violation{Operation: op.id, Method: c.Request.Method, Path: c.Request.URL.Path, Status: rec.Status(), Body: rec.body.String(), Err: err}
	if s.cfg.OnViolation != nil {
		s.cfg.OnViolation(v)
	}
	if !s.cfg.Strict {
		rec.flush()
		return
	}
	s.log.Error("response breaks openapi.yaml", "operation", v.Operation, "status", v.Status, "err", err)
	rec.discard()
	c.Writer = rec.ResponseWriter
	writeError(c, http.StatusInternalServerError, fmt.Sprintf("Mock response for %s broke openapi.yaml (status %d): %v", op.id, v.Status, err), nil)
}

// recorder keeps a copy of the response body. When holding, nothing reaches
// the client until flush, so a response can still be replaced.
type recorder struct {
	gin.ResponseWriter
	body    bytes.Buffer
	hold    bool
	status  int
	flushed bool
}

func newRecorder(w gin.ResponseWriter, hold bool) *recorder {
	return &recorder{ResponseWriter: w, hold: hold, status: http.StatusOK}
}

func (r *recorder) WriteHeader(code int) {
	r.status = code
	if !r.hold {
		r.ResponseWriter.WriteHeader(code)
	}
}

func (r *recorder) WriteHeaderNow() {
	if !r.hold {
		r.ResponseWriter.WriteHeaderNow()
	}
}

func (r *recorder) Write(b []byte) (int, error) {
	r.body.Write(b)
	if r.hold {
		return len(b), nil
	}
	return r.ResponseWriter.Write(b)
}

func (r *recorder) WriteString(s string) (int, error) { return r.Write([]byte(s)) }

func (r *recorder) Status() int {
	if r.hold {
		return r.status
	}
	return r.ResponseWriter.Status()
}

func (r *recorder) Written() bool {
	if r.hold {
		return r.body.Len() > 0 || r.status != http.StatusOK
	}
	return r.ResponseWriter.Written()
}

// flush sends a held response.
func (r *recorder) flush() {
	if !r.hold || r.flushed {
		return
	}
	r.flushed = true
	r.ResponseWriter.WriteHeader(r.status)
	_, _ = r.ResponseWriter.Write(r.body.Bytes())
}

// discard drops a held response so another can be written.
func (r *recorder) discard() { r.flushed = true }

func bytesReader(b []byte) io.Reader { return bytes.NewReader(b) }
