package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	sendaimock "sendaimock"
	"sendaimock/mockserver"
	"sendaimock/world"
)

// usageError marks bad flags: exit status 2, like flag's own.
type usageError struct{ error }

func exitCode(err error) int {
	var u usageError
	if errors.As(err, &u) {
		return 2
	}
	return 1
}

// config is what the flags and their environment fallbacks say.
type config struct {
	addr            string
	fixtures        string
	strict          bool
	cors            bool
	processingDelay time.Duration
	logLevel        slog.Level
	clock           string
	webhooks        []string
	state           string
	limits          mockserver.Limits
}

// urlList is a repeatable flag.
type urlList []string

func (l *urlList) String() string     { return strings.Join(*l, ",") }
func (l *urlList) Set(v string) error { *l = append(*l, v); return nil }

func parseFlags(args []string, getenv func(string) string, stderr io.Writer) (config, error) {
	var cfg config
	fs := flag.NewFlagSet("sendai-mock", flag.ContinueOnError)
	fs.SetOutput(stderr)
	env := func(name, def string) string {
		if v := getenv(name); v != "" {
			return v
		}
		return def
	}
	envBool := func(name string, def bool) bool {
		b, err := strconv.ParseBool(env(name, strconv.FormatBool(def)))
		if err != nil {
			return def
		}
		return b
	}
	envDur := func(name string, def time.Duration) time.Duration {
		d, err := time.ParseDuration(env(name, def.String()))
		if err != nil {
			return def
		}
		return d
	}
	fs.StringVar(&cfg.addr, "addr", env("SENDAI_MOCK_ADDR", "127.0.0.1:4010"), "address to listen on (env SENDAI_MOCK_ADDR)")
	fs.StringVar(&cfg.fixtures, "fixtures", env("SENDAI_MOCK_FIXTURES", ""), "folder of *.json fixtures replacing the embedded world (env SENDAI_MOCK_FIXTURES)")
	fs.BoolVar(&cfg.strict, "strict", envBool("SENDAI_MOCK_STRICT", false), "check every response against openapi.yaml; answer 500 on a violation (env SENDAI_MOCK_STRICT)")
	fs.BoolVar(&cfg.cors, "cors", envBool("SENDAI_MOCK_CORS", true), "allow browsers from any origin (env SENDAI_MOCK_CORS)")
	fs.DurationVar(&cfg.processingDelay, "processing-delay", envDur("SENDAI_MOCK_PROCESSING_DELAY", world.DefaultProcessingDelay), "how long a task shows PROCESSING (env SENDAI_MOCK_PROCESSING_DELAY)")
	fs.StringVar(&cfg.clock, "clock", env("SENDAI_MOCK_CLOCK", mockserver.ClockReal), "real, or manual: time moves only through POST /_mock/clock/advance (env SENDAI_MOCK_CLOCK)")
	hooks := urlList{}
	if v := getenv("SENDAI_MOCK_WEBHOOKS"); v != "" {
		hooks = strings.Fields(strings.ReplaceAll(v, ",", " "))
	}
	fs.Var(&hooks, "webhook", "URL that receives every event as a JSON POST; repeatable (env SENDAI_MOCK_WEBHOOKS, comma-separated)")
	fs.StringVar(&cfg.state, "state", env("SENDAI_MOCK_STATE", ""), "file that keeps the world across restarts; empty: state lives in memory only (env SENDAI_MOCK_STATE)")
	envInt := func(name string, def int) int {
		n, err := strconv.Atoi(env(name, strconv.Itoa(def)))
		if err != nil {
			return def
		}
		return n
	}
	d := mockserver.DefaultLimits
	fs.IntVar(&cfg.limits.MaxHeaderBytes, "max-header-bytes", envInt("SENDAI_MOCK_MAX_HEADER_BYTES", d.MaxHeaderBytes), "largest request header block; larger ones get 431 (env SENDAI_MOCK_MAX_HEADER_BYTES)")
	fs.DurationVar(&cfg.limits.ReadHeaderTimeout, "read-header-timeout", envDur("SENDAI_MOCK_READ_HEADER_TIMEOUT", d.ReadHeaderTimeout), "time a client has to send its request headers (env SENDAI_MOCK_READ_HEADER_TIMEOUT)")
	fs.DurationVar(&cfg.limits.ReadTimeout, "read-timeout", envDur("SENDAI_MOCK_READ_TIMEOUT", d.ReadTimeout), "time a client has to send a whole request (env SENDAI_MOCK_READ_TIMEOUT)")
	fs.DurationVar(&cfg.limits.WriteTimeout, "write-timeout", envDur("SENDAI_MOCK_WRITE_TIMEOUT", d.WriteTimeout), "time to write a response (env SENDAI_MOCK_WRITE_TIMEOUT)")
	fs.DurationVar(&cfg.limits.IdleTimeout, "idle-timeout", envDur("SENDAI_MOCK_IDLE_TIMEOUT", d.IdleTimeout), "how long an idle keep-alive connection stays open (env SENDAI_MOCK_IDLE_TIMEOUT)")
	fs.IntVar(&cfg.limits.MaxConns, "max-conns", envInt("SENDAI_MOCK_MAX_CONNS", d.MaxConns), "cap on open connections, 0 for none; more clients wait to be accepted (env SENDAI_MOCK_MAX_CONNS)")
	level := env("SENDAI_MOCK_LOG_LEVEL", "info")
	fs.StringVar(&level, "log-level", level, "debug, info, warn or error; debug logs bodies (env SENDAI_MOCK_LOG_LEVEL)")
	if err := fs.Parse(args); err != nil {
		return cfg, usageError{err}
	}
	if fs.NArg() > 0 {
		return cfg, usageError{fmt.Errorf("unexpected arguments: %v", fs.Args())}
	}
	if err := cfg.logLevel.UnmarshalText([]byte(level)); err != nil {
		return cfg, usageError{fmt.Errorf("-log-level: %w", err)}
	}
	cfg.webhooks = hooks
	for _, h := range hooks {
		if u, err := url.Parse(h); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return cfg, usageError{fmt.Errorf("-webhook %q: want an absolute http or https URL", h)}
		}
	}
	if cfg.clock != mockserver.ClockReal && cfg.clock != mockserver.ClockManual {
		return cfg, usageError{fmt.Errorf("-clock must be %s or %s, not %q", mockserver.ClockReal, mockserver.ClockManual, cfg.clock)}
	}
	if cfg.processingDelay <= 0 {
		return cfg, usageError{errors.New("-processing-delay must be positive")}
	}
	l := cfg.limits
	if l.MaxHeaderBytes <= 0 || l.ReadHeaderTimeout <= 0 || l.ReadTimeout <= 0 || l.WriteTimeout <= 0 || l.IdleTimeout <= 0 || l.MaxConns < 0 {
		return cfg, usageError{errors.New("-max-header-bytes and the timeouts must be positive, -max-conns zero or positive")}
	}
	return cfg, nil
}

// run starts the mock and serves until ctx is done.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, err := parseFlags(args, getenv, stderr)
	if err != nil {
		return err
	}
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: cfg.logLevel}))

	spec, err := sendaimock.LoadSpec(ctx)
	if err != nil {
		return err
	}
	fx, err := loadFixtures(cfg.fixtures)
	if err != nil {
		return err
	}
	var clock world.Clock = world.RealClock{}
	if cfg.clock == mockserver.ClockManual {
		clock = world.NewManualClock(time.Now())
	}
	srv, err := mockserver.New(mockserver.Config{
		Spec: spec, Fixtures: fx, Clock: clock, ProcessingDelay: cfg.processingDelay,
		CORS: cfg.cors, Strict: cfg.strict, Logger: logger, Webhooks: cfg.webhooks,
		StatePath: cfg.state,
	})
	if err != nil {
		return err
	}
	defer srv.Close()

	// The live heap is small (a few MiB for the default world), so the
	// garbage collector's default of letting the heap double before a
	// collection is most of the resident memory. At 50% the mock stays a
	// third smaller for a few percent of CPU; GOGC, if set, decides.
	if getenv("GOGC") == "" {
		debug.SetGCPercent(50)
	}
	// Listen before serving, so a busy port fails at once.
	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.addr, err)
	}
	ln = cfg.limits.Listener(ln)
	hs := cfg.limits.HTTPServer(srv, logger)
	base := "http://" + ln.Addr().String()
	fmt.Fprintf(stdout, "sendai-mock listening on %s\n", base)
	fmt.Fprintf(stdout, "try: curl -X POST '%s/v2/team_123456/project/proj_123456/task/task_abcdef123456/approve' -H 'Authorization: Bearer YOUR_API_KEY'\n", base)

	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	// Loading the spec and fixtures leaves megabytes of parser garbage:
	// hand it back to the OS rather than carry it as resident memory, once
	// serving, so it does not delay the first answer.
	go debug.FreeOSMemory()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down")
	// Event streams stay open until told; end them so Shutdown need not
	// wait. The state file stays open for requests still being answered.
	srv.EndStreams()
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := hs.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

func loadFixtures(dir string) (*world.Fixtures, error) {
	if dir == "" {
		return sendaimock.DefaultFixtures()
	}
	return world.LoadFixtures(os.DirFS(dir))
}
