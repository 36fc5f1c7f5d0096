// Package piaoparse reads the performance section of a published PIAO (as
// plain text extracted from PDF or DOCX) and rebuilds a plan document in the
// format of `piao export`. It is driven by the document's own headings and
// table headers and tolerant of extraction artefacts: tabs or runs of spaces
// between cells, wrapped cells, repeated headers and years, letter O written
// as digit 0, glued operators, comma decimals, text baselines and footnote
// markers. Every guess is reported as a Problem and as a data-quality note.
package piaoparse

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/piao-performance/piao/internal/plan"
)

// Options fill the plan header, which a published document rarely states in
// a machine-readable way.
type Options struct {
	Ente      string // ente slug
	Plan      string // plan slug
	Title     string
	StartYear int
	EndYear   int
}

// Problem is one uncertainty met while parsing: where, what, what was chosen.
type Problem struct {
	Line       int
	Kind       string // a plan.QualityNote kind
	Objective  string
	Indicator  string
	Text       string // the source text
	Chosen     string // the interpretation chosen
	Unresolved bool   // nothing could be chosen; the cell needs review
}

func (p Problem) String() string {
	return fmt.Sprintf("riga %d: %s: %q → %s", p.Line, p.Kind, p.Text, p.Chosen)
}

// Result is a parsed document with its problems and the source line of every
// recognised cell, for the review page.
type Result struct {
	Doc      *plan.Document
	Problems []Problem
}

// Found reports whether anything was recognised.
func (r *Result) Found() bool {
	return len(r.Doc.Objectives) > 0 || len(r.Doc.Areas) > 0 || len(r.Doc.Individual) > 0
}

type mode int

const (
	modeStrategic mode = iota
	modeOperational
	modeOrganisational
	modeIndividual
)

type column struct {
	baseline bool
	year     int
}

type table struct {
	labels     []string // indicator, algorithm, source, in order
	cols       []column
	individual bool
	pending    bool // header seen, year row still expected
	headerLine int
}

type parser struct {
	opt         Options
	res         *Result
	mode        mode
	area        int
	label       string // pending code label ("O 1.1.1", "OT_1", "SG1")
	labelLn     int
	group       string
	poGroup     int
	poGroupN    string
	poIndex     int
	trCount     int
	obj         *plan.Objective
	ind         *plan.Individual
	role        string
	tab         *table
	lastRow     *plan.Indicator
	lastIRow    *plan.IndividualIndicator
	field       *string // a field whose value is on the next line
	pendingKind string  // "Obiettivo strategico/Comuni" without its code: the code starts the next line
	codes       map[string]int
	// parentRow is the "Obiettivo strategico" row above an operational objective.
	blank      bool // the line before was empty
	lastField  *string
	parentRow  string
	parentLine int
}

// Parse reads the text of a PIAO's performance section.
func Parse(text string, opt Options) *Result {
	doc := &plan.Document{
		Ente: plan.Ente{Slug: opt.Ente, Name: opt.Ente, ShortName: opt.Ente},
		Plan: plan.Info{Slug: opt.Plan, Title: opt.Title, StartYear: opt.StartYear, EndYear: opt.EndYear,
			Revision: plan.Revision{Label: "Letto dal documento pubblicato"}},
		Units:       []plan.Unit{},
		Roles:       []plan.Role{},
		Areas:       []plan.Area{},
		Objectives:  []plan.Objective{},
		Individual:  []plan.Individual{},
		Notes:       []plan.QualityNote{},
		SourceTitle: opt.Title,
	}
	p := &parser{opt: opt, res: &Result{Doc: doc}, codes: map[string]int{}}
	if !strings.Contains(text, "\t") {
		text = delayout(text)
	}
	lines := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	for i, raw := range lines {
		p.line(i+1, raw)
	}
	p.closeObjective()
	p.closeIndividual()
	p.finish()
	p.years()
	return p.res
}

var (
	reTag       = regexp.MustCompile(`</?(?:p|i|b|em|strong|u|span|br)\s*/?>`)
	reCellSplit = regexp.MustCompile(`\t| {2,}|\s\|\s`)
	reSeparator = regexp.MustCompile(`^[\s\-–—_=|+:]*$`)
	reArea      = regexp.MustCompile(`(?i)^ambito\s+strategico\s*(\d+)\s*[:.\-–]?\s*(.*)$`)
	reStrategic = regexp.MustCompile(`(?i)^obiettivo\s+strategico\s*([0-9O]+\s*[.,]\s*[0-9O]+)?\s*(.*)$`)
	reCommon    = regexp.MustCompile(`(?i)^obiettiv[oi]\s+comun[ei]\s*(\d+\s*\.\s*\d+)?\s*(.*)$`)
	reOperative = regexp.MustCompile(`(?i)^obiettivo\s+operativo\s*([\d.]*)\s*(.*)$`)
	reIndivid   = regexp.MustCompile(`(?i)^obiettivo\s+individuale\s*(.*)$`)
	reOpCode    = regexp.MustCompile(`^[O0o]\s*[._ ]?\s*(\d+)\s*\.\s*(\d+)\s*\.\s*(\d+)\b`)
	reExtra     = regexp.MustCompile(`^OT[_ ]?(\d+)$`)
	reLabel     = regexp.MustCompile(`^([A-Z0-9][A-Z0-9_.]*\d[A-Z0-9_.]*|[O0]\s\d+(?:\.\d+)+)(?:\s*[-–]\s*.*)?$`)
	reYear      = regexp.MustCompile(`\b(20\d\d)\b`)
	reKPI       = regexp.MustCompile(`^(?i:kpi)\s+([A-Z0-9]{1,3}_\d+(?:\.\d+)?)\s*(.*)$`)
	reLeadCode  = regexp.MustCompile(`^(\d+)\s*\.\s*(\d+)\s+(.*)$`)
	reNumber    = regexp.MustCompile(`^-?\d{1,3}(?:\.\d{3})*(?:,\d+)?$|^-?\d+(?:[.,]\d+)?$`)
	reSpaces    = regexp.MustCompile(`\s+`)
)

// clean removes markup left by converters and normalises typographic operators.
func clean(s string) string {
	s = reTag.ReplaceAllString(s, "")
	r := strings.NewReplacer("$\\geq", ">=", "$\\leq", "<=", "\\geq", ">=", "\\leq", "<=", "\\%", "%", "$", "",
		"≥", ">=", "≤", "<=", "\u2212", "-", "\u00a0", " ", "\u2009", " ")
	return r.Replace(s)
}

func cells(s string) []string {
	parts := reCellSplit.Split(s, -1)
	out := make([]string, 0, len(parts))
	for _, c := range parts {
		out = append(out, strings.TrimSpace(c))
	}
	for len(out) > 0 && out[len(out)-1] == "" {
		out = out[:len(out)-1]
	}
	return out
}

func nonEmpty(cs []string) []string {
	var out []string
	for _, c := range cs {
		if c != "" {
			out = append(out, c)
		}
	}
	return out
}

func joinText(cs []string) string {
	return strings.TrimSpace(reSpaces.ReplaceAllString(strings.Join(nonEmpty(cs), " "), " "))
}

func lower(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

func (p *parser) problem(pr Problem) {
	p.res.Problems = append(p.res.Problems, pr)
	p.res.Doc.Notes = append(p.res.Doc.Notes, plan.QualityNote{
		Kind: pr.Kind, Objective: pr.Objective, Indicator: pr.Indicator, SourceLine: pr.Line,
		SourceText: pr.Text, Interpretation: pr.Chosen,
	})
}

func (p *parser) line(n int, raw string) {
	s := clean(raw)
	trimmed := strings.TrimSpace(s)
	if trimmed == "" {
		p.blank = true
		return
	}
	defer func() { p.blank = false }()
	if reSeparator.MatchString(trimmed) {
		return
	}
	cs := cells(s)
	ne := nonEmpty(cs)
	first := lower(ne[0])
	oneCell := len(ne) == 1

	// Section headings switch the mode.
	if oneCell {
		switch {
		case strings.Contains(first, "performance individuale"):
			p.closeObjective()
			p.mode, p.tab, p.group = modeIndividual, nil, ""
			return
		case strings.Contains(first, "performance operativa"):
			p.closeObjective()
			p.mode, p.tab = modeOperational, nil
			return
		case strings.Contains(first, "performance organizzativa") && p.mode != modeIndividual:
			p.closeObjective()
			p.mode, p.tab = modeOrganisational, nil
			return
		}
	}
	if m := reArea.FindStringSubmatch(joinText(ne)); m != nil {
		p.closeObjective()
		p.tab = nil
		num, _ := strconv.Atoi(m[1])
		p.area = num
		if !p.hasArea(num) {
			p.res.Doc.Areas = append(p.res.Doc.Areas, plan.Area{Number: num, Title: strings.TrimSpace(m[2])})
		}
		return
	}
	if p.mode == modeIndividual {
		p.individualLine(n, cs, ne, first, oneCell)
		return
	}
	// Table header.
	if strings.HasPrefix(first, "indicatore") && containsPrefix(ne, "algoritmo") {
		p.header(n, ne)
		return
	}
	if (first == "indicatore" || first == "indicatori") && (containsPrefix(ne, "target") || containsPrefix(ne, "baseline")) {
		code := ""
		if p.obj != nil {
			code = p.obj.Code
		} else if k := len(p.res.Doc.Objectives); k > 0 {
			code = p.res.Doc.Objectives[k-1].Code
		}
		p.tab = nil
		p.problem(Problem{Line: n, Kind: "ambiguous", Objective: code, Text: strings.Join(ne, " | "),
			Chosen: "tabella di indicatori senza colonna Algoritmo: non letta, da inserire a mano", Unresolved: true})
		return
	}
	if p.tab != nil && p.tab.pending && reYear.MatchString(trimmed) && p.yearRow(n, ne) {
		return
	}
	if p.tab != nil && p.tab.pending && p.headerMore(ne) {
		return
	}
	if p.pendingKind != "" {
		kind := p.pendingKind
		p.pendingKind = ""
		if m := reLeadCode.FindStringSubmatch(joinText(ne)); m != nil {
			p.codeless(n, kind, m[1]+"."+m[2], m[3])
			return
		}
	}
	// Objective rows.
	if m := reStrategic.FindStringSubmatch(first); m != nil {
		code := normCode(m[1])
		title := strings.TrimSpace(joinText(append([]string{strings.TrimSpace(ne[0][len(ne[0])-len(m[2]):])}, ne[1:]...)))
		if p.mode == modeStrategic && code == "" {
			p.codeless(n, plan.KindStrategic, "", title)
			return
		}
		if p.mode == modeStrategic {
			p.newObjective(n, plan.KindStrategic, code, strings.TrimSpace(strings.TrimSuffix(ne[0], m[2])), title)
			return
		}
		p.closeObjective()
		p.parentRow, p.parentLine = code, n
		return
	}
	if m := reCommon.FindStringSubmatch(first); m != nil && p.mode == modeStrategic {
		if m[1] == "" && len(ne) == 1 && strings.HasPrefix(first, "obiettivi") {
			p.tab = nil
			return // the sub-heading "Obiettivi comuni"
		}
		code := strings.ReplaceAll(m[1], " ", "")
		title := joinText(append([]string{strings.TrimSpace(ne[0][len(ne[0])-len(m[2]):])}, ne[1:]...))
		if code == "" {
			p.codeless(n, plan.KindCommon, "", title)
			return
		}
		p.newObjective(n, plan.KindCommon, "C."+code, strings.TrimSpace(strings.TrimSuffix(ne[0], m[2])), title)
		return
	}
	if m := reOperative.FindStringSubmatch(first); m != nil && p.mode != modeStrategic {
		title := joinText(append([]string{strings.TrimSpace(ne[0][len(ne[0])-len(m[2]):])}, ne[1:]...))
		p.operative(n, strings.TrimSpace(m[1]), title)
		return
	}
	if p.fieldRow(n, ne, first) {
		return
	}
	if oneCell && cs[0] == "" && p.obj != nil && p.tab == nil && p.lastField != nil {
		// an indented line continues the field above (a wrapped cell)
		*p.lastField = strings.TrimSpace(*p.lastField + " " + ne[0])
		return
	}
	if oneCell {
		p.single(n, ne[0], strings.Contains(s, "\t"))
		return
	}
	if p.tab != nil && !p.tab.individual {
		p.row(n, cs)
	}
}

func containsPrefix(cs []string, prefix string) bool {
	for _, c := range cs[1:] {
		if strings.HasPrefix(lower(c), prefix) {
			return true
		}
	}
	return false
}

func (p *parser) hasArea(n int) bool {
	for _, a := range p.res.Doc.Areas {
		if a.Number == n {
			return true
		}
	}
	return false
}

// codeless handles an objective row whose code is not in its first cell:
// it begins the title ("4.1 Promuovere…") or the next line ("3.1 <tab> Title").
func (p *parser) codeless(n int, kind, code, title string) {
	if code == "" {
		m := reLeadCode.FindStringSubmatch(title)
		if m == nil {
			p.closeObjective()
			p.pendingKind = kind
			return
		}
		code, title = m[1]+"."+m[2], m[3]
	}
	if kind == plan.KindCommon {
		p.newObjective(n, kind, "C."+code, "Obiettivo Comuni "+code, title)
		return
	}
	p.newObjective(n, kind, code, "Obiettivo strategico "+code, title)
}

// years fills the plan years from the targets when the options do not give them.
func (p *parser) years() {
	info := &p.res.Doc.Plan
	if info.StartYear != 0 {
		return
	}
	for _, o := range p.res.Doc.Objectives {
		for _, ind := range o.Indicators {
			for _, t := range ind.Targets {
				if info.StartYear == 0 || t.Year < info.StartYear {
					info.StartYear = t.Year
				}
				info.EndYear = max(info.EndYear, t.Year)
			}
		}
	}
	if info.Title == "" && info.StartYear != 0 {
		info.Title = fmt.Sprintf("PIAO %d–%d", info.StartYear, info.EndYear)
	}
}
