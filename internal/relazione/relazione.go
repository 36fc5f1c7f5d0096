// Package relazione builds the tables of the Relazione sulla performance for
// a plan year from the scored final period: the same card the pages score,
// so the PDF, XLSX and CSV downloads and the page carry the same numbers.
// It returns a report.Document; package report writes the formats.
package relazione

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/piao-performance/piao/internal/document"
	"github.com/piao-performance/piao/internal/itfmt"
	"github.com/piao-performance/piao/internal/model"
	"github.com/piao-performance/piao/internal/plan"
	"github.com/piao-performance/piao/internal/scorecard"
	"github.com/piao-performance/piao/internal/scores"
	"github.com/piao-performance/piao/internal/scoring"
	"github.com/piao-performance/piao/internal/store"
	"github.com/piao-performance/piao/internal/workflow"
)

// DemoNotice is printed on every page, sheet and file built from demo data.
const DemoNotice = "DATI DIMOSTRATIVI: i valori misurati di questa relazione sono dati di esempio, non dati reali dell'ente."

// Section slugs, stable: they name XLSX sheets, CSV files and page anchors.
const (
	SecSummary        = "sintesi"
	SecAreas          = "ambiti"
	SecStrategic      = "obiettivi-strategici"
	SecCommon         = "obiettivi-comuni"
	SecOperationalAr  = "operativi-per-ambito"
	SecOperationalDir = "operativi-per-dirigente"
	SecTransversal    = "obiettivi-trasversali"
	SecExtraordinary  = "obiettivi-straordinari"
	SecOrganisational = "obiettivi-organizzativi"
	SecDeviations     = "scostamenti"
	SecIndividual     = "schede-individuali"
	SecNotes          = "qualita-dati"
	SecMethod         = "metodo"
	SecExplain        = "come-e-calcolato"
	SecObservations   = "osservazioni-oiv"
	SecValidation     = "validazione"
)

// Section is a section of the Relazione: its table's slug and title.
type Section struct{ Slug, Title string }

// Sections lists the Relazione's sections in order; public leaves out the
// individual scorecards, which the published version does not carry.
func Sections(public bool) []Section {
	all := []Section{{SecSummary, "Sintesi"}, {SecAreas, "Ambiti strategici"}, {SecStrategic, "Obiettivi strategici"}, {SecCommon, "Obiettivi comuni"}, {SecOperationalAr, "Obiettivi operativi per ambito"}, {SecOperationalDir, "Obiettivi operativi per dirigente"}, {SecTransversal, "Obiettivi trasversali"}, {SecExtraordinary, "Obiettivi trasversali straordinari"}, {SecOrganisational, "Obiettivi organizzativi"}, {SecDeviations, "Scostamenti e motivazioni"}, {SecIndividual, "Schede di valutazione individuale"}, {SecNotes, "Note sulla qualità dei dati"}, {SecMethod, "Metodo di misurazione"}, {SecExplain, "Come è calcolato"}, {SecObservations, "Osservazioni dell'OIV"}, {SecValidation, "Validazione della Relazione"}}
	if public {
		all = slices.DeleteFunc(all, func(x Section) bool { return x.Slug == SecIndividual })
	}
	return all
}

// title is the title of a section.
func title(slug string) string {
	for _, x := range Sections(false) {
		if x.Slug == slug {
			return x.Title
		}
	}
	return slug
}

// Options say who reads the Relazione.
type Options struct {
	Visibility model.Visibility
	Now        time.Time // generation time; zero = time.Now()
}

// ErrNoPeriod is returned when the plan has no final period for the year.
var ErrNoPeriod = errors.New("no final period for the year")

// Build assembles the Relazione of a plan year.
func Build(ctx context.Context, st *store.Store, h model.PlanHeader, year int, opt Options) (*document.Document, error) {
	period, err := st.Period(ctx, h.ID, year, "final")
	if errors.Is(err, store.ErrNotFound) {
		return nil, ErrNoPeriod
	}
	if err != nil {
		return nil, err
	}
	card, err := scores.Load(ctx, st, h, period, opt.Visibility)
	if err != nil {
		return nil, err
	}
	tree, err := st.PlanTree(ctx, h.EnteSlug, h.Slug)
	if err != nil {
		return nil, err
	}
	baselines, err := st.LatestBaselines(ctx, h.ID)
	if err != nil {
		return nil, err
	}
	_, notes, err := st.Notes(ctx, h.EnteSlug, h.Slug)
	if err != nil {
		return nil, err
	}
	obs, err := st.Observations(ctx, h.ID, year)
	if err != nil {
		return nil, err
	}
	val, err := st.ValidationOf(ctx, h.ID, year)
	var validation *model.Validation
	switch {
	case err == nil:
		validation = &val
	case !errors.Is(err, store.ErrNotFound):
		return nil, err
	}
	// every decision on the year, corrections and withdrawals included; the
	// published version lists those that met the rule for publication
	histories, err := st.ValidationHistory(ctx, h.ID, opt.Visibility == model.Public)
	if err != nil {
		return nil, err
	}
	history := histories[year]
	// the published version quotes only motivazioni of approved values
	deviations, err := st.Deviations(ctx, h, period.ID, opt.Visibility == model.Public)
	if err != nil {
		return nil, err
	}
	head, err := st.LatestAuditHead(ctx, h.EnteID)
	if err != nil {
		return nil, err
	}
	now := opt.Now
	if now.IsZero() {
		now = time.Now()
	}
	b := builder{card: card, res: card.Result, tree: tree, baselines: baselines, roles: map[string]string{}, areas: map[int]string{}}
	for _, r := range tree.Roles {
		b.roles[r.Key] = r.Title
	}
	for _, a := range tree.Areas {
		b.areas[a.Number] = a.Title
	}
	d := &document.Document{
		Title:     "Relazione sulla performance " + strconv.Itoa(year),
		Ente:      h.EnteName,
		Plan:      h.Title + " — " + h.RevisionLabel,
		Generated: now,
		Meta: []document.Meta{
			{Label: "Periodo", Value: period.Label()},
			{Label: "Stato del periodo", Value: periodState(period)},
			{Label: "Revisione del piano applicata", Value: card.Revision.Label},
			{Label: "Regole di misurazione", Value: card.Rules.Label()},
			{Label: "Indicatori con valore", Value: fmt.Sprintf("%d su %d", card.Measured, len(card.Model.Indicators))},
			{Label: "Performance dell'ente", Value: scoreText(card.Result.Ente)},
			{Label: "Validazione OIV", Value: validationText(validation, history)},
		},
		Tree: b.treeNodes(),
	}
	if opt.Visibility == model.Public {
		d.Meta = append(d.Meta, document.Meta{Label: "Dati", Value: "valori approvati di periodi chiusi"})
	} else {
		d.Meta = append(d.Meta, document.Meta{Label: "Dati", Value: "valori approvati (riservato agli utenti dell'ente)"})
	}
	if head.Seq > 0 {
		// Printing the chain head anchors the audit trail outside the database.
		// The chain is this ente's own: its numbers say nothing of other enti.
		d.Meta = append(d.Meta, document.Meta{Label: "Registro di audit alla generazione",
			Value: fmt.Sprintf("catena propria dell'ente, evento n. %d, impronta %s (verifica: piao audit verify --ente %s --anchor %s)",
				head.Seq, head.Hash, h.EnteSlug, head)})
	}
	if card.Demo {
		d.Notice = DemoNotice
	}
	d.Tables = append(d.Tables, b.summary(), b.areasTable())
	d.Tables = append(d.Tables,
		b.indicatorTable(SecStrategic, title(SecStrategic), "Gli obiettivi strategici per ambito con i loro indicatori.", plan.KindStrategic, groupArea),
		b.indicatorTable(SecCommon, title(SecCommon), "Gli obiettivi comuni a tutte le Camere di Commercio.", plan.KindCommon, groupNone),
		b.indicatorTable(SecOperationalAr, title(SecOperationalAr), "Gli obiettivi operativi raggruppati per ambito strategico.", plan.KindOperational, groupArea),
		b.indicatorTable(SecOperationalDir, title(SecOperationalDir), "Gli obiettivi operativi raggruppati per dirigente responsabile; un obiettivo con più responsabili compare sotto ciascuno.", plan.KindOperational, groupOwner),
		b.indicatorTable(SecTransversal, title(SecTransversal), "", plan.KindTransversal, groupNone),
		b.indicatorTable(SecExtraordinary, title(SecExtraordinary), "", plan.KindExtraordinary, groupNone),
		b.indicatorTable(SecOrganisational, title(SecOrganisational), "Stato della strategia e stato di salute dell'ente.", plan.KindOrganisational, groupNone),
		b.deviationsTable(period, deviations),
		b.individualTable(),
		notesTable(notes),
		b.methodTable(),
		b.explainTable(),
		observationsTable(obs),
		validationTable(history),
	)
	return d, nil
}

func periodState(p model.Period) string {
	if p.Closed() {
		return "chiuso il " + itfmt.Date(*p.ClosedAt)
	}
	return "aperto: i valori possono ancora cambiare"
}

func validationText(v *model.Validation, history []model.Validation) string {
	if v == nil {
		for i := len(history) - 1; i >= 0; i-- {
			if h := history[i]; h.EndKind == model.EndWithdrawn && h.EndedAt != nil {
				return "non validata: la validazione del " + itfmt.Date(h.DecidedOn) + " è stata revocata il " +
					itfmt.Date(h.EndedAt.In(itfmt.Rome())) + " (motivo: " + h.EndReason + ")"
			}
		}
		return "non ancora espressa"
	}
	s := model.OutcomeLabel(v.Outcome) + " il " + itfmt.Date(v.DecidedOn)
	if v.ActReference != "" {
		s += " (" + v.ActReference + ")"
	}
	return s
}

type builder struct {
	card      *scorecard.Card
	res       *scoring.Result
	tree      model.PlanTree
	baselines map[string]plan.Baseline
	roles     map[string]string
	areas     map[int]string
}

func scoreText(s scoring.Score) string {
	if s.Has {
		return itfmt.Number(s.Value, 2) + "%"
	}
	return s.Status.Label()
}

func text(s string) document.Cell { return document.Cell{Text: s} }

func pctCell(s scoring.Score) document.Cell {
	if !s.Has {
		return document.Cell{Text: s.Status.Label()}
	}
	return document.Cell{Text: itfmt.Number(s.Value, 2) + "%", Value: round2(s.Value), Has: true}
}

func intCell(n int) document.Cell {
	return document.Cell{Text: itfmt.Number(float64(n), 0), Value: float64(n), Has: true}
}

// round2 keeps the two decimals the pages show, so spreadsheet sums match them.
func round2(v float64) float64 {
	f, _ := strconv.ParseFloat(strconv.FormatFloat(v, 'f', 2, 64), 64)
	return f
}

func (b *builder) summary() document.Table {
	var met, partial, notMet, incomplete, other int
	for _, s := range b.res.Objectives {
		switch {
		case s.Incomplete():
			incomplete++
		case s.Status == scoring.StatusMet:
			met++
		case s.Status == scoring.StatusPartial:
			partial++
		case s.Status == scoring.StatusNotMet:
			notMet++
		default:
			other++
		}
	}
	t := document.Table{Slug: SecSummary, Title: title(SecSummary), Columns: []document.Column{{Header: "Voce", Width: 3}, {Header: "Valore", Kind: document.Number, Width: 1}}}
	t.Rows = [][]document.Cell{
		{text("Performance dell'ente (%)"), pctCell(b.res.Ente)},
		{text("Obiettivi raggiunti"), intCell(met)},
		{text("Obiettivi parzialmente raggiunti"), intCell(partial)},
		{text("Obiettivi non raggiunti"), intCell(notMet)},
		{text("Obiettivi incompleti (indicatori senza valore)"), intCell(incomplete)},
		{text("Obiettivi senza punteggio"), intCell(other)},
		{text("Indicatori con valore"), intCell(b.card.Measured)},
		{text("Indicatori del piano"), intCell(len(b.card.Model.Indicators))},
	}
	return t
}

func (b *builder) areasTable() document.Table {
	t := document.Table{Slug: SecAreas, Title: title(SecAreas), Intro: "Media degli obiettivi strategici di ciascun ambito; la performance dell'ente è la media degli ambiti.",
		Columns: []document.Column{{Header: "Ambito", Kind: document.Integer, Width: 0.7}, {Header: "Titolo", Width: 4}, {Header: "Raggiungimento", Kind: document.Percent, Width: 1.2}, {Header: "Stato", Width: 1.5}}}
	for a, number := range b.card.Model.Areas {
		s := b.res.Areas[a]
		t.Rows = append(t.Rows, []document.Cell{intCell(number), text(b.areas[number]), pctCell(s), text(statusText(s))})
	}
	t.Rows = append(t.Rows, []document.Cell{text(""), text("Ente"), pctCell(b.res.Ente), text(statusText(b.res.Ente))})
	return t
}

func statusText(s scoring.Score) string {
	if s.Incomplete() && s.Has {
		return s.Status.Label() + " (incompleto)"
	}
	return s.Status.Label()
}

// Grouping of an indicator table's rows.
const (
	groupNone = iota
	groupArea
	groupOwner
)

func (b *builder) indicatorTable(slug, title, intro, kind string, group int) document.Table {
	cols := []document.Column{
		{Header: "Obiettivo", Width: 0.9}, {Header: "Titolo dell'obiettivo", Width: 2.6}, {Header: "Indicatore", Width: 2.6},
		{Header: "Baseline", Width: 0.9}, {Header: "Target", Width: 0.9}, {Header: "Valore", Kind: document.Number, Width: 0.9},
		{Header: "Raggiungimento indicatore", Kind: document.Percent, Width: 1.1}, {Header: "Stato", Width: 1.2},
		{Header: "Raggiungimento obiettivo", Kind: document.Percent, Width: 1.1},
	}
	switch group {
	case groupArea:
		cols = append([]document.Column{{Header: "Ambito", Kind: document.Integer, Width: 0.6}}, cols...)
	case groupOwner:
		cols = append([]document.Column{{Header: "Dirigente", Width: 1.6}}, cols...)
	}
	t := document.Table{Slug: slug, Title: title, Intro: intro, Columns: cols}
	m := b.card.Model
	emit := func(lead *document.Cell, o int) {
		obj := m.Objectives[o]
		os := b.res.Objectives[o]
		inds := b.objectiveIndicators(o)
		if len(inds) == 0 {
			row := []document.Cell{text(obj.Code), text(obj.Title), text("—"), text(""), text(""), text(""), text(""), text(statusText(os)), pctCell(os)}
			if lead != nil {
				row = append([]document.Cell{*lead}, row...)
			}
			t.Rows = append(t.Rows, row)
			return
		}
		for _, i := range inds {
			row := append([]document.Cell{text(obj.Code), text(obj.Title)}, b.indicatorCells(i)...)
			row = append(row, pctCell(os))
			if lead != nil {
				row = append([]document.Cell{*lead}, row...)
			}
			t.Rows = append(t.Rows, row)
		}
	}
	switch group {
	case groupOwner:
		for _, role := range m.Roles {
			lead := text(b.roles[role])
			for o, obj := range m.Objectives {
				if obj.Kind == kind && slices.Contains(obj.Owners, role) {
					emit(&lead, o)
				}
			}
		}
	case groupArea:
		for _, number := range m.Areas {
			lead := intCell(number)
			for o, obj := range m.Objectives {
				if obj.Kind == kind && obj.Area == number {
					emit(&lead, o)
				}
			}
		}
		for o, obj := range m.Objectives { // objectives of the kind outside any area
			if obj.Kind == kind && b.areas[obj.Area] == "" {
				lead := text("")
				emit(&lead, o)
			}
		}
	default:
		for o, obj := range m.Objectives {
			if obj.Kind == kind {
				emit(nil, o)
			}
		}
	}
	return t
}

func (b *builder) objectiveIndicators(o int) []int {
	code := b.card.Model.Objectives[o].Code
	var out []int
	for i, in := range b.card.Model.Indicators {
		if in.Objective == code {
			out = append(out, i)
		}
	}
	return out
}

// indicatorCells are Indicatore, Baseline, Target, Valore, Raggiungimento, Stato.
func (b *builder) indicatorCells(i int) []document.Cell {
	in := b.card.Model.Indicators[i]
	res := b.res.Indicators[i]
	name := in.Name
	if in.Component {
		name += " (componente)"
	}
	base := text("n.d.")
	if bl, ok := b.baselines[in.Key]; ok {
		base = text(bl.Text + " (" + strconv.Itoa(bl.Year) + ")")
	}
	target := text("nessun target per l'anno")
	if in.Target != nil {
		target = text(itfmt.Target(in.Target.Operator, in.Target.Value, in.Unit))
	}
	value := text("—")
	switch {
	case b.res.Actuals[i].State == scoring.NotApplicable:
		value = text("n.a.")
	case res.HasActual:
		value = document.Cell{Text: itfmt.Value(res.Actual, in.Unit), Value: res.Actual, Has: true}
	}
	return []document.Cell{text(name), base, target, value, pctCell(res.Score), text(statusText(res.Score))}
}

// deviationsTable lists the scostamenti of the final period: every entered
// indicator not applicable or below its target, with its dirigente's
// motivazione quoted verbatim (workflow.DeviationRequired is the same rule).
// Its introduction is generated from the rows it introduces and nothing else.
func (b *builder) deviationsTable(p model.Period, devs map[string]model.Deviation) document.Table {
	t := document.Table{Slug: SecDeviations, Title: title(SecDeviations),
		Columns: []document.Column{{Header: "Obiettivo", Width: 0.9}, {Header: "Indicatore", Width: 2.2}, {Header: "Target", Width: 0.9},
			{Header: "Valore", Kind: document.Number, Width: 0.9}, {Header: "Raggiungimento indicatore", Kind: document.Percent, Width: 1.1},
			{Header: "Cosa è successo", Width: 2.2}, {Header: "Perché", Width: 2.2}, {Header: "Azione correttiva", Width: 2.2}}}
	var below, na, explained int
	for i, in := range b.card.Model.Indicators {
		if in.Derived != nil {
			continue
		}
		res := b.res.Indicators[i]
		isNA := b.res.Actuals[i].State == scoring.NotApplicable
		if !workflow.DeviationRequired(true, isNA, res.HasActual, !res.NoTarget, res.Met) {
			continue
		}
		if isNA {
			na++
		} else {
			below++
		}
		d, ok := devs[in.Key]
		if ok && d.Complete() {
			explained++
		}
		cells := b.indicatorCells(i) // Indicatore, Baseline, Target, Valore, Raggiungimento, Stato
		row := []document.Cell{text(in.Objective), text(in.Key + " " + cells[0].Text), cells[2], cells[3], cells[4],
			text(orMissing(d.What)), text(orMissing(d.Why)), text(orMissing(d.Action))}
		t.Rows = append(t.Rows, row)
	}
	t.Intro = deviationsIntro(p, below, na, explained)
	return t
}

// deviationsIntro is the sentence that opens the scostamenti: counts only.
func deviationsIntro(p model.Period, below, na, explained int) string {
	at := "Al " + itfmt.Date(p.EndsOn) + " "
	if below+na == 0 {
		return at + "tutti gli indicatori con valore raggiungono pienamente il target: non ci sono scostamenti da motivare."
	}
	s := at + plural(below, "indicatore non raggiunge", "indicatori non raggiungono") + " pienamente il target e " +
		plural(na, "indicatore non è applicabile", "indicatori non sono applicabili") + ". "
	switch explained {
	case below + na:
		s += "Per ciascuno il dirigente responsabile ha motivato lo scostamento; le motivazioni sono riportate testualmente."
	case 0:
		s += "Nessuna motivazione dello scostamento è ancora completa."
	default:
		s += "Per " + strconv.Itoa(explained) + " di questi il dirigente responsabile ha motivato lo scostamento (riportato testualmente); per " +
			strconv.Itoa(below+na-explained) + " la motivazione manca o è incompleta."
	}
	return s
}

// plural writes a count with the singular or plural words ("1 indicatore",
// "nessun" for zero is avoided: "0 indicatori").
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

func orMissing(s string) string {
	if s == "" {
		return "motivazione mancante"
	}
	return s
}

func (b *builder) individualTable() document.Table {
	t := document.Table{Slug: SecIndividual, Title: title(SecIndividual),
		Intro: fmt.Sprintf("Risultati (obiettivi assegnati, peso %s%%) e comportamenti organizzativi (peso %s%%).",
			itfmt.Number(b.card.Model.Rules.ResultsShare, 2), itfmt.Number(b.card.Model.Rules.BehaviourShare, 2)),
		Columns: []document.Column{{Header: "Ruolo", Width: 3}, {Header: "Risultati", Kind: document.Percent, Width: 1}, {Header: "Comportamenti", Kind: document.Number, Width: 1},
			{Header: "Totale", Kind: document.Percent, Width: 1}, {Header: "Fascia", Width: 1.2}}}
	for _, ind := range b.res.Individuals {
		beh := text("non valutati")
		if ind.HasBehaviour {
			beh = document.Cell{Text: itfmt.Number(ind.Behaviour, 2), Value: ind.Behaviour, Has: true}
		}
		band := ind.Band
		if band == "" {
			band = "—"
		}
		t.Rows = append(t.Rows, []document.Cell{text(b.roles[ind.Role]), pctCell(ind.Results), beh, pctCell(ind.Total), text(band)})
	}
	return t
}

func notesTable(notes []model.Note) document.Table {
	t := document.Table{Slug: SecNotes, Title: title(SecNotes), Intro: "Problemi del testo pubblicato del piano e interpretazione adottata.",
		Columns: []document.Column{{Header: "Obiettivo", Width: 0.9}, {Header: "Indicatore", Width: 0.9}, {Header: "Riga", Kind: document.Integer, Width: 0.5},
			{Header: "Testo della fonte", Width: 3}, {Header: "Interpretazione", Width: 3}}}
	for _, n := range notes {
		line := text("")
		if n.SourceLine > 0 {
			line = intCell(n.SourceLine)
		}
		t.Rows = append(t.Rows, []document.Cell{text(n.ObjectiveCode), text(n.IndicatorKey), line, text(n.SourceText), text(n.Interpretation)})
	}
	return t
}

func (b *builder) methodTable() document.Table {
	r := b.card.Model.Rules
	lte := "rapporto (target/valore)"
	if r.LTERule == scoring.LTELinear {
		lte = "lineare (2 − valore/target)"
	}
	obj := "media ponderata degli indicatori"
	if r.ObjectiveRule == scoring.AllTargetsMet {
		obj = "100% solo se tutti i target sono raggiunti"
	}
	var bands []string
	for _, bd := range r.IndividualBands {
		bands = append(bands, bd.Label+" da "+itfmt.Number(bd.Min, 2))
	}
	t := document.Table{Slug: SecMethod, Title: title(SecMethod), Intro: "Le regole del sistema di misurazione e valutazione in vigore per l'anno, applicate a ogni punteggio di questa relazione.",
		Columns: []document.Column{{Header: "Regola", Width: 2}, {Header: "Valore", Width: 3}}}
	t.Rows = [][]document.Cell{
		{text("Revisione del piano applicata"), text(b.card.Revision.Label)},
		{text("Regole di misurazione"), text(b.card.Rules.Label())},
		{text("Tetto del raggiungimento di un indicatore"), text(itfmt.Number(r.Cap, 2) + "%")},
		{text("Soglia minima (sotto vale 0)"), text(itfmt.Number(r.MinThreshold, 2) + "%")},
		{text("Target ≤ non raggiunto"), text(lte)},
		{text("Raggiungimento di un obiettivo"), text(obj)},
		{text("Raggiunto da"), text(itfmt.Number(r.FullBand, 2) + "%")},
		{text("Parzialmente raggiunto da"), text(itfmt.Number(r.PartialBand, 2) + "%")},
		{text("Ambito"), text("media degli obiettivi strategici dell'ambito")},
		{text("Ente"), text("media degli ambiti")},
		{text("Valutazione individuale"), text(fmt.Sprintf("risultati %s%% + comportamenti %s%%", itfmt.Number(r.ResultsShare, 2), itfmt.Number(r.BehaviourShare, 2)))},
		{text("Fasce individuali"), text(strings.Join(bands, "; "))},
		{text("Valori mancanti"), text("esclusi dalle medie e segnalati come incompleti")},
	}
	return t
}

// explainTable prints the explanation of every score: indicators, objectives,
// areas and the ente, as the pages' "Come è calcolato" shows them.
func (b *builder) explainTable() document.Table {
	t := document.Table{Slug: SecExplain, Title: title(SecExplain), Intro: "Per ogni punteggio: la regola, i valori e la loro provenienza, il target, il calcolo e il risultato.",
		Columns: []document.Column{{Header: "Elemento", Width: 1.2}, {Header: "Regola", Width: 1.6}, {Header: "Valori e target", Width: 2.4}, {Header: "Calcolo", Width: 2.6}, {Header: "Risultato", Width: 1}}}
	add := func(key string, tr scoring.Trace) {
		t.Rows = append(t.Rows, []document.Cell{text(key), text(tr.Rule), text(traceInputs(tr)), text(traceSteps(tr)), text(tr.Result)})
	}
	for i, in := range b.card.Model.Indicators {
		add("Indicatore "+in.Key, b.res.ExplainIndicator(i))
	}
	for o, obj := range b.card.Model.Objectives {
		add("Obiettivo "+obj.Code, b.res.ExplainObjective(o))
	}
	for a, number := range b.card.Model.Areas {
		add("Ambito "+strconv.Itoa(number), b.res.ExplainArea(a))
	}
	add("Ente", b.res.ExplainEnte())
	return t
}

func traceInputs(tr scoring.Trace) string {
	var parts []string
	for _, in := range tr.Inputs {
		s := in.Label + ": " + in.Value
		if in.Source != "" {
			s += " (" + in.Source + ")"
		}
		parts = append(parts, s)
	}
	if tr.Target != "" {
		parts = append(parts, "Target: "+tr.Target)
	}
	for _, c := range tr.Children {
		s := c.Label + " " + c.Value
		if c.Weight != "" {
			s += " × " + c.Weight
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, "; ")
}

func traceSteps(tr scoring.Trace) string {
	parts := append(append([]string{}, tr.Steps...), tr.Adjustments...)
	parts = append(parts, tr.Notes...)
	return strings.Join(parts, " ")
}

func observationsTable(obs []model.Observation) document.Table {
	t := document.Table{Slug: SecObservations, Title: title(SecObservations),
		Columns: []document.Column{{Header: "Obiettivo", Width: 0.9}, {Header: "Indicatore", Width: 0.9}, {Header: "Osservazione", Width: 5}, {Header: "Autore", Width: 1}, {Header: "Data", Kind: document.Date, Width: 1.1}}}
	for _, o := range obs {
		t.Rows = append(t.Rows, []document.Cell{text(o.Objective), text(o.Indicator), text(o.Body), text(o.Author),
			{Text: itfmt.DateTime(o.CreatedAt), Time: o.CreatedAt}})
	}
	return t
}

// validationTable lists every decision of the OIV on the year, oldest first:
// a correction or a withdrawal shows as such, never as a silent swap.
func validationTable(history []model.Validation) document.Table {
	t := document.Table{Slug: SecValidation, Title: title(SecValidation),
		Intro: "Tutte le decisioni dell'OIV sulla Relazione dell'anno, dalla prima: una correzione o una revoca resta con la data e il motivo.",
		Columns: []document.Column{{Header: "Esito", Width: 1.3}, {Header: "Data", Kind: document.Date, Width: 1}, {Header: "Atto", Width: 1.3},
			{Header: "Motivazione o riserve", Width: 2.4}, {Header: "Documento", Width: 1.5}, {Header: "Impronta SHA-256", Width: 2},
			{Header: "Stato", Width: 2.4}}}
	for _, v := range history {
		state := "in vigore"
		if v.EndedAt != nil {
			when := itfmt.Date(v.EndedAt.In(itfmt.Rome()))
			if v.EndKind == model.EndWithdrawn {
				state = "revocata il " + when + "; motivo: " + v.EndReason
			} else {
				state = "sostituita da una correzione il " + when + "; motivo: " + v.EndReason
			}
		}
		t.Rows = append(t.Rows, []document.Cell{text(model.OutcomeLabel(v.Outcome)), {Text: itfmt.Date(v.DecidedOn), Time: v.DecidedOn},
			text(v.ActReference), text(v.Notes), text(v.DocumentName), text(v.SHA256), text(state)})
	}
	return t
}

// treeNodes lists the performance tree depth first: ente, areas, strategic
// objectives, then the common and operational objectives under each.
func (b *builder) treeNodes() []document.TreeNode {
	m := b.card.Model
	score := func(code string) (string, string) {
		s, o := b.card.Objective(code)
		if o < 0 {
			return "n.d.", "Dato mancante"
		}
		return scoreText(s), statusText(s)
	}
	nodes := []document.TreeNode{{Level: 0, Title: b.card.Plan.EnteName, Score: scoreText(b.res.Ente), Status: statusText(b.res.Ente)}}
	for a, number := range m.Areas {
		nodes = append(nodes, document.TreeNode{Level: 1, Code: "Ambito " + strconv.Itoa(number), Title: b.areas[number],
			Score: scoreText(b.res.Areas[a]), Status: statusText(b.res.Areas[a])})
		for _, so := range b.tree.Objectives {
			if so.Kind != plan.KindStrategic || so.Area != number {
				continue
			}
			sc, st := score(so.Code)
			nodes = append(nodes, document.TreeNode{Level: 2, Code: so.Code, Title: so.Title, Score: sc, Status: st})
			for _, kind := range []string{plan.KindCommon, plan.KindOperational} {
				for _, c := range b.tree.Objectives {
					if c.Kind == kind && c.ParentCode == so.Code {
						sc, st := score(c.Code)
						nodes = append(nodes, document.TreeNode{Level: 3, Code: c.Code, Title: c.Title, Score: sc, Status: st})
					}
				}
			}
		}
	}
	return nodes
}
