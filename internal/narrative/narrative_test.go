package narrative

import (
	"strings"
	"testing"

	"github.com/piao-performance/piao/internal/document"
)

func pc(v float64, text string) document.Cell { return document.Cell{Text: text, Value: v, Has: true} }
func tx(s string) document.Cell               { return document.Cell{Text: s} }

func areasTable(ente document.Cell, rows ...[]document.Cell) document.Table {
	t := document.Table{Slug: tAreas, Columns: []document.Column{{Header: "Ambito"}, {Header: "Titolo"}, {Header: "Raggiungimento"}, {Header: "Stato"}}}
	t.Rows = append(rows, []document.Cell{tx(""), tx("Ente"), ente, tx("Raggiunto")})
	return t
}

func summaryTable(met, partial, notMet, incomplete, other, measured, planned int) document.Table {
	n := func(v int) document.Cell { return document.Cell{Text: "x", Value: float64(v), Has: true} }
	return document.Table{Slug: tSummary, Columns: []document.Column{{Header: "Voce"}, {Header: "Valore"}}, Rows: [][]document.Cell{
		{tx(sumMet), n(met)}, {tx(sumPartial), n(partial)}, {tx(sumNotMet), n(notMet)}, {tx(sumIncomplete), n(incomplete)},
		{tx(sumOther), n(other)}, {tx(sumMeasured), n(measured)}, {tx(sumPlanned), n(planned)}}}
}

func kindTable(slug string, rows ...[]document.Cell) document.Table {
	return document.Table{Slug: slug, Columns: []document.Column{{Header: "Obiettivo"}, {Header: "Titolo dell'obiettivo"}, {Header: "Indicatore"},
		{Header: "Baseline"}, {Header: "Target"}, {Header: "Valore"}, {Header: "Raggiungimento indicatore"}, {Header: "Stato"},
		{Header: "Raggiungimento obiettivo"}}, Rows: rows}
}

func TestNarrativeSummaryCases(t *testing.T) {
	t.Parallel()
	twoAreas := func(a, b document.Cell) document.Table {
		return areasTable(pc(90, "90%"), []document.Cell{tx("1"), tx("Uno"), a, tx("Raggiunto")}, []document.Cell{tx("2"), tx("Due"), b, tx("Parzialmente raggiunto")})
	}
	prev := &document.Document{Tables: []document.Table{areasTable(pc(88.5, "88,5%"))}}
	cases := []struct {
		name string
		in   Input
		want []string // paragraphs, in order
	}{
		{"best and worst, no previous year", Input{Year: 2024, Doc: &document.Document{Tables: []document.Table{twoAreas(pc(100, "100%"), pc(80, "80%")), summaryTable(1, 1, 0, 0, 0, 3, 3)}}},
			[]string{"Nel 2024 la performance organizzativa dell'ente, calcolata come media degli ambiti strategici, è pari al 90%. Dei 2 obiettivi del piano risultano 1 raggiunto e 1 parzialmente raggiunto. I valori sono disponibili per tutti i 3 indicatori del piano.",
				"Il risultato migliore è quello dell'ambito 1 «Uno» (100%); il più basso è quello dell'ambito 2 «Due» (80%).",
				"Non è disponibile una Relazione del 2023 per questo piano: il confronto con l'anno precedente non è possibile."}},
		{"equal areas, previous year better", Input{Year: 2024, Previous: prev, Doc: &document.Document{Tables: []document.Table{
			areasTable(pc(80, "80%"), []document.Cell{tx("1"), tx("Uno"), pc(80, "80%"), tx("x")}, []document.Cell{tx("2"), tx("Due"), pc(80, "80%"), tx("x")}),
			summaryTable(0, 2, 0, 0, 0, 2, 4)}}},
			[]string{"Nel 2024 la performance organizzativa dell'ente, calcolata come media degli ambiti strategici, è pari all'80%. Dei 2 obiettivi del piano risultano 2 parzialmente raggiunti. I valori sono disponibili per 2 dei 4 indicatori del piano (50%).",
				"Tutti gli ambiti strategici con un punteggio (2) raggiungono l'80%.",
				"Nel 2023 la performance dell'ente era pari all'88,5%: il risultato scende di 8,5 punti percentuali."}},
		{"no score", Input{Year: 2024, Doc: &document.Document{Tables: []document.Table{
			areasTable(tx("Dato mancante"), []document.Cell{tx("1"), tx("Uno"), tx("Dato mancante"), tx("Dato mancante")}), summaryTable(0, 0, 0, 0, 1, 0, 1)}}},
			[]string{"Nel 2024 la performance organizzativa dell'ente non ha un punteggio (raggiunto). Il piano ha un solo obiettivo: 1 senza punteggio. I valori sono disponibili per 0 degli 1 indicatori del piano (0%).",
				"L'ambito 1 «Uno» non ha un punteggio (dato mancante).",
				"Non è disponibile una Relazione del 2023 per questo piano: il confronto con l'anno precedente non è possibile."}},
		{"no tables", Input{Year: 2024, Doc: &document.Document{}},
			[]string{"La Relazione non contiene la sintesi dei risultati per l'anno: la sezione va completata a cura del Segretario Generale."}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			s, ok := GenerateSection(c.in, KeySummary)
			if !ok {
				t.Fatal("no sintesi")
			}
			var got []string
			for _, p := range s.Paragraphs {
				got = append(got, p.Text())
			}
			if strings.Join(got, "\n") != strings.Join(c.want, "\n") {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(c.want, "\n"))
			}
		})
	}
}

func TestNarrativeKindAndElision(t *testing.T) {
	t.Parallel()
	d := &document.Document{Tables: []document.Table{
		kindTable(tTransversal,
			[]document.Cell{tx("TR.1"), tx("Primo"), tx("Ind A"), tx(""), tx("≥ 10"), tx("8"), pc(80, "80%"), tx("Parzialmente raggiunto"), pc(90, "90%")},
			[]document.Cell{tx("TR.1"), tx("Primo"), tx("Ind B"), tx(""), tx("≥ 1"), tx("1"), pc(100, "100%"), tx("Raggiunto"), pc(90, "90%")},
			[]document.Cell{tx("TR.2"), tx("Secondo"), tx("Ind C"), tx(""), tx("≥ 1"), tx("n.a."), tx("Non applicabile"), tx("Non applicabile"), tx("Non applicabile")}),
		kindTable(tExtraordinary),
	}}
	s, _ := GenerateSection(Input{Year: 2024, Doc: d}, KeyTransversal)
	want := "Il piano prevede 2 obiettivi trasversali, di cui 1 sotto il 100% e 1 senza punteggio; gli indicatori sono 3. " +
		"L'obiettivo TR.1 «Primo» si ferma al 90%: l'indicatore «Ind A» registra 8 a fronte di un target ≥ 10 (80%). " +
		"L'obiettivo TR.2 «Secondo» non ha un punteggio (non applicabile)."
	if got := s.Text(); got != want {
		t.Errorf("trasversali:\n got %q\nwant %q", got, want)
	}
	if src := s.Paragraphs[0].Sentences[1].Sources; len(src) != 1 || src[0].Label() != "tabella «Obiettivi trasversali», riga TR.1" {
		t.Errorf("sources: %+v", src)
	}
	s, _ = GenerateSection(Input{Year: 2024, Doc: d}, KeyExtraordinary)
	if got := s.Text(); got != "Il piano non prevede obiettivi trasversali straordinari per l'anno." {
		t.Errorf("empty kind: %q", got)
	}
	for v, want := range map[string]string{"1%": "all'1%", "8,5%": "all'8,5%", "11%": "all'11%", "80%": "all'80%", "89,99%": "all'89,99%",
		"18%": "al 18%", "100%": "al 100%", "75%": "al 75%", "0%": "al 0%", "non applicabile": "a non applicabile"} {
		if got := al(v); got != want {
			t.Errorf("al(%q) = %q, want %q", v, got, want)
		}
	}
}

func TestNarrativeFreeSectionsAndNoData(t *testing.T) {
	t.Parallel()
	secs := Generate(Input{Year: 2024, Doc: &document.Document{}})
	if len(secs) != len(Outline()) {
		t.Fatalf("%d sections", len(secs))
	}
	for _, s := range secs {
		if s.Free {
			if len(s.Paragraphs) != 0 {
				t.Errorf("free section %s has generated text", s.Key)
			}
			continue
		}
		if len(s.Paragraphs) == 0 {
			t.Errorf("section %s has no text", s.Key)
		}
		if s.Key == KeyIndividual || s.Key == KeySummary {
			if !strings.Contains(s.Text(), "non contiene") {
				t.Errorf("section %s without data does not say so: %q", s.Key, s.Text())
			}
		}
	}
	if _, ok := GenerateSection(Input{}, "nope"); ok {
		t.Error("unknown section generated")
	}
	if !Known(KeyContext) || Known("nope") {
		t.Error("Known")
	}
	// nil document: no panic
	_ = Generate(Input{Year: 2024})
}

func TestNarrativeDiff(t *testing.T) {
	t.Parallel()
	render := func(ops []DiffOp) string {
		var b strings.Builder
		for _, o := range ops {
			switch o.Kind {
			case Same:
				b.WriteString("[" + o.Text + "]")
			case Removed:
				b.WriteString("-[" + o.Text + "]")
			case Added:
				b.WriteString("+[" + o.Text + "]")
			}
		}
		return b.String()
	}
	for _, c := range []struct{ old, new, want string }{
		{"a b c", "a b c", "[a b c]"},
		{"a b c", "a x c", "[a]-[b]+[x][c]"},
		{"", "uno due", "+[uno due]"},
		{"uno\n\ndue", "uno\r\n\r\ndue tre", "[uno\n\ndue]+[tre]"},
		{"Il valore è 75%.", "Il valore è 80%.", "[Il valore è]-[75%.]+[80%.]"},
	} {
		if got := render(Diff(c.old, c.new)); got != c.want {
			t.Errorf("Diff(%q, %q) = %s, want %s", c.old, c.new, got, c.want)
		}
	}
}

func TestNarrativeIndividualAggregate(t *testing.T) {
	t.Parallel()
	t8 := document.Table{Slug: tIndividual, Columns: []document.Column{{Header: "Ruolo"}, {Header: "Risultati"}, {Header: "Comportamenti"}, {Header: "Totale"}, {Header: "Fascia"}},
		Rows: [][]document.Cell{
			{tx("Segretario Generale"), pc(80, "80%"), pc(90, "90"), pc(83, "83%"), tx("Buono")},
			{tx("Dirigente A"), pc(97.5, "97,5%"), tx("non valutati"), tx("Non applicabile"), tx("—")},
			{tx("Dirigente B"), pc(95, "95%"), pc(95, "95"), pc(95, "95%"), tx("Eccellente")},
		}}
	s, _ := GenerateSection(Input{Year: 2024, Doc: &document.Document{Tables: []document.Table{t8}}}, KeyIndividual)
	want := "Le schede di valutazione individuale dell'anno sono 3; i dati sono riportati in forma aggregata. " +
		"Il punteggio dei risultati va dall'80% al 97,5%. " +
		"I comportamenti organizzativi non sono ancora valutati in 1 scheda su 3: per questa la valutazione complessiva e la fascia non sono disponibili. " +
		"Schede per fascia: Buono: 1; Eccellente: 1."
	if got := s.Text(); got != want {
		t.Errorf("individuale:\n got %q\nwant %q", got, want)
	}
	for _, name := range []string{"Segretario", "Dirigente"} {
		if strings.Contains(s.Text(), name) {
			t.Errorf("the aggregate names a person's role: %q", name)
		}
	}
}
