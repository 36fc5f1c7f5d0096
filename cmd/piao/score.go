package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"text/tabwriter"

	"github.com/piao-performance/piao/internal/config"
	"github.com/piao-performance/piao/internal/itfmt"
	"github.com/piao-performance/piao/internal/model"
	"github.com/piao-performance/piao/internal/scorecard"
	"github.com/piao-performance/piao/internal/scores"
	"github.com/piao-performance/piao/internal/scoring"
	"github.com/piao-performance/piao/internal/store"
)

// scoreLine is one score of the report.
type scoreLine struct {
	Key         string   `json:"key"`
	Kind        string   `json:"kind,omitempty"`
	Title       string   `json:"title,omitempty"`
	Actual      *float64 `json:"actual,omitempty"`
	Target      string   `json:"target,omitempty"`
	Achievement *float64 `json:"achievement_pct"`
	Status      string   `json:"status"`
	Missing     int32    `json:"missing"`
	NA          int32    `json:"not_applicable"`
}

type individualLine struct {
	Role      string   `json:"role"`
	Results   *float64 `json:"results_pct"`
	Behaviour *float64 `json:"behaviour"`
	Total     *float64 `json:"total"`
	Band      string   `json:"band"`
	Missing   int32    `json:"missing"`
}

type scoreReport struct {
	Ente         string           `json:"ente"`
	Plan         string           `json:"plan"`
	Revision     string           `json:"revision"`
	Year         int              `json:"year"`
	Period       string           `json:"period"`
	PeriodClosed bool             `json:"period_closed"`
	Measured     int              `json:"measured_indicators"`
	Demo         bool             `json:"demo_data"`
	Rules        scoring.Rules    `json:"rules"`
	EnteScore    scoreLine        `json:"ente_score"`
	Areas        []scoreLine      `json:"areas"`
	Objectives   []scoreLine      `json:"objectives"`
	Indicators   []scoreLine      `json:"indicators"`
	Dirigenti    []scoreLine      `json:"roles"`
	Units        []scoreLine      `json:"units"`
	Individuals  []individualLine `json:"individual"`
}

func line(key string, s scoring.Score) scoreLine {
	l := scoreLine{Key: key, Status: s.Status.Code(), Missing: s.Missing, NA: s.NA}
	if s.Has {
		v := s.Value
		l.Achievement = &v
	}
	return l
}

// cmdScore prints the scorecard of a plan's period from approved measurements.
func cmdScore(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, stdout io.Writer) error {
	const use = "score --ente ENTE --plan PIANO --year ANNO [--period final|midyear] [--format table|json]"
	fs := flag.NewFlagSet("score", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	ente := fs.String("ente", "", "")
	planSlug := fs.String("plan", "", "")
	year := fs.Int("year", 0, "")
	period := fs.String("period", "final", "")
	format := fs.String("format", "table", "")
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 || *ente == "" || *planSlug == "" || *year == 0 ||
		(*period != "final" && *period != "midyear") || (*format != "table" && *format != "json") {
		return fmt.Errorf("%w: %s", errUsage, use)
	}
	pool, closeAll, err := connect(ctx, cfg, log, false)
	if err != nil {
		return err
	}
	defer closeAll()
	st := store.New(pool)
	h, err := st.PlanHeader(ctx, *ente, *planSlug)
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("piano %s/%s inesistente", *ente, *planSlug)
	}
	if err != nil {
		return err
	}
	p, err := st.Period(ctx, h.ID, *year, *period)
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("nessun periodo %s nel %d per il piano %s/%s (anni %d–%d)", *period, *year, *ente, *planSlug, h.StartYear, h.EndYear)
	}
	if err != nil {
		return err
	}
	card, err := scores.Load(ctx, st, h, p, model.Approved)
	if err != nil {
		return err
	}
	rep := buildReport(card)
	if *format == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	printReport(stdout, rep)
	return nil
}

func buildReport(c *scorecard.Card) scoreReport {
	m, r := c.Model, c.Result
	rep := scoreReport{Ente: c.Plan.EnteSlug, Plan: c.Plan.Slug, Revision: c.Plan.RevisionLabel, Year: c.Period.Year,
		Period: c.Period.Label(), PeriodClosed: c.Period.Closed(), Measured: c.Measured, Demo: c.Demo, Rules: m.Rules,
		EnteScore: line(c.Plan.EnteSlug, r.Ente)}
	for a, n := range m.Areas {
		rep.Areas = append(rep.Areas, line("Ambito "+strconv.Itoa(n), r.Areas[a]))
	}
	for o, ob := range m.Objectives {
		l := line(ob.Code, r.Objectives[o])
		l.Kind, l.Title = ob.Kind, ob.Title
		rep.Objectives = append(rep.Objectives, l)
	}
	for i, in := range m.Indicators {
		res := r.Indicators[i]
		l := line(in.Key, res.Score)
		l.Kind, l.Title = string(in.Formula), in.Name
		if res.HasActual {
			v := res.Actual
			l.Actual = &v
		}
		if in.Target != nil {
			l.Target = itfmt.Target(in.Target.Operator, in.Target.Value, in.Unit)
		}
		rep.Indicators = append(rep.Indicators, l)
	}
	for k, role := range m.Roles {
		rep.Dirigenti = append(rep.Dirigenti, line(role, r.Roles[k]))
	}
	for u, unit := range m.Units {
		rep.Units = append(rep.Units, line(unit, r.Units[u]))
	}
	for _, ir := range r.Individuals {
		il := individualLine{Role: ir.Role, Band: ir.Band, Missing: ir.Results.Missing}
		if ir.Results.Has {
			v := ir.Results.Value
			il.Results = &v
		}
		if ir.HasBehaviour {
			v := ir.Behaviour
			il.Behaviour = &v
		}
		if ir.Total.Has {
			v := ir.Total.Value
			il.Total = &v
		}
		rep.Individuals = append(rep.Individuals, il)
	}
	return rep
}

func pctOrDash(v *float64) string {
	if v == nil {
		return "—"
	}
	return itfmt.Number(*v, 2) + "%"
}

func printReport(w io.Writer, rep scoreReport) {
	state := "aperto"
	if rep.PeriodClosed {
		state = "chiuso"
	}
	fmt.Fprintf(w, "%s / %s — %s\nPeriodo %s, %s; %d indicatori con misurazione approvata.\n", rep.Ente, rep.Plan, rep.Revision, rep.Period, state, rep.Measured)
	if rep.Demo {
		fmt.Fprintln(w, "ATTENZIONE: contiene dati dimostrativi.")
	}
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	section := func(title string, header string, lines []scoreLine, withTarget bool) {
		fmt.Fprintf(tw, "\n%s\n%s\n", title, header)
		for _, l := range lines {
			miss := ""
			if l.Missing > 0 || l.NA > 0 {
				miss = fmt.Sprintf("%d mancanti, %d n.a.", l.Missing, l.NA)
			}
			if withTarget {
				actual := "—"
				if l.Actual != nil {
					actual = itfmt.Number(*l.Actual, 2)
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", l.Key, truncate(l.Title, 60), actual, l.Target, pctOrDash(l.Achievement), l.Status)
				continue
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", l.Key, truncate(l.Title, 60), pctOrDash(l.Achievement), l.Status, miss)
		}
	}
	section("ENTE", "codice\t\tgrado\tstato\tcompletezza", []scoreLine{rep.EnteScore}, false)
	section("AMBITI STRATEGICI", "ambito\t\tgrado\tstato\tcompletezza", rep.Areas, false)
	section("OBIETTIVI", "codice\ttitolo\tgrado\tstato\tcompletezza", rep.Objectives, false)
	section("INDICATORI", "chiave\tnome\tvalore\ttarget\tgrado\tstato", rep.Indicators, true)
	section("DIRIGENTI (obiettivi di responsabilità)", "ruolo\t\tgrado\tstato\tcompletezza", rep.Dirigenti, false)
	section("UNITÀ ORGANIZZATIVE", "unità\t\tgrado\tstato\tcompletezza", rep.Units, false)
	fmt.Fprintf(tw, "\nVALUTAZIONE INDIVIDUALE\nruolo\trisultati\tcomportamenti\ttotale\tfascia\n")
	for _, il := range rep.Individuals {
		beh, tot := "—", "—"
		if il.Behaviour != nil {
			beh = itfmt.Number(*il.Behaviour, 2)
		}
		if il.Total != nil {
			tot = itfmt.Number(*il.Total, 2)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", il.Role, pctOrDash(il.Results), beh, tot, il.Band)
	}
	tw.Flush()
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
