// Package testpdf reads the text of PDFs in tests with pdftotext and pdfinfo
// (Debian's poppler-utils), installing them when the test runs as root, so
// `make test` needs nothing installed by hand.
package testpdf

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// Pages returns the text of each page of pdf (pdftotext -layout, split on
// form feeds), after checking the page count with pdfinfo.
func Pages(t testing.TB, pdf []byte) []string {
	t.Helper()
	Need(t)
	path := filepath.Join(t.TempDir(), "document.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	info, err := exec.Command("pdfinfo", path).CombinedOutput()
	if err != nil {
		t.Fatalf("pdfinfo: %v\n%s", err, info)
	}
	m := regexp.MustCompile(`(?m)^Pages:\s+(\d+)`).FindSubmatch(info)
	if m == nil {
		t.Fatalf("pdfinfo: no page count:\n%s", info)
	}
	n, _ := strconv.Atoi(string(m[1]))
	out, err := exec.Command("pdftotext", "-layout", "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	pages := strings.Split(strings.TrimSuffix(string(out), "\f"), "\f")
	if len(pages) != n {
		t.Fatalf("pdftotext gave %d pages, pdfinfo %d", len(pages), n)
	}
	return pages
}

// Need makes sure pdftotext and pdfinfo are installed: as root it installs
// poppler-utils, otherwise the test fails saying how.
func Need(t testing.TB) {
	t.Helper()
	have := func() bool {
		_, err1 := exec.LookPath("pdftotext")
		_, err2 := exec.LookPath("pdfinfo")
		return err1 == nil && err2 == nil
	}
	if have() {
		return
	}
	if os.Geteuid() != 0 {
		t.Fatal("pdftotext and pdfinfo are missing: install poppler-utils (apt-get install poppler-utils)")
	}
	apt := func(args ...string) error {
		cmd := exec.Command("apt-get", append([]string{"-o", "DPkg::Lock::Timeout=300"}, args...)...)
		cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("apt-get %s: %w\n%s", strings.Join(args, " "), err, out)
		}
		return nil
	}
	if err := apt("install", "-y", "-qq", "poppler-utils"); err != nil {
		if err := apt("update", "-qq"); err != nil {
			t.Fatalf("poppler-utils missing and apt-get update failed: %v", err)
		}
		if err := apt("install", "-y", "-qq", "poppler-utils"); err != nil {
			t.Fatalf("poppler-utils missing and could not be installed: %v", err)
		}
	}
	if !have() {
		t.Fatal("poppler-utils installed but pdftotext or pdfinfo still not on PATH")
	}
}
