package report

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/piao-performance/piao/internal/document"
	"github.com/piao-performance/piao/internal/testpdf"
)

// pdfWideDoc is pdfWideFixture with its 10-column table grown to rows rows.
func pdfWideDoc(rows int) *document.Document {
	d := pdfWideFixture()
	wide := &d.Tables[1]
	base := wide.Rows
	wide.Rows = make([][]document.Cell, rows)
	for r := range wide.Rows {
		row := append([]document.Cell(nil), base[r%len(base)]...)
		row[1].Text = fmt.Sprintf("OB.%04d", r+1)
		wide.Rows[r] = row
	}
	return d
}

// pdfLongDoc is 1,200 rows in tables of both orientations, a tree and an
// empty table: over 50 pages.
func pdfLongDoc() *document.Document {
	d := pdfWideDoc(400)
	narrow := func(slug, title, prefix string, rows int) document.Table {
		t := document.Table{Slug: slug, Title: title, Intro: "Tabella lunga (" + prefix + ").",
			Columns: []document.Column{{Header: "Codice", Width: 1.2}, {Header: "Indicatore", Width: 4}, {Header: "Valore rilevato", Kind: document.Number, Width: 1.5}}}
		for r := range rows {
			t.Rows = append(t.Rows, []document.Cell{{Text: fmt.Sprintf("%s.%04d", prefix, r+1)},
				{Text: "Pratiche evase entro i termini «perché» il servizio sia più rapido (≥ 90%)"}, {Text: "−3,40", Value: -3.4, Has: true}})
		}
		return t
	}
	d.Tables = []document.Table{
		narrow("prima", "Prima tabella", "PA", 500),
		d.Tables[1],
		narrow("terza", "Terza tabella (dopo la larga)", "PC", 300),
		{Slug: "vuota", Title: "Tabella vuota", Columns: []document.Column{{Header: "Codice"}}},
	}
	return d
}

// TestWritePDFLong: a long document of portrait and landscape pages keeps,
// on every page, the footer's "Pagina k di N", the notice and, for each
// table, the repeated header row; poppler reads it without a complaint,
// and the outline points to the right pages.
func TestWritePDFLong(t *testing.T) {
	testpdf.Need(t)
	d := pdfLongDoc()
	var buf bytes.Buffer
	if err := WritePDF(&buf, d); err != nil {
		t.Fatal(err)
	}
	pdf := buf.Bytes()
	pdfQuiet(t, pdf)
	pages := testpdf.Pages(t, pdf)
	n := len(pages)
	if n < 50 {
		t.Fatalf("%d pages, want at least 50", n)
	}
	land := pdfLandscapePages(t, pdf, n)
	prefixes := map[string]struct {
		header []string
		land   bool
	}{
		"PA.": {[]string{"Codice", "Indicatore", "Valore rilevato"}, false},
		"OB.": {[]string{"Ambito", "Obiettivo", "Baseline", "Raggiungimento"}, true},
		"PC.": {[]string{"Codice", "Indicatore", "Valore rilevato"}, false},
	}
	rows := map[string]int{}
	for i, pg := range pages {
		if want := fmt.Sprintf("Pagina %d di %d", i+1, n); !strings.Contains(pg, want) {
			t.Errorf("page %d: no %q", i+1, want)
		}
		if !strings.Contains(pg, "DATI DIMOSTRATIVI") {
			t.Errorf("page %d: no notice", i+1)
		}
		for prefix, want := range prefixes {
			codes := regexp.MustCompile(regexp.QuoteMeta(prefix)+`\d{4}\b`).FindAllString(pg, -1)
			if len(codes) == 0 {
				continue
			}
			rows[prefix] += len(codes)
			for _, h := range want.header {
				if !strings.Contains(pg, h) {
					t.Errorf("page %d: rows %s… without the header %q", i+1, prefix, h)
				}
			}
			if land[i] != want.land {
				t.Errorf("page %d: rows %s… on landscape %v, want %v", i+1, prefix, land[i], want.land)
			}
		}
	}
	for prefix, want := range map[string]int{"PA.": 500, "OB.": 400, "PC.": 300} {
		if rows[prefix] != want {
			t.Errorf("%d rows %s…, want %d", rows[prefix], prefix, want)
		}
	}
	if all := strings.Join(pages, "\f"); !strings.Contains(all, "Nessun dato.") || !strings.Contains(all, "Albero della performance") {
		t.Error("no empty table or no tree")
	}

	// The outline: the cover, the tree and each table, each pointing to
	// the page its title is on.
	want := []string{d.Title, "Albero della performance"}
	for _, tb := range d.Tables {
		want = append(want, tb.Title)
	}
	got := pdfOutline(t, pdf)
	if len(got) != len(want) {
		t.Fatalf("outline %v, want %q", got, want)
	}
	for i, e := range got {
		if e.title != want[i] {
			t.Errorf("outline entry %d: %q, want %q", i, e.title, want[i])
		}
		if e.page < 1 || e.page > n || !strings.Contains(pages[e.page-1], e.title) {
			t.Errorf("outline entry %q: page %d, which does not show it", e.title, e.page)
		}
	}
}

// pdfQuiet fails unless pdfinfo and pdftotext read pdf without a message on
// standard error (poppler reports a broken cross-reference table there,
// even when it can rebuild it).
func pdfQuiet(t *testing.T, pdf []byte) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "quiet.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"pdfinfo", path}, {"pdftotext", path, os.DevNull}} {
		var stderr bytes.Buffer
		cmd := exec.Command(args[0], args[1:]...)
		cmd.Stderr = &stderr
		if err := cmd.Run(); err != nil || stderr.Len() > 0 {
			t.Errorf("%s: %v\n%s", args[0], err, stderr.String())
		}
	}
}

type pdfOutlineEntry struct {
	title string
	page  int
}

// pdfOutline reads the outline of pdf, one level, with pdf_stream.go's
// parser: every object where the cross-reference table says, the catalog
// in the trailer, its page tree, /PageMode /UseOutlines and /Lang, and the
// outline's entries from /First along /Next, each with its page's number.
func pdfOutline(t *testing.T, pdf []byte) []pdfOutlineEntry {
	t.Helper()
	c, err := pdfParse(pdf)
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	var toks []pdfTok
	dict := func(k int) []pdfTok {
		t.Helper()
		if k <= 0 || k >= len(c.offsets) {
			t.Fatalf("no object %d", k)
		}
		var err error
		if _, toks, err = pdfParseObject(pdf, k, c.offsets[k], c.ends[k], toks[:0]); err != nil {
			t.Fatalf("object %d: %v", k, err)
		}
		return toks
	}
	for k := 1; k < len(c.offsets); k++ {
		dict(k)
	}
	value := func(toks []pdfTok, key string) string {
		s := pdfDictGet(pdf, toks, key)
		if s.n == 0 {
			return ""
		}
		return string(pdf[toks[s.i].s:toks[s.i+s.n-1].e])
	}
	ref := func(toks []pdfTok, key string) int {
		t.Helper()
		k, err := pdfRefAt(pdf, toks, pdfDictGet(pdf, toks, key))
		if err != nil {
			t.Fatalf("%s: %v", key, err)
		}
		return k
	}
	cat := dict(c.root)
	if value(cat, "/Type") != "/Catalog" || value(cat, "/PageMode") != "/UseOutlines" || value(cat, "/Lang") != "(it-IT)" {
		t.Errorf("catalog: %s", pdf[c.offsets[c.root]:c.ends[c.root]])
	}
	outlines, pages := ref(cat, "/Outlines"), ref(cat, "/Pages")
	tree := dict(pages)
	kids := map[int]int{} // page object → page number
	s := pdfDictGet(pdf, tree, "/Kids")
	for j := s.i + 1; j+2 < s.i+s.n; j += 3 {
		k, err := pdfRefAt(pdf, tree, pdfSpan{j, 3})
		if err != nil {
			t.Fatalf("kids: %v", err)
		}
		kids[k] = len(kids) + 1
	}
	if value(tree, "/Count") != strconv.Itoa(len(kids)) {
		t.Errorf("page tree: /Count %s, %d kids", value(tree, "/Count"), len(kids))
	}
	root := dict(outlines)
	count, _ := strconv.Atoi(value(root, "/Count"))
	first, last := ref(root, "/First"), ref(root, "/Last")
	var out []pdfOutlineEntry
	prev := 0
	for k := first; ; {
		e := dict(k)
		if p := ref(e, "/Parent"); p != outlines {
			t.Errorf("outline entry %d: parent %d", k, p)
		}
		if prev != 0 && ref(e, "/Prev") != prev {
			t.Errorf("outline entry %d: /Prev is not %d", k, prev)
		}
		dest := pdfDictGet(pdf, e, "/Dest")
		if dest.n < 5 || pdf[e[dest.i].s] != '[' {
			t.Fatalf("outline entry %d: /Dest %q", k, value(e, "/Dest"))
		}
		page, err := pdfRefAt(pdf, e, pdfSpan{dest.i + 1, 3})
		if err != nil {
			t.Fatalf("outline entry %d: /Dest %q", k, value(e, "/Dest"))
		}
		out = append(out, pdfOutlineEntry{pdfDecodeText(t, value(e, "/Title")), kids[page]})
		if len(out) > count {
			t.Fatalf("more outline entries than /Count %d", count)
		}
		if pdfDictGet(pdf, e, "/Next").n == 0 {
			if k != last {
				t.Errorf("outline: the last entry is %d, /Last %d", k, last)
			}
			break
		}
		prev, k = k, ref(e, "/Next")
	}
	if len(out) != count {
		t.Errorf("outline: %d entries, /Count %d", len(out), count)
	}
	return out
}

// pdfDecodeText decodes a literal string of UTF-16BE with a byte order mark.
func pdfDecodeText(t *testing.T, lit string) string {
	t.Helper()
	if !strings.HasPrefix(lit, "(\xfe\xff") || !strings.HasSuffix(lit, ")") {
		t.Fatalf("not a UTF-16 text string: %q", lit)
	}
	var b []byte
	for i := 3; i < len(lit)-1; i++ {
		c := lit[i]
		if c == '\\' {
			i++
			if c = lit[i]; c == 'r' {
				c = '\r'
			}
		}
		b = append(b, c)
	}
	u := make([]uint16, len(b)/2)
	for i := range u {
		u[i] = uint16(b[2*i])<<8 | uint16(b[2*i+1])
	}
	return string(utf16.Decode(u))
}

// TestWritePDFFlatMemory: the peak of the live heap while writing does not
// grow with the document: 5,000 rows of the 10-column table take less than
// twice what 500 do (writing the whole document at once, 3×).
func TestWritePDFFlatMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("measures memory: not with -short")
	}
	peak := func(rows int) uint64 {
		d := pdfWideDoc(rows)
		best := uint64(0)
		// The lowest of three runs: the sampled peak includes garbage not
		// yet collected, which only ever adds.
		for range 3 {
			p := pdfPeakHeap(t, func() {
				if err := WritePDF(io.Discard, d); err != nil {
					t.Fatal(err)
				}
			})
			if best == 0 || p < best {
				best = p
			}
		}
		return best
	}
	small, large := peak(500), peak(5000)
	t.Logf("peak live heap above the baseline: 500 rows %.1f MiB, 5,000 rows %.1f MiB", pdfMiB(small), pdfMiB(large))
	if large >= 2*small {
		t.Errorf("5,000 rows take %.1f MiB, 500 rows %.1f MiB: memory grows with the document", pdfMiB(large), pdfMiB(small))
	}
}

func pdfMiB(n uint64) float64 { return float64(n) / (1 << 20) }

// pdfPeakHeap runs f and returns the highest heap in use while it ran,
// above what was in use before, sampled every millisecond with the garbage
// collector set to run often (GOGC=10), so the heap in use stays close to
// the live heap.
func pdfPeakHeap(t *testing.T, f func()) uint64 {
	t.Helper()
	defer debug.SetGCPercent(debug.SetGCPercent(10))
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := ms.HeapAlloc
	var peak atomic.Uint64
	sample := func() {
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		if m.HeapAlloc > peak.Load() {
			peak.Store(m.HeapAlloc)
		}
	}
	stop, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				sample()
			}
		}
	}()
	f()
	close(stop)
	<-done
	sample()
	if p := peak.Load(); p > base {
		return p - base
	}
	return 0
}
