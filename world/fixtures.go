package world

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"sort"
)

// Fixtures is a world's starting point: API keys and projects with their
// tasks. Every *.json file at the top of a fixtures folder holds one, and
// the files are merged in name order.
type Fixtures struct {
	Keys     []KeyFixture     `json:"keys"`
	Projects []ProjectFixture `json:"projects"`
}

// KeyFixture is an API key. Key is the raw bearer token; Name is how audit
// entries and logs refer to it (the raw key is never recorded).
type KeyFixture struct {
	Key    string   `json:"key"`
	Name   string   `json:"name,omitempty"`
	TeamID string   `json:"team_id"`
	Scopes []string `json:"scopes"`
}

// ProjectFixture is a project of a team with its tasks and uploads. A
// project may appear in several files: its tasks and uploads add up, and
// the last automation level given wins (default: review).
type ProjectFixture struct {
	TeamID     string     `json:"team_id"`
	ProjectID  string     `json:"project_id"`
	Automation Automation `json:"automation,omitempty"`
	Tasks      []Task     `json:"tasks,omitempty"`
	Uploads    []Upload   `json:"uploads,omitempty"`
}

// Scopes an API key can carry.
var Scopes = []string{"task.read", "task.edit", "upload.read", "upload.create", "upload.edit", "upload.delete"}

// ValidScope reports whether s is a documented scope.
func ValidScope(s string) bool {
	for _, v := range Scopes {
		if s == v {
			return true
		}
	}
	return false
}

// LoadFixtures reads and merges every *.json file at the top of fsys.
func LoadFixtures(fsys fs.FS) (*Fixtures, error) {
	names, err := fs.Glob(fsys, "*.json")
	if err != nil {
		return nil, err
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("fixtures: no *.json files found")
	}
	sort.Strings(names)
	var all Fixtures
	for _, name := range names {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("fixtures: %w", err)
		}
		var fx Fixtures
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&fx); err != nil {
			return nil, fmt.Errorf("fixtures: %s: %w", path.Base(name), err)
		}
		all.Keys = append(all.Keys, fx.Keys...)
		all.Projects = append(all.Projects, fx.Projects...)
	}
	if err := all.check(); err != nil {
		return nil, err
	}
	return &all, nil
}

// check rejects fixtures the world could not hold: duplicate keys or task
// IDs, unknown scopes or statuses, tasks filed under the wrong project.
func (fx *Fixtures) check() error {
	keys := map[string]bool{}
	for i, k := range fx.Keys {
		switch {
		case k.Key == "":
			return fmt.Errorf("fixtures: keys[%d]: key is empty", i)
		case k.TeamID == "":
			return fmt.Errorf("fixtures: key %q: team_id is empty", k.Name)
		case keys[k.Key]:
			return fmt.Errorf("fixtures: key %q appears twice", k.Name)
		}
		keys[k.Key] = true
		for _, s := range k.Scopes {
			if !ValidScope(s) {
				return fmt.Errorf("fixtures: key %q: unknown scope %q", k.Name, s)
			}
		}
	}
	tasks, uploads := map[string]bool{}, map[string]bool{}
	for _, p := range fx.Projects {
		if p.TeamID == "" || p.ProjectID == "" {
			return fmt.Errorf("fixtures: a project needs team_id and project_id")
		}
		for _, t := range p.Tasks {
			id := p.TeamID + "/" + p.ProjectID + "/" + t.ID
			switch {
			case t.ID == "":
				return fmt.Errorf("fixtures: %s/%s: a task has no id", p.TeamID, p.ProjectID)
			case tasks[id]:
				return fmt.Errorf("fixtures: task %s appears twice", id)
			case t.ProjectID != "" && t.ProjectID != p.ProjectID:
				return fmt.Errorf("fixtures: task %s: project_id %q differs from its project", id, t.ProjectID)
			case !t.Status.Valid():
				return fmt.Errorf("fixtures: task %s: unknown status %q", id, t.Status)
			}
			tasks[id] = true
		}
		if p.Automation != "" && !p.Automation.Valid() {
			return fmt.Errorf("fixtures: %s/%s: automation %q is not one of %v", p.TeamID, p.ProjectID, p.Automation, Automations)
		}
		for _, u := range p.Uploads {
			id := p.TeamID + "/" + p.ProjectID + "/" + u.ID
			switch {
			case u.ID == "":
				return fmt.Errorf("fixtures: %s/%s: an upload has no id", p.TeamID, p.ProjectID)
			case uploads[id]:
				return fmt.Errorf("fixtures: upload %s appears twice", id)
			case !u.Status.Valid():
				return fmt.Errorf("fixtures: upload %s: unknown status %q", id, u.Status)
			}
			uploads[id] = true
		}
	}
	return nil
}
