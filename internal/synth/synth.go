// Package synth generates synthetic PIAO plans and their measurements for
// load tests and benchmarks. The output is deterministic: the same Config
// gives byte-identical documents and rows (math/rand/v2 PCG with fixed seeds,
// no map iteration, no clock).
//
// A synthetic plan looks like the reference plan (internal/seed): five areas,
// strategic objectives with 1–2 KPIs, operational objectives under them with
// 1–5 KPIs, transversal and extraordinary objectives, organisational
// objectives with the same derived indicators as the reference plan, three
// manager roles with their individual objectives, and a mix of formulas
// (direct counts, percentages from numerator and denominator, SI/NO, days
// against ≤ targets including negative values, a difference against a
// benchmark, a ratio to the previous year) with a target for every plan year.
// Every ente is labelled as demo data.
package synth

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"

	"github.com/piao-performance/piao/internal/measure"
	"github.com/piao-performance/piao/internal/plan"
)

// Config says what to generate.
type Config struct {
	Enti              int    // number of enti, each with one plan
	IndicatorsPerEnte int    // exact number of indicators of each plan, at least MinIndicators
	Years             int    // plan years, 1–10
	StartYear         int    // first plan year
	Seed              uint64 // same Config, same output
	// ObjectivesPerEnte, when positive, fixes the number of objectives of each
	// plan too (the scoring benchmark asks for 10,000 objectives holding 50,000
	// indicators). Operational objectives then hold as many indicators as the
	// budget needs, which may exceed 5. Zero lets each operational objective
	// have 1–5 indicators, about 3 on average.
	ObjectivesPerEnte int
}

// Fixed parts of every synthetic plan.
const (
	areas             = 5
	transversal       = 4  // TR.1–TR.4, 1–2 KPIs each
	extraordinary     = 2  // OT_1, OT_2, 1 KPI each
	organisational    = 6  // PO.1.1–PO.4.1
	organisationalKPI = 10 // their indicators: 4 derived, 4 components, 2 others
	fixedObjectives   = transversal + extraordinary + organisational
	fixedMaxKPI       = 2*transversal + extraordinary + organisationalKPI

	// MinIndicators is the smallest IndicatorsPerEnte Generate accepts.
	MinIndicators = 3*2*areas + fixedMaxKPI
)

// Ente is one generated ente: its plan and the measurements of every plan year.
type Ente struct {
	Doc          *plan.Document
	Measurements []measure.Row
}

// strategicPerArea scales the strategic objectives with the plan: 2 per area
// for plans of the usual size, more for very large ones so that a strategic
// objective keeps a few dozen operational objectives at most.
func (c Config) strategicPerArea() int {
	n := c.IndicatorsPerEnte / 400
	if c.ObjectivesPerEnte > 0 {
		n = c.ObjectivesPerEnte / 130
	}
	return max(2, n)
}

// Validate reports a Config that Generate cannot honour.
func (c Config) Validate() error {
	var errs []error
	if c.Enti < 0 || c.Enti > 100000 {
		errs = append(errs, fmt.Errorf("enti %d: must be between 0 and 100000", c.Enti))
	}
	if c.Years < 1 || c.Years > 10 {
		errs = append(errs, fmt.Errorf("years %d: must be between 1 and 10", c.Years))
	}
	if c.StartYear < 2001 || c.StartYear+c.Years-1 > 2100 {
		errs = append(errs, fmt.Errorf("start year %d: the plan years must lie in 2001–2100", c.StartYear))
	}
	if c.IndicatorsPerEnte < MinIndicators || c.IndicatorsPerEnte > 1_000_000 {
		errs = append(errs, fmt.Errorf("indicators per ente %d: must be between %d and 1000000", c.IndicatorsPerEnte, MinIndicators))
	}
	if c.ObjectivesPerEnte < 0 {
		errs = append(errs, fmt.Errorf("objectives per ente %d: must not be negative", c.ObjectivesPerEnte))
	}
	if c.ObjectivesPerEnte > 0 {
		strategic := areas * c.strategicPerArea()
		operational := c.ObjectivesPerEnte - strategic - fixedObjectives
		budget := c.IndicatorsPerEnte - 2*strategic - fixedMaxKPI // worst case left for operational KPIs
		switch {
		case operational < strategic:
			errs = append(errs, fmt.Errorf("objectives per ente %d: at least %d are needed (every strategic objective has an operational one)",
				c.ObjectivesPerEnte, 2*strategic+fixedObjectives))
		case budget < operational:
			errs = append(errs, fmt.Errorf("objectives per ente %d: too many for %d indicators (each objective has at least one)",
				c.ObjectivesPerEnte, c.IndicatorsPerEnte))
		}
	}
	return errors.Join(errs...)
}

// Generate returns cfg.Enti synthetic enti, "synth-001", "synth-002"… Ente n
// depends only on the seed, n and the sizes, not on how many enti are asked
// for. It panics on a Config that Validate rejects.
func Generate(cfg Config) []Ente {
	if err := cfg.Validate(); err != nil {
		panic("synth: " + err.Error())
	}
	out := make([]Ente, cfg.Enti)
	for i := range out {
		out[i] = generate(cfg, i+1)
	}
	return out
}

// GenerateNth returns ente n (1-based) of Generate(cfg) without building the
// others: a caller that needs one large ente, or streams many, holds one at
// a time. cfg.Enti does not matter. It panics on a Config that Validate
// rejects or an n below 1.
func GenerateNth(cfg Config, n int) Ente {
	c := cfg
	c.Enti = max(c.Enti, 1)
	if err := c.Validate(); err != nil {
		panic("synth: " + err.Error())
	}
	if n < 1 {
		panic("synth: ente number below 1")
	}
	return generate(cfg, n)
}

func generate(cfg Config, n int) Ente {
	seed := cfg.Seed + uint64(n)*0x9e3779b97f4a7c15 // golden-ratio stride: distinct, well spread streams
	g := &gen{rng: rand.New(rand.NewPCG(seed, 0x7069616f2d646f63)), cfg: cfg,
		start: cfg.StartYear, end: cfg.StartYear + cfg.Years - 1}
	doc := g.document(n)
	return Ente{Doc: doc, Measurements: Measurements(doc, seed)}
}

// gen builds one document.
type gen struct {
	rng        *rand.Rand
	cfg        Config
	start, end int
	line       int // a made-up source line, increasing like the reference's
}

func (g *gen) nextLine() int {
	g.line += 5 + g.rng.IntN(20)
	return g.line
}

// pick returns a random element of xs.
func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

// spread splits total into n parts of at least lo, each at most
// max(hi, ⌈total/n⌉), randomly but summing exactly to total.
func spread(r *rand.Rand, total, n, lo, hi int) []int {
	hi = max(hi, (total+n-1)/n)
	parts := make([]int, n)
	for i := range parts {
		parts[i] = total / n
		if i < total%n {
			parts[i]++
		}
	}
	// Random transfers between pairs keep the sum and the bounds.
	for range 2 * n {
		i, j := r.IntN(n), r.IntN(n)
		if i == j {
			continue
		}
		room := min(parts[i]-lo, hi-parts[j])
		if room <= 0 {
			continue
		}
		d := 1 + r.IntN(room)
		parts[i] -= d
		parts[j] += d
	}
	r.Shuffle(n, func(i, j int) { parts[i], parts[j] = parts[j], parts[i] })
	return parts
}

var unitList = []plan.Unit{
	{Key: "area-a", Name: "Area A — Risorse, bilancio e servizi interni"},
	{Key: "area-b", Name: "Area B — Servizi alle imprese e regolazione del mercato"},
	{Key: "segreteria", Name: "Ufficio Segreteria Generale e Affari Generali"},
	{Key: "ragioneria", Name: "Ufficio Bilancio e Ragioneria", Parent: "area-a"},
	{Key: "personale", Name: "Ufficio Personale", Parent: "area-a"},
	{Key: "provveditorato", Name: "Ufficio Provveditorato", Parent: "area-a"},
	{Key: "registro-imprese", Name: "Ufficio Registro delle Imprese", Parent: "area-b"},
	{Key: "promozione", Name: "Ufficio Promozione e Internazionalizzazione", Parent: "area-b"},
	{Key: "regolazione", Name: "Servizio Regolazione del Mercato e Tutela del Consumatore", Parent: "area-b"},
}

var roleList = []plan.Role{
	{Key: "sg", Title: "Segretario Generale", Unit: "segreteria"},
	{Key: "dir-a", Title: "Dirigente Area A — Risorse, bilancio e servizi interni", Unit: "area-a"},
	{Key: "dir-b", Title: "Dirigente Area B — Servizi alle imprese e regolazione del mercato", Unit: "area-b", RPCT: true},
}

var areaTitles = [areas]string{
	"Rafforzare lo stato di salute del sistema economico locale",
	"Le imprese al centro: innovazione, transizione digitale ed ecologica",
	"Semplicità e innovazione: la PA al servizio dell'economia",
	"Un territorio attrattivo: ambiente, cultura, turismo",
	"Le imprese di domani: giovani e donne",
}

// allUnits lists every unit key, for the objectives that involve the whole ente.
func allUnits() ([]string, string) {
	keys := make([]string, len(unitList))
	for i, u := range unitList {
		keys[i] = u.Key
	}
	return keys, "tutte"
}

func (g *gen) document(n int) *plan.Document {
	d := &plan.Document{
		Ente: plan.Ente{
			Slug:      fmt.Sprintf("synth-%03d", n),
			Name:      fmt.Sprintf("Ente sintetico %03d — dati dimostrativi", n),
			ShortName: fmt.Sprintf("Ente sintetico %03d", n),
		},
		Plan: plan.Info{
			Slug:      fmt.Sprintf("piao-%d-%d", g.start, g.end),
			Title:     fmt.Sprintf("PIAO %d–%d", g.start, g.end),
			StartYear: g.start, EndYear: g.end,
			Revision: plan.Revision{
				Label:     fmt.Sprintf("Approvazione (gennaio %d)", g.start),
				AdoptedOn: fmt.Sprintf("%d-01-31", g.start),
				Reason:    "Piano sintetico generato per le prove di carico: dati dimostrativi, non reali.",
			},
		},
		Units:       append([]plan.Unit(nil), unitList...),
		Roles:       append([]plan.Role(nil), roleList...),
		SourceTitle: "Piano sintetico generato da internal/synth (dati dimostrativi, non reali)",
		Individual:  []plan.Individual{},
		Notes:       []plan.QualityNote{},
	}
	for a := 1; a <= areas; a++ {
		d.Areas = append(d.Areas, plan.Area{Number: a, Title: areaTitles[a-1]})
	}

	// Sizes first: strategic KPIs and the fixed objectives, then operational
	// objectives share whatever is left of the indicator budget.
	perArea := g.cfg.strategicPerArea()
	nStrat := areas * perArea
	stratKPI := make([]int, nStrat)
	used := organisationalKPI + extraordinary
	for i := range stratKPI {
		stratKPI[i] = 1 + g.rng.IntN(2)
		used += stratKPI[i]
	}
	trKPI := make([]int, transversal)
	for i := range trKPI {
		trKPI[i] = 1 + g.rng.IntN(2)
		used += trKPI[i]
	}
	budget := g.cfg.IndicatorsPerEnte - used
	nOp := max(nStrat, budget/3)
	if g.cfg.ObjectivesPerEnte > 0 {
		nOp = g.cfg.ObjectivesPerEnte - nStrat - fixedObjectives
	}
	opKPI := spread(g.rng, budget, nOp, 1, 5)
	opPerStrat := spread(g.rng, nOp, nStrat, 1, 2*((nOp+nStrat-1)/nStrat))

	// Strategic objectives, area by area.
	var strategic []plan.Objective
	for a := 1; a <= areas; a++ {
		for k := 1; k <= perArea; k++ {
			i := len(strategic)
			code := fmt.Sprintf("%d.%d", a, k)
			o := plan.Objective{
				Code: code, CodeText: code, Kind: plan.KindStrategic, Area: a,
				Title:        g.title(),
				Description:  pick(g.rng, strategicDescriptions),
				Programme:    pick(g.rng, programmes),
				Stakeholders: pick(g.rng, stakeholders),
				SourceLine:   g.nextLine(),
			}
			for j := 1; j <= stratKPI[i]; j++ {
				o.Indicators = append(o.Indicators, g.indicator(fmt.Sprintf("%s/%d", code, j), pick(g.rng, strategicMix)))
			}
			strategic = append(strategic, o)
		}
	}
	d.Objectives = append(d.Objectives, strategic...)

	// Operational objectives under each strategic objective.
	op := 0
	for i, s := range strategic {
		owner := roleList[1+(s.Area+1)%2] // odd areas: dir-a, even areas: dir-b
		for k := 1; k <= opPerStrat[i]; k++ {
			code := fmt.Sprintf("O.%s.%d", s.Code, k)
			o := plan.Objective{
				Code: code, CodeText: code, Kind: plan.KindOperational, Area: s.Area, Parent: s.Code,
				Title:           g.title(),
				Description:     pick(g.rng, operationalDescriptions),
				Stakeholders:    pick(g.rng, stakeholders),
				OwnerText:       owner.Title,
				Owners:          []string{owner.Key},
				ExternalParties: pick(g.rng, externalParties),
				Resources:       g.resources(),
				SourceLine:      g.nextLine(),
			}
			if g.rng.IntN(8) == 0 { // a few are shared with the Segretario Generale
				o.OwnerText = "Segretario Generale e " + owner.Title
				o.Owners = []string{"sg", owner.Key}
			}
			o.Units, o.UnitsText = g.officesOf(owner.Unit)
			for j := 1; j <= opKPI[op]; j++ {
				o.Indicators = append(o.Indicators, g.indicator(fmt.Sprintf("%s/%d", code, j), pick(g.rng, operationalMix)))
			}
			op++
			d.Objectives = append(d.Objectives, o)
		}
	}

	d.Objectives = append(d.Objectives, g.transversal(trKPI)...)
	d.Objectives = append(d.Objectives, g.extraordinary()...)
	d.Objectives = append(d.Objectives, g.organisational()...)
	d.Individual = g.individual(d)
	return d
}

// officesOf returns one or two offices under the unit the owner heads.
func (g *gen) officesOf(area string) ([]string, string) {
	var offices []plan.Unit
	for _, u := range unitList {
		if u.Parent == area {
			offices = append(offices, u)
		}
	}
	first := g.rng.IntN(len(offices))
	keys, text := []string{offices[first].Key}, offices[first].Name
	if g.rng.IntN(3) == 0 {
		second := (first + 1 + g.rng.IntN(len(offices)-1)) % len(offices)
		keys = append(keys, offices[second].Key)
		text += ", " + offices[second].Name
	}
	return keys, text
}

func (g *gen) title() string {
	return pick(g.rng, titleVerbs) + " " + pick(g.rng, titleObjects)
}

func (g *gen) resources() string {
	if g.rng.IntN(3) == 0 {
		return "Euro -----"
	}
	return fmt.Sprintf("Euro %d.000,00", 5*(1+g.rng.IntN(40)))
}

var everyone = []string{"sg", "dir-a", "dir-b"}

const everyoneText = "Segretario Generale e Dirigenti"

func (g *gen) transversal(kpis []int) []plan.Objective {
	groups := [transversal]string{
		"Obiettivo trasversale Segretario Generale e Dirigenti",
		"Obiettivi operativi per attività svolte in modalità agile",
		"Obiettivi operativi in materia di prevenzione della corruzione e della trasparenza",
		"Obiettivi operativi in materia di prevenzione della corruzione e della trasparenza",
	}
	titles := [transversal]string{
		"Assicurare il rispetto dei tempi di pagamento delle fatture commerciali",
		"Mantenere la produttività dei servizi svolti in modalità agile",
		"Attuare le misure di prevenzione della corruzione del piano",
		"Assicurare la trasparenza dell'azione amministrativa",
	}
	mixes := [transversal][]kind{
		{kDaysNegative, kPercent},
		{kRatioPrevious, kDays},
		{kPercent, kCount},
		{kYesNo, kPercent},
	}
	units, unitsText := allUnits()
	var out []plan.Objective
	for i := range transversal {
		code := fmt.Sprintf("TR.%d", i+1)
		o := plan.Objective{
			Code: code, CodeText: code, Kind: plan.KindTransversal, Group: groups[i], Title: titles[i],
			Description: titles[i] + " in tutte le aree dell'ente.", Stakeholders: "Tutti gli utenti camerali",
			OwnerText: everyoneText, Owners: everyone, UnitsText: unitsText, Units: units,
			ExternalParties: "nessuno", Resources: "Euro -----", SourceLine: g.nextLine(),
		}
		for j := 1; j <= kpis[i]; j++ {
			o.Indicators = append(o.Indicators, g.indicator(fmt.Sprintf("%s/%d", code, j), mixes[i][j-1]))
		}
		out = append(out, o)
	}
	return out
}

func (g *gen) extraordinary() []plan.Objective {
	titles := [extraordinary]string{"Riordino e inventario del magazzino", "Riordino e scarto degli archivi cartacei"}
	var out []plan.Objective
	for i := range extraordinary {
		code := fmt.Sprintf("OT_%d", i+1)
		o := plan.Objective{
			Code: code, CodeText: code, Kind: plan.KindExtraordinary,
			Group: "Obiettivi trasversali straordinari dei Dirigenti e del Segretario Generale", Title: titles[i],
			Description: titles[i] + " entro la fine dell'anno.", Stakeholders: "Personale interno",
			OwnerText: everyoneText, Owners: everyone, UnitsText: "Ufficio Provveditorato", Units: []string{"provveditorato"},
			ExternalParties: "nessuno", Resources: "Euro -----", SourceLine: g.nextLine(),
		}
		o.Indicators = append(o.Indicators, g.indicator(code+"/1", kPercent))
		out = append(out, o)
	}
	return out
}

// organisational returns the organisational performance objectives, shaped
// like PO.* in the reference plan (internal/seed/data/20-operational.json).
func (g *gen) organisational() []plan.Objective {
	units, unitsText := allUnits()
	obj := func(code, codeText, group, title, description string, inds ...plan.Indicator) plan.Objective {
		return plan.Objective{
			Code: code, CodeText: codeText, Kind: plan.KindOrganisational, Group: group, Title: title,
			Description: description, OwnerText: "Tutti", Owners: everyone, UnitsText: unitsText, Units: units,
			ExternalParties: "nessuno", Resources: "Euro -----", SourceLine: g.nextLine(), Indicators: inds,
		}
	}
	derived := func(key, name, unit string, target float64, text string, d plan.Derived) plan.Indicator {
		in := plan.Indicator{Key: key, Name: name, Algorithm: name, Unit: unit, Polarity: plan.PolarityHigher,
			Formula: plan.FormulaDerived, Derived: &d, Source: "Sistema di misurazione e valutazione della performance"}
		in.Baselines = []plan.Baseline{g.baseline(unit, target*(1+g.rng.Float64()/5))}
		for y := g.start; y <= g.end; y++ {
			in.Targets = append(in.Targets, target0(y, plan.OpGTE, target, text))
		}
		return in
	}
	ratio := func(key, name, num, den string, scale float64, op string, target float64, text string) plan.Indicator {
		unit := plan.UnitRatio
		if scale == 100 {
			unit = plan.UnitPercent
		}
		pol := plan.PolarityHigher
		if op == plan.OpLTE {
			pol = plan.PolarityLower
		}
		in := plan.Indicator{Key: key, Name: name, Algorithm: num + " / " + den, Source: "Bilancio d'esercizio",
			Unit: unit, Polarity: pol, Formula: plan.FormulaRatio, Scale: scale, Component: true,
			Inputs: plan.FormulaRatio.Inputs(num, den)}
		for y := g.start; y <= g.end; y++ {
			in.Targets = append(in.Targets, target0(y, op, target, text))
		}
		return in
	}
	const strategy, health = "Stato di attuazione della strategia", "Stato di salute dell'Ente"

	complaints := g.indicator("PO.3.1/1", kComplaints)
	payments := g.indicator("PO.4.1/1", kDifference)
	return []plan.Objective{
		obj("PO.1.1", "OO1", strategy, "Grado di realizzazione del piano delle azioni",
			"Assicurare che la performance media delle azioni sia almeno pari all'80%",
			derived("PO.1.1/1", "Performance media del piano delle azioni", plan.UnitPercent, 80, ">=80%",
				plan.Derived{Function: "avg_objectives", Kinds: []string{plan.KindOperational, plan.KindTransversal, plan.KindExtraordinary}})),
		obj("PO.1.2", "002", strategy, "Grado di realizzazione del piano operativo",
			"Assicurare che la performance media degli obiettivi operativi sia almeno pari all'80%",
			derived("PO.1.2/1", "Performance media degli obiettivi operativi previsti nel piano", plan.UnitPercent, 80, ">=80%",
				plan.Derived{Function: "avg_objectives", Kinds: []string{plan.KindOperational}})),
		obj("PO.1.3", "003", strategy, "Grado di realizzazione del piano strategico",
			"Garantire il conseguimento di almeno due obiettivi strategici in misura pari al 100%.",
			derived("PO.1.3/1", "Obiettivi strategici conseguiti in misura pari al 100%", plan.UnitCount, 2, ">=2",
				plan.Derived{Function: "count_objectives_full", Kinds: []string{plan.KindStrategic}})),
		obj("PO.2.1", "001", health, "Monitoraggio dello stato di salute dell'Ente",
			"Assicurare che per almeno uno dei seguenti KPI dello stato di salute dell'Ente venga raggiunto il target",
			derived("PO.2.1/1", "Indicatori per i quali è stato raggiunto il target previsto", plan.UnitCount, 1, ">=1",
				plan.Derived{Function: "count_indicators_met", Indicators: []string{"PO.2.1/2", "PO.2.1/3", "PO.2.1/4", "PO.2.1/5"}}),
			ratio("PO.2.1/2", "Margine di struttura inverso", "Patrimonio netto", "Immobilizzazioni", 1, plan.OpGTE, 0.7, ">= 0,7"),
			ratio("PO.2.1/3", "Margine di tesoreria", "Cassa e crediti di funzionamento", "Debiti di funzionamento e fondi rischi", 1, plan.OpGTE, 1.5, ">= 1,5"),
			ratio("PO.2.1/4", "Grado di previsione del cash flow in uscita", "Spese pagate nell'anno", "Spese previste nell'anno", 1, plan.OpLTE, 1, "<= 1"),
			ratio("PO.2.1/5", "Indice di rigidità di bilancio", "Costi di struttura", "Totale dei proventi", 100, plan.OpLTE, 100, "<= 100%")),
		obj("PO.3.1", "004", "Qualità dei servizi", "Prevenire i fenomeni corruttivi e i reclami degli utenti",
			"Contenere i fenomeni corruttivi e i reclami fondati entro la soglia prevista", complaints),
		obj("PO.4.1", "005", "Benchmarking", "Tempestività dei pagamenti rispetto alla Camera di confronto",
			"Pagare i fornitori non più tardi della Camera di commercio di confronto", payments),
	}
}

// individual gives each role individual objectives that repeat plan
// objectives, as in section 4.3.4 of the reference: some of the operational
// objectives it owns, a transversal, an extraordinary and an organisational one.
func (g *gen) individual(d *plan.Document) []plan.Individual {
	prefix := map[string]string{"sg": "SG", "dir-a": "DA", "dir-b": "DB"}
	var out []plan.Individual
	for _, r := range roleList {
		var picks []*plan.Objective
		for i := range d.Objectives {
			o := &d.Objectives[i]
			if o.Kind == plan.KindOperational && slices.Contains(o.Owners, r.Key) && len(picks) < 8 {
				picks = append(picks, o)
			}
		}
		if r.Key == "sg" && len(picks) == 0 { // no shared objective: the first operational one
			for i := range d.Objectives {
				if d.Objectives[i].Kind == plan.KindOperational {
					picks = append(picks, &d.Objectives[i])
					break
				}
			}
		}
		for i := range d.Objectives {
			switch d.Objectives[i].Code {
			case "TR.1", "TR.3", "OT_1", "PO.1.2":
				picks = append(picks, &d.Objectives[i])
			}
		}
		for k, o := range picks {
			iv := plan.Individual{
				Role: r.Key, Code: fmt.Sprintf("%s%d", prefix[r.Key], k+1), Title: o.Title, Objective: o.Code,
				SourceLine: g.nextLine(), Indicators: []plan.IndividualIndicator{},
			}
			switch o.Kind {
			case plan.KindOperational:
				iv.Group = "Obiettivi operativi"
			case plan.KindOrganisational:
				iv.Group = "Performance organizzativa"
			default:
				iv.Group = "Obiettivi trasversali"
			}
			for _, in := range o.Indicators {
				if in.Component {
					continue
				}
				text := ""
				if len(in.Targets) > 0 {
					text = in.Targets[0].Text
				}
				iv.Indicators = append(iv.Indicators, plan.IndividualIndicator{Indicator: in.Key, Name: in.Name,
					Algorithm: in.Algorithm, TargetText: text})
			}
			out = append(out, iv)
		}
	}
	return out
}
