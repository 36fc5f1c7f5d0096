package synth

import (
	"math"

	"github.com/piao-performance/piao/internal/itfmt"
	"github.com/piao-performance/piao/internal/plan"
)

// kind is a family of KPI: formula, unit, operator and how targets move over
// the plan years.
type kind uint8

const (
	kCount         kind = iota // direct count, ≥, growing 5% a year
	kPercent                   // numerator / denominator × 100, ≥
	kYesNo                     // SI/NO
	kDays                      // direct days, ≤, shrinking a day a year
	kDaysNegative              // payment timeliness in days, ≤ 0 or ≤ −5: actuals are often negative
	kDifference                // own days − benchmark days, ≤
	kRatioPrevious             // this year's / last year's value, ≥ 1
	kEuro                      // direct euro, ≥
	kPercentLTE                // numerator / denominator × 100, ≤
	kComplaints                // direct count, ≤ a small number
)

// Weighted mixes: each kind appears as often as it should be drawn.
var (
	strategicMix   = []kind{kCount, kCount, kCount, kPercent, kPercent, kEuro, kYesNo, kPercentLTE}
	operationalMix = []kind{kCount, kCount, kCount, kCount, kCount, kCount, kPercent, kPercent, kPercent, kPercent,
		kYesNo, kYesNo, kDays, kDays, kDaysNegative, kDifference, kRatioPrevious, kEuro, kEuro, kPercentLTE}
)

// template is the wording of a KPI; num and den label the inputs of computed
// formulas (numerator/denominator, own value/benchmark, current/previous).
type template struct {
	name, algorithm, source, num, den string
}

var catalogue = map[kind][]template{
	kCount: {
		{name: "Imprese assistite dal Punto Impresa Digitale", algorithm: "Numero di imprese assistite", source: "Cruscotto transizione digitale"},
		{name: "Incontri e seminari informativi organizzati", algorithm: "Numero di incontri realizzati", source: "Delibere e provvedimenti dirigenziali"},
		{name: "Verifiche metrologiche effettuate", algorithm: "Numero di verifiche effettuate", source: "Verbali di verifica"},
		{name: "Imprese coinvolte in iniziative di internazionalizzazione", algorithm: "Numero di imprese partecipanti", source: "Osservatorio camerale"},
		{name: "Percorsi di orientamento al lavoro realizzati", algorithm: "Numero di percorsi realizzati", source: "Provvedimenti dirigenziali"},
		{name: "Ispezioni di vigilanza sui prodotti", algorithm: "Numero di ispezioni", source: "Verbali di ispezione"},
		{name: "Voucher per la digitalizzazione concessi", algorithm: "Numero di voucher concessi", source: "Provvedimenti dirigenziali"},
		{name: "Pratiche di composizione negoziata della crisi gestite", algorithm: "Numero di pratiche gestite", source: "Piattaforma nazionale"},
	},
	kPercent: {
		{name: "Pratiche del Registro delle Imprese evase entro 5 giorni", algorithm: "Pratiche evase entro 5 giorni / pratiche ricevute", source: "Priamo", num: "Pratiche evase entro 5 giorni", den: "Pratiche ricevute"},
		{name: "Diritto annuale riscosso spontaneamente", algorithm: "Importo riscosso entro la scadenza / importo dovuto", source: "Osservatorio bilanci", num: "Importo riscosso entro la scadenza", den: "Importo dovuto"},
		{name: "Utenti soddisfatti del servizio", algorithm: "Giudizi positivi / questionari raccolti", source: "Indagine di customer satisfaction", num: "Giudizi positivi", den: "Questionari raccolti"},
		{name: "Dipendenti formati nell'anno", algorithm: "Dipendenti con almeno un corso concluso / dipendenti in servizio", source: "Ufficio Personale", num: "Dipendenti con almeno un corso concluso", den: "Dipendenti in servizio"},
		{name: "Misure anticorruzione attuate", algorithm: "Misure attuate / misure programmate", source: "Relazione RPCT", num: "Misure attuate", den: "Misure programmate"},
	},
	kYesNo: {
		{name: "Adozione del regolamento entro l'anno", algorithm: "Regolamento adottato (SI/NO)", source: "Delibere e provvedimenti dirigenziali"},
		{name: "Pubblicazione della Relazione sulla performance entro il 30 giugno", algorithm: "Relazione pubblicata nei termini (SI/NO)", source: "Amministrazione trasparente"},
		{name: "Aggiornamento della sezione Amministrazione trasparente", algorithm: "Sezione aggiornata (SI/NO)", source: "Verbali Oiv"},
		{name: "Attivazione dello sportello digitale per le imprese", algorithm: "Sportello attivato (SI/NO)", source: "Provvedimenti dirigenziali"},
	},
	kDays: {
		{name: "Tempo medio di evasione delle pratiche telematiche", algorithm: "Giorni medi tra ricezione ed evasione", source: "Priamo"},
		{name: "Tempo medio di rilascio dei certificati di origine", algorithm: "Giorni medi tra richiesta e rilascio", source: "Cert'O"},
		{name: "Tempo medio di risposta alle istanze di accesso", algorithm: "Giorni medi tra istanza e risposta", source: "Protocollo informatico"},
	},
	kDaysNegative: {
		{name: "Indicatore di tempestività dei pagamenti", algorithm: "Giorni medi tra scadenza e pagamento delle fatture, ponderati per l'importo", source: "Piattaforma crediti commerciali"},
	},
	kDifference: {
		{name: "Giorni di ritardo nei pagamenti rispetto alla Camera di confronto", algorithm: "Tempestività dei pagamenti dell'ente − tempestività della Camera di confronto", source: "Piattaforma crediti commerciali",
			num: "Indicatore di tempestività dei pagamenti dell'ente", den: "Indicatore di tempestività dei pagamenti della Camera di confronto"},
	},
	kRatioPrevious: {
		{name: "Mantenimento della produttività media del servizio in lavoro agile", algorithm: "Pratiche evase nell'anno / pratiche evase nell'anno precedente", source: "Kronos",
			num: "Pratiche evase nell'anno", den: "Pratiche evase nell'anno precedente"},
	},
	kEuro: {
		{name: "Contributi erogati alle imprese del territorio", algorithm: "Somma dei contributi liquidati", source: "Contabilità camerale"},
		{name: "Risorse esterne acquisite su progetti", algorithm: "Somma delle risorse acquisite", source: "Contabilità camerale"},
	},
	kPercentLTE: {
		{name: "Incidenza degli oneri di funzionamento sui proventi correnti", algorithm: "Oneri di funzionamento / proventi correnti", source: "Bilancio d'esercizio", num: "Oneri di funzionamento", den: "Proventi correnti"},
		{name: "Pratiche sospese per irregolarità", algorithm: "Pratiche sospese / pratiche ricevute", source: "Priamo", num: "Pratiche sospese", den: "Pratiche ricevute"},
	},
	kComplaints: {
		{name: "Fenomeni corruttivi e reclami fondati rilevati nell'anno", algorithm: "Numero di fenomeni corruttivi e reclami fondati", source: "Relazione RPCT"},
	},
}

// indicator returns a KPI of kind k with a target for every plan year and a
// baseline for the year before the plan.
func (g *gen) indicator(key string, k kind) plan.Indicator {
	t := pick(g.rng, catalogue[k])
	in := plan.Indicator{Key: key, Name: t.name, Algorithm: t.algorithm, Source: t.source,
		Polarity: plan.PolarityHigher, Formula: plan.FormulaDirect}
	op := plan.OpGTE
	var t0 float64
	var next func(i int) float64 // target of plan year i (0-based)
	switch k {
	case kCount:
		in.Unit = plan.UnitCount
		t0 = niceCount(g.rng.IntN(400) + 4)
		next = func(i int) float64 { return math.Round(t0 * (1 + 0.05*float64(i))) }
	case kPercent, kPercentLTE:
		in.Unit, in.Formula, in.Scale = plan.UnitPercent, plan.FormulaRatio, 100
		in.Inputs = in.Formula.Inputs(t.num, t.den)
		if k == kPercent {
			t0 = float64(60 + 5*g.rng.IntN(7))
			next = func(i int) float64 { return math.Min(100, t0+2*float64(i)) }
		} else {
			op, in.Polarity = plan.OpLTE, plan.PolarityLower
			t0 = float64(10 + 5*g.rng.IntN(7))
			next = func(i int) float64 { return math.Max(5, t0-float64(i)) }
		}
	case kYesNo:
		in.Unit, in.Formula, op, t0 = plan.UnitYesNo, plan.FormulaYesNo, plan.OpYes, 1
		next = func(int) float64 { return 1 }
	case kDays:
		in.Unit, in.Polarity, op = plan.UnitDays, plan.PolarityLower, plan.OpLTE
		t0 = float64(5 + g.rng.IntN(26))
		next = func(i int) float64 { return math.Max(1, t0-float64(i)) }
	case kDaysNegative:
		in.Unit, in.Polarity, op = plan.UnitDays, plan.PolarityLower, plan.OpLTE
		t0 = pick(g.rng, []float64{0, 0, -5})
		next = func(int) float64 { return t0 }
	case kDifference:
		in.Unit, in.Polarity, in.Formula, op = plan.UnitDays, plan.PolarityLower, plan.FormulaDifference, plan.OpLTE
		in.Inputs = in.Formula.Inputs(t.num, t.den)
		t0 = pick(g.rng, []float64{0, 5, 10})
		next = func(int) float64 { return t0 }
	case kRatioPrevious:
		in.Unit, in.Formula, t0 = plan.UnitRatio, plan.FormulaRatioPrevious, 1
		in.Inputs = in.Formula.Inputs(t.num, t.den)
		next = func(int) float64 { return 1 }
	case kEuro:
		in.Unit = plan.UnitEuro
		t0 = float64(5000 * (2 + g.rng.IntN(60)))
		next = func(i int) float64 { return math.Round(t0*(1+0.05*float64(i))/1000) * 1000 }
	case kComplaints:
		in.Unit, in.Polarity, op = plan.UnitCount, plan.PolarityLower, plan.OpLTE
		t0 = pick(g.rng, []float64{0, 1, 2, 5})
		next = func(int) float64 { return t0 }
	}
	for y := g.start; y <= g.end; y++ {
		v := next(y - g.start)
		in.Targets = append(in.Targets, target0(y, op, v, targetText(op, v, in.Unit)))
	}
	var b float64
	switch k {
	case kDaysNegative:
		b = round(-25*g.rng.Float64()+5, 2)
	case kDifference:
		b = round(t0+10*g.rng.Float64()-5, 2)
	case kRatioPrevious:
		b = round(0.9+0.2*g.rng.Float64(), 2)
	case kYesNo:
		b = float64(g.rng.IntN(2))
	default:
		b = t0 * (0.85 + 0.25*g.rng.Float64())
	}
	in.Baselines = []plan.Baseline{g.baseline(in.Unit, b)}
	return in
}

// niceCount rounds counts above 50 to a multiple of 5, as plans do.
func niceCount(n int) float64 {
	if n > 50 {
		n -= n % 5
	}
	return float64(n)
}

func target0(year int, op string, v float64, text string) plan.Target {
	return plan.Target{Year: year, Operator: op, Value: &v, Text: text}
}

// targetText writes a target the way plans publish it: ">= 120", "<= 0", "SI".
func targetText(op string, v float64, unit string) string {
	if op == plan.OpYes {
		return itfmt.Value(v, plan.UnitYesNo)
	}
	return op + " " + itfmt.Value(v, unit)
}

// baseline is the value of the year before the plan; one in twelve is "n.d.".
func (g *gen) baseline(unit string, v float64) plan.Baseline {
	b := plan.Baseline{Year: g.start - 1}
	if g.rng.IntN(12) == 0 {
		b.Text = "n.d."
		return b
	}
	switch unit {
	case plan.UnitCount, plan.UnitYesNo:
		v = math.Round(v)
	default:
		v = round(v, 2)
	}
	b.Value, b.Text = &v, itfmt.Value(v, unit)
	if g.rng.IntN(6) == 0 {
		b.Text += "*"
		b.Footnote = "* Relazione sulla performance " + itfmt.Number(float64(g.start-1), 0)
	}
	return b
}

func round(v float64, decimals int) float64 {
	p := math.Pow10(decimals)
	r := math.Round(v*p) / p
	if r == 0 {
		return 0 // no negative zero
	}
	return r
}

var titleVerbs = []string{
	"Potenziare", "Semplificare", "Digitalizzare", "Migliorare", "Promuovere", "Rafforzare", "Sostenere",
	"Valorizzare", "Monitorare", "Ampliare", "Razionalizzare", "Garantire",
}

var titleObjects = []string{
	"i servizi del Registro delle Imprese", "la vigilanza sul mercato e la tutela del consumatore",
	"la transizione digitale delle imprese", "l'internazionalizzazione delle piccole e medie imprese",
	"l'orientamento dei giovani al lavoro e alle professioni", "l'imprenditoria femminile",
	"la riscossione del diritto annuale", "la trasparenza dell'azione amministrativa",
	"la formazione del personale", "la gestione del patrimonio camerale", "la promozione turistica del territorio",
	"la composizione negoziata della crisi d'impresa", "i servizi di metrologia legale",
	"la sostenibilità ambientale delle imprese", "l'accesso al credito delle imprese", "la comunicazione istituzionale",
}

var strategicDescriptions = []string{
	"Accompagnare le imprese del territorio nei processi di crescita e innovazione.",
	"Rendere i servizi camerali più semplici, veloci e accessibili in modalità digitale.",
	"Sostenere la competitività del sistema economico locale con iniziative mirate.",
	"Favorire un mercato trasparente e corretto a tutela di imprese e consumatori.",
}

var operationalDescriptions = []string{
	"Realizzare le attività programmate nei tempi previsti.",
	"Ridurre i tempi di risposta all'utenza mantenendo la qualità del servizio.",
	"Organizzare iniziative rivolte alle imprese in collaborazione con i partner del territorio.",
	"Completare le azioni previste dal piano annuale dell'ufficio.",
}

var programmes = []string{
	"Promozione e attuazione di politiche di sviluppo, competitività e innovazione",
	"Vigilanza sui mercati e sui prodotti, promozione della concorrenza e tutela dei consumatori",
	"Sostegno all'internazionalizzazione delle imprese e promozione del made in Italy",
	"003 - Servizi e affari generali per le Amministrazioni di competenza",
}

var stakeholders = []string{"Imprese", "Imprese", "Imprese e istituti scolastici", "Tutti gli utenti camerali", "Organi camerali", "Personale interno"}

var externalParties = []string{"nessuno", "Unioncamere", "Regione", "Associazioni di categoria", "Istituti scolastici del territorio"}
