package csvsafe

import "testing"

func TestCell(t *testing.T) {
	for in, want := range map[string]string{
		`=HYPERLINK("http://evil.example","x")`: `'=HYPERLINK("http://evil.example","x")`,
		"+1":                                    "'+1",
		"-cmd|' /C calc'!A0":                    "'-cmd|' /C calc'!A0",
		"@SUM(A1:A2)":                           "'@SUM(A1:A2)",
		"\t=1":                                  "'\t=1",
		"\r=1":                                  "'\r=1",
		"":                                      "",
		"Tempi medi":                            "Tempi medi",
		" =1":                                   " =1",
		"≥ 200":                                 "≥ 200",
		"'=1":                                   "'=1",
	} {
		if got := Cell(in); got != want {
			t.Errorf("Cell(%q) = %q, want %q", in, got, want)
		}
	}
}
