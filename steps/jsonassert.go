package steps

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"strings"

	"github.com/tidwall/gjson"
)

// lastJSON returns the last response's body, checked to be JSON.
func (w *World) lastJSON() ([]byte, error) {
	if w.last == nil {
		return nil, errors.New("no request was sent yet: add a When step that sends one")
	}
	if !gjson.ValidBytes(w.last.RespBody) {
		return nil, fmt.Errorf("the response body is not JSON (Content-Type %q): %s", w.last.RespHeader.Get("Content-Type"), short(w.last.RespBody))
	}
	return w.last.RespBody, nil
}

// at returns the value at a gjson path of the last response; it must exist.
func (w *World) at(path string) (gjson.Result, error) {
	body, err := w.lastJSON()
	if err != nil {
		return gjson.Result{}, err
	}
	r := gjson.GetBytes(body, path)
	if !r.Exists() {
		return r, fmt.Errorf("the JSON at %q does not exist in the response: %s", path, short(body))
	}
	return r, nil
}

// jsonEqual compares two JSON texts by value.
func jsonEqual(a, b string) (bool, error) {
	var va, vb any
	if err := json.Unmarshal([]byte(a), &va); err != nil {
		return false, fmt.Errorf("not JSON: %s: %w", short([]byte(a)), err)
	}
	if err := json.Unmarshal([]byte(b), &vb); err != nil {
		return false, fmt.Errorf("not JSON: %s: %w", short([]byte(b)), err)
	}
	return reflect.DeepEqual(va, vb), nil
}

// typeOf names the JSON type of r the way the contract does.
func typeOf(r gjson.Result) string {
	switch r.Type {
	case gjson.Null:
		return "null"
	case gjson.False, gjson.True:
		return "boolean"
	case gjson.Number:
		return "number"
	case gjson.String:
		return "string"
	}
	if r.IsArray() {
		return "array"
	}
	return "object"
}

func (w *World) jsonIs(path, want string) error {
	want, err := w.expand(want)
	if err != nil {
		return err
	}
	got, err := w.at(path)
	if err != nil {
		return err
	}
	eq, err := jsonEqual(got.Raw, want)
	if err != nil {
		return fmt.Errorf("the expected value %s: %w", want, err)
	}
	if !eq {
		return fmt.Errorf("the JSON at %q: want %s, got %s", path, want, got.Raw)
	}
	return nil
}

func (w *World) jsonIsOfType(path, want string) error {
	got, err := w.at(path)
	if err != nil {
		return err
	}
	t := typeOf(got)
	if t == want || (want == "integer" && t == "number" && got.Num == float64(int64(got.Num))) || (want == "number" && t == "number") {
		return nil
	}
	return fmt.Errorf("the JSON at %q: want a value of type %s, got %s %s", path, want, t, got.Raw)
}

func (w *World) jsonExists(path string) error {
	_, err := w.at(path)
	return err
}

func (w *World) jsonAbsent(path string) error {
	body, err := w.lastJSON()
	if err != nil {
		return err
	}
	if r := gjson.GetBytes(body, path); r.Exists() {
		return fmt.Errorf("the JSON at %q: want no value, got %s", path, r.Raw)
	}
	return nil
}

func (w *World) jsonMatches(path, pattern string) error {
	re, err := regexp.Compile(pattern)
	if err != nil {
		return fmt.Errorf("the pattern %q: %w", pattern, err)
	}
	got, err := w.at(path)
	if err != nil {
		return err
	}
	s := got.String()
	if got.Type != gjson.String {
		s = got.Raw
	}
	if !re.MatchString(s) {
		return fmt.Errorf("the JSON at %q: want a match for %q, got %s", path, pattern, got.Raw)
	}
	return nil
}

func (w *World) jsonHasItems(path string, n int) error {
	got, err := w.at(path)
	if err != nil {
		return err
	}
	if !got.IsArray() && !got.IsObject() {
		return fmt.Errorf("the JSON at %q: want an array of %d items, got %s", path, n, got.Raw)
	}
	count := 0
	got.ForEach(func(_, _ gjson.Result) bool { count++; return true })
	if count != n {
		return fmt.Errorf("the JSON at %q: want %d items, got %d: %s", path, n, count, got.Raw)
	}
	return nil
}

// jsonContains checks that every field of the expected document is in the
// response with the same value; the response may carry more.
func (w *World) jsonContains(doc string) error {
	doc, err := w.expand(doc)
	if err != nil {
		return err
	}
	body, err := w.lastJSON()
	if err != nil {
		return err
	}
	var want, got any
	if err := json.Unmarshal([]byte(doc), &want); err != nil {
		return fmt.Errorf("the expected document is not JSON: %w", err)
	}
	_ = json.Unmarshal(body, &got)
	if diffs := subsetDiff("", want, got); len(diffs) > 0 {
		return fmt.Errorf("the response differs from the expected document:\n  %s\nresponse: %s", strings.Join(diffs, "\n  "), short(body))
	}
	return nil
}

// subsetDiff lists where got lacks or differs from want; objects in want
// may be a subset of got's, arrays must match item by item.
func subsetDiff(path string, want, got any) []string {
	switch wv := want.(type) {
	case map[string]any:
		gv, ok := got.(map[string]any)
		if !ok {
			return []string{fmt.Sprintf("%s: want an object, got %s", orRoot(path), jsonText(got))}
		}
		var out []string
		for k, v := range wv {
			p := strings.TrimPrefix(path+"."+k, ".")
			g, ok := gv[k]
			if !ok {
				out = append(out, fmt.Sprintf("%s: missing (want %s)", p, jsonText(v)))
				continue
			}
			out = append(out, subsetDiff(p, v, g)...)
		}
		return out
	case []any:
		gv, ok := got.([]any)
		if !ok || len(gv) != len(wv) {
			return []string{fmt.Sprintf("%s: want %s, got %s", orRoot(path), jsonText(want), jsonText(got))}
		}
		var out []string
		for i := range wv {
			out = append(out, subsetDiff(fmt.Sprintf("%s.%d", path, i), wv[i], gv[i])...)
		}
		return out
	}
	if !reflect.DeepEqual(want, got) {
		return []string{fmt.Sprintf("%s: want %s, got %s", orRoot(path), jsonText(want), jsonText(got))}
	}
	return nil
}

func orRoot(p string) string {
	if p == "" {
		return "(the whole body)"
	}
	return p
}

func jsonText(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func short(b []byte) string {
	s := strings.TrimSpace(string(b))
	if len(s) > 600 {
		s = s[:600] + "… (cut)"
	}
	if s == "" {
		return "(empty body)"
	}
	return s
}
