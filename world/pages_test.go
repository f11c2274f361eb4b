package world

import (
	"encoding/json"
	"math"
	"testing"
)

func TestPagesKeepTheirJSON(t *testing.T) {
	in := `[{"id":"page_1","width":2480,"height":3508,"annotations":[{"id":"ann_1","entity_id":"total_amount","confidence":0.98,"content":"$1,234.56","top":120.5,"left_of_line":340}],"checkboxes":[{"id":"cb_1","confidence":0.92,"checked":true,"coordinates":[[100,100],[120,100],[120,120],[100,120]]}],"segments":[],"signatures":[]}]`
	var p Pages
	if err := json.Unmarshal([]byte(in), &p); err != nil {
		t.Fatal(err)
	}
	out, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	if string(out) != in {
		t.Fatalf("round trip changed the pages:\n got %s\nwant %s", out, in)
	}
	var ps []Page
	if err := json.Unmarshal(out, &ps); err != nil || len(ps) != 1 || ps[0].Checkboxes[0].Coordinates[2][1] != 120 {
		t.Fatalf("decoding the pages again: got %+v, %v", ps, err)
	}
}

func TestPagesGiveMissingListsAsEmpty(t *testing.T) {
	for _, in := range []string{`null`, `[]`} {
		var p Pages
		if err := json.Unmarshal([]byte(in), &p); err != nil {
			t.Fatal(err)
		}
		if out, _ := json.Marshal(p); string(out) != `[]` {
			t.Errorf("%s: got %s, want []", in, out)
		}
	}
	var zero Pages
	if out, _ := json.Marshal(struct{ P Pages }{zero}); string(out) != `{"P":[]}` {
		t.Errorf("zero Pages: got %s", out)
	}
	var p Pages
	if err := json.Unmarshal([]byte(`[{"id":"p","width":1,"height":2}]`), &p); err != nil {
		t.Fatal(err)
	}
	want := `[{"id":"p","width":1,"height":2,"annotations":[],"checkboxes":[],"segments":[],"signatures":[]}]`
	if out, _ := json.Marshal(p); string(out) != want {
		t.Errorf("got %s, want %s", out, want)
	}
}

func TestPagesRefuseWhatJSONCannotHold(t *testing.T) {
	if _, err := NewPages([]Page{{ID: "p", Width: math.NaN()}}); err == nil {
		t.Fatal("NaN width: got no error")
	}
	var p Pages
	if err := json.Unmarshal([]byte(`[{"id":1}]`), &p); err == nil {
		t.Fatal(`{"id":1}: got no error`)
	}
}
