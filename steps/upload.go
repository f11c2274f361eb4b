package steps

// Steps about a document's life: Create Upload, the tasks an upload made,
// its status and folder, the project's automation level and the events
// along the way. A scenario works on its last upload. The tasks of an
// upload are found through the mock's control API, so these steps need a
// sendai-mock (tag the scenario @mock).

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"mime"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"path"
	"regexp"
	"slices"
	"strings"

	"github.com/tidwall/gjson"
)

// UploadRef is the upload a scenario created.
type UploadRef struct {
	ID      string
	Team    string
	Project string
	Files   []string // the names sent, in order
	Tasks   []string // the tasks the upload made, in the order they were made
}

// maxUploadFiles is Create Upload's documented limit.
const maxUploadFiles = 100

var quoted = regexp.MustCompile(`"([^"]+)"`)

// UploadPath returns the API path of Create Upload, or of an upload plus
// suffix.
func UploadPath(team, project, uploadID, suffix string) string {
	p := "/v2/" + team + "/project/" + project + "/upload"
	if uploadID != "" {
		p += "/" + uploadID
	}
	return p + suffix
}

// uploadNamed uploads the files named in the step: "a.pdf" and "b.pdf".
func (w *World) uploadNamed(ctx context.Context, list string) error {
	var names []string
	for _, m := range quoted.FindAllStringSubmatch(list, -1) {
		names = append(names, m[1])
	}
	return w.uploadFiles(ctx, names)
}

// uploadCount uploads n documents named document-1.pdf, document-2.pdf, ...
func (w *World) uploadCount(ctx context.Context, n int) error {
	if n < 1 || n > maxUploadFiles {
		return fmt.Errorf("an upload holds 1 to %d files, not %d", maxUploadFiles, n)
	}
	names := make([]string, n)
	for i := range names {
		names[i] = fmt.Sprintf("document-%d.pdf", i+1)
	}
	return w.uploadFiles(ctx, names)
}

// uploadFiles sends Create Upload as the docs show it: multipart, one
// "file" field per document and "projectId". On 200 it remembers the upload
// ({upload_id}) and the tasks it made; any other answer is left for the
// Then steps to judge.
func (w *World) uploadFiles(ctx context.Context, names []string) error {
	if !w.s.Mock {
		// Checked first, so nothing is uploaded to a real deployment.
		return Skip("the upload steps find an upload's tasks through a sendai-mock's control API; %s is not one (tag the scenario @mock)", w.s.BaseURL)
	}
	team, project := w.team(), w.project()
	body, ctype, err := multipartUpload(project, names)
	if err != nil {
		return err
	}
	w.upload = nil
	ex, err := w.send(ctx, request{method: http.MethodPost, path: UploadPath(team, project, "", ""), body: body, contentType: ctype})
	if err != nil {
		return err
	}
	if ex.Status != http.StatusOK {
		w.noUpload = fmt.Sprintf("Create Upload answered %d: %s", ex.Status, short(ex.RespBody))
		return nil
	}
	id := gjson.GetBytes(ex.RespBody, "id")
	if id.Type != gjson.String || id.String() == "" {
		return fmt.Errorf("Create Upload answered 200 without an upload id: %s", short(ex.RespBody))
	}
	u := &UploadRef{ID: id.String(), Team: team, Project: project, Files: names}
	list, err := w.Control(ctx, http.MethodGet, fmt.Sprintf("/teams/%s/projects/%s/tasks?upload_id=%s",
		url.PathEscape(team), url.PathEscape(project), url.QueryEscape(u.ID)), nil)
	if err != nil {
		return fmt.Errorf("finding the tasks of upload %s: %w", u.ID, err)
	}
	if !gjson.ValidBytes(list) || !gjson.ParseBytes(list).IsArray() {
		return fmt.Errorf("the mock's task list is not a JSON array: %s", short(list))
	}
	for _, t := range gjson.ParseBytes(list).Array() {
		u.Tasks = append(u.Tasks, t.Get("id").String())
	}
	w.upload, w.noUpload = u, ""
	w.vars["upload_id"] = u.ID
	return nil
}

// multipartUpload builds Create Upload's body: a small PDF per name, typed
// by its extension, and the project.
func multipartUpload(project string, names []string) ([]byte, string, error) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for _, name := range names {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="file"; filename=%q`, name))
		ct := mime.TypeByExtension(path.Ext(name))
		if ct == "" {
			ct = "application/octet-stream"
		}
		h.Set("Content-Type", ct)
		part, err := mw.CreatePart(h)
		if err != nil {
			return nil, "", err
		}
		fmt.Fprintf(part, "%%PDF-1.4\n%% %s, a document of the contract suite\n%%%%EOF\n", name)
	}
	if err := mw.WriteField("projectId", project); err != nil {
		return nil, "", err
	}
	if err := mw.Close(); err != nil {
		return nil, "", err
	}
	return buf.Bytes(), mw.FormDataContentType(), nil
}

// theUpload returns the scenario's upload, or says why there is none.
func (w *World) theUpload() (*UploadRef, error) {
	if w.upload != nil {
		return w.upload, nil
	}
	if w.noUpload != "" {
		return nil, errors.New("the scenario has no upload: " + w.noUpload)
	}
	return nil, errors.New(`the scenario has no upload: start it with a step such as "When I upload the files "invoice-1.pdf" and "invoice-2.pdf""`)
}

// uploadCreated checks Create Upload's documented answer: 200, the upload
// unwrapped, in camelCase, status "processing".
func (w *World) uploadCreated() error {
	u, err := w.theUpload()
	if err != nil {
		return err
	}
	body, err := w.lastJSON()
	if err != nil {
		return err
	}
	want := map[string]string{"id": u.ID, "projectId": u.Project, "status": "processing"}
	for _, k := range []string{"id", "projectId", "status"} {
		if got := gjson.GetBytes(body, k); got.Type != gjson.String || got.String() != want[k] {
			return fmt.Errorf("want %s %q in Create Upload's answer, got %s in %s", k, want[k], orMissing(got), short(body))
		}
	}
	return nil
}

// getUpload reads the scenario's upload with Get Upload; the answer is the
// scenario's last response. It returns the payload.
func (w *World) getUpload(ctx context.Context) (gjson.Result, error) {
	u, err := w.theUpload()
	if err != nil {
		return gjson.Result{}, err
	}
	ex, err := w.API(ctx, http.MethodGet, UploadPath(u.Team, u.Project, u.ID, ""), nil)
	if err != nil {
		return gjson.Result{}, err
	}
	if ex.Status != http.StatusOK {
		return gjson.Result{}, fmt.Errorf("Get Upload answered %d: %s", ex.Status, short(ex.RespBody))
	}
	p := gjson.GetBytes(ex.RespBody, "payload")
	if !p.IsObject() {
		return gjson.Result{}, fmt.Errorf("Get Upload answered no payload object: %s", short(ex.RespBody))
	}
	return p, nil
}

func (w *World) getUploadStep(ctx context.Context) error {
	u, err := w.theUpload()
	if err != nil {
		return err
	}
	_, err = w.API(ctx, http.MethodGet, UploadPath(u.Team, u.Project, u.ID, ""), nil)
	return err
}

func (w *World) uploadStatusIs(ctx context.Context, want string) error {
	p, err := w.getUpload(ctx)
	if err != nil {
		return err
	}
	if got := p.Get("status"); got.Type != gjson.String || got.String() != want {
		return fmt.Errorf("want the upload's status %q, got %s", want, orMissing(got))
	}
	return nil
}

func (w *World) uploadInFolder(ctx context.Context, want string) error {
	p, err := w.getUpload(ctx)
	if err != nil {
		return err
	}
	if got := p.Get("folder_id"); got.Type != gjson.String || got.String() != want {
		return fmt.Errorf("want the upload in the folder %q, got folder_id %s", want, orMissing(got))
	}
	return nil
}

// uploadHasTasks checks one task per file: the mock made n tasks for the
// upload, and Get Upload names one of them for each of its n files.
func (w *World) uploadHasTasks(ctx context.Context, n int) error {
	u, err := w.theUpload()
	if err != nil {
		return err
	}
	if len(u.Tasks) != n {
		return fmt.Errorf("want %d tasks for the upload, the mock holds %d: %v", n, len(u.Tasks), u.Tasks)
	}
	p, err := w.getUpload(ctx)
	if err != nil {
		return err
	}
	files := p.Get("files").Array()
	if len(files) != n {
		return fmt.Errorf("want %d files in Get Upload's answer, got %d", n, len(files))
	}
	seen := map[string]bool{}
	for i, f := range files {
		id := f.Get("task_id").String()
		if !slices.Contains(u.Tasks, id) || seen[id] {
			return fmt.Errorf("file %d (%s) names the task %q; want one of the upload's tasks %v, each once", i+1, f.Get("name").String(), id, u.Tasks)
		}
		seen[id] = true
	}
	return nil
}

// uploadTasks returns the scenario's upload's tasks as TaskRefs.
func (w *World) uploadTasks() ([]TaskRef, error) {
	u, err := w.theUpload()
	if err != nil {
		return nil, err
	}
	if len(u.Tasks) == 0 {
		return nil, fmt.Errorf("the mock holds no task of upload %s", u.ID)
	}
	refs := make([]TaskRef, len(u.Tasks))
	for i, id := range u.Tasks {
		refs[i] = TaskRef{ID: id, Team: u.Team, Project: u.Project}
	}
	return refs, nil
}

// everyUploadTask reads each task of the upload with Get Task (checked
// against the contract) and reports every task for which bad says
// something.
func (w *World) everyUploadTask(ctx context.Context, bad func(payload gjson.Result) string) error {
	refs, err := w.uploadTasks()
	if err != nil {
		return err
	}
	var wrong []string
	for _, ref := range refs {
		ex, err := w.API(ctx, http.MethodGet, TaskPath(ref, ""), nil)
		if err != nil {
			return err
		}
		if ex.Status != http.StatusOK {
			return fmt.Errorf("Get Task %s answered %d: %s", ref.ID, ex.Status, short(ex.RespBody))
		}
		if msg := bad(gjson.GetBytes(ex.RespBody, "payload")); msg != "" {
			wrong = append(wrong, ref.ID+" "+msg)
		}
	}
	if len(wrong) > 0 {
		return errors.New(strings.Join(wrong, "; "))
	}
	return nil
}

func (w *World) everyTaskStatus(ctx context.Context, want string) error {
	return w.everyUploadTask(ctx, func(p gjson.Result) string {
		if got := p.Get("status"); got.Type != gjson.String || got.String() != want {
			return fmt.Sprintf("is %s, want %s", orMissing(got), want)
		}
		return ""
	})
}

func (w *World) everyTaskApproved(ctx context.Context, not string) error {
	want := not == ""
	return w.everyUploadTask(ctx, func(p gjson.Result) string {
		got := p.Get("approved")
		if (got.Type != gjson.True && got.Type != gjson.False) || got.Bool() != want {
			return fmt.Sprintf("has approved %s, want %v", orMissing(got), want)
		}
		return ""
	})
}

// operateOnEach calls the operation on every task of the upload, in order.
// Unlike the one-task steps it judges the answers: each must be 200, so a
// scenario can walk the whole life without a Then after every call.
func (w *World) operateOnEach(ctx context.Context, op string) error {
	refs, err := w.uploadTasks()
	if err != nil {
		return err
	}
	for _, ref := range refs {
		if err := w.operate(ctx, op, ref); err != nil {
			return err
		}
		if w.last.Status != http.StatusOK {
			return fmt.Errorf("%s task %s of the upload: want 200, got %d: %s", op, ref.ID, w.last.Status, short(w.last.RespBody))
		}
	}
	return nil
}

var ordinals = map[string]int{"first": 0, "second": 1, "third": 2}

// operateOnNth makes the upload's nth task the scenario's task (so the
// task steps check it, "the task is unchanged" included) and calls the
// operation on it; the answer is left for the Then steps.
func (w *World) operateOnNth(ctx context.Context, op, nth string) error {
	refs, err := w.uploadTasks()
	if err != nil {
		return err
	}
	i, ok := ordinals[nth]
	if nth == "last" {
		i, ok = len(refs)-1, true
	}
	if !ok || i >= len(refs) {
		return fmt.Errorf("the upload has %d task(s), no %s one", len(refs), nth)
	}
	if w.task != nil && !slices.Contains(w.upload.Tasks, w.task.ID) {
		return fmt.Errorf("the scenario already works on task %s, which is not of the upload", w.task.ID)
	}
	ref := refs[i]
	w.task = &ref
	payload, err := w.readTask(ctx)
	if err != nil {
		return fmt.Errorf("reading the %s task of the upload (%s): %w", nth, ref.ID, err)
	}
	w.snapshot = payload
	w.want = TaskWant{Status: gjson.GetBytes(payload, "status").String(), Approved: gjson.GetBytes(payload, "approved").Bool()}
	return w.operate(ctx, op, ref)
}

// setAutomation sets the automation level of the scenario's project in its
// sandbox (PUT /_mock/teams/{team}/projects/{project}), and puts the old
// level back after the scenario.
func (w *World) setAutomation(ctx context.Context, level string) error {
	p := fmt.Sprintf("/teams/%s/projects/%s", url.PathEscape(w.team()), url.PathEscape(w.project()))
	old, err := w.Control(ctx, http.MethodGet, p, nil)
	if err != nil {
		return fmt.Errorf("reading the project's automation level: %w", err)
	}
	before := gjson.GetBytes(old, "automation").String()
	if _, err := w.Control(ctx, http.MethodPut, p, map[string]string{"automation": level}, http.StatusOK, http.StatusCreated); err != nil {
		return err
	}
	if before != "" && before != level {
		w.OnRestore(func(ctx context.Context) error {
			_, err := w.Control(ctx, http.MethodPut, p, map[string]string{"automation": before})
			return err
		})
	}
	return nil
}

// uploadEvents returns the events of a type about the scenario's upload.
func (w *World) uploadEvents(ctx context.Context, typ string) ([]gjson.Result, error) {
	u, err := w.theUpload()
	if err != nil {
		return nil, err
	}
	body, err := w.Control(ctx, http.MethodGet, "/events?type="+url.QueryEscape(typ), nil)
	if err != nil {
		return nil, err
	}
	if !gjson.ValidBytes(body) || !gjson.ParseBytes(body).IsArray() {
		return nil, fmt.Errorf("/_mock/events is not a JSON array: %s", short(body))
	}
	var out []gjson.Result
	for _, e := range gjson.ParseBytes(body).Array() {
		if e.Get("upload.id").String() == u.ID && e.Get("project_id").String() == u.Project && e.Get("type").String() == typ {
			out = append(out, e)
		}
	}
	return out, nil
}

// uploadEvent checks that an event of the type was published for the
// upload (once, at the UPLOAD level), or with no, that none was. The step
// names the type either before or after the word "event".
func (w *World) uploadEvent(ctx context.Context, no, typeA, typeB string) error {
	typ := typeA + typeB
	events, err := w.uploadEvents(ctx, typ)
	if err != nil {
		return err
	}
	switch {
	case no != "" && len(events) > 0:
		return fmt.Errorf("want no %q event for upload %s, got %s", typ, w.upload.ID, raws(events))
	case no != "":
		return nil
	case len(events) == 0:
		return fmt.Errorf("no %q event was published for upload %s", typ, w.upload.ID)
	case len(events) > 1:
		return fmt.Errorf("%d %q events were published for upload %s, want one: %s", len(events), typ, w.upload.ID, raws(events))
	}
	if lvl := events[0].Get("event_level").String(); lvl != "UPLOAD" {
		return fmt.Errorf("the %q event has event_level %q, want UPLOAD: %s", typ, lvl, events[0].Raw)
	}
	return nil
}

// eventForEachTask checks that an event of the type was published for
// every task of the upload.
func (w *World) eventForEachTask(ctx context.Context, typ string) error {
	refs, err := w.uploadTasks()
	if err != nil {
		return err
	}
	body, err := w.Control(ctx, http.MethodGet, "/events?type="+url.QueryEscape(typ), nil)
	if err != nil {
		return err
	}
	if !gjson.ValidBytes(body) || !gjson.ParseBytes(body).IsArray() {
		return fmt.Errorf("/_mock/events is not a JSON array: %s", short(body))
	}
	have := map[string]bool{}
	for _, e := range gjson.ParseBytes(body).Array() {
		if e.Get("type").String() == typ && e.Get("event_level").String() == "TASK" && e.Get("project_id").String() == refs[0].Project {
			have[e.Get("task.id").String()] = true
		}
	}
	var missing []string
	for _, ref := range refs {
		if !have[ref.ID] {
			missing = append(missing, ref.ID)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("no %q event for the upload's task(s) %s", typ, strings.Join(missing, ", "))
	}
	return nil
}
