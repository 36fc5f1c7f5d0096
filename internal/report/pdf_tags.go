package report

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/piao-performance/piao/internal/document"
)

// The PDF is tagged (ISO 32000-1 §14.7–14.8) so that screen readers and
// reflow follow its logical structure: a structure tree of headings,
// paragraphs, lists (the performance tree) and tables with header cells,
// in reading order. Everything drawn that is not content (the running
// header and footer, frames, rules, fills, the header row repeated on a
// continuation page, "(segue)" lines) is an artifact. It is also PDF/A-2b
// (ISO 19005-2): fonts embedded, XMP metadata matching the information
// dictionary, an sRGB output intent. README "The Relazione as a document"
// says why the project's own writer does it rather than a conversion.

// pdfTags is the structure tree as the drawing pass builds it, written at
// the end (its elements need their kids' numbers). A table of 5,000 rows
// is some 55,000 elements, so each is kept in parallel slices of small
// integers, about 30 bytes, not as a struct of strings and slices: the
// memory of a large document stays close to that of a small one
// (TestWritePDFFlatMemory).
type pdfTags struct {
	names       []string // element types and attributes; names[0] is "" (no attribute)
	typ, attr   []uint8  // each element's type and attribute, indices in names
	parent      []int32  // -1 for the root, Document
	first, last []int32  // the element's kids: a list in kids; -1 when none
	kids        []pdfKid

	cur      int     // the element that text drawn now belongs to
	open     bool    // a marked-content sequence is open on the page
	openElem int     // ...for this element
	pageMC   []int32 // the current page's sequences: MCID → element
	parents  [][]int32
}

// pdfKid is a child element (elem ≥ 0) or a marked-content sequence of a
// page (elem < 0), and the next kid of the same element (-1: the last).
type pdfKid struct {
	next, elem, page, mcid int32
}

func newPDFTags() *pdfTags {
	t := &pdfTags{names: []string{""}}
	t.push("Document", "", -1)
	return t
}

// name returns the index of s in names, adding it the first time.
func (t *pdfTags) name(s string) uint8 {
	for i, x := range t.names {
		if x == s {
			return uint8(i)
		}
	}
	t.names = append(t.names, s)
	return uint8(len(t.names) - 1)
}

// push appends an element with no kids and returns it.
func (t *pdfTags) push(typ, attr string, parent int) int {
	t.typ = append(t.typ, t.name(typ))
	t.attr = append(t.attr, t.name(attr))
	t.parent = append(t.parent, int32(parent))
	t.first = append(t.first, -1)
	t.last = append(t.last, -1)
	return len(t.typ) - 1
}

// addKid appends k to element e's kids.
func (t *pdfTags) addKid(e int, k pdfKid) {
	k.next = -1
	i := int32(len(t.kids))
	t.kids = append(t.kids, k)
	if t.last[e] < 0 {
		t.first[e] = i
	} else {
		t.kids[t.last[e]].next = i
	}
	t.last[e] = i
}

// tagOpen starts an element of type typ inside the current one; text drawn
// until tagClose belongs to it.
func (p *pdfWriter) tagOpen(typ, attr string) {
	t := p.tags
	if t == nil {
		return
	}
	t.cur = t.add(typ, attr, t.cur)
}

// tagClose ends the current element.
func (p *pdfWriter) tagClose() {
	if t := p.tags; t != nil && t.cur > 0 {
		t.cur = int(t.parent[t.cur])
	}
}

// tagged draws f's text as an element of type typ.
func (p *pdfWriter) tagged(typ string, f func()) {
	p.tagOpen(typ, "")
	f()
	p.tagClose()
}

// add appends an element of type typ as the last kid of parent.
func (t *pdfTags) add(typ, attr string, parent int) int {
	n := t.push(typ, attr, parent)
	t.addKid(parent, pdfKid{elem: int32(n)})
	return n
}

// markContent opens, unless open already, the marked-content sequence that
// the text about to be drawn belongs to: the current element's on this
// page, or an artifact.
func (p *pdfWriter) markContent() {
	t := p.tags
	if t == nil {
		return
	}
	if p.artifact {
		p.endMarked()
		return
	}
	if t.open && t.openElem == t.cur {
		return
	}
	p.endMarked()
	mcid := len(t.pageMC)
	t.pageMC = append(t.pageMC, int32(t.cur))
	t.addKid(t.cur, pdfKid{elem: -1, page: int32(p.page), mcid: int32(mcid)})
	b := append(p.content, '/')
	b = append(b, t.names[t.typ[t.cur]]...)
	b = append(b, " <</MCID "...)
	b = strconv.AppendInt(b, int64(mcid), 10)
	p.content = append(b, ">> BDC\n"...)
	t.open, t.openElem = true, t.cur
}

// endMarked closes the open marked-content sequence, if any.
func (p *pdfWriter) endMarked() {
	if t := p.tags; t != nil && t.open {
		p.content = append(p.content, "EMC\n"...)
		t.open = false
	}
}

// artifactBegin and artifactEnd enclose drawing that is not content.
func (p *pdfWriter) artifactBegin() {
	if p.tags == nil {
		return
	}
	p.endMarked()
	p.content = append(p.content, "/Artifact BMC\n"...)
}

func (p *pdfWriter) artifactEnd() {
	if p.tags != nil {
		p.content = append(p.content, "EMC\n"...)
	}
}

// asArtifact draws f's text as artifacts (running header, "(segue)").
func (p *pdfWriter) asArtifact(f func()) {
	was := p.artifact
	p.artifact = true
	f()
	p.artifact = was
}

// pageDone closes the page's sequences and keeps their elements for the
// parent tree.
func (t *pdfTags) pageDone(p *pdfWriter) {
	p.endMarked()
	t.parents = append(t.parents, t.pageMC)
	t.pageMC = nil
}

// pdfInfo is what the information dictionary and the XMP metadata say.
type pdfInfo struct {
	title, author, subject, keywords, creator string
	created                                   time.Time // zero when unknown
}

const pdfProducer = "PIAO performance manager"

func pdfInfoOf(d *document.Document) pdfInfo {
	in := pdfInfo{title: pdfClean(d.Title), author: pdfClean(d.Ente), subject: pdfClean(d.Plan),
		creator: pdfProducer, created: d.Generated}
	if in.title == "" {
		in.title = "Relazione"
	}
	kw := make([]string, len(d.Meta))
	for i, m := range d.Meta {
		kw[i] = pdfClean(m.Label) + ": " + pdfClean(m.Value)
	}
	in.keywords = strings.Join(kw, "; ")
	return in
}

// writeTags writes the structure tree: the root, every element, and the
// parent tree that maps each page's MCIDs back to their elements. It
// returns the root's object number.
func (o *pdfOut) writeTags(t *pdfTags) int {
	root := len(o.offsets)
	first := root + 1 // element i is object first+i
	parentTree := first + len(t.typ)
	ref := func(i int32) string {
		if i < 0 {
			return strconv.Itoa(root) + " 0 R"
		}
		return strconv.Itoa(first+int(i)) + " 0 R"
	}
	o.begin(root)
	o.writeString("\n<</Type /StructTreeRoot /K [" + ref(0) + "] /ParentTree " + strconv.Itoa(parentTree) +
		" 0 R /ParentTreeNextKey " + strconv.Itoa(len(t.parents)) + ">>\nendobj\n")
	var b bytes.Buffer
	for i := range t.typ {
		b.Reset()
		b.WriteString("\n<</Type /StructElem /S /" + t.names[t.typ[i]] + " /P " + ref(t.parent[i]))
		if a := t.attr[i]; a != 0 {
			b.WriteString(" " + t.names[a])
		}
		b.WriteString(" /K [")
		for k := t.first[i]; k >= 0; k = t.kids[k].next {
			if k != t.first[i] {
				b.WriteByte(' ')
			}
			if kid := t.kids[k]; kid.elem >= 0 {
				b.WriteString(ref(kid.elem))
			} else {
				fmt.Fprintf(&b, "<</Type /MCR /Pg %d 0 R /MCID %d>>", o.kids[kid.page-1], kid.mcid)
			}
		}
		b.WriteString("]>>\nendobj\n")
		o.begin(first + i)
		o.write(b.Bytes())
	}
	o.begin(parentTree)
	o.writeString("\n<</Nums [")
	for pg, mcs := range t.parents {
		b.Reset()
		fmt.Fprintf(&b, "\n%d [", pg)
		for j, e := range mcs {
			if j > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(ref(e))
		}
		b.WriteString("]")
		o.write(b.Bytes())
	}
	o.writeString("]>>\nendobj\n")
	return root
}

// writeInfo writes the information dictionary and returns its number.
func (o *pdfOut) writeInfo(in pdfInfo) int {
	var b bytes.Buffer
	b.WriteString("\n<<")
	for _, kv := range [][2]string{{"Title", in.title}, {"Author", in.author}, {"Subject", in.subject},
		{"Keywords", in.keywords}, {"Creator", in.creator}, {"Producer", pdfProducer}} {
		if kv[1] == "" {
			continue
		}
		b.WriteString("\n/" + kv[0] + " ")
		pdfWriteTextString(&b, kv[1])
	}
	if !in.created.IsZero() {
		d := "(D:" + in.created.UTC().Format("20060102150405") + "Z)"
		b.WriteString("\n/CreationDate " + d + "\n/ModDate " + d)
	}
	b.WriteString("\n>>\nendobj\n")
	n := len(o.offsets)
	o.begin(n)
	o.write(b.Bytes())
	return n
}

// writeMetadata writes the XMP packet PDF/A requires: the same title,
// author, subject, keywords, tools and dates as the information
// dictionary, and the PDF/A part and conformance.
func (o *pdfOut) writeMetadata(in pdfInfo) int {
	var x strings.Builder
	x.WriteString("<?xpacket begin=\"\xef\xbb\xbf\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n" +
		"<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n" +
		"<rdf:Description rdf:about=\"\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\" " +
		"xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\" xmlns:pdfaid=\"http://www.aiim.org/pdfa/ns/id/\">\n" +
		"<pdfaid:part>2</pdfaid:part>\n<pdfaid:conformance>B</pdfaid:conformance>\n")
	x.WriteString("<dc:format>application/pdf</dc:format>\n")
	x.WriteString("<dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">" + xmlText(in.title) + "</rdf:li></rdf:Alt></dc:title>\n")
	if in.author != "" {
		x.WriteString("<dc:creator><rdf:Seq><rdf:li>" + xmlText(in.author) + "</rdf:li></rdf:Seq></dc:creator>\n")
	}
	if in.subject != "" {
		x.WriteString("<dc:description><rdf:Alt><rdf:li xml:lang=\"x-default\">" + xmlText(in.subject) + "</rdf:li></rdf:Alt></dc:description>\n")
	}
	x.WriteString("<dc:language><rdf:Bag><rdf:li>" + pdfLang + "</rdf:li></rdf:Bag></dc:language>\n")
	if in.keywords != "" {
		x.WriteString("<pdf:Keywords>" + xmlText(in.keywords) + "</pdf:Keywords>\n")
	}
	x.WriteString("<pdf:Producer>" + pdfProducer + "</pdf:Producer>\n<xmp:CreatorTool>" + xmlText(in.creator) + "</xmp:CreatorTool>\n")
	if !in.created.IsZero() {
		d := in.created.UTC().Format("2006-01-02T15:04:05Z")
		x.WriteString("<xmp:CreateDate>" + d + "</xmp:CreateDate>\n<xmp:ModifyDate>" + d + "</xmp:ModifyDate>\n")
	}
	x.WriteString("</rdf:Description>\n</rdf:RDF>\n</x:xmpmeta>\n<?xpacket end=\"w\"?>")
	n := len(o.offsets)
	o.begin(n)
	o.writeString("\n<</Type /Metadata /Subtype /XML /Length " + strconv.Itoa(x.Len()) + ">>\nstream\n")
	o.writeString(x.String())
	o.writeString("\nendstream\nendobj\n")
	return n
}

// writeOutputIntent writes the sRGB profile and the PDF/A output intent
// that refers to it, and returns the intent's number.
func (o *pdfOut) writeOutputIntent() int {
	icc := srgbProfile()
	prof := len(o.offsets)
	o.begin(prof)
	data := o.deflate(icc)
	o.writeString("\n<</N 3 /Filter /FlateDecode /Length " + strconv.Itoa(len(data)) + ">>\nstream\n")
	o.write(data)
	o.writeString("\nendstream\nendobj\n")
	n := len(o.offsets)
	o.begin(n)
	o.writeString("\n<</Type /OutputIntent /S /GTS_PDFA1 /OutputConditionIdentifier (sRGB IEC61966-2.1) " +
		"/Info (sRGB IEC61966-2.1) /DestOutputProfile " + strconv.Itoa(prof) + " 0 R>>\nendobj\n")
	return n
}

// pdfFileID is the trailer's /ID, which PDF/A requires: derived from the
// document's information, so the same document gives the same bytes.
func pdfFileID(in pdfInfo) string {
	h := sha256.Sum256([]byte(in.title + "\x00" + in.author + "\x00" + in.subject + "\x00" + in.keywords + "\x00" + in.created.UTC().Format(time.RFC3339)))
	id := "<" + hex.EncodeToString(h[:16]) + ">"
	return "[" + id + " " + id + "]"
}

// tagCur is the current element (-1 when not tagging).
func (p *pdfWriter) tagCur() int {
	if p.tags == nil {
		return -1
	}
	return p.tags.cur
}

// tagAdd adds an element of type typ under parent and returns it.
func (p *pdfWriter) tagAdd(typ string, parent int) int {
	if p.tags == nil {
		return -1
	}
	return p.tags.add(typ, "", parent)
}

// tagSet makes element i the current one.
func (p *pdfWriter) tagSet(i int) {
	if p.tags != nil {
		p.tags.cur = i
	}
}
