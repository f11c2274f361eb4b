package mockserver

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/gin-gonic/gin"

	"sendaimock/world"
)

// maxBodyBytes bounds every request body the API reads.
const maxBodyBytes = 1 << 20

// apiRequest is what the middleware learned of a request before its handler.
type apiRequest struct {
	op        *operation
	input     *openapi3filter.RequestValidationInput
	principal world.Principal
	world     *world.World
	team      string
	project   string
	task      string
}

// bearerKey returns the token of an "Authorization: Bearer <token>" header,
// or "" when the header is missing, repeated or malformed.
func bearerKey(r *http.Request) string {
	values := r.Header.Values("Authorization")
	if len(values) != 1 {
		return ""
	}
	scheme, token, ok := strings.Cut(strings.TrimSpace(values[0]), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return ""
	}
	token = strings.TrimSpace(token)
	if strings.ContainsAny(token, " \t") {
		return ""
	}
	return token
}

// serve returns the handler chain of one operation: auth (401, 403), then
// request validation against the spec (400, 413), then the handler, whose
// domain call answers 404 and the state rules' 400.
//
// The hot path avoids per-request work that can be done once: the
// operation's path check is compiled from the spec at start-up and answers
// most requests without kin-openapi; the map of path parameters and the
// validation input are only built when kin-openapi or the response check
// needs them.
func (s *Server) serve(op *operation) gin.HandlerFunc {
	return func(c *gin.Context) {
		rq := &apiRequest{
			op:      op,
			team:    c.Param("team_id"),
			project: c.Param("project_id"),
			task:    c.Param("task_id"),
			world:   s.worldFor(c),
		}
		if s.cfg.Strict || s.cfg.OnViolation != nil { // selfCheck needs the input
			c.Set(ctxInput, rq.validationInput(c, s))
		}

		p, err := rq.world.Authenticate(bearerKey(c.Request), rq.team, op.scope)
		if err != nil {
			s.writeDomainError(c, err)
			return
		}
		rq.principal = p

		switch {
		case op.streamLimit > 0:
			// The handler streams the body itself (uploads); validation
			// checks everything else.
			if c.Request.Body != nil {
				c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, op.streamLimit)
			}
			rq.validationInput(c, s).Options = &s.streamOpts
		case op.route.Operation.RequestBody != nil:
			// Size, content type and UTF-8 first (413, 415, 400): kin-openapi
			// would decode invalid UTF-8 without a word.
			if _, ok := readJSONBody(c); !ok {
				return
			}
		case c.Request.Body != nil && c.Request.Body != http.NoBody:
			c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, maxBodyBytes)
		}
		if op.fast == nil || !op.fast.valid(c.Params) {
			if err := openapi3filter.ValidateRequest(c.Request.Context(), rq.validationInput(c, s)); err != nil {
				var tooBig *http.MaxBytesError
				if errors.As(err, &tooBig) {
					writeError(c, http.StatusRequestEntityTooLarge, fmt.Sprintf("Request body is larger than %d bytes", tooBig.Limit), nil)
					return
				}
				fields := fieldErrors(err)
				writeError(c, http.StatusBadRequest, invalidMessage(fields), fields)
				return
			}
		}
		op.handler(s, c, rq)
	}
}

// validationInput returns kin-openapi's view of the request, built once.
func (rq *apiRequest) validationInput(c *gin.Context, s *Server) *openapi3filter.RequestValidationInput {
	if rq.input == nil {
		params := make(map[string]string, len(c.Params))
		for _, p := range c.Params {
			params[p.Key] = p.Value
		}
		rq.input = &openapi3filter.RequestValidationInput{
			Request: c.Request, PathParams: params, Route: rq.op.route, Options: &s.reqOpts,
		}
	}
	return rq.input
}

// invalidMessage sums up field errors in one line.
func invalidMessage(fields []FieldError) string {
	parts := make([]string, len(fields))
	for i, f := range fields {
		parts[i] = f.Field + ": " + f.Reason
	}
	return "Invalid request: " + strings.Join(parts, "; ")
}

// fieldErrors flattens kin-openapi's validation errors into one entry per
// offending field: "path.task_id", "query.x", "body.issues.0.label".
func fieldErrors(err error) []FieldError {
	switch e := err.(type) {
	case openapi3.MultiError:
		var out []FieldError
		for _, inner := range e {
			out = append(out, fieldErrors(inner)...)
		}
		return out
	case *openapi3filter.RequestError:
		where := "body"
		if e.Parameter != nil {
			where = e.Parameter.In + "." + e.Parameter.Name
		}
		if e.Err == nil {
			return []FieldError{{Field: where, Reason: e.Reason}}
		}
		return fieldErrorsWithPrefix(where, e.Err)
	default:
		return []FieldError{{Field: "request", Reason: reason(err)}}
	}
}

// fieldErrorsWithPrefix flattens the errors of a value found at prefix.
func fieldErrorsWithPrefix(prefix string, err error) []FieldError {
	switch e := err.(type) {
	case openapi3.MultiError:
		var out []FieldError
		for _, inner := range e {
			out = append(out, fieldErrorsWithPrefix(prefix, inner)...)
		}
		return out
	case *openapi3.SchemaError:
		field := prefix
		if ptr := e.JSONPointer(); len(ptr) > 0 {
			field += "." + strings.Join(ptr, ".")
		}
		// An unknown property is reported at its parent; name the property itself.
		if q, ok := strings.CutPrefix(e.Reason, "property "); ok {
			if q, ok = strings.CutSuffix(q, " is unsupported"); ok {
				if name, err := strconv.Unquote(q); err == nil {
					field += "." + name
				}
			}
		}
		return []FieldError{{Field: field, Reason: e.Reason}}
	}
	var schemaErr *openapi3.SchemaError
	if errors.As(err, &schemaErr) {
		return fieldErrorsWithPrefix(prefix, schemaErr)
	}
	return []FieldError{{Field: prefix, Reason: reason(err)}}
}

// reason shortens kin-openapi's wrapped messages to their last clause.
func reason(err error) string {
	var parseErr *openapi3filter.ParseError
	if errors.As(err, &parseErr) {
		switch {
		case parseErr.Cause != nil && parseErr.Reason == "":
			return parseErr.Cause.Error()
		case parseErr.Cause != nil:
			return parseErr.Reason + ": " + parseErr.Cause.Error()
		}
		return parseErr.Reason
	}
	if errors.Is(err, openapi3filter.ErrInvalidRequired) {
		return "value is required but missing"
	}
	return err.Error()
}
