package piaoparse

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"

	"github.com/piao-performance/piao/internal/plan"
)

// normCode turns "1 . 1", "O.1" or "1,1" into "1.1".
func normCode(s string) string {
	s = strings.NewReplacer(" ", "", ",", ".", "O", "0", "o", "0").Replace(s)
	parts := strings.Split(s, ".")
	for i, x := range parts {
		if n, err := strconv.Atoi(x); err == nil {
			parts[i] = strconv.Itoa(n)
		}
	}
	return strings.Join(parts, ".")
}

// kpiCode normalises a KPI code: letters written as look-alike digits in the
// prefix ("0C_001.02", "05_001.01") become letters.
func kpiCode(s string) string {
	i := strings.IndexByte(s, '_')
	if i < 0 {
		return s
	}
	prefix := strings.NewReplacer("0", "O", "5", "S", "1", "I").Replace(s[:i])
	return strings.ToUpper(prefix) + s[i:]
}

func (p *parser) uniqueCode(n int, code, text string) string {
	p.codes[code]++
	if c := p.codes[code]; c > 1 {
		alt := fmt.Sprintf("%s-%d", code, c)
		p.problem(Problem{Line: n, Kind: "repeated_code", Objective: alt, Text: text,
			Chosen: fmt.Sprintf("codice %s già usato: assegnato %s", code, alt)})
		return alt
	}
	return code
}

func (p *parser) newObjective(n int, kind, code, codeText, title string) {
	p.closeObjective()
	o := &plan.Objective{Code: p.uniqueCode(n, code, codeText), CodeText: codeText, Kind: kind, Title: title,
		SourceLine: n, Indicators: []plan.Indicator{}}
	switch kind {
	case plan.KindStrategic:
		o.Area = p.area
		if i := strings.IndexByte(code, '.'); i > 0 {
			if a, err := strconv.Atoi(code[:i]); err == nil && a != p.area && p.area != 0 {
				p.problem(Problem{Line: n, Kind: "inconsistency", Objective: o.Code, Text: codeText,
					Chosen: fmt.Sprintf("ambito %d dal titolo della sezione", p.area)})
			}
		}
		o.Group = p.group
	case plan.KindCommon:
		o.Area = p.area
		o.Parent = strings.TrimPrefix(code, "C.")
	case plan.KindOperational:
		o.Area = p.area
	case plan.KindOrganisational, plan.KindTransversal, plan.KindExtraordinary:
		o.Group = p.group
	}
	p.obj = o
	p.tab = nil
	p.field = nil
	p.lastField = &o.Title
}

// operative handles an "Obiettivo operativo" row: the code comes from the
// label printed above it, the kind from the section and the label.
func (p *parser) operative(n int, num, title string) {
	label, labelLine := p.label, p.labelLn
	p.label = ""
	parentRow, parentLine := p.parentRow, p.parentLine
	p.parentRow = ""
	if label == "" {
		label = num
		labelLine = n
	}
	switch {
	case p.mode == modeOrganisational:
		if p.poGroupN != p.group || p.poGroup == 0 {
			p.poGroup++
			p.poGroupN = p.group
			p.poIndex = 0
		}
		p.poIndex++
		p.newObjective(n, plan.KindOrganisational, fmt.Sprintf("PO.%d.%d", p.poGroup, p.poIndex), label, title)
	case reOpCode.MatchString(label):
		m := reOpCode.FindStringSubmatch(label)
		code := fmt.Sprintf("O.%s.%s.%s", trimZero(m[1]), trimZero(m[2]), trimZero(m[3]))
		p.newObjective(n, plan.KindOperational, code, label, title)
		p.obj.SourceLine = labelLine
		parent := trimZero(m[1]) + "." + trimZero(m[2])
		p.obj.Parent = parent
		if a, err := strconv.Atoi(trimZero(m[1])); err == nil {
			if p.area != 0 && a != p.area {
				p.problem(Problem{Line: labelLine, Kind: "inconsistency", Objective: code, Text: label,
					Chosen: fmt.Sprintf("ambito %d dal codice (la sezione indica %d)", a, p.area)})
			}
			p.obj.Area = a
		}
		if strings.HasPrefix(label, "0") {
			p.problem(Problem{Line: labelLine, Kind: "typo", Objective: code, Text: label,
				Chosen: "cifra 0 letta come lettera O: " + code})
		}
		if parentRow != "" && parentRow != parent {
			p.obj.ParentText = "Obiettivo strategico " + parentRow
			p.problem(Problem{Line: parentLine, Kind: "wrong_parent", Objective: code, Text: "Obiettivo strategico " + parentRow,
				Chosen: "obiettivo strategico " + parent + " dal codice dell'obiettivo operativo"})
		}
	case reExtra.MatchString(label):
		m := reExtra.FindStringSubmatch(label)
		p.newObjective(n, plan.KindExtraordinary, "OT_"+trimZero(m[1]), label, title)
		p.obj.SourceLine = labelLine
	default:
		p.trCount++
		p.newObjective(n, plan.KindTransversal, fmt.Sprintf("TR.%d", p.trCount), label, title)
		if labelLine != n {
			p.obj.SourceLine = labelLine
		}
	}
}

func trimZero(s string) string {
	if n, err := strconv.Atoi(s); err == nil {
		return strconv.Itoa(n)
	}
	return s
}

// fieldRow fills an objective's descriptive field.
func (p *parser) fieldRow(n int, ne []string, first string) bool {
	if p.obj == nil {
		return false
	}
	var dst *string
	label := first
	switch {
	case strings.HasPrefix(label, "descrizione"):
		dst = &p.obj.Description
	case strings.HasPrefix(label, "programma"):
		dst = &p.obj.Programme
	case strings.HasPrefix(label, "a chi"), strings.HasPrefix(label, "stakeholder"):
		dst = &p.obj.Stakeholders
	case strings.HasPrefix(label, "dirigente responsabile"), strings.HasPrefix(label, "responsabile"):
		dst = &p.obj.OwnerText
	case strings.HasPrefix(label, "unità organizzative"), strings.HasPrefix(label, "unita organizzative"):
		dst = &p.obj.UnitsText
	case strings.HasPrefix(label, "soggetti esterni"):
		dst = &p.obj.ExternalParties
	case strings.HasPrefix(label, "risorse economiche"):
		dst = &p.obj.Resources
	default:
		return false
	}
	p.tab = nil
	value := joinText(ne[1:])
	if len(ne) == 1 {
		// "Descrizione Le priorità…" in one cell, or the value on the next line.
		if i := strings.IndexByte(ne[0], ' '); i > 0 && !knownLabelOnly(first) {
			value = strings.TrimSpace(ne[0][i:])
		}
	}
	if *dst == "" {
		*dst = value
		p.lastField = dst
	}
	p.field = nil
	if value == "" {
		p.field = dst
	}
	return true
}

func knownLabelOnly(first string) bool {
	for _, l := range []string{"descrizione", "programma (d.m. 27/03/2013)", "a chi è rivolto (stakeholders)", "stakeholder",
		"dirigente responsabile", "unità organizzative coinvolte", "soggetti esterni coinvolti", "risorse economiche"} {
		if first == l {
			return true
		}
	}
	return false
}

// single handles a one-cell line: a code label, a footnote, a sub-heading or
// a field value printed under its label.
func (p *parser) single(n int, text string, tabbed bool) {
	t := strings.TrimSpace(text)
	switch {
	case strings.HasPrefix(t, "*"):
		p.tab = nil
		if p.obj != nil && p.obj.Footnote == "" {
			p.obj.Footnote = t
		}
		return
	case p.field != nil:
		*p.field = t
		p.field = nil
		return
	case reLabel.MatchString(t) && len(t) <= 80:
		p.closeObjective()
		p.label, p.labelLn = t, n
		return
	}
	if p.tab != nil && p.lastRow != nil && !p.tab.pending && (!p.blank || tabbed || startsLower(t)) {
		// A wrapped indicator name on its own line; converters sometimes
		// repeat the wrapped tail of a cell.
		if !strings.HasSuffix(p.lastRow.Name, t) {
			p.lastRow.Name = strings.TrimSpace(p.lastRow.Name + " " + t)
		}
		return
	}
	// A sub-heading groups what follows.
	p.closeObjective()
	p.group = t
}

func (p *parser) closeObjective() {
	if p.obj == nil {
		return
	}
	o := *p.obj
	p.obj, p.tab, p.lastRow, p.field = nil, nil, nil, nil
	for i := range o.Indicators {
		o.Indicators[i].Key = fmt.Sprintf("%s/%d", o.Code, i+1)
		finishIndicator(&o.Indicators[i])
	}
	p.res.Doc.Objectives = append(p.res.Doc.Objectives, o)
}

// header starts a KPI table from its header row.
func (p *parser) header(n int, ne []string) {
	t := &table{headerLine: n}
	for _, c := range ne {
		l := lower(c)
		switch {
		case strings.HasPrefix(l, "indicatore"):
			t.labels = append(t.labels, "name")
		case strings.HasPrefix(l, "algoritmo"):
			t.labels = append(t.labels, "algorithm")
		case strings.HasPrefix(l, "fonte"):
			t.labels = append(t.labels, "source")
		case strings.HasPrefix(l, "base"):
			col := column{baseline: true}
			if m := reYear.FindStringSubmatch(c); m != nil {
				col.year, _ = strconv.Atoi(m[1])
			}
			t.cols = append(t.cols, col)
		case strings.HasPrefix(l, "target"):
			col := column{}
			if m := reYear.FindStringSubmatch(c); m != nil {
				col.year, _ = strconv.Atoi(m[1])
			}
			t.cols = append(t.cols, col)
		case len(t.cols) > 0 && reYear.MatchString(c):
			// a further year under "Target" (a year row joined to the header)
			col := column{}
			col.year, _ = strconv.Atoi(reYear.FindStringSubmatch(c)[1])
			t.cols = append(t.cols, col)
		}
	}
	t.pending = len(t.cols) == 0 || t.cols[len(t.cols)-1].year == 0
	if !t.pending {
		nb := 0
		for _, c := range t.cols {
			if c.baseline {
				nb++
			}
		}
		p.fixYears(n, t.cols, nb, ne)
	}
	if p.mode == modeIndividual {
		t.individual = true
	}
	p.tab, p.lastRow, p.field = t, nil, nil
}

// headerMore reads a header split over two lines ("Target" above, "Baseline"
// below): baselines come before targets.
func (p *parser) headerMore(ne []string) bool {
	var base, tgt int
	for _, c := range ne {
		switch l := lower(c); {
		case strings.HasPrefix(l, "base"):
			base++
		case strings.HasPrefix(l, "target"):
			tgt++
		default:
			return false
		}
	}
	cols := make([]column, 0, len(p.tab.cols)+base+tgt)
	for range base {
		cols = append(cols, column{baseline: true})
	}
	cols = append(cols, p.tab.cols...)
	for range tgt {
		cols = append(cols, column{})
	}
	p.tab.cols = cols
	return true
}

// yearRow reads the years under "Baseline" and "Target": the first columns
// are the baselines the header counted, the rest are targets.
func (p *parser) yearRow(n int, ne []string) bool {
	var years []int
	for _, c := range ne {
		for _, m := range reYear.FindAllStringSubmatch(c, -1) {
			y, _ := strconv.Atoi(m[1])
			years = append(years, y)
		}
	}
	if len(years) == 0 {
		return false
	}
	t := p.tab
	nb := 0
	for _, c := range t.cols {
		if c.baseline {
			nb++
		}
	}
	cols := make([]column, 0, len(years))
	for i, y := range years {
		cols = append(cols, column{baseline: i < nb, year: y})
	}
	p.fixYears(n, cols, nb, ne)
	t.cols = cols
	t.pending = false
	return true
}

var unitHints = []struct{ word, unit string }{{"giorni", plan.UnitDays}, {"gg", plan.UnitDays}}

// row reads a KPI row. Value cells are aligned from the right, so cells lost
// by re-flowing do not shift the values; a row with no values continues the
// one before it (a wrapped cell).
func (p *parser) row(n int, cs []string) {
	if p.obj == nil {
		return
	}
	t := p.tab
	nv := len(t.cols)
	ne := nonEmpty(cs)
	if len(ne) <= len(t.labels) && p.lastRow != nil && !looksValue(ne[len(ne)-1]) {
		// continuation of a wrapped row
		texts := cs
		if len(nonEmpty(cs)) < len(cs) && len(cs) <= len(t.labels) {
			texts = cs
		} else {
			texts = ne
		}
		for i, c := range texts {
			if c == "" || i >= len(t.labels) {
				continue
			}
			appendField(p.lastRow, t.labels[i], c)
		}
		return
	}
	if len(ne) < nv+1 {
		code := p.obj.Code
		p.problem(Problem{Line: n, Kind: "ambiguous", Objective: code, Text: strings.Join(ne, " | "),
			Chosen: "riga con meno celle delle colonne: valori allineati a destra", Unresolved: true})
	}
	k := len(ne) - nv
	if k < 1 {
		k = 1
	}
	texts, values := ne[:k], ne[k:]
	var blanks []bool // value cells left empty, known when the cells are positional
	if len(cs) == len(t.labels)+nv && cs[0] != "" {
		// tab-separated: every cell in its place, empty ones included
		texts, values = cs[:len(t.labels)], cs[len(t.labels):]
		blanks = make([]bool, nv)
		for i, v := range values {
			blanks[i] = v == ""
		}
	}
	ind := plan.Indicator{Formula: plan.FormulaDirect}
	if len(texts) > len(t.labels) {
		// more text cells than labels: the extra cells belong to the last label
		extra := strings.Join(texts[len(t.labels)-1:], " ")
		texts = append(texts[:len(t.labels)-1:len(t.labels)-1], extra)
	}
	for i, c := range texts {
		if c != "" {
			appendField(&ind, t.labels[i], c)
		}
	}
	if m := reKPI.FindStringSubmatch(ind.Name); m != nil {
		ind.CodeText = "KPI " + m[1]
		ind.Code = kpiCode(m[1])
		ind.Name = strings.TrimSpace(m[2])
	}
	key := fmt.Sprintf("%s/%d", p.obj.Code, len(p.obj.Indicators)+1)
	off := nv - len(values)
	for i, v := range values {
		if blanks != nil && blanks[i] {
			continue
		}
		col := t.cols[i+off]
		if col.baseline {
			b, pr := parseBaseline(v)
			b.Year = col.year
			ind.Baselines = append(ind.Baselines, b)
			if pr != "" {
				p.problem(Problem{Line: n, Kind: "text_baseline", Objective: p.obj.Code, Indicator: key, Text: v, Chosen: pr})
			}
			continue
		}
		tg, pr := parseTarget(v)
		tg.Year = col.year
		ind.Targets = append(ind.Targets, tg)
		if pr != "" {
			p.problem(Problem{Line: n, Kind: "bare_number_target", Objective: p.obj.Code, Indicator: key, Text: v, Chosen: pr})
		}
	}
	p.obj.Indicators = append(p.obj.Indicators, ind)
	p.lastRow = &p.obj.Indicators[len(p.obj.Indicators)-1]
}

func appendField(ind *plan.Indicator, label, c string) {
	var dst *string
	switch label {
	case "name":
		dst = &ind.Name
	case "algorithm":
		dst = &ind.Algorithm
	case "source":
		dst = &ind.Source
	default:
		return
	}
	*dst = strings.TrimSpace(*dst + " " + c)
}

func looksValue(s string) bool {
	_, _, ok := number(s)
	l := lower(s)
	return ok || l == "si" || l == "no" || l == "n.d." || l == "n.d" || l == "zero"
}

// number reads "61,24%", ">= 5", "4*", "1.234,5": operator, value, ok.
func number(s string) (string, float64, bool) {
	t := strings.TrimSpace(s)
	op := ""
	for _, o := range []string{">=", "<=", "> =", "< =", "=>", "=<", "=", ">", "<"} {
		if strings.HasPrefix(t, o) {
			op = map[string]string{">=": ">=", "<=": "<=", "> =": ">=", "< =": "<=", "=>": ">=", "=<": "<=", "=": "=", ">": ">=", "<": "<="}[o]
			t = strings.TrimSpace(t[len(o):])
			break
		}
	}
	t = strings.TrimRight(t, "*. ")
	t = strings.TrimSpace(strings.TrimSuffix(t, "%"))
	t = strings.TrimSpace(strings.TrimSuffix(t, "€"))
	t = strings.TrimRight(t, "*")
	if strings.EqualFold(t, "zero") {
		return op, 0, true
	}
	if !reNumber.MatchString(t) {
		return op, 0, false
	}
	if strings.Contains(t, ",") {
		t = strings.ReplaceAll(t, ".", "")
		t = strings.ReplaceAll(t, ",", ".")
	} else if strings.Count(t, ".") == 1 && len(t)-strings.IndexByte(t, '.') == 4 && !strings.HasPrefix(t, "0.") {
		// "1.234": a thousands separator
		t = strings.ReplaceAll(t, ".", "")
	}
	v, err := strconv.ParseFloat(t, 64)
	if err != nil || math.IsNaN(v) {
		return op, 0, false
	}
	return op, v, true
}

func yesNo(s string) bool {
	l := strings.TrimRight(lower(s), ".*")
	return l == "si" || l == "sì"
}

func parseBaseline(s string) (plan.Baseline, string) {
	b := plan.Baseline{Text: s}
	if yesNo(s) {
		v := 1.0
		b.Value = &v
		return b, ""
	}
	if strings.TrimRight(lower(s), ".*") == "no" {
		v := 0.0
		b.Value = &v
		return b, ""
	}
	_, v, ok := number(s)
	if !ok {
		return b, "valore di partenza testuale: nessun numero"
	}
	b.Value = &v
	return b, ""
}

func parseTarget(s string) (plan.Target, string) {
	t := plan.Target{Text: s}
	if yesNo(s) {
		v := 1.0
		t.Operator, t.Value = plan.OpYes, &v
		return t, ""
	}
	op, v, ok := number(s)
	if !ok {
		t.Operator = plan.OpEQ
		return t, "obiettivo testuale: nessun numero, da rivedere"
	}
	t.Value = &v
	t.Operator = op
	if op == "" {
		if v == 0 {
			t.Operator = plan.OpLTE
		} else {
			t.Operator = plan.OpGTE
		}
		return t, "numero senza operatore: letto come " + t.Operator
	}
	return t, ""
}

// finishIndicator derives the unit and polarity from the targets.
func finishIndicator(ind *plan.Indicator) {
	ind.Unit = plan.UnitCount
	pct, yes, euro, frac, small := false, false, false, false, false
	for _, t := range ind.Targets {
		if strings.Contains(t.Text, "%") {
			pct = true
		}
		if strings.Contains(t.Text, "€") || strings.Contains(lower(t.Text), "euro") {
			euro = true
		}
		if t.Value != nil && *t.Value != math.Trunc(*t.Value) {
			frac = true
		}
		if t.Value != nil && *t.Value > 0 && *t.Value <= 2 {
			small = true
		}
		if t.Operator == plan.OpYes {
			yes = true
		}
	}
	text := lower(ind.Name + " " + ind.Algorithm)
	switch {
	case yes:
		ind.Unit = plan.UnitYesNo
	case pct:
		ind.Unit = plan.UnitPercent
	case euro:
		ind.Unit = plan.UnitEuro
	case strings.Contains(ind.Algorithm, "/") && !strings.Contains(ind.Algorithm, "100") && (frac || strings.Contains(text, "precedente") || small && strings.Contains(ind.Algorithm, " / ")):
		ind.Unit = plan.UnitRatio
	default:
		for _, h := range unitHints {
			if strings.Contains(" "+text+" ", " "+h.word+" ") {
				ind.Unit = h.unit
			}
		}
	}
	ind.Polarity = plan.PolarityHigher
	if len(ind.Targets) > 0 {
		switch ind.Targets[0].Operator {
		case plan.OpLTE:
			ind.Polarity = plan.PolarityLower
		case plan.OpEQ:
			ind.Polarity = plan.PolarityExact
		}
	}
	if ind.Baselines == nil {
		ind.Baselines = nil
	}
}

// fixYears handles the same target year printed twice: the later columns
// follow on, one year each.
func (p *parser) fixYears(n int, cols []column, nb int, ne []string) {
	for i := nb + 1; i < len(cols); i++ {
		if cols[i].year <= cols[i-1].year {
			fixed := cols[i-1].year + 1
			code := ""
			if p.obj != nil {
				code = p.obj.Code
			}
			p.problem(Problem{Line: n, Kind: "repeated_year_header", Objective: code,
				Text: strings.Join(ne, " | "), Chosen: fmt.Sprintf("colonna %d letta come anno %d", i+1, fixed)})
			cols[i].year = fixed
		}
	}
}

// startsLower: a line starting with a small letter continues a sentence.
func startsLower(s string) bool {
	for _, r := range s {
		return unicode.IsLower(r)
	}
	return false
}
