package mockserver

import (
	"bytes"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"strings"
	"testing"
)

const uploadURL = "/v2/team_123456/project/proj_123456/upload"

func TestCreateUploadResponse(t *testing.T) {
	m := newSteerMock(t, nil)
	body, ct := multipartUpload(t, map[string]string{
		"projectId": "proj_123456", "name": "March invoices", "meta": `[{"name": "category", "value": "invoice"}]`,
	}, uploadFile{"one.pdf", []byte("12345")}, uploadFile{"two.png", []byte("1234567")})
	res := m.want(m.do(http.MethodPost, uploadURL, body, apiKey, ct), http.StatusOK, "create upload")
	var got map[string]any
	res.json(t, &got)
	if _, wrapped := got["payload"]; wrapped {
		t.Errorf("Create Upload answered a wrapped object: %s", res.body)
	}
	want := map[string]any{"name": "March invoices", "projectId": "proj_123456", "status": "processing", "fileType": "application/pdf", "fileSize": float64(12)}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %v, want %v", k, got[k], v)
		}
	}
	for _, k := range []string{"id", "createdAt", "updatedAt"} {
		if s, _ := got[k].(string); s == "" {
			t.Errorf("%s missing in %s", k, res.body)
		}
	}
	up := m.uploadNow(got["id"].(string))
	if len(up.Files) != 2 || up.Files[1].FileType != "image/png" || up.Files[1].FileSize != 7 || len(up.Meta) != 1 {
		t.Errorf("stored upload = %+v", up)
	}
	task := m.task(up.Files[0].TaskID)
	if task.Name != "one.pdf" || len(task.Meta) != 1 || task.Meta[0].Value != "invoice" {
		t.Errorf("task made from the file = %+v", task)
	}
}

func TestCreateUploadRefusals(t *testing.T) {
	m := newSteerMock(t, nil)
	one := uploadFile{"a.pdf", []byte("a")}
	cases := []struct {
		name   string
		fields map[string]string
		files  []uploadFile
		key    string
		path   string
		status int
		field  string
	}{
		{"no file", map[string]string{"projectId": "proj_123456"}, nil, apiKey, uploadURL, 400, "body.file"},
		{"no projectId", nil, []uploadFile{one}, apiKey, uploadURL, 400, "body.projectId"},
		{"projectId of another project", map[string]string{"projectId": "proj_empty"}, []uploadFile{one}, apiKey, uploadURL, 400, "body.projectId"},
		{"meta not JSON", map[string]string{"projectId": "proj_123456", "meta": "{nope"}, []uploadFile{one}, apiKey, uploadURL, 400, "body.meta"},
		{"meta not name/value", map[string]string{"projectId": "proj_123456", "meta": `[{"name": 1}]`}, []uploadFile{one}, apiKey, uploadURL, 400, "body.meta"},
		{"unknown project", map[string]string{"projectId": "proj_nope"}, []uploadFile{one}, apiKey, "/v2/team_123456/project/proj_nope/upload", 404, ""},
		{"no key", map[string]string{"projectId": "proj_123456"}, []uploadFile{one}, "X-None: 1", uploadURL, 401, ""},
		{"read-only key", map[string]string{"projectId": "proj_123456"}, []uploadFile{one}, "Authorization: Bearer READ_ONLY_KEY", uploadURL, 403, ""},
		{"bad path parameter", map[string]string{"projectId": "proj_123456"}, []uploadFile{one}, apiKey, "/v2/team_123456/project/proj!/upload", 400, "path.project_id"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			body, ct := multipartUpload(t, tc.fields, tc.files...)
			res := m.want(m.do(http.MethodPost, tc.path, body, tc.key, ct), tc.status, tc.name)
			if tc.field != "" && !strings.Contains(string(res.body), `"field":"`+tc.field+`"`) {
				t.Errorf("body %s does not name %s", res.body, tc.field)
			}
		})
	}
	t.Run("not multipart", func(t *testing.T) {
		m.want(m.do(http.MethodPost, uploadURL, strings.NewReader(`{"file": "x"}`), apiKey), http.StatusBadRequest, "JSON body")
	})
	var uploads []any
	m.do(http.MethodGet, "/_mock/teams/team_123456/projects/proj_123456/uploads", nil).json(t, &uploads)
	if len(uploads) != 2 {
		t.Errorf("refused uploads were stored: %d uploads, want the 2 fixtures", len(uploads))
	}
}

func TestCreateUploadTooManyFiles(t *testing.T) {
	m := newSteerMock(t, nil)
	files := make([]uploadFile, 101)
	for i := range files {
		files[i] = uploadFile{"f.pdf", []byte("x")}
	}
	body, ct := multipartUpload(t, map[string]string{"projectId": "proj_123456"}, files...)
	res := m.want(m.do(http.MethodPost, uploadURL, body, apiKey, ct), http.StatusBadRequest, "101 files")
	if !strings.Contains(string(res.body), "at most 100 files") {
		t.Errorf("body %s", res.body)
	}
	body, ct = multipartUpload(t, map[string]string{"projectId": "proj_123456"}, files[:100]...)
	m.want(m.do(http.MethodPost, uploadURL, body, apiKey, ct), http.StatusOK, "100 files")
}

// TestCreateUploadFileTooLarge streams a file one byte over 40 MB: the
// mock answers 413 without holding it, and a file of exactly 40 MB passes.
func TestCreateUploadFileTooLarge(t *testing.T) {
	m := newSteerMock(t, nil)
	for _, tc := range []struct {
		size   int64
		status int
	}{{maxFileBytes + 1, http.StatusRequestEntityTooLarge}, {maxFileBytes, http.StatusOK}} {
		pr, pw := io.Pipe()
		mw := multipart.NewWriter(pw)
		go func() {
			mw.WriteField("projectId", "proj_123456")
			h := textproto.MIMEHeader{}
			h.Set("Content-Disposition", `form-data; name="file"; filename="scan.tiff"`)
			h.Set("Content-Type", "image/tiff")
			w, _ := mw.CreatePart(h)
			_, err := io.CopyN(w, zeros{}, tc.size)
			if err == nil {
				err = mw.Close()
			}
			pw.CloseWithError(err)
		}()
		res := m.want(m.do(http.MethodPost, uploadURL, pr, apiKey, "Content-Type: "+mw.FormDataContentType()), tc.status, fmt.Sprintf("file of %d bytes", tc.size))
		if tc.status == http.StatusRequestEntityTooLarge && !bytes.Contains(res.body, []byte("larger than 40 MB")) {
			t.Errorf("413 body %s", res.body)
		}
		pr.Close()
	}
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

func TestGetAndMoveUpload(t *testing.T) {
	m := newSteerMock(t, nil)
	up := m.uploadNow("upl_123456789")
	if up.Status != "COMPLETED" || up.FolderID != "processed" || len(up.Files) != 1 || up.Files[0].TaskID != "task_abcdef123456" {
		t.Errorf("fixture upload = %+v", up)
	}
	res := m.want(m.do(http.MethodPost, "/v2/team_123456/project/proj_123456/upload/upl_123456789/move/archive", nil, apiKey), http.StatusOK, "move")
	if got := res.str(t, "payload.folder_id"); got != "archive" {
		t.Errorf("moved folder_id = %q", got)
	}
	if got := m.uploadNow("upl_123456789").FolderID; got != "archive" {
		t.Errorf("after move, folder_id = %q", got)
	}
	res = m.want(m.do(http.MethodGet, "/v2/team_123456/project/proj_123456/upload/upl_nope", nil, apiKey), http.StatusNotFound, "unknown upload")
	if got := res.str(t, "message"); got != "Upload not found" {
		t.Errorf("message %q", got)
	}
	m.want(m.do(http.MethodPost, "/v2/team_123456/project/proj_123456/upload/upl_123456789/move/archive", nil, "Authorization: Bearer READ_ONLY_KEY"), http.StatusForbidden, "move without upload.edit")
	m.want(m.do(http.MethodGet, "/v2/team_123456/project/proj_123456/upload/upl_123456789", nil, "Authorization: Bearer OTHER_TEAM_KEY"), http.StatusForbidden, "other team")
	m.want(m.do(http.MethodGet, "/v2/team_123456/project/proj_123456/upload/upl_200000001", nil, "Authorization: Bearer READ_ONLY_KEY"), http.StatusOK, "read-only reads")
}
