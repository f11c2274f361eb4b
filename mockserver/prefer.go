package mockserver

import (
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/gin-gonic/gin"
)

// prefer answers a documented example when the request asks for one with
// Prism's convention: "Prefer: code=404", "Prefer: example=alreadyApproved"
// or both. The answer skips auth and state: it is the spec's example, as
// is. An undocumented code or example name is answered 422 naming what
// the operation documents.
func (s *Server) prefer(c *gin.Context, op *operation) {
	code, name, asked := parsePrefer(c.Request.Header.Values("Prefer"))
	if !asked {
		return
	}
	if code < 0 {
		writeError(c, http.StatusUnprocessableEntity, "Prefer: code must be an HTTP status code", nil)
		return
	}
	status, body, problem := findExample(op, code, name)
	if problem != "" {
		writeError(c, http.StatusUnprocessableEntity, problem, nil)
		return
	}
	writeJSON(c, status, body)
}

// answerExample answers status with the spec's first example for it; a
// status the operation does not document gets the generic error body.
func (s *Server) answerExample(c *gin.Context, op *operation, status int, name string) {
	if st, body, problem := findExample(op, status, name); problem == "" {
		writeJSON(c, st, body)
		return
	}
	writeError(c, status, fmt.Sprintf("Fault injected: %s answers %d", op.id, status), nil)
}

// parsePrefer reads code= and example= from Prefer headers. code is 0 when
// not given, -1 when not a number.
func parsePrefer(values []string) (code int, example string, asked bool) {
	for _, v := range values {
		for _, part := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ';' }) {
			key, val, ok := strings.Cut(strings.TrimSpace(part), "=")
			if !ok {
				continue
			}
			val = strings.Trim(strings.TrimSpace(val), `"`)
			switch strings.ToLower(strings.TrimSpace(key)) {
			case "code":
				asked = true
				n, err := strconv.Atoi(val)
				if err != nil || n < 100 || n > 599 {
					n = -1
				}
				code = n
			case "example":
				asked = true
				example = val
			}
		}
	}
	return code, example, asked
}

// findExample returns the status and body of an operation's documented
// example: the named one (under code, if given), or code's first example by
// name. problem says what is missing and what exists.
func findExample(op *operation, code int, name string) (int, any, string) {
	responses := op.route.Operation.Responses
	codes := documentedCodes(responses)
	if code != 0 {
		ref := responses.Status(code)
		if ref == nil || ref.Value == nil {
			return 0, nil, fmt.Sprintf("%s documents no %d response; documented: %s", op.id, code, strings.Join(codes, ", "))
		}
		names, examples := examplesOf(ref.Value)
		if name == "" {
			if len(names) == 0 {
				return 0, nil, fmt.Sprintf("%s documents no example for %d", op.id, code)
			}
			return code, examples[names[0]], ""
		}
		if body, ok := examples[name]; ok {
			return code, body, ""
		}
		return 0, nil, fmt.Sprintf("%s documents no example %q for %d; its examples: %s", op.id, name, code, strings.Join(names, ", "))
	}
	var all []string
	for _, c := range codes {
		n, _ := strconv.Atoi(c)
		names, examples := examplesOf(responses.Status(n).Value)
		if body, ok := examples[name]; ok {
			return n, body, ""
		}
		for _, en := range names {
			all = append(all, c+":"+en)
		}
	}
	return 0, nil, fmt.Sprintf("%s documents no example %q; its examples: %s", op.id, name, strings.Join(all, ", "))
}

func documentedCodes(responses *openapi3.Responses) []string {
	var codes []string
	for c := range responses.Map() {
		if _, err := strconv.Atoi(c); err == nil {
			codes = append(codes, c)
		}
	}
	sort.Strings(codes)
	return codes
}

// examplesOf returns a response's JSON examples and their names, sorted.
func examplesOf(r *openapi3.Response) ([]string, map[string]any) {
	out := map[string]any{}
	if r == nil {
		return nil, out
	}
	mt := r.Content.Get("application/json")
	if mt == nil {
		return nil, out
	}
	for name, ex := range mt.Examples {
		if ex != nil && ex.Value != nil {
			out[name] = ex.Value.Value
		}
	}
	names := make([]string, 0, len(out))
	for n := range out {
		names = append(names, n)
	}
	sort.Strings(names)
	return names, out
}
