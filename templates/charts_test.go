package templates

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/a-h/templ"

	"github.com/piao-performance/piao/internal/scoring"
)

func chartF(v float64) *float64 { return &v }

func TestNiceTicks(t *testing.T) {
	cases := []struct {
		lo, hi float64
		n      int
		want   []float64
		dec    int
	}{
		{0, 120, 6, []float64{0, 20, 40, 60, 80, 100, 120}, 0},
		{0, 140, 7, []float64{0, 20, 40, 60, 80, 100, 120, 140}, 0},
		{0, 1, 5, []float64{0, 0.2, 0.4, 0.6, 0.8, 1}, 1},
		{0, 0, 5, []float64{0, 0.2, 0.4, 0.6, 0.8, 1}, 1},
		{-19.91, 0, 5, []float64{-20, -15, -10, -5, 0}, 0},
		{-19.91, 30, 5, []float64{-20, -10, 0, 10, 20, 30}, 0},
		{0, 183, 5, []float64{0, 50, 100, 150, 200}, 0},
		{0, 0.07, 5, []float64{0, 0.02, 0.04, 0.06, 0.08}, 2},
		{0, 1234567, 5, []float64{0, 500000, 1000000, 1500000}, 0},
	}
	for _, c := range cases {
		got, dec := niceTicks(c.lo, c.hi, c.n)
		if fmt.Sprint(got) != fmt.Sprint(c.want) || dec != c.dec {
			t.Errorf("niceTicks(%v, %v, %d) = %v, %d; want %v, %d", c.lo, c.hi, c.n, got, dec, c.want, c.dec)
		}
	}
	// Properties over many ranges: cover the range, evenly spaced, few ticks.
	for _, r := range [][2]float64{{-1e6, 3}, {0.001, 0.002}, {5, 5}, {-3, -3}, {-0.5, 0.5}, {1, 99999}, {-19.91, 200}} {
		got, _ := niceTicks(r[0], r[1], 5)
		lo, hi := math.Min(r[0], r[1]), math.Max(r[0], r[1])
		if got[0] > lo || got[len(got)-1] < hi {
			t.Errorf("%v: ticks %v do not cover the range", r, got)
		}
		if len(got) < 2 || len(got) > 12 {
			t.Errorf("%v: %d ticks", r, len(got))
		}
		step := got[1] - got[0]
		for i := 2; i < len(got); i++ {
			if math.Abs(got[i]-got[i-1]-step) > step*1e-6 {
				t.Errorf("%v: uneven ticks %v", r, got)
			}
		}
	}
}

func TestLinearScaleNegative(t *testing.T) {
	ticks, _ := niceTicks(-19.91, 0, 5)
	s := linearScale{ticks[0], ticks[len(ticks)-1], 250, 30}
	if s.at(0) != 30 || s.at(-20) != 250 {
		t.Errorf("scale: 0→%v, −20→%v", s.at(0), s.at(-20))
	}
	if y := s.at(-19.91); y <= 30 || y >= 250 {
		t.Errorf("−19,91 outside the plot: %v", y)
	}
	c := LineChartData{Unit: "days", Actual: []LinePoint{{2023, chartF(-19.91), ""}}, Target: []LinePoint{{2023, chartF(0), "<="}}}
	yt, sc := lineDomain(c)
	if sc.D0 > -19.91 || sc.D1 < 0 {
		t.Errorf("domain %v..%v does not include −19,91 and 0", sc.D0, sc.D1)
	}
	zero := 0
	for _, tk := range yt {
		if tk.Zero {
			zero++
		}
	}
	if zero != 1 {
		t.Errorf("%d zero lines in %v", zero, yt)
	}
	if yt[0].Label != "−20" {
		t.Errorf("lowest tick %q, want −20", yt[0].Label)
	}
}

func TestBarMax(t *testing.T) {
	cases := []struct {
		vals []*float64
		want float64
	}{
		{nil, 120},
		{[]*float64{chartF(91.5), nil, chartF(100)}, 120},
		{[]*float64{chartF(120)}, 120},
		{[]*float64{chartF(121)}, 140},
		{[]*float64{chartF(187.3)}, 200},
	}
	for _, c := range cases {
		var items []BarItem
		for _, v := range c.vals {
			items = append(items, BarItem{Value: v})
		}
		if got := barMax(items); got != c.want {
			t.Errorf("barMax %v = %v, want %v", c.vals, got, c.want)
		}
	}
}

func TestTruncateRunes(t *testing.T) {
	cases := []struct {
		in   string
		n    int
		want string
	}{
		{"Breve", 10, "Breve"},
		{"Esattamente", 11, "Esattamente"},
		{"Assicurare l'efficacia e l'efficienza", 12, "Assicurare…"},
		{"Qualità è più già", 9, "Qualità…"},
		{"àèìòù", 3, "àè…"},
		{"  spazi   multipli  ", 20, "spazi multipli"},
		{"abc", 0, ""},
		{"abc", 1, "…"},
	}
	for _, c := range cases {
		got := truncateRunes(c.in, c.n)
		if got != c.want {
			t.Errorf("truncateRunes(%q, %d) = %q, want %q", c.in, c.n, got, c.want)
		}
		if c.n > 0 && utf8.RuneCountInString(got) > c.n {
			t.Errorf("truncateRunes(%q, %d) = %q is too long", c.in, c.n, got)
		}
		if !utf8.ValidString(got) {
			t.Errorf("invalid UTF-8 %q", got)
		}
	}
}

// sampleTree builds areas × strategic × operational objectives; leaves is the
// number of operational objectives under each strategic one.
func chartSampleTree(areas, strategic, leaves int) TreeNode {
	root := TreeNode{Code: "Ente", Title: "Camera di Commercio del Gran Sasso d'Italia", Value: chartF(95.75), Status: scoring.StatusPartial}
	for a := 1; a <= areas; a++ {
		an := TreeNode{Code: fmt.Sprintf("Ambito %d", a), Title: "Rafforzare lo stato di salute del sistema camerale", Value: chartF(88.2), Status: scoring.StatusPartial,
			URL: templ.SafeURL(fmt.Sprintf("/a/%d", a))}
		for s := 1; s <= strategic; s++ {
			sn := TreeNode{Code: fmt.Sprintf("%d.%d", a, s), Title: "Assicurare l'efficacia e l'efficienza dell'attività dell'Ente", Value: chartF(101), Status: scoring.StatusMet}
			for o := 1; o <= leaves; o++ {
				st := []scoring.Status{scoring.StatusMet, scoring.StatusPartial, scoring.StatusNotMet, scoring.StatusMissing}[(a+s+o)%4]
				var v *float64
				if st != scoring.StatusMissing {
					v = chartF(float64(60 + 10*((a+s+o)%5)))
				}
				sn.Children = append(sn.Children, TreeNode{Code: fmt.Sprintf("O.%d.%d.%d", a, s, o), Title: "Implementazione del servizio della composizione negoziata", Value: v, Status: st,
					URL: templ.SafeURL(fmt.Sprintf("/o/%d.%d.%d", a, s, o))})
			}
			an.Children = append(an.Children, sn)
		}
		root.Children = append(root.Children, an)
	}
	return root
}

func TestLayoutTree(t *testing.T) {
	root := chartSampleTree(5, 3, 4) // 60 leaves
	// an uneven branch: a strategic objective without operational ones
	root.Children[1].Children = append(root.Children[1].Children, TreeNode{Code: "2.9", Title: "Senza obiettivi operativi"})
	l := layoutTree(&root)
	if l.Leaves != 61 || l.Depth != 4 {
		t.Fatalf("leaves %d depth %d", l.Leaves, l.Depth)
	}
	if want := 2*treeMargin + 61*treePitch; l.Height != want {
		t.Errorf("height %v, want %v", l.Height, want)
	}
	if want := 2*treeMargin + 4*treeBoxW + 3*treeGap; l.Width != want {
		t.Errorf("width %v, want %v", l.Width, want)
	}
	// Parents centred on their children.
	children := map[int][]int{}
	for i, b := range l.Boxes {
		if b.Parent >= 0 {
			children[b.Parent] = append(children[b.Parent], i)
		}
	}
	for p, cs := range children {
		first, last := l.Boxes[cs[0]].CY(), l.Boxes[cs[len(cs)-1]].CY()
		if math.Abs(l.Boxes[p].CY()-(first+last)/2) > 1e-9 {
			t.Errorf("%s not centred on its children", l.Boxes[p].Node.Code)
		}
		for _, c := range cs {
			if l.Boxes[c].Depth != l.Boxes[p].Depth+1 || l.Boxes[c].X <= l.Boxes[p].X+treeBoxW {
				t.Errorf("%s not in the next column", l.Boxes[c].Node.Code)
			}
		}
	}
	// No overlap in a column, everything inside the viewBox.
	for i, a := range l.Boxes {
		if a.X < 0 || a.Y < 0 || a.X+treeBoxW > l.Width || a.Y+treeBoxH > l.Height {
			t.Errorf("%s outside the view box", a.Node.Code)
		}
		for _, b := range l.Boxes[i+1:] {
			if a.X == b.X && math.Abs(a.Y-b.Y) < treeBoxH {
				t.Errorf("%s overlaps %s", a.Node.Code, b.Node.Code)
			}
		}
	}
	if len(l.Links) != len(l.Boxes)-1 {
		t.Errorf("%d links for %d boxes", len(l.Links), len(l.Boxes))
	}
	// Height grows with the leaves.
	small := chartSampleTree(1, 1, 2)
	prev := layoutTree(&small).Height
	for n := 3; n <= 60; n += 7 {
		tr := chartSampleTree(1, 1, n)
		h := layoutTree(&tr).Height
		if h <= prev {
			t.Errorf("height %v with %d leaves, not above %v", h, n, prev)
		}
		prev = h
	}
	// A lone root is one row.
	lone := TreeNode{Code: "Ente"}
	if l := layoutTree(&lone); l.Leaves != 1 || l.Depth != 1 || len(l.Links) != 0 {
		t.Errorf("lone root: %+v", l)
	}
}

func renderChart(t *testing.T, c templ.Component) string {
	t.Helper()
	var b bytes.Buffer
	if err := c.Render(context.Background(), &b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

var chartStyleAttr = regexp.MustCompile(`(?i)\sstyle\s*=|<style`)

// checkChart checks what every chart must have.
func checkChart(t *testing.T, out, id string, want ...string) {
	t.Helper()
	musts := append([]string{
		`role="img"`,
		`aria-labelledby="` + id + `-title ` + id + `-desc"`,
		`<title id="` + id + `-title">`,
		`<desc id="` + id + `-desc">`,
		`viewBox="0 0 `,
		`width="100%"`,
	}, want...)
	for _, m := range musts {
		if !strings.Contains(out, m) {
			t.Errorf("output lacks %q", m)
		}
	}
	if loc := chartStyleAttr.FindStringIndex(out); loc != nil {
		t.Errorf("inline style at %d: %q", loc[0], out[max(0, loc[0]-60):min(len(out), loc[1]+60)])
	}
	if strings.Contains(out, "<script") || regexp.MustCompile(`\son[a-z]+=`).MatchString(out) {
		t.Error("script in a chart")
	}
	if strings.Count(out, "<svg") != 1 {
		t.Errorf("%d svg elements", strings.Count(out, "<svg"))
	}
	// No NaN or infinities leaked into coordinates.
	if regexp.MustCompile(`="[^"]*(NaN|Inf)`).MatchString(out) {
		t.Error("NaN or Inf in an attribute")
	}
}

func checkChartTable(t *testing.T, out string) {
	t.Helper()
	for _, m := range []string{"<table", "<caption>", `<th scope="col"`, `<th scope="row"`} {
		if !strings.Contains(out, m) {
			t.Errorf("table lacks %q", m)
		}
	}
}

func chartSampleBars() BarChartData {
	return BarChartData{
		ID: "aree", Title: "Grado di raggiungimento degli ambiti strategici", ItemHeader: "Ambito strategico",
		Target: 100, Partial: 80,
		Items: []BarItem{
			{Label: "Ambito 1 — Rafforzare lo stato di salute del sistema", URL: "/enti/x/ambiti/1", Value: chartF(91.5), Status: scoring.StatusPartial},
			{Label: "Ambito 2 — Le imprese al centro: rafforzamento strutturale, innovazione,", URL: "/enti/x/ambiti/2", Value: chartF(100), Status: scoring.StatusMet},
			{Label: "Ambito 3 — Semplicità ed innovazione: la PA al servizio dell'economia", Value: chartF(61.24), Status: scoring.StatusNotMet},
			{Label: "Ambito 4 — Ambiente, cultura, gastronomia, borghi: un territorio attrattivo", Value: nil, Status: scoring.StatusMissing},
			{Label: "Ambito 5 — Le imprese di domani: giovani e donne", Value: chartF(131.7), Status: scoring.StatusMet},
			{Label: "Obiettivo sospeso", Value: nil, Status: scoring.StatusNotApplicable},
		},
	}
}

func TestBarChartRender(t *testing.T) {
	c := chartSampleBars()
	out := renderChart(t, BarChart(c))
	checkChart(t, out, "aree",
		"91,5%", "61,24%", "131,7%", "dato mancante", "non applicabile",
		"target 100%", "soglia 80%", "140%", // axis max rounded up to 20
		"Raggiunto", "Parzialmente raggiunto", "Non raggiunto", "Dato mancante", "Non applicabile",
		"✔", "◐", "✖", "?", "–",
		`<a href="/enti/x/ambiti/1"`, `stroke-dasharray="7 4"`, `stroke-dasharray="3 3"`,
		`url(#aree-partial)`, `<pattern id="aree-partial"`, `<pattern id="aree-notmet"`,
		"Ambito 3 — Semplicità ed innovazione: la PA…<", // truncated in the SVG
		"<title>Ambito 3 — Semplicità ed innovazione: la PA al servizio dell&#39;economia: 61,24% — Non raggiunto</title>",
	)
	checkChartTable(t, out)
	if !strings.Contains(out, "<caption>Grado di raggiungimento degli ambiti strategici: dati del grafico</caption>") {
		t.Error("caption")
	}
	// The table keeps the full labels and links.
	if !strings.Contains(out, `<a href="/enti/x/ambiti/2">Ambito 2 — Le imprese al centro: rafforzamento strutturale, innovazione,</a>`) {
		t.Error("table row link with the full label")
	}
	// one link, in the table: the svg (role="img") holds none
	if n := strings.Count(out, `<a href="/enti/x/ambiti/1"`); n != 1 {
		t.Errorf("%d links to ambito 1, want 1 (the table row)", n)
	}
	if !strings.Contains(out, "Barre orizzontali del grado di raggiungimento di 6 elementi") {
		t.Error("generated description")
	}
	// Empty chart still renders.
	empty := renderChart(t, BarChart(BarChartData{ID: "vuoto", Title: "Nessun dato"}))
	checkChart(t, empty, "vuoto")
}

func chartSampleLine() LineChartData {
	return LineChartData{
		ID: "ind-1", Title: "Tempo medio di pagamento delle fatture (giorni)", Unit: "days",
		FromYear: 2021, ToYear: 2025,
		Baseline: []LinePoint{{Year: 2022, Value: chartF(-12.5)}},
		Target:   []LinePoint{{2023, chartF(0), "<="}, {2024, chartF(-5), "<="}, {2025, chartF(-5), "<="}},
		Actual:   []LinePoint{{Year: 2021, Value: chartF(-8)}, {Year: 2022, Value: chartF(-12.5)}, {Year: 2023, Value: chartF(-19.91)}, {Year: 2024, Value: nil}},
	}
}

func TestLineChartRender(t *testing.T) {
	out := renderChart(t, LineChart(chartSampleLine()))
	checkChart(t, out, "ind-1",
		"−19,91", "−12,5", "≤ 0", "≤ −5", "−20", "Baseline", "Target", "Valore a consuntivo",
		"2021", "2025", `stroke-dasharray="7 4"`, "(giorni)",
	)
	checkChartTable(t, out)
	for _, m := range []string{
		"<caption>Tempo medio di pagamento delle fatture (giorni): dati del grafico</caption>",
		`<th scope="col">Anno</th>`,
		`<th scope="row">2023</th><td class="num">—</td><td class="num">≤ 0</td><td class="num">−19,91</td>`,
		`<th scope="row">2024</th><td class="num">—</td><td class="num">≤ −5</td><td class="num">—</td>`,
	} {
		if !strings.Contains(out, m) {
			t.Errorf("output lacks %q", m)
		}
	}

	yn := renderChart(t, LineChart(LineChartData{ID: "sino", Title: "Adozione del piano", Unit: "yes_no",
		Target: []LinePoint{{2023, chartF(1), "yes"}, {2024, chartF(1), "yes"}},
		Actual: []LinePoint{{Year: 2023, Value: chartF(0)}, {Year: 2024, Value: chartF(1)}}}))
	checkChart(t, yn, "sino", ">SI<", ">NO<")
	checkChartTable(t, yn)

	// No data at all, or a single year: still a valid chart.
	checkChart(t, renderChart(t, LineChart(LineChartData{ID: "vuoto", Title: "Senza dati"})), "vuoto")
	one := renderChart(t, LineChart(LineChartData{ID: "uno", Title: "Un anno", Unit: "euro", Actual: []LinePoint{{Year: 2023, Value: chartF(1234.5)}}}))
	checkChart(t, one, "uno", "1.234,50 €", "2023")

	pct := renderChart(t, LineChart(LineChartData{ID: "pct", Title: "Riscossione", Unit: "percent",
		Baseline: []LinePoint{{Year: 2022, Value: chartF(61.24)}}, Target: []LinePoint{{2023, chartF(65), ">="}}}))
	checkChart(t, pct, "pct", "61,24%", "≥ 65%", "80%")
}

func TestTreeRender(t *testing.T) {
	root := chartSampleTree(2, 2, 3)
	root.Children[0].Children[0].Children[0].Value = chartF(95.75)
	d := TreeData{ID: "albero", Title: "Albero della performance 2023", Root: root}
	out := renderChart(t, TreeDiagram(d))
	checkChart(t, out, "albero", "95,75%", "—", "✔", "◐", "✖", "?", "Raggiunto", "Dato mancante",
		`href="#albero-testo"`, "Versione testuale dell", "Implementazione del servizio della com…",
		"<title>O.1.1.1 Implementazione del servizio della composizione negoziata: 95,75% — ",
		"2 ambiti strategici, 4 obiettivi strategici, 12 obiettivi operativi")
	// the picture holds no links (role="img" must not nest interactive elements): the text version does
	if svg := out[strings.Index(out, "<svg"):]; strings.Contains(svg, "<a ") {
		t.Error("a link inside the tree's svg")
	}
	if n := strings.Count(out, "<path "); n != 2+4+12 {
		t.Errorf("%d connectors", n)
	}

	lone := renderChart(t, TreeDiagram(TreeData{ID: "solo", Title: "Solo l'ente", Root: TreeNode{Title: "Camera di Commercio"}}))
	checkChart(t, lone, "solo", "Camera di Commercio", "—", "Dato mancante")

	list := renderChart(t, TreeList(d))
	for _, m := range []string{`<ul class="piao-tree piao-tree-text" id="albero-testo"`, `<a href="/o/1.1.1">Implementazione del servizio della composizione negoziata</a>`,
		"95,75%", "Parzialmente raggiunto", "Dato mancante", `<span class="piao-code">O.2.2.3</span>`} {
		if !strings.Contains(list, m) {
			t.Errorf("list lacks %q", m)
		}
	}
	if got := strings.Count(list, "<li>"); got != 1+2+4+12 {
		t.Errorf("%d list items", got)
	}
	if chartStyleAttr.MatchString(list) {
		t.Error("inline style in the list")
	}
}

// TestChartsPreview writes a page with every chart to the file named by
// PIAO_CHARTS_PREVIEW, to look at in a browser; skipped otherwise.
func TestChartsPreview(t *testing.T) {
	path := os.Getenv("PIAO_CHARTS_PREVIEW")
	if path == "" {
		t.Skip("PIAO_CHARTS_PREVIEW not set")
	}
	css := os.Getenv("PIAO_CHARTS_CSS")
	root := chartSampleTree(5, 3, 4)
	root.Children[4].Children = root.Children[4].Children[:1]
	root.Children[2].Children[1].Children = nil
	tree := TreeData{ID: "albero", Title: "Albero della performance 2023", Root: root}
	head := `<!DOCTYPE html><html lang="it"><head><meta charset="utf-8"><title>Grafici</title>`
	for _, f := range strings.Split(css, ",") {
		if f != "" {
			head += `<link rel="stylesheet" href="file://` + f + `">`
		}
	}
	head += `</head><body><div class="container my-4"><main>`
	const foot = `</main></div></body></html>`
	ctx := context.Background()
	var all bytes.Buffer
	all.WriteString(head)
	for i, c := range []templ.Component{
		BarChart(chartSampleBars()), LineChart(chartSampleLine()),
		LineChart(LineChartData{ID: "pct", Title: "Percentuale di riscossione del diritto annuale", Unit: "percent", FromYear: 2021, ToYear: 2025,
			Baseline: []LinePoint{{Year: 2022, Value: chartF(61.24)}}, Target: []LinePoint{{2023, chartF(62), ">="}, {2024, chartF(63), ">="}, {2025, chartF(64), ">="}},
			Actual: []LinePoint{{Year: 2022, Value: chartF(61.24)}, {Year: 2023, Value: chartF(63.5)}}}),
		LineChart(LineChartData{ID: "sino", Title: "Adozione del piano dei fabbisogni", Unit: "yes_no",
			Target: []LinePoint{{2023, chartF(1), "yes"}, {2024, chartF(1), "yes"}, {2025, chartF(1), "yes"}},
			Actual: []LinePoint{{Year: 2023, Value: chartF(0)}, {Year: 2024, Value: chartF(1)}}}),
		TreeDiagram(tree), TreeList(tree),
	} {
		var one bytes.Buffer
		if err := c.Render(ctx, &one); err != nil {
			t.Fatal(err)
		}
		all.WriteString(`<section class="mb-5">` + one.String() + `</section>`)
		part := strings.TrimSuffix(path, ".html") + fmt.Sprintf("-%d.html", i+1)
		if err := os.WriteFile(part, []byte(head+one.String()+foot), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	all.WriteString(foot)
	if err := os.WriteFile(path, all.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestOverdueText(t *testing.T) {
	d := func(day int) time.Time { return time.Date(2024, 7, day, 0, 0, 0, 0, time.UTC) }
	for _, c := range []struct {
		today int
		want  string
	}{{30, ""}, {31, ""}, {32, "scaduto da 1 giorno"}, {33, "scaduto da 2 giorni"}, {40, "scaduto da 9 giorni"}} {
		if got := OverdueText(d(31), d(c.today)); got != c.want {
			t.Errorf("deadline 31/07, today %d/07: %q, want %q", c.today, got, c.want)
		}
	}
}

// A value without a target for the year is "senza target" in a bar chart,
// never "dato mancante".
func TestBarChartSenzaTarget(t *testing.T) {
	out := renderChart(t, BarChart(BarChartData{ID: "st", Title: "Indicatori", Items: []BarItem{
		{Label: "O.3.3.1/1", Status: scoring.StatusNoTarget},
		{Label: "O.3.3.1/2", Status: scoring.StatusMissing},
	}}))
	checkChart(t, out, "st", "senza target 1", "dato mancante 1", "O.3.3.1/1: Senza target")
}

// TestTreeDescCountsEachKind: common objectives under a strategic one are
// counted as common, not as operational.
func TestTreeDescCountsEachKind(t *testing.T) {
	root := TreeNode{Code: "Ente", Title: "Camera", Children: []TreeNode{{Code: "Ambito 1", Title: "Salute", Children: []TreeNode{
		{Code: "1.1", Title: "Strategico", Kind: "strategic", Children: []TreeNode{
			{Code: "C.1", Title: "Comune", Kind: "common"}, {Code: "O.1", Title: "Operativo", Kind: "operational"},
			{Code: "O.2", Title: "Operativo", Kind: "operational"}}}}}}}
	got := treeDesc(TreeData{Root: root})
	if want := "poi 1 ambiti strategici, 1 obiettivi strategici, 1 obiettivi comuni, 2 obiettivi operativi."; !strings.Contains(got, want) {
		t.Errorf("description %q lacks %q", got, want)
	}
}
