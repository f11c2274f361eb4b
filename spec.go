package sendaimock

import (
	"context"
	_ "embed"
	"fmt"

	"github.com/getkin/kin-openapi/openapi3"
)

// SpecYAML is the OpenAPI 3.0 contract of the send.ai v2 Task API.
//
//go:embed openapi.yaml
var SpecYAML []byte

// LoadSpec parses and validates the embedded contract. External $refs are not
// allowed: the contract is self-contained.
func LoadSpec(ctx context.Context) (*openapi3.T, error) {
	loader := openapi3.NewLoader()
	loader.IsExternalRefsAllowed = false
	loader.Context = ctx
	doc, err := loader.LoadFromData(SpecYAML)
	if err != nil {
		return nil, fmt.Errorf("openapi.yaml: load: %w", err)
	}
	if err := doc.Validate(ctx); err != nil {
		return nil, fmt.Errorf("openapi.yaml: invalid: %w", err)
	}
	return doc, nil
}

// OperationScopes returns the API-key scopes an operation needs, read from
// its x-scopes extension, or nil if the extension is absent.
func OperationScopes(op *openapi3.Operation) []string {
	if op == nil {
		return nil
	}
	switch v := op.Extensions["x-scopes"].(type) {
	case []string:
		return v
	case []any:
		scopes := make([]string, 0, len(v))
		for _, s := range v {
			if str, ok := s.(string); ok {
				scopes = append(scopes, str)
			}
		}
		return scopes
	}
	return nil
}
