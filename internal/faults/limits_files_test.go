//go:build limits

package faults_test

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// memKB reads a field (VmRSS, VmHWM) of /proc/PID/status, in kB.
func memKB(t *testing.T, pid int, field string) int {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^` + field + `:\s+(\d+) kB`).FindSubmatch(b)
	if m == nil {
		t.Fatalf("no %s in /proc/%d/status", field, pid)
	}
	n, _ := strconv.Atoi(string(m[1]))
	return n
}

// rssBefore is the process's resident memory before the load, after a
// warm-up; the peak (VmHWM) afterwards minus this is the extra memory the
// load cost. The peak is never reset, so warm-ups must stay below the load.
func rssBefore(t *testing.T, a *app) int { return memKB(t, a.cmd.Process.Pid, "VmRSS") }

func extraMB(t *testing.T, a *app, before int) int {
	return (memKB(t, a.cmd.Process.Pid, "VmHWM") - before) / 1024
}

// workbookWith builds a minimal XLSX whose sheets are written by sheets (name
// → writer of the worksheet XML) and whose shared strings by sst (nil: none).
func workbookWith(t *testing.T, sheets map[string]func(io.Writer), sst func(io.Writer)) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	put := func(name string, fill func(io.Writer)) {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		fill(w)
	}
	str := func(s string) func(io.Writer) { return func(w io.Writer) { io.WriteString(w, s) } }
	var names []string
	for n := range sheets {
		names = append(names, n)
	}
	ct := `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
		`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>` +
		`<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>`
	wb := `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>`
	rels := `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`
	for i, n := range names {
		ct += fmt.Sprintf(`<Override PartName="/xl/worksheets/sheet%d.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`, i+1)
		wb += fmt.Sprintf(`<sheet name="%s" sheetId="%d" r:id="rId%d"/>`, n, i+1, i+1)
		rels += fmt.Sprintf(`<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet%d.xml"/>`, i+1, i+1)
	}
	if sst != nil {
		ct += `<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>`
		rels += `<Relationship Id="rIdS" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>`
	}
	put("[Content_Types].xml", str(ct+`</Types>`))
	put("_rels/.rels", str(`<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`+
		`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`))
	put("xl/workbook.xml", str(wb+`</sheets></workbook>`))
	put("xl/_rels/workbook.xml.rels", str(rels+`</Relationships>`))
	for i, n := range names {
		put(fmt.Sprintf("xl/worksheets/sheet%d.xml", i+1), sheets[n])
	}
	if sst != nil {
		put("xl/sharedStrings.xml", sst)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func sheetRows(rows int, cells func(r int) string) func(io.Writer) {
	return func(w io.Writer) {
		io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`)
		for r := 1; r <= rows; r++ {
			fmt.Fprintf(w, `<row r="%d">%s</row>`, r, cells(r))
		}
		io.WriteString(w, `</sheetData></worksheet>`)
	}
}

func colName(c int) string {
	var b []byte
	for ; c > 0; c = (c - 1) / 26 {
		b = append([]byte{byte('A' + (c-1)%26)}, b...)
	}
	return string(b)
}

// TestLimitsSpreadsheetBombs: hostile workbooks no larger than the upload
// limit, imported one after the other, keep the server under 200 MB of extra
// memory, and are refused with a message naming the limit.
func TestLimitsSpreadsheetBombs(t *testing.T) {
	db := startCluster(t)
	loadDemo(t, db.URL())
	a := startApp(t, db.URL())
	admin := client(t)
	a.signIn(t, admin, "admin")
	ed := a.base + refPlan + "/modifica"
	res, err := admin.PostForm(ed+"/avvia", url.Values{"etichetta": {"Bombe"}, "vigore": {"01/07/2024"}, "motivo": {"Prova dei limiti"}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("open a draft: %d", res.StatusCode)
	}
	version := func() string {
		m := regexp.MustCompile(`name="versione" value="(\d+)"`).FindStringSubmatch(get(t, admin, ed).body)
		if m == nil {
			t.Fatal("no draft version")
		}
		return m[1]
	}
	upload := func(data []byte) response {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		mw.WriteField("versione", version())
		fw, _ := mw.CreateFormFile("foglio", "piano.xlsx")
		fw.Write(data)
		mw.Close()
		req, _ := http.NewRequest(http.MethodPost, ed+"/importa", &buf)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		r, err := do(admin, req)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	// a legitimate import first (the reference template), as warm-up
	tmpl := get(t, admin, ed+"/modello.xlsx")
	if r := upload([]byte(tmpl.body)); r.status != http.StatusSeeOther {
		t.Fatalf("reference template: %s", r)
	}
	before := rssBefore(t, a)
	random := make([]byte, 31<<20)
	rand.Read(random)
	bombs := []struct {
		name string
		data []byte
		want string
	}{
		{"one cell at column XFD in 4,000 rows", workbookWith(t, map[string]func(io.Writer){"Indicatori": sheetRows(4000, func(r int) string {
			return fmt.Sprintf(`<c r="XFD%d"><v>1</v></c>`, r)
		})}, nil), "supera il limite di 100 colonne"},
		{"1,000,000 rows", workbookWith(t, map[string]func(io.Writer){"Obiettivi": sheetRows(1000000, func(r int) string {
			return fmt.Sprintf(`<c r="A%d"><v>1</v></c>`, r)
		})}, nil), "supera il limite"},
		{"shared strings of 1 GB", workbookWith(t, map[string]func(io.Writer){"Piano": sheetRows(1, func(int) string { return `<c r="A1" t="s"><v>0</v></c>` })},
			func(w io.Writer) {
				io.WriteString(w, `<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`)
				chunk := "<si><t>" + strings.Repeat("a", 1<<20) + "</t></si>"
				for range 1024 {
					io.WriteString(w, chunk)
				}
				io.WriteString(w, `</sst>`)
			}), "decompresso, supera il limite di 20 MB"},
		{"every limit just not reached: 100 columns × 999 rows of text", workbookWith(t, map[string]func(io.Writer){"Target": sheetRows(999, func(r int) string {
			var b strings.Builder
			for c := 1; c <= 100; c++ {
				fmt.Fprintf(&b, `<c r="%s%d" t="inlineStr"><is><t>%s</t></is></c>`, colName(c), r, strings.Repeat("z", 150))
			}
			return b.String()
		})}, nil), ""},
		{"31 MB of random bytes", random, "non è un foglio XLSX valido"},
	}
	for _, b := range bombs {
		r := upload(b.data)
		extra := extraMB(t, a, before)
		t.Logf("%s (%d kB): %d, extra peak RSS %d MB", b.name, len(b.data)>>10, r.status, extra)
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, b.want) {
			t.Errorf("%s: %s", b.name, r)
		}
		if extra > 200 {
			t.Errorf("%s: extra peak RSS %d MB, want under 200", b.name, extra)
		}
	}
	a.mustRun(t)
}

// TestLimitsEvidenceDownloads: eight concurrent evidence-ZIP downloads of a
// measurement holding 100 MB of attachments, then sixteen concurrent single
// attachment downloads, keep the server's extra peak memory bounded.
func TestLimitsEvidenceDownloads(t *testing.T) {
	db := startCluster(t)
	loadDemo(t, db.URL())
	a := startApp(t, db.URL())
	dir := client(t)
	a.signIn(t, dir, dirigente)
	if r := a.postEntry(t, dir, "207", "0", "con allegati", map[string][]byte{"piccolo.pdf": pdf("piccolo", 4<<10)}); r.status != http.StatusSeeOther {
		t.Fatalf("save: %s", r)
	}
	conn := db.conn(t)
	// ten files of 10 MB, written by the database itself (the per-measurement
	// limits apply to uploads, not to this setup)
	if _, err := conn.Exec(context.Background(), `WITH f AS (
			SELECT g, convert_to('%PDF-1.7 ' || string_agg(md5(g::text || '-' || i::text), '') , 'UTF8') AS data
			FROM generate_series(1, 10) g, generate_series(1, 327680) i GROUP BY g)
		INSERT INTO measurement_attachments (measurement_id, filename, content_type, size, sha256, data, uploaded_by)
		SELECT (SELECT max(id) FROM measurements), 'grande-' || g || '.pdf', 'application/pdf', 10485760,
			encode(sha256(substring(data FROM 1 FOR 10485760)), 'hex'), substring(data FROM 1 FOR 10485760), 'dir.promozione' FROM f`); err != nil {
		t.Fatal(err)
	}
	// warm-up: one small download
	if r := get(t, dir, a.base+entryPath+period); r.status != http.StatusOK {
		t.Fatalf("entry page: %s", r)
	}
	before := rssBefore(t, a)
	var wg sync.WaitGroup
	sizes := make([]int64, 8)
	errs := make([]error, 8)
	for i := range sizes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := dir.Get(a.base + refPlan + "/obiettivi/O.3.3.1/evidenze.zip")
			if err != nil {
				errs[i] = err
				return
			}
			defer res.Body.Close()
			sizes[i], errs[i] = io.Copy(io.Discard, res.Body)
			if res.StatusCode != http.StatusOK {
				errs[i] = fmt.Errorf("status %d", res.StatusCode)
			}
		}()
	}
	wg.Wait()
	extra := extraMB(t, a, before)
	t.Logf("8 concurrent evidence ZIPs of %d MB each: extra peak RSS %d MB", sizes[0]>>20, extra)
	for i, err := range errs {
		if err != nil || sizes[i] < 100<<20 {
			t.Errorf("download %d: %d bytes, %v", i, sizes[i], err)
		}
	}
	if extra > 200 {
		t.Errorf("extra peak RSS %d MB, want under 200", extra)
	}
	links := regexp.MustCompile(`href="(/allegati/\d+)"`).FindAllStringSubmatch(get(t, dir, a.base+entryPath+period).body, -1)
	if len(links) < 10 {
		t.Fatalf("%d attachment links", len(links))
	}
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := dir.Get(a.base + links[i%len(links)][1])
			if err == nil {
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
			}
		}()
	}
	wg.Wait()
	extra = extraMB(t, a, before)
	t.Logf("then 16 concurrent single downloads: extra peak RSS %d MB", extra)
	if extra > 200 {
		t.Errorf("extra peak RSS %d MB, want under 200", extra)
	}
	a.mustRun(t)
}
