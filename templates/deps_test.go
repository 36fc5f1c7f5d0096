package templates

import (
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestViewLinksNoStorage: the view layer renders read-model values; it must
// not link the database driver, the store, the session manager, the password
// hashing or the PDF and spreadsheet writers (their types would leak into
// every page).
func TestViewLinksNoStorage(t *testing.T) {
	out, err := exec.Command(filepath.Join(runtime.GOROOT(), "bin", "go"), "list", "-deps", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps: %v\n%s", err, out)
	}
	deps := strings.Fields(string(out))
	if len(deps) < 10 {
		t.Fatalf("go list -deps listed %d packages: %q", len(deps), out)
	}
	forbidden := []string{
		"github.com/jackc/", // pgx and its pool
		"github.com/piao-performance/piao/internal/store",
		"github.com/piao-performance/piao/internal/scores",
		"github.com/piao-performance/piao/internal/report",
		"github.com/alexedwards/scs",
		"github.com/go-pdf/",
		"github.com/xuri/",
		"github.com/alexedwards/argon2id", // password hashing: package password, not auth
		"golang.org/x/crypto/argon2",
	}
	for _, d := range deps {
		for _, f := range forbidden {
			if d == f || strings.HasPrefix(d, f) && (strings.HasSuffix(f, "/") || strings.HasPrefix(d, f+"/")) {
				t.Errorf("templates links %s", d)
			}
		}
	}
}
