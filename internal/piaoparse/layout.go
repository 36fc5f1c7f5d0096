package piaoparse

import (
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"
)

// A layout text (pdftotext -layout, or any text with the tabs turned into
// spaces) puts each cell at a column and wraps long cells onto the next
// lines at the same column. delayout joins those lines back into one row
// per table row, cells separated by tabs, so the parser reads both forms
// alike.

type posCell struct {
	off  int
	text string
}

var reRun = regexp.MustCompile(` {2,}`)

func layoutCells(line string) []posCell {
	var out []posCell
	start := 0
	for _, loc := range append(reRun.FindAllStringIndex(line, -1), []int{len(line), len(line)}) {
		seg := line[start:loc[0]]
		if t := strings.TrimSpace(seg); t != "" {
			lead := len(seg) - len(strings.TrimLeft(seg, " "))
			out = append(out, posCell{off: utf8.RuneCountInString(line[:start+lead]), text: t})
		}
		start = loc[1]
	}
	return out
}

func delayout(text string) string {
	lines := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	var b strings.Builder
	var row []posCell // the logical row being joined
	rowLines := 0
	flush := func() {
		if row == nil {
			return
		}
		parts := make([]string, len(row))
		for i, c := range row {
			parts[i] = c.text
		}
		if row[0].off > 0 {
			// leading empty column (a year row under the header, an indented continuation)
			b.WriteByte('\t')
		}
		b.WriteString(strings.Join(parts, "\t"))
		b.WriteByte('\n')
		// keep the line count: the parser reports source lines
		for range rowLines - 1 {
			b.WriteByte('\n')
		}
		row, rowLines = nil, 0
	}
	for _, line := range lines {
		line = strings.TrimRight(line, " ")
		cs := layoutCells(line)
		if len(cs) == 0 {
			flush()
			b.WriteByte('\n')
			continue
		}
		if row != nil && continues(row, cs) {
			row = merge(row, cs)
			rowLines++
			continue
		}
		flush()
		row, rowLines = cs, 1
	}
	flush()
	return strings.TrimSuffix(b.String(), "\n")
}

// continues says whether a line continues the row above: it starts in a
// column to the right of the row's first cell, or it has fewer cells than a
// table row, each under one of the row's cells, and leaves the last column
// empty.
func continues(row, cs []posCell) bool {
	if len(row) == 1 && len(cs) == 1 {
		// a wrapped paragraph: the line above is long and both start at the margin
		return cs[0].off == row[0].off && utf8.RuneCountInString(row[0].text) >= 25 && row[0].off == 0
	}
	if len(row) < 2 {
		return false
	}
	if cs[0].off > row[0].off+1 {
		return true
	}
	if len(row) < 3 || len(cs) >= len(row) {
		return false
	}
	if cs[len(cs)-1].off >= row[len(row)-1].off-1 {
		return false
	}
	for _, c := range cs {
		if nearest(row, c.off) < 0 {
			return false
		}
	}
	return true
}

func nearest(row []posCell, off int) int {
	for i, r := range row {
		if abs(r.off-off) <= 2 {
			return i
		}
	}
	return -1
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

func merge(row, cs []posCell) []posCell {
	for _, c := range cs {
		if i := nearest(row, c.off); i >= 0 {
			row[i].text += " " + c.text
			continue
		}
		row = append(row, c)
	}
	sort.SliceStable(row, func(i, j int) bool { return row[i].off < row[j].off })
	return row
}
