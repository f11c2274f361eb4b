package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
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
	})
	if err != nil {
		return err
	}
	defer srv.Close()

	// Listen before serving, so a busy port fails at once.
	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.addr, err)
	}
	hs := &http.Server{
		Handler:           srv,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	base := "http://" + ln.Addr().String()
	fmt.Fprintf(stdout, "sendai-mock listening on %s\n", base)
	fmt.Fprintf(stdout, "try: curl -X POST '%s/v2/team_123456/project/proj_123456/task/task_abcdef123456/approve' -H 'Authorization: Bearer YOUR_API_KEY'\n", base)

	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down")
	// Event streams stay open until told; end them so Shutdown need not wait.
	srv.Close()
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
