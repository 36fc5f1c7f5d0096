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
	const iv = "individual objective sg/SG1 (line 10)"
	return []validateCase{
		// ente and plan
		{"ente slug", func(d *plan.Document) { d.Ente.Slug = "CCIAA Prova" }, `ente slug "CCIAA Prova" is not a lower-case slug`},
		{"ente name", func(d *plan.Document) { d.Ente.Name = "  " }, "ente name is empty"},
		{"plan slug", func(d *plan.Document) { d.Plan.Slug = "piao_2024" }, `plan slug "piao_2024" is not a lower-case slug`},
		{"plan years too late", func(d *plan.Document) { d.Plan.EndYear = 2101 }, "plan years 2024-2101 are not valid"},
		{"plan years reversed", func(d *plan.Document) { d.Plan.StartYear, d.Plan.EndYear = 2026, 2025 }, // targets fall outside too
			"plan years 2026-2025 are not valid\nindicator 1.1/1: target year 2024 outside the plan years 2026-2025\n" +
				"indicator 1.1/5: target year 2024 outside the plan years 2026-2025"},
		{"plan years too early", func(d *plan.Document) { d.Plan.StartYear = 1999 }, "plan years 1999-2026 are not valid"},
		{"revision label", func(d *plan.Document) { d.Plan.Revision.Label = "" }, "plan revision label is empty"},
		// units, roles, areas
		{"unit repeated", func(d *plan.Document) { d.Units = append(d.Units, plan.Unit{Key: "area-1", Name: "Doppia"}) }, `unit "area-1" repeated`},
		{"unit parent", func(d *plan.Document) { d.Units[1].Parent = "area-9" }, `unit "uff-1": parent "area-9" unknown`},
		{"role repeated", func(d *plan.Document) { d.Roles = append(d.Roles, plan.Role{Key: "sg", Title: "Altro"}) }, `role "sg" repeated`},
		{"role unit", func(d *plan.Document) { d.Roles[0].Unit = "area-9" }, `role "sg": unit "area-9" unknown`},
		{"area repeated", func(d *plan.Document) { d.Areas = append(d.Areas, plan.Area{Number: 1, Title: "Doppio"}) }, "area 1 repeated"},
		// objective codes and indicator keys
		{"objective code", func(d *plan.Document) { transversal(d).Code = "TR 1" }, `objective code "TR 1" is not valid`},
		{"objective code repeated", func(d *plan.Document) { transversal(d).Code = "O.1" }, `objective code "O.1" repeated`},
		{"indicator key repeated", func(d *plan.Document) {
			o := obj(d, "O.1")
			o.Indicators = append(o.Indicators, o.Indicators[0])
		}, `indicator key "O.1/1" repeated`},
		// objectives
		{"objective kind", func(d *plan.Document) { transversal(d).Kind = "bogus" }, `objective TR.1: kind "bogus" unknown`},
		{"objective title", func(d *plan.Document) { transversal(d).Title = " " }, "objective TR.1: title is empty"},
		{"objective needs parent", func(d *plan.Document) { obj(d, "O.1").Parent = "" },
			"objective O.1: a operational objective needs a parent strategic objective"},
		{"objective has no parent", func(d *plan.Document) { transversal(d).Parent = "1.1" },
			"objective TR.1: a transversal objective has no parent"},
		{"objective parent not strategic", func(d *plan.Document) { obj(d, "O.1").Parent = "PO.1" },
			`objective O.1: parent "PO.1" is not a strategic objective of the plan`},
		{"objective area needed", func(d *plan.Document) { obj(d, "O.1").Area = 0 }, "objective O.1: area 0 unknown"},
		{"objective area unknown", func(d *plan.Document) { transversal(d).Area = 7 }, "objective TR.1: area 7 unknown"},
		{"objective area unknown, area kind", func(d *plan.Document) { obj(d, "O.1").Area = 7 }, // both rules say it
			"objective O.1: area 7 unknown\nobjective O.1: area 7 unknown"},
		{"objective owner", func(d *plan.Document) { obj(d, "1.1").Owners = []string{"sg", "dir"} }, `objective 1.1: owner role "dir" unknown`},
		{"objective unit", func(d *plan.Document) { obj(d, "1.1").Units = []string{"uff-9"} }, `objective 1.1: unit "uff-9" unknown`},
		// indicators
		{"indicator key prefix", func(d *plan.Document) { ind(d, "1.1/4").Key = "2.1/4" },
			`indicator 2.1/4: key must start with its objective code "1.1/"`},
		{"indicator name", func(d *plan.Document) { ind(d, "1.1/1").Name = "" }, "indicator 1.1/1: name is empty"},
		{"benchmark on a direct formula", func(d *plan.Document) { ind(d, "1.1/1").Benchmark = ind(d, "1.1/3").Benchmark },
			"indicator 1.1/1: only a difference formula takes a benchmark from another ente"},
		{"benchmark reference", func(d *plan.Document) { ind(d, "1.1/3").Benchmark.Ente = "Altra" },
			"indicator 1.1/3: benchmark reference {Ente:Altra Plan:piao-2024-2026 Indicator:X.1/1} is not valid"},
		{"benchmark same ente", func(d *plan.Document) { ind(d, "1.1/3").Benchmark.Ente = "cciaa-prova" },
			"indicator 1.1/3: the benchmark comes from another ente"},
		{"indicator unit", func(d *plan.Document) { ind(d, "1.1/1").Unit = "kg" }, `indicator 1.1/1: unit "kg" unknown`},
		{"indicator polarity", func(d *plan.Document) { ind(d, "1.1/1").Polarity = "up" }, `indicator 1.1/1: polarity "up" unknown`},
		{"indicator formula", func(d *plan.Document) { ind(d, "1.1/1").Formula = "sum" }, `indicator 1.1/1: formula "sum" unknown`},
		{"indicator weight", func(d *plan.Document) { ind(d, "1.1/1").Weight = -1 }, "indicator 1.1/1: weight must be positive"},
		{"indicator early warning", func(d *plan.Document) { ind(d, "1.1/1").EarlyWarning = "sometimes" }, `indicator 1.1/1: early warning "sometimes" unknown`},
		{"ratio scale", func(d *plan.Document) { ind(d, "1.1/2").Scale = 0 }, "indicator 1.1/2: a ratio needs a positive scale"},
		{"SI/NO unit", func(d *plan.Document) { ind(d, "1.1/5").Unit = plan.UnitCount }, "indicator 1.1/5: a SI/NO indicator has unit yes_no"},
		// inputs
		{"input label", func(d *plan.Document) { ind(d, "1.1/2").Inputs[0].Label = " " }, `indicator 1.1/2: input "numerator" has no label`},
		{"inputs of another formula", func(d *plan.Document) { ind(d, "1.1/2").Inputs = plan.FormulaDifference.Inputs() },
			"indicator 1.1/2: a ratio formula asks for inputs [numerator denominator], has [value benchmark]"},
		{"inputs in the wrong order", func(d *plan.Document) {
			in := ind(d, "1.1/4")
			in.Inputs[0], in.Inputs[1] = in.Inputs[1], in.Inputs[0]
		}, "indicator 1.1/4: a ratio_previous formula asks for inputs [current previous], has [previous current]"},
		{"inputs missing", func(d *plan.Document) { ind(d, "1.1/3").Inputs = nil },
			"indicator 1.1/3: a difference formula asks for inputs [value benchmark], has []"},
		{"inputs of a direct formula", func(d *plan.Document) { ind(d, "1.1/1").Inputs = plan.FormulaRatio.Inputs() },
			"indicator 1.1/1: a direct formula takes no inputs"},
		// derived indicators
		{"derived without definition", func(d *plan.Document) { ind(d, "PO.1/1").Derived = nil },
			"indicator PO.1/1: derived formula and derived definition go together"},
		{"definition without derived formula", func(d *plan.Document) { ind(d, "1.1/1").Derived = ind(d, "PO.1/1").Derived },
			"indicator 1.1/1: derived formula and derived definition go together"},
		{"derived function", func(d *plan.Document) { ind(d, "PO.1/1").Derived.Function = "sum" },
			`indicator PO.1/1: derived function "sum" unknown`},
		{"derived kind", func(d *plan.Document) { ind(d, "PO.1/1").Derived.Kinds = []string{"bogus"} },
			`indicator PO.1/1: derived kind "bogus" unknown`},
		{"derived reference", func(d *plan.Document) { ind(d, "PO.1/2").Derived.Indicators = []string{"1.1/1", "Z.9/1"} },
			`indicator PO.1/2: derived reference "Z.9/1" unknown`},
		{"derived objective", func(d *plan.Document) { ind(d, "PO.1/1").Derived.Objectives = []string{"Z.9"} },
			`indicator PO.1/1: derived objective "Z.9" unknown`},
		{"derived own objective", func(d *plan.Document) { ind(d, "PO.1/1").Derived.Objectives = []string{"PO.1"} },
			"indicator PO.1/1: a derived indicator cannot aggregate its own objective"},
		{"derived own kind", func(d *plan.Document) {
			ind(d, "PO.1/1").Derived.Kinds = []string{plan.KindOperational, plan.KindOrganisational}
		}, "indicator PO.1/1: a derived indicator cannot aggregate objectives of its own kind organisational (it would depend on itself)"},
		{"count_indicators_met without indicators", func(d *plan.Document) { ind(d, "PO.1/2").Derived.Indicators = nil },
			"indicator PO.1/2: count_indicators_met needs indicators"},
		{"avg_objectives without kinds", func(d *plan.Document) { ind(d, "PO.1/1").Derived.Kinds = nil },
			"indicator PO.1/1: avg_objectives needs objective kinds"},
		{"derived cycle", func(d *plan.Document) { ind(d, "PO.1/2").Derived.Indicators = []string{"1.1/1", "PO.1/2"} },
			"derived indicators form a cycle: PO.1/2 → PO.1/2"},
		// baselines
		{"baseline year repeated", func(d *plan.Document) {
			in := ind(d, "1.1/1")
			in.Baselines = append(in.Baselines, in.Baselines[0])
		}, "indicator 1.1/1: baseline year 2022 repeated"},
		{"baseline year", func(d *plan.Document) { ind(d, "1.1/1").Baselines[0].Year = 1980 }, "indicator 1.1/1: baseline year 1980 not valid"},
		{"baseline text", func(d *plan.Document) { ind(d, "1.1/1").Baselines[0].Text = "" }, "indicator 1.1/1: baseline 2022 has no published text"},
		// targets
		{"target year repeated", func(d *plan.Document) {
			in := ind(d, "1.1/1")
			in.Targets = append(in.Targets, in.Targets[0])
		}, "indicator 1.1/1: target year 2024 repeated"},
		{"target year outside", func(d *plan.Document) { ind(d, "1.1/1").Targets[0].Year = 2027 },
			"indicator 1.1/1: target year 2027 outside the plan years 2024-2026"},
		{"target operator", func(d *plan.Document) { ind(d, "1.1/1").Targets[0].Operator = ">" }, `indicator 1.1/1: target operator ">" unknown`},
		{"target value", func(d *plan.Document) { ind(d, "1.1/1").Targets[0].Value = nil }, "indicator 1.1/1: target 2024 has no value"},
		{"SI/NO target value", func(d *plan.Document) { ind(d, "1.1/5").Targets[0].Value = num(2) }, "indicator 1.1/5: a SI/NO target is 1 (SI) or 0 (NO)"},
		{"target text", func(d *plan.Document) { ind(d, "1.1/1").Targets[0].Text = "" }, "indicator 1.1/1: target 2024 has no published text"},
		// individual objectives
		{"individual role", func(d *plan.Document) { d.Individual[0].Role = "dir" }, "individual objective dir/SG1 (line 10): role unknown"},
		{"individual objective", func(d *plan.Document) { d.Individual[0].Objective = "Z.9" },
			iv + `: objective "Z.9" unknown` + "\n" + iv + `: indicator "1.1/1" is not an indicator of Z.9`},
		{"individual title", func(d *plan.Document) { d.Individual[0].Title = "" }, iv + ": title is empty"},
		{"individual weight", func(d *plan.Document) { d.Individual[0].Weight = num(0) }, iv + ": weight must be positive"},
		{"individual indicator of another objective", func(d *plan.Document) {
			d.Individual[0].Indicators = append(d.Individual[0].Indicators, plan.IndividualIndicator{Indicator: "O.1/1"})
		}, iv + `: indicator "O.1/1" is not an indicator of 1.1`},
		{"individual indicator twice", func(d *plan.Document) {
			d.Individual[0].Indicators = append(d.Individual[0].Indicators, d.Individual[0].Indicators[0])
		}, iv + `: indicator "1.1/1" listed twice`},
		// quality notes
		{"note kind", func(d *plan.Document) { d.Notes[0].Kind = "bogus" }, `note 1: kind "bogus" unknown`},
		{"note objective", func(d *plan.Document) { d.Notes[0].Objective = "Z.9" }, `note 1: objective "Z.9" unknown`},
		{"note indicator", func(d *plan.Document) { d.Notes[0].Indicator = "Z.9/1" }, `note 1: indicator "Z.9/1" unknown`},
		{"note interpretation", func(d *plan.Document) { d.Notes[0].Interpretation = "" }, "note 1: interpretation is empty"},
		// every problem is reported, section by section in document order
		{"several sections", func(d *plan.Document) {
			d.Notes[0].Interpretation = ""
			ind(d, "1.1/2").Scale = 0
			d.Ente.Name = ""
		}, "ente name is empty\nindicator 1.1/2: a ratio needs a positive scale\nnote 1: interpretation is empty"},
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
