package world

// DefaultMaxHistory is how many audit entries and events a world keeps
// when Options.MaxHistory is zero: enough for any test run, and a bound on
// the memory of a mock left running under load.
const DefaultMaxHistory = 1000

// history is a ring of the last max records, oldest first. A zero max
// keeps everything.
type history[T any] struct {
	max   int
	items []T
	start int // index of the oldest item once the ring is full
}

func (h *history[T]) add(v T) {
	if h.max <= 0 || len(h.items) < h.max {
		h.items = append(h.items, v)
		return
	}
	h.items[h.start] = v
	h.start = (h.start + 1) % h.max
}

// list returns a copy, oldest first.
func (h *history[T]) list() []T {
	out := make([]T, 0, len(h.items))
	out = append(out, h.items[h.start:]...)
	return append(out, h.items[:h.start]...)
}

func (h *history[T]) reset() {
	h.items, h.start = nil, 0
}
