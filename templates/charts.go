package templates

// Charts: pure SVG components (data in, markup out) for achievement bars,
// an indicator over the years and the performance tree. Everything is laid
// out here in Go, in a fixed coordinate system drawn with viewBox and
// width="100%", so the pages need no script and no inline style (the
// Content-Security-Policy forbids both): colours and dashes are SVG
// presentation attributes, the rest are classes in app.css.

import (
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/a-h/templ"

	"github.com/piao-performance/piao/internal/itfmt"
	"github.com/piao-performance/piao/internal/scoring"
)

// Chart colours. Text is #1a1a1a on white; every status colour has a contrast
// of at least 4.5:1 on white, so it can colour text (icons, labels) too.
const (
	chartInk    = "#1a1a1a"
	chartMuted  = "#4f5d6b"
	chartGrid   = "#c5cdd5"
	chartLink   = "#0059b3"
	chartMet    = "#00703c"
	chartPart   = "#8a5a00"
	chartNotMet = "#b00020"
)

// BarItem is one bar: an achievement percentage (nil: no data) and its band.
type BarItem struct {
	Label  string
	URL    templ.SafeURL // optional: the bar and its table row link here
	Value  *float64      // achievement in percent; nil = no data
	Status scoring.Status
}

// BarChartData is a horizontal bar chart of achievement percentages.
type BarChartData struct {
	ID         string // unique in the page; prefixes the ids of title, desc and patterns
	Title      string // the chart's title (also the table caption)
	Desc       string // optional description; a summary is generated when empty
	ItemHeader string // table header of the labels column; "Elemento" when empty
	Items      []BarItem
	Target     float64 // vertical dashed line "target N%"; 0 = none
	Partial    float64 // vertical dashed line "soglia N%"; 0 = none
}

// LinePoint is one year's value of a series. Op is the target operator
// (">=", "<=", "=", "yes") of a target point, empty elsewhere.
type LinePoint struct {
	Year  int
	Value *float64
	Op    string
}

// LineChartData is one indicator over the years: baseline, target and actual.
type LineChartData struct {
	ID       string
	Title    string
	Desc     string // optional; a summary is generated when empty
	Unit     string // plan unit: "percent", "count", "days", "ratio", "yes_no", "score", "euro"
	FromYear int    // optional year axis range; the points' years when zero
	ToYear   int
	Baseline []LinePoint
	Target   []LinePoint
	Actual   []LinePoint
}

// TreeNode is a node of the performance tree.
type TreeNode struct {
	Code, Title string
	URL         templ.SafeURL
	Value       *float64 // achievement in percent; nil = no score
	Status      scoring.Status
	// Kind is the objective's kind (plan.Kind*) when the node is one: the
	// description counts each kind apart ("21 obiettivi operativi, 4
	// obiettivi comuni"); nodes without it are counted by level.
	Kind     string
	Children []TreeNode
}

// TreeData is the performance tree with its root (the ente).
type TreeData struct {
	ID     string
	Title  string
	Desc   string   // optional; a summary is generated when empty
	Levels []string // optional plural names of the levels below the root, for the description
	Root   TreeNode
}

// ---------------------------------------------------------------- formatting

// num formats an SVG coordinate: at most one decimal, no exponent.
func svgNum(v float64) string {
	return strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64)
}

// truncate shortens s to at most n runes, ending with an ellipsis when cut.
func truncateRunes(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if n <= 0 {
		return ""
	}
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	if n == 1 {
		return "…"
	}
	r := []rune(s)
	return strings.TrimRight(string(r[:n-1]), " ,.;:–-") + "…"
}

func chartPercent(v *float64) string {
	if v == nil {
		return "—"
	}
	return itfmt.Number(*v, 2) + "%"
}

// chartStatusColor is the colour of a band (text-safe on white).
func chartStatusColor(s scoring.Status) string {
	switch s {
	case scoring.StatusMet:
		return chartMet
	case scoring.StatusPartial:
		return chartPart
	case scoring.StatusNotMet:
		return chartNotMet
	}
	return chartMuted
}

// chartDash is the outline dash of a band: missing and not applicable are
// dashed, so they differ from the others without colour.
func chartDash(s scoring.Status) string {
	if s == scoring.StatusMissing || s == scoring.StatusNotApplicable || s == scoring.StatusNoTarget {
		return "4 3"
	}
	return ""
}

// ---------------------------------------------------------------- scales

// linearScale maps the domain [D0, D1] onto the range [R0, R1].
type linearScale struct{ D0, D1, R0, R1 float64 }

func (s linearScale) at(v float64) float64 {
	if s.D1 == s.D0 {
		return (s.R0 + s.R1) / 2
	}
	return s.R0 + (v-s.D0)/(s.D1-s.D0)*(s.R1-s.R0)
}

// niceNumber is Heckbert's: a number 1, 2, 5 or 10 × 10^k close to x;
// rounded to the nearest when round, otherwise the smallest not below x.
func niceNumber(x float64, round bool) float64 {
	if x <= 0 {
		return 1
	}
	exp := math.Floor(math.Log10(x))
	f := x / math.Pow(10, exp)
	var nf float64
	if round {
		switch {
		case f < 1.5:
			nf = 1
		case f < 3:
			nf = 2
		case f < 7:
			nf = 5
		default:
			nf = 10
		}
	} else {
		switch {
		case f <= 1:
			nf = 1
		case f <= 2:
			nf = 2
		case f <= 5:
			nf = 5
		default:
			nf = 10
		}
	}
	return nf * math.Pow(10, exp)
}

// niceTicks returns evenly spaced round ticks (step 1, 2 or 5 × 10^k) covering
// [lo, hi] — the first ≤ lo, the last ≥ hi — in at most about n intervals, and
// the number of decimals their labels need.
func niceTicks(lo, hi float64, n int) (ticks []float64, decimals int) {
	if n < 1 {
		n = 1
	}
	if lo > hi {
		lo, hi = hi, lo
	}
	if lo == hi {
		if lo == 0 {
			hi = 1
		} else {
			d := math.Abs(lo) / 2
			lo, hi = lo-d, hi+d
		}
	}
	step := niceNumber((hi-lo)/float64(n), false)
	first := math.Floor(lo/step + 1e-9)
	last := math.Ceil(hi/step - 1e-9)
	decimals = max(0, -int(math.Floor(math.Log10(step))))
	p := math.Pow(10, float64(decimals))
	for k := first; k <= last; k++ {
		v := math.Round(k*step*p) / p
		if v == 0 {
			v = 0 // no negative zero
		}
		ticks = append(ticks, v)
	}
	return ticks, decimals
}

// ---------------------------------------------------------------- bar chart

const (
	barWidth     = 800.0 // viewBox width
	barLabelEnd  = 272.0 // labels end here (text-anchor end)
	barPlotX0    = 282.0 // value 0
	barPlotX1    = 700.0 // value max; the rest is room for value text
	barTop       = 40.0  // room for the line labels
	barRowH      = 28.0  // per item
	barThickness = 16.0
	barLabelLen  = 44 // runes of a label before the ellipsis
)

// barMax is the axis maximum: max(120, largest value) rounded up to 20.
func barMax(items []BarItem) float64 {
	m := 120.0
	for _, it := range items {
		if it.Value != nil && *it.Value > m {
			m = *it.Value
		}
	}
	return math.Ceil(m/20-1e-9) * 20
}

type barTick struct {
	X     float64
	Label string
}

type barLine struct {
	X           float64
	Label       string
	Anchor      string // text-anchor of the label
	LabelX      float64
	LabelY      float64
	Dash, Color string
	Width       string
}

type barRowLayout struct {
	Item         BarItem
	Y            float64 // top of the row
	BarY         float64
	BarW         float64 // 0 when no value
	Label        string  // truncated
	ValueText    string
	TextX, TextY float64
	Fill         string
}

type barLegendEntry struct {
	X      float64
	Status scoring.Status
	Fill   string
	Dash   string
}

type barLayout struct {
	Height  float64
	AxisY   float64 // bottom of the plot
	Scale   linearScale
	Ticks   []barTick
	Lines   []barLine
	Rows    []barRowLayout
	Legend  []barLegendEntry
	LegendY float64
}

func barFill(id string, s scoring.Status) string {
	switch s {
	case scoring.StatusMet:
		return chartMet
	case scoring.StatusPartial:
		return "url(#" + id + "-partial)"
	case scoring.StatusNotMet:
		return "url(#" + id + "-notmet)"
	}
	return chartMuted
}

func layoutBars(c BarChartData) barLayout {
	mx := barMax(c.Items)
	l := barLayout{Scale: linearScale{0, mx, barPlotX0, barPlotX1}}
	l.AxisY = barTop + float64(len(c.Items))*barRowH + 4
	ticks, dec := niceTicks(0, mx, int(mx/20))
	if len(ticks) > 9 {
		ticks, dec = niceTicks(0, mx, 6)
	}
	for _, t := range ticks {
		if t <= mx+1e-9 {
			l.Ticks = append(l.Ticks, barTick{l.Scale.at(t), itfmt.Number(t, dec) + "%"})
		}
	}
	// The two reference lines: labels point away from each other.
	type ref struct {
		v           float64
		label       string
		dash, color string
		width       string
	}
	var refs []ref
	if c.Partial > 0 {
		refs = append(refs, ref{c.Partial, "soglia " + itfmt.Number(c.Partial, 2) + "%", "3 3", chartMuted, "1.5"})
	}
	if c.Target > 0 {
		refs = append(refs, ref{c.Target, "target " + itfmt.Number(c.Target, 2) + "%", "7 4", chartInk, "2"})
	}
	for i, r := range refs {
		x := l.Scale.at(math.Min(r.v, mx))
		ln := barLine{X: x, Label: r.label, Dash: r.dash, Color: r.color, Width: r.width, LabelY: barTop - 10}
		lower := len(refs) == 2 && r.v <= refs[1-i].v
		if lower {
			ln.Anchor, ln.LabelX = "end", x-4
		} else {
			ln.Anchor, ln.LabelX = "start", x+4
		}
		l.Lines = append(l.Lines, ln)
	}
	for i, it := range c.Items {
		y := barTop + float64(i)*barRowH
		r := barRowLayout{Item: it, Y: y, BarY: y + (barRowH-barThickness)/2, Label: truncateRunes(it.Label, barLabelLen), TextY: y + barRowH/2 + 4.5}
		if it.Value != nil {
			v := math.Max(0, *it.Value)
			r.BarW = l.Scale.at(v) - barPlotX0
			r.TextX = barPlotX0 + r.BarW + 6
			r.ValueText = itfmt.Number(*it.Value, 2) + "%"
			r.Fill = barFill(c.ID, it.Status)
		} else {
			r.TextX = barPlotX0 + 8
			if it.Status == scoring.StatusNotApplicable {
				r.ValueText = "non applicabile"
			} else if it.Status == scoring.StatusNoTarget {
				r.ValueText = "senza target"
			} else {
				r.ValueText = "dato mancante"
			}
		}
		l.Rows = append(l.Rows, r)
	}
	// Legend: the bands present, in a fixed order.
	l.LegendY = l.AxisY + 52
	present := map[scoring.Status]bool{}
	for _, it := range c.Items {
		s := it.Status
		if it.Value == nil && s != scoring.StatusNotApplicable && s != scoring.StatusNoTarget {
			s = scoring.StatusMissing
		}
		present[s] = true
	}
	x := 8.0
	for _, s := range []scoring.Status{scoring.StatusMet, scoring.StatusPartial, scoring.StatusNotMet, scoring.StatusNotApplicable, scoring.StatusNoTarget, scoring.StatusMissing} {
		if !present[s] {
			continue
		}
		e := barLegendEntry{X: x, Status: s, Fill: barFill(c.ID, s), Dash: chartDash(s)}
		if s == scoring.StatusMissing || s == scoring.StatusNotApplicable || s == scoring.StatusNoTarget {
			e.Fill = "none"
		}
		l.Legend = append(l.Legend, e)
		x += 22 + 18 + float64(utf8.RuneCountInString(s.Label()))*6.6 + 18
	}
	l.Height = l.LegendY + 16
	return l
}

func barDesc(c BarChartData) string {
	if c.Desc != "" {
		return c.Desc
	}
	counts := map[scoring.Status]int{}
	for _, it := range c.Items {
		s := it.Status
		if it.Value == nil && s != scoring.StatusNotApplicable && s != scoring.StatusNoTarget {
			s = scoring.StatusMissing
		}
		counts[s]++
	}
	var b strings.Builder
	b.WriteString("Barre orizzontali del grado di raggiungimento di ")
	b.WriteString(chartCount(len(c.Items), "elemento", "elementi"))
	var parts []string
	for _, s := range []scoring.Status{scoring.StatusMet, scoring.StatusPartial, scoring.StatusNotMet, scoring.StatusNotApplicable, scoring.StatusNoTarget, scoring.StatusMissing} {
		if counts[s] > 0 {
			parts = append(parts, strings.ToLower(s.Label())+" "+strconv.Itoa(counts[s]))
		}
	}
	if len(parts) > 0 {
		b.WriteString(" (" + strings.Join(parts, ", ") + ")")
	}
	b.WriteString(".")
	var lines []string
	if c.Target > 0 {
		lines = append(lines, "target "+itfmt.Number(c.Target, 2)+"%")
	}
	if c.Partial > 0 {
		lines = append(lines, "soglia di raggiungimento parziale "+itfmt.Number(c.Partial, 2)+"%")
	}
	if len(lines) > 0 {
		b.WriteString(" Linee verticali tratteggiate: " + strings.Join(lines, ", ") + ".")
	}
	b.WriteString(" I valori sono nella tabella che segue il grafico.")
	return b.String()
}

func chartCount(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

func barItemHeader(c BarChartData) string {
	if c.ItemHeader == "" {
		return "Elemento"
	}
	return c.ItemHeader
}

// barTooltip is the full text of a bar, for its <title>.
func barTooltip(r barRowLayout) string {
	v := r.ValueText
	if r.Item.Value != nil {
		return r.Item.Label + ": " + v + " — " + r.Item.Status.Label()
	}
	if r.Item.Status == scoring.StatusNotApplicable || r.Item.Status == scoring.StatusNoTarget {
		return r.Item.Label + ": " + r.Item.Status.Label()
	}
	return r.Item.Label + ": " + scoring.StatusMissing.Label()
}

// ---------------------------------------------------------------- line chart

const (
	lineWidth  = 720.0
	lineX0     = 76.0  // left of the plot (tick labels before it)
	lineX1     = 620.0 // right of the plot (target labels after the last year)
	lineTop    = 30.0
	lineBottom = 250.0
	lineHeight = 330.0
)

type lineTick struct {
	Y     float64
	Label string
	Zero  bool
}

type lineYear struct {
	X     float64
	Label string
}

type linePointLayout struct {
	X, Y           float64
	Label          string
	LabelX, LabelY float64
	Anchor         string
}

type lineSeries struct {
	Name   string
	Color  string
	Dash   string
	Marker string // "hollow", "square", "filled"
	Path   string // polyline path, broken at missing years; "" when fewer than two points in a run
	Points []linePointLayout
}

type lineLayout struct {
	YTicks []lineTick
	Years  []lineYear
	Series []lineSeries
	ZeroY  float64
}

// lineYears is the year axis: FromYear–ToYear, or the span of the points.
func lineYears(c LineChartData) []int {
	lo, hi := c.FromYear, c.ToYear
	if lo == 0 || hi == 0 || hi < lo {
		lo, hi = 0, 0
		for _, s := range [][]LinePoint{c.Baseline, c.Target, c.Actual} {
			for _, p := range s {
				if lo == 0 || p.Year < lo {
					lo = p.Year
				}
				if p.Year > hi {
					hi = p.Year
				}
			}
		}
	}
	if lo == 0 {
		return nil
	}
	var ys []int
	for y := lo; y <= hi && len(ys) < 50; y++ {
		ys = append(ys, y)
	}
	return ys
}

// lineDomain is the value axis: it includes 0 and every value; SI/NO is 0–1.
func lineDomain(c LineChartData) (ticks []lineTick, scale linearScale) {
	if c.Unit == "yes_no" {
		scale = linearScale{0, 1, lineBottom - 20, lineTop + 20}
		return []lineTick{{scale.at(0), "NO", true}, {scale.at(1), "SI", false}}, scale
	}
	lo, hi := 0.0, 0.0
	for _, s := range [][]LinePoint{c.Baseline, c.Target, c.Actual} {
		for _, p := range s {
			if p.Value != nil {
				lo, hi = math.Min(lo, *p.Value), math.Max(hi, *p.Value)
			}
		}
	}
	vals, dec := niceTicks(lo, hi, 5)
	scale = linearScale{vals[0], vals[len(vals)-1], lineBottom, lineTop}
	for _, v := range vals {
		lab := itfmt.Number(v, dec)
		if c.Unit == "percent" {
			lab += "%"
		}
		ticks = append(ticks, lineTick{scale.at(v), lab, v == 0})
	}
	return ticks, scale
}

func lineValueText(v float64, unit string) string {
	return itfmt.Value(v, unit)
}

func lineTargetText(p LinePoint, unit string) string {
	if p.Value == nil {
		return "—"
	}
	if p.Op == "" {
		return itfmt.Value(*p.Value, unit)
	}
	return itfmt.Target(p.Op, *p.Value, unit)
}

func layoutLine(c LineChartData) lineLayout {
	var l lineLayout
	years := lineYears(c)
	var xs linearScale
	if len(years) > 0 {
		// half a step of padding at each end
		n := float64(len(years))
		step := (lineX1 - lineX0) / n
		xs = linearScale{float64(years[0]), float64(years[len(years)-1]), lineX0 + step/2, lineX1 - step/2}
	}
	for _, y := range years {
		l.Years = append(l.Years, lineYear{xs.at(float64(y)), strconv.Itoa(y)})
	}
	var ys linearScale
	l.YTicks, ys = lineDomain(c)
	l.ZeroY = ys.at(0)
	type spec struct {
		name, color, dash, marker string
		pts                       []LinePoint
		place                     func(x, y float64) (float64, float64, string)
		text                      func(p LinePoint) string
	}
	specs := []spec{
		{"Baseline", chartMuted, "", "hollow", c.Baseline,
			func(x, y float64) (float64, float64, string) { return x, y + 23, "middle" },
			func(p LinePoint) string { return lineValueText(*p.Value, c.Unit) }},
		{"Target", chartInk, "7 4", "square", c.Target,
			func(x, y float64) (float64, float64, string) { return x + 10, y + 4, "start" },
			func(p LinePoint) string { return lineTargetText(p, c.Unit) }},
		{"Valore a consuntivo", chartLink, "", "filled", c.Actual,
			func(x, y float64) (float64, float64, string) { return x, y - 12, "middle" },
			func(p LinePoint) string { return lineValueText(*p.Value, c.Unit) }},
	}
	for _, sp := range specs {
		s := lineSeries{Name: sp.name, Color: sp.color, Dash: sp.dash, Marker: sp.marker}
		byYear := map[int]LinePoint{}
		for _, p := range sp.pts {
			byYear[p.Year] = p
		}
		var path strings.Builder
		run := 0
		for _, y := range years {
			p, ok := byYear[y]
			if !ok || p.Value == nil {
				run = 0
				continue
			}
			v := *p.Value
			if c.Unit == "yes_no" {
				v = math.Min(1, math.Max(0, v))
			}
			x, yy := xs.at(float64(y)), ys.at(v)
			lx, ly, anchor := sp.place(x, yy)
			s.Points = append(s.Points, linePointLayout{X: x, Y: yy, Label: sp.text(p), LabelX: lx, LabelY: ly, Anchor: anchor})
			if run == 0 {
				path.WriteString("M" + svgNum(x) + " " + svgNum(yy))
			} else {
				path.WriteString(" L" + svgNum(x) + " " + svgNum(yy))
			}
			run++
		}
		if strings.Contains(path.String(), "L") {
			s.Path = path.String()
		}
		l.Series = append(l.Series, s)
	}
	return l
}

func lineDesc(c LineChartData) string {
	if c.Desc != "" {
		return c.Desc
	}
	years := lineYears(c)
	var b strings.Builder
	b.WriteString("Andamento negli anni")
	if len(years) > 0 {
		b.WriteString(" " + YearRange(years[0], years[len(years)-1]))
	}
	b.WriteString(" della baseline (cerchi vuoti), del target (quadrati, linea tratteggiata) e del valore a consuntivo (cerchi pieni, linea continua)")
	if last, ok := lineLastValue(c.Actual); ok {
		b.WriteString("; ultimo valore a consuntivo " + lineValueText(*last.Value, c.Unit) + " nel " + strconv.Itoa(last.Year))
	}
	b.WriteString(". I valori sono nella tabella che segue il grafico.")
	return b.String()
}

func lineLastValue(ps []LinePoint) (LinePoint, bool) {
	var out LinePoint
	found := false
	for _, p := range ps {
		if p.Value != nil && (!found || p.Year > out.Year) {
			out, found = p, true
		}
	}
	return out, found
}

type lineRow struct {
	Year                     string
	Baseline, Target, Actual string
}

func lineRows(c LineChartData) []lineRow {
	find := func(ps []LinePoint, y int) (LinePoint, bool) {
		for _, p := range ps {
			if p.Year == y && p.Value != nil {
				return p, true
			}
		}
		return LinePoint{}, false
	}
	var rows []lineRow
	for _, y := range lineYears(c) {
		r := lineRow{Year: strconv.Itoa(y), Baseline: "—", Target: "—", Actual: "—"}
		if p, ok := find(c.Baseline, y); ok {
			r.Baseline = lineValueText(*p.Value, c.Unit)
		}
		if p, ok := find(c.Target, y); ok {
			r.Target = lineTargetText(p, c.Unit)
		}
		if p, ok := find(c.Actual, y); ok {
			r.Actual = lineValueText(*p.Value, c.Unit)
		}
		rows = append(rows, r)
	}
	return rows
}

// lineLegendX are the x positions of the legend entries.
func lineLegendX(i int) float64 { return lineX0 + float64(i)*170 }

// ---------------------------------------------------------------- tree

const (
	treeBoxW    = 224.0
	treeBoxH    = 42.0
	treePitch   = 50.0 // vertical space per leaf
	treeGap     = 40.0 // between columns
	treeMargin  = 8.0
	treeHeadLen = 20 // runes of the first line (code) before the value
	treeBodyLen = 39 // runes of the second line (title)
)

type treeBox struct {
	Node   *TreeNode
	Depth  int
	X, Y   float64 // top left
	Parent int     // index in the boxes, -1 for the root
	Head   string  // first line: the code (or the title when there is no code)
	Body   string  // second line: the title
}

// CY is the vertical centre of the box.
func (b treeBox) CY() float64 { return b.Y + treeBoxH/2 }

type treeLink struct{ D string }

type treeLayout struct {
	Boxes         []treeBox
	Links         []treeLink
	Width, Height float64
	Leaves, Depth int
}

// layoutTree places every leaf on its own row and each parent centred on its
// children, in columns by depth, left to right.
func layoutTree(root *TreeNode) treeLayout {
	var l treeLayout
	var place func(n *TreeNode, depth, parent int) float64
	place = func(n *TreeNode, depth, parent int) float64 {
		i := len(l.Boxes)
		head, body := n.Code, n.Title
		if head == "" {
			head, body = n.Title, ""
		}
		l.Boxes = append(l.Boxes, treeBox{Node: n, Depth: depth, Parent: parent, X: treeMargin + float64(depth)*(treeBoxW+treeGap),
			Head: truncateRunes(head, treeHeadLen), Body: truncateRunes(body, treeBodyLen)})
		l.Depth = max(l.Depth, depth+1)
		var cy float64
		if len(n.Children) == 0 {
			cy = treeMargin + float64(l.Leaves)*treePitch + treePitch/2
			l.Leaves++
		} else {
			first, last := 0.0, 0.0
			for k := range n.Children {
				c := place(&n.Children[k], depth+1, i)
				if k == 0 {
					first = c
				}
				last = c
			}
			cy = (first + last) / 2
		}
		l.Boxes[i].Y = cy - treeBoxH/2
		return cy
	}
	place(root, 0, -1)
	for _, b := range l.Boxes {
		if b.Parent < 0 {
			continue
		}
		p := l.Boxes[b.Parent]
		x1, y1 := p.X+treeBoxW, p.CY()
		xm := x1 + treeGap/2
		l.Links = append(l.Links, treeLink{"M" + svgNum(x1) + " " + svgNum(y1) + " H" + svgNum(xm) + " V" + svgNum(b.CY()) + " H" + svgNum(b.X)})
	}
	l.Width = 2*treeMargin + float64(l.Depth)*treeBoxW + float64(l.Depth-1)*treeGap
	l.Height = 2*treeMargin + float64(l.Leaves)*treePitch
	return l
}

var treeLevelNames = []string{"ambiti strategici", "obiettivi strategici", "obiettivi operativi"}

func treeDesc(t TreeData) string {
	if t.Desc != "" {
		return t.Desc
	}
	names := t.Levels
	if names == nil {
		names = treeLevelNames
	}
	// per level, the groups in the order first met: a kind's plural, or the level's name
	type group struct {
		name string
		n    int
	}
	var levels [][]group
	var walk func(n *TreeNode, d int)
	walk = func(n *TreeNode, d int) {
		if d > 0 {
			for len(levels) < d {
				levels = append(levels, nil)
			}
			name := "elementi di livello " + strconv.Itoa(d+1)
			if d-1 < len(names) {
				name = names[d-1]
			}
			if n.Kind != "" {
				name = strings.ToLower(KindPlural(n.Kind))
			}
			found := false
			for k := range levels[d-1] {
				if levels[d-1][k].name == name {
					levels[d-1][k].n++
					found = true
				}
			}
			if !found {
				levels[d-1] = append(levels[d-1], group{name, 1})
			}
		}
		for k := range n.Children {
			walk(&n.Children[k], d+1)
		}
	}
	walk(&t.Root, 0)
	var parts []string
	for _, l := range levels {
		for _, g := range l {
			parts = append(parts, strconv.Itoa(g.n)+" "+g.name)
		}
	}
	s := "Albero della performance da sinistra a destra: " + strings.TrimSpace(t.Root.Code+" "+t.Root.Title)
	if t.Root.Value != nil {
		s += " (" + chartPercent(t.Root.Value) + ", " + strings.ToLower(t.Root.Status.Label()) + ")"
	}
	if len(parts) > 0 {
		s += ", poi " + strings.Join(parts, ", ")
	}
	return s + ". Ogni riquadro riporta codice, titolo, grado di raggiungimento e stato. La versione testuale dell'albero segue il diagramma."
}

func treeTooltip(n *TreeNode) string {
	s := strings.TrimSpace(n.Code + " " + n.Title)
	return s + ": " + chartPercent(n.Value) + " — " + n.Status.Label()
}

func treeListID(t TreeData) string { return t.ID + "-testo" }
