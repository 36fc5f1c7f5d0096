package narrative

import (
	"strings"

	"github.com/piao-performance/piao/internal/itfmt"
)

// DiffKind says whether a run of words is kept, removed or added.
type DiffKind uint8

// Diff kinds.
const (
	Same DiffKind = iota
	Removed
	Added
)

// DiffOp is a run of words of the same kind; a paragraph break is the word "\n\n".
type DiffOp struct {
	Kind DiffKind
	Text string
}

// maxDiffCells bounds the word-by-word comparison (old words × new words);
// beyond it the texts are compared paragraph by paragraph.
const maxDiffCells = 1_000_000

// Diff compares two texts word by word (paragraphs split on blank lines) and
// returns the runs of kept, removed and added words, in order. It is a
// longest-common-subsequence diff: exact, deterministic, and bounded by
// maxDiffCells (longer texts are compared by whole paragraphs).
func Diff(old, new string) []DiffOp {
	a, b := words(old), words(new)
	if len(a)*len(b) > maxDiffCells {
		a, b = itfmt.Paragraphs(old), itfmt.Paragraphs(new)
		if len(a)*len(b) > maxDiffCells {
			return []DiffOp{{Kind: Removed, Text: old}, {Kind: Added, Text: new}}
		}
	}
	// lcs[i][j] is the length of the LCS of a[i:] and b[j:], one row at a time
	n, m := len(a), len(b)
	lcs := make([][]int32, n+1)
	for i := range lcs {
		lcs[i] = make([]int32, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var out []DiffOp
	add := func(k DiffKind, w string) {
		if len(out) > 0 && out[len(out)-1].Kind == k {
			out[len(out)-1].Text += sep(out[len(out)-1].Text, w) + w
			return
		}
		out = append(out, DiffOp{Kind: k, Text: w})
	}
	i, j := 0, 0
	for i < n && j < m {
		switch {
		case a[i] == b[j]:
			add(Same, a[i])
			i, j = i+1, j+1
		case lcs[i+1][j] >= lcs[i][j+1]:
			add(Removed, a[i])
			i++
		default:
			add(Added, b[j])
			j++
		}
	}
	for ; i < n; i++ {
		add(Removed, a[i])
	}
	for ; j < m; j++ {
		add(Added, b[j])
	}
	return out
}

// sep is the space between two words of a run; none around a paragraph break.
func sep(prev, w string) string {
	if w == "\n\n" || strings.HasSuffix(prev, "\n\n") {
		return ""
	}
	return " "
}

// words splits a text into words, with "\n\n" between paragraphs.
func words(s string) []string {
	var out []string
	for i, p := range itfmt.Paragraphs(s) {
		if i > 0 {
			out = append(out, "\n\n")
		}
		out = append(out, strings.Fields(p)...)
	}
	return out
}
