package faults_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestPostgresDownAndBack stops PostgreSQL under the running application:
// every page answers the Italian 503, /readyz fails while /healthz answers, a
// save writes nothing and the process stays up; when PostgreSQL is back the
// application recovers by itself.
func TestPostgresDownAndBack(t *testing.T) {
	t.Parallel()
	db := startCluster(t)
	loadDemo(t, db.URL())
	a := startApp(t, db.URL())
	dir, anon := client(t), client(t)
	a.signIn(t, dir, dirigente)

	pages := []struct {
		what string
		c    *http.Client
		path string
	}{
		{"the plan page", anon, refPlan},
		{"an objective page", anon, refPlan + "/obiettivi/O.3.3.1"},
		{"the dashboard (signed in)", dir, refPlan + "/cruscotto" + period},
		{"the entry form (signed in)", dir, entryPath + period},
	}
	for _, p := range pages {
		if r := get(t, p.c, a.base+p.path); r.status != http.StatusOK {
			t.Fatalf("%s before the fault: %s", p.what, r)
		}
	}
	if r := get(t, anon, a.base+"/readyz"); r.status != http.StatusOK {
		t.Fatalf("/readyz before the fault: %s", r)
	}

	db.stop(t)

	// No waiting: the first requests after the stop already get the 503 page.
	for _, p := range pages {
		wantItalianUnavailable(t, p.what, get(t, p.c, a.base+p.path))
	}
	wantItalianUnavailable(t, "a save", a.postEntry(t, dir, "321", "0", "salvata a database spento",
		map[string][]byte{"spento.pdf": pdf("spento", 64<<10)}))
	if r := get(t, anon, a.base+"/readyz"); r.status != http.StatusServiceUnavailable {
		t.Errorf("/readyz with the database down: %s, want 503", r)
	}
	if r := get(t, anon, a.base+"/healthz"); r.status != http.StatusOK {
		t.Errorf("/healthz with the database down: %s, want 200", r)
	}
	// the pool keeps failing, not just the first request
	for _, p := range pages {
		wantItalianUnavailable(t, p.what+" (again)", get(t, p.c, a.base+p.path))
	}
	a.mustRun(t)

	db.restart(t)
	start := time.Now()
	eventually(t, "/readyz after PostgreSQL restarted", func() error {
		if r := get(t, anon, a.base+"/readyz"); r.status != http.StatusOK {
			return fmt.Errorf("%s", r)
		}
		return nil
	})
	t.Logf("ready again %s after PostgreSQL restarted", time.Since(start).Round(time.Millisecond))
	for _, p := range pages {
		if r := get(t, p.c, a.base+p.path); r.status != http.StatusOK {
			t.Errorf("%s after recovery: %s", p.what, r)
		}
	}

	conn := db.conn(t)
	if s := measurement(t, conn); s.exists || len(s.attachments) > 0 || len(s.events) > 0 {
		t.Fatalf("the save attempted with the database down left something: %+v", s)
	}
	// the session survived (it lives in PostgreSQL) and saving works again
	file := pdf("ripresa", 256<<10)
	if r := a.postEntry(t, dir, "321", "0", "dopo la ripresa", map[string][]byte{"ripresa.pdf": file}); r.status != http.StatusSeeOther {
		t.Fatalf("save after recovery: %s", r)
	}
	s := measurement(t, conn)
	if !s.exists || s.version != 1 || s.value != 321 || !bytes.Equal(s.attachments["ripresa.pdf"], file) || len(s.attachments) != 1 ||
		len(s.events) != 1 || s.events[0].action != "measurement.save" || !slices.Equal(s.events[0].attachments, []string{"ripresa.pdf"}) {
		t.Fatalf("save after recovery stored %+v", s)
	}
	a.mustRun(t)
}

// TestSIGTERMDuringSave sends SIGTERM while the entry form's multipart body,
// with a 4 MB attachment, is being read by the handler: the graceful shutdown
// lets the save finish whole (or, were it cut off, nothing may be written)
// and the process exits with status 0.
func TestSIGTERMDuringSave(t *testing.T) {
	t.Parallel()
	db := startCluster(t)
	loadDemo(t, db.URL())
	a := startApp(t, db.URL())
	dir := client(t)
	a.signIn(t, dir, dirigente)
	if r := get(t, dir, a.base+entryPath+period); r.status != http.StatusOK || !strings.Contains(r.body, `name="versione" value="0"`) {
		t.Fatalf("entry form: %s", r)
	}

	file := pdf("verbale", 4<<20)
	ct, body := entryForm(t, "250", "0", "salvata durante l'arresto", map[string][]byte{"verbale.pdf": file})
	pr, pw := io.Pipe()
	defer pr.Close()
	// Expect: 100-continue makes the server say when the handler starts
	// reading the body: from then on the request is in flight for sure.
	reading := make(chan struct{})
	ctx := httptrace.WithClientTrace(context.Background(), &httptrace.ClientTrace{
		Got100Continue: func() { close(reading) },
	})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, a.base+entryPath+period, pr)
	if err != nil {
		t.Fatal(err)
	}
	req.ContentLength = int64(len(body))
	req.Header.Set("Content-Type", ct)
	req.Header.Set("Expect", "100-continue")
	c := &http.Client{Jar: dir.Jar, Timeout: 2 * deadline, CheckRedirect: dir.CheckRedirect,
		Transport: &http.Transport{ExpectContinueTimeout: deadline}}
	type result struct {
		r   response
		err error
	}
	resc := make(chan result, 1)
	go func() {
		r, err := do(c, req)
		resc <- result{r, err}
	}()

	select {
	case <-reading:
	case res := <-resc:
		t.Fatalf("the save ended before its body was sent: %v %s", res.err, res.r)
	case <-time.After(deadline):
		t.Fatal("the handler never started reading the body (no 100 Continue)")
	}
	half := len(body) / 2
	if _, err := pw.Write(body[:half]); err != nil {
		t.Fatalf("first half of the body: %v", err)
	}
	if err := a.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	sent := time.Now()
	// the server is shutting down (it logged so and no longer accepts
	// connections) while the save is still in flight
	a.waitLog(t, "shutting down", nil)
	eventually(t, "listener closed", func() error {
		probe := &http.Client{Timeout: time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
		res, err := probe.Get(a.base + "/healthz")
		if err == nil {
			res.Body.Close()
			return errors.New("still accepting connections")
		}
		return nil
	})
	select {
	case res := <-resc:
		t.Fatalf("the save ended before its body was complete: %v %s", res.err, res.r)
	default:
	}
	if _, err := pw.Write(body[half:]); err != nil {
		t.Logf("rest of the body: %v", err)
	}
	pw.Close()

	var res result
	select {
	case res = <-resc:
	case <-time.After(2 * deadline):
		t.Fatal("no answer to the save")
	}
	select {
	case <-a.done:
	case <-time.After(shutdownTimeout + 5*time.Second):
		t.Fatalf("piao serve still running %s after SIGTERM", time.Since(sent))
	}
	if a.err != nil {
		t.Errorf("piao serve after SIGTERM: %v (want exit status 0)", a.err)
	}
	t.Logf("save answered %v %d; process exited %s after SIGTERM", res.err, res.r.status, time.Since(sent).Round(time.Millisecond))

	// all or nothing in the database (PostgreSQL kept running)
	s := measurement(t, db.conn(t))
	complete := s.exists && s.version == 1 && s.value == 250 && len(s.attachments) == 1 && bytes.Equal(s.attachments["verbale.pdf"], file) &&
		len(s.events) == 1 && s.events[0].action == "measurement.save" && slices.Equal(s.events[0].attachments, []string{"verbale.pdf"})
	none := !s.exists && len(s.attachments) == 0 && len(s.events) == 0
	switch {
	case res.err == nil && res.r.status == http.StatusSeeOther:
		if !complete {
			t.Fatalf("the save was confirmed (303) but the database holds %s", describe(s))
		}
	case complete:
		t.Fatalf("the save was written but the client got %v %s", res.err, res.r)
	case !none:
		t.Fatalf("half-written save: %s", describe(s))
	default:
		// Nothing written is consistent, but the handler was already reading
		// the body: a graceful shutdown must let it finish.
		t.Fatalf("the in-flight save was cut off by the shutdown: %v %s", res.err, res.r)
	}
}

// TestFailingAttachmentWriteRollsBack makes the attachment INSERT fail inside
// the save transaction: the user gets the Italian error page and the
// measurement, its version and the audit trail stay as they were; once the
// fault is gone the same save succeeds.
func TestFailingAttachmentWriteRollsBack(t *testing.T) {
	t.Parallel()
	db := startCluster(t)
	loadDemo(t, db.URL())
	a := startApp(t, db.URL())
	dir := client(t)
	a.signIn(t, dir, dirigente)
	conn := db.conn(t)
	ctx := context.Background()

	first := pdf("primo", 32<<10)
	if r := a.postEntry(t, dir, "250", "0", "prima versione", map[string][]byte{"primo.pdf": first}); r.status != http.StatusSeeOther {
		t.Fatalf("first save: %s", r)
	}
	before := measurement(t, conn)
	auditBefore := auditCount(t, conn)
	if !before.exists || before.version != 1 || len(before.attachments) != 1 || len(before.events) != 1 {
		t.Fatalf("first save stored %s", describe(before))
	}

	for _, q := range []string{
		`CREATE FUNCTION faults_refuse_attachment() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN RAISE EXCEPTION 'guasto simulato: archivio degli allegati non scrivibile'; END $$`,
		`CREATE TRIGGER faults_refuse_attachment BEFORE INSERT ON measurement_attachments
		FOR EACH ROW EXECUTE FUNCTION faults_refuse_attachment()`,
	} {
		if _, err := conn.Exec(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	second := pdf("secondo", 1<<20)
	r := a.postEntry(t, dir, "300", "1", "seconda versione", map[string][]byte{"secondo.pdf": second})
	if r.status != http.StatusInternalServerError || !strings.Contains(r.body, "Errore del server") ||
		!strings.Contains(r.body, "Si è verificato un errore imprevisto") || !strings.Contains(r.body, `lang="it"`) {
		t.Fatalf("failing attachment write: want the Italian error page, got %s", r)
	}
	if id := r.header.Get("X-Request-Id"); id == "" || !strings.Contains(r.body, id) {
		t.Errorf("the error page does not give the request code %q", id)
	}
	for _, leak := range []string{"guasto simulato", "SQLSTATE", "measurement_attachments"} {
		if strings.Contains(r.body, leak) {
			t.Errorf("the error page shows the internal error (%q)", leak)
		}
	}
	after := measurement(t, conn)
	if after.version != before.version || after.value != before.value || after.note != before.note ||
		len(after.attachments) != 1 || after.attachments["primo.pdf"] == nil || len(after.events) != len(before.events) {
		t.Fatalf("the failed save changed the measurement:\nbefore %s\nafter  %s", describe(before), describe(after))
	}
	if n := auditCount(t, conn); n != auditBefore {
		t.Fatalf("the failed save changed the audit trail: %d events, were %d", n, auditBefore)
	}
	// the form still shows the stored version
	if p := get(t, dir, a.base+entryPath+period); p.status != http.StatusOK || !strings.Contains(p.body, `name="versione" value="1"`) {
		t.Fatalf("entry form after the failed save: %s", p)
	}
	if !regexp.MustCompile(`"msg":"server error".*guasto simulato`).MatchString(a.log.String()) {
		t.Error("the failure is not in the server log")
	}

	for _, q := range []string{`DROP TRIGGER faults_refuse_attachment ON measurement_attachments`, `DROP FUNCTION faults_refuse_attachment()`} {
		if _, err := conn.Exec(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	if r := a.postEntry(t, dir, "300", "1", "seconda versione", map[string][]byte{"secondo.pdf": second}); r.status != http.StatusSeeOther {
		t.Fatalf("save once the fault is gone: %s", r)
	}
	s := measurement(t, conn)
	if s.version != 2 || s.value != 300 || s.note != "seconda versione" || len(s.attachments) != 2 ||
		!bytes.Equal(s.attachments["primo.pdf"], first) || !bytes.Equal(s.attachments["secondo.pdf"], second) ||
		len(s.events) != 2 || s.events[1].version != 2 || !slices.Equal(s.events[1].attachments, []string{"secondo.pdf"}) {
		t.Fatalf("save once the fault is gone stored %s", describe(s))
	}
	if n := auditCount(t, conn); n != auditBefore+1 {
		t.Fatalf("audit trail: %d events, want %d", n, auditBefore+1)
	}
}

// describe prints a stored measurement without the attachments' content.
func describe(s saved) string {
	var files []string
	for name, data := range s.attachments {
		files = append(files, fmt.Sprintf("%s (%d bytes)", name, len(data)))
	}
	slices.Sort(files)
	return fmt.Sprintf("exists=%v version=%d value=%v note=%q attachments=%v events=%+v", s.exists, s.version, s.value, s.note, files, s.events)
}
