package mockserver

import (
	"context"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// TestControlSpecMatchesRoutes: every /_mock route is in control.yaml and
// every operation there is served, and the document is valid OpenAPI.
func TestControlSpecMatchesRoutes(t *testing.T) {
	m := newSteerMock(t, nil)
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(ControlSpecYAML)
	if err != nil {
		t.Fatalf("control.yaml: %v", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("control.yaml invalid: %v", err)
	}
	documented := map[string]bool{}
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			documented[method+" "+path] = true
		}
	}
	param := regexp.MustCompile(`:([A-Za-z_]+)`)
	served := map[string]bool{}
	for _, r := range m.srv.engine.Routes() {
		if strings.HasPrefix(r.Path, "/_mock") {
			served[r.Method+" "+param.ReplaceAllString(r.Path, "{$1}")] = true
		}
	}
	var missing, extra []string
	for k := range served {
		if !documented[k] {
			missing = append(missing, k)
		}
	}
	for k := range documented {
		if !served[k] {
			extra = append(extra, k)
		}
	}
	sort.Strings(missing)
	sort.Strings(extra)
	if len(missing) > 0 {
		t.Errorf("served but not in control.yaml: %v", missing)
	}
	if len(extra) > 0 {
		t.Errorf("in control.yaml but not served: %v", extra)
	}

	res := m.want(m.do(http.MethodGet, "/_mock/openapi.yaml", nil), http.StatusOK, "control spec")
	if string(res.body) != string(ControlSpecYAML) || !strings.HasPrefix(res.header.Get("Content-Type"), "application/yaml") {
		t.Errorf("GET /_mock/openapi.yaml served %q (%d bytes)", res.header.Get("Content-Type"), len(res.body))
	}
}
