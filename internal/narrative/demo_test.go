package narrative_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/piao-performance/piao/internal/model"
	"github.com/piao-performance/piao/internal/narrative"
	"github.com/piao-performance/piao/internal/relazione"
	"github.com/piao-performance/piao/internal/testfix"
)

// TestNarrativeOnTheDemo: the draft of the demo year (reference plan, sample
// actuals of 2023) with the exact text of a few sections, each sentence
// traced to its table.
func TestNarrativeOnTheDemo(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ref := testfix.Reference(t, testfix.WithSampleActuals())
	build := func() []narrative.Section {
		t.Helper()
		d, err := relazione.Build(ctx, ref.Store, ref.Plan, 2023, relazione.Options{Visibility: model.Approved, Now: time.Date(2024, 6, 20, 10, 0, 0, 0, time.UTC)})
		if err != nil {
			t.Fatal(err)
		}
		return narrative.Generate(narrative.Input{Year: 2023, Doc: d})
	}
	secs := build()
	para := func(key string, i int) narrative.Paragraph {
		t.Helper()
		for _, s := range secs {
			if s.Key == key {
				if i >= len(s.Paragraphs) {
					t.Fatalf("%s: %d paragraphs", key, len(s.Paragraphs))
				}
				return s.Paragraphs[i]
			}
		}
		t.Fatalf("no section %s", key)
		return narrative.Paragraph{}
	}
	for _, c := range []struct {
		key  string
		i    int
		want string
	}{
		{narrative.KeySummary, 0, "Nel 2023 la performance organizzativa dell'ente, calcolata come media degli ambiti strategici, è pari al 99,83%. " +
			"Dei 51 obiettivi del piano risultano 46 raggiunti, 3 parzialmente raggiunti, 1 non raggiunto e 1 senza punteggio. " +
			"I valori sono disponibili per 84 degli 88 indicatori del piano (95,45%)."},
		{narrative.KeySummary, 1, "Il risultato migliore, 100%, è raggiunto da 4 dei 5 ambiti strategici (1, 3, 4 e 5); " +
			"il più basso è quello dell'ambito 2 «Le imprese al centro: rafforzamento strutturale, innovazione,» (99,17%)."},
		{narrative.KeySummary, 2, "I risultati più bassi sono quelli degli obiettivi O.1.1.1 «Assicurare il coordinamento degli obiettivi strategici e d operativi» (75%), " +
			"OT_2 «Gestione e riorganizzazione degli archivi camerali» (83,33%) e TR.4 «Obiettivo di formazione del personale» (96,48%)."},
		{narrative.KeySummary, 3, "Non è disponibile una Relazione del 2022 per questo piano: il confronto con l'anno precedente non è possibile."},
		{narrative.KeyStrategic, 1, "Ambito 2 «Le imprese al centro: rafforzamento strutturale, innovazione,»: 99,17%, parzialmente raggiunto. " +
			"Comprende 3 obiettivi strategici, di cui 2 al 100% e 1 sotto il 100%. " +
			"L'obiettivo 2.3 «Sostegno all'Internazionalizzazione» si ferma al 97,5%: l'indicatore «CSI – gradimento iniziative camerali» registra 7,8 a fronte di un target ≥ 8 (97,5%)."},
		{narrative.KeyDeviations, 0, "Al 31/12/2023 4 indicatori non raggiungono pienamente il target e 2 indicatori non sono applicabili. Nessuna motivazione dello scostamento è ancora completa."},
		{narrative.KeyDeviations, 1, "L'indicatore 2.3/1 «CSI – gradimento iniziative camerali» dell'obiettivo 2.3 registra 7,8 a fronte di un target ≥ 8 (raggiungimento 97,5%). " +
			"Il dirigente responsabile non ha ancora motivato lo scostamento."},
		{narrative.KeyOrganisational, 1, "Il confronto con un altro ente (benchmark) riguarda l'indicatore PO.4.1/1 «Giorni di ritardo nei pagamenti rispetto alla CCIAA Chieti PESCARA» " +
			"dell'obiettivo PO.4.1 «Benchmarking»: il valore dell'ente è −18,37, quello di confronto −5,7; il raggiungimento è pari al 100%."},
		{narrative.KeyQuality, 0, "Attenzione: i valori misurati di questa Relazione sono dati dimostrativi, non dati reali dell'ente. " +
			"Per 4 degli 88 indicatori del piano non è disponibile un valore per il 2023. " +
			"Il testo pubblicato del piano presenta 86 punti che hanno richiesto un'interpretazione, riportati con l'interpretazione adottata nella tabella «Note sulla qualità dei dati»."},
	} {
		if got := para(c.key, c.i).Text(); got != c.want {
			t.Errorf("%s §%d:\n got %q\nwant %q", c.key, c.i, got, c.want)
		}
	}
	// sources: the area paragraph names the areas table and the objectives
	if got := para(narrative.KeyStrategic, 1).Sentences[2].Sources; len(got) != 1 || got[0].Label() != "tabella «Obiettivi strategici», riga 2.3" {
		t.Errorf("sources of the 2.3 sentence: %+v", got)
	}
	for _, s := range secs {
		for _, p := range s.Paragraphs {
			for _, x := range p.Sentences {
				if len(x.Sources) == 0 {
					t.Errorf("%s: sentence without a source: %q", s.Key, x.Text)
				}
			}
		}
	}
	// deterministic
	if again := build(); !reflect.DeepEqual(secs, again) {
		t.Error("two generations differ")
	}

	// a motivazione, once written, is quoted verbatim
	if _, err := ref.Pool.Exec(ctx, `UPDATE measurements m SET deviation_what = $2, deviation_why = $3, deviation_action = $4
		FROM indicators i, periods p WHERE i.id = m.indicator_id AND p.id = m.period_id AND i.plan_id = $1 AND i.key = '2.3/1'
		AND p.year = 2023 AND p.kind = 'final'`, ref.Plan.ID, "Gradimento medio 7,8 su 10.", "Due iniziative rinviate al 2024.", ""); err != nil {
		t.Fatal(err)
	}
	secs = build()
	if got, want := para(narrative.KeyDeviations, 1).Text(), "L'indicatore 2.3/1 «CSI – gradimento iniziative camerali» dell'obiettivo 2.3 registra 7,8 a fronte di un target ≥ 8 (raggiungimento 97,5%). "+
		"Il dirigente responsabile riferisce. Cosa è successo: «Gradimento medio 7,8 su 10.»; perché: «Due iniziative rinviate al 2024.»; azione correttiva non indicata."; got != want {
		t.Errorf("quoted motivazione:\n got %q\nwant %q", got, want)
	}
}
