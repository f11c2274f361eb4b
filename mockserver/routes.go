package mockserver

import (
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"
	"github.com/gin-gonic/gin"

	sendaimock "sendaimock"
)

// handlerFunc serves one operation after auth and validation passed.
type handlerFunc func(s *Server, c *gin.Context, rq *apiRequest)

// handlers binds each operationId of openapi.yaml to the code that serves it.
var handlers = map[string]handlerFunc{
	"getTask":        (*Server).getTask,
	"approveTask":    (*Server).approveTask,
	"disapproveTask": (*Server).disapproveTask,
	"completeTask":   (*Server).completeTask,
	"discardTask":    (*Server).discardTask,
	"reportTask":     (*Server).reportTask,
	"createUpload":   (*Server).createUpload,
	"getUpload":      (*Server).getUpload,
	"moveUpload":     (*Server).moveUpload,
}

// streamedBodies are the operations whose handler reads the body itself,
// as a stream with its own limits, instead of the spec's body check.
var streamedBodies = map[string]int64{
	"createUpload": maxUploadBytes,
}

// operation is what the spec says of one route, read once at start-up.
type operation struct {
	id      string
	method  string
	path    string // as in the spec, with {params}
	route   *routers.Route
	scope   string // the one scope the operation needs
	handler handlerFunc
	// streamLimit, if not zero, bounds a body the handler streams itself;
	// validation then checks everything but the body.
	streamLimit int64
	fast        *pathCheck // nil: every request goes through kin-openapi
}

// operations reads every operation of doc and pairs it with its handler.
// It fails if the spec and the mock disagree on what is served.
func operations(doc *openapi3.T) ([]*operation, error) {
	var ops []*operation
	var problems []string
	seen := map[string]bool{}
	for _, path := range doc.Paths.InMatchingOrder() {
		item := doc.Paths.Value(path)
		for method, op := range item.Operations() {
			if op.OperationID == "" {
				problems = append(problems, fmt.Sprintf("%s %s has no operationId", method, path))
				continue
			}
			seen[op.OperationID] = true
			h, ok := handlers[op.OperationID]
			if !ok {
				problems = append(problems, fmt.Sprintf("openapi.yaml declares %s (%s %s) but the mock has no handler for it", op.OperationID, method, path))
				continue
			}
			scopes := sendaimock.OperationScopes(op)
			if len(scopes) != 1 {
				problems = append(problems, fmt.Sprintf("%s must name exactly one scope in x-scopes, has %v", op.OperationID, scopes))
				continue
			}
			ops = append(ops, &operation{
				id: op.OperationID, method: method, path: path, scope: scopes[0], handler: h,
				streamLimit: streamedBodies[op.OperationID],
				route:       &routers.Route{Spec: doc, Path: path, PathItem: item, Method: method, Operation: op},
				fast:        newPathCheck(item, op),
			})
		}
	}
	for id := range handlers {
		if !seen[id] {
			problems = append(problems, fmt.Sprintf("the mock serves %s but openapi.yaml does not declare it", id))
		}
	}
	if len(problems) > 0 {
		sort.Strings(problems)
		return nil, fmt.Errorf("spec and mock disagree:\n  %s", strings.Join(problems, "\n  "))
	}
	sort.Slice(ops, func(i, j int) bool { return ops[i].id < ops[j].id })
	return ops, nil
}

// ginPath turns /a/{b}/c into Gin's /a/:b/c.
func ginPath(specPath string) string {
	var b strings.Builder
	for _, seg := range strings.Split(specPath, "/") {
		if b.Len() > 0 || seg != "" {
			b.WriteByte('/')
		}
		if strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") {
			b.WriteString(":" + seg[1:len(seg)-1])
		} else {
			b.WriteString(seg)
		}
	}
	return b.String()
}

func notFound(c *gin.Context) {
	writeError(c, http.StatusNotFound, fmt.Sprintf("No route for %s %s", c.Request.Method, c.Request.URL.Path), nil)
}

func methodNotAllowed(c *gin.Context) {
	writeError(c, http.StatusMethodNotAllowed,
		fmt.Sprintf("Method %s is not allowed on %s; allowed: %s", c.Request.Method, c.Request.URL.Path, c.Writer.Header().Get("Allow")), nil)
}
