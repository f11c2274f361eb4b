package contract

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReportsStayValidWithConcurrency writes JUnit XML and Cucumber JSON
// from a concurrent run in which scenarios fail (their failures carry
// bodies and quotes) and checks both parse and count every scenario.
func TestReportsStayValidWithConcurrency(t *testing.T) {
	broken := breaking(newMock(t), func(r *http.Request, res *response, _ http.Handler) {
		if isOp(r, "approve") && res.status == http.StatusBadRequest {
			res.body = []byte("<oops> & \"quotes\" \x01")
			res.header.Set("Content-Type", "text/plain")
		}
	})
	base := serve(t, broken)
	dir := t.TempDir()
	junit, cuke := filepath.Join(dir, "report.xml"), filepath.Join(dir, "report.json")
	var out bytes.Buffer
	res, err := Run(context.Background(), Options{
		BaseURL: base, Output: &out, Concurrency: 16,
		Format:   "progress,junit:" + junit + ",cucumber:" + cuke,
		Features: subset(t, "approve.feature", "get.feature", "auth.feature"),
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.Count(Failed) == 0 {
		t.Fatalf("want failures from the broken mock:\n%s", out.String())
	}

	data, err := os.ReadFile(junit)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Suites   []struct {
			Name  string `xml:"name,attr"`
			Tests int    `xml:"tests,attr"`
			Cases []struct {
				Name    string `xml:"name,attr"`
				Failure *struct {
					Message string `xml:"message,attr"`
					Text    string `xml:",chardata"`
				} `xml:"failure"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(data, &doc); err != nil {
		t.Fatalf("the JUnit report is not valid XML: %v\n%s", err, data)
	}
	if doc.Tests != len(res.Scenarios) || doc.Failures != res.Count(Failed) {
		t.Errorf("JUnit: want %d tests and %d failures, got %d and %d", len(res.Scenarios), res.Count(Failed), doc.Tests, doc.Failures)
	}
	seen, cases, failures := map[string]bool{}, 0, 0
	for _, s := range doc.Suites {
		for _, c := range s.Cases {
			cases++
			if seen[s.Name+"/"+c.Name] {
				t.Errorf("JUnit: testcase %q appears twice in %q", c.Name, s.Name)
			}
			seen[s.Name+"/"+c.Name] = true
			if c.Failure != nil {
				failures++
				if !strings.Contains(c.Failure.Text, "last request:") {
					t.Errorf("JUnit: the failure of %q lacks the last request and response", c.Name)
				}
			}
		}
	}
	if cases != doc.Tests || failures != doc.Failures {
		t.Errorf("JUnit: the counts say %d tests, %d failures; the testcases %d, %d", doc.Tests, doc.Failures, cases, failures)
	}

	data, err = os.ReadFile(cuke)
	if err != nil {
		t.Fatal(err)
	}
	var features []struct {
		Elements []struct {
			Name string `json:"name"`
		} `json:"elements"`
	}
	if err := json.Unmarshal(data, &features); err != nil {
		t.Fatalf("the Cucumber report is not valid JSON: %v", err)
	}
	n := 0
	for _, f := range features {
		n += len(f.Elements)
	}
	if n != len(res.Scenarios) {
		t.Errorf("Cucumber: want %d scenarios, got %d", len(res.Scenarios), n)
	}
}
