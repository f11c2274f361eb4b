// Package steps holds the step definitions of the contract suite: a world
// made per scenario, an HTTP client that checks every response against
// openapi.yaml, domain steps written in the docs' words and generic steps QA
// can compose. Fixtures (tasks in a given state, API keys) come from a
// Provider: the mock's control API, or a file describing a real deployment.
package steps

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cucumber/godog"
)

// Suite is what every scenario of one run shares.
type Suite struct {
	BaseURL string // no trailing slash; API paths are appended to it
	APIKey  string // a key of Team with every task scope
	Team    string
	Project string
	// Mock says the target is a sendai-mock: /_mock is there, the steps
	// tagged @mock can run, and every request carries X-Mock-Session.
	Mock      bool
	Client    *http.Client
	Validator *Validator
	Provider  Provider
	// RunID makes the names this run creates (tasks, keys, sessions) unique.
	RunID string

	seq    atomic.Int64
	mu     sync.Mutex
	skips  map[string]string // pickle ID → why it was skipped
	timing map[string][2]time.Time
}

// SessionHeader carries the scenario's unique id to a mock target, so that
// a mock with per-session sandboxes gives each scenario its own world.
const SessionHeader = "X-Mock-Session"

// next returns a number unique within the run.
func (s *Suite) next() int64 { return s.seq.Add(1) }

// recordSkip remembers why a scenario was skipped, for the reports.
func (s *Suite) recordSkip(pickleID, reason string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.skips == nil {
		s.skips = map[string]string{}
	}
	if _, ok := s.skips[pickleID]; !ok {
		s.skips[pickleID] = reason
	}
}

// markTime records when a scenario started (end false) or ended.
func (s *Suite) markTime(pickleID string, end bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.timing == nil {
		s.timing = map[string][2]time.Time{}
	}
	t := s.timing[pickleID]
	if end {
		t[1] = time.Now()
	} else {
		t[0] = time.Now()
	}
	s.timing[pickleID] = t
}

// Duration tells how long the scenario with pickleID ran.
func (s *Suite) Duration(pickleID string) time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.timing[pickleID]
	if t[0].IsZero() || t[1].IsZero() {
		return 0
	}
	return t[1].Sub(t[0])
}

// SkipReason tells why the scenario with pickleID was skipped, or "".
func (s *Suite) SkipReason(pickleID string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.skips[pickleID]
}

// InitializeScenario makes a fresh world for one scenario and binds every
// step of the catalogue to it. Use it as godog's ScenarioInitializer.
func (s *Suite) InitializeScenario(sc *godog.ScenarioContext) {
	w := newWorld(s)
	sc.Before(w.before)
	sc.After(w.after)
	sc.StepContext().After(w.afterStep)
	for _, def := range Catalogue() {
		sc.Step(def.Pattern, w.withExchange(def.bind(w)))
	}
}

// Skip returns an error that skips the rest of the scenario and says why.
// The reason shows in every report; the scenario never counts as passed.
func Skip(format string, args ...any) error {
	return fmt.Errorf("%w: %s", godog.ErrSkip, fmt.Sprintf(format, args...))
}

// skipReason returns the reason inside an error made by Skip.
func skipReason(err error) string {
	msg := err.Error()
	if r, ok := strings.CutPrefix(msg, godog.ErrSkip.Error()+": "); ok {
		return r
	}
	return msg
}
