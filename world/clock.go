package world

import (
	"sort"
	"sync"
	"time"
)

// Clock is the one source of time in the mock: timestamps and processing
// delays are both measured on it, so tests can drive time by hand.
type Clock interface {
	Now() time.Time
	// AfterFunc calls f in its own goroutine once d has passed on this clock.
	AfterFunc(d time.Duration, f func()) (stop func() bool)
}

// RealClock is the wall clock.
type RealClock struct{}

// Now returns the current UTC time.
func (RealClock) Now() time.Time { return time.Now().UTC() }

// AfterFunc waits on the wall clock.
func (RealClock) AfterFunc(d time.Duration, f func()) func() bool {
	return time.AfterFunc(d, f).Stop
}

// ManualClock moves only when Advance is called. Timers that fall due run
// in due order, each seeing Now() equal to its own due time.
type ManualClock struct {
	mu     sync.Mutex
	now    time.Time
	seq    int
	timers []*manualTimer
}

type manualTimer struct {
	due     time.Time
	seq     int
	f       func()
	stopped bool
}

// NewManualClock returns a clock stopped at start.
func NewManualClock(start time.Time) *ManualClock {
	return &ManualClock{now: start.UTC()}
}

// Now returns the clock's current time.
func (c *ManualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// AfterFunc schedules f for d from now. f runs inside Advance, not in its own
// goroutine, so that Advance returns only after every due transition ran.
func (c *ManualClock) AfterFunc(d time.Duration, f func()) func() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.seq++
	t := &manualTimer{due: c.now.Add(d), seq: c.seq, f: f}
	c.timers = append(c.timers, t)
	return func() bool {
		c.mu.Lock()
		defer c.mu.Unlock()
		was := !t.stopped
		t.stopped = true
		return was
	}
}

// Advance moves the clock forward by d, running every timer that falls due
// in order of due time (then of scheduling). Timers scheduled by those
// callbacks run too if they fall due within d. It returns how many ran.
func (c *ManualClock) Advance(d time.Duration) int {
	c.mu.Lock()
	end := c.now.Add(d)
	c.mu.Unlock()
	ran := 0
	for {
		c.mu.Lock()
		next := c.popDueLocked(end)
		if next == nil {
			c.now = end
			c.mu.Unlock()
			return ran
		}
		c.now = next.due
		c.mu.Unlock()
		next.f()
		ran++
	}
}

// Pending reports how many timers have not yet run or been stopped.
func (c *ManualClock) Pending() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, t := range c.timers {
		if !t.stopped {
			n++
		}
	}
	return n
}

func (c *ManualClock) popDueLocked(end time.Time) *manualTimer {
	live := c.timers[:0]
	for _, t := range c.timers {
		if !t.stopped {
			live = append(live, t)
		}
	}
	c.timers = live
	if len(live) == 0 {
		return nil
	}
	sort.SliceStable(live, func(i, j int) bool {
		if !live[i].due.Equal(live[j].due) {
			return live[i].due.Before(live[j].due)
		}
		return live[i].seq < live[j].seq
	})
	first := live[0]
	if first.due.After(end) {
		return nil
	}
	first.stopped = true
	return first
}
