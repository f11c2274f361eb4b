package steps

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"sort"
	"strings"
	"sync"

	"github.com/tidwall/gjson"
	"go.yaml.in/yaml/v4"
)

// FixturesFile describes what exists on a real deployment: task IDs per
// status and the extra keys the 403 scenarios need. YAML or JSON.
//
//	team_id: team_123456        # optional: overrides -team
//	project_id: proj_123456     # optional: overrides -project
//	keys:
//	  without_task_edit: KEY    # a key of the team with task.read, without task.edit
//	  without_task_read: KEY    # a key of the team without task.read
//	  other_team: KEY           # a valid key of another team
//	tasks:
//	  REVIEWING: [task_r1, task_r2]
//	  COMPLETED: [task_c1]
type FixturesFile struct {
	TeamID    string              `yaml:"team_id" json:"team_id"`
	ProjectID string              `yaml:"project_id" json:"project_id"`
	Keys      map[KeyKind]string  `yaml:"keys" json:"keys"`
	Tasks     map[string][]string `yaml:"tasks" json:"tasks"`
}

// LoadFixturesFile reads and checks a fixtures file.
func LoadFixturesFile(path string) (*FixturesFile, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return ParseFixtures(data)
}

// ParseFixtures parses a fixtures document (YAML, or JSON, which YAML
// includes) and refuses unknown fields, statuses and key kinds.
func ParseFixtures(data []byte) (*FixturesFile, error) {
	var f FixturesFile
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("fixtures: %w", err)
	}
	var problems []string
	for st, ids := range f.Tasks {
		if !validStatus(st) {
			problems = append(problems, fmt.Sprintf("tasks: %q is not a status (want one of %s)", st, strings.Join(Statuses, ", ")))
		}
		for _, id := range ids {
			if id == "" {
				problems = append(problems, fmt.Sprintf("tasks.%s: an empty task id", st))
			}
		}
	}
	for k := range f.Keys {
		switch k {
		case KeyWithoutTaskEdit, KeyWithoutTaskRead, KeyOtherTeam:
		default:
			problems = append(problems, fmt.Sprintf("keys: %q is not a key kind (want without_task_edit, without_task_read or other_team)", k))
		}
	}
	if len(problems) > 0 {
		sort.Strings(problems)
		return nil, fmt.Errorf("fixtures: %s", strings.Join(problems, "; "))
	}
	return &f, nil
}

// FileProvider hands out the tasks a fixtures file lists, each to one
// scenario at most, after checking on the target that the task is in the
// wanted state. It restores the approval of every task it handed out.
type FileProvider struct {
	file *FixturesFile
	mu   sync.Mutex
	used map[string]bool
}

// NewFileProvider returns a provider over f.
func NewFileProvider(f *FixturesFile) *FileProvider {
	return &FileProvider{file: f, used: map[string]bool{}}
}

// Task hands out an unused task of the wanted status whose approval (and
// export) matches, or skips the scenario saying what is missing.
func (p *FileProvider) Task(ctx context.Context, w *World, want TaskWant) (TaskRef, error) {
	s := w.Suite()
	ids := p.file.Tasks[want.Status]
	if len(ids) == 0 {
		return TaskRef{}, Skip("fixtures: no %s task is listed (add one under tasks.%s)", want.Status, want.Status)
	}
	var seen []string
	for _, id := range ids {
		if !p.reserve(id) {
			continue
		}
		ref := TaskRef{ID: id, Team: s.Team, Project: s.Project}
		ex, err := w.apiAs(ctx, s.APIKey, http.MethodGet, TaskPath(ref, ""))
		if err != nil {
			p.release(id)
			return TaskRef{}, fmt.Errorf("fixtures: reading task %s: %w", id, err)
		}
		payload := []byte(gjson.GetBytes(ex.RespBody, "payload").Raw)
		msg := mismatch(payload, want)
		if ex.Status != http.StatusOK {
			msg = fmt.Sprintf("answers %d", ex.Status)
		}
		if msg != "" {
			p.release(id)
			seen = append(seen, id+" "+msg)
			continue
		}
		approved := want.Approved
		w.OnRestore(func(ctx context.Context) error { return restoreApproval(ctx, w, ref, approved) })
		return ref, nil
	}
	if len(seen) == 0 {
		return TaskRef{}, Skip("fixtures: every %s task listed is already used by another scenario of this run (list more under tasks.%s)", want.Status, want.Status)
	}
	return TaskRef{}, Skip("fixtures: no unused task is %s (%s)", want, strings.Join(seen, "; "))
}

func (p *FileProvider) reserve(id string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.used[id] {
		return false
	}
	p.used[id] = true
	return true
}

func (p *FileProvider) release(id string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.used, id)
}

// restoreApproval approves or disapproves ref again if the scenario changed
// its approval. A status change (complete, discard) cannot be undone: the
// task stays used up, which the operator learns from the run's summary.
func restoreApproval(ctx context.Context, w *World, ref TaskRef, approved bool) error {
	s := w.Suite()
	ex, err := w.apiAs(ctx, s.APIKey, http.MethodGet, TaskPath(ref, ""))
	if err != nil {
		return fmt.Errorf("restoring %s: %w", ref.ID, err)
	}
	if ex.Status != http.StatusOK {
		return fmt.Errorf("restoring %s: Get Task answered %d", ref.ID, ex.Status)
	}
	if gjson.GetBytes(ex.RespBody, "payload.approved").Bool() == approved {
		return nil
	}
	suffix := "/approve"
	if !approved {
		suffix = "/disapprove"
	}
	ex, err = w.apiAs(ctx, s.APIKey, http.MethodPost, TaskPath(ref, suffix))
	if err != nil {
		return fmt.Errorf("restoring %s: %w", ref.ID, err)
	}
	if ex.Status != http.StatusOK {
		return fmt.Errorf("restoring the approval of %s: %s answered %d: %s", ref.ID, suffix, ex.Status, short(ex.RespBody))
	}
	return nil
}

// Key returns the key the file lists for kind, or skips the scenario.
func (p *FileProvider) Key(_ context.Context, _ *World, kind KeyKind) (string, error) {
	if k := p.file.Keys[kind]; k != "" {
		return k, nil
	}
	return "", Skip("fixtures: no key %s is listed (add it under keys.%s)", kind, kind)
}
