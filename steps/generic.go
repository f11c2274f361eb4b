package steps

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"

	"github.com/cucumber/godog"
)

func (w *World) setHeader(name, value string) error {
	v, err := w.expand(value)
	if err != nil {
		return err
	}
	name = http.CanonicalHeaderKey(name)
	w.headers.Set(name, v)
	w.removed = slices.DeleteFunc(w.removed, func(h string) bool { return h == name })
	return nil
}

func (w *World) removeHeader(name string) error {
	name = http.CanonicalHeaderKey(name)
	w.headers.Del(name)
	if name == "Authorization" {
		w.key = ""
	}
	w.removed = append(w.removed, name)
	return nil
}

func (w *World) useAPIKey(key string) error {
	k, err := w.expand(key)
	if err != nil {
		return err
	}
	w.useKey(k)
	return nil
}

func (w *World) sendTo(ctx context.Context, method, path string) error {
	return w.sendWith(ctx, method, path, nil)
}

func (w *World) sendWith(ctx context.Context, method, path string, doc *godog.DocString) error {
	p, err := w.expand(path)
	if err != nil {
		return err
	}
	if !strings.HasPrefix(p, "/") {
		return fmt.Errorf("the path %q must start with / (it is relative to the base URL)", p)
	}
	var body []byte
	if doc != nil {
		b, err := w.expand(doc.Content)
		if err != nil {
			return err
		}
		body = []byte(b)
	}
	_, err = w.API(ctx, method, p, body)
	return err
}

func (w *World) statusIsCode(code int) error {
	if w.last == nil {
		return fmt.Errorf("no request was sent yet")
	}
	if w.last.Status != code {
		return fmt.Errorf("want status %d, got %d: %s", code, w.last.Status, short(w.last.RespBody))
	}
	return nil
}

func (w *World) headerMatches(name, pattern string) error {
	if w.last == nil {
		return fmt.Errorf("no request was sent yet")
	}
	re, err := regexp.Compile(pattern)
	if err != nil {
		return fmt.Errorf("the pattern %q: %w", pattern, err)
	}
	got := w.last.RespHeader.Values(name)
	for _, v := range got {
		if re.MatchString(v) {
			return nil
		}
	}
	return fmt.Errorf("want the response header %s to match %q, got %q", name, pattern, got)
}

func (w *World) remember(path, name string) error {
	got, err := w.at(path)
	if err != nil {
		return err
	}
	w.vars[name] = got.String()
	return nil
}
