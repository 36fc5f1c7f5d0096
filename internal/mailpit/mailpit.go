// Package mailpit runs a real SMTP server for tests: Mailpit (a Go tool of
// this module, go.mod's `tool github.com/axllent/mailpit`), started as a
// subprocess on free local ports, read through its HTTP API. The binary is
// built once per test process by `go tool -n mailpit` (then cached by Go).
package mailpit

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// binary builds Mailpit once per test process.
var binary = sync.OnceValues(func() (string, error) {
	out, err := exec.Command("go", "tool", "-n", "mailpit").Output()
	if err != nil {
		var stderr []byte
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = ee.Stderr
		}
		return "", fmt.Errorf("go tool -n mailpit: %w: %s", err, stderr)
	}
	return strings.TrimSpace(string(out)), nil
})

// Server is a running Mailpit.
type Server struct {
	SMTPHost string
	SMTPPort int
	API      string // http://127.0.0.1:PORT
}

func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// Start runs Mailpit for the test (chaos enabled, so a test can make it
// refuse), stopped at the test's end.
func Start(t testing.TB) *Server {
	t.Helper()
	if testing.Short() {
		t.Skip("needs a Mailpit process: run without -short")
	}
	bin, err := binary()
	if err != nil {
		t.Fatal(err)
	}
	smtpPort, httpPort := freePort(t), freePort(t)
	cmd := exec.Command(bin, "--smtp", "127.0.0.1:"+strconv.Itoa(smtpPort), "--listen", "127.0.0.1:"+strconv.Itoa(httpPort),
		"--database", filepath.Join(t.TempDir(), "mailpit.db"), "--enable-chaos", "--disable-version-check", "--smtp-disable-rdns")
	pr, pw := io.Pipe()
	cmd.Stdout, cmd.Stderr = pw, pw
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); pw.Close(); close(exited) }()
	t.Cleanup(func() { _ = cmd.Process.Kill(); <-exited })
	// Ready when it says both servers started (the log lines come from
	// Mailpit itself); the rest of its output is drained.
	ready := make(chan error, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		smtpUp, httpUp, sent := false, false, false
		var log strings.Builder
		for sc.Scan() {
			line := sc.Text()
			if !sent {
				log.WriteString(line + "\n")
			}
			smtpUp = smtpUp || strings.Contains(line, "[smtpd] starting on")
			httpUp = httpUp || strings.Contains(line, "[http] accessible via")
			if smtpUp && httpUp && !sent {
				ready <- nil
				sent = true
			}
		}
		if !sent {
			ready <- fmt.Errorf("mailpit exited before it was ready:\n%s", log.String())
		}
	}()
	if err := <-ready; err != nil {
		t.Fatal(err)
	}
	s := &Server{SMTPHost: "127.0.0.1", SMTPPort: smtpPort, API: "http://127.0.0.1:" + strconv.Itoa(httpPort)}
	// the SMTP listener opens right after its log line: wait until it answers
	deadline := time.Now().Add(30 * time.Second)
	for {
		c, err := net.Dial("tcp", net.JoinHostPort(s.SMTPHost, strconv.Itoa(smtpPort)))
		if err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("mailpit SMTP not reachable: %v", err)
		}
		<-time.After(20 * time.Millisecond) // polling for readiness, not timing a result
	}
	return s
}

// Address is a mailbox of a message.
type Address struct {
	Name, Address string
}

// Summary is a message in the list.
type Summary struct {
	ID        string
	MessageID string
	From      Address
	To        []Address
	Subject   string
}

// Message is one message with its bodies.
type Message struct {
	Summary
	Text, HTML string
	Date       string
}

func (s *Server) get(t testing.TB, path string, v any) {
	t.Helper()
	res, err := http.Get(s.API + path)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(res.Body)
		t.Fatalf("mailpit %s: %d %s", path, res.StatusCode, b)
	}
	if err := json.NewDecoder(res.Body).Decode(v); err != nil {
		t.Fatalf("mailpit %s: %v", path, err)
	}
}

// Messages lists every message received, newest first.
func (s *Server) Messages(t testing.TB) []Summary {
	t.Helper()
	var out struct{ Messages []Summary }
	s.get(t, "/api/v1/messages?limit=1000", &out)
	return out.Messages
}

// Message reads one message by its Mailpit ID.
func (s *Server) Message(t testing.TB, id string) Message {
	t.Helper()
	var m Message
	s.get(t, "/api/v1/message/"+id, &m)
	return m
}

// To returns the messages received by address, with their bodies.
func (s *Server) To(t testing.TB, address string) []Message {
	t.Helper()
	var out []Message
	for _, sum := range s.Messages(t) {
		for _, a := range sum.To {
			if strings.EqualFold(a.Address, address) {
				out = append(out, s.Message(t, sum.ID))
				break
			}
		}
	}
	return out
}

// Chaos makes Mailpit answer code to RCPT TO with probability 0-100 (0 turns
// it off).
func (s *Server) Chaos(t testing.TB, code, probability int) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"Recipient": map[string]int{"ErrorCode": code, "Probability": probability}})
	req, err := http.NewRequest(http.MethodPut, s.API+"/api/v1/chaos", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(res.Body)
		t.Fatalf("mailpit chaos: %d %s", res.StatusCode, b)
	}
}
