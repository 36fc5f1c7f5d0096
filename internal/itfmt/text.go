package itfmt

import (
	"strings"
	"unicode/utf8"
)

// ValidText reports whether typed text can be stored: valid UTF-8 without
// NUL bytes (PostgreSQL refuses them).
func ValidText(v string) bool { return utf8.ValidString(v) && !strings.ContainsRune(v, 0) }

// Truncate keeps the first n characters of typed text, to show it back in a
// form; "" when it is not valid UTF-8.
func Truncate(s string, n int) string {
	if !utf8.ValidString(s) {
		return ""
	}
	if r := []rune(s); len(r) > n {
		return string(r[:n])
	}
	return s
}

// Paragraphs splits a typed text on blank lines, trimming each paragraph and
// dropping empty ones (Windows line ends count as line ends).
func Paragraphs(s string) []string {
	var out []string
	for _, p := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
