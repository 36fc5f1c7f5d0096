package plan_test

import (
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/piao-performance/piao/internal/plan"
	"github.com/piao-performance/piao/internal/seed"
)

func num(v float64) *float64 { return &v }

func target(year int, op string, v float64, text string) plan.Target {
	return plan.Target{Year: year, Operator: op, Value: num(v), Text: text}
}

// validDoc is a small plan that passes every rule: one objective of each
// relevant kind, an indicator of each formula, an individual objective and a
// quality note. Each case of TestValidate breaks one rule of it.
func validDoc() *plan.Document {
	return &plan.Document{
		Ente: plan.Ente{Slug: "cciaa-prova", Name: "Camera di commercio di prova", ShortName: "CCIAA Prova"},
		Plan: plan.Info{Slug: "piao-2024-2026", Title: "PIAO 2024-2026", StartYear: 2024, EndYear: 2026,
			Revision: plan.Revision{Label: "Prima adozione"}},
		Units: []plan.Unit{{Key: "area-1", Name: "Area 1"}, {Key: "uff-1", Name: "Ufficio 1", Parent: "area-1"}},
		Roles: []plan.Role{{Key: "sg", Title: "Segretario Generale", Unit: "area-1"}},
		Areas: []plan.Area{{Number: 1, Title: "Ambito 1"}},
		Objectives: []plan.Objective{
			{Code: "1.1", Kind: plan.KindStrategic, Area: 1, Title: "Obiettivo strategico", Owners: []string{"sg"}, Units: []string{"uff-1"},
				Indicators: []plan.Indicator{
					{Key: "1.1/1", Name: "Iniziative", Unit: plan.UnitCount, Polarity: plan.PolarityHigher, Formula: plan.FormulaDirect,
						Baselines: []plan.Baseline{{Year: 2022, Value: num(8), Text: "8"}},
						Targets:   []plan.Target{target(2024, plan.OpGTE, 10, ">= 10")}},
					{Key: "1.1/2", Name: "Pratiche evase", Unit: plan.UnitPercent, Polarity: plan.PolarityHigher, Formula: plan.FormulaRatio,
						Scale: 100, Inputs: plan.FormulaRatio.Inputs()},
					{Key: "1.1/3", Name: "Tempi rispetto alla media", Unit: plan.UnitDays, Polarity: plan.PolarityLower, Formula: plan.FormulaDifference,
						Inputs:    plan.FormulaDifference.Inputs("Giorni dell'ente", "Giorni di riferimento"),
						Benchmark: &plan.BenchmarkRef{Ente: "cciaa-altra", Plan: "piao-2024-2026", Indicator: "X.1/1"}},
					{Key: "1.1/4", Name: "Crescita", Unit: plan.UnitRatio, Polarity: plan.PolarityHigher, Formula: plan.FormulaRatioPrevious,
						Inputs: plan.FormulaRatioPrevious.Inputs()},
					{Key: "1.1/5", Name: "Regolamento adottato", Unit: plan.UnitYesNo, Polarity: plan.PolarityHigher, Formula: plan.FormulaYesNo,
						Targets: []plan.Target{target(2024, plan.OpYes, 1, "SI")}},
				}},
			{Code: "O.1", Kind: plan.KindOperational, Parent: "1.1", Area: 1, Title: "Obiettivo operativo",
				Indicators: []plan.Indicator{{Key: "O.1/1", Name: "Eventi", Unit: plan.UnitCount, Polarity: plan.PolarityHigher, Formula: plan.FormulaDirect}}},
			{Code: "PO.1", Kind: plan.KindOrganisational, Title: "Performance organizzativa",
				Indicators: []plan.Indicator{
					{Key: "PO.1/1", Name: "Media degli operativi", Unit: plan.UnitPercent, Polarity: plan.PolarityHigher, Formula: plan.FormulaDerived,
						Derived: &plan.Derived{Function: "avg_objectives", Kinds: []string{plan.KindOperational}}},
					{Key: "PO.1/2", Name: "Indicatori raggiunti", Unit: plan.UnitCount, Polarity: plan.PolarityHigher, Formula: plan.FormulaDerived,
						Derived: &plan.Derived{Function: "count_indicators_met", Indicators: []string{"1.1/1", "O.1/1"}}},
				}},
		},
		Individual: []plan.Individual{{Role: "sg", Code: "SG1", Title: "Obiettivo individuale", Objective: "1.1", SourceLine: 10,
			Indicators: []plan.IndividualIndicator{{Indicator: "1.1/1", Name: "Iniziative"}}}},
		Notes: []plan.QualityNote{{Kind: "typo", Objective: "1.1", Indicator: "1.1/1", SourceText: "Iniziaitve", Interpretation: "Iniziative"}},
	}
}

// ind returns the indicator with the given key of d.
func ind(d *plan.Document, key string) *plan.Indicator {
	for i := range d.Objectives {
		for j := range d.Objectives[i].Indicators {
			if in := &d.Objectives[i].Indicators[j]; in.Key == key {
				return in
			}
		}
	}
	panic("no indicator " + key)
}

// obj returns the objective with the given code of d.
func obj(d *plan.Document, code string) *plan.Objective {
	for i := range d.Objectives {
		if d.Objectives[i].Code == code {
			return &d.Objectives[i]
		}
	}
	panic("no objective " + code)
}

// transversal appends a transversal objective (no parent, no area needed).
func transversal(d *plan.Document) *plan.Objective {
	d.Objectives = append(d.Objectives, plan.Objective{Code: "TR.1", Kind: plan.KindTransversal, Title: "Obiettivo trasversale"})
	return &d.Objectives[len(d.Objectives)-1]
}

func TestValidateClean(t *testing.T) {
	if err := plan.Validate(validDoc()); err != nil {
		t.Fatalf("the test document does not validate:\n%v", err)
	}
	ref, err := seed.Reference()
	if err != nil {
		t.Fatal(err)
	}
	if err := plan.Validate(ref); err != nil {
		t.Errorf("reference plan:\n%v", err)
	}
	bench, err := seed.BenchmarkEnte()
	if err != nil {
		t.Fatal(err)
	}
	if err := plan.Validate(bench); err != nil {
		t.Errorf("benchmark ente:\n%v", err)
	}
}

// TestValidate breaks one rule at a time and checks the exact message (lines
// joined with "\n" when a change breaks more than one rule).
func TestValidate(t *testing.T) {
	for _, c := range validateCases() {
		t.Run(c.name, func(t *testing.T) {
			d := validDoc()
			c.break_(d)
			err := plan.Validate(d)
			if err == nil {
				t.Fatalf("no error; want %q", c.want)
			}
			if got := err.Error(); got != c.want {
				t.Errorf("got:\n%s\nwant:\n%s", got, c.want)
			}
		})
	}
}

type validateCase struct {
	name   string
	break_ func(d *plan.Document)
	want   string
}

func validateCases() []validateCase {
	const iv = "obiettivo individuale sg/SG1 (riga 10)"
	return []validateCase{
		// ente and plan
		{"ente slug", func(d *plan.Document) { d.Ente.Slug = "CCIAA Prova" }, `ente: lo slug "CCIAA Prova" non è valido (solo lettere minuscole e cifre, parole separate da trattini)`},
		{"ente name", func(d *plan.Document) { d.Ente.Name = "  " }, "ente: il nome è vuoto"},
		{"plan slug", func(d *plan.Document) { d.Plan.Slug = "piao_2024" }, `piano: lo slug "piao_2024" non è valido (solo lettere minuscole e cifre, parole separate da trattini)`},
		{"plan years too late", func(d *plan.Document) { d.Plan.EndYear = 2101 }, "piano: gli anni 2024-2101 non sono validi"},
		{"plan years reversed", func(d *plan.Document) { d.Plan.StartYear, d.Plan.EndYear = 2026, 2025 }, // targets fall outside too
			"piano: gli anni 2026-2025 non sono validi\nindicatore 1.1/1: anno del target 2024 fuori dagli anni del piano 2026-2025\n" +
				"indicatore 1.1/5: anno del target 2024 fuori dagli anni del piano 2026-2025"},
		{"plan years too early", func(d *plan.Document) { d.Plan.StartYear = 1999 }, "piano: gli anni 1999-2026 non sono validi"},
		{"revision label", func(d *plan.Document) { d.Plan.Revision.Label = "" }, "piano: l'etichetta della revisione è vuota"},
		// units, roles, areas
		{"unit repeated", func(d *plan.Document) { d.Units = append(d.Units, plan.Unit{Key: "area-1", Name: "Doppia"}) }, `unità organizzativa "area-1" ripetuta`},
		{"unit parent", func(d *plan.Document) { d.Units[1].Parent = "area-9" }, `unità organizzativa "uff-1": l'unità superiore "area-9" non esiste`},
		{"role repeated", func(d *plan.Document) { d.Roles = append(d.Roles, plan.Role{Key: "sg", Title: "Altro"}) }, `ruolo "sg" ripetuto`},
		{"role unit", func(d *plan.Document) { d.Roles[0].Unit = "area-9" }, `ruolo "sg": l'unità organizzativa "area-9" non esiste`},
		{"area repeated", func(d *plan.Document) { d.Areas = append(d.Areas, plan.Area{Number: 1, Title: "Doppio"}) }, "area strategica 1 ripetuta"},
		// objective codes and indicator keys
		{"objective code", func(d *plan.Document) { transversal(d).Code = "TR 1" }, `il codice obiettivo "TR 1" non è valido`},
		{"objective code repeated", func(d *plan.Document) { transversal(d).Code = "O.1" }, `codice obiettivo "O.1" ripetuto`},
		{"indicator key repeated", func(d *plan.Document) {
			o := obj(d, "O.1")
			o.Indicators = append(o.Indicators, o.Indicators[0])
		}, `chiave indicatore "O.1/1" ripetuta`},
		// objectives
		{"objective kind", func(d *plan.Document) { transversal(d).Kind = "bogus" }, `obiettivo TR.1: tipo "bogus" sconosciuto`},
		{"objective title", func(d *plan.Document) { transversal(d).Title = " " }, "obiettivo TR.1: il titolo è vuoto"},
		{"objective needs parent", func(d *plan.Document) { obj(d, "O.1").Parent = "" },
			"obiettivo O.1: un obiettivo operativo richiede un obiettivo strategico superiore"},
		{"objective has no parent", func(d *plan.Document) { transversal(d).Parent = "1.1" },
			"obiettivo TR.1: un obiettivo trasversale non ha un obiettivo superiore"},
		{"objective parent not strategic", func(d *plan.Document) { obj(d, "O.1").Parent = "PO.1" },
			`obiettivo O.1: l'obiettivo superiore "PO.1" non è un obiettivo strategico del piano`},
		{"objective area needed", func(d *plan.Document) { obj(d, "O.1").Area = 0 }, "obiettivo O.1: l'area strategica 0 non esiste"},
		{"objective area unknown", func(d *plan.Document) { transversal(d).Area = 7 }, "obiettivo TR.1: l'area strategica 7 non esiste"},
		{"objective area unknown, area kind", func(d *plan.Document) { obj(d, "O.1").Area = 7 }, // both rules say it
			"obiettivo O.1: l'area strategica 7 non esiste\nobiettivo O.1: l'area strategica 7 non esiste"},
		{"objective owner", func(d *plan.Document) { obj(d, "1.1").Owners = []string{"sg", "dir"} }, `obiettivo 1.1: il ruolo responsabile "dir" non esiste`},
		{"objective unit", func(d *plan.Document) { obj(d, "1.1").Units = []string{"uff-9"} }, `obiettivo 1.1: l'unità organizzativa "uff-9" non esiste`},
		// indicators
		{"indicator key prefix", func(d *plan.Document) { ind(d, "1.1/4").Key = "2.1/4" },
			`indicatore 2.1/4: la chiave deve iniziare con il codice del suo obiettivo "1.1/"`},
		{"indicator name", func(d *plan.Document) { ind(d, "1.1/1").Name = "" }, "indicatore 1.1/1: il nome è vuoto"},
		{"benchmark on a direct formula", func(d *plan.Document) { ind(d, "1.1/1").Benchmark = ind(d, "1.1/3").Benchmark },
			"indicatore 1.1/1: solo una formula di differenza prende un valore di confronto da un altro ente"},
		{"benchmark reference", func(d *plan.Document) { ind(d, "1.1/3").Benchmark.Ente = "Altra" },
			`indicatore 1.1/3: il valore di confronto (ente "Altra", piano "piao-2024-2026", indicatore "X.1/1") non è valido`},
		{"benchmark same ente", func(d *plan.Document) { ind(d, "1.1/3").Benchmark.Ente = "cciaa-prova" },
			"indicatore 1.1/3: il valore di confronto deve venire da un altro ente"},
		{"indicator unit", func(d *plan.Document) { ind(d, "1.1/1").Unit = "kg" }, `indicatore 1.1/1: unità di misura "kg" sconosciuta`},
		{"indicator polarity", func(d *plan.Document) { ind(d, "1.1/1").Polarity = "up" }, `indicatore 1.1/1: polarità "up" sconosciuta`},
		{"indicator formula", func(d *plan.Document) { ind(d, "1.1/1").Formula = "sum" }, `indicatore 1.1/1: formula "sum" sconosciuta`},
		{"indicator weight", func(d *plan.Document) { ind(d, "1.1/1").Weight = -1 }, "indicatore 1.1/1: il peso deve essere positivo"},
		{"indicator early warning", func(d *plan.Document) { ind(d, "1.1/1").EarlyWarning = "sometimes" }, `indicatore 1.1/1: segnale di allerta "sometimes" sconosciuto`},
		{"ratio scale", func(d *plan.Document) { ind(d, "1.1/2").Scale = 0 }, "indicatore 1.1/2: un rapporto richiede una scala positiva"},
		{"SI/NO unit", func(d *plan.Document) { ind(d, "1.1/5").Unit = plan.UnitCount }, "indicatore 1.1/5: un indicatore SI/NO deve avere l'unità di misura yes_no"},
		// inputs
		{"input label", func(d *plan.Document) { ind(d, "1.1/2").Inputs[0].Label = " " }, `indicatore 1.1/2: il dato "numerator" non ha un'etichetta`},
		{"inputs of another formula", func(d *plan.Document) { ind(d, "1.1/2").Inputs = plan.FormulaDifference.Inputs() },
			"indicatore 1.1/2: una formula ratio richiede i dati [numerator denominator], ne ha [value benchmark]"},
		{"inputs in the wrong order", func(d *plan.Document) {
			in := ind(d, "1.1/4")
			in.Inputs[0], in.Inputs[1] = in.Inputs[1], in.Inputs[0]
		}, "indicatore 1.1/4: una formula ratio_previous richiede i dati [current previous], ne ha [previous current]"},
		{"inputs missing", func(d *plan.Document) { ind(d, "1.1/3").Inputs = nil },
			"indicatore 1.1/3: una formula difference richiede i dati [value benchmark], ne ha []"},
		{"inputs of a direct formula", func(d *plan.Document) { ind(d, "1.1/1").Inputs = plan.FormulaRatio.Inputs() },
			"indicatore 1.1/1: una formula direct non prende dati in ingresso"},
		// derived indicators
		{"derived without definition", func(d *plan.Document) { ind(d, "PO.1/1").Derived = nil },
			"indicatore PO.1/1: la formula derivata e la definizione del calcolo derivato vanno insieme"},
		{"definition without derived formula", func(d *plan.Document) { ind(d, "1.1/1").Derived = ind(d, "PO.1/1").Derived },
			"indicatore 1.1/1: la formula derivata e la definizione del calcolo derivato vanno insieme"},
		{"derived function", func(d *plan.Document) { ind(d, "PO.1/1").Derived.Function = "sum" },
			`indicatore PO.1/1: funzione di calcolo derivato "sum" sconosciuta`},
		{"derived kind", func(d *plan.Document) { ind(d, "PO.1/1").Derived.Kinds = []string{"bogus"} },
			`indicatore PO.1/1: tipo di obiettivo "bogus" sconosciuto nel calcolo derivato`},
		{"derived reference", func(d *plan.Document) { ind(d, "PO.1/2").Derived.Indicators = []string{"1.1/1", "Z.9/1"} },
			`indicatore PO.1/2: il riferimento "Z.9/1" del calcolo derivato non esiste`},
		{"derived objective", func(d *plan.Document) { ind(d, "PO.1/1").Derived.Objectives = []string{"Z.9"} },
			`indicatore PO.1/1: l'obiettivo "Z.9" del calcolo derivato non esiste`},
		{"derived own objective", func(d *plan.Document) { ind(d, "PO.1/1").Derived.Objectives = []string{"PO.1"} },
			"indicatore PO.1/1: un indicatore derivato non può aggregare il proprio obiettivo"},
		{"derived own kind", func(d *plan.Document) {
			ind(d, "PO.1/1").Derived.Kinds = []string{plan.KindOperational, plan.KindOrganisational}
		}, "indicatore PO.1/1: un indicatore derivato non può aggregare obiettivi del suo stesso tipo (obiettivo di performance organizzativa): dipenderebbe da sé stesso"},
		{"count_indicators_met without indicators", func(d *plan.Document) { ind(d, "PO.1/2").Derived.Indicators = nil },
			"indicatore PO.1/2: count_indicators_met richiede un elenco di indicatori"},
		{"avg_objectives without kinds", func(d *plan.Document) { ind(d, "PO.1/1").Derived.Kinds = nil },
			"indicatore PO.1/1: avg_objectives richiede un elenco di tipi di obiettivo"},
		{"derived cycle", func(d *plan.Document) { ind(d, "PO.1/2").Derived.Indicators = []string{"1.1/1", "PO.1/2"} },
			"gli indicatori derivati formano un ciclo: PO.1/2 → PO.1/2"},
		// baselines
		{"baseline year repeated", func(d *plan.Document) {
			in := ind(d, "1.1/1")
			in.Baselines = append(in.Baselines, in.Baselines[0])
		}, "indicatore 1.1/1: anno della baseline 2022 ripetuto"},
		{"baseline year", func(d *plan.Document) { ind(d, "1.1/1").Baselines[0].Year = 1980 }, "indicatore 1.1/1: anno della baseline 1980 non valido"},
		{"baseline text", func(d *plan.Document) { ind(d, "1.1/1").Baselines[0].Text = "" }, "indicatore 1.1/1: la baseline 2022 non ha il testo pubblicato"},
		// targets
		{"target year repeated", func(d *plan.Document) {
			in := ind(d, "1.1/1")
			in.Targets = append(in.Targets, in.Targets[0])
		}, "indicatore 1.1/1: anno del target 2024 ripetuto"},
		{"target year outside", func(d *plan.Document) { ind(d, "1.1/1").Targets[0].Year = 2027 },
			"indicatore 1.1/1: anno del target 2027 fuori dagli anni del piano 2024-2026"},
		{"target operator", func(d *plan.Document) { ind(d, "1.1/1").Targets[0].Operator = ">" }, `indicatore 1.1/1: operatore del target ">" sconosciuto`},
		{"target value", func(d *plan.Document) { ind(d, "1.1/1").Targets[0].Value = nil }, "indicatore 1.1/1: il target 2024 non ha un valore"},
		{"SI/NO target value", func(d *plan.Document) { ind(d, "1.1/5").Targets[0].Value = num(2) }, "indicatore 1.1/5: un target SI/NO vale 1 (SI) o 0 (NO)"},
		{"target text", func(d *plan.Document) { ind(d, "1.1/1").Targets[0].Text = "" }, "indicatore 1.1/1: il target 2024 non ha il testo pubblicato"},
		// individual objectives
		{"individual role", func(d *plan.Document) { d.Individual[0].Role = "dir" }, "obiettivo individuale dir/SG1 (riga 10): ruolo sconosciuto"},
		{"individual objective", func(d *plan.Document) { d.Individual[0].Objective = "Z.9" },
			iv + `: l'obiettivo "Z.9" non esiste` + "\n" + iv + `: "1.1/1" non è un indicatore di Z.9`},
		{"individual title", func(d *plan.Document) { d.Individual[0].Title = "" }, iv + ": il titolo è vuoto"},
		{"individual weight", func(d *plan.Document) { d.Individual[0].Weight = num(0) }, iv + ": il peso deve essere positivo"},
		{"individual indicator of another objective", func(d *plan.Document) {
			d.Individual[0].Indicators = append(d.Individual[0].Indicators, plan.IndividualIndicator{Indicator: "O.1/1"})
		}, iv + `: "O.1/1" non è un indicatore di 1.1`},
		{"individual indicator twice", func(d *plan.Document) {
			d.Individual[0].Indicators = append(d.Individual[0].Indicators, d.Individual[0].Indicators[0])
		}, iv + `: indicatore "1.1/1" elencato due volte`},
		// quality notes
		{"note kind", func(d *plan.Document) { d.Notes[0].Kind = "bogus" }, `nota 1: tipo "bogus" sconosciuto`},
		{"note objective", func(d *plan.Document) { d.Notes[0].Objective = "Z.9" }, `nota 1: l'obiettivo "Z.9" non esiste`},
		{"note indicator", func(d *plan.Document) { d.Notes[0].Indicator = "Z.9/1" }, `nota 1: l'indicatore "Z.9/1" non esiste`},
		{"note interpretation", func(d *plan.Document) { d.Notes[0].Interpretation = "" }, "nota 1: l'interpretazione è vuota"},
		// every problem is reported, section by section in document order
		{"several sections", func(d *plan.Document) {
			d.Notes[0].Interpretation = ""
			ind(d, "1.1/2").Scale = 0
			d.Ente.Name = ""
		}, "ente: il nome è vuoto\nindicatore 1.1/2: un rapporto richiede una scala positiva\nnota 1: l'interpretazione è vuota"},
	}
}

// TestValidateEveryRule keeps TestValidate complete: every message format in
// validate.go is produced by at least one of its cases.
func TestValidateEveryRule(t *testing.T) {
	src, err := os.ReadFile("validate.go")
	if err != nil {
		t.Fatal(err)
	}
	verb := regexp.MustCompile(`%\\?\+?[qsdv]`)
	var wants []string
	for _, c := range validateCases() {
		wants = append(wants, strings.Split(c.want, "\n")...)
	}
	calls := regexp.MustCompile(`v\.add\(("(?:[^"\\]|\\.)*")`).FindAllSubmatch(src, -1)
	if len(calls) < 60 {
		t.Fatalf("found %d rules in validate.go; the pattern no longer matches the code", len(calls))
	}
	for _, m := range calls {
		format, err := strconv.Unquote(string(m[1]))
		if err != nil {
			t.Fatal(err)
		}
		re := regexp.MustCompile("^" + verb.ReplaceAllString(regexp.QuoteMeta(format), ".+") + "$")
		if !slices.ContainsFunc(wants, re.MatchString) {
			t.Errorf("no case of TestValidate produces %q", format)
		}
	}
}
