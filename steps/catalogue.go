package steps

import (
	"context"
	"fmt"
	"io"
	"strconv"

	"github.com/cucumber/godog"
)

// StepDef is one step of the catalogue: its pattern, an example as a
// feature file would write it, and what it does.
type StepDef struct {
	Group   string
	Pattern string
	Example string
	Doc     string
	bind    func(w *World) any
}

// status is the pattern of a documented task status.
const status = `(REVIEWING|PROCESSING|COMPLETED|FAILED|DISCARDED|FILTERED)`

// op is the pattern of an operation's verb.
const op = `(get|approve|disapprove|complete|discard|report)`

// Catalogue lists every step, in the order -list-steps prints them.
func Catalogue() []StepDef {
	return []StepDef{
		// --- tasks and keys -------------------------------------------------
		{Group: "Tasks and keys", Pattern: `^(?:a|an) (exported )?` + status + ` task that is (not )?approved$`,
			Example: "Given a COMPLETED task that is not approved",
			Doc:     "gets the scenario a task of its own in that state (seeded on a mock, taken from -fixtures otherwise); also \"an exported COMPLETED task that is approved\"",
			bind: func(w *World) any {
				return func(ctx context.Context, exported, st, not string) error { return w.givenTask(ctx, exported, st, not) }
			}},
		{Group: "Tasks and keys", Pattern: `^I send no API key$`, Example: "Given I send no API key",
			Doc:  "requests carry no Authorization header",
			bind: func(w *World) any { return w.sendNoKey }},
		{Group: "Tasks and keys", Pattern: `^I use an unknown API key$`, Example: "Given I use an unknown API key",
			Doc:  "requests carry a well-formed key that no team has",
			bind: func(w *World) any { return w.useUnknownKey }},
		{Group: "Tasks and keys", Pattern: `^I use an API key without the "(task\.edit|task\.read)" scope$`,
			Example: `Given I use an API key without the "task.edit" scope`,
			Doc:     "a key of the team that lacks the scope (task.edit: a read-only key)",
			bind:    func(w *World) any { return w.useKeyWithout }},
		{Group: "Tasks and keys", Pattern: `^I use an API key of another team$`, Example: "Given I use an API key of another team",
			Doc:  "a valid key with every scope, of another team",
			bind: func(w *World) any { return w.useOtherTeamKey }},
		{Group: "Tasks and keys", Pattern: `^I use the API key "([^"]*)"$`, Example: `Given I use the API key "{api_key}"`,
			Doc:  "requests carry this key",
			bind: func(w *World) any { return w.useAPIKey }},

		// --- operations -----------------------------------------------------
		{Group: "Operations", Pattern: `^I ` + op + ` the task$`, Example: "When I approve the task",
			Doc:  "calls the operation on the scenario's task (report sends the docs' example issue)",
			bind: func(w *World) any { return w.operateOnTask }},
		{Group: "Operations", Pattern: `^I report the task with the issue "([^"]*)" "([^"]*)"$`,
			Example: `When I report the task with the issue "Poor Document Quality" "poor_quality"`,
			Doc:     "Report Task with one {label, value} issue",
			bind:    func(w *World) any { return w.reportWithIssue }},
		{Group: "Operations", Pattern: `^I ` + op + ` a task that does not exist$`, Example: "When I approve a task that does not exist",
			Doc:  "calls the operation on an unknown task of the project",
			bind: func(w *World) any { return w.operateOnMissingTask }},
		{Group: "Operations", Pattern: `^I ` + op + ` a task in a project that does not exist$`,
			Example: "When I get a task in a project that does not exist",
			Doc:     "calls the operation in an unknown project of the team",
			bind:    func(w *World) any { return w.operateInMissingProject }},

		// --- outcomes -------------------------------------------------------
		{Group: "Outcomes", Pattern: `^the request succeeds$`, Example: "Then the request succeeds",
			Doc:  "200 with the scenario's task in its envelope: {\"payload\": {\"id\": <the task>, ...}}",
			bind: func(w *World) any { return w.requestSucceeds }},
		{Group: "Outcomes", Pattern: `^the request fails with (\d{3}) "(.*)"$`,
			Example: `Then the request fails with 400 "Task is already approved"`,
			Doc:     "that status and the error body {\"statusCode\": 400, \"error\": \"Bad Request\", \"message\": \"Task is already approved\"}",
			bind: func(w *World) any {
				return func(code, msg string) error { n, _ := strconv.Atoi(code); return w.requestFails(n, msg) }
			}},
		{Group: "Outcomes", Pattern: `^the request fails with 400 naming the field "([^"]*)"$`,
			Example: `Then the request fails with 400 naming the field "body.issues"`,
			Doc:     "a request that breaks the contract: 400, message \"Invalid request: ...\", errors[] names the field",
			bind:    func(w *World) any { return w.requestFailsNaming }},
		{Group: "Outcomes", Pattern: `^the task is (not )?approved$`, Example: "Then the task is approved",
			Doc:  "the response's payload.approved is true (false with \"not\")",
			bind: func(w *World) any { return w.taskApproved }},
		{Group: "Outcomes", Pattern: `^the task's status is still ` + status + `$`, Example: "Then the task's status is still COMPLETED",
			Doc:  "the response's payload.status is the status the scenario's task started with",
			bind: func(w *World) any { return w.statusStill }},
		{Group: "Outcomes", Pattern: `^the task's status is "([^"]*)"$`, Example: `Then the task's status is "PROCESSING"`,
			Doc:  "the response's payload.status",
			bind: func(w *World) any { return w.statusIs }},
		{Group: "Outcomes", Pattern: `^the response message is "([^"]*)"$`, Example: `Then the response message is "Task processing started"`,
			Doc:  "the response's top-level message",
			bind: func(w *World) any { return w.messageIs }},
		{Group: "Outcomes", Pattern: `^the response shows the task unchanged$`, Example: "Then the response shows the task unchanged",
			Doc:  "the response's payload equals the task as the scenario got it",
			bind: func(w *World) any { return w.responseShowsUnchanged }},
		{Group: "Outcomes", Pattern: `^the task is unchanged$`, Example: "Then the task is unchanged",
			Doc:  "Get Task (with the main key) shows the task as the scenario got it",
			bind: func(w *World) any { return w.taskUnchanged }},
		{Group: "Outcomes", Pattern: `^the response matches the spec example "([^"]*)" except "([^"]*)"$`,
			Example: `Then the response matches the spec example "ApprovedTask" except "payload.id"`,
			Doc:     "the body equals an example of openapi.yaml but for the comma-separated paths (the mock seeds the docs' example content)",
			bind:    func(w *World) any { return w.matchesExample }},

		// --- mock only ------------------------------------------------------
		{Group: "Mock only (tag the scenario @mock)", Pattern: `^the audit trail records "([^"]*)" with my API key$`,
			Example: `Then the audit trail records "approve" with my API key`,
			Doc:     "/_mock/audit has that action for the task, with the fingerprint of the key the scenario used and a timestamp",
			bind:    func(w *World) any { return w.auditRecords }},
		{Group: "Mock only (tag the scenario @mock)", Pattern: `^the audit trail has no entry for the task$`,
			Example: "Then the audit trail has no entry for the task",
			bind:    func(w *World) any { return w.auditEmpty }},
		{Group: "Mock only (tag the scenario @mock)", Pattern: `^the task is (not )?in the training dataset$`,
			Example: "Then the task is in the training dataset",
			Doc:     "/_mock/training holds the task once (or not at all)",
			bind:    func(w *World) any { return w.inTraining }},
		{Group: "Mock only (tag the scenario @mock)", Pattern: `^a "([^"]*)" event is published for the task$`,
			Example: `Then a "task_approved" event is published for the task`,
			Doc:     "/_mock/events holds an event of that type for the task",
			bind:    func(w *World) any { return w.eventPublished }},
		{Group: "Mock only (tag the scenario @mock)", Pattern: `^no event is published for the task$`,
			Example: "Then no event is published for the task",
			bind:    func(w *World) any { return w.noEvent }},
		{Group: "Mock only (tag the scenario @mock)", Pattern: `^(\d+) seconds? pass(?:es)?$`,
			Example: "When 2 seconds pass",
			Doc:     "moves the scenario's clock on (POST /_mock/clock/advance), running every transition that falls due; tag the scenario @mock @clock (the mock runs with -clock=manual)",
			bind: func(w *World) any {
				return func(ctx context.Context, n string) error {
					v, _ := strconv.Atoi(n)
					return w.timePasses(ctx, float64(v))
				}
			}},
		{Group: "Mock only (tag the scenario @mock)", Pattern: `^(less than )?the processing delay passes$`,
			Example: "When the processing delay passes",
			Doc:     "moves the scenario's clock on by the mock's -processing-delay (read from GET /_mock/clock), or by half of it with \"less than\"; tag the scenario @mock @clock",
			bind:    func(w *World) any { return w.processingDelayPasses }},
		{Group: "Mock only (tag the scenario @mock)", Pattern: `^(\d+) minutes? pass(?:es)?$`,
			Example: "When 5 minutes pass",
			Doc:     "the same, in minutes",
			bind: func(w *World) any {
				return func(ctx context.Context, n string) error {
					v, _ := strconv.Atoi(n)
					return w.timePasses(ctx, float64(v*60))
				}
			}},

		// --- uploads --------------------------------------------------------
		{Group: "Uploads (tag the scenario @mock)", Pattern: `^the project is set to (review|auto-process)$`,
			Example: "Given the project is set to auto-process",
			Doc:     "the automation level of the scenario's project: review sends new tasks to REVIEWING, auto-process straight to COMPLETED (put back after the scenario)",
			bind:    func(w *World) any { return w.setAutomation }},
		{Group: "Uploads (tag the scenario @mock)", Pattern: `^I upload the files? ("[^"]+"(?:(?:, |,? and )"[^"]+")*)$`,
			Example: `When I upload the files "invoice-1.pdf" and "invoice-2.pdf"`,
			Doc:     "Create Upload (multipart: one \"file\" field per name, and projectId) into the scenario's project; remembers the upload as {upload_id} and the task made from each file",
			bind:    func(w *World) any { return w.uploadNamed }},
		{Group: "Uploads (tag the scenario @mock)", Pattern: `^I upload (\d+) files?$`, Example: "When I upload 2 files",
			Doc: "the same, with files named document-1.pdf, document-2.pdf, ...",
			bind: func(w *World) any {
				return func(ctx context.Context, n string) error { v, _ := strconv.Atoi(n); return w.uploadCount(ctx, v) }
			}},
		{Group: "Uploads (tag the scenario @mock)", Pattern: `^the upload is created$`, Example: "Then the upload is created",
			Doc:  "Create Upload answered 200 with the upload, unwrapped: {\"id\", \"projectId\", \"status\": \"processing\", ...}",
			bind: func(w *World) any { return w.uploadCreated }},
		{Group: "Uploads (tag the scenario @mock)", Pattern: `^the upload has (\d+) tasks?$`, Example: "Then the upload has 2 tasks",
			Doc: "one task per file: the mock holds that many tasks of the upload, and Get Upload names one for each file",
			bind: func(w *World) any {
				return func(ctx context.Context, n string) error { v, _ := strconv.Atoi(n); return w.uploadHasTasks(ctx, v) }
			}},
		{Group: "Uploads (tag the scenario @mock)", Pattern: `^I get the upload$`, Example: "When I get the upload",
			Doc:  "Get Upload; the JSON steps then read its answer",
			bind: func(w *World) any { return w.getUploadStep }},
		{Group: "Uploads (tag the scenario @mock)", Pattern: `^the upload's status is "([^"]*)"$`, Example: `Then the upload's status is "IN_REVIEW"`,
			Doc:  "Get Upload's payload.status: PROCESSING, IN_REVIEW or COMPLETED",
			bind: func(w *World) any { return w.uploadStatusIs }},
		{Group: "Uploads (tag the scenario @mock)", Pattern: `^the upload is in the "([^"]*)" folder$`, Example: `Then the upload is in the "processed" folder`,
			Doc:  "Get Upload's payload.folder_id: new uploads land in \"inbox\" and move to \"processed\" when every task is done",
			bind: func(w *World) any { return w.uploadInFolder }},
		{Group: "Uploads (tag the scenario @mock)", Pattern: `^(?:every|each) task of the upload is ` + status + `$`,
			Example: "Then every task of the upload is REVIEWING",
			Doc:     "Get Task of each task the upload made shows that status",
			bind:    func(w *World) any { return w.everyTaskStatus }},
		{Group: "Uploads (tag the scenario @mock)", Pattern: `^(?:every|each) task of the upload is (not )?approved$`,
			Example: "Then every task of the upload is approved",
			bind:    func(w *World) any { return w.everyTaskApproved }},
		{Group: "Uploads (tag the scenario @mock)", Pattern: `^I ` + op + ` each task of the upload$`,
			Example: "When I complete each task of the upload",
			Doc:     "calls the operation on every task of the upload, in order; each must answer 200",
			bind:    func(w *World) any { return w.operateOnEach }},
		{Group: "Uploads (tag the scenario @mock)", Pattern: `^I ` + op + ` the (first|second|third|last) task of the upload$`,
			Example: "When I approve the first task of the upload",
			Doc:     "makes that task the scenario's task and calls the operation; the task steps (\"Then the request fails with ...\", \"the task is unchanged\") then check it",
			bind:    func(w *World) any { return w.operateOnNth }},
		{Group: "Uploads (tag the scenario @mock)", Pattern: `^(an?|no) (?:event "([^"]*)"|"([^"]*)" event) (?:is|was) published for the upload$`,
			Example: `Then an event "upload.in_review" was published for the upload`,
			Doc:     "/_mock/events holds one UPLOAD event of that type for the upload (none, with \"no\"); also `an \"upload.processed\" event is published for the upload`",
			bind: func(w *World) any {
				return func(ctx context.Context, article, a, b string) error {
					no := ""
					if article == "no" {
						no = "no"
					}
					return w.uploadEvent(ctx, no, a, b)
				}
			}},
		{Group: "Uploads (tag the scenario @mock)", Pattern: `^an? "([^"]*)" event (?:is|was) published for each task of the upload$`,
			Example: `Then a "task_approved" event is published for each task of the upload`,
			Doc:     "/_mock/events holds a TASK event of that type for every task of the upload",
			bind:    func(w *World) any { return w.eventForEachTask }},

		// --- generic HTTP ---------------------------------------------------
		{Group: "Requests", Pattern: `^I set the header "([^"]*)" to "([^"]*)"$`,
			Example: `Given I set the header "Authorization" to "Basic {api_key}"`,
			Doc:     "every later request carries the header (placeholders are expanded)",
			bind:    func(w *World) any { return w.setHeader }},
		{Group: "Requests", Pattern: `^I remove the header "([^"]*)"$`, Example: `Given I remove the header "Authorization"`,
			bind: func(w *World) any { return w.removeHeader }},
		{Group: "Requests", Pattern: `^I send "([A-Z]+)" to "([^"]*)"$`,
			Example: `When I send "GET" to "/v2/{team_id}/project/{project_id}/task/{task_id}"`,
			Doc:     "path relative to the base URL; placeholders: {team_id} {project_id} {task_id} {api_key} {unknown_task_id} {unknown_project_id} and remembered names",
			bind:    func(w *World) any { return w.sendTo }},
		{Group: "Requests", Pattern: `^I send "([A-Z]+)" to "([^"]*)" with the body:$`,
			Example: "When I send \"POST\" to \"/v2/{team_id}/project/{project_id}/task/{task_id}/report\" with the body:\n  \"\"\"\n  {\"issues\": [{\"label\": \"Poor Document Quality\", \"value\": \"poor_quality\"}]}\n  \"\"\"",
			Doc:     "sends the doc string as the JSON body",
			bind:    func(w *World) any { return w.sendWith }},
		{Group: "Responses", Pattern: `^the response status is (\d{3})$`, Example: "Then the response status is 200",
			bind: func(w *World) any {
				return func(code string) error { n, _ := strconv.Atoi(code); return w.statusIsCode(n) }
			}},
		{Group: "Responses", Pattern: `^the response header "([^"]*)" matches "(.*)"$`,
			Example: `Then the response header "Content-Type" matches "^application/json"`,
			bind:    func(w *World) any { return w.headerMatches }},
		{Group: "Responses", Pattern: `^the JSON at "([^"]*)" is (true|false|null|-?\d[\d.eE+-]*|"(?:[^"\\]|\\.)*"|\[.*\]|\{.*\})$`,
			Example: `Then the JSON at "payload.approved" is true`,
			Doc:     "equals a JSON value (gjson path; strings in quotes, placeholders expanded)",
			bind:    func(w *World) any { return w.jsonIs }},
		{Group: "Responses", Pattern: `^the JSON at "([^"]*)" is of type "(string|number|integer|boolean|array|object|null)"$`,
			Example: `Then the JSON at "payload.pages" is of type "array"`,
			bind:    func(w *World) any { return w.jsonIsOfType }},
		{Group: "Responses", Pattern: `^the JSON at "([^"]*)" exists$`, Example: `Then the JSON at "payload.exported_at" exists`,
			Doc:  "present, even if null",
			bind: func(w *World) any { return w.jsonExists }},
		{Group: "Responses", Pattern: `^the JSON at "([^"]*)" does not exist$`, Example: `Then the JSON at "errors" does not exist`,
			bind: func(w *World) any { return w.jsonAbsent }},
		{Group: "Responses", Pattern: `^the JSON at "([^"]*)" matches "(.*)"$`,
			Example: `Then the JSON at "payload.created_at" matches "^\d{4}-\d{2}-\d{2}T"`,
			Doc:     "a Go regular expression",
			bind:    func(w *World) any { return w.jsonMatches }},
		{Group: "Responses", Pattern: `^the JSON at "([^"]*)" has (\d+) items?$`, Example: `Then the JSON at "payload.pages" has 1 item`,
			bind: func(w *World) any {
				return func(path, n string) error { v, _ := strconv.Atoi(n); return w.jsonHasItems(path, v) }
			}},
		{Group: "Responses", Pattern: `^the JSON response contains:$`,
			Example: "Then the JSON response contains:\n  \"\"\"\n  {\"payload\": {\"id\": \"{task_id}\", \"approved\": true}}\n  \"\"\"",
			Doc:     "every field of the doc string is in the response with that value (objects may have more)",
			bind: func(w *World) any {
				return func(doc *godog.DocString) error { return w.jsonContains(doc.Content) }
			}},
		{Group: "Responses", Pattern: `^I remember the JSON at "([^"]*)" as "([A-Za-z_][A-Za-z0-9_]*)"$`,
			Example: `Then I remember the JSON at "payload.upload_id" as "upload"`,
			Doc:     "later steps can use {upload}",
			bind:    func(w *World) any { return w.remember }},
	}
}

// PrintCatalogue writes the catalogue, grouped, with an example of each.
func PrintCatalogue(out io.Writer) {
	group := ""
	for _, d := range Catalogue() {
		if d.Group != group {
			group = d.Group
			fmt.Fprintf(out, "\n%s\n", group)
		}
		fmt.Fprintf(out, "  %s\n", indentLines(d.Example, "  "))
		if d.Doc != "" {
			fmt.Fprintf(out, "      %s\n", d.Doc)
		}
		fmt.Fprintf(out, "      pattern: %s\n", d.Pattern)
	}
}

func indentLines(s, indent string) string {
	out := ""
	for i, line := range splitLines(s) {
		if i > 0 {
			out += "\n" + indent
		}
		out += line
	}
	return out
}

func splitLines(s string) []string {
	var lines []string
	start := 0
	for i := 0; i < len(s); i++ {
		if s[i] == '\n' {
			lines = append(lines, s[start:i])
			start = i + 1
		}
	}
	return append(lines, s[start:])
}
