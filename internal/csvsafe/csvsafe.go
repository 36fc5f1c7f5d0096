// Package csvsafe is the one rule every CSV written for spreadsheets follows
// against formula injection ("CSV injection"): a text cell that begins with
// a character a spreadsheet reads as the start of a formula (=, +, -, @, tab,
// carriage return) is written with a leading apostrophe, so Excel and
// LibreOffice show it as text and never evaluate it.
//
// The rule applies to text cells only. Writers emit numbers (including
// negative ones, -12,67) from typed values without passing them through Cell,
// so they stay numbers. Files meant for programs (the open-data
// indicators.csv) do not use it and keep every value exact.
package csvsafe

import "strings"

// triggers are the first characters that make a spreadsheet parse a formula.
const triggers = "=+-@\t\r"

// Cell returns s as a spreadsheet text cell: s itself, or s with a leading
// apostrophe when it would start a formula.
func Cell(s string) string {
	if Risky(s) {
		return "'" + s
	}
	return s
}

// Risky reports whether a spreadsheet would read s as the start of a formula.
func Risky(s string) bool {
	return s != "" && strings.IndexByte(triggers, s[0]) >= 0
}
