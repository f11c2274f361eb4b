package steps

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"
)

// Exchange is one request and its response.
type Exchange struct {
	Method     string
	URL        string
	Header     http.Header
	Body       []byte
	Status     int
	RespHeader http.Header
	RespBody   []byte
	Duration   time.Duration
}

// Format prints the exchange for a failure report, with the API key masked.
func (e *Exchange) Format() string {
	var b strings.Builder
	fmt.Fprintf(&b, "last request:\n  %s %s\n", e.Method, e.URL)
	writeHeaders(&b, e.Header)
	if len(e.Body) > 0 {
		fmt.Fprintf(&b, "  %s\n", indentBody(e.Body))
	}
	fmt.Fprintf(&b, "last response (%s):\n  %d %s\n", e.Duration.Round(time.Millisecond), e.Status, http.StatusText(e.Status))
	writeHeaders(&b, e.RespHeader)
	fmt.Fprintf(&b, "  %s", indentBody(e.RespBody))
	return b.String()
}

func writeHeaders(b *strings.Builder, h http.Header) {
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		for _, v := range h[k] {
			if k == "Authorization" {
				v = maskAuth(v)
			}
			fmt.Fprintf(b, "  %s: %s\n", k, v)
		}
	}
}

// maskAuth keeps the scheme and the ends of a key, so a report shows which
// key was sent without leaking it.
func maskAuth(v string) string {
	scheme, token, ok := strings.Cut(v, " ")
	if !ok {
		scheme, token = "", v
	}
	if len(token) > 8 {
		token = token[:3] + "…" + token[len(token)-2:]
	}
	if scheme == "" {
		return token
	}
	return scheme + " " + token
}

func indentBody(body []byte) string {
	if len(body) == 0 {
		return "(empty body)"
	}
	var out bytes.Buffer
	if json.Valid(body) && json.Indent(&out, body, "  ", "  ") == nil {
		s := out.String()
		if len(s) > 4000 {
			s = s[:4000] + "\n  … (cut)"
		}
		return s
	}
	s := string(body)
	if len(s) > 2000 {
		s = s[:2000] + "… (cut)"
	}
	return strings.ReplaceAll(s, "\n", "\n  ")
}

// request is what a step asks to send.
type request struct {
	method string
	path   string // relative to the base URL, placeholders expanded
	body   []byte
	// contentType of body; "" sends JSON.
	contentType string
	// control marks a call to the mock's control API: no API key, no
	// contract check.
	control bool
}

// send sends r, records it as the scenario's last exchange (API calls
// only) and checks the response against the contract. A response that
// breaks the contract is an error.
func (w *World) send(ctx context.Context, r request) (*Exchange, error) {
	var body io.Reader
	if r.body != nil {
		body = bytes.NewReader(r.body)
	}
	req, err := http.NewRequestWithContext(ctx, r.method, w.s.BaseURL+r.path, body)
	if err != nil {
		return nil, fmt.Errorf("building %s %s: %w", r.method, r.path, err)
	}
	if r.body != nil {
		ct := r.contentType
		if ct == "" {
			ct = "application/json"
		}
		req.Header.Set("Content-Type", ct)
	}
	req.Header.Set("Accept", "application/json")
	if w.s.Mock {
		req.Header.Set(SessionHeader, w.session)
	}
	if !r.control {
		if w.key != "" {
			req.Header.Set("Authorization", "Bearer "+w.key)
		}
		for k, vs := range w.headers {
			req.Header.Del(k)
			for _, v := range vs {
				req.Header.Add(k, v)
			}
		}
		for _, k := range w.removed {
			req.Header.Del(k)
		}
	}
	start := time.Now()
	resp, err := w.s.Client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", r.method, req.URL, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	if err != nil {
		return nil, fmt.Errorf("%s %s: reading the response: %w", r.method, req.URL, err)
	}
	ex := &Exchange{
		Method: r.method, URL: req.URL.String(), Header: req.Header.Clone(), Body: r.body,
		Status: resp.StatusCode, RespHeader: resp.Header.Clone(), RespBody: data, Duration: time.Since(start),
	}
	if r.control {
		return ex, nil
	}
	w.last, w.lastSent = ex, ex
	if err := w.s.Validator.Validate(ctx, r.method, r.path, resp.StatusCode, resp.Header, data); err != nil {
		return ex, err
	}
	return ex, nil
}

// Control calls the mock's control API (method, path under /_mock, an
// optional JSON body) and returns the response body; a status other than
// wantStatus is an error.
func (w *World) Control(ctx context.Context, method, path string, body any, wantStatus ...int) ([]byte, error) {
	if !w.s.Mock {
		return nil, Skip("this step needs a sendai-mock target (it reads /_mock); %s is not one", w.s.BaseURL)
	}
	var data []byte
	if body != nil {
		var err error
		if data, err = json.Marshal(body); err != nil {
			return nil, err
		}
	}
	ex, err := w.send(ctx, request{method: method, path: "/_mock" + path, body: data, control: true})
	if err != nil {
		return nil, err
	}
	if len(wantStatus) == 0 {
		wantStatus = []int{http.StatusOK}
	}
	if !slices.Contains(wantStatus, ex.Status) {
		return nil, fmt.Errorf("mock control API: %s /_mock%s answered %d, want %v: %s", method, path, ex.Status, wantStatus, ex.RespBody)
	}
	return ex.RespBody, nil
}

// API sends an API request with the scenario's key and headers and checks
// the response against the contract.
func (w *World) API(ctx context.Context, method, path string, body []byte) (*Exchange, error) {
	return w.send(ctx, request{method: method, path: path, body: body})
}

// apiAs sends an API request with key and no scenario headers, for fixture
// set-up and checks that must not disturb the scenario's last exchange.
func (w *World) apiAs(ctx context.Context, key, method, path string) (*Exchange, error) {
	req, err := http.NewRequestWithContext(ctx, method, w.s.BaseURL+path, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+key)
	req.Header.Set("Accept", "application/json")
	if w.s.Mock {
		req.Header.Set(SessionHeader, w.session)
	}
	start := time.Now()
	resp, err := w.s.Client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", method, req.URL, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	if err != nil {
		return nil, err
	}
	ex := &Exchange{Method: method, URL: req.URL.String(), Header: req.Header.Clone(), Status: resp.StatusCode,
		RespHeader: resp.Header.Clone(), RespBody: data, Duration: time.Since(start)}
	w.lastSent = ex
	if err := w.s.Validator.Validate(ctx, method, path, resp.StatusCode, resp.Header, data); err != nil {
		return ex, err
	}
	return ex, nil
}

// TaskPath returns the API path of the scenario's task, plus suffix
// ("", "/approve", ...).
func TaskPath(t TaskRef, suffix string) string {
	return "/v2/" + t.Team + "/project/" + t.Project + "/task/" + t.ID + suffix
}
