package narrative

import (
	"slices"
	"strconv"
	"strings"

	"github.com/piao-performance/piao/internal/document"
	"github.com/piao-performance/piao/internal/itfmt"
)

// Labels of the summary table's rows (internal/relazione/relazione.go, summary).
const (
	sumMet        = "Obiettivi raggiunti"
	sumPartial    = "Obiettivi parzialmente raggiunti"
	sumNotMet     = "Obiettivi non raggiunti"
	sumIncomplete = "Obiettivi incompleti (indicatori senza valore)"
	sumOther      = "Obiettivi senza punteggio"
	sumMeasured   = "Indicatori con valore"
	sumPlanned    = "Indicatori del piano"
)

type area struct {
	Number, Title, Status string
	Score                 document.Cell
}

func (g gen) areas() (areas []area, ente *area) {
	t := g.table(tAreas)
	if t == nil {
		return nil, nil
	}
	for _, r := range t.Rows {
		a := area{Number: cell(r, 0).Text, Title: cell(r, 1).Text, Score: cell(r, 2), Status: cell(r, 3).Text}
		if a.Number == "" && a.Title == "Ente" {
			e := a
			ente = &e
			continue
		}
		areas = append(areas, a)
	}
	return areas, ente
}

func (g gen) summary() []Paragraph {
	year := strconv.Itoa(g.in.Year)
	areas, ente := g.areas()
	sum := g.table(tSummary)
	if ente == nil || sum == nil {
		return noData("la sintesi dei risultati")
	}
	var p1 Paragraph
	if ente.Score.Has {
		p1.Sentences = append(p1.Sentences, sentence("Nel "+year+" la performance organizzativa dell'ente, calcolata come media degli ambiti strategici, è pari "+al(pct(ente.Score))+".", src(tAreas, "Ente")))
	} else {
		p1.Sentences = append(p1.Sentences, sentence("Nel "+year+" la performance organizzativa dell'ente non ha un punteggio ("+strings.ToLower(ente.Status)+").", src(tAreas, "Ente")))
	}
	type part struct {
		label, one, many string
	}
	var parts, rows []string
	total := 0
	for _, x := range []part{{sumMet, "raggiunto", "raggiunti"}, {sumPartial, "parzialmente raggiunto", "parzialmente raggiunti"},
		{sumNotMet, "non raggiunto", "non raggiunti"}, {sumIncomplete, "incompleto per indicatori senza valore", "incompleti per indicatori senza valore"},
		{sumOther, "senza punteggio", "senza punteggio"}} {
		n, ok := summaryCount(sum, x.label)
		if !ok {
			continue
		}
		total += n
		rows = append(rows, x.label)
		if n > 0 {
			parts = append(parts, count(n, x.one, x.many))
		}
	}
	if total > 0 {
		s := capital(dei(total)) + " obiettivi del piano risultano " + list(parts) + "."
		if total == 1 {
			s = "Il piano ha un solo obiettivo: " + list(parts) + "."
		}
		p1.Sentences = append(p1.Sentences, sentence(s, src(tSummary, rows...)))
	}
	measured, ok1 := summaryCount(sum, sumMeasured)
	planned, ok2 := summaryCount(sum, sumPlanned)
	if ok1 && ok2 && planned > 0 {
		s := "I valori sono disponibili per " + strconv.Itoa(measured) + " " + dei(planned) + " indicatori del piano (" + ratio(measured, planned) + ")."
		if measured == planned {
			s = "I valori sono disponibili per tutti " + gli(planned) + " indicatori del piano."
		}
		p1.Sentences = append(p1.Sentences, sentence(s, src(tSummary, sumMeasured, sumPlanned)))
	}
	out := []Paragraph{p1}
	if p := areasBestWorst(areas); len(p.Sentences) > 0 {
		out = append(out, p)
	}
	if p := g.lowestObjectives(); len(p.Sentences) > 0 {
		out = append(out, p)
	}
	out = append(out, g.previousYear(ente))
	return out
}

func areaName(a area) string { return "l'ambito " + a.Number + " " + quote(a.Title) }

func areaNumbers(as []area) []string {
	out := make([]string, len(as))
	for i, a := range as {
		out[i] = a.Number
	}
	return out
}

// areasBestWorst names the areas with the highest and the lowest achievement.
func areasBestWorst(areas []area) Paragraph {
	var scored, unscored []area
	for _, a := range areas {
		if a.Score.Has {
			scored = append(scored, a)
		} else {
			unscored = append(unscored, a)
		}
	}
	var p Paragraph
	if len(scored) > 0 {
		hi, lo := scored[0].Score.Value, scored[0].Score.Value
		for _, a := range scored {
			hi, lo = max(hi, a.Score.Value), min(lo, a.Score.Value)
		}
		var best, worst []area
		for _, a := range scored {
			if a.Score.Value == hi {
				best = append(best, a)
			}
			if a.Score.Value == lo {
				worst = append(worst, a)
			}
		}
		switch {
		case hi == lo:
			p.Sentences = append(p.Sentences, sentence("Tutti gli ambiti strategici con un punteggio ("+strconv.Itoa(len(scored))+") raggiungono "+il(pct(scored[0].Score))+".", src(tAreas, areaNumbers(scored)...)))
		default:
			var s string
			if len(best) == 1 {
				s = "Il risultato migliore è quello del" + areaName(best[0]) + " (" + pct(best[0].Score) + ")"
			} else {
				s = "Il risultato migliore, " + pct(best[0].Score) + ", è raggiunto da " + strconv.Itoa(len(best)) + " " + dei(len(areas)) + " ambiti strategici (" + list(areaNumbers(best)) + ")"
			}
			if len(worst) == 1 {
				s += "; il più basso è quello del" + areaName(worst[0]) + " (" + pct(worst[0].Score) + ")."
			} else {
				s += "; il più basso, " + pct(worst[0].Score) + ", è quello degli ambiti " + list(areaNumbers(worst)) + "."
			}
			p.Sentences = append(p.Sentences, sentence(s, src(tAreas, append(areaNumbers(best), areaNumbers(worst)...)...)))
		}
	}
	for _, a := range unscored {
		p.Sentences = append(p.Sentences, sentence("L'ambito "+a.Number+" "+quote(a.Title)+" non ha un punteggio ("+strings.ToLower(a.Status)+").", src(tAreas, a.Number)))
	}
	return p
}

// kindTables are the tables that list each objective once, by kind.
var kindTables = [...]string{tStrategic, tCommon, tOperationalAr, tTransversal, tExtraordinary, tOrganisational}

// lowestObjectives names up to three objectives with the lowest achievement
// below 100%, across every kind.
func (g gen) lowestObjectives() Paragraph {
	type scored struct {
		objective
		table string
	}
	var below []scored
	var all []Source
	n := 0
	for _, slug := range kindTables {
		if g.table(slug) != nil {
			all = append(all, src(slug))
		}
		for _, o := range objectives(g.table(slug)) {
			n++
			if o.Score.Has && !full(o.Score) {
				below = append(below, scored{o, slug})
			}
		}
	}
	if n == 0 {
		return Paragraph{}
	}
	if len(below) == 0 {
		return Paragraph{Sentences: []Sentence{sentence("Tutti gli obiettivi con un punteggio raggiungono il 100%.", all...)}}
	}
	slices.SortStableFunc(below, func(a, b scored) int {
		switch {
		case a.Score.Value < b.Score.Value:
			return -1
		case a.Score.Value > b.Score.Value:
			return 1
		}
		return 0
	})
	if len(below) > 3 {
		below = below[:3]
	}
	var names []string
	var srcs []Source
	for _, o := range below {
		names = append(names, o.Code+" "+quote(o.Title)+" ("+pct(o.Score)+")")
		srcs = append(srcs, src(o.table, o.Code))
	}
	lead := "Il risultato più basso è quello dell'obiettivo "
	if len(below) > 1 {
		lead = "I risultati più bassi sono quelli degli obiettivi "
	}
	return Paragraph{Sentences: []Sentence{sentence(lead+list(names)+".", srcs...)}}
}

func (g gen) previousYear(ente *area) Paragraph {
	prev := strconv.Itoa(g.in.Year - 1)
	if g.in.Previous == nil {
		return Paragraph{Sentences: []Sentence{sentence("Non è disponibile una Relazione del "+prev+" per questo piano: il confronto con l'anno precedente non è possibile.", src(tPrevious))}}
	}
	pg := gen{in: Input{Year: g.in.Year - 1, Doc: g.in.Previous}, d: g.in.Previous}
	_, pe := pg.areas()
	if pe == nil || !pe.Score.Has {
		return Paragraph{Sentences: []Sentence{sentence("Nella Relazione del "+prev+" la performance dell'ente non ha un punteggio: il confronto con l'anno precedente non è possibile.", src(tPrevious, "Ente"))}}
	}
	s := "Nel " + prev + " la performance dell'ente era pari " + al(pct(pe.Score))
	if ente.Score.Has {
		d := round2(ente.Score.Value) - round2(pe.Score.Value)
		switch {
		case d > 0:
			s += ": il risultato migliora di " + itfmt.Number(d, 2) + " punti percentuali."
		case d < 0:
			s += ": il risultato scende di " + itfmt.Number(-d, 2) + " punti percentuali."
		default:
			s += ": il risultato è invariato."
		}
	} else {
		s += "."
	}
	return Paragraph{Sentences: []Sentence{sentence(s, src(tPrevious, "Ente"), src(tAreas, "Ente"))}}
}

func round2(v float64) float64 {
	f, _ := strconv.ParseFloat(strconv.FormatFloat(v, 'f', 2, 64), 64)
	return f
}

func (g gen) tree() []Paragraph {
	if g.d == nil || len(g.d.Tree) == 0 {
		return noData("l'albero della performance")
	}
	var levels [4]int
	for _, n := range g.d.Tree {
		if n.Level >= 0 && n.Level < len(levels) {
			levels[n.Level]++
		}
	}
	s := "L'albero della performance collega il mandato dell'ente a " + count(levels[1], "ambito strategico", "ambiti strategici") + ", " +
		count(levels[2], "obiettivo strategico", "obiettivi strategici") + " e " + count(levels[3], "obiettivo comune od operativo", "obiettivi comuni e operativi") + " che li attuano."
	p := Paragraph{Sentences: []Sentence{sentence(s, src(tTree))}}
	var parts []string
	var srcs []Source
	for _, k := range []struct{ slug, one, many string }{{tTransversal, "obiettivo trasversale", "obiettivi trasversali"},
		{tExtraordinary, "obiettivo trasversale straordinario", "obiettivi trasversali straordinari"},
		{tOrganisational, "obiettivo organizzativo", "obiettivi organizzativi"}} {
		if n := len(objectives(g.table(k.slug))); n > 0 {
			parts = append(parts, count(n, k.one, k.many))
			srcs = append(srcs, src(k.slug))
		}
	}
	if len(parts) > 0 {
		p.Sentences = append(p.Sentences, sentence("Fuori dall'albero il piano comprende "+list(parts)+".", srcs...))
	}
	return []Paragraph{p}
}

// tally splits objectives into those at 100%, below it and without a score.
func tally(os []objective) (done, below, none []objective) {
	for _, o := range os {
		switch {
		case full(o.Score):
			done = append(done, o)
		case o.Score.Has:
			below = append(below, o)
		default:
			none = append(none, o)
		}
	}
	return
}

// tallyText: "3 obiettivi strategici: 2 al 100% e 1 sotto il 100%".
func tallyText(os []objective, one, many string) string {
	done, below, none := tally(os)
	s := count(len(os), one, many)
	if len(done) == len(os) {
		if len(os) == 1 {
			return s + ", al 100%"
		}
		return s + ", tutti al 100%"
	}
	var parts []string
	if len(done) > 0 {
		parts = append(parts, strconv.Itoa(len(done))+" al 100%")
	}
	if len(below) > 0 {
		parts = append(parts, strconv.Itoa(len(below))+" sotto il 100%")
	}
	if len(none) > 0 {
		parts = append(parts, strconv.Itoa(len(none))+" senza punteggio")
	}
	return s + ", di cui " + list(parts)
}

// details are the sentences on each objective below 100% or without a score,
// with the indicators that kept it there.
func details(table string, os []objective) []Sentence {
	var out []Sentence
	_, below, none := tally(os)
	for _, o := range below {
		s := "L'obiettivo " + o.Code + " " + quote(o.Title) + " si ferma " + al(pct(o.Score))
		var why []string
		rows := []string{o.Code}
		for _, in := range o.Indicators {
			if in.Score.Has && !full(in.Score) {
				why = append(why, "l'indicatore "+quote(in.Name)+" registra "+in.Value+" a fronte di un target "+in.Target+" ("+pct(in.Score)+")")
			}
		}
		if len(why) > 0 {
			s += ": " + list(why)
		}
		out = append(out, sentence(s+".", src(table, rows...)))
	}
	for _, o := range none {
		out = append(out, sentence("L'obiettivo "+o.Code+" "+quote(o.Title)+" non ha un punteggio ("+pct(o.Score)+").", src(table, o.Code)))
	}
	return out
}

func indicatorCount(os []objective) int {
	n := 0
	for _, o := range os {
		n += len(o.Indicators)
	}
	return n
}

func (g gen) strategic() []Paragraph {
	areas, _ := g.areas()
	objs := objectives(g.table(tStrategic))
	if len(areas) == 0 || len(objs) == 0 {
		return noData("obiettivi strategici")
	}
	var out []Paragraph
	for _, a := range areas {
		var mine []objective
		for _, o := range objs {
			if o.Lead == a.Number {
				mine = append(mine, o)
			}
		}
		head := "Ambito " + a.Number + " " + quote(a.Title) + ": "
		if a.Score.Has {
			head += pct(a.Score) + ", " + strings.ToLower(a.Status) + "."
		} else {
			head += "senza punteggio (" + strings.ToLower(a.Status) + ")."
		}
		p := Paragraph{Sentences: []Sentence{sentence(head, src(tAreas, a.Number))}}
		if len(mine) == 0 {
			p.Sentences = append(p.Sentences, sentence("Il piano non assegna obiettivi strategici a questo ambito.", src(tStrategic)))
		} else {
			p.Sentences = append(p.Sentences, sentence("Comprende "+tallyText(mine, "obiettivo strategico", "obiettivi strategici")+".", src(tStrategic, codes(mine)...)))
			p.Sentences = append(p.Sentences, details(tStrategic, mine)...)
		}
		out = append(out, p)
	}
	return out
}

func (g gen) kind(table, one, many string) []Paragraph {
	objs := objectives(g.table(table))
	if len(objs) == 0 {
		if g.table(table) == nil {
			return noData(many)
		}
		return []Paragraph{{Sentences: []Sentence{sentence("Il piano non prevede "+many+" per l'anno.", src(table))}}}
	}
	s := "Il piano prevede " + tallyText(objs, one, many) + "; gli indicatori sono " + strconv.Itoa(indicatorCount(objs)) + "."
	if indicatorCount(objs) == 1 {
		s = "Il piano prevede " + tallyText(objs, one, many) + "; l'indicatore è uno."
	}
	p := Paragraph{Sentences: append([]Sentence{sentence(s, src(table, codes(objs)...))}, details(table, objs)...)}
	return []Paragraph{p}
}

func (g gen) operational() []Paragraph {
	byArea := objectives(g.table(tOperationalAr))
	if len(byArea) == 0 {
		return noData("obiettivi operativi")
	}
	areas, _ := g.areas()
	var out []Paragraph
	intro := Paragraph{Sentences: []Sentence{sentence("Il piano prevede "+tallyText(byArea, "obiettivo operativo", "obiettivi operativi")+".", src(tOperationalAr, codes(byArea)...))}}
	out = append(out, intro)
	for _, a := range areas {
		var mine []objective
		for _, o := range byArea {
			if o.Lead == a.Number {
				mine = append(mine, o)
			}
		}
		if len(mine) == 0 {
			continue
		}
		p := Paragraph{Sentences: []Sentence{sentence("Ambito "+a.Number+": "+tallyText(mine, "obiettivo operativo", "obiettivi operativi")+".", src(tOperationalAr, codes(mine)...))}}
		p.Sentences = append(p.Sentences, details(tOperationalAr, mine)...)
		out = append(out, p)
	}
	byDir := objectives(g.table(tOperationalDir))
	var leads []string
	for _, o := range byDir {
		if !slices.Contains(leads, o.Lead) {
			leads = append(leads, o.Lead)
		}
	}
	if len(leads) > 0 {
		p := Paragraph{Sentences: []Sentence{sentence("Per dirigente responsabile (un obiettivo con più responsabili è contato per ciascuno):", src(tOperationalDir))}}
		for _, l := range leads {
			var mine []objective
			for _, o := range byDir {
				if o.Lead == l {
					mine = append(mine, o)
				}
			}
			s := l + ": " + tallyText(mine, "obiettivo operativo", "obiettivi operativi")
			_, below, none := tally(mine)
			var named []string
			for _, o := range below {
				named = append(named, o.Code+" "+al(pct(o.Score)))
			}
			for _, o := range none {
				named = append(named, o.Code+" "+pct(o.Score))
			}
			if len(named) > 0 {
				s += " (" + list(named) + ")"
			}
			p.Sentences = append(p.Sentences, sentence(s+".", src(tOperationalDir, codes(mine)...)))
		}
		out = append(out, p)
	}
	return out
}

func (g gen) organisational() []Paragraph {
	out := g.kind(tOrganisational, "obiettivo organizzativo", "obiettivi organizzativi")
	t := g.table(tExplain)
	if t == nil {
		return out
	}
	var p Paragraph
	cInputs, cSteps, cResult := col(t, "Valori e target"), col(t, "Calcolo"), col(t, "Risultato")
	for _, r := range t.Rows {
		key, ok := strings.CutPrefix(cell(r, 0).Text, "Indicatore ")
		if !ok {
			continue
		}
		own, other := traceInput(cell(r, cInputs).Text, "Valore dell'ente"), traceInput(cell(r, cInputs).Text, "Valore di confronto")
		if own == "" || other == "" {
			continue
		}
		code, pos, _ := strings.Cut(key, "/")
		s := "Il confronto con un altro ente (benchmark) riguarda l'indicatore " + key
		if o, ok := g.objective(code); ok {
			// the name only when the row is surely the indicator's: its value is the computation's result
			if n, err := strconv.Atoi(pos); err == nil && n >= 1 && n <= len(o.Indicators) &&
				o.Indicators[n-1].Value != "" && strings.Contains(cell(r, cSteps).Text, "= "+o.Indicators[n-1].Value) {
				s += " " + quote(o.Indicators[n-1].Name)
			}
			s += " dell'obiettivo " + code + " " + quote(o.Title)
		}
		s += ": il valore dell'ente è " + own + ", quello di confronto " + other + "; il raggiungimento è pari " + al(cell(r, cResult).Text) + "."
		p.Sentences = append(p.Sentences, sentence(s, src(tExplain, "Indicatore "+key)))
	}
	if len(p.Sentences) == 0 {
		p.Sentences = append(p.Sentences, sentence("Nessun indicatore dell'anno è confrontato con il valore di un altro ente (benchmark).", src(tExplain)))
	}
	return append(out, p)
}

func (g gen) deviations() []Paragraph {
	t := g.table(tDeviations)
	if t == nil {
		return noData("gli scostamenti")
	}
	out := []Paragraph{{Sentences: []Sentence{sentence(t.Intro, src(tDeviations))}}}
	cObj, cInd, cTarget, cValue, cScore := col(t, "Obiettivo"), col(t, "Indicatore"), col(t, "Target"), col(t, "Valore"), col(t, "Raggiungimento indicatore")
	cWhat, cWhy, cAction := col(t, "Cosa è successo"), col(t, "Perché"), col(t, "Azione correttiva")
	const missing = "motivazione mancante"
	for _, r := range t.Rows {
		key, name, _ := strings.Cut(cell(r, cInd).Text, " ")
		var s string
		if cell(r, cValue).Text == "n.a." {
			s = "L'indicatore " + key + " " + quote(name) + " dell'obiettivo " + cell(r, cObj).Text + " non è applicabile per l'anno."
		} else {
			s = "L'indicatore " + key + " " + quote(name) + " dell'obiettivo " + cell(r, cObj).Text + " registra " + cell(r, cValue).Text +
				" a fronte di un target " + cell(r, cTarget).Text + " (raggiungimento " + pct(cell(r, cScore)) + ")."
		}
		p := Paragraph{Sentences: []Sentence{sentence(s, src(tDeviations, key))}}
		what, why, action := cell(r, cWhat).Text, cell(r, cWhy).Text, cell(r, cAction).Text
		if what == missing && why == missing && action == missing {
			p.Sentences = append(p.Sentences, sentence("Il dirigente responsabile non ha ancora motivato lo scostamento.", src(tDeviations, key)))
		} else {
			m := func(label, v string) string {
				if v == missing {
					return label + " non indicato"
				}
				return label + ": " + quote(v)
			}
			p.Sentences = append(p.Sentences, sentence("Il dirigente responsabile riferisce. "+m("Cosa è successo", what)+"; "+m("perché", why)+"; "+
				strings.Replace(m("azione correttiva", action), "non indicato", "non indicata", 1)+".", src(tDeviations, key)))
		}
		out = append(out, p)
	}
	return out
}

func (g gen) individual() []Paragraph {
	t := g.table(tIndividual)
	if t == nil || len(t.Rows) == 0 {
		return noData("schede di valutazione individuale")
	}
	cRes, cBeh, cBand := col(t, "Risultati"), col(t, "Comportamenti"), col(t, "Fascia")
	n := len(t.Rows)
	p := Paragraph{Sentences: []Sentence{sentence("Le schede di valutazione individuale dell'anno sono "+strconv.Itoa(n)+"; i dati sono riportati in forma aggregata.", src(tIndividual))}}
	var lo, hi document.Cell
	notRated := 0
	bands := map[string]int{}
	var bandOrder []string
	for _, r := range t.Rows {
		c := cell(r, cRes)
		if c.Has {
			if !lo.Has || c.Value < lo.Value {
				lo = c
			}
			if !hi.Has || c.Value > hi.Value {
				hi = c
			}
		}
		if !cell(r, cBeh).Has {
			notRated++
		}
		if b := cell(r, cBand).Text; b != "" && b != "—" {
			if bands[b] == 0 {
				bandOrder = append(bandOrder, b)
			}
			bands[b]++
		}
	}
	if lo.Has {
		s := "Il punteggio dei risultati va " + dal(pct(lo)) + " " + al(pct(hi)) + "."
		if lo.Value == hi.Value {
			s = "Il punteggio dei risultati è pari " + al(pct(lo)) + " in ogni scheda."
		}
		p.Sentences = append(p.Sentences, sentence(s, src(tIndividual)))
	}
	if notRated > 0 {
		these := "queste"
		if notRated == 1 {
			these = "questa"
		}
		p.Sentences = append(p.Sentences, sentence("I comportamenti organizzativi non sono ancora valutati in "+count(notRated, "scheda", "schede")+" su "+strconv.Itoa(n)+
			": per "+these+" la valutazione complessiva e la fascia non sono disponibili.", src(tIndividual)))
	}
	if len(bandOrder) > 0 {
		var parts []string
		for _, b := range bandOrder {
			parts = append(parts, b+": "+strconv.Itoa(bands[b]))
		}
		p.Sentences = append(p.Sentences, sentence("Schede per fascia: "+strings.Join(parts, "; ")+".", src(tIndividual)))
	}
	return []Paragraph{p}
}

func (g gen) quality() []Paragraph {
	var p Paragraph
	if g.d != nil && g.d.Notice != "" {
		p.Sentences = append(p.Sentences, sentence("Attenzione: i valori misurati di questa Relazione sono dati dimostrativi, non dati reali dell'ente.", src(tMeta, "Avviso")))
	}
	if st := g.meta("Stato del periodo"); strings.HasPrefix(st, "aperto") {
		p.Sentences = append(p.Sentences, sentence("Il periodo di misurazione non è ancora chiuso: i valori possono ancora cambiare.", src(tMeta, "Stato del periodo")))
	}
	sum := g.table(tSummary)
	measured, ok1 := summaryCount(sum, sumMeasured)
	planned, ok2 := summaryCount(sum, sumPlanned)
	if ok1 && ok2 && measured < planned {
		p.Sentences = append(p.Sentences, sentence("Per "+strconv.Itoa(planned-measured)+" "+dei(planned)+" indicatori del piano non è disponibile un valore per il "+strconv.Itoa(g.in.Year)+".", src(tSummary, sumMeasured, sumPlanned)))
	}
	if n, ok := summaryCount(sum, sumIncomplete); ok && n > 0 {
		p.Sentences = append(p.Sentences, sentence(count(n, "obiettivo è incompleto", "obiettivi sono incompleti")+": il punteggio è calcolato sui soli indicatori con valore.", src(tSummary, sumIncomplete)))
	}
	if t := g.table(tNotes); t != nil {
		if len(t.Rows) > 0 {
			p.Sentences = append(p.Sentences, sentence("Il testo pubblicato del piano presenta "+count(len(t.Rows), "punto che ha", "punti che hanno")+
				" richiesto un'interpretazione, riportati con l'interpretazione adottata nella tabella "+quote(TableTitle(tNotes))+".", src(tNotes)))
		} else {
			p.Sentences = append(p.Sentences, sentence("Non sono registrate note sulla qualità del testo del piano.", src(tNotes)))
		}
	}
	if len(p.Sentences) == 0 {
		return noData("avvertenze sulla qualità dei dati")
	}
	return []Paragraph{p}
}

func (g gen) process() []Paragraph {
	var p Paragraph
	period, rev, rules := g.meta("Periodo"), g.meta("Revisione del piano applicata"), g.meta("Regole di misurazione")
	if period != "" && rev != "" && rules != "" {
		p.Sentences = append(p.Sentences, sentence("La Relazione è redatta dai valori approvati del periodo "+period+", applicando la revisione del piano "+quote(rev)+
			" e le regole di misurazione "+rules+".", src(tMeta, "Periodo", "Revisione del piano applicata", "Regole di misurazione")))
	}
	if t := g.table(tObservations); t != nil {
		s := "L'OIV non ha formulato osservazioni sugli obiettivi e sugli indicatori dell'anno."
		if n := len(t.Rows); n > 0 {
			s = "L'OIV ha formulato " + count(n, "osservazione", "osservazioni") + " sugli obiettivi e sugli indicatori dell'anno, riportate nella tabella " + quote(TableTitle(tObservations)) + "."
		}
		p.Sentences = append(p.Sentences, sentence(s, src(tObservations)))
	}
	if v := g.meta("Validazione OIV"); v != "" {
		p.Sentences = append(p.Sentences, sentence("Validazione dell'OIV alla data di generazione: "+v+".", src(tMeta, "Validazione OIV")))
	}
	if len(p.Sentences) == 0 {
		return noData("i dati sul processo di redazione")
	}
	return []Paragraph{p}
}

// traceInput is the value of a labelled input in a "Valori e target" cell
// ("Valore dell'ente: −18,37 (inserito da …); …"), without its provenance.
func traceInput(inputs, label string) string {
	for _, part := range strings.Split(inputs, "; ") {
		if v, ok := strings.CutPrefix(part, label+": "); ok {
			v, _, _ = strings.Cut(v, " (")
			return v
		}
	}
	return ""
}

// objective finds an objective by code in the tables that list each once.
func (g gen) objective(code string) (objective, bool) {
	for _, slug := range kindTables {
		for _, o := range objectives(g.table(slug)) {
			if o.Code == code {
				return o, true
			}
		}
	}
	return objective{}, false
}

// elides reports whether an Italian number word starts with a vowel
// (uno, otto, undici, ottanta…): "all'80%", "dall'11%", but "al 75%".
func elides(num string) bool {
	digits := num
	if i := strings.IndexFunc(num, func(r rune) bool { return r < '0' || r > '9' }); i >= 0 {
		digits = num[:i]
	}
	switch {
	case digits == "1", digits == "8", digits == "11":
		return true
	case (len(digits) == 2 || len(digits) == 3) && digits[0] == '8': // ottanta…, ottocento…
		return true
	}
	return false
}

// al writes "al 75%" or "all'80%"; other words (a status) are returned after "a".
func al(v string) string { return prep(v, "al ", "all'", "a ") }

func dal(v string) string { return prep(v, "dal ", "dall'", "da ") }

func il(v string) string { return prep(v, "il ", "l'", "") }

func prep(v, plain, elided, word string) string {
	if v == "" || v[0] < '0' || v[0] > '9' {
		return word + v
	}
	if elides(v) {
		return elided + v
	}
	return plain + v
}

// dei writes "dei 51" or "degli 88" (the article before a number word).
func dei(n int) string {
	if elides(strconv.Itoa(n)) {
		return "degli " + strconv.Itoa(n)
	}
	return "dei " + strconv.Itoa(n)
}

// gli writes "i 51" or "gli 88".
func gli(n int) string {
	if elides(strconv.Itoa(n)) {
		return "gli " + strconv.Itoa(n)
	}
	return "i " + strconv.Itoa(n)
}

func capital(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
