package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/piao-performance/piao/internal/plan"
)

func TestPlanParse(t *testing.T) {
	out := filepath.Join(t.TempDir(), "piano.json")
	code, stdout, stderr := runWith(t, nil, "plan", "parse", "../../docs/reference/piao-2023-2025-cciaa-gran-sasso.txt",
		"--ente", "cciaa-x", "--plan", "piao-2023-2025", "--years", "2023-2025", "-o", out)
	if code != 0 {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	if stdout != "" {
		t.Errorf("stdout should be empty with -o, got %q", stdout)
	}
	if !strings.Contains(stderr, "riga ") || !strings.Contains(stderr, "Riconosciuti 5 ambiti, 51 obiettivi") {
		t.Errorf("stderr lacks the problems or the summary:\n%s", stderr)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var doc plan.Document
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&doc); err != nil {
		t.Fatalf("not an export document: %v", err)
	}
	if doc.Ente.Slug != "cciaa-x" || doc.Plan.StartYear != 2023 || doc.Plan.EndYear != 2025 || len(doc.Objectives) != 51 || len(doc.Notes) == 0 {
		t.Errorf("document header or contents: ente %q years %d-%d, %d objectives, %d notes",
			doc.Ente.Slug, doc.Plan.StartYear, doc.Plan.EndYear, len(doc.Objectives), len(doc.Notes))
	}
}

func TestPlanParseNothing(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "lettera.txt")
	if err := os.WriteFile(empty, []byte("Gentile utente,\nnessuna tabella qui.\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runWith(t, nil, "plan", "parse", empty)
	if code != 1 || stdout != "" || !strings.Contains(stderr, "non è stato riconosciuto") {
		t.Errorf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	bin := filepath.Join(dir, "x.bin")
	if err := os.WriteFile(bin, []byte{0xff, 0xfe, 0x00, 0x81}, 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := runWith(t, nil, "plan", "parse", bin); code != 1 || !strings.Contains(stderr, "non è un testo") {
		t.Errorf("binary file: exit %d, stderr %q", code, stderr)
	}
	if code, _, _ := runWith(t, nil, "plan", "parse"); code != 2 {
		t.Errorf("no file: exit %d, want 2", code)
	}
	if code, _, _ := runWith(t, nil, "plan", "parse", empty, "--years", "2025"); code != 2 {
		t.Errorf("bad --years: exit %d, want 2", code)
	}
}
