package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"

	"sendaimock/contract"
	"sendaimock/steps"
)

// errFailed is a run in which a scenario failed: exit status 1.
var errFailed = errors.New("the contract suite failed")

// exitCode maps run's error to the exit status: 2 for bad usage or a
// target that cannot be tested, 1 for a failed scenario.
func exitCode(err error) int {
	var u *contract.UsageError
	if errors.As(err, &u) {
		return 2
	}
	return 1
}

func usageErr(format string, args ...any) error {
	return &contract.UsageError{Err: fmt.Errorf(format, args...)}
}

// run parses the flags (with environment fallbacks) and runs the suite.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	env := func(name, def string) string {
		if v := getenv(name); v != "" {
			return v
		}
		return def
	}
	var (
		o         contract.Options
		fixtures  string
		featDir   string
		listSteps bool
	)
	fs := flag.NewFlagSet("sendai-contract", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.BaseURL, "base-url", env("SENDAI_BASE_URL", contract.DefaultBaseURL), "base URL of the API under test; paths /v2/... are appended (env SENDAI_BASE_URL)")
	fs.StringVar(&o.APIKey, "api-key", env("SENDAI_API_KEY", contract.DefaultAPIKey), "API key of -team with the task.read and task.edit scopes (env SENDAI_API_KEY)")
	fs.StringVar(&o.Team, "team", env("SENDAI_TEAM_ID", contract.DefaultTeam), "team id (env SENDAI_TEAM_ID)")
	fs.StringVar(&o.Project, "project", env("SENDAI_PROJECT_ID", contract.DefaultProject), "project id (env SENDAI_PROJECT_ID)")
	fs.StringVar(&fixtures, "fixtures", env("SENDAI_FIXTURES", ""), "YAML or JSON file naming the tasks and keys of a real deployment; without it the target must be a sendai-mock (env SENDAI_FIXTURES)")
	fs.StringVar(&o.Tags, "tags", "", `run only scenarios matching a tag expression, e.g. "@mock", "~@mock", "@a&&~@b"`)
	fs.StringVar(&o.Format, "format", "pretty", "comma-separated output formats: pretty, progress, junit:FILE, cucumber:FILE (at most one without a file)")
	conc := env("SENDAI_CONCURRENCY", "4")
	fs.StringVar(&conc, "concurrency", conc, "scenarios run at once (env SENDAI_CONCURRENCY)")
	fs.StringVar(&featDir, "features", "", "folder of *.feature files to run instead of the built-in ones")
	fs.BoolVar(&listSteps, "list-steps", false, "print the step catalogue, with an example of each, and exit")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return usageErr("%v", err)
	}
	if fs.NArg() > 0 {
		return usageErr("unexpected arguments: %v", fs.Args())
	}
	if listSteps {
		fmt.Fprintln(stdout, "Steps of the contract suite. Placeholders in paths, headers, bodies and expected values:")
		fmt.Fprintln(stdout, "{team_id} {project_id} {task_id} {api_key} {unknown_task_id} {unknown_project_id}, and any name remembered with \"I remember the JSON at ...\".")
		steps.PrintCatalogue(stdout)
		return nil
	}
	n, err := strconv.Atoi(conc)
	if err != nil || n < 1 {
		return usageErr("-concurrency: want a positive number, got %q", conc)
	}
	o.Concurrency = n
	if fixtures != "" {
		if o.Fixtures, err = steps.LoadFixturesFile(fixtures); err != nil {
			return usageErr("-fixtures %s: %v", fixtures, err)
		}
	}
	if featDir != "" {
		st, err := os.Stat(featDir)
		if err != nil || !st.IsDir() {
			return usageErr("-features: %q is not a folder", featDir)
		}
		o.Features = os.DirFS(featDir)
	}
	o.Output = stdout
	o.NoColors = true
	res, err := contract.Run(ctx, o)
	if err != nil {
		return err
	}
	if !res.OK() {
		return fmt.Errorf("%w: %d scenario(s) failed, %d undefined, %d pending", errFailed, res.Count(contract.Failed), res.Count(contract.Undefined), res.Count(contract.Pending))
	}
	return nil
}
