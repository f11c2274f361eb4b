package mockserver

import (
	"encoding/json"

	"sendaimock/world"
)

// taskEnvelope returns the encoded {"payload": t}. The encoding is kept
// with the stored task version t was copied from (world.Task.Encoding), so
// a task that has not changed since is not serialised again and takes no
// lookup beyond the world's own. Kept encodings never change: the request
// journal keeps references to them.
func taskEnvelope(t world.Task) ([]byte, error) {
	if body := t.Encoding(); body != nil {
		return body, nil
	}
	body, err := json.Marshal(envelope{Payload: t})
	if err != nil {
		return nil, err
	}
	t.KeepEncoding(body)
	return body, nil
}
