package steps

import (
	"bytes"
	"io"
	"mime"
	"mime/multipart"
	"regexp"
	"slices"
	"testing"
)

// TestUploadStepReadsEveryName checks that the upload step's pattern takes
// lists as a feature would write them, and refuses what it cannot read.
func TestUploadStepReadsEveryName(t *testing.T) {
	var re *regexp.Regexp
	for _, d := range Catalogue() {
		if d.Example == `When I upload the files "invoice-1.pdf" and "invoice-2.pdf"` {
			re = regexp.MustCompile(d.Pattern)
		}
	}
	if re == nil {
		t.Fatal("the catalogue has no upload step")
	}
	tests := []struct {
		text string
		want []string
	}{
		{`I upload the file "invoice.pdf"`, []string{"invoice.pdf"}},
		{`I upload the files "a.pdf" and "b.pdf"`, []string{"a.pdf", "b.pdf"}},
		{`I upload the files "a.pdf", "b b.png", and "c.pdf"`, []string{"a.pdf", "b b.png", "c.pdf"}},
		{`I upload the files "a.pdf" "b.pdf"`, nil},
		{`I upload the files`, nil},
	}
	for _, tt := range tests {
		m := re.FindStringSubmatch(tt.text)
		var got []string
		if m != nil {
			for _, q := range quoted.FindAllStringSubmatch(m[1], -1) {
				got = append(got, q[1])
			}
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("%q: got %q, want %q", tt.text, got, tt.want)
		}
	}
}

// TestMultipartUpload checks Create Upload's body: one "file" part per
// name, typed by its extension, then projectId.
func TestMultipartUpload(t *testing.T) {
	body, ctype, err := multipartUpload("proj_123456", []string{"invoice-1.pdf", "scan.unknownext"})
	if err != nil {
		t.Fatal(err)
	}
	mt, params, err := mime.ParseMediaType(ctype)
	if err != nil || mt != "multipart/form-data" {
		t.Fatalf("content type %q: %v", ctype, err)
	}
	r := multipart.NewReader(bytes.NewReader(body), params["boundary"])
	type part struct{ field, file, ctype, data string }
	var got []part
	for {
		p, err := r.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(p)
		got = append(got, part{p.FormName(), p.FileName(), p.Header.Get("Content-Type"), string(data)})
	}
	if len(got) != 3 {
		t.Fatalf("want 3 parts, got %d: %+v", len(got), got)
	}
	want := []struct{ field, file, ctype string }{
		{"file", "invoice-1.pdf", "application/pdf"},
		{"file", "scan.unknownext", "application/octet-stream"},
		{"projectId", "", ""},
	}
	for i, w := range want {
		if got[i].field != w.field || got[i].file != w.file || got[i].ctype != w.ctype {
			t.Errorf("part %d: got %+v, want %+v", i, got[i], w)
		}
	}
	if got[0].data == "" || got[2].data != "proj_123456" {
		t.Errorf("want a document in the file part and the project in projectId, got %q and %q", got[0].data, got[2].data)
	}
}
