//go:build proof

package main

import (
	"context"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestCLIBesideRunningServer runs `piao serve` on the private cluster (no
// DATABASE_URL) and, while it listens, `piao score`, `piao audit verify` and
// `piao backup` on the same data folder: they use the running cluster
// instead of failing, and leave it running for the server.
func TestCLIBesideRunningServer(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a PostgreSQL cluster: run without -short")
	}
	env := map[string]string{"PIAO_DATA_DIR": t.TempDir(), "PIAO_ADDR": "127.0.0.1:0", "PIAO_DEMO_PASSWORD": "beside-the-server-1"}
	logs := &lineWatcher{re: regexp.MustCompile(`msg=listening url=(http://\S+)`), found: make(chan string, 1)}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--migrate", "--demo-if-empty"}, func(k string) string { return env[k] }, strings.NewReader(""), io.Discard, logs)
	}()
	var base string
	select {
	case base = <-logs.found:
	case code := <-done:
		t.Fatalf("serve exited with %d before listening:\n%s", code, logs.buf.String())
	case <-time.After(3 * time.Minute):
		t.Fatalf("serve did not start:\n%s", logs.buf.String())
	}

	code, out, errOut := runWith(t, env, "score", "--ente", "cciaa-gran-sasso", "--plan", "piao-2023-2025", "--year", "2023")
	if code != 0 {
		t.Fatalf("score beside the server: exit %d\n%s", code, errOut)
	}
	if !strings.Contains(out, "1.1") || !strings.Contains(errOut, "using the running embedded PostgreSQL") {
		t.Errorf("score beside the server printed:\n%s\nlogs:\n%s", out, errOut)
	}
	if code, out, errOut := runWith(t, env, "audit", "verify"); code != 0 {
		t.Fatalf("audit verify beside the server: exit %d\n%s\n%s", code, out, errOut)
	}
	file := filepath.Join(t.TempDir(), "beside.piao-backup")
	if code, out, errOut := runWith(t, env, "backup", "-o", file); code != 0 || !strings.Contains(out, "Backup dell'installazione scritto") {
		t.Fatalf("backup beside the server: exit %d\n%s\n%s", code, out, errOut)
	}

	// The server still answers: the commands left its cluster running.
	res, err := http.Get(base + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Errorf("/readyz after the CLI ran: %d, want 200", res.StatusCode)
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("serve exited with %d:\n%s", code, logs.buf.String())
		}
	case <-time.After(time.Minute):
		t.Fatal("serve did not shut down")
	}
}
