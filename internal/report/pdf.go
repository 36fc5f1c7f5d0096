package report

import (
	"bytes"
	_ "embed"
	"fmt"
	"io"
	"math"
	"math/bits"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/go-pdf/fpdf"

	"github.com/piao-performance/piao/internal/document"
	"github.com/piao-performance/piao/internal/itfmt"
)

// DejaVu covers every character the data uses (≥ ≤ − – ’ « » € and accented
// vowels); the core PDF fonts do not. Vendored from npm by web/vendor.sh.
var (
	//go:embed fonts/DejaVuSans.ttf
	pdfFontSans []byte
	//go:embed fonts/DejaVuSans-Bold.ttf
	pdfFontSansBold []byte
	//go:embed fonts/DejaVuSansCondensed.ttf
	pdfFontCond []byte
	//go:embed fonts/DejaVuSansCondensed-Bold.ttf
	pdfFontCondBold []byte
)

// Font families as registered in fpdf: sans for prose, cond for tables and
// the tree, where width is scarce.
const (
	pdfSans = "dejavu"
	pdfCond = "dejavucond"
)

// A4 geometry in millimetres, portrait or landscape: distances from the
// page's edges, so the current page's size gives the rest (pdfGeom). The
// running header sits above pdfTop and the footer below the bottom limit;
// everything else is placed by hand, so fpdf's automatic page break is off.
const (
	pdfMarginX   = 15.0
	pdfTop       = 22.0
	pdfBottomGap = 17.0      // from the bottom limit of the content to the page's bottom edge
	pdfFootRule  = 13.0      // from the footer rule to the page's bottom edge
	pdfFootText  = 9.0       // from the footer text's baseline to the page's bottom edge
	pdfPtMM      = 25.4 / 72 // one point in millimetres
	pdfK         = 72 / 25.4 // points in a millimetre: the scale from the layout to PDF
)

// pdfGeom is a page's size in millimetres.
type pdfGeom struct{ w, h float64 }

func (g pdfGeom) contentW() float64 { return g.w - 2*pdfMarginX }
func (g pdfGeom) bottom() float64   { return g.h - pdfBottomGap }
func (g pdfGeom) landscape() bool   { return g.w > g.h }

// Tables of more columns than pdfMaxPortraitCols, or whose header words do
// not fit their columns on portrait, go on landscape pages. There, header
// words of up to pdfKeepWord characters are never broken: their columns are
// widened at the expense of the widest text columns.
const (
	pdfMaxPortraitCols = 7
	pdfKeepWord        = 14
)

// pdfLang is the document's language, in the catalog.
const pdfLang = "it-IT"

// Tree limits: above pdfMaxTreeNodes only levels 0–2 are drawn (the operational
// objectives are in the tables anyway), and never more than pdfMaxTreeNodes boxes.
const (
	pdfMaxTreeNodes  = 400
	pdfTreeIndent    = 7.0
	pdfTreeMaxIndent = 6 // levels deeper than this are drawn at this indent
)

// pdfColor is an RGB colour as 0xRRGGBB, so the palette can be constant.
type pdfColor uint32

func (c pdfColor) rgb() (r, g, b int) { return int(c >> 16 & 0xFF), int(c >> 8 & 0xFF), int(c & 0xFF) }

const (
	pdfText      pdfColor = 0x212121
	pdfMuted     pdfColor = 0x5A5A5A
	pdfAccent    pdfColor = 0x004B8C
	pdfRule      pdfColor = 0xAAAAAA
	pdfGrid      pdfColor = 0xBEC4CC
	pdfHead      pdfColor = 0xDDE4EE
	pdfZebra     pdfColor = 0xF5F7FA
	pdfAlert     pdfColor = 0xAA0000
	pdfAlertFill pdfColor = 0xFFF0C8
)

// pdfStatusStyle is how a tree node's status is tinted: a bar, a light fill and a
// dark text colour that stays readable (≥ 4.5:1) on that fill.
type pdfStatusStyle struct{ bar, fill, text pdfColor }

func pdfStatusStyleFor(status string) pdfStatusStyle {
	switch strings.ToLower(strings.TrimSpace(status)) {
	case "raggiunto":
		return pdfStatusStyle{0x2E7D32, 0xECF6EC, 0x1B5E20}
	case "parzialmente raggiunto":
		return pdfStatusStyle{0xE69600, 0xFFF5DE, 0x7A4200}
	case "non raggiunto":
		return pdfStatusStyle{0xC62828, 0xFDECEC, 0xA01414}
	default:
		return pdfStatusStyle{0x969696, 0xF3F4F6, 0x464B55}
	}
}

// WritePDF writes d as an A4 PDF.
//
// Memory stays bounded however long d is: each page is written to w as soon
// as it is drawn and then forgotten. fpdf, which keeps every page and then
// the whole file in memory until the end, only measures text here (one fpdf
// document without pages, whose fonts are parsed once) and, last, makes the
// fonts; the writer draws the pages' content streams itself (text,
// rectangles, lines, colours: what the layout uses) and pdfOut, in
// pdf_stream.go, writes the file around them. It takes two passes:
//
//  1. counting: the layout runs with nothing drawn, to learn the page count
//     M every footer prints ("Pagina N di M");
//  2. writing: the same layout runs again and draws, recording the
//     characters shown in each font and the bookmarks with their pages.
//
// Both passes break pages at the same places: they run the same layout code,
// which measures with the same fonts and reads nothing that drawing changes.
// At the end fpdf writes a document of one page that shows every character
// recorded: its font subsets serve every page (see pdfOut.fonts). The
// information dictionary and the metadata are written from the document
// (pdfInfoOf), so they always agree.
func WritePDF(w io.Writer, d *document.Document) (err error) {
	if d == nil {
		return fmt.Errorf("write pdf: nil document")
	}
	// fpdf reports most failures through Error(), but a few paths index
	// slices unchecked; a broken report must not take the server down.
	defer func() {
		if r := recover(); r != nil {
			if a, ok := r.(pdfAbort); ok {
				err = fmt.Errorf("write pdf: %w", a.err)
				return
			}
			err = fmt.Errorf("write pdf: %v", r)
		}
	}()
	f := pdfNewFpdf()
	c := newPDFWriter(d, f, nil, 0)
	c.layout()
	if err := f.Error(); err != nil {
		return fmt.Errorf("write pdf: %w", err)
	}
	out := newPDFOut(w, pdfFontNames())
	p := newPDFWriter(d, f, out, c.page)
	p.layout()
	p.endPage()
	if p.page != c.page {
		return fmt.Errorf("write pdf: %d pages written, %d counted", p.page, c.page)
	}
	if err := out.fonts(p.fontFile()); err != nil {
		return fmt.Errorf("write pdf: %w", err)
	}
	if err := out.finish(p.bookmarks, p.tags, pdfInfoOf(d)); err != nil {
		return fmt.Errorf("write pdf: %w", err)
	}
	return nil
}

// pdfAbort carries an error out of the layout, which has no error returns,
// to WritePDF.
type pdfAbort struct{ err error }

func (p *pdfWriter) layout() {
	p.cover()
	if len(p.d.Text) > 0 {
		p.prose()
	}
	if len(p.d.Tree) > 0 {
		p.tree()
	}
	p.tables()
}

type pdfWriter struct {
	f         *fpdf.Fpdf // measures text; no pages
	d         *document.Document
	generated string  // "Generato il 26/11/2026 alle 09:15"; empty when unknown
	y         float64 // the cursor: where the next block starts
	portrait  pdfGeom
	land      bool // the current page is landscape; new pages follow it

	counting  bool // the first pass: lay out and count pages, draw nothing
	page      int  // pages started so far: the current page's number
	total     int  // the page count, known from the counting pass
	style     pdfStyle
	out       *pdfOut // nil when counting
	content   []byte  // the current page's content stream
	gs        pdfGState
	bookmarks []pdfBookmark            // the outline, in order
	runes     [len(pdfFonts)]*pdfRunes // the characters shown in each font
	tags      *pdfTags                 // the structure tree; nil when counting
	artifact  bool                     // text drawn now is not content (pdf_tags.go)
}

// pdfRunes is a set of characters of the Basic Multilingual Plane (pdfClean
// leaves no other).
type pdfRunes [0x10000 / 64]uint64

// pdfFonts are the fonts, in the order of their resource names /F1…/F4.
var pdfFonts = [...]struct {
	family, style string
	file          []byte
}{
	{pdfSans, "", pdfFontSans},
	{pdfSans, "B", pdfFontSansBold},
	{pdfCond, "", pdfFontCond},
	{pdfCond, "B", pdfFontCondBold},
}

// pdfFontNames are the fonts' /BaseFont names as fpdf writes them: "utf8",
// the family in lower case and the style in upper case.
func pdfFontNames() []string {
	names := make([]string, len(pdfFonts))
	for i, f := range pdfFonts {
		names[i] = "utf8" + strings.ToLower(f.family) + strings.ToUpper(f.style)
	}
	return names
}

// pdfStyle is the font and colours the layout last set.
type pdfStyle struct {
	font             int // in pdfFonts
	size             float64
	text, draw, fill pdfColor
	lineW            float64
}

// pdfGState is the graphics state the current page's content has set so
// far: what set says.
type pdfGState struct {
	draw, fill pdfColor
	lineW      float64
	set        uint8 // pdfSetDraw | pdfSetFill | pdfSetLineW
}

const (
	pdfSetDraw = 1 << iota
	pdfSetFill
	pdfSetLineW
)

// pdfBookmark is an outline entry: a title and where it points.
type pdfBookmark struct {
	title string
	page  int     // from 1
	y     float64 // from the page's top edge, in millimetres
	h     float64 // the page's height, in millimetres
}

// pdfNewFpdf returns the fpdf document that measures text and, at the end,
// makes the fonts.
func pdfNewFpdf() *fpdf.Fpdf {
	f := fpdf.New("P", "mm", "A4", "")
	for _, font := range pdfFonts {
		f.AddUTF8FontFromBytes(font.family, font.style, font.file)
	}
	f.SetCatalogSort(true) // fonts in a fixed order: same document, same bytes
	f.SetCompression(false)
	return f
}

// newPDFWriter returns a writer for the counting pass when out is nil, else
// one that writes to out a document of total pages.
func newPDFWriter(d *document.Document, f *fpdf.Fpdf, out *pdfOut, total int) *pdfWriter {
	p := &pdfWriter{f: f, d: d, out: out, total: total, counting: out == nil}
	if out != nil {
		p.tags = newPDFTags()
	}
	if !d.Generated.IsZero() {
		t := d.Generated.In(pdfRome())
		p.generated = "Generato il " + t.Format("02/01/2006") + " alle " + t.Format("15:04")
	}
	a4 := f.GetPageSizeStr("A4")
	p.portrait = pdfGeom{a4.Wd, a4.Ht}
	p.style.lineW = 0.567 / pdfK // fpdf's default
	p.font(pdfSans, "", pdfBodySize, 0)
	return p
}

// fontFile returns a PDF of one page that shows, in each font, every
// character the pages show in it: its fonts serve all pages.
func (p *pdfWriter) fontFile() []byte {
	f := p.f
	f.AddPage()
	var s []rune
	for i, font := range pdfFonts {
		set := p.runes[i]
		if set == nil {
			continue
		}
		s = s[:0]
		for j, w := range set {
			for ; w != 0; w &= w - 1 {
				s = append(s, rune(j*64+bits.TrailingZeros64(w)))
			}
		}
		f.SetFont(font.family, font.style, 10)
		f.Text(pdfMarginX, pdfTop, string(s))
	}
	var b bytes.Buffer
	if err := f.Output(&b); err != nil {
		panic(pdfAbort{err})
	}
	return b.Bytes()
}

// bookmark adds an outline entry for title at the cursor.
func (p *pdfWriter) bookmark(title string) {
	if !p.counting {
		p.bookmarks = append(p.bookmarks, pdfBookmark{title: title, page: p.page, y: p.y, h: p.geom().h})
	}
}

func pdfRome() *time.Location { return itfmt.Rome() }

// header draws "Ente — Plan — Title" and the notice, if any, on every page.
func (p *pdfWriter) header() {
	defer p.keepStyle()()
	p.artifact = true
	defer func() { p.artifact = false }()
	d := p.d
	var parts []string
	for _, s := range []string{d.Ente, d.Plan, d.Title} {
		if s = pdfClean(s); s != "" {
			parts = append(parts, s)
		}
	}
	g := p.geom()
	rule := 14.0
	p.font(pdfSans, "", 7.5, pdfMuted)
	p.text(pdfMarginX, 11, p.fit(strings.Join(parts, " — "), g.contentW()))
	if n := pdfClean(d.Notice); n != "" {
		p.font(pdfSans, "B", 7.5, pdfAlert)
		p.text(pdfMarginX, 15, p.fit("⚠ "+n, g.contentW()))
		rule = 17
	}
	p.draw(pdfRule)
	p.lineWidth(0.2)
	p.line(pdfMarginX, rule, g.w-pdfMarginX, rule)
}

// footer draws the generation date and "Pagina N di M".
func (p *pdfWriter) footer() {
	defer p.keepStyle()()
	p.artifact = true
	defer func() { p.artifact = false }()
	g := p.geom() // endPage runs the footer before the next page's orientation is set
	p.draw(pdfRule)
	p.lineWidth(0.2)
	p.line(pdfMarginX, g.h-pdfFootRule, g.w-pdfMarginX, g.h-pdfFootRule)
	p.font(pdfSans, "", 7.5, pdfMuted)
	p.text(pdfMarginX, g.h-pdfFootText, p.generated)
	s := "Pagina " + strconv.Itoa(p.page) + " di " + strconv.Itoa(p.total)
	p.text(g.w-pdfMarginX-p.f.GetStringWidth(s), g.h-pdfFootText, s)
}

// keepStyle saves the layout's style and returns a func that restores it:
// the running header and footer change the font and colours, the layout
// around them does not expect it.
func (p *pdfWriter) keepStyle() func() {
	saved := p.style
	return func() {
		p.style = saved
		f := pdfFonts[saved.font]
		p.f.SetFont(f.family, f.style, saved.size)
	}
}

// cover is the first page: title, provenance, the notice in a frame and the
// metadata.
func (p *pdfWriter) cover() {
	d := p.d
	p.newPage()
	p.y = pdfTop + 16
	title := pdfClean(d.Title)
	if title == "" {
		title = "Relazione"
	}
	p.bookmark(title)
	p.tagged("H1", func() { p.paragraph(title, pdfSans, "B", 24, 10.5, pdfAccent, pdfMarginX, p.contentW()) })
	p.y += 2
	p.draw(pdfAccent)
	p.lineWidth(0.8)
	p.line(pdfMarginX, p.y, pdfMarginX+40, p.y)
	p.y += 7
	p.tagged("P", func() { p.paragraph(pdfClean(d.Ente), pdfSans, "B", 14, 6.5, pdfText, pdfMarginX, p.contentW()) })
	p.y += 1
	p.tagged("P", func() { p.paragraph(pdfClean(d.Plan), pdfSans, "", 12, 5.8, pdfText, pdfMarginX, p.contentW()) })
	p.y += 2
	p.tagged("P", func() { p.paragraph(p.generated, pdfSans, "", 10, 5, pdfMuted, pdfMarginX, p.contentW()) })
	p.y += 8
	if n := pdfClean(d.Notice); n != "" {
		p.noticeBox(n)
		p.y += 8
	}
	if len(d.Meta) == 0 {
		return
	}
	const labelW = 55.0
	const lh = 5.0
	for _, m := range d.Meta {
		p.font(pdfSans, "B", 10, pdfText)
		label := p.wrap(pdfClean(m.Label)+":", labelW-3)
		p.font(pdfSans, "", 10, pdfText)
		value := p.wrap(pdfClean(m.Value), p.contentW()-labelW)
		n := max(len(label), len(value), 1)
		p.ensure(float64(n) * lh)
		p.tagOpen("P", "")
		p.font(pdfSans, "B", 10, pdfText)
		for i, s := range label {
			p.text(pdfMarginX, p.y+float64(i)*lh+3.6, s)
		}
		p.font(pdfSans, "", 10, pdfText)
		for i, s := range value {
			p.text(pdfMarginX+labelW, p.y+float64(i)*lh+3.6, s)
		}
		p.tagClose()
		p.y += float64(n)*lh + 1.5
	}
}

// noticeBox draws the notice bold inside a thick red frame on a light fill.
func (p *pdfWriter) noticeBox(notice string) {
	const pad, lh = 4.0, 6.0
	p.font(pdfSans, "B", 12, pdfAlert)
	lines := p.wrap("⚠ "+notice, p.contentW()-2*pad)
	h := float64(len(lines))*lh + 2*pad
	p.ensure(h)
	p.draw(pdfAlert)
	p.fill(pdfAlertFill)
	p.lineWidth(0.9)
	p.rect(pdfMarginX, p.y, p.contentW(), h, "DF")
	p.tagOpen("P", "")
	for i, s := range lines {
		p.text(pdfMarginX+pad, p.y+pad+float64(i)*lh+4.4, s)
	}
	p.tagClose()
	p.y += h
}

// pdfPlaced is a drawn tree node: its parent and last child (indices in the
// drawn list) and where its box ended up.
type pdfPlaced struct {
	parent    int // -1 for roots
	lastChild int // index of the last child, -1 when none
	page      int
	bottom    float64
}

// tree draws the performance tree as boxes joined by elbow connectors.
func (p *pdfWriter) tree() {
	nodes, operational, upper := pdfTreeSubset(p.d.Tree)
	p.newPage()
	p.bookmark("Albero della performance")
	p.heading("Albero della performance")
	p.tagged("P", func() {
		p.paragraph("Ogni riquadro riporta codice, titolo, grado di raggiungimento e stato dell’obiettivo; "+
			"il colore del bordo sinistro ripete lo stato.", pdfSans, "", pdfBodySize, pdfBodyLH, pdfMuted, pdfMarginX, p.contentW())
	})
	if operational > 0 || upper > 0 {
		note := "L’albero mostra l’ente, le aree e gli obiettivi strategici"
		switch {
		case operational == 1:
			note += "; l’obiettivo operativo è elencato nelle tabelle che seguono"
		case operational > 1:
			note += "; i " + itfmt.Number(float64(operational), 0) + " obiettivi operativi sono elencati nelle tabelle che seguono"
		}
		if upper > 0 {
			note += fmt.Sprintf("; per ragioni di spazio ne sono omessi altri %s (i primi %d sono disegnati)",
				itfmt.Number(float64(upper), 0), pdfMaxTreeNodes)
		}
		p.tagged("P", func() { p.paragraph(note+".", pdfSans, "B", pdfBodySize, pdfBodyLH, pdfText, pdfMarginX, p.contentW()) })
	}
	p.y += 3
	// Tagged as nested lists: each box an item whose body holds the list of
	// its children.
	p.tagOpen("L", "")
	list := p.tagCur()
	body := make([]int, len(nodes))
	sub := make([]int, len(nodes))

	info := make([]pdfPlaced, len(nodes))
	var stack []int
	for i, n := range nodes {
		for len(stack) > 0 && nodes[stack[len(stack)-1]].Level >= n.Level {
			stack = stack[:len(stack)-1]
		}
		info[i] = pdfPlaced{parent: -1, lastChild: -1}
		if len(stack) > 0 {
			par := stack[len(stack)-1]
			info[i].parent = par
			info[par].lastChild = i
		}
		stack = append(stack, i)
	}

	top := p.y // where connectors start on this page when the parent is on an earlier one
	stack = stack[:0]
	for i, n := range nodes {
		for len(stack) > 0 && nodes[stack[len(stack)-1]].Level >= n.Level {
			stack = stack[:len(stack)-1]
		}
		lay := p.layoutNode(n)
		if p.y+lay.h > p.bottom() && p.y > top {
			// Carry on to the page bottom the stems of ancestors with
			// children still to come, then restart them on the next page.
			p.connectorStyle()
			for _, a := range stack {
				if info[a].lastChild >= i {
					x := pdfStemX(nodes[a].Level)
					p.line(x, p.stemStart(info[a], top), x, p.bottom())
				}
			}
			p.newPage()
			p.asArtifact(func() {
				p.paragraph("Albero della performance (segue)", pdfSans, "", 8, 4, pdfMuted, pdfMarginX, p.contentW())
			})
			p.y += 2
			top = p.y
		}
		if par := info[i].parent; par >= 0 {
			p.connectorStyle()
			x, mid := pdfStemX(nodes[par].Level), p.y+lay.h/2
			p.line(x, p.stemStart(info[par], top), x, mid)
			p.line(x, mid, pdfNodeX(n.Level), mid)
		}
		parent := list
		if par := info[i].parent; par >= 0 {
			if sub[par] == 0 {
				sub[par] = p.tagAdd("L", body[par])
			}
			parent = sub[par]
		}
		body[i] = p.tagAdd("LBody", p.tagAdd("LI", parent))
		p.tagSet(body[i])
		p.drawNode(n, lay)
		info[i].page, info[i].bottom = p.page, p.y+lay.h
		p.y += lay.h + 2.2
		stack = append(stack, i)
	}
	p.tagSet(list)
	p.tagClose()
}

// stemStart is where a parent's vertical connector starts on the current page.
func (p *pdfWriter) stemStart(par pdfPlaced, top float64) float64 {
	if par.page == p.page {
		return par.bottom
	}
	return top
}

func (p *pdfWriter) connectorStyle() {
	p.draw(0x787878)
	p.lineWidth(0.3)
}

// pdfTreeSubset returns the nodes to draw, how many operational objectives
// (level 3 and deeper) were left out because the tree is too large to draw
// whole, and how many upper-level nodes past the box limit.
func pdfTreeSubset(tree []document.TreeNode) (nodes []document.TreeNode, operational, upper int) {
	if len(tree) <= pdfMaxTreeNodes {
		return tree, 0, 0
	}
	nodes = make([]document.TreeNode, 0, pdfMaxTreeNodes)
	for _, n := range tree {
		switch {
		case n.Level > 2:
			operational++
		case len(nodes) == pdfMaxTreeNodes:
			upper++
		default:
			nodes = append(nodes, n)
		}
	}
	return nodes, operational, upper
}

func pdfNodeX(level int) float64 {
	return pdfMarginX + float64(min(max(level, 0), pdfTreeMaxIndent))*pdfTreeIndent
}

func pdfStemX(level int) float64 { return pdfNodeX(level) + pdfTreeIndent/2 }

// pdfNodeLayout is a tree box measured before drawing, so a box is never split.
type pdfNodeLayout struct {
	x, w, h   float64
	code      string
	title     []string
	score     string
	status    string
	codeW     float64
	rightCol  float64
	lineH     float64
	padY      float64
	statusCol pdfStatusStyle
}

const (
	pdfNodeFont     = 8.0
	pdfNodeLineH    = 3.7
	pdfNodeMaxLines = 3
	pdfScoreW       = 17.0
	pdfStatusW      = 34.0
)

func (p *pdfWriter) layoutNode(n document.TreeNode) pdfNodeLayout {
	l := pdfNodeLayout{x: pdfNodeX(n.Level), lineH: pdfNodeLineH, padY: 1.6, statusCol: pdfStatusStyleFor(n.Status)}
	l.w = p.geom().w - pdfMarginX - l.x
	l.code = pdfClean(n.Code)
	l.score = pdfClean(n.Score)
	if l.score == "" {
		l.score = "n.d."
	}
	// Score, status and code are bold; the title gets what is left.
	p.font(pdfCond, "B", pdfNodeFont, pdfText)
	l.score = p.fit(l.score, pdfScoreW)
	l.status = p.fit(pdfClean(n.Status), pdfStatusW)
	if l.status == "" {
		l.status = "—"
	}
	l.rightCol = pdfScoreW + pdfStatusW + 4
	if l.code != "" {
		l.code = p.fit(l.code, (l.w-l.rightCol)/3)
		l.codeW = p.f.GetStringWidth(l.code) + 2
	}
	textW := l.w - 4 - l.codeW - l.rightCol
	p.font(pdfCond, "", pdfNodeFont, pdfText)
	l.title = p.wrap(pdfClean(n.Title), textW)
	if len(l.title) > pdfNodeMaxLines {
		l.title = l.title[:pdfNodeMaxLines]
		l.title[pdfNodeMaxLines-1] = p.fit(l.title[pdfNodeMaxLines-1]+"…", textW)
	}
	lines := max(len(l.title), 1)
	l.h = float64(lines)*l.lineH + 2*l.padY
	return l
}

func (p *pdfWriter) drawNode(n document.TreeNode, l pdfNodeLayout) {
	y := p.y
	st := l.statusCol
	p.fill(st.fill)
	p.draw(pdfGrid)
	p.lineWidth(0.25)
	p.rect(l.x, y, l.w, l.h, "DF")
	p.fill(st.bar)
	p.rect(l.x, y, 2, l.h, "F")
	base := func(i int) float64 { return y + l.padY + float64(i)*l.lineH + pdfBaseline(l.lineH, pdfNodeFont) }
	tx := l.x + 4
	if l.code != "" {
		p.font(pdfCond, "B", pdfNodeFont, pdfText)
		p.text(tx, base(0), l.code)
	}
	style := ""
	if n.Level == 0 {
		style = "B"
	}
	p.font(pdfCond, style, pdfNodeFont, pdfText)
	for i, s := range l.title {
		p.text(tx+l.codeW, base(i), s)
	}
	right := l.x + l.w - 2
	p.font(pdfCond, "B", pdfNodeFont, pdfText)
	p.text(right-pdfStatusW-2-p.f.GetStringWidth(l.score), base(0), l.score)
	p.font(pdfCond, "B", pdfNodeFont, st.text)
	p.text(right-pdfStatusW, base(0), l.status)
}

// tables writes every table, starting on a new page. A wide table (see
// layoutTable) starts on a new landscape page and continues on landscape
// pages; the next narrow one starts on a new portrait page. Tables of the
// same orientation follow one another on the same page.
func (p *pdfWriter) tables() {
	for i := range p.d.Tables {
		t := &p.d.Tables[i]
		title := pdfClean(t.Title)
		var tl *pdfTableLayout
		land := p.land // an empty table stays where it is
		if len(t.Columns) > 0 && len(t.Rows) > 0 {
			tl = p.layoutTable(t, title)
			land = tl.land
		}
		if i == 0 || land != p.land {
			p.addPage(land)
		} else {
			p.y += 6
		}
		p.table(t, title, tl)
	}
}

// pdfTableLayout holds a table's column geometry and its measured header row.
type pdfTableLayout struct {
	t      *document.Table
	title  string
	land   bool // drawn on landscape pages
	x, w   []float64
	right  []bool
	header [][]string
	headH  float64
	maxLns int // most lines a body cell may have so a row fits on a page
}

// Text sizes in points and line heights in millimetres.
const (
	pdfHeadingSize = 13.0
	pdfHeadingLH   = 6.2
	pdfHeadingGap  = 1.5
	pdfBodySize    = 9.0
	pdfBodyLH      = 4.4
	pdfIntroGap    = 1.5
	pdfSegueH      = 4.0 // the "(segue)" line over a continued table
)

const (
	pdfTableFont  = 8.0
	pdfTableLineH = 3.6
	pdfCellPadX   = 1.3
	pdfCellPadY   = 1.1
)

// table writes t on the current page, laid out as tl (nil when t has no
// columns or no rows).
func (p *pdfWriter) table(t *document.Table, title string, tl *pdfTableLayout) {
	intro := pdfClean(t.Intro)
	empty := tl == nil
	// Keep the heading with the intro and the first row (or "Nessun dato.").
	need := p.textHeight(title, pdfSans, "B", pdfHeadingSize, pdfHeadingLH) + pdfHeadingGap
	if intro != "" {
		need += p.textHeight(intro, pdfSans, "", pdfBodySize, pdfBodyLH) + pdfIntroGap
	}
	var firstRow [][]string
	if empty {
		need += pdfBodyLH
	} else {
		// A first row as tall as a continuation page allows would leave the
		// heading alone on its page: cut it to what fits under the heading.
		room := p.bottom() - pdfTop - need - tl.headH - 2*pdfCellPadY
		firstRow = p.rowLines(tl, t.Rows[0], min(tl.maxLns, max(int(room/pdfTableLineH), 1)))
		need += tl.headH + pdfRowHeight(firstRow)
	}
	p.ensure(need)
	p.bookmark(title)
	p.heading(title)
	if intro != "" {
		p.tagged("P", func() { p.paragraph(intro, pdfSans, "", pdfBodySize, pdfBodyLH, pdfMuted, pdfMarginX, p.contentW()) })
		p.y += pdfIntroGap
	}
	if empty {
		p.tagged("P", func() {
			p.paragraph("Nessun dato.", pdfSans, "", pdfBodySize, pdfBodyLH, pdfText, pdfMarginX, p.contentW())
		})
		return
	}
	if p.y+tl.headH+pdfRowHeight(firstRow) > p.bottom() { // after an intro longer than a page
		p.newPage()
	}
	// Tagged as a table whose header row is read once: where it is repeated
	// on a continuation page it is an artifact.
	p.tagOpen("Table", "")
	p.tagOpen("THead", "")
	p.drawHeaderRow(tl, true)
	p.tagClose()
	p.tagOpen("TBody", "")
	defer func() { p.tagClose(); p.tagClose() }()
	for i, row := range t.Rows {
		lines := firstRow
		if i > 0 {
			lines = p.rowLines(tl, row, tl.maxLns)
		}
		h := pdfRowHeight(lines)
		if p.y+h > p.bottom() {
			p.newPage()
			p.asArtifact(func() {
				p.paragraph(tl.title+" (segue)", pdfSans, "", 8, pdfSegueH, pdfMuted, pdfMarginX, p.contentW())
			})
			p.y += 1
			p.drawHeaderRow(tl, false)
		}
		p.drawRow(tl, lines, h, i%2 == 1)
	}
}

// layoutTable decides t's orientation and spreads the content width over its
// columns in proportion to their widths. A table goes landscape when it has
// more than pdfMaxPortraitCols columns or when on portrait a header word
// would be broken; on landscape, columns too narrow for a header word of up
// to pdfKeepWord characters are widened (pdfWiden).
func (p *pdfWriter) layoutTable(t *document.Table, title string) *pdfTableLayout {
	tl := &pdfTableLayout{t: t, title: title}
	n := len(t.Columns)
	tl.x, tl.w, tl.right = make([]float64, n), make([]float64, n), make([]bool, n)
	heads := make([]string, n)
	weight := make([]float64, n)
	longest := make([]float64, n) // the widest header word
	keep := make([]float64, n)    // the widest header word of at most pdfKeepWord characters
	text := make([]bool, n)
	total := 0.0
	p.font(pdfCond, "B", pdfTableFont, pdfText)
	for i, c := range t.Columns {
		weight[i] = pdfColWeight(c)
		total += weight[i]
		heads[i] = pdfClean(c.Header)
		for _, word := range strings.Fields(heads[i]) {
			ww := p.f.GetStringWidth(word)
			longest[i] = max(longest[i], ww)
			if utf8.RuneCountInString(word) <= pdfKeepWord {
				keep[i] = max(keep[i], ww)
			}
		}
		tl.right[i] = c.Kind == document.Number || c.Kind == document.Percent || c.Kind == document.Integer
		text[i] = c.Kind == document.Text
	}
	spread := func(g pdfGeom) {
		for i := range tl.w {
			tl.w[i] = g.contentW() * weight[i] / total
		}
	}
	g := p.portrait
	spread(g)
	tl.land = n > pdfMaxPortraitCols
	for i := range tl.w {
		if longest[i] > tl.w[i]-2*pdfCellPadX {
			tl.land = true
		}
	}
	if tl.land {
		g = pdfGeom{p.portrait.h, p.portrait.w}
		spread(g)
		// A hair more than the word, so wrap's own subtraction of the
		// padding cannot round below it.
		const eps = 0.01
		need, floor := make([]float64, n), make([]float64, n)
		for i := range tl.w {
			if keep[i] > 0 {
				need[i] = keep[i] + 2*pdfCellPadX + eps
			}
			if longest[i] > 0 {
				floor[i] = longest[i] + 2*pdfCellPadX + eps
			}
		}
		pdfWiden(tl.w, need, floor, text)
	}
	x := pdfMarginX
	for i := range tl.w {
		tl.x[i] = x
		x += tl.w[i]
	}
	tl.header = make([][]string, n)
	for i := range heads {
		tl.header[i] = p.wrap(heads[i], tl.w[i]-2*pdfCellPadX)
	}
	tl.headH = pdfRowHeight(tl.header)
	// Room for a body row on a continuation page: below the "(segue)" line
	// and the repeated header.
	room := g.bottom() - pdfTop - pdfSegueH - 1 - tl.headH - 2*pdfCellPadY
	tl.maxLns = max(int(room/pdfTableLineH), 1)
	return tl
}

// pdfWiden widens every column narrower than need to need, taking the width
// from the other columns in proportion to what they have above their floor
// (they never go below it): first from the wide text columns (at least half
// as wide as the widest text column), then, if that is not enough, from any
// column. When all of it is still not enough, each narrow column gets the
// same share of what it lacks. The total width does not change.
func pdfWiden(w, need, floor []float64, text []bool) {
	deficit := 0.0
	for i := range w {
		if need[i] > w[i] {
			deficit += need[i] - w[i]
		}
	}
	if deficit <= 0 {
		return
	}
	widest := 0.0
	for i := range w {
		if text[i] {
			widest = max(widest, w[i])
		}
	}
	got := 0.0
	for pass := range 2 {
		donor := func(i int) bool {
			return need[i] <= w[i] && w[i] > floor[i] && (pass == 1 || text[i] && w[i] >= widest/2)
		}
		surplus := 0.0
		for i := range w {
			if donor(i) {
				surplus += w[i] - floor[i]
			}
		}
		if surplus <= 0 {
			continue
		}
		take := min(deficit-got, surplus)
		for i := range w {
			if donor(i) {
				w[i] -= take * (w[i] - floor[i]) / surplus
			}
		}
		got += take
		if got >= deficit {
			break
		}
	}
	share := min(got/deficit, 1)
	for i := range w {
		if need[i] > w[i] {
			w[i] += (need[i] - w[i]) * share
		}
	}
}

func pdfColWeight(c document.Column) float64 {
	if c.Width > 0 && !math.IsInf(c.Width, 0) {
		return c.Width
	}
	return 1
}

// rowLines wraps each cell of row to its column; a cell of more than maxLns
// lines, too tall for a page, is cut with an ellipsis.
func (p *pdfWriter) rowLines(tl *pdfTableLayout, row []document.Cell, maxLns int) [][]string {
	p.font(pdfCond, "", pdfTableFont, pdfText)
	out := make([][]string, len(tl.w))
	for i := range tl.w {
		if i >= len(row) {
			continue
		}
		w := tl.w[i] - 2*pdfCellPadX
		lines := p.wrap(pdfClean(row[i].Text), w)
		if len(lines) > maxLns {
			lines = lines[:maxLns]
			lines[maxLns-1] = p.fit(lines[maxLns-1]+"…", w)
		}
		out[i] = lines
	}
	return out
}

func pdfRowHeight(cells [][]string) float64 {
	n := 1
	for _, c := range cells {
		n = max(n, len(c))
	}
	return float64(n)*pdfTableLineH + 2*pdfCellPadY
}

// drawHeaderRow draws the header row: its cells are TH when tagged is
// true, artifacts when the row is a repetition.
func (p *pdfWriter) drawHeaderRow(tl *pdfTableLayout, tagged bool) {
	p.font(pdfCond, "B", pdfTableFont, pdfText)
	p.fill(pdfHead)
	if !tagged {
		p.asArtifact(func() { p.drawCells(tl, tl.header, tl.headH, "DF", "") })
		return
	}
	p.drawCells(tl, tl.header, tl.headH, "DF", "TH")
}

func (p *pdfWriter) drawRow(tl *pdfTableLayout, lines [][]string, h float64, zebra bool) {
	p.font(pdfCond, "", pdfTableFont, pdfText)
	style := "D"
	if zebra {
		p.fill(pdfZebra)
		style = "DF"
	}
	p.drawCells(tl, lines, h, style, "TD")
}

// drawCells draws a row of cells, tagged as a TR of cells of type cell (TH
// or TD), or as artifacts when cell is "".
func (p *pdfWriter) drawCells(tl *pdfTableLayout, cells [][]string, h float64, style, cell string) {
	p.y += h
	if p.counting {
		return
	}
	y := p.y - h
	p.draw(pdfGrid)
	p.lineWidth(0.2)
	off := pdfCellPadY + pdfBaseline(pdfTableLineH, pdfTableFont)
	attr := ""
	if cell == "TH" {
		attr = "/A <</O /Table /Scope /Column>>"
	}
	if cell != "" {
		p.tagOpen("TR", "")
		defer p.tagClose()
	}
	for i, lines := range cells {
		p.rect(tl.x[i], y, tl.w[i], h, style)
		if cell != "" {
			p.tagOpen(cell, attr)
		}
		for j, s := range lines {
			x := tl.x[i] + pdfCellPadX
			if tl.right[i] {
				x = tl.x[i] + tl.w[i] - pdfCellPadX - p.f.GetStringWidth(s)
			}
			p.text(x, y+off+float64(j)*pdfTableLineH, s)
		}
		if cell != "" {
			p.tagClose()
		}
	}
}

// prose writes the sections of text on portrait pages after the cover: each
// heading is a bookmark and stays with the first lines of its text.
func (p *pdfWriter) prose() {
	p.addPage(false)
	for i, sec := range p.d.Text {
		title := pdfClean(sec.Title)
		if i > 0 {
			p.y += 4
		}
		p.ensure(pdfHeadingLH + pdfHeadingGap + 3*pdfBodyLH)
		p.bookmark(title)
		p.heading(title)
		for _, para := range sec.Paragraphs {
			p.tagged("P", func() {
				p.paragraph(pdfClean(para), pdfSans, "", pdfBodySize+1, pdfBodyLH+0.6, pdfText, pdfMarginX, p.contentW())
			})
			p.y += 2
		}
	}
}

// heading writes a section title.
func (p *pdfWriter) heading(s string) {
	p.tagged("H2", func() {
		p.paragraph(s, pdfSans, "B", pdfHeadingSize, pdfHeadingLH, pdfAccent, pdfMarginX, p.contentW())
	})
	p.y += pdfHeadingGap
}

// textHeight is the height of s as paragraph would write it across the page.
func (p *pdfWriter) textHeight(s, family, style string, size, lh float64) float64 {
	p.font(family, style, size, pdfText)
	return float64(len(p.wrap(s, p.contentW()))) * lh
}

// paragraph writes s wrapped to w, moving to a new page line by line.
func (p *pdfWriter) paragraph(s, family, style string, size, lh float64, c pdfColor, x, w float64) {
	if s == "" {
		return
	}
	p.font(family, style, size, c)
	for _, line := range p.wrap(s, w) {
		if p.ensure(lh) {
			p.font(family, style, size, c)
		}
		p.text(x, p.y+pdfBaseline(lh, size), line)
		p.y += lh
	}
}

// ensure starts a new page unless h millimetres fit below the cursor; it
// reports whether it did.
func (p *pdfWriter) ensure(h float64) bool {
	if p.y+h <= p.bottom() || p.y <= pdfTop {
		return false
	}
	p.newPage()
	return true
}

// newPage starts a page of the current page's orientation.
func (p *pdfWriter) newPage() { p.addPage(p.land) }

// addPage ends the current page, if any, and starts an A4 page, landscape
// when land is true, with the running header.
func (p *pdfWriter) addPage(land bool) {
	if p.page > 0 {
		p.endPage()
	}
	p.page++
	p.land = land
	p.y = pdfTop
	if !p.counting {
		p.content = p.content[:0]
		p.gs = pdfGState{}
		p.header()
	}
}

// endPage draws the running footer and writes the page out.
func (p *pdfWriter) endPage() {
	if p.counting {
		return
	}
	p.footer()
	p.tags.pageDone(p)
	if err := p.out.page(p.content, p.geom(), p.page-1); err != nil {
		panic(pdfAbort{err})
	}
}

// geom is the current page's size (portrait before the first).
func (p *pdfWriter) geom() pdfGeom {
	if p.land {
		return pdfGeom{p.portrait.h, p.portrait.w}
	}
	return p.portrait
}

func (p *pdfWriter) contentW() float64 { return p.geom().contentW() }
func (p *pdfWriter) bottom() float64   { return p.geom().bottom() }

// pdfBaseline is the offset from a line's top to its baseline that centres the
// capitals of a size-point font in a line lh millimetres high.
func pdfBaseline(lh, size float64) float64 {
	return (lh + 0.72*size*pdfPtMM) / 2
}

// font sets the font, for measuring and drawing, and the text colour.
func (p *pdfWriter) font(family, style string, size float64, c pdfColor) {
	for i, f := range pdfFonts {
		if f.family == family && f.style == style {
			p.style.font = i
			break
		}
	}
	p.style.size, p.style.text = size, c
	p.f.SetFont(family, style, size)
}

func (p *pdfWriter) draw(c pdfColor)     { p.style.draw = c }
func (p *pdfWriter) fill(c pdfColor)     { p.style.fill = c }
func (p *pdfWriter) lineWidth(w float64) { p.style.lineW = w }

// The drawing operators write the page's content stream as fpdf would
// (coordinates in points from the bottom left corner, two decimals), except
// in the counting pass.

// text draws s with its baseline starting at (x, y), in the current font
// and text colour, and records its characters for the fonts.
func (p *pdfWriter) text(x, y float64, s string) {
	if p.counting {
		return
	}
	set := p.runes[p.style.font]
	if set == nil {
		set = new(pdfRunes)
		p.runes[p.style.font] = set
	}
	for _, r := range s {
		if r < 0x10000 {
			set[r>>6] |= 1 << (r & 63)
		}
	}
	p.markContent()
	if p.artifact {
		p.artifactBegin()
		defer p.artifactEnd()
	}
	// The text colour is the fill colour: set it between q and Q, which
	// restores the fill.
	b := append(p.content, "q "...)
	b = pdfAppendColor(b, p.style.text, "g", "rg")
	b = append(b, " BT /F"...)
	b = strconv.AppendInt(b, int64(p.style.font+1), 10)
	b = append(b, ' ')
	b = strconv.AppendFloat(b, p.style.size, 'f', 2, 64)
	b = append(b, " Tf "...)
	b = p.appendXY(b, x, y)
	b = append(b, " Td ("...)
	for _, r := range s { // UTF-16BE, as fpdf writes UTF-8 fonts' text
		if r >= 0x10000 {
			r1, r2 := utf16.EncodeRune(r)
			b = pdfAppendEscaped(pdfAppendEscaped(b, byte(r1>>8)), byte(r1))
			r = r2
		}
		b = pdfAppendEscaped(pdfAppendEscaped(b, byte(r>>8)), byte(r))
	}
	if !p.artifact && !strings.HasSuffix(s, " ") {
		// A space after each piece of content, where it is invisible: the
		// text of an element (its wrapped lines, a box's code and title)
		// then reads as words, not run together, in a screen reader.
		b = append(b, 0, ' ')
		set[0] |= 1 << ' '
	}
	p.content = append(b, ") Tj ET Q\n"...)
}

// rect draws a rectangle: style "D" outlined, "F" filled, "DF" both.
func (p *pdfWriter) rect(x, y, w, h float64, style string) {
	if p.counting {
		return
	}
	p.artifactBegin()
	defer p.artifactEnd()
	op := "S"
	switch style {
	case "F":
		op = "f"
	case "DF", "FD":
		op = "B"
	}
	if op != "f" {
		p.stroke()
	}
	if op != "S" {
		p.setFill()
	}
	b := p.appendXY(p.content, x, y)
	b = append(b, ' ')
	b = strconv.AppendFloat(b, w*pdfK, 'f', 2, 64)
	b = append(b, ' ')
	b = strconv.AppendFloat(b, -h*pdfK, 'f', 2, 64)
	b = append(b, " re "...)
	p.content = append(append(b, op...), '\n')
}

// line draws a line from (x1, y1) to (x2, y2).
func (p *pdfWriter) line(x1, y1, x2, y2 float64) {
	if p.counting {
		return
	}
	p.artifactBegin()
	defer p.artifactEnd()
	p.stroke()
	b := p.appendXY(p.content, x1, y1)
	b = append(b, " m "...)
	b = p.appendXY(b, x2, y2)
	p.content = append(b, " l S\n"...)
}

// appendXY appends the point (x, y) of the page, in millimetres from the
// top left corner, in points from the bottom left.
func (p *pdfWriter) appendXY(b []byte, x, y float64) []byte {
	b = strconv.AppendFloat(b, x*pdfK, 'f', 2, 64)
	b = append(b, ' ')
	return strconv.AppendFloat(b, (p.geom().h-y)*pdfK, 'f', 2, 64)
}

// stroke sets the draw colour and line width in the content, if not set.
func (p *pdfWriter) stroke() {
	if p.gs.set&pdfSetDraw == 0 || p.gs.draw != p.style.draw {
		p.content = append(pdfAppendColor(p.content, p.style.draw, "G", "RG"), '\n')
		p.gs.draw = p.style.draw
		p.gs.set |= pdfSetDraw
	}
	if p.gs.set&pdfSetLineW == 0 || p.gs.lineW != p.style.lineW {
		p.content = append(strconv.AppendFloat(p.content, p.style.lineW*pdfK, 'f', 2, 64), " w\n"...)
		p.gs.lineW = p.style.lineW
		p.gs.set |= pdfSetLineW
	}
}

// setFill sets the fill colour in the content, if not set.
func (p *pdfWriter) setFill() {
	if p.gs.set&pdfSetFill == 0 || p.gs.fill != p.style.fill {
		p.content = append(pdfAppendColor(p.content, p.style.fill, "g", "rg"), '\n')
		p.gs.fill = p.style.fill
		p.gs.set |= pdfSetFill
	}
}

// pdfAppendColor appends the operator setting colour c, as fpdf writes it:
// a grey level with the gray operator, else red, green and blue.
func pdfAppendColor(b []byte, c pdfColor, gray, rgb string) []byte {
	r, g, bl := c.rgb()
	if r == g && g == bl {
		b = strconv.AppendFloat(b, float64(r)/255, 'f', 3, 64)
		return append(append(b, ' '), gray...)
	}
	for _, v := range [3]int{r, g, bl} {
		b = append(strconv.AppendFloat(b, float64(v)/255, 'f', 3, 64), ' ')
	}
	return append(b, rgb...)
}

// pdfAppendEscaped appends c to a literal string, escaped as fpdf does.
func pdfAppendEscaped(b []byte, c byte) []byte {
	switch c {
	case '\\', '(', ')':
		return append(b, '\\', c)
	case '\r':
		return append(b, '\\', 'r')
	}
	return append(b, c)
}

// wrap breaks s into lines no wider than w in the current font: at spaces,
// at explicit newlines, and inside words longer than a line.
func (p *pdfWriter) wrap(s string, w float64) []string {
	if s == "" {
		return nil
	}
	f := p.f
	if !strings.Contains(s, "\n") && f.GetStringWidth(s) <= w {
		return []string{s}
	}
	space := f.GetStringWidth(" ")
	var out []string
	for _, para := range strings.Split(s, "\n") {
		var line strings.Builder
		lineW := 0.0
		flush := func() {
			out = append(out, line.String())
			line.Reset()
			lineW = 0
		}
		words := strings.Fields(para)
		if len(words) == 0 {
			out = append(out, "")
			continue
		}
		for _, word := range words {
			ww := f.GetStringWidth(word)
			if line.Len() > 0 && lineW+space+ww <= w {
				line.WriteByte(' ')
				line.WriteString(word)
				lineW += space + ww
				continue
			}
			if line.Len() > 0 {
				flush()
			}
			for ww > w { // a word wider than the line: cut it by characters
				head, rest := p.cut(word, w)
				out = append(out, head)
				word = rest
				ww = f.GetStringWidth(word)
			}
			line.WriteString(word)
			lineW = ww
		}
		if line.Len() > 0 {
			flush()
		}
	}
	for len(out) > 1 && out[len(out)-1] == "" {
		out = out[:len(out)-1]
	}
	return out
}

// cut splits a word too wide for w: after the most characters that fit with
// a hyphen, leaving at least three for the next line when it can, and with
// no hyphen after a character that is not a letter ("IND.001/2023").
func (p *pdfWriter) cut(s string, w float64) (string, string) {
	f := p.f
	runes := []rune(s)
	hyphen := f.GetStringWidth("-")
	n, width := 0, 0.0
	for n < len(runes) {
		rw := f.GetStringWidth(string(runes[n]))
		if width+rw+hyphen > w && n > 0 {
			break
		}
		width += rw
		n++
	}
	if n == len(runes) {
		return s, ""
	}
	if rest := len(runes) - n; rest < 3 && n-(3-rest) >= 3 {
		n -= 3 - rest
	}
	head := string(runes[:n])
	if unicode.IsLetter(runes[n-1]) && unicode.IsLetter(runes[n]) {
		head += "-"
	}
	return head, string(runes[n:])
}

// fit truncates s with an ellipsis so it is no wider than w.
func (p *pdfWriter) fit(s string, w float64) string {
	f := p.f
	if f.GetStringWidth(s) <= w {
		return s
	}
	runes := []rune(strings.TrimSuffix(s, "…"))
	limit := w - f.GetStringWidth("…")
	n, width := 0, 0.0
	for n < len(runes) {
		rw := f.GetStringWidth(string(runes[n]))
		if width+rw > limit {
			break
		}
		width += rw
		n++
	}
	return strings.TrimRightFunc(string(runes[:n]), unicode.IsSpace) + "…"
}

// pdfClean makes text safe for fpdf's UTF-8 fonts: tabs and other controls
// become spaces (newlines stay), and characters outside the Basic
// Multilingual Plane, which fpdf cannot measure, become U+FFFD.
func pdfClean(s string) string {
	ok := true
	for _, r := range s {
		if r >= 0xFFFF || (r < 0x20 && r != '\n') || r == 0x7F || r == utf8.RuneError {
			ok = false
			break
		}
	}
	if ok {
		return strings.TrimSpace(s)
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\n':
			b.WriteRune(r)
		case r < 0x20 || r == 0x7F:
			b.WriteByte(' ')
		case r >= 0xFFFF:
			b.WriteRune('\uFFFD')
		default:
			b.WriteRune(r)
		}
	}
	return strings.TrimSpace(b.String())
}
