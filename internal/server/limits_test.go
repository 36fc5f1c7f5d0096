package server_test

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/piao-performance/piao/internal/server"
)

// columnBomb rewrites every sheet of a workbook as 4,000 rows with one cell
// at column XFD: a file of a few kB that once took 1.67 GB to read.
func columnBomb(t *testing.T, workbook []byte) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(workbook), int64(len(workbook)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		if !strings.HasPrefix(f.Name, "xl/worksheets/sheet") {
			if err := zw.Copy(f); err != nil {
				t.Fatal(err)
			}
			continue
		}
		w, err := zw.Create(f.Name)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`)
		for r := 1; r <= 4000; r++ {
			fmt.Fprintf(w, `<row r="%d"><c r="XFD%d"><v>1</v></c></row>`, r, r)
		}
		io.WriteString(w, `</sheetData></worksheet>`)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// TestImportRefusesSpreadsheetBomb: the import names the limit in Italian and
// the draft is untouched.
func TestImportRefusesSpreadsheetBomb(t *testing.T) {
	t.Parallel()
	app, pool, _ := authApp(t)
	importFixture(t, pool, true)
	srv := httptest.NewServer(app)
	defer srv.Close()
	admin := client(t)
	signIn(t, admin, srv.URL, "admin", testPassword)
	ed := srv.URL + refPlan + "/modifica"
	if res, _ := postForm(t, admin, ed+"/avvia", url.Values{"etichetta": {"Da foglio"}, "vigore": {"01/07/2024"}, "motivo": {"Prova del foglio"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("draft: %d", res.StatusCode)
	}
	version := func() string {
		_, body := fetch(t, admin, ed)
		return regexp.MustCompile(`name="versione" value="(\d+)"`).FindStringSubmatch(body)[1]
	}
	_, raw := fetch(t, admin, ed+"/modello.xlsx")
	bomb := columnBomb(t, []byte(raw))
	before := version()
	res, body := postFiles(t, admin, ed+"/importa", map[string]string{"versione": before}, "foglio", map[string][]byte{"piano.xlsx": bomb})
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("status %d", res.StatusCode)
	}
	mustContain(t, body, "supera il limite di 100 colonne (un valore è nella colonna XFD): nulla è stato importato.")
	if after := version(); after != before {
		t.Errorf("draft version %s → %s: something was written", before, after)
	}
}

// pdfs returns n small PDF files named prefix-1.pdf …, each of size bytes.
func pdfs(prefix string, n, size int) map[string][]byte {
	out := map[string][]byte{}
	for i := 1; i <= n; i++ {
		out[fmt.Sprintf("%s-%d.pdf", prefix, i)] = append([]byte("%PDF-1.7 "), bytes.Repeat([]byte("x"), size-9)...)
	}
	return out
}

// TestAttachmentLimitsPerMeasurement: the file limits hold for the
// measurement in all, not per save; a refused save keeps what was typed and
// saves nothing.
func TestAttachmentLimitsPerMeasurement(t *testing.T) {
	t.Parallel()
	app, _, _ := authApp(t, server.Options{Limits: server.Limits{AttachmentsPerMeasurement: 7, AttachmentBytesPerMeasurement: 100 << 10}})
	srv := httptest.NewServer(app)
	defer srv.Close()
	ref := client(t)
	signIn(t, ref, srv.URL, "referente", testPassword)
	page := srv.URL + entryPath + period
	save := func(value string, files map[string][]byte) (*http.Response, string) {
		_, body := fetch(t, ref, page)
		return postMultipart(t, ref, page, map[string]string{"valore": value, "versione": version(t, body), "azione": "salva", "nota": "nota " + value}, files)
	}
	if res, body := save("10", pdfs("a", 5, 1000)); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("first 5 files: %d %s", res.StatusCode, errorsIn(body))
	}
	res, body := save("11", pdfs("b", 3, 1000))
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("5 + 3 files of 7: %d", res.StatusCode)
	}
	mustContain(t, body, "una misurazione può avere al massimo 7 allegati: ne ha già 5, quindi puoi aggiungerne 2", "nulla è stato salvato", `value="11"`, "nota 11")
	_, body = fetch(t, ref, page)
	if strings.Contains(body, "b-1.pdf") || !strings.Contains(body, `value="10"`) {
		t.Error("the refused save wrote something")
	}
	if res, body := save("12", pdfs("c", 2, 1000)); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("up to the limit: %d %s", res.StatusCode, errorsIn(body))
	}
	if res, _ := save("13", pdfs("d", 1, 1000)); res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("past the limit: %d", res.StatusCode)
	}
}

// TestAttachmentBytesPerMeasurement: the total size is capped the same way.
func TestAttachmentBytesPerMeasurement(t *testing.T) {
	t.Parallel()
	app, _, _ := authApp(t, server.Options{Limits: server.Limits{AttachmentBytesPerMeasurement: 100 << 10}})
	srv := httptest.NewServer(app)
	defer srv.Close()
	ref := client(t)
	signIn(t, ref, srv.URL, "referente", testPassword)
	page := srv.URL + entryPath + period
	save := func(value string, files map[string][]byte) (*http.Response, string) {
		_, body := fetch(t, ref, page)
		return postMultipart(t, ref, page, map[string]string{"valore": value, "versione": version(t, body), "azione": "salva"}, files)
	}
	if res, body := save("10", pdfs("a", 2, 40<<10)); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("80 kB: %d %s", res.StatusCode, errorsIn(body))
	}
	res, body := save("11", pdfs("b", 1, 40<<10))
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("120 kB of 100: %d", res.StatusCode)
	}
	mustContain(t, body, "gli allegati di una misurazione possono occupare al massimo 0,1 MB", "nulla è stato salvato")
}

// TestUploadNamesAndStreamedDownloads: files are stored and served under a
// name with the extension of their detected type and no bidi tricks; ZIP
// entries are single safe segments, unique; a file larger than the store's
// read slice comes back byte for byte, singly and in the pack.
func TestUploadNamesAndStreamedDownloads(t *testing.T) {
	t.Parallel()
	app, _, _ := authApp(t)
	srv := httptest.NewServer(app)
	defer srv.Close()
	ref := client(t)
	signIn(t, ref, srv.URL, "referente", testPassword)
	page := srv.URL + entryPath + period
	big := append([]byte(minimalPDF), bytes.Repeat([]byte("0123456789abcdef"), 70000)...) // ~1.1 MB: several slices
	files := map[string][]byte{
		"polyglot.html":         []byte(minimalPDF),
		"fattura\u202Efdp.exe":  []byte(minimalPDF + "%2"),
		"..":                    []byte(minimalPDF + "%3"),
		"C:\\temp\\verbale.pdf": big,
		"sub/dir/verbale.pdf":   []byte(minimalPDF + "%5"),
	}
	_, body := fetch(t, ref, page)
	if res, body := postMultipart(t, ref, page, map[string]string{"valore": "10", "versione": version(t, body), "azione": "salva"}, files); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d %s", res.StatusCode, errorsIn(body))
	}
	_, body = fetch(t, ref, page)
	links := regexp.MustCompile(`href="(/allegati/\d+)"`).FindAllStringSubmatch(body, -1)
	if len(links) != 5 {
		t.Fatalf("%d attachment links", len(links))
	}
	served := map[string]string{} // name → content; the second verbale.pdf under "verbale.pdf 2"
	for _, l := range links {
		res, data := fetch(t, ref, srv.URL+l[1])
		cd := res.Header.Get("Content-Disposition")
		m := regexp.MustCompile(`^attachment; filename="([ -~]*)"; filename\*=UTF-8''(\S+)$`).FindStringSubmatch(cd)
		if m == nil || res.Header.Get("Cache-Control") != "private, no-store" {
			t.Fatalf("download headers: %v", res.Header)
		}
		name, err := url.PathUnescape(m[2])
		if err != nil {
			t.Fatal(err)
		}
		if _, dup := served[name]; dup {
			name += " 2"
		}
		served[name] = data
	}
	for name, want := range map[string][]byte{"polyglot.pdf": files["polyglot.html"], "fatturafdp.pdf": files["fattura\u202Efdp.exe"],
		"allegato.pdf": files[".."]} {
		if got, ok := served[name]; !ok || got != string(want) {
			t.Errorf("%s: served %v, %d bytes (names %v)", name, ok, len(got), keysOf(served))
		}
	}
	if served["verbale.pdf"] != string(big) && served["verbale.pdf 2"] != string(big) {
		t.Error("the large attachment is not served byte for byte")
	}
	res, zipped := fetch(t, ref, srv.URL+refPlan+"/obiettivi/O.3.3.1/evidenze.zip")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("pack: %d", res.StatusCode)
	}
	zr, err := zip.NewReader(strings.NewReader(zipped), int64(len(zipped)))
	if err != nil {
		t.Fatal(err)
	}
	entries := map[string]string{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		entries[f.Name] = string(b)
		if strings.Contains(f.Name, "..") || strings.Contains(f.Name, "\\") || strings.ContainsAny(f.Name, "\u202E\x00") {
			t.Errorf("unsafe entry %q", f.Name)
		}
	}
	const dir = "allegati/O.3.3.1-1/2023-final/"
	for _, name := range []string{"polyglot.pdf", "fatturafdp.pdf", "allegato.pdf", "verbale.pdf", "verbale (2).pdf"} {
		if _, ok := entries[dir+name]; !ok {
			t.Errorf("no entry %s%s in %v", dir, name, keysOf(entries))
		}
	}
	if entries[dir+"verbale.pdf"] != string(big) && entries[dir+"verbale (2).pdf"] != string(big) {
		t.Error("the large attachment differs in the pack")
	}
}

func keysOf(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// TestEveryPostRouteLimitsItsBody: every POST route refuses a body past its
// limit with 413 and the Italian page before any handler parses it, whether
// the size is declared or the body is streamed without a length; upload
// routes are refused on their declared size.
func TestEveryPostRouteLimitsItsBody(t *testing.T) {
	t.Parallel()
	app, _, _ := authApp(t)
	uploads := map[string]bool{
		"POST " + "/enti/{ente}/piani/{plan}/misurazioni/{code}/{n}": true,
		"POST " + "/enti/{ente}/piani/{plan}/modifica/importa":       true,
		"POST " + "/enti/{ente}/piani/{plan}/modifica/leggi-piao":    true,
		"POST " + "/enti/{ente}/piani/{plan}/oiv/validazione":        true,
	}
	n := 0
	for _, rt := range app.Routes() {
		if rt.Method != http.MethodPost {
			continue
		}
		key := rt.Method + " " + rt.Pattern
		rule, ok := rules[key]
		if !ok {
			t.Errorf("%s: no concrete path in the authorization rules", key)
			continue
		}
		n++
		check := func(how string, req *http.Request) {
			t.Helper()
			rec := httptest.NewRecorder()
			app.ServeHTTP(rec, req)
			if rec.Code != http.StatusRequestEntityTooLarge || !strings.Contains(rec.Body.String(), "supera il limite di") ||
				rec.Header().Get("Content-Security-Policy") == "" {
				t.Errorf("%s, %s: %d %.200s", key, how, rec.Code, rec.Body.String())
			}
		}
		const huge = 200 << 20 // past every route's limit
		req := httptest.NewRequest(http.MethodPost, rule.path, strings.NewReader("a=1"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.ContentLength = huge
		check("declared size", req)
		if uploads[key] {
			continue
		}
		// a streamed body (no length) of 2 MB: more than any plain form may send
		req = httptest.NewRequest(http.MethodPost, rule.path, io.MultiReader(strings.NewReader("a="), strings.NewReader(strings.Repeat("x", 2<<20))))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.ContentLength = -1
		check("streamed", req)
	}
	if n < 30 {
		t.Errorf("only %d POST routes checked", n)
	}
}

// rawPost sends a POST over a raw connection with the session cookies of c:
// head and the first part of the body, then send(conn) for the rest; it
// returns the response.
func rawPost(t *testing.T, c *http.Client, base, path, contentType string, body []byte, send func(w io.Writer)) (*http.Response, string) {
	t.Helper()
	u, _ := url.Parse(base)
	conn, err := net.Dial("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var cookies []string
	for _, ck := range c.Jar.Cookies(u) {
		cookies = append(cookies, ck.Name+"="+ck.Value)
	}
	fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: %s\r\nContent-Length: %d\r\nCookie: %s\r\n\r\n",
		path, u.Host, contentType, len(body), strings.Join(cookies, "; "))
	go send(conn)
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	return res, string(b)
}

// TestSlowUploads: an upload slower than the ordinary read deadline still
// arrives (upload routes have their own, longer deadline); a body that stops
// arriving is answered by saying so, not as "too large". The deadlines are
// configured short so the test stays fast; the assertions are on outcomes.
func TestSlowUploads(t *testing.T) {
	t.Parallel()
	app, _, logs := authApp(t, server.Options{Limits: server.Limits{ReadTimeout: 300 * time.Millisecond, UploadTimeout: time.Minute}})
	srv := httptest.NewServer(app)
	defer srv.Close()
	ref := client(t)
	signIn(t, ref, srv.URL, "referente", testPassword)
	page := entryPath + period
	_, body := fetch(t, ref, srv.URL+page)
	ct, form := multipartForm(t, map[string]string{"valore": "42", "versione": version(t, body), "azione": "salva"}, "allegati",
		map[string][]byte{"lento.pdf": append([]byte(minimalPDF), bytes.Repeat([]byte("x"), 200<<10)...)})
	data := form.Bytes()
	// pauses longer than the ordinary deadline between slices: only the
	// upload deadline may apply
	res, text := rawPost(t, ref, srv.URL, page, ct, data, func(w io.Writer) {
		for off := 0; off < len(data); off += 64 << 10 {
			w.Write(data[off:min(off+64<<10, len(data))])
			time.Sleep(400 * time.Millisecond)
		}
	})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("slow upload: %d %s", res.StatusCode, errorsIn(text))
	}
	res, body = fetch(t, ref, srv.URL+page)
	if res.StatusCode != http.StatusOK {
		// the server's log says which error it was (seen once, on a heavily loaded machine)
		t.Fatalf("entry page after the slow upload: %d %s\nserver log:\n%s", res.StatusCode, errorsIn(body), logs.String())
	}
	mustContain(t, body, "lento.pdf")

	// an ordinary form that stops half way: the short deadline ends it, and
	// the answer says why
	res, text = rawPost(t, ref, srv.URL, refPlan+"/periodi/2023-final/scadenza", "application/x-www-form-urlencoded",
		[]byte("scadenza=31%2F01%2F2024&motivo=prova"), func(w io.Writer) { w.Write([]byte("scadenza=31")) })
	if res.StatusCode != http.StatusRequestTimeout || !strings.Contains(text, "interrotto perché troppo lento") || strings.Contains(text, "supera") {
		t.Fatalf("stalled form: %d %s", res.StatusCode, text)
	}
}

// TestStalledUploadIsNotTooLarge: an upload that stops arriving is answered
// with the honest message once the upload deadline passes.
func TestStalledUploadIsNotTooLarge(t *testing.T) {
	t.Parallel()
	app, _, _ := authApp(t, server.Options{Limits: server.Limits{ReadTimeout: time.Minute, UploadTimeout: 300 * time.Millisecond}})
	srv := httptest.NewServer(app)
	defer srv.Close()
	ref := client(t)
	signIn(t, ref, srv.URL, "referente", testPassword)
	page := entryPath + period
	_, body := fetch(t, ref, srv.URL+page)
	ct, form := multipartForm(t, map[string]string{"valore": "42", "versione": version(t, body), "azione": "salva"}, "allegati",
		map[string][]byte{"lento.pdf": append([]byte(minimalPDF), bytes.Repeat([]byte("x"), 3<<20)...)})
	data := form.Bytes()
	res, text := rawPost(t, ref, srv.URL, page, ct, data, func(w io.Writer) { w.Write(data[:1<<20]) })
	if res.StatusCode != http.StatusRequestTimeout || !strings.Contains(text, "interrotto perché troppo lento") || strings.Contains(text, "supera") {
		t.Fatalf("stalled upload: %d %s", res.StatusCode, errorsIn(text))
	}
	_, body = fetch(t, ref, srv.URL+page)
	if strings.Contains(body, "lento.pdf") {
		t.Error("a stalled upload saved something")
	}
}

// TestValidationDocumentName: the OIV's document is stored and served under
// the extension of its detected type, without bidi characters, and streamed
// byte for byte.
func TestValidationDocumentName(t *testing.T) {
	t.Parallel()
	app, pool, _ := authApp(t)
	srv := httptest.NewServer(app)
	defer srv.Close()
	closeFinalOn(t, pool, 2023, "2024-02-15") // a validation needs the final period closed before its date
	oiv := client(t)
	signIn(t, oiv, srv.URL, "oiv", testPassword)
	doc := append([]byte(minimalPDF), bytes.Repeat([]byte("%x\n"), 200000)...) // ~600 kB: several slices
	fields := map[string]string{"anno": "2023", "esito": "validata", "data": "20/06/2024", "atto": "Verbale OIV n. 3/2024", "motivazione": "",
		"visto-2023": ""} // no validation yet when the form was built
	res, body := postFiles(t, oiv, srv.URL+refPlan+"/oiv/validazione", fields, "documento", map[string][]byte{"verbale\u202Elmth.html": doc})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("validation: %d %s", res.StatusCode, errorsIn(body))
	}
	res, got := fetch(t, oiv, srv.URL+refPlan+"/relazione/2023/validazione")
	if res.StatusCode != http.StatusOK || got != string(doc) {
		t.Fatalf("download: %d, %d bytes of %d", res.StatusCode, len(got), len(doc))
	}
	if cd := res.Header.Get("Content-Disposition"); cd != `attachment; filename="verbalelmth.pdf"; filename*=UTF-8''verbalelmth.pdf` {
		t.Errorf("Content-Disposition %q", cd)
	}
}

// TestSlowHandlerOutlivesTheReadDeadline: the read deadline bounds the
// body, never the work after it. A page and a form whose handlers wait (here
// on a table lock held by the test) longer than the deadline still answer:
// net/http cancels a request whose connection read fails, so a deadline
// left in place would cut them (seen as "context canceled" 500s on a busy
// machine).
func TestSlowHandlerOutlivesTheReadDeadline(t *testing.T) {
	t.Parallel()
	const deadline = 100 * time.Millisecond
	app, pool, _ := authApp(t, server.Options{Limits: server.Limits{ReadTimeout: deadline, UploadTimeout: deadline}})
	srv := httptest.NewServer(app)
	defer srv.Close()
	ctx := context.Background()
	// held gives the test's lock back once a request has waited on it past
	// the deadline.
	held := func(table string, request func() *http.Response) *http.Response {
		t.Helper()
		tx, err := pool.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback(ctx)
		if _, err := tx.Exec(ctx, "LOCK TABLE "+table+" IN ACCESS EXCLUSIVE MODE"); err != nil {
			t.Fatal(err)
		}
		done := make(chan *http.Response, 1)
		start := time.Now()
		go func() { done <- request() }()
		for {
			var waiting bool
			if err := pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_stat_activity
				WHERE datname = current_database() AND wait_event_type = 'Lock')`).Scan(&waiting); err != nil {
				t.Fatal(err)
			}
			if waiting && time.Since(start) > 3*deadline {
				break
			}
			select {
			case res := <-done:
				t.Fatalf("answered before waiting on the lock: %d", res.StatusCode)
			case <-time.After(10 * time.Millisecond):
			}
		}
		if err := tx.Rollback(ctx); err != nil {
			t.Fatal(err)
		}
		return <-done
	}
	get := func(c *http.Client, path string) func() *http.Response {
		return func() *http.Response {
			res, err := c.Get(srv.URL + path)
			if err != nil {
				return &http.Response{StatusCode: -1}
			}
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
			return res
		}
	}
	ref := client(t)
	signIn(t, ref, srv.URL, "referente", testPassword)
	if res := held("measurements", get(ref, entryPath+period)); res.StatusCode != http.StatusOK {
		t.Errorf("entry page behind a lock: %d", res.StatusCode)
	}
	admin := client(t)
	signIn(t, admin, srv.URL, "admin", testPassword)
	_, body := fetch(t, admin, srv.URL+refPlan+"/periodi")
	v := formVersion(t, body, "/periodi/2025-final/scadenza")
	res := held("periods", func() *http.Response {
		res, err := admin.PostForm(srv.URL+refPlan+"/periodi/2025-final/scadenza", url.Values{"scadenza": {"31/01/2026"}, "versione": {v}})
		if err != nil {
			return &http.Response{StatusCode: -1}
		}
		res.Body.Close()
		return res
	})
	if res.StatusCode != http.StatusSeeOther {
		t.Errorf("deadline form behind a lock: %d", res.StatusCode)
	}
}
