//go:build browser

package server_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/piao-performance/piao/internal/itfmt"
	"github.com/piao-performance/piao/internal/mail"
	"github.com/piao-performance/piao/internal/mailpit"
	"github.com/piao-performance/piao/internal/model"
	"github.com/piao-performance/piao/internal/seed"
	"github.com/piao-performance/piao/internal/store"
	"github.com/piao-performance/piao/internal/workflow"
	"github.com/piao-performance/piao/templates"
)

// TestBrowserCycleJourney is the journey of issue 14: the Segretario signs in
// on the open period, sees who is late, bulk-approves three entries, returns
// one with a comment (the dirigente receives the e-mail through a real SMTP
// server), tries to close an ended period and sees what is missing, closes
// it; the OIV cannot validate 2025 (its final period is open) and validates
// 2023 after reviewing the completeness summary, which the transparency page
// then shows. Every page visited passes axe-core with no console error.
func TestBrowserCycleJourney(t *testing.T) {
	h, pool := newApp(t)
	ctx := context.Background()
	st := store.New(pool)
	const dirEmail = "dir.promozione@example.it"
	for _, a := range seed.DemoAccounts() {
		if a.Username != "dir.promozione" {
			addUserAs(t, pool, a.Username, a.DisplayName, a.Role, a.Position)
			continue
		}
		// the dirigente has an address: the return's e-mail reaches him
		hash := testHash(t)
		if _, err := st.CreateUser(ctx, store.NewUser{Ente: "cciaa-gran-sasso", Username: a.Username, DisplayName: a.DisplayName,
			Email: dirEmail, Role: a.Role, Position: a.Position, PasswordHash: hash}, "test"); err != nil {
			t.Fatal(err)
		}
	}
	dir, _, err := st.Credentials(ctx, "dir.promozione")
	if err != nil {
		t.Fatal(err)
	}
	ph, err := st.PlanHeader(ctx, "cciaa-gran-sasso", "piao-2023-2025")
	if err != nil {
		t.Fatal(err)
	}
	periods, err := st.Periods(ctx, ph.ID)
	if err != nil {
		t.Fatal(err)
	}
	today := time.Now().In(itfmt.Rome())
	landing, ok := store.CurrentPeriod(periods, today)
	if !ok || landing.Closed() {
		t.Fatalf("no open current period: %+v", landing)
	}
	y2023, err := st.Period(ctx, ph.ID, 2023, "final")
	if err != nil {
		t.Fatal(err)
	}
	if landing.ID == y2023.ID {
		t.Fatal("the landing period is 2023-final: the journey needs another period to close")
	}

	// Fixture: the dirigente submits four entries of the landing period and,
	// in 2023-final, leaves one draft and one submitted entry.
	save := func(p model.Period, key string, submit bool) model.Entry {
		t.Helper()
		ind, err := st.EntryIndicator(ctx, ph, key, p.Year)
		if err != nil {
			t.Fatal(err)
		}
		// a final period's "non applicabile" is approved only with its motivazione
		e, err := st.SaveEntry(ctx, ph, store.EntryInput{Indicator: ind, Period: p, NotApplicable: true,
			Reason: "Servizio sospeso nel periodo (dato dimostrativo)", Submit: submit, Deviation: &model.Deviation{
				What: "Servizio sospeso.", Why: "Dato dimostrativo.", Action: "Nessuna: dato dimostrativo."}}, dir)
		if err != nil {
			t.Fatalf("save %s: %v", key, err)
		}
		return e
	}
	work, err := st.Worklist(ctx, ph, landing, dir.PositionID)
	if err != nil || len(work) < 4 {
		t.Fatalf("worklist of the landing period: %d %v", len(work), err)
	}
	var keys []string
	for _, it := range work[:4] {
		save(landing, it.Key, true)
		keys = append(keys, it.Key)
	}
	work23, err := st.Worklist(ctx, ph, y2023, dir.PositionID)
	if err != nil || len(work23) < 2 {
		t.Fatalf("worklist of 2023-final: %d %v", len(work23), err)
	}
	save(y2023, work23[0].Key, false)
	save(y2023, work23[1].Key, true)

	srv := httptest.NewServer(h)
	defer srv.Close()
	bctx := browser(t)
	defer shot(t, bctx, "cycle-journey")
	flush := consoleErrors(t, bctx)
	mainText := func() string { return eval[string](t, bctx, `document.querySelector('main').innerText`) }
	// a refused form is answered 422, which Chromium logs as a failed
	// resource: that one line is expected on the page of the answer
	refused := false
	check := func(name string, wants ...string) {
		t.Helper()
		text := mainText()
		for _, w := range wants {
			if !strings.Contains(text, w) {
				t.Errorf("%s: missing %q in:\n%s", name, w, text)
			}
		}
		var errs []string
		for _, e := range flush() {
			if !refused || !strings.Contains(e, "the server responded with a status of 422") {
				errs = append(errs, e)
			}
		}
		refused = false
		if len(errs) > 0 {
			t.Errorf("%s: console errors: %v", name, errs)
		}
		if v := axeViolations(t, bctx); len(v) > 0 {
			t.Errorf("%s: axe-core violations:\n%s", name, strings.Join(v, "\n"))
		}
	}
	// submit runs actions that navigate and checks the answer's status
	submit := func(name string, status int64, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if got := loadAfter(t, bctx, actions...); got != status {
			t.Fatalf("%s: status %d, want %d:\n%s", name, got, status, mainText())
		}
		refused = status == http.StatusUnprocessableEntity
	}
	signInAs := func(username string) {
		t.Helper()
		if err := chromedp.Do(bctx, chromedp.Navigate(srv.URL+"/accedi"), chromedp.SendKeys(chromedp.ID("username"), username),
			chromedp.SendKeys(chromedp.ID("password"), testPassword)); err != nil {
			t.Fatal(err)
		}
		submit("sign in "+username, http.StatusOK, chromedp.Click(chromedp.CSS(`main button[type=submit]`)))
	}
	signOut := func() {
		t.Helper()
		submit("sign out", http.StatusOK, chromedp.Click(chromedp.CSS(`header form[action="/esci"] button`)))
	}

	// 1. The Segretario lands on the cockpit of the open period and sees who is late.
	signInAs("segretario")
	if path := eval[string](t, bctx, `location.pathname`); path != planPath+"/cruscotto" {
		t.Fatalf("segretario landed on %s", path)
	}
	if label := eval[string](t, bctx, `document.getElementById('periodo-corrente').innerText`); !strings.Contains(label, itfmt.Date(landing.EndsOn)+" (aperto)") {
		t.Errorf("period label %q, want %s (aperto)", label, itfmt.Date(landing.EndsOn))
	}
	_, byPos, err := st.Collection(ctx, ph, landing)
	if err != nil {
		t.Fatal(err)
	}
	var dirRow model.CollectionCount
	for _, c := range byPos {
		if c.PositionID == dir.PositionID {
			dirRow = c
		}
	}
	if dirRow.Position == "" || dirRow.Submitted != 4 {
		t.Fatalf("collection of the dirigente: %+v", dirRow)
	}
	rowJS := func(table, head string) string {
		return `(() => { const th = [...document.querySelectorAll('` + table + ` tbody th')].find(e => e.innerText.trim() === ` + strconv.Quote(head) + `);
			return th ? [...th.parentElement.cells].map(c => c.innerText.trim()).join('|') : 'no row' })()`
	}
	// "scaduto da N giorni" past the deadline, else "in corso"; the page was
	// built between today and now (a day may have turned in between)
	lateText := func(day time.Time) string {
		if landing.Deadline != nil {
			if s := templates.OverdueText(*landing.Deadline, day); s != "" {
				return s
			}
		}
		return "in corso"
	}
	if landing.Deadline != nil && landing.Deadline.Before(today) && !strings.HasPrefix(lateText(today), "scaduto da ") {
		t.Fatalf("the deadline %s has passed but the expected text is %q", itfmt.Date(*landing.Deadline), lateText(today))
	}
	row := eval[string](t, bctx, rowJS(`section[aria-labelledby="raccolta"] table`, dirRow.Position))
	wantRow := func(late string) string {
		return strings.Join([]string{dirRow.Position, strconv.Itoa(dirRow.Expected), strconv.Itoa(dirRow.Empty), strconv.Itoa(dirRow.Draft),
			strconv.Itoa(dirRow.Returned), "4", strconv.Itoa(dirRow.Approved), strconv.Itoa(dirRow.NotApplicable), late}, "|")
	}
	if w1, w2 := wantRow(lateText(today)), wantRow(lateText(time.Now().In(itfmt.Rome()))); row != w1 && row != w2 {
		t.Errorf("the dirigente's collection row:\n got %s\nwant %s", row, w1)
	}
	check("cockpit", "Raccolta dei dati", "Da approvare (4)")

	// 2. Bulk approval of three entries: confirmation with the count, then done.
	for _, k := range keys[:3] {
		if err := chromedp.Do(bctx, chromedp.Click(chromedp.CSS(`input[name="voce"][value="`+k+`"]`))); err != nil {
			t.Fatal(err)
		}
	}
	submit("approve selected", http.StatusOK, chromedp.Click(chromedp.CSS(`#coda-approvazioni button[value="approva"]`)))
	check("approval confirmation", "Confermi l'approvazione di 3 misurazioni?", keys[0], keys[1], keys[2])
	if strings.Contains(mainText(), keys[3]+" ") {
		t.Errorf("the confirmation lists the unselected %s", keys[3])
	}
	submit("confirm approval", http.StatusOK, chromedp.Click(chromedp.CSS(`#coda-approvazioni form button[type=submit]`)))
	check("approved", "3 misurazioni approvate.", "Da approvare (1)")
	for i, k := range keys {
		ind, err := st.EntryIndicator(ctx, ph, k, landing.Year)
		if err != nil {
			t.Fatal(err)
		}
		e, err := st.Entry(ctx, ind.ID, landing.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := workflow.Approved
		if i == 3 {
			want = workflow.Submitted
		}
		if e.Status != want {
			t.Errorf("%s: status %q, want %q", k, e.Status, want)
		}
	}

	// 3. The fourth is returned with a comment; the dirigente gets the e-mail.
	comment := "Manca il verbale della commissione (prova)"
	if err := chromedp.Do(bctx, chromedp.Click(chromedp.CSS(`input[name="voce"][value="`+keys[3]+`"]`)),
		chromedp.SendKeys(chromedp.ID("commento"), comment)); err != nil {
		t.Fatal(err)
	}
	submit("return selected", http.StatusOK, chromedp.Click(chromedp.CSS(`#coda-approvazioni button[value="restituisci"]`)))
	check("return confirmation", "Confermi la restituzione di 1 misurazione?", keys[3], "Commento: "+comment)
	submit("confirm return", http.StatusOK, chromedp.Click(chromedp.CSS(`#coda-approvazioni form button[type=submit]`)))
	check("returned", "1 misurazione restituita con il commento.", "Da approvare (0)")
	ind3, err := st.EntryIndicator(ctx, ph, keys[3], landing.Year)
	if err != nil {
		t.Fatal(err)
	}
	if e, err := st.Entry(ctx, ind3.ID, landing.ID); err != nil || e.Status != workflow.Returned {
		t.Fatalf("%s after the return: %+v %v", keys[3], e, err)
	}
	mp := mailpit.Start(t)
	sender, err := mail.NewSender(mail.Config{Host: mp.SMTPHost, Port: mp.SMTPPort, Security: mail.SecurityNone, From: "piao@example.it"})
	if err != nil {
		t.Fatal(err)
	}
	w := &mail.Worker{Store: st, Sender: sender, MessageIDHost: "example.it"}
	if res, err := w.RunOnce(ctx, time.Now()); err != nil || res.Failed != 0 {
		t.Fatalf("mail worker: %+v %v", res, err)
	} else {
		t.Logf("mail worker: %+v", res)
	}
	var returned, approved int
	for _, m := range mp.To(t, dirEmail) {
		switch m.Subject {
		case "Misurazione restituita: indicatore " + keys[3]:
			returned++
			if !strings.Contains(m.Text, "«"+comment+"»") {
				t.Errorf("the return's e-mail lacks the comment:\n%s", m.Text)
			}
		case "Misurazione approvata: indicatore " + keys[0], "Misurazione approvata: indicatore " + keys[1], "Misurazione approvata: indicatore " + keys[2]:
			approved++
		default:
			t.Errorf("unexpected message to the dirigente: %q", m.Subject)
		}
	}
	if returned != 1 || approved != 3 {
		t.Errorf("the dirigente received %d return and %d approval messages, want 1 and 3", returned, approved)
	}

	// 4. Closing 2023-final: the confirmation lists what is missing per
	// dirigente and closes only once the box is ticked.
	gaps, err := st.ClosingGaps(ctx, ph, y2023)
	if err != nil || len(gaps) == 0 {
		t.Fatalf("gaps of 2023-final: %+v %v", gaps, err)
	}
	if err := chromedp.Do(bctx, chromedp.Navigate(srv.URL+planPath+"/periodi")); err != nil {
		t.Fatal(err)
	}
	check("periods", "Periodi")
	closeForm := `main form[action$="/periodi/2023-final"]`
	submit("close 2023-final", http.StatusOK, chromedp.Click(chromedp.CSS(closeForm+` button`)))
	check("closing confirmation", "Chiudere il periodo "+y2023.Label()+"?", "Cosa manca ancora")
	var dirGap bool
	for _, g := range gaps {
		want := strings.Join([]string{g.Position, strconv.Itoa(g.Empty), strconv.Itoa(g.Draft), strconv.Itoa(g.Submitted)}, "|")
		if got := eval[string](t, bctx, rowJS(`main table`, g.Position)); got != want {
			t.Errorf("missing values of %s:\n got %s\nwant %s", g.Position, got, want)
		}
		if g.Position == dirRow.Position {
			dirGap = g.Draft == 1 && g.Submitted == 1
		}
	}
	if !dirGap {
		t.Errorf("the dirigente's draft and submitted entries of 2023 are not in the missing list: %+v", gaps)
	}
	// without the box the browser does not send the form; a form sent anyway
	// (validation off) is refused by the server with the message
	if eval[bool](t, bctx, `document.querySelector('`+closeForm+`').checkValidity()`) {
		t.Error("the closing form is valid without the confirmation ticked")
	}
	if err := chromedp.Do(bctx, chromedp.Evaluate[chromedp.Void](`document.querySelector('`+closeForm+`').noValidate = true`)); err != nil {
		t.Fatal(err)
	}
	submit("close without confirming", http.StatusUnprocessableEntity, chromedp.Click(chromedp.CSS(closeForm+` button[type=submit]`)))
	if msg := eval[string](t, bctx, `document.getElementById('conferma-errore').innerText`); msg != "Per chiudere il periodo spunta la conferma." {
		t.Errorf("refusal message %q", msg)
	}
	check("closing refused", "Cosa manca ancora")
	if p, err := st.Period(ctx, ph.ID, 2023, "final"); err != nil || p.Closed() {
		t.Fatalf("2023-final after the refused closing: closed %v, %v", p.Closed(), err)
	}
	if err := chromedp.Do(bctx, chromedp.Click(chromedp.ID("conferma"))); err != nil {
		t.Fatal(err)
	}
	submit("confirm closing", http.StatusOK, chromedp.Click(chromedp.CSS(closeForm+` button[type=submit]`)))
	if path := eval[string](t, bctx, `location.pathname`); path != planPath+"/periodi" {
		t.Fatalf("after closing on %s", path)
	}
	check("period closed", "chiuso il")
	if p, err := st.Period(ctx, ph.ID, 2023, "final"); err != nil || !p.Closed() {
		t.Fatalf("2023-final was not closed: %v", err)
	}
	signOut()

	// 5. The OIV: 2025 is refused (final period open), 2023 is validated
	// after the completeness summary.
	signInAs("oiv")
	if path := eval[string](t, bctx, `location.pathname`); path != planPath+"/oiv" {
		t.Fatalf("oiv landed on %s", path)
	}
	check("oiv", "Validazione della Relazione", "Completezza dei dati del periodo finale")
	compl, err := st.YearsCompleteness(ctx, ph.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, y := range []int{2023, 2025} {
		c := compl[y]
		state := "Aperto: validazione non possibile finché il periodo non è chiuso"
		if c.ClosedAt != nil {
			state = "Chiuso il " + itfmt.Date(c.ClosedAt.In(itfmt.Rome()))
		}
		want := strings.Join([]string{strconv.Itoa(y), state, strconv.Itoa(c.Expected), strconv.Itoa(c.Approved), strconv.Itoa(c.NotApplicable),
			strconv.Itoa(c.Returned), strconv.Itoa(c.Submitted), strconv.Itoa(c.Draft), strconv.Itoa(c.Missing)}, "|")
		if got := eval[string](t, bctx, rowJS(`#completezza`, strconv.Itoa(y))); got != want {
			t.Errorf("completeness of %d:\n got %s\nwant %s", y, got, want)
		}
	}
	if c := compl[2023]; c.ClosedAt == nil || c.Draft != 1 || c.Submitted != 1 || c.Missing != c.Expected-2 {
		t.Errorf("completeness of 2023 from the store: %+v", c)
	}
	doc := filepath.Join(t.TempDir(), "verbale-oiv.pdf")
	if err := os.WriteFile(doc, []byte(minimalPDF), 0o600); err != nil {
		t.Fatal(err)
	}
	var decided string // today in Rome, read when the form is filled
	fill := func(year string) {
		t.Helper()
		decided = itfmt.Date(time.Now().In(itfmt.Rome()))
		if err := chromedp.Do(bctx,
			chromedp.SetValue(chromedp.ID("val-anno"), year),
			chromedp.SetValue(chromedp.ID("val-esito"), model.Validated),
			chromedp.SetValue(chromedp.ID("val-data"), decided),
			chromedp.SetValue(chromedp.ID("val-atto"), "Verbale OIV n. 1 (prova)"),
			chromedp.SetUploadFiles(chromedp.ID("val-documento"), []string{doc})); err != nil {
			t.Fatal(err)
		}
	}
	fill("2025")
	submit("validate 2025", http.StatusUnprocessableEntity, chromedp.Click(chromedp.CSS(`main form[action$="/oiv/validazione"] button[type=submit]`)))
	wantMsg := "Il periodo finale del 2025 (31/12/2025) non è ancora chiuso: la Relazione 2025 si può validare solo dopo la chiusura del periodo, quando i valori dell'anno sono definitivi."
	if msg := eval[string](t, bctx, `document.getElementById('val-anno-errore').innerText`); msg != wantMsg {
		t.Errorf("refusal of 2025: %q", msg)
	}
	check("validation of 2025 refused", "Validazione della Relazione")
	if v, err := st.ValidationOf(ctx, ph.ID, 2025); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("2025 has a validation after the refusal: %+v %v", v, err)
	}
	// the form kept what was typed except the file, which is sent again
	if got := eval[string](t, bctx, `document.getElementById('val-atto').value`); got != "Verbale OIV n. 1 (prova)" {
		t.Errorf("the refused form lost the act reference: %q", got)
	}
	fill("2023")
	submit("validate 2023", http.StatusOK, chromedp.Click(chromedp.CSS(`main form[action$="/oiv/validazione"] button[type=submit]`)))
	check("validation of 2023", "Validazione registrata.")
	if v, err := st.ValidationOf(ctx, ph.ID, 2023); err != nil || v.Outcome != model.Validated {
		t.Fatalf("2023's validation: %+v %v", v, err)
	}
	if err := chromedp.Do(bctx, chromedp.Navigate(srv.URL+"/trasparenza/cciaa-gran-sasso/piao-2023-2025")); err != nil {
		t.Fatal(err)
	}
	check("transparency", "Amministrazione trasparente", "Validata dall'OIV il "+decided, "Relazione sulla performance 2023")
	if strings.Contains(mainText(), "Relazione sulla performance 2025") {
		t.Error("the transparency page publishes the Relazione 2025")
	}
}
