package plan_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/piao-performance/piao/internal/plan"
)

// TestFormulaTable: every Formula is listed once, known, and has its entry in
// FormulaInputs: two inputs for a computed formula, none otherwise.
func TestFormulaTable(t *testing.T) {
	computed := map[plan.Formula][]string{
		plan.FormulaRatio:         {"numerator", "denominator"},
		plan.FormulaDifference:    {"value", "benchmark"},
		plan.FormulaRatioPrevious: {"current", "previous"},
	}
	seen := map[plan.Formula]bool{}
	for _, f := range plan.Formulas() {
		if seen[f] {
			t.Errorf("%s listed twice", f)
		}
		seen[f] = true
		if !f.Known() {
			t.Errorf("%s not Known", f)
		}
		ins := plan.FormulaInputs(f)
		if got, want := f.InputKeys(), computed[f]; !slices.Equal(got, want) {
			t.Errorf("%s: input keys %v, want %v", f, got, want)
		}
		if f.Computed() != (len(ins) > 0) {
			t.Errorf("%s: Computed %v with %d inputs", f, f.Computed(), len(ins))
		}
		for _, in := range ins {
			if in.Key == "" || strings.TrimSpace(in.Label) == "" || in.Column == "" {
				t.Errorf("%s: incomplete input %+v", f, in)
			}
		}
		if len(ins) > 0 && (ins[0].NonZero || ins[1].NonZero != (f != plan.FormulaDifference)) {
			t.Errorf("%s: divisors %+v: only the second input of a quotient must be non-zero", f, ins)
		}
	}
	if len(seen) != 6 {
		t.Errorf("Formulas() has %d formulas, want 6", len(seen))
	}
	for _, f := range []plan.Formula{"", "sum", "Ratio"} {
		if f.Known() || plan.FormulaInputs(f) != nil {
			t.Errorf("%q is taken for a formula", f)
		}
	}
	if got, want := plan.AllInputKeys(), []string{"numerator", "denominator", "value", "benchmark", "current", "previous"}; !slices.Equal(got, want) {
		t.Errorf("AllInputKeys = %v, want %v", got, want)
	}
	// each call returns a new table: changing one does not change the next
	plan.FormulaInputs(plan.FormulaRatio)[0].Key = "changed"
	if plan.FormulaInputs(plan.FormulaRatio)[0].Key != "numerator" {
		t.Error("FormulaInputs returns shared state")
	}
}

func TestFormulaInputsHelpers(t *testing.T) {
	got := plan.FormulaDifference.Inputs("Giorni dell'ente")
	want := []plan.Input{{Key: "value", Label: "Giorni dell'ente"}, {Key: "benchmark", Label: "Valore di riferimento (benchmark)"}}
	if !slices.Equal(got, want) {
		t.Errorf("Inputs = %v, want %v", got, want)
	}
	if plan.FormulaDirect.Inputs("x") != nil || plan.FormulaDirect.InputValues(1, 2) != nil {
		t.Error("a direct formula has inputs")
	}
	for _, f := range plan.Formulas() {
		if !f.Computed() {
			continue
		}
		vals := f.InputValues(3, 4)
		if a, b := f.Operands(vals); a != 3 || b != 4 || len(vals) != 2 {
			t.Errorf("%s: Operands(InputValues(3, 4)) = %v, %v from %v", f, a, b, vals)
		}
	}
	if a, b := plan.FormulaRatioPrevious.Operands(map[string]float64{"current": 5}); a != 5 || b != 0 {
		t.Errorf("missing input: %v, %v; want 5, 0", a, b)
	}
	if a, b := plan.FormulaYesNo.Operands(map[string]float64{"value": 1, "benchmark": 2}); a != 0 || b != 0 {
		t.Errorf("SI/NO operands %v, %v; want 0, 0", a, b)
	}
}

func TestComputeActual(t *testing.T) {
	cases := []struct {
		f                  plan.Formula
		scale, value, a, b float64
		want               float64
		ok                 bool
	}{
		{plan.FormulaRatio, 100, 0, 45, 50, 90, true},
		{plan.FormulaRatio, 1, 0, 1, 4, 0.25, true},
		{plan.FormulaRatio, 100, 0, 0, 50, 0, true},
		{plan.FormulaRatio, 100, 7, 45, 0, 0, false}, // the zero-denominator rule
		{plan.FormulaRatio, 100, 0, math.Inf(1), 1, 0, false},
		{plan.FormulaDifference, 0, 0, -5.7, -19.91, 14.21, true},
		{plan.FormulaDifference, 0, 0, 3, 0, 3, true}, // a zero benchmark is a value
		{plan.FormulaRatioPrevious, 0, 0, 330, 300, 1.1, true},
		{plan.FormulaRatioPrevious, 0, 0, 330, 0, 0, false}, // previous year zero
		{plan.FormulaDirect, 0, 183, 1, 0, 183, true},
		{plan.FormulaYesNo, 0, 1, 0, 0, 1, true},
		{plan.FormulaDerived, 0, 61.24, 0, 0, 61.24, true},
		{plan.FormulaDirect, 0, math.NaN(), 0, 0, 0, false},
	}
	for _, c := range cases {
		v, ok := plan.ComputeActual(c.f, c.scale, c.value, c.a, c.b)
		if ok != c.ok || math.Abs(v-c.want) > 1e-9 {
			t.Errorf("ComputeActual(%s, scale %v, value %v, %v, %v) = %v, %v; want %v, %v", c.f, c.scale, c.value, c.a, c.b, v, ok, c.want, c.ok)
		}
	}
}

// TestFormulaInputKeysOnlyInTable: outside package plan no Go source spells
// an input key of FormulaInputs as a string literal, so every place that maps
// a formula to its inputs reads the table. The exceptions are words that are
// not an input key there.
func TestFormulaInputKeysOnlyInTable(t *testing.T) {
	allowed := map[string][]string{ // file (from the module root) -> literals allowed there
		"internal/store/scoring_read.go": {"benchmark"}, // the status of a benchmark row of the SQL query
		"internal/measure/csv.go":        {"previous"},  // chooses the message for a zero previous value
	}
	keys := map[string]bool{}
	for _, k := range plan.AllInputKeys() {
		keys[k] = k != "value" // "value" is also the direct value everywhere
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("module root not found: %v", err)
	}
	files := 0
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if strings.HasPrefix(d.Name(), ".") && rel != "." || d.Name() == "testdata" || d.Name() == "node_modules" || rel == "internal/plan" {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(rel, ".go") || strings.HasSuffix(rel, "_test.go") {
			return nil
		}
		files++
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			lit, ok := n.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			s, err := strconv.Unquote(lit.Value)
			if err == nil && keys[s] && !slices.Contains(allowed[rel], s) {
				t.Errorf("%s: the literal %q spells a formula input: use plan.FormulaInputs", rel, s)
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 100 {
		t.Errorf("scanned %d Go files; the walk missed the module", files)
	}
}
