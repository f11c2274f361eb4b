package steps

// Steps that read what only a mock can show: its audit trail, training
// dataset and events. The mock's lists are shared by every scenario of a
// run, so each check keeps only the entries of the scenario's own task.

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/tidwall/gjson"
)

// mockList returns the entries of a /_mock list (audit, training, events)
// about the scenario's task, oldest first.
func (w *World) mockList(ctx context.Context, list, idPath string) ([]gjson.Result, error) {
	if w.task == nil {
		return nil, errors.New("the scenario has no task")
	}
	body, err := w.Control(ctx, http.MethodGet, "/"+list, nil)
	if err != nil {
		return nil, err
	}
	if !gjson.ValidBytes(body) || !gjson.ParseBytes(body).IsArray() {
		return nil, fmt.Errorf("/_mock/%s is not a JSON array: %s", list, short(body))
	}
	var out []gjson.Result
	for _, e := range gjson.ParseBytes(body).Array() {
		if e.Get(idPath).String() == w.task.ID && e.Get("project_id").String() == w.task.Project {
			out = append(out, e)
		}
	}
	return out, nil
}

// fingerprint is how the mock identifies a key without storing it.
func fingerprint(key string) string {
	sum := sha256.Sum256([]byte(key))
	return "sha256:" + hex.EncodeToString(sum[:8])
}

func (w *World) auditRecords(ctx context.Context, action string) error {
	entries, err := w.mockList(ctx, "audit", "task_id")
	if err != nil {
		return err
	}
	for _, e := range entries {
		if e.Get("action").String() != action {
			continue
		}
		if fp := e.Get("key_fingerprint").String(); fp != fingerprint(w.key) {
			return fmt.Errorf("the audit entry for %q names the key %s, want the scenario's key (%s): %s", action, fp, fingerprint(w.key), e.Raw)
		}
		if _, err := time.Parse(time.RFC3339Nano, e.Get("time").String()); err != nil {
			return fmt.Errorf("the audit entry for %q has no valid timestamp: %s", action, e.Raw)
		}
		return nil
	}
	return fmt.Errorf("the audit trail has no %q entry for task %s; its entries for the task: %s", action, w.task.ID, raws(entries))
}

func (w *World) auditEmpty(ctx context.Context) error {
	entries, err := w.mockList(ctx, "audit", "task_id")
	if err != nil {
		return err
	}
	if len(entries) > 0 {
		return fmt.Errorf("want no audit entry for task %s, got %s", w.task.ID, raws(entries))
	}
	return nil
}

func (w *World) inTraining(ctx context.Context, not string) error {
	entries, err := w.mockList(ctx, "training", "task_id")
	if err != nil {
		return err
	}
	switch {
	case not == "" && len(entries) == 0:
		return fmt.Errorf("task %s is not in the training dataset", w.task.ID)
	case not == "" && len(entries) > 1:
		return fmt.Errorf("task %s is in the training dataset %d times: %s", w.task.ID, len(entries), raws(entries))
	case not != "" && len(entries) > 0:
		return fmt.Errorf("task %s is still in the training dataset: %s", w.task.ID, raws(entries))
	}
	return nil
}

func (w *World) eventPublished(ctx context.Context, typ string) error {
	entries, err := w.mockList(ctx, "events", "task.id")
	if err != nil {
		return err
	}
	for _, e := range entries {
		if e.Get("type").String() == typ {
			if e.Get("event_level").String() != "TASK" {
				return fmt.Errorf("the %q event has event_level %s, want TASK: %s", typ, e.Get("event_level").Raw, e.Raw)
			}
			return nil
		}
	}
	return fmt.Errorf("no %q event for task %s; its events: %s", typ, w.task.ID, raws(entries))
}

func (w *World) noEvent(ctx context.Context) error {
	entries, err := w.mockList(ctx, "events", "task.id")
	if err != nil {
		return err
	}
	if len(entries) > 0 {
		return fmt.Errorf("want no event for task %s, got %s", w.task.ID, raws(entries))
	}
	return nil
}

// timePasses moves the scenario's clock on by seconds. It needs a mock
// with a manual clock (POST /_mock/clock/advance); on a manual clock each
// session has its own, so no other scenario's time moves.
func (w *World) timePasses(ctx context.Context, seconds float64) error {
	_, err := w.Control(ctx, http.MethodPost, "/clock/advance", map[string]float64{"seconds": seconds})
	if err != nil {
		return fmt.Errorf("moving the mock's clock on %g s (needs a mock started with -clock=manual): %w", seconds, err)
	}
	return nil
}

// processingDelayPasses moves the scenario's clock on by the mock's
// processing delay (GET /_mock/clock), or by half of it with "less than",
// so that features hold whatever -processing-delay the mock runs with.
func (w *World) processingDelayPasses(ctx context.Context, less string) error {
	data, err := w.Control(ctx, http.MethodGet, "/clock", nil)
	if err != nil {
		return err
	}
	delay := gjson.GetBytes(data, "processing_delay_seconds")
	if delay.Type != gjson.Number || delay.Float() <= 0 {
		return fmt.Errorf("GET /_mock/clock: want a positive processing_delay_seconds, got %s", data)
	}
	seconds := delay.Float()
	if less != "" {
		seconds /= 2
	}
	return w.timePasses(ctx, seconds)
}

func raws(rs []gjson.Result) string {
	if len(rs) == 0 {
		return "none"
	}
	s := "["
	for i, r := range rs {
		if i > 0 {
			s += ", "
		}
		s += r.Raw
	}
	return s + "]"
}
