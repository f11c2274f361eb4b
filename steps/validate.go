package steps

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
)

// Validator checks responses against openapi.yaml: the status must be
// documented for the operation, the content type must be one it lists and
// the body must match its schema.
type Validator struct {
	doc    *openapi3.T
	router routers.Router
	opts   openapi3filter.Options
}

// NewValidator builds the router once over doc. doc must be a document of
// the caller's own (load a fresh one): its servers are cleared so that
// routes match whatever base URL is tested, not only https://api.send.ai
// (kin-openapi matches the server's host and scheme otherwise).
func NewValidator(doc *openapi3.T) (*Validator, error) {
	doc.Servers = nil
	r, err := gorillamux.NewRouter(doc)
	if err != nil {
		return nil, fmt.Errorf("openapi.yaml: router: %w", err)
	}
	return &Validator{doc: doc, router: r, opts: openapi3filter.Options{IncludeResponseStatus: true, MultiError: true}}, nil
}

// Doc returns the contract the validator checks against.
func (v *Validator) Doc() *openapi3.T { return v.doc }

// Operation returns the operationId serving method and path (the path
// relative to the base URL), or "" when the contract does not declare it.
func (v *Validator) Operation(method, path string) string {
	route, _, err := v.find(method, path)
	if err != nil {
		return ""
	}
	return route.Operation.OperationID
}

func (v *Validator) find(method, path string) (*routers.Route, map[string]string, error) {
	u, err := url.Parse(path)
	if err != nil {
		return nil, nil, err
	}
	req := &http.Request{Method: method, URL: &url.URL{Path: u.Path, RawPath: u.RawPath, RawQuery: u.RawQuery}, Header: http.Header{}}
	return v.router.FindRoute(req)
}

// Validate checks one response to method path (relative to the base URL).
// It returns nil when the contract does not declare the route (nothing to
// check), and otherwise an error that says where the response breaks the
// contract, what the contract expects and what came back.
func (v *Validator) Validate(ctx context.Context, method, path string, status int, header http.Header, body []byte) error {
	route, params, err := v.find(method, path)
	if err != nil {
		return nil
	}
	req, _ := http.NewRequestWithContext(ctx, method, path, nil)
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route},
		Status:                 status,
		Header:                 header,
		Body:                   io.NopCloser(bytes.NewReader(body)),
		Options:                &v.opts,
	}
	if err := openapi3filter.ValidateResponse(ctx, in); err != nil {
		return &Violation{Operation: route.Operation.OperationID, Method: method, Path: path, Status: status,
			ContentType: header.Get("Content-Type"), Body: body, Problems: problems(route, status, err)}
	}
	return nil
}

// Violation is a response that breaks openapi.yaml.
type Violation struct {
	Operation   string
	Method      string
	Path        string
	Status      int
	ContentType string
	Body        []byte
	Problems    []string
}

func (v *Violation) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "the response breaks openapi.yaml: %s (%s %s) answered %d %s", v.Operation, v.Method, v.Path, v.Status, v.ContentType)
	for _, p := range v.Problems {
		b.WriteString("\n  - ")
		b.WriteString(p)
	}
	return b.String()
}

// problems turns kin-openapi's errors into one line per problem: where,
// what the contract expects, what came back.
func problems(route *routers.Route, status int, err error) []string {
	var out []string
	var walk func(error)
	walk = func(err error) {
		var multi openapi3.MultiError
		var schemaErr *openapi3.SchemaError
		var respErr *openapi3filter.ResponseError
		switch {
		case errors.As(err, &multi):
			for _, e := range multi {
				walk(e)
			}
		case errors.As(err, &schemaErr):
			out = append(out, describeSchemaError(schemaErr))
		case errors.As(err, &respErr) && respErr.Err != nil:
			walk(respErr.Err)
		case errors.As(err, &respErr):
			out = append(out, describeResponseError(route, status, respErr))
		default:
			out = append(out, err.Error())
		}
	}
	walk(err)
	return out
}

func describeResponseError(route *routers.Route, status int, e *openapi3filter.ResponseError) string {
	switch {
	case e.Reason == "status is not supported":
		var documented []string
		for code := range route.Operation.Responses.Map() {
			documented = append(documented, code)
		}
		slices.Sort(documented)
		return fmt.Sprintf("status %d is not documented for %s; the contract documents %s", status, route.Operation.OperationID, strings.Join(documented, ", "))
	case strings.Contains(e.Reason, "Content-Type"):
		var types []string
		if ref := route.Operation.Responses.Status(status); ref != nil && ref.Value != nil {
			for ct := range ref.Value.Content {
				types = append(types, ct)
			}
		}
		slices.Sort(types)
		got := e.Input.Header.Get("Content-Type")
		if got == "" {
			got = "no Content-Type"
		}
		return fmt.Sprintf("content type: the contract expects %s for %d; got %s", strings.Join(types, " or "), status, got)
	}
	return e.Error()
}

func describeSchemaError(e *openapi3.SchemaError) string {
	where := "/" + strings.Join(e.JSONPointer(), "/")
	got, _ := json.Marshal(e.Value)
	want := e.SchemaField
	if e.Schema != nil {
		switch e.SchemaField {
		case "type":
			if e.Schema.Type != nil && len(e.Schema.Type.Slice()) > 0 {
				want = "type " + strings.Join(e.Schema.Type.Slice(), " or ")
			}
			if e.Schema.Nullable {
				want += " or null"
			}
		case "required":
			want = "required properties " + strings.Join(e.Schema.Required, ", ")
		case "enum":
			enum, _ := json.Marshal(e.Schema.Enum)
			want = "one of " + string(enum)
		}
	}
	if len(got) > 200 {
		got = append(got[:200], "..."...)
	}
	return fmt.Sprintf("at %s: %s (the contract expects %s; got %s)", where, e.Reason, want, got)
}
