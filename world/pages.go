package world

import "encoding/json"

// Pages are a task's pages in their JSON form. The mock stores and serves
// pages but never looks inside them, so it keeps them encoded: one
// pointer-free byte slice per task instead of a tree of small objects
// (every coordinate pair its own slice), which the garbage collector would
// have to walk on every cycle and which makes a large world slow to serve
// (see BENCHMARKS.md, scale). A Pages value is never changed once made, so
// copies of a task may share it.
//
// The zero Pages is an empty list. Decoding goes through []Page, so a
// stored Pages always has the Page shape, with every page's lists present.
type Pages struct{ raw []byte }

// NewPages encodes ps, giving a page's missing lists as empty ones so that
// the JSON form always has arrays. The only values it refuses are numbers
// JSON cannot hold (NaN, ±Inf).
func NewPages(ps []Page) (Pages, error) {
	if len(ps) == 0 {
		return Pages{}, nil
	}
	ps = append([]Page(nil), ps...)
	for i := range ps {
		p := &ps[i]
		if p.Annotations == nil {
			p.Annotations = []Annotation{}
		}
		if p.Checkboxes == nil {
			p.Checkboxes = []Checkbox{}
		}
		if p.Segments == nil {
			p.Segments = []Region{}
		}
		if p.Signatures == nil {
			p.Signatures = []Region{}
		}
	}
	raw, err := json.Marshal(ps)
	if err != nil {
		return Pages{}, err
	}
	return Pages{raw: raw}, nil
}

// MarshalJSON returns the stored JSON.
func (p Pages) MarshalJSON() ([]byte, error) {
	if p.raw == nil {
		return []byte("[]"), nil
	}
	return p.raw, nil
}

// UnmarshalJSON decodes data as a list of pages (null is an empty list).
func (p *Pages) UnmarshalJSON(data []byte) error {
	var ps []Page
	if err := json.Unmarshal(data, &ps); err != nil {
		return err
	}
	q, err := NewPages(ps)
	if err != nil {
		return err
	}
	*p = q
	return nil
}
