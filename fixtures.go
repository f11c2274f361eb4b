package sendaimock

import (
	"embed"
	"io/fs"

	"sendaimock/world"
)

//go:embed fixtures/*.json
var fixturesFS embed.FS

// DefaultFixtures returns the embedded default world: the docs' example
// team, project, task and key, and a task in every status.
func DefaultFixtures() (*world.Fixtures, error) {
	sub, err := fs.Sub(fixturesFS, "fixtures")
	if err != nil {
		return nil, err
	}
	return world.LoadFixtures(sub)
}
