package contract

import (
	"bytes"
	"context"
	"testing"
)

// TestContractSuite runs every built-in scenario against the in-process
// mock, concurrently: any failed, undefined or pending step, or a skipped
// scenario, fails the test.
func TestContractSuite(t *testing.T) {
	base := serve(t, newMock(t))
	var out bytes.Buffer
	res, err := Run(context.Background(), Options{BaseURL: base, Output: &out, NoColors: true, Concurrency: 8, Format: "progress"})
	if err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	if !res.OK() || res.Count(Skipped) > 0 {
		t.Fatalf("the suite failed against the mock: %d passed, %d failed, %d skipped, %d undefined, %d pending\n%s",
			res.Count(Passed), res.Count(Failed), res.Count(Skipped), res.Count(Undefined), res.Count(Pending), out.String())
	}
	if got := res.Count(Passed); got < 100 {
		t.Errorf("want the whole suite to run (over 100 scenarios), got %d", got)
	}
	t.Logf("%d scenarios passed, %d steps", res.Count(Passed), res.Steps)
}
