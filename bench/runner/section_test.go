package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestWriteSectionKeepsTheHandWrittenRest(t *testing.T) {
	path := filepath.Join(t.TempDir(), "B.md")
	if err := os.WriteFile(path, []byte("# B\n\nintro\n"+beginMark+"\nold\n"+endMark+"\n\nnotes\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := writeSection(path, "new figures\n"); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(path)
	want := "# B\n\nintro\n" + beginMark + "\nnew figures\n" + endMark + "\n\nnotes\n"
	if string(got) != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
	// A file without markers gets them, with its text kept after.
	if err := os.WriteFile(path, []byte("notes\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := writeSection(path, "figures\n"); err != nil {
		t.Fatal(err)
	}
	got, _ = os.ReadFile(path)
	if !strings.Contains(string(got), beginMark+"\nfigures\n"+endMark) || !strings.HasSuffix(string(got), "notes\n") {
		t.Errorf("got:\n%s", got)
	}
}
