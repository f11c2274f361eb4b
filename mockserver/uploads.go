package mockserver

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"path/filepath"
	"time"

	"github.com/gin-gonic/gin"

	"sendaimock/world"
)

// Create Upload's documented limits.
const (
	maxUploadFiles = 100
	maxFileBytes   = 40 << 20
	maxFieldBytes  = 64 << 10 // a non-file field (projectId, name, meta)
	// maxUploadBytes bounds the whole multipart body: every file at its
	// limit plus room for the part headers and the other fields.
	maxUploadBytes = maxUploadFiles*(maxFileBytes+4<<10) + 4*maxFieldBytes
	// drainAfterTooLarge is how much of a refused upload is still read
	// before answering, so that clients still sending see the answer.
	drainAfterTooLarge = 64 << 20
	// uploadReadTimeout is how long reading one upload's body may take.
	uploadReadTimeout = 30 * time.Minute
)

// createUploadResponse is Create Upload's documented answer: unwrapped,
// camelCase, status in lower case.
type createUploadResponse struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	ProjectID string    `json:"projectId"`
	Status    string    `json:"status"`
	FileType  string    `json:"fileType"`
	FileSize  int64     `json:"fileSize"`
	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt"`
}

// badField answers 400 naming one field.
func badField(c *gin.Context, field, reason string) {
	fields := []FieldError{{Field: field, Reason: reason}}
	writeError(c, http.StatusBadRequest, invalidMessage(fields), fields)
}

// createUpload reads the multipart body part by part: files are counted,
// never held, so a 4 GB batch costs no memory. kin-openapi's multipart
// decoder would read every file into memory, so the spec's body check is
// skipped for this operation (auth and path parameters are still checked)
// and the form's rules are enforced here.
func (s *Server) createUpload(c *gin.Context, rq *apiRequest) {
	// A batch of 100 files of 40 MB outlasts the server's read timeout.
	_ = http.NewResponseController(c.Writer).SetReadDeadline(time.Now().Add(uploadReadTimeout))
	mr, err := c.Request.MultipartReader()
	if err != nil {
		badField(c, "body", "must be multipart/form-data: "+err.Error())
		return
	}
	var in world.NewUpload
	var projectID, metaRaw string
	var haveProject, haveMeta bool
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			s.badBody(c, err)
			return
		}
		switch part.FormName() {
		case "file":
			if len(in.Files) == maxUploadFiles {
				drain(c)
				badField(c, "body.file", fmt.Sprintf("at most %d files per upload", maxUploadFiles))
				return
			}
			n, err := io.Copy(io.Discard, io.LimitReader(part, maxFileBytes+1))
			if err != nil {
				s.badBody(c, err)
				return
			}
			name := part.FileName()
			if name == "" {
				name = fmt.Sprintf("file-%d", len(in.Files)+1)
			}
			if n > maxFileBytes {
				drain(c)
				writeError(c, http.StatusRequestEntityTooLarge, fmt.Sprintf("File %q is larger than 40 MB (%d bytes)", name, maxFileBytes), nil)
				return
			}
			in.Files = append(in.Files, world.NewFile{Name: name, Type: fileType(part.Header.Get("Content-Type"), name), Size: n})
		case "projectId", "name", "meta":
			v, err := io.ReadAll(io.LimitReader(part, maxFieldBytes+1))
			if err != nil {
				s.badBody(c, err)
				return
			}
			if len(v) > maxFieldBytes {
				badField(c, "body."+part.FormName(), fmt.Sprintf("longer than %d bytes", maxFieldBytes))
				return
			}
			switch part.FormName() {
			case "projectId":
				projectID, haveProject = string(v), true
			case "name":
				in.Name = string(v)
			case "meta":
				metaRaw, haveMeta = string(v), true
			}
		default:
			// Unknown fields are read past, as a form parser would.
			if _, err := io.Copy(io.Discard, part); err != nil {
				s.badBody(c, err)
				return
			}
		}
	}
	switch {
	case len(in.Files) == 0:
		badField(c, "body.file", "at least one file is required")
		return
	case !haveProject || projectID == "":
		badField(c, "body.projectId", `property "projectId" is missing`)
		return
	case projectID != rq.project:
		badField(c, "body.projectId", fmt.Sprintf("must equal the path's project %q", rq.project))
		return
	}
	if haveMeta {
		meta, ok := parseMeta(metaRaw)
		if !ok {
			badField(c, "body.meta", `must be a JSON array of {"name", "value"} strings`)
			return
		}
		in.Meta = meta
	}
	u, err := rq.world.CreateUpload(rq.principal, rq.team, rq.project, in)
	if err != nil {
		s.writeDomainError(c, err)
		return
	}
	var size int64
	for _, f := range u.Files {
		size += f.FileSize
	}
	writeJSON(c, http.StatusOK, createUploadResponse{
		ID: u.ID, Name: u.Name, ProjectID: rq.project, Status: "processing",
		FileType: u.Files[0].FileType, FileSize: size, CreatedAt: u.CreatedAt, UpdatedAt: u.CreatedAt,
	})
}

// drain reads on past a refused upload, up to a bound, so that a client
// still sending its body gets to read the answer instead of a reset.
func drain(c *gin.Context) {
	_, _ = io.Copy(io.Discard, io.LimitReader(c.Request.Body, drainAfterTooLarge))
}

// badBody answers a body that could not be read: 413 past the overall
// limit, else 400.
func (s *Server) badBody(c *gin.Context, err error) {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		writeError(c, http.StatusRequestEntityTooLarge, fmt.Sprintf("Request body is larger than %d bytes", tooBig.Limit), nil)
		return
	}
	badField(c, "body", "malformed multipart body: "+err.Error())
}

// fileType is a part's declared content type, else one guessed from its
// name, else application/octet-stream.
func fileType(declared, name string) string {
	if mt, _, err := mime.ParseMediaType(declared); err == nil && mt != "application/octet-stream" {
		return mt
	}
	if mt, _, err := mime.ParseMediaType(mime.TypeByExtension(filepath.Ext(name))); err == nil {
		return mt
	}
	return "application/octet-stream"
}

// parseMeta reads a JSON array of {name, value} strings, and nothing else.
func parseMeta(raw string) ([]world.Meta, bool) {
	dec := json.NewDecoder(bytes.NewReader([]byte(raw)))
	dec.DisallowUnknownFields()
	var items []*struct {
		Name  *string `json:"name"`
		Value *string `json:"value"`
	}
	if err := dec.Decode(&items); err != nil || dec.More() || items == nil {
		return nil, false
	}
	out := make([]world.Meta, 0, len(items))
	for _, it := range items {
		if it == nil || it.Name == nil || it.Value == nil {
			return nil, false
		}
		out = append(out, world.Meta{Name: *it.Name, Value: *it.Value})
	}
	return out, true
}

func (s *Server) getUpload(c *gin.Context, rq *apiRequest) {
	u, err := rq.world.GetUpload(rq.team, rq.project, c.Param("upload_id"))
	if err != nil {
		s.writeDomainError(c, err)
		return
	}
	writeJSON(c, http.StatusOK, envelope{Payload: u})
}

func (s *Server) moveUpload(c *gin.Context, rq *apiRequest) {
	u, err := rq.world.MoveUpload(rq.principal, rq.team, rq.project, c.Param("upload_id"), c.Param("folder_id"))
	if err != nil {
		s.writeDomainError(c, err)
		return
	}
	writeJSON(c, http.StatusOK, envelope{Payload: u})
}
