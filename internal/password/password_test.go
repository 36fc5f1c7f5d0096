package password

import (
	"strings"
	"testing"

	"github.com/piao-performance/piao/internal/auth"
)

func TestHashAndCheck(t *testing.T) {
	h, err := Hash("una password lunga abbastanza")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$") || strings.Contains(h, "una password") {
		t.Fatalf("hash %q", h)
	}
	if !Check("una password lunga abbastanza", h) || Check("una password lunga abbastanzA", h) {
		t.Fatal("check")
	}
	if Check("qualsiasi cosa", "") {
		t.Fatal("an account without a password never matches")
	}
	if !Check("not-a-real-password-used-for-timing-only", dummyHash) {
		t.Fatal("the dummy hash must be a real argon2id hash, or its comparison would be faster")
	}
	for _, bad := range []string{"corta", strings.Repeat("x", auth.MaxPassword+1), "            ", "\xff\xfe password lunga"} {
		if _, err := Hash(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
