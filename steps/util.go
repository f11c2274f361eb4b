package steps

import (
	"encoding/json"
	"strings"
)

// decode returns JSON as Go values (nil for anything that is not JSON).
func decode(b []byte) any {
	var v any
	_ = json.Unmarshal(b, &v)
	return v
}

func mustJSON(v any) []byte {
	b, _ := json.Marshal(v)
	return b
}

// deletePath removes a dotted path (a.b.c) from decoded JSON objects.
func deletePath(v any, path string) {
	parts := strings.Split(path, ".")
	for i, p := range parts {
		m, ok := v.(map[string]any)
		if !ok {
			return
		}
		if i == len(parts)-1 {
			delete(m, p)
			return
		}
		v = m[p]
	}
}
