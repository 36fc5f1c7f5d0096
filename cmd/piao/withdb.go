package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"

	"github.com/piao-performance/piao/internal/config"
)

// testURLVar is the variable internal/testdb reads.
const testURLVar = "PIAO_TEST_DATABASE_URL"

// testFolder is the test cluster's folder under DataDir.
const testFolder = "postgres-test"

// cmdWithDB runs a command (the test suite) with PIAO_TEST_DATABASE_URL set.
// When it is already set that server is used; otherwise a private cluster under
// DataDir/postgres-test is started and stopped around it, so `make test` needs
// no database set up by hand. DATABASE_URL is ignored on purpose: tests create
// and drop databases, which must never happen on the application's server.
func cmdWithDB(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == "--" {
		args = args[1:]
	}
	if len(args) == 0 {
		fmt.Fprintln(stderr, "piao: withdb vuole un comando da eseguire: piao withdb -- go test ./...")
		return 2
	}
	url := getenv(testURLVar)
	if url == "" {
		cfg.DatabaseURL = ""
		t, stop, err := database(ctx, cfg, log, testFolder)
		if err != nil {
			fmt.Fprintln(stderr, "piao:", err)
			return 1
		}
		defer stop()
		url = t.owner // tests create databases and roles: the superuser
	}
	cmd := exec.CommandContext(ctx, args[0], args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, stdout, stderr
	cmd.Env = append(os.Environ(), testURLVar+"="+url)
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		return exit.ExitCode()
	case err != nil:
		fmt.Fprintln(stderr, "piao:", err)
		return 1
	}
	return 0
}
