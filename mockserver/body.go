package mockserver

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"
)

// readJSONBody reads a whole request body that should be JSON, within
// maxBodyBytes. It answers 413 for a larger body, 415 for a content type
// that says it is not JSON (none at all is taken as JSON), and 400 for
// bytes that are not UTF-8, which encoding/json would otherwise quietly
// turn into U+FFFD. On success the body can be read again.
func readJSONBody(c *gin.Context) ([]byte, bool) {
	if ct := c.GetHeader("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || !(mt == "application/json" || strings.HasSuffix(mt, "+json")) {
			writeError(c, http.StatusUnsupportedMediaType, fmt.Sprintf("Content-Type %q is not supported: send application/json", ct),
				[]FieldError{{Field: "header.Content-Type", Reason: "must be application/json"}})
			return nil, false
		}
	}
	var body io.Reader = http.NoBody
	if c.Request.Body != nil {
		body = http.MaxBytesReader(c.Writer, c.Request.Body, maxBodyBytes)
	}
	data, err := io.ReadAll(body)
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		writeError(c, http.StatusRequestEntityTooLarge, fmt.Sprintf("Request body is larger than %d bytes", maxBodyBytes), nil)
		return nil, false
	case err != nil:
		writeError(c, http.StatusBadRequest, "Invalid request: body: unreadable", []FieldError{{Field: "body", Reason: "unreadable: " + err.Error()}})
		return nil, false
	case !utf8.Valid(data):
		writeError(c, http.StatusBadRequest, "Invalid request: body: not valid UTF-8", []FieldError{{Field: "body", Reason: "is not valid UTF-8"}})
		return nil, false
	}
	c.Request.Body = io.NopCloser(bytes.NewReader(data))
	return data, true
}
