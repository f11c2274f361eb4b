package world

import (
	"reflect"
	"testing"
	"time"
)

func TestManualClockRunsDueTimersInOrder(t *testing.T) {
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	c := NewManualClock(start)
	var ran []string
	var seen []time.Duration
	record := func(name string) func() {
		return func() { ran = append(ran, name); seen = append(seen, c.Now().Sub(start)) }
	}
	c.AfterFunc(3*time.Second, record("c"))
	c.AfterFunc(1*time.Second, record("a"))
	c.AfterFunc(1*time.Second, record("a2")) // same due time: scheduling order
	stop := c.AfterFunc(2*time.Second, record("stopped"))
	c.AfterFunc(2*time.Second, func() {
		record("b")()
		c.AfterFunc(500*time.Millisecond, record("b+0.5")) // falls due within the same Advance
		c.AfterFunc(10*time.Second, record("later"))
	})
	if !stop() {
		t.Fatal("stop of a pending timer should report true")
	}

	if n := c.Advance(3 * time.Second); n != 5 {
		t.Errorf("Advance ran %d timers, want 5", n)
	}
	if want := []string{"a", "a2", "b", "b+0.5", "c"}; !reflect.DeepEqual(ran, want) {
		t.Errorf("order: got %v, want %v", ran, want)
	}
	if want := []time.Duration{time.Second, time.Second, 2 * time.Second, 2500 * time.Millisecond, 3 * time.Second}; !reflect.DeepEqual(seen, want) {
		t.Errorf("Now() inside timers: got %v, want %v", seen, want)
	}
	if got := c.Now().Sub(start); got != 3*time.Second {
		t.Errorf("Now after Advance: got %v, want 3s", got)
	}
	if c.Pending() != 1 {
		t.Errorf("pending: got %d, want 1 (the later timer)", c.Pending())
	}
	if stop() {
		t.Error("a second stop should report false")
	}
}
