package report

import (
	"bytes"
	"compress/zlib"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/piao-performance/piao/internal/testpdf"
)

// TestWritePDFTagged: the PDF is tagged as the README promises, read back
// with poppler's pdfinfo: a structure tree of headings, paragraphs, the
// tree as nested lists and tables with column headers (read once, not on
// every continuation page), whose text reads as words; the language, the
// title shown, PDF/A-2b's metadata and output intent; and every piece of
// text in a marked sequence of an element or in an artifact, each page's
// sequences matching its parent tree.
func TestWritePDFTagged(t *testing.T) {
	testpdf.Need(t)
	d := pdfFixture()
	var b bytes.Buffer
	if err := WritePDF(&b, d); err != nil {
		t.Fatal(err)
	}
	raw := b.Bytes()
	path := filepath.Join(t.TempDir(), "tagged.pdf")
	if err := os.WriteFile(path, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	info, err := exec.Command("pdfinfo", path).CombinedOutput()
	if err != nil {
		t.Fatalf("pdfinfo: %v\n%s", err, info)
	}
	for _, want := range []string{"Tagged:          yes", "Metadata Stream: yes", "Title:           " + d.Title} {
		if !strings.Contains(string(info), want) {
			t.Errorf("pdfinfo lacks %q:\n%s", want, info)
		}
	}
	// the whole document's structure (pdfinfo -struct)
	text := pdfStruct(t, path, "-struct")
	count := func(re string) int { return len(regexp.MustCompile(`(?m)`+re).FindAllString(text, -1)) }
	if n := count(`^  H1 \(block\)$`); n != 1 {
		t.Errorf("%d H1", n)
	}
	if n := count(`^  H2 \(block\)$`); n != 1+len(d.Tables) { // the tree and each table
		t.Errorf("%d H2", n)
	}
	// the 40 boxes of the tree, nested four deep
	if n := count(`^\s+LI \(block\)$`); n != len(d.Tree) {
		t.Errorf("%d list items for %d tree nodes", n, len(d.Tree))
	}
	if count(`^ {20}L \(block\)$`) == 0 {
		t.Error("the tree's lists are not nested")
	}
	// the 300-row table spans pages; its header row is tagged once
	big := d.Tables[1]
	if n, want := count(`^      TR$`), 1+1+1+len(big.Rows); n != want { // sintesi: header + 1 row; indicatori: header + rows
		t.Errorf("%d rows tagged, want %d", n, want)
	}
	if n := count(`^ +/Scope /Column$`); n != len(d.Tables[0].Columns)+len(big.Columns) {
		t.Errorf("%d column headers", n)
	}

	// The text of each element, on a shorter document (poppler reads it
	// slowly: a minute for the whole fixture).
	short := pdfFixture()
	short.Tree = pdfTree(1, 1, 2)
	short.Tables[1].Rows = short.Tables[1].Rows[:5]
	var sb bytes.Buffer
	if err := WritePDF(&sb, short); err != nil {
		t.Fatal(err)
	}
	spath := filepath.Join(t.TempDir(), "short.pdf")
	if err := os.WriteFile(spath, sb.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	text = pdfStruct(t, spath, "-struct-text")
	for _, want := range []string{
		"  H1 (block)\n    \"" + d.Title + " \"",
		"  H2 (block)\n    \"" + big.Title + " \"",
		"        TH:\n           /Scope /Column\n          \"" + big.Columns[0].Header + " \"",
		// a wrapped cell and a tree box read as words
		`"Pratiche evase entro i termini, perché il servizio 1 sia più rapido: è un’attività che richiede più righe di testo "`,
		`"O.1.1.1 Ridurre i tempi medi di evasione delle pratiche perché il servizio sia più rapido`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("structure text lacks %q", want)
		}
	}
	if strings.Contains(text, "Pagina 1 di") || strings.Contains(text, d.Ente+" — ") {
		t.Error("running header or footer tagged as content")
	}
	for _, want := range []string{"/Lang (it-IT)", "/MarkInfo <</Marked true>>", "/DisplayDocTitle true", "/OutputIntents [",
		"/S /GTS_PDFA1", "<pdfaid:part>2</pdfaid:part>", "<pdfaid:conformance>B</pdfaid:conformance>",
		`<dc:title><rdf:Alt><rdf:li xml:lang="x-default">` + d.Title + `</rdf:li>`, "/ID [<"} {
		if !bytes.Contains(raw, []byte(want)) {
			t.Errorf("the file lacks %s", want)
		}
	}
	checkMarkedContent(t, raw)
}

// checkMarkedContent reads every page's content stream: text only inside a
// sequence with an MCID or an artifact, sequences balanced and never
// nested, and as many MCIDs, numbered from 0, as the page's parent-tree
// entry has elements.
func checkMarkedContent(t *testing.T, raw []byte) {
	t.Helper()
	c, err := pdfParse(raw)
	if err != nil {
		t.Fatal(err)
	}
	obj := func(n int) []byte { return raw[c.offsets[n]:c.ends[n]] }
	at := bytes.Index(raw, []byte("<</Nums ["))
	if at < 0 {
		t.Fatal("no parent tree")
	}
	nums := raw[at : at+bytes.Index(raw[at:], []byte("]>>"))]
	entries := regexp.MustCompile(`\n(\d+) \[([^]]*)\]`).FindAllSubmatch(nums, -1)
	pages := regexp.MustCompile(`/Contents (\d+) 0 R\n/StructParents (\d+)`).FindAllSubmatch(raw, -1)
	if len(pages) == 0 || len(pages) != len(entries) {
		t.Fatalf("%d pages with StructParents, %d parent-tree entries", len(pages), len(entries))
	}
	op := regexp.MustCompile(`(?m)^(/Artifact BMC|/[A-Za-z0-9]+ <</MCID (\d+)>> BDC|EMC)$|BT `)
	for _, pg := range pages {
		num, _ := strconv.Atoi(string(pg[1]))
		key, _ := strconv.Atoi(string(pg[2]))
		o := obj(num)
		s := bytes.Index(o, []byte("stream\n")) + len("stream\n")
		e := bytes.LastIndex(o, []byte("\nendstream"))
		zr, err := zlib.NewReader(bytes.NewReader(o[s:e]))
		if err != nil {
			t.Fatal(err)
		}
		content, err := io.ReadAll(zr)
		if err != nil {
			t.Fatal(err)
		}
		open, mcids := false, 0
		for _, m := range op.FindAllSubmatch(content, -1) {
			switch tok := string(m[0]); {
			case tok == "BT ":
				if !open {
					t.Fatalf("page key %d: text outside any marked sequence", key)
				}
			case tok == "EMC":
				if !open {
					t.Fatalf("page key %d: EMC without a sequence", key)
				}
				open = false
			default:
				if open {
					t.Fatalf("page key %d: nested sequence %s", key, tok)
				}
				open = true
				if m[2] != nil {
					if id, _ := strconv.Atoi(string(m[2])); id != mcids {
						t.Fatalf("page key %d: MCID %d, want %d", key, id, mcids)
					}
					mcids++
				}
			}
		}
		if open {
			t.Fatalf("page key %d: a sequence left open", key)
		}
		elems := len(strings.Fields(string(entries[key][2]))) / 3 // "n 0 R" each
		if elems != mcids {
			t.Errorf("page key %d: %d MCIDs, %d in the parent tree", key, mcids, elems)
		}
	}
}

func pdfStruct(t *testing.T, path, flag string) string {
	t.Helper()
	out, err := exec.Command("pdfinfo", flag, path).CombinedOutput()
	if err != nil {
		t.Fatalf("pdfinfo %s: %v\n%s", flag, err, out)
	}
	return string(out)
}
