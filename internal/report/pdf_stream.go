package report

import (
	"bufio"
	"bytes"
	"compress/zlib"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"unicode/utf16"
)

// pdfOut writes the PDF file as the pages come, so that a page is in memory
// only while it is drawn. The objects are numbered as they are written;
// the first few are known in advance:
//
//	1     the page tree, written last, when its kids and their count are known
//	2     the resources all pages share: the fonts /F1…/Fn
//	3…    the fonts, in the order of pdfFonts, written last (fonts)
//
// Then come each page's content stream and page object, and at the end the
// fonts with their descendants, the page tree, the outline, the information
// dictionary, the catalog, the cross-reference table and the trailer. What it
// keeps between pages is small: each object's offset and the page objects'
// numbers.
//
// The fonts come from a PDF fpdf writes (fonts): a page that shows every
// character the document does, in each font. Its Type0 font dictionaries
// take the numbers the resources point to, what they lead to (CIDFont,
// widths, descriptor, subset…) new numbers; the rest goes. fpdf's output is regular ("n 0 obj …
// endobj", streams with a direct /Length, one cross-reference section): the
// parser below reads it through its cross-reference table and fails on
// anything else rather than guess.
type pdfOut struct {
	w        *bufio.Writer
	err      error          // the first write error
	n        int64          // bytes written
	offsets  []int64        // each object's byte offset by number; 0 unused, 0 too until written
	kids     []int          // the page objects, in order
	fontNums map[string]int // the fonts' object numbers by /BaseFont
	fontsOut bool           // fonts has written the fonts
	zbuf     bytes.Buffer
	zw       *zlib.Writer

	// While fonts reads fpdf's PDF: the tokens of an object's dictionary,
	// and each object's number in the file, 0 when it does not go there.
	toks  []pdfTok
	renum []int
}

// pdfPagesObj and pdfResourcesObj are the page tree's and the shared
// resources' object numbers; the fonts follow.
const (
	pdfPagesObj     = 1
	pdfResourcesObj = 2
)

// newPDFOut writes the header and the resources, for fonts of the given
// /BaseFont names.
func newPDFOut(w io.Writer, fontNames []string) *pdfOut {
	o := &pdfOut{w: bufio.NewWriterSize(w, 64<<10), offsets: make([]int64, pdfResourcesObj+1+len(fontNames)),
		fontNums: make(map[string]int)}
	o.writeString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	o.begin(pdfResourcesObj)
	o.writeString("\n<</ProcSet [/PDF /Text]\n/Font <<\n")
	for i, name := range fontNames {
		num := pdfResourcesObj + 1 + i
		o.fontNums[name] = num
		o.writeString("/F" + strconv.Itoa(i+1) + " " + strconv.Itoa(num) + " 0 R\n")
	}
	o.writeString(">>\n>>\nendobj\n")
	return o
}

func (o *pdfOut) write(b []byte) {
	if o.err == nil {
		_, o.err = o.w.Write(b)
	}
	o.n += int64(len(b))
}

func (o *pdfOut) writeString(s string) {
	if o.err == nil {
		_, o.err = o.w.WriteString(s)
	}
	o.n += int64(len(s))
}

// Write lets renumber write to the file.
func (o *pdfOut) Write(b []byte) (int, error) {
	o.write(b)
	return len(b), nil
}

// begin starts object num (the next, or one numbered before) here: "num 0
// obj", to be followed by an end of line and the body.
func (o *pdfOut) begin(num int) {
	for len(o.offsets) <= num {
		o.offsets = append(o.offsets, 0)
	}
	o.offsets[num] = o.n
	o.writeString(strconv.Itoa(num) + " 0 obj")
}

// page writes a page of size g (in millimetres) whose content stream is
// content, compressed here; structParents is its key in the parent tree.
func (o *pdfOut) page(content []byte, g pdfGeom, structParents int) error {
	data := o.deflate(content)
	contents := len(o.offsets)
	o.begin(contents)
	o.writeString("\n<</Filter /FlateDecode /Length " + strconv.Itoa(len(data)) + ">>\nstream\n")
	o.write(data)
	o.writeString("\nendstream\nendobj\n")
	page := len(o.offsets)
	o.begin(page)
	o.writeString("\n<</Type /Page\n/Parent " + strconv.Itoa(pdfPagesObj) + " 0 R\n/MediaBox " + pdfMediaBox(g) +
		"\n/Resources " + strconv.Itoa(pdfResourcesObj) + " 0 R\n/Contents " + strconv.Itoa(contents) + " 0 R\n/StructParents " +
		strconv.Itoa(structParents) + "\n/Tabs /S>>\nendobj\n")
	o.kids = append(o.kids, page)
	return o.err
}

// pdfMediaBox is "[0 0 w h]" in points, as fpdf writes it.
func pdfMediaBox(g pdfGeom) string {
	return fmt.Sprintf("[0 0 %.2f %.2f]", g.w*pdfK, g.h*pdfK)
}

// deflate compresses data (zlib, best speed, as fpdf does) into a buffer
// valid until the next call, with one compressor for the whole file.
func (o *pdfOut) deflate(data []byte) []byte {
	o.zbuf.Reset()
	if o.zw == nil {
		o.zw, _ = zlib.NewWriterLevel(&o.zbuf, zlib.BestSpeed) // a valid level: no error
	} else {
		o.zw.Reset(&o.zbuf)
	}
	o.zw.Write(data) // to a bytes.Buffer: no error
	o.zw.Close()
	return o.zbuf.Bytes()
}

// fonts writes the fonts of src, a PDF as fpdf writes it, under the
// numbers the resources give them.
//
// fpdf writes the text of its UTF-8 fonts as UTF-16 code units, which are
// the font's CIDs, mapped to glyphs by the font (CIDToGIDMap): the content
// of a page does not depend on the subset a font embeds, so a subset of
// every character the document shows serves every page.
func (o *pdfOut) fonts(src []byte) error {
	if err := o.mergeFonts(src); err != nil {
		return fmt.Errorf("fonts: %w", err)
	}
	o.fontsOut = true
	return nil
}

func (o *pdfOut) mergeFonts(src []byte) error {
	c, err := pdfParse(src)
	if err != nil {
		return err
	}
	if v := string(c.header); v != "%PDF-1.3" && v != "%PDF-1.4" {
		return fmt.Errorf("version %q, above the file's 1.4", v)
	}
	// Each object's references, and which are fonts.
	size := len(c.offsets)
	var refs []int // the references of object k: refs[refAt[k]:refAt[k+1]]
	refAt := make([]int, size+1)
	font := make(map[int]string) // Type0 font dictionaries by number: their /BaseFont
	for k := 1; k < size; k++ {
		refAt[k] = len(refs)
		if _, err := o.object(c, k); err != nil {
			return err
		}
		if err := o.eachRef(src, func(num int) { refs = append(refs, num) }); err != nil {
			return fmt.Errorf("object %d: %w", k, err)
		}
		if typ, sub := pdfDictGet(src, o.toks, "/Type"), pdfDictGet(src, o.toks, "/Subtype"); typ.n == 1 && sub.n == 1 &&
			string(o.toks[typ.i].text(src)) == "/Font" && string(o.toks[sub.i].text(src)) == "/Type0" {
			name := pdfDictGet(src, o.toks, "/BaseFont")
			if name.n != 1 || o.toks[name.i].kind != '/' {
				return fmt.Errorf("object %d: a font without /BaseFont", k)
			}
			font[k] = string(o.toks[name.i].text(src)[1:])
		}
	}
	refAt[size] = len(refs)
	// What the fonts lead to.
	inFont := make([]bool, size)
	var stack []int
	for k := range font {
		stack = append(stack, k)
	}
	for len(stack) > 0 {
		k := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for _, r := range refs[refAt[k]:refAt[k+1]] {
			if r <= 0 || r >= size {
				return fmt.Errorf("object %d: reference to no object %d", k, r)
			}
			if _, ok := font[r]; !ok && !inFont[r] {
				inFont[r] = true
				stack = append(stack, r)
			}
		}
	}
	// Numbers: the fonts the ones reserved, what they lead to the next ones.
	o.renum = make([]int, size)
	next := len(o.offsets)
	for k := range size {
		num := 0
		if name, ok := font[k]; ok {
			if num = o.fontNums[name]; num == 0 {
				return fmt.Errorf("font %s not in the resources", name)
			}
		} else if inFont[k] && k != c.root && k != c.info {
			num = next
			next++
		}
		o.renum[k] = num
	}
	// The objects kept, renumbered, in order.
	for k := 1; k < size; k++ {
		if o.renum[k] == 0 {
			continue
		}
		obj, err := o.object(c, k)
		if err != nil {
			return err
		}
		o.begin(o.renum[k])
		if err := o.renumber(o, src, obj.body, obj.bodyEnd); err != nil {
			return fmt.Errorf("object %d: %w", k, err)
		}
		if obj.data.e > 0 {
			o.writeString("stream\n")
			o.write(src[obj.data.s:obj.data.e])
			o.writeString("\nendstream\n")
		}
		o.writeString("endobj\n")
	}
	return o.err
}

// object parses src object k, leaving its dictionary's tokens in o.toks.
func (o *pdfOut) object(c *pdfParsed, k int) (pdfObject, error) {
	if k <= 0 || k >= len(c.offsets) {
		return pdfObject{}, fmt.Errorf("no object %d", k)
	}
	obj, toks, err := pdfParseObject(c.b, k, c.offsets[k], c.ends[k], o.toks[:0])
	o.toks = toks
	if err != nil {
		return obj, fmt.Errorf("object %d: %w", k, err)
	}
	return obj, nil
}

// renumber writes src[from:to], tokenised in o.toks, with every reference
// to a src object made a reference to the file's.
func (o *pdfOut) renumber(w io.Writer, src []byte, from, to int) error {
	last := from
	for j := range o.toks {
		k, ok, err := o.refEnd(src, j)
		if err != nil {
			return err
		}
		if !ok {
			continue
		}
		if k <= 0 || k >= len(o.renum) || o.renum[k] == 0 {
			return fmt.Errorf("reference at %d to object %d, which is not kept", o.toks[j-2].s, k)
		}
		w.Write(src[last:o.toks[j-2].s])
		io.WriteString(w, strconv.Itoa(o.renum[k]))
		last = o.toks[j-2].e
	}
	w.Write(src[last:to])
	return nil
}

// eachRef calls f with the object number of every reference in o.toks.
func (o *pdfOut) eachRef(src []byte, f func(int)) error {
	for j := range o.toks {
		k, ok, err := o.refEnd(src, j)
		if err != nil {
			return err
		}
		if ok {
			f(k)
		}
	}
	return nil
}

// refEnd reports whether o.toks[j] is the R ending a reference, and to what.
func (o *pdfOut) refEnd(src []byte, j int) (int, bool, error) {
	t := o.toks[j]
	if t.kind != 'k' || t.e-t.s != 1 || src[t.s] != 'R' {
		return 0, false, nil
	}
	if j < 2 || o.toks[j-1].kind != 'i' || o.toks[j-2].kind != 'i' || string(o.toks[j-1].text(src)) != "0" {
		return 0, false, fmt.Errorf("stray R at %d", t.s)
	}
	k, err := strconv.Atoi(string(o.toks[j-2].text(src)))
	return k, true, err
}

// finish writes the page tree, the outline, the structure tree, the
// information dictionary, the XMP metadata, the output intent, the catalog,
// the cross-reference table and the trailer.
func (o *pdfOut) finish(marks []pdfBookmark, tags *pdfTags, in pdfInfo) error {
	if len(o.kids) == 0 || !o.fontsOut {
		return errors.New("no pages or no fonts")
	}
	o.begin(pdfPagesObj)
	o.writeString("\n<</Type /Pages\n/Kids [")
	for i, k := range o.kids {
		if i > 0 {
			o.writeString(" ")
		}
		o.writeString(strconv.Itoa(k) + " 0 R")
	}
	o.writeString("]\n/Count " + strconv.Itoa(len(o.kids)) + "\n>>\nendobj\n")

	// The outline: one level, an entry per bookmark, then its root.
	outlines := 0
	if len(marks) > 0 {
		var b bytes.Buffer
		first := len(o.offsets)
		outlines = first + len(marks)
		for i, bm := range marks {
			if bm.page < 1 || bm.page > len(o.kids) {
				return fmt.Errorf("bookmark %q on page %d of %d", bm.title, bm.page, len(o.kids))
			}
			b.Reset()
			b.WriteString("\n<</Title ")
			pdfWriteTextString(&b, bm.title)
			fmt.Fprintf(&b, "\n/Parent %d 0 R\n", outlines)
			if i > 0 {
				fmt.Fprintf(&b, "/Prev %d 0 R\n", first+i-1)
			}
			if i < len(marks)-1 {
				fmt.Fprintf(&b, "/Next %d 0 R\n", first+i+1)
			}
			fmt.Fprintf(&b, "/Dest [%d 0 R /XYZ 0 %.2f null]\n/Count 0>>\nendobj\n", o.kids[bm.page-1], (bm.h-bm.y)*pdfK)
			o.begin(first + i)
			o.write(b.Bytes())
		}
		o.begin(outlines)
		o.writeString(fmt.Sprintf("\n<</Type /Outlines /First %d 0 R /Last %d 0 R /Count %d>>\nendobj\n",
			first, outlines-1, len(marks)))
	}
	structRoot := o.writeTags(tags)
	info := o.writeInfo(in)
	meta := o.writeMetadata(in)
	intent := o.writeOutputIntent()
	catalog := len(o.offsets)
	o.begin(catalog)
	o.writeString("\n<</Type /Catalog\n/Pages " + strconv.Itoa(pdfPagesObj) + " 0 R\n/Lang (" + pdfLang + ")\n" +
		"/MarkInfo <</Marked true>>\n/StructTreeRoot " + strconv.Itoa(structRoot) + " 0 R\n" +
		"/ViewerPreferences <</DisplayDocTitle true>>\n/Metadata " + strconv.Itoa(meta) + " 0 R\n" +
		"/OutputIntents [" + strconv.Itoa(intent) + " 0 R]\n")
	if outlines > 0 {
		o.writeString("/Outlines " + strconv.Itoa(outlines) + " 0 R\n/PageMode /UseOutlines\n")
	}
	o.writeString(">>\nendobj\n")

	for k, off := range o.offsets[1:] {
		if off == 0 {
			return fmt.Errorf("object %d numbered, never written", k+1)
		}
	}
	xref := o.n
	o.writeString("xref\n0 " + strconv.Itoa(len(o.offsets)) + "\n0000000000 65535 f \n")
	for _, off := range o.offsets[1:] {
		o.writeString(fmt.Sprintf("%010d 00000 n \n", off))
	}
	o.writeString(fmt.Sprintf("trailer\n<<\n/Size %d\n/Root %d 0 R\n/Info %d 0 R\n/ID %s\n>>\nstartxref\n%d\n%%%%EOF\n",
		len(o.offsets), catalog, info, pdfFileID(in), xref))
	if o.err != nil {
		return o.err
	}
	return o.w.Flush()
}

// pdfWriteTextString writes s as a PDF text string: UTF-16BE with a byte
// order mark, as fpdf writes UTF-8 strings, escaped.
func pdfWriteTextString(b *bytes.Buffer, s string) {
	t := []byte("(\xfe\xff")
	for _, u := range utf16.Encode([]rune(s)) {
		t = pdfAppendEscaped(pdfAppendEscaped(t, byte(u>>8)), byte(u))
	}
	b.Write(append(t, ')'))
}

// pdfParsed is a PDF parsed down to its cross-reference table.
type pdfParsed struct {
	b          []byte
	header     []byte // the first line, "%PDF-1.3"
	offsets    []int  // each object's offset by number; 0 unused
	ends       []int  // where each object's bytes end: the next object's offset, or the table's
	root, info int
}

// pdfParse reads the header, the cross-reference table and the trailer.
func pdfParse(b []byte) (*pdfParsed, error) {
	c := &pdfParsed{b: b}
	nl := bytes.IndexByte(b, '\n')
	if nl < 0 || !bytes.HasPrefix(b, []byte("%PDF-1.")) {
		return nil, errors.New("no PDF header")
	}
	c.header = bytes.TrimRight(b[:nl], "\r")
	// startxref, then the table's offset and %%EOF.
	sx := bytes.LastIndex(b, []byte("startxref"))
	if sx < 0 {
		return nil, errors.New("no startxref")
	}
	tail := bytes.Fields(b[sx+len("startxref"):])
	if len(tail) != 2 || string(tail[1]) != "%%EOF" {
		return nil, errors.New("bad end of file")
	}
	xref, err := strconv.Atoi(string(tail[0]))
	if err != nil || xref <= nl || xref >= sx {
		return nil, fmt.Errorf("bad startxref %q", tail[0])
	}
	// "xref", "0 N", N entries of 20 bytes, "trailer".
	p := xref
	line := func() []byte {
		e := bytes.IndexByte(b[p:sx], '\n')
		if e < 0 {
			return nil
		}
		l := b[p : p+e]
		p += e + 1
		return bytes.TrimRight(l, "\r ")
	}
	if string(line()) != "xref" {
		return nil, errors.New("no xref table at startxref")
	}
	sub := bytes.Fields(line())
	if len(sub) != 2 || string(sub[0]) != "0" {
		return nil, errors.New("not a single xref section from 0")
	}
	size, err := strconv.Atoi(string(sub[1]))
	if err != nil || size < 2 || p+20*size > sx {
		return nil, fmt.Errorf("bad xref size %q", sub[1])
	}
	c.offsets = make([]int, size)
	for k := range size {
		e := b[p+20*k : p+20*k+20]
		if e[10] != ' ' || e[16] != ' ' || e[18] != ' ' && e[18] != '\r' || e[19] != '\n' && e[19] != '\r' {
			return nil, fmt.Errorf("bad xref entry %d", k)
		}
		off, err := strconv.Atoi(string(e[:10]))
		if err != nil {
			return nil, fmt.Errorf("bad xref entry %d", k)
		}
		switch {
		case k == 0:
			if e[17] != 'f' {
				return nil, errors.New("xref entry 0 not free")
			}
		case e[17] != 'n' || string(e[11:16]) != "00000" || off <= nl || off >= xref:
			return nil, fmt.Errorf("xref entry %d: not an object in use at a good offset", k)
		default:
			c.offsets[k] = off
		}
	}
	p += 20 * size
	if string(line()) != "trailer" {
		return nil, errors.New("no trailer")
	}
	toks, err := pdfLexAll(b, p, sx, nil)
	if err != nil {
		return nil, fmt.Errorf("trailer: %w", err)
	}
	if c.root, err = pdfRefAt(b, toks, pdfDictGet(b, toks, "/Root")); err != nil {
		return nil, fmt.Errorf("trailer /Root: %w", err)
	}
	if c.info, err = pdfRefAt(b, toks, pdfDictGet(b, toks, "/Info")); err != nil {
		return nil, fmt.Errorf("trailer /Info: %w", err)
	}
	if s := pdfDictGet(b, toks, "/Size"); s.n != 1 || string(toks[s.i].text(b)) != strconv.Itoa(size) {
		return nil, errors.New("trailer /Size is not the xref's")
	}
	if c.root <= 0 || c.root >= size || c.info <= 0 || c.info >= size || c.root == c.info {
		return nil, errors.New("trailer: bad /Root or /Info")
	}
	// Each object ends where the next in the file begins.
	order := make([]int, 0, size-1)
	for k := 1; k < size; k++ {
		order = append(order, k)
	}
	slices.SortFunc(order, func(i, j int) int { return c.offsets[i] - c.offsets[j] })
	c.ends = make([]int, size)
	for i, k := range order {
		c.ends[k] = xref
		if i+1 < len(order) {
			c.ends[k] = c.offsets[order[i+1]]
		}
		if c.ends[k] <= c.offsets[k] {
			return nil, fmt.Errorf("objects %d and %d at the same offset", k, order[i+1])
		}
	}
	return c, nil
}

// pdfObject is where an object's parts are in its src: its body, from
// after "obj" to "stream" or "endobj", and its stream's data if any.
type pdfObject struct {
	start, end    int
	body, bodyEnd int
	data          struct{ s, e int } // e == 0: no stream
}

// pdfParseObject parses object num in b[start:end]: "num 0 obj", a body, and
// "endobj" or a stream of a direct /Length and "endobj". It returns the
// body's tokens, appended to toks.
func pdfParseObject(b []byte, num, start, end int, toks []pdfTok) (pdfObject, []pdfTok, error) {
	o := pdfObject{start: start, end: end}
	var head [3]pdfTok
	p := start
	for i := range head {
		t, err := pdfLex(b, p, end)
		if err != nil {
			return o, toks, err
		}
		head[i], p = t, t.e
	}
	if string(head[0].text(b)) != strconv.Itoa(num) || string(head[1].text(b)) != "0" || string(head[2].text(b)) != "obj" {
		return o, toks, errors.New("no object header where the xref says")
	}
	o.body = p
	for {
		t, err := pdfLex(b, p, end)
		if err != nil {
			return o, toks, err
		}
		if t.kind == 0 {
			return o, toks, errors.New("no endobj")
		}
		p = t.e
		if t.kind != 'k' {
			toks = append(toks, t)
			continue
		}
		switch string(t.text(b)) {
		case "endobj":
			o.bodyEnd = t.s
			return o, toks, pdfOnlySpace(b, p, end)
		case "stream":
			o.bodyEnd = t.s
			l := pdfDictGet(b, toks, "/Length")
			if l.n != 1 || toks[l.i].kind != 'i' {
				return o, toks, errors.New("stream without a direct /Length")
			}
			n, err := strconv.Atoi(string(toks[l.i].text(b)))
			if err != nil {
				return o, toks, err
			}
			switch {
			case bytes.HasPrefix(b[p:end], []byte("\r\n")):
				p += 2
			case bytes.HasPrefix(b[p:end], []byte("\n")):
				p++
			default:
				return o, toks, errors.New("no end of line after stream")
			}
			if p+n > end {
				return o, toks, errors.New("stream longer than its object")
			}
			o.data.s, o.data.e = p, p+n
			p += n
			for _, kw := range []string{"endstream", "endobj"} {
				t, err := pdfLex(b, p, end)
				if err != nil || t.kind != 'k' || string(t.text(b)) != kw {
					return o, toks, fmt.Errorf("no %s after the stream's /Length", kw)
				}
				p = t.e
			}
			return o, toks, pdfOnlySpace(b, p, end)
		default:
			toks = append(toks, t)
		}
	}
}

func pdfOnlySpace(b []byte, p, end int) error {
	for _, c := range b[p:end] {
		if !pdfSpace(c) {
			return fmt.Errorf("bytes after endobj at %d", p)
		}
	}
	return nil
}

// pdfTok is a token: kind 'i' an unsigned integer, 'r' another number, '/' a
// name, '(' or '<' a string, 'd' a delimiter ("<<", ">>", "[", "]", "{",
// "}"), 'k' a keyword; 0 the end.
type pdfTok struct {
	kind byte
	s, e int
}

func (t pdfTok) text(b []byte) []byte { return b[t.s:t.e] }

func pdfSpace(c byte) bool {
	return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == 0
}

func pdfDelim(c byte) bool {
	return c == '(' || c == ')' || c == '<' || c == '>' || c == '[' || c == ']' || c == '{' || c == '}' || c == '/' || c == '%'
}

// pdfLex returns the token at or after p, not beyond end.
func pdfLex(b []byte, p, end int) (pdfTok, error) {
	for p < end {
		if c := b[p]; pdfSpace(c) {
			p++
		} else if c == '%' { // a comment, to the end of the line
			for p < end && b[p] != '\n' && b[p] != '\r' {
				p++
			}
		} else {
			break
		}
	}
	if p >= end {
		return pdfTok{s: end, e: end}, nil
	}
	s := p
	switch c := b[p]; {
	case c == '(':
		depth := 0
		for ; p < end; p++ {
			switch b[p] {
			case '\\':
				p++
			case '(':
				depth++
			case ')':
				depth--
			}
			if depth == 0 {
				return pdfTok{'(', s, p + 1}, nil
			}
		}
		return pdfTok{}, fmt.Errorf("unterminated string at %d", s)
	case c == '<' && p+1 < end && b[p+1] == '<', c == '>' && p+1 < end && b[p+1] == '>':
		return pdfTok{'d', s, p + 2}, nil
	case c == '<':
		e := bytes.IndexByte(b[p:end], '>')
		if e < 0 {
			return pdfTok{}, fmt.Errorf("unterminated hex string at %d", s)
		}
		return pdfTok{'<', s, p + e + 1}, nil
	case c == '[' || c == ']' || c == '{' || c == '}':
		return pdfTok{'d', s, p + 1}, nil
	case c == ')' || c == '>':
		return pdfTok{}, fmt.Errorf("unexpected %q at %d", c, s)
	case c == '/':
		p++
		for p < end && !pdfSpace(b[p]) && !pdfDelim(b[p]) {
			p++
		}
		return pdfTok{'/', s, p}, nil
	}
	kind := byte('i')
	for ; p < end && !pdfSpace(b[p]) && !pdfDelim(b[p]); p++ {
		switch c := b[p]; {
		case c >= '0' && c <= '9':
		case c == '+' || c == '-' || c == '.':
			if kind == 'i' {
				kind = 'r'
			}
		default:
			kind = 'k'
		}
	}
	return pdfTok{kind, s, p}, nil
}

// pdfLexAll appends the tokens of b[p:end] to toks.
func pdfLexAll(b []byte, p, end int, toks []pdfTok) ([]pdfTok, error) {
	for {
		t, err := pdfLex(b, p, end)
		if err != nil {
			return toks, err
		}
		if t.kind == 0 {
			return toks, nil
		}
		toks = append(toks, t)
		p = t.e
	}
}

// pdfSpan is n tokens from toks[i]; n == 0: none.
type pdfSpan struct{ i, n int }

// pdfDictGet finds key in the outermost dictionary of toks and returns its
// value: a reference, an array, a dictionary or one token.
func pdfDictGet(b []byte, toks []pdfTok, key string) pdfSpan {
	depth := 0
	for j := 0; j < len(toks); j++ {
		t := toks[j]
		if t.kind == 'd' {
			switch b[t.s] {
			case '<', '[':
				depth++
			case '>', ']':
				depth--
			}
			continue
		}
		if depth != 1 || t.kind != '/' || string(t.text(b)) != key || j+1 == len(toks) {
			continue
		}
		v := toks[j+1]
		switch {
		case v.kind == 'd' && (b[v.s] == '[' || b[v.s] == '<'):
			d := 0
			for k := j + 1; k < len(toks); k++ {
				if toks[k].kind == 'd' {
					if c := b[toks[k].s]; c == '[' || c == '<' {
						d++
					} else if c == ']' || c == '>' {
						d--
					}
				}
				if d == 0 {
					return pdfSpan{j + 1, k - j}
				}
			}
			return pdfSpan{}
		case v.kind == 'i' && j+3 < len(toks) && toks[j+2].kind == 'i' && toks[j+3].kind == 'k' && string(toks[j+3].text(b)) == "R":
			return pdfSpan{j + 1, 3}
		default:
			return pdfSpan{j + 1, 1}
		}
	}
	return pdfSpan{}
}

// pdfRefAt reads the object number of the reference s.
func pdfRefAt(b []byte, toks []pdfTok, s pdfSpan) (int, error) {
	if s.n != 3 || toks[s.i].kind != 'i' || toks[s.i+1].kind != 'i' || string(toks[s.i+2].text(b)) != "R" {
		return 0, errors.New("not a reference")
	}
	return strconv.Atoi(string(toks[s.i].text(b)))
}
