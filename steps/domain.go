package steps

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/tidwall/gjson"
)

// operations maps the docs' verbs to their method and path suffix.
var operations = map[string]struct{ method, suffix string }{
	"get":        {http.MethodGet, ""},
	"approve":    {http.MethodPost, "/approve"},
	"disapprove": {http.MethodPost, "/disapprove"},
	"complete":   {http.MethodPost, "/complete"},
	"discard":    {http.MethodPost, "/discard"},
	"report":     {http.MethodPost, "/report"},
}

// defaultReport is the body of "I report the task": the docs' example issue.
const defaultReport = `{"issues":[{"label":"Poor Document Quality","value":"poor_quality"}]}`

func (w *World) givenTask(ctx context.Context, exported, status, not string) error {
	if w.task != nil {
		return fmt.Errorf("the scenario already has a task (%s); a scenario works on one task", w.task.ID)
	}
	if w.s.Provider == nil {
		return errors.New("no fixtures provider is configured")
	}
	want := TaskWant{Status: status, Approved: not == "", Exported: exported != ""}
	ref, err := w.s.Provider.Task(ctx, w, want)
	if err != nil {
		return err
	}
	w.task, w.want = &ref, want
	payload, err := w.readTask(ctx)
	if err != nil {
		return fmt.Errorf("reading %s (%s) to start from: %w", want, ref.ID, err)
	}
	if msg := mismatch(payload, want); msg != "" {
		return fmt.Errorf("the task handed out for %q (%s) %s", want, ref.ID, msg)
	}
	w.snapshot = payload
	return nil
}

// mismatch says how a task payload differs from want, or "".
func mismatch(payload []byte, want TaskWant) string {
	st := gjson.GetBytes(payload, "status").String()
	ap := gjson.GetBytes(payload, "approved")
	ex := gjson.GetBytes(payload, "exported_at")
	switch {
	case st != want.Status:
		return fmt.Sprintf("is %s, not %s", st, want.Status)
	case ap.Type != gjson.True && ap.Type != gjson.False:
		return fmt.Sprintf("has approved %s, not a boolean", ap.Raw)
	case ap.Bool() != want.Approved:
		return fmt.Sprintf("has approved %v", ap.Bool())
	case want.Exported && (ex.Type == gjson.Null || !ex.Exists()):
		return "was never exported (exported_at is null)"
	}
	return ""
}

// readTask gets the scenario's task with the main key, without touching the
// scenario's last exchange, and returns its payload.
func (w *World) readTask(ctx context.Context) ([]byte, error) {
	if w.task == nil {
		return nil, errors.New("the scenario has no task: start it with a step such as \"Given a COMPLETED task that is not approved\"")
	}
	ex, err := w.apiAs(ctx, w.s.APIKey, http.MethodGet, TaskPath(*w.task, ""))
	if err != nil {
		return nil, err
	}
	if ex.Status != http.StatusOK {
		return nil, fmt.Errorf("Get Task answered %d: %s", ex.Status, short(ex.RespBody))
	}
	p := gjson.GetBytes(ex.RespBody, "payload")
	if !p.IsObject() {
		return nil, fmt.Errorf("Get Task answered no payload object: %s", short(ex.RespBody))
	}
	return []byte(p.Raw), nil
}

func (w *World) sendNoKey() error {
	w.useKey("")
	return nil
}

func (w *World) useUnknownKey() error {
	w.useKey(w.Unique("unknown_key"))
	return nil
}

func (w *World) useKeyWithout(ctx context.Context, scope string) error {
	kind := KeyWithoutTaskEdit
	if scope == "task.read" {
		kind = KeyWithoutTaskRead
	}
	return w.useKind(ctx, kind)
}

func (w *World) useOtherTeamKey(ctx context.Context) error { return w.useKind(ctx, KeyOtherTeam) }

func (w *World) useKind(ctx context.Context, kind KeyKind) error {
	if w.s.Provider == nil {
		return errors.New("no fixtures provider is configured")
	}
	key, err := w.s.Provider.Key(ctx, w, kind)
	if err != nil {
		return err
	}
	w.useKey(key)
	return nil
}

func (w *World) operate(ctx context.Context, op string, ref TaskRef) error {
	o, ok := operations[op]
	if !ok {
		return fmt.Errorf("unknown operation %q", op)
	}
	var body []byte
	if op == "report" {
		body = []byte(defaultReport)
	}
	_, err := w.API(ctx, o.method, TaskPath(ref, o.suffix), body)
	return err
}

func (w *World) operateOnTask(ctx context.Context, op string) error {
	if w.task == nil {
		return fmt.Errorf("I %s the task: the scenario has no task; start it with a step such as \"Given a COMPLETED task that is not approved\"", op)
	}
	return w.operate(ctx, op, *w.task)
}

func (w *World) reportWithIssue(ctx context.Context, label, value string) error {
	if w.task == nil {
		return errors.New("the scenario has no task")
	}
	body := fmt.Sprintf(`{"issues":[{"label":%s,"value":%s}]}`, jsonText(label), jsonText(value))
	_, err := w.API(ctx, http.MethodPost, TaskPath(*w.task, "/report"), []byte(body))
	return err
}

func (w *World) operateOnMissingTask(ctx context.Context, op string) error {
	return w.operate(ctx, op, TaskRef{ID: w.vars["unknown_task_id"], Team: w.team(), Project: w.project()})
}

func (w *World) operateInMissingProject(ctx context.Context, op string) error {
	id := w.vars["unknown_task_id"]
	if w.task != nil {
		id = w.task.ID
	}
	return w.operate(ctx, op, TaskRef{ID: id, Team: w.team(), Project: w.vars["unknown_project_id"]})
}

// requestSucceeds checks the documented success: 200, the task in its
// envelope, the scenario's task.
func (w *World) requestSucceeds() error {
	if w.last == nil {
		return errors.New("no request was sent yet")
	}
	if w.last.Status != http.StatusOK {
		return fmt.Errorf("want 200, got %d: %s", w.last.Status, short(w.last.RespBody))
	}
	body, err := w.lastJSON()
	if err != nil {
		return err
	}
	p := gjson.GetBytes(body, "payload")
	if !p.IsObject() {
		return fmt.Errorf("want the task wrapped in its envelope {\"payload\": {...}}, got %s", short(body))
	}
	if w.task != nil {
		if id := p.Get("id"); id.String() != w.task.ID || id.Type != gjson.String {
			return fmt.Errorf("want the scenario's task %q at payload.id, got %s", w.task.ID, orMissing(id))
		}
	}
	return nil
}

// requestFails checks the documented error: the status and the body
// {"statusCode": status, "error": reason phrase, "message": message}.
func (w *World) requestFails(status int, message string) error {
	if err := w.errorBody(status); err != nil {
		return err
	}
	got := gjson.GetBytes(w.last.RespBody, "message")
	if got.Type != gjson.String || got.String() != message {
		return fmt.Errorf("want message %q, got %s in %s", message, orMissing(got), short(w.last.RespBody))
	}
	return nil
}

func (w *World) errorBody(status int) error {
	if w.last == nil {
		return errors.New("no request was sent yet")
	}
	if w.last.Status != status {
		return fmt.Errorf("want %d %s, got %d: %s", status, http.StatusText(status), w.last.Status, short(w.last.RespBody))
	}
	body, err := w.lastJSON()
	if err != nil {
		return err
	}
	if sc := gjson.GetBytes(body, "statusCode"); sc.Type != gjson.Number || sc.Int() != int64(status) {
		return fmt.Errorf("want statusCode %d in the error body, got %s in %s", status, orMissing(sc), short(body))
	}
	if e := gjson.GetBytes(body, "error"); e.String() != http.StatusText(status) {
		return fmt.Errorf("want error %q in the error body, got %s in %s", http.StatusText(status), orMissing(e), short(body))
	}
	return nil
}

// requestFailsNaming checks a 400 for a request that breaks the contract:
// the message starts "Invalid request" and errors names the field.
func (w *World) requestFailsNaming(field string) error {
	if err := w.errorBody(http.StatusBadRequest); err != nil {
		return err
	}
	body := w.last.RespBody
	if msg := gjson.GetBytes(body, "message").String(); !strings.HasPrefix(msg, "Invalid request") {
		return fmt.Errorf("want a message starting \"Invalid request\", got %q", msg)
	}
	var fields []string
	for _, f := range gjson.GetBytes(body, "errors.#.field").Array() {
		if f.String() == field {
			return nil
		}
		fields = append(fields, f.String())
	}
	return fmt.Errorf("want errors to name the field %q, got %v in %s", field, fields, short(body))
}

func (w *World) taskApproved(not string) error {
	want := not == ""
	got, err := w.at("payload.approved")
	if err != nil {
		return err
	}
	if got.Type != gjson.True && got.Type != gjson.False {
		return fmt.Errorf("want payload.approved to be a boolean, got %s", got.Raw)
	}
	if got.Bool() != want {
		return fmt.Errorf("want payload.approved %v, got %v", want, got.Bool())
	}
	return nil
}

func (w *World) statusStill(status string) error {
	if w.task != nil && w.want.Status != status {
		return fmt.Errorf("the scenario's task started %s, not %s: use 'the task's status is \"%s\"'", w.want.Status, status, status)
	}
	return w.statusIs(status)
}

func (w *World) statusIs(status string) error {
	got, err := w.at("payload.status")
	if err != nil {
		return err
	}
	if got.String() != status || got.Type != gjson.String {
		return fmt.Errorf("want payload.status %q, got %s", status, got.Raw)
	}
	return nil
}

func (w *World) messageIs(msg string) error {
	got, err := w.at("message")
	if err != nil {
		return err
	}
	if got.String() != msg || got.Type != gjson.String {
		return fmt.Errorf("want message %q, got %s", msg, got.Raw)
	}
	return nil
}

func (w *World) responseShowsUnchanged() error {
	if w.snapshot == nil {
		return errors.New("the scenario has no task to compare with")
	}
	got, err := w.at("payload")
	if err != nil {
		return err
	}
	return sameTask(w.snapshot, []byte(got.Raw), "the response's payload")
}

func (w *World) taskUnchanged(ctx context.Context) error {
	if w.snapshot == nil {
		return errors.New("the scenario has no task to compare with")
	}
	now, err := w.readTask(ctx)
	if err != nil {
		return err
	}
	return sameTask(w.snapshot, now, "Get Task now")
}

func sameTask(before, now []byte, what string) error {
	if diffs := subsetDiff("", decode(before), decode(now)); len(diffs) > 0 {
		return fmt.Errorf("want the task unchanged, but %s differs from the task as it was:\n  %s", what, strings.Join(diffs, "\n  "))
	}
	return nil
}

// matchesExample compares the last response with an example of the spec,
// except the comma-separated gjson paths.
func (w *World) matchesExample(name, except string) error {
	ex, ok := w.s.Validator.Doc().Components.Examples[name]
	if !ok || ex.Value == nil {
		return fmt.Errorf("openapi.yaml has no example %q", name)
	}
	want := decode(mustJSON(ex.Value.Value))
	body, err := w.lastJSON()
	if err != nil {
		return err
	}
	got := decode(body)
	for _, p := range strings.Split(except, ",") {
		deletePath(want, strings.TrimSpace(p))
		deletePath(got, strings.TrimSpace(p))
	}
	if diffs := subsetDiff("", want, got); len(diffs) > 0 {
		return fmt.Errorf("the response differs from the example %q:\n  %s", name, strings.Join(diffs, "\n  "))
	}
	return nil
}

func orMissing(r gjson.Result) string {
	if !r.Exists() {
		return "nothing"
	}
	return r.Raw
}
