package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestLogBufferHoldsInfoAndPassesWarningsAtOnce(t *testing.T) {
	var out bytes.Buffer
	b := newLogBuffer(&out)
	info := "time=x level=INFO msg=request\n"
	if _, err := b.Write([]byte(info)); err != nil {
		t.Fatal(err)
	}
	if out.Len() != 0 {
		t.Errorf("an info line was written at once: %q", out.String())
	}
	warn := "time=x level=WARN msg=careful\n"
	if _, err := b.Write([]byte(warn)); err != nil {
		t.Fatal(err)
	}
	if got := out.String(); got != info+warn {
		t.Errorf("after a warning: got %q, want both lines in order", got)
	}
	if _, err := b.Write([]byte(strings.Repeat("i", logBufferSize))); err != nil {
		t.Fatal(err)
	}
	if out.Len() != len(info+warn)+logBufferSize {
		t.Errorf("a full buffer was not written: %d bytes out", out.Len())
	}
	if _, err := b.Write([]byte(info)); err != nil {
		t.Fatal(err)
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(out.String(), info) {
		t.Errorf("Close did not write the pending line")
	}
}
