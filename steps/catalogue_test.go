package steps

import (
	"regexp"
	"strings"
	"testing"
)

// TestCatalogueExamples checks that each example of -list-steps matches
// its own pattern and no other, so the catalogue never shows an ambiguous
// or broken example.
func TestCatalogueExamples(t *testing.T) {
	defs := Catalogue()
	res := make([]*regexp.Regexp, len(defs))
	for i, d := range defs {
		if !strings.HasPrefix(d.Pattern, "^") || !strings.HasSuffix(d.Pattern, "$") {
			t.Errorf("pattern %q is not anchored", d.Pattern)
		}
		res[i] = regexp.MustCompile(d.Pattern)
	}
	for i, d := range defs {
		text := stepText(d.Example)
		var matched []string
		for j, re := range res {
			if re.MatchString(text) {
				matched = append(matched, defs[j].Pattern)
			}
		}
		if len(matched) != 1 || matched[0] != defs[i].Pattern {
			t.Errorf("example %q: want it to match only %q, matches %q", d.Example, d.Pattern, matched)
		}
	}
}

// stepText drops the keyword and any doc string, as godog matches steps.
func stepText(example string) string {
	line, _, _ := strings.Cut(example, "\n")
	for _, kw := range []string{"Given ", "When ", "Then ", "And "} {
		if s, ok := strings.CutPrefix(line, kw); ok {
			return s
		}
	}
	return line
}

func TestTaskWantString(t *testing.T) {
	tests := []struct {
		want TaskWant
		text string
	}{
		{TaskWant{Status: "COMPLETED"}, "a COMPLETED task that is not approved"},
		{TaskWant{Status: "REVIEWING", Approved: true}, "a REVIEWING task that is approved"},
		{TaskWant{Status: "COMPLETED", Exported: true}, "an exported COMPLETED task that is not approved"},
	}
	for _, tt := range tests {
		if got := tt.want.String(); got != tt.text {
			t.Errorf("got %q, want %q", got, tt.text)
		}
		// The step's own pattern reads the text back.
		if !regexp.MustCompile(Catalogue()[0].Pattern).MatchString(tt.text) {
			t.Errorf("%q does not match the task step", tt.text)
		}
	}
}
