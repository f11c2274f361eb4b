// Command ceiling is the benchmark's upper bound: a bare Gin server on the
// mock's task routes that answers every request with the fixed bytes of
// the docs' example task, with no validation, auth, state or logging.
// Whatever the mock does beyond this costs req/s; the ratio says how much.
package main

import (
	"encoding/json"
	"flag"
	"log"
	"net/http"

	"github.com/gin-gonic/gin"

	sendaimock "sendaimock"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:4412", "address to listen on")
	flag.Parse()
	body, err := taskBytes("task_abcdef123456")
	if err != nil {
		log.Fatal(err)
	}
	gin.SetMode(gin.ReleaseMode)
	e := gin.New()
	answer := func(c *gin.Context) { c.Data(http.StatusOK, "application/json; charset=utf-8", body) }
	const task = "/v2/:team_id/project/:project_id/task/:task_id"
	e.GET(task, answer)
	e.POST(task+"/approve", answer)
	e.POST(task+"/disapprove", answer)
	e.GET("/_mock/health", answer)
	log.Fatal(http.ListenAndServe(*addr, e))
}

// taskBytes is the mock's Get Task answer for id: the fixture in its envelope.
func taskBytes(id string) ([]byte, error) {
	fx, err := sendaimock.DefaultFixtures()
	if err != nil {
		return nil, err
	}
	for _, p := range fx.Projects {
		for _, t := range p.Tasks {
			if t.ID == id {
				if t.ProjectID == "" {
					t.ProjectID = p.ProjectID
				}
				return json.Marshal(map[string]any{"payload": t})
			}
		}
	}
	return nil, flag.ErrHelp
}
