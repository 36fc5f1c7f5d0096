package config

import (
	"strings"
	"testing"
)

// `piao --help` speaks Italian: the variables' meanings too.
func TestVariablesInItalian(t *testing.T) {
	for _, v := range Variables {
		low := " " + strings.ToLower(v.Meaning) + " "
		for _, en := range []string{" the ", " unset", " of ", " when ", " how long ", " is "} {
			if strings.Contains(low, en) {
				t.Errorf("%s: English meaning %q", v.Name, v.Meaning)
				break
			}
		}
	}
}
