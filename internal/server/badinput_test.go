//go:build proof

package server_test

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"math"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/piao-performance/piao/internal/auth"
	"github.com/piao-performance/piao/internal/itfmt"
	"github.com/piao-performance/piao/internal/model"
	"github.com/piao-performance/piao/internal/narrative"
	"github.com/piao-performance/piao/internal/plan"
	"github.com/piao-performance/piao/internal/planedit"
	"github.com/piao-performance/piao/internal/relazione"
	"github.com/piao-performance/piao/internal/scoring"
	"github.com/piao-performance/piao/internal/server"
	"github.com/piao-performance/piao/internal/store"
	"github.com/piao-performance/piao/internal/workflow"
	"github.com/piao-performance/piao/templates"
)

// The bad-input sweep posts malformed, overlong, wrong-type and hostile values
// to every form and upload of the application, as the principal allowed to
// use it, and checks that nothing breaks: never a 5xx; a refusal is a 4xx
// with an Italian message and stores nothing; an acceptance happens only for
// values the field may legitimately take, and text shown back is escaped.

// The two script payloads: never raw in any page, escaped where shown.
const (
	biScript = "<script>alert(1)</script>"
	biImg    = `"><img src=x onerror=alert(1)>`
	biRawImg = "<img src=x onerror=alert(1)>"
)

var biEscaped = map[string]string{
	biScript: "&lt;script&gt;alert(1)&lt;/script&gt;",
	biRawImg: "&lt;img src=x onerror=alert(1)&gt;",
}

type biValue struct{ name, v string }

// biValues are the values every form gets, each in at least one field.
var biValues = []biValue{
	{"sql-drop", "'; DROP TABLE measurements; --"},
	{"sql-or", "1 OR 1=1"},
	{"script", biScript},
	{"img", biImg},
	{"bad-utf8", "\xff\xfe"},
	{"nul", "a\x00b"},
	{"control", "a\x01\x08\x1b[31m\x7fb"},
	{"crlf", "riga\r\nSet-Cookie: x=1"},
	{"mib", strings.Repeat("x", 1<<20)},
	{"1e309", "1e309"},
	{"huge", "99999999999999999999999999"},
	{"int64+1", "9223372036854775808"},
	{"nan", "NaN"},
	{"inf", "Inf"},
	{"-inf", "-Inf"},
	{"-0", "-0"},
	{"-0,0", "-0,0"},
	{"negative", "-5"},
	{"empty", ""},
	{"spaces", "   "},
	{"letters", "abc"},
	{"number", "42"},
	{"31/02/2024", "31/02/2024"},
	{"2024-13-45", "2024-13-45"},
	{"traversal", "../../etc/passwd"},
	{"format", "%s%n%x%d"},
	{"unicode", "Città «più» — 🎉"},
}

func biValueNamed(name string) biValue {
	for _, h := range biValues {
		if h.name == name {
			return h
		}
	}
	panic("no hostile value " + name)
}

// biKind is what a field holds; it decides which values it gets one by one and
// which of them it may legitimately accept.
type biKind int

const (
	kindText   biKind = iota // free text up to max runes
	kindNumber               // an Italian number in [lo, hi]
	kindInt                  // an integer in [lo, hi]
	kindChoice               // one of opts (a select or a radio)
	kindDate                 // gg/mm/aaaa
	kindKey                  // an identifier matching re
	kindExact                // only the one right value (a version): no hostile value fits
	kindAny                  // a button or checkbox: any value is read as "not this one"
)

var biByKind = map[biKind][]string{
	kindText:   {"script", "img", "sql-drop", "nul", "bad-utf8", "control", "mib", "empty", "spaces", "unicode"},
	kindNumber: {"1e309", "huge", "nan", "inf", "-0,0", "negative", "letters", "empty", "nul", "bad-utf8", "sql-or", "mib"},
	kindInt:    {"-0", "negative", "int64+1", "letters", "1e309", "empty", "nul", "bad-utf8", "sql-or", "mib"},
	kindChoice: {"number", "letters", "script", "empty", "nul", "bad-utf8", "sql-or", "mib"},
	kindDate:   {"31/02/2024", "2024-13-45", "letters", "empty", "nul", "-0", "bad-utf8", "mib"},
	kindKey:    {"traversal", "script", "sql-drop", "nul", "bad-utf8", "empty", "mib", "letters"},
	kindExact:  {"-0", "negative", "huge", "letters", "empty", "sql-or", "nul", "bad-utf8"},
	kindAny:    {"script", "nul", "bad-utf8", "letters"},
}

type biField struct {
	name     string
	kind     biKind
	max      int // kindText
	required bool
	lo, hi   float64 // kindNumber, kindInt
	nonzero  bool    // kindNumber
	opts     []string
	re       *regexp.Regexp
	multi    bool      // read as a list (p["name"])
	shown    bool      // an accepted value is shown again: it must be found escaped
	extra    []biValue // values for this field only
}

func biText(name string, max int, required bool) biField {
	return biField{name: name, kind: kindText, max: max, required: required, shown: true}
}
func biNumber(name string, lo, hi float64) biField {
	return biField{name: name, kind: kindNumber, lo: lo, hi: hi}
}
func biInt(name string, lo, hi float64) biField {
	return biField{name: name, kind: kindInt, lo: lo, hi: hi, required: true}
}
func biChoice(name string, opts ...string) biField {
	return biField{name: name, kind: kindChoice, opts: opts, required: !slices.Contains(opts, "")}
}
func biDate(name string, required bool) biField {
	return biField{name: name, kind: kindDate, required: required}
}
func biKey(name string, re *regexp.Regexp) biField {
	return biField{name: name, kind: kindKey, re: re, required: true}
}
func biExact(name string) biField { return biField{name: name, kind: kindExact} }
func biAny(name string) biField   { return biField{name: name, kind: kindAny} }

// accepts tells whether v may legitimately be accepted in the field.
func (f biField) accepts(v string) bool {
	t := strings.TrimSpace(v)
	switch {
	case f.kind == kindAny:
		return true
	case f.kind == kindExact:
		return false // the right value is the valid form's: see acceptable
	case f.kind == kindChoice:
		return slices.Contains(f.opts, v)
	case t == "":
		return !f.required
	}
	switch f.kind {
	case kindText:
		return utf8.ValidString(v) && !strings.ContainsRune(v, 0) && utf8.RuneCountInString(t) <= f.max
	case kindNumber:
		x, msg := itfmt.ParseNumber(t)
		return msg == "" && x >= f.lo && x <= f.hi && !(f.nonzero && x == 0)
	case kindInt:
		n, err := strconv.Atoi(t)
		return err == nil && float64(n) >= f.lo && float64(n) <= f.hi
	case kindDate:
		_, err := time.Parse("02/01/2006", t)
		return err == nil
	case kindKey:
		return f.re.MatchString(t)
	}
	return false
}

// values are the ones the field gets one by one.
func (f biField) values() []biValue {
	var out []biValue
	for _, n := range biByKind[f.kind] {
		out = append(out, biValueNamed(n))
	}
	if f.kind == kindText {
		out = append(out, biValue{"over-max", strings.Repeat("é", f.max+1)})
	}
	return append(out, f.extra...)
}

// biUpload is a file posted in a form's file field.
type biUpload struct {
	label string
	files []biFile
	ok    bool // legitimately accepted (a valid file under a hostile name, cleaned)
	shown bool // the cleaned name is shown: the img payload must be escaped
}

type biFile struct {
	name string
	data []byte
}

// biForm is one way to post to a route: the concrete path, the principal, the
// fields the handler reads and a valid form to put the hostile values in.
type biForm struct {
	name        string
	path        string
	user        string // a principal of authApp, "anonymous", or "fresh:<user>" for a new session each time
	fields      []biField
	base        func() url.Values // a valid form, built afresh (versions are read from the database)
	file        string            // the multipart file field; "" for urlencoded forms
	baseFiles   []biFile          // files of the valid form
	uploads     []biUpload        // hostile files for the file field
	baseOK      bool              // the valid form is accepted (a positive control)
	emptyOK     bool              // an empty form is accepted (buttons without fields, unchecked boxes)
	plainOK     bool              // a multipart route that also takes the urlencoded form without files
	noWrite     bool              // the route never stores: compare the tables even when accepted
	destructive bool              // the valid form would remove what later requests need: never sent
	signIn      bool              // a refused sign-in is recorded in the audit trail (and 401/429 are its biRefusals)
	before      func()
	after       func()
	show        []string // pages that show what was accepted (besides the redirect target)
}

type biSweep struct {
	t       *testing.T
	app     *server.Server
	pool    *pgxpool.Pool
	st      *store.Store
	h       model.PlanHeader
	clients map[string]*http.Client
	base    string
	seq     int
	n       int // requests
	refused int
	escaped int // accepted hostile text found escaped in the pages that show it
	byRoute map[string]int
}

// biInProcess serves requests straight through the handler: no sockets, so a
// refused megabyte body cannot turn into a connection reset.
type biInProcess struct{ h http.Handler }

func (p biInProcess) RoundTrip(req *http.Request) (*http.Response, error) {
	r := req.Clone(req.Context())
	r.RequestURI = req.URL.RequestURI()
	r.RemoteAddr = "192.0.2.10:40000"
	if r.Body == nil {
		r.Body = http.NoBody
	}
	rec := httptest.NewRecorder()
	p.h.ServeHTTP(rec, r)
	return rec.Result(), nil
}

func (s *biSweep) newClient() *http.Client {
	c := client(s.t)
	c.Transport = biInProcess{s.app}
	return c
}

func (s *biSweep) signedIn(user string) *http.Client {
	c := s.newClient()
	if res := signIn(s.t, c, s.base, user, testPassword); res.StatusCode != http.StatusSeeOther {
		s.t.Fatalf("sign in %s: %d", user, res.StatusCode)
	}
	return c
}

func (s *biSweep) client(user string) *http.Client {
	switch {
	case user == "anonymous":
		return s.newClient()
	case strings.HasPrefix(user, "fresh:"):
		return s.signedIn(strings.TrimPrefix(user, "fresh:"))
	}
	c, ok := s.clients[user]
	if !ok {
		c = s.signedIn(user)
		s.clients[user] = c
	}
	return c
}

func (s *biSweep) next() int { s.seq++; return s.seq }

// snapshot is the state of the main tables: a refused request leaves it as it was.
func (s *biSweep) snapshot() map[string]string {
	s.t.Helper()
	queries := []string{
		"measurements", `SELECT count(*) || '/' || coalesce(sum(version), 0) FROM measurements`,
		"measurement_attachments", `SELECT count(*)::text FROM measurement_attachments`,
		"audit_events", `SELECT count(*)::text FROM audit_events`,
		"oiv_observations", `SELECT count(*)::text FROM oiv_observations`,
		"relazione_validations", `SELECT count(*) || '/' || md5(coalesce(string_agg(outcome || decided_on || act_reference || notes || document_sha256 || coalesce(end_kind, '') || end_reason, '|' ORDER BY id), '')) FROM relazione_validations`,
		"relazione_drafts", `SELECT count(*) || '/' || coalesce(sum(version), 0) || '/' || md5(coalesce(string_agg(status, '|'), '')) FROM relazione_drafts`,
		"relazione_draft_sections", `SELECT md5(coalesce(string_agg(key || generated::text || coalesce(edited, '∅'), '|' ORDER BY plan_id, year, position), '')) FROM relazione_draft_sections`,
		"plan_drafts", `SELECT count(*) || '/' || coalesce(sum(version), 0) || '/' || md5(coalesce(string_agg(label || reason, '|'), '')) FROM plan_drafts`,
		"plan_imports", `SELECT count(*) || '/' || coalesce(sum(version), 0) || '/' || md5(coalesce(string_agg(status, '|' ORDER BY id), '')) FROM plan_imports`,
		"revisions", `SELECT count(*)::text FROM revisions`,
		"objectives", `SELECT count(*)::text FROM objectives`,
		"indicators", `SELECT count(*)::text FROM indicators`,
		"targets", `SELECT count(*)::text FROM targets`,
		"users", `SELECT count(*) || '/' || md5(coalesce(string_agg(username || active || session_epoch || display_name, '|' ORDER BY id), '')) FROM users`,
		"enti", `SELECT count(*)::text FROM enti`,
		"plans", `SELECT count(*)::text FROM plans`,
		"periods", `SELECT md5(coalesce(string_agg(p::text, '|' ORDER BY id), '')) FROM periods p`,
		"scoring_rules", `SELECT md5(coalesce(string_agg(r::text, '|'), '')) FROM scoring_rules r`,
		"scoring_rule_versions", `SELECT md5(coalesce(string_agg(r::text, '|' ORDER BY plan_id, version_no), '')) FROM scoring_rule_versions r`,
	}
	var sql strings.Builder
	sql.WriteString("SELECT ARRAY[")
	for i := 1; i < len(queries); i += 2 {
		if i > 1 {
			sql.WriteString(", ")
		}
		sql.WriteString("(" + queries[i] + ")")
	}
	sql.WriteString("]")
	var vals []string
	if err := s.pool.QueryRow(context.Background(), sql.String()).Scan(&vals); err != nil {
		s.t.Fatalf("snapshot (a table is gone?): %v", err)
	}
	out := map[string]string{}
	for i := 0; i < len(queries); i += 2 {
		out[queries[i]] = vals[i/2]
	}
	return out
}

func biChanged(before, after map[string]string, ignore ...string) []string {
	var out []string
	for k, v := range before {
		if after[k] != v && !slices.Contains(ignore, k) {
			out = append(out, k+": "+v+" → "+after[k])
		}
	}
	sort.Strings(out)
	return out
}

// biItalian: an HTML page in Italian with a message: beside a field, in an alert or on the error page.
func biItalian(body string) bool {
	return strings.Contains(body, `lang="it"`) &&
		(strings.Contains(body, "invalid-feedback") || strings.Contains(body, `class="alert alert-`) || strings.Contains(body, `<p class="lead">`))
}

var biRefusals = map[int]bool{400: true, 403: true, 404: true, 409: true, 413: true, 415: true, 422: true}

// biAttempt is one request of the sweep.
type biAttempt struct {
	label      string
	path       string
	ct         string
	body       []byte
	acceptable bool
	want       []string // payloads that must be found escaped when accepted
}

func (s *biSweep) run(f *biForm, a biAttempt) {
	t := s.t
	t.Helper()
	if f.before != nil {
		f.before()
	}
	c := s.client(f.user) // before the snapshot: a fresh session signs in
	before := s.snapshot()
	req, err := http.NewRequest(http.MethodPost, s.base+a.path, bytes.NewReader(a.body))
	if err != nil {
		t.Fatal(err)
	}
	if a.ct != "" {
		req.Header.Set("Content-Type", a.ct)
	}
	res, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", f.name, a.label, err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	s.n++
	s.byRoute[f.name]++
	page := string(b)
	where := f.name + " [" + a.label + "]"
	code := res.StatusCode
	for raw := range biEscaped {
		if strings.Contains(page, raw) {
			t.Errorf("%s: %d with the raw payload %q in the page", where, code, raw)
		}
	}
	switch {
	case code >= 500:
		t.Errorf("%s: %d\n%s", where, code, biSnippet(page))
	case code >= 400:
		s.refused++
		if !biRefusals[code] && !(f.signIn && (code == 401 || code == 429)) {
			t.Errorf("%s: unexpected status %d", where, code)
		}
		if !biItalian(page) {
			t.Errorf("%s: %d without an Italian message\n%s", where, code, biSnippet(page))
		}
		var ignore []string
		if f.signIn {
			ignore = []string{"audit_events"} // the failure is recorded
		}
		if d := biChanged(before, s.snapshot(), ignore...); len(d) > 0 {
			t.Errorf("%s: refused (%d) but stored: %v", where, code, d)
		}
	default:
		if !a.acceptable && !f.noWrite {
			t.Errorf("%s: accepted (%d) a value it should refuse", where, code)
		}
		if f.noWrite {
			if d := biChanged(before, s.snapshot()); len(d) > 0 {
				t.Errorf("%s: a route that never stores changed %v", where, d)
			}
		}
		loc := res.Header.Get("Location")
		if code >= 300 && (!strings.HasPrefix(loc, "/") || strings.HasPrefix(loc, "//") || strings.HasPrefix(loc, "/\\") || strings.ContainsAny(loc, "\r\n")) {
			t.Errorf("%s: redirect off the site: %q", where, loc)
		}
		if len(a.want) > 0 {
			s.checkEscaped(where, c, code, page, loc, f.show, a.want)
		}
	}
	if f.after != nil {
		f.after()
	}
}

// checkEscaped looks for accepted payloads in the pages that show them: raw
// nowhere, escaped in at least one.
func (s *biSweep) checkEscaped(where string, c *http.Client, code int, page, loc string, show []string, want []string) {
	pages := map[string]string{}
	if code < 300 {
		pages["response"] = page
	} else if loc != "" {
		pages[loc] = s.get(c, loc)
	}
	for _, p := range show {
		pages[p] = s.get(c, p)
	}
	for _, w := range want {
		found := false
		for url, body := range pages {
			if strings.Contains(body, w) {
				s.t.Errorf("%s: %s shows the raw %q", where, url, w)
			}
			found = found || strings.Contains(body, biEscaped[w])
		}
		if found {
			s.escaped++
		} else {
			s.t.Errorf("%s: accepted, but %q is shown escaped nowhere in %v", where, w, keys(pages))
		}
	}
}

func (s *biSweep) get(c *http.Client, path string) string {
	res, err := c.Get(s.base + path)
	if err != nil {
		s.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		s.t.Errorf("GET %s: %d", path, res.StatusCode)
	}
	return string(b)
}

func biSnippet(s string) string {
	if i := strings.Index(s, "<main"); i >= 0 {
		s = s[i:]
	}
	if len(s) > 600 {
		s = s[:600]
	}
	return s
}

// biWanted lists the script payloads sent in shown fields (first value of each).
func biWanted(f *biForm, v url.Values) []string {
	var out []string
	for _, fl := range f.fields {
		vals := v[fl.name]
		if !fl.shown || len(vals) == 0 {
			continue
		}
		if !fl.multi {
			vals = vals[:1]
		}
		for _, x := range vals {
			for _, p := range []string{biScript, biRawImg} {
				if strings.Contains(x, p) && !slices.Contains(out, p) {
					out = append(out, p)
				}
			}
		}
	}
	return out
}

// biAcceptable: may the form with these values (built on the valid form base) be accepted?
func biAcceptable(f *biForm, base, v url.Values) bool {
	for _, fl := range f.fields {
		vals := v[fl.name]
		if fl.kind == kindExact {
			if v.Get(fl.name) != base.Get(fl.name) {
				return false
			}
			continue
		}
		if len(vals) == 0 {
			if fl.multi {
				continue // an empty list
			}
			vals = []string{""}
		}
		if !fl.multi {
			vals = vals[:1]
		}
		for _, x := range vals {
			if !fl.accepts(x) {
				return false
			}
		}
	}
	return true
}

// encode writes the form as the route expects it: urlencoded, or multipart with files.
func (s *biSweep) encode(f *biForm, v url.Values, files []biFile) (string, []byte) {
	if f.file == "" {
		return "application/x-www-form-urlencoded", []byte(v.Encode())
	}
	return biMultipart(s.t, v, f.file, files)
}

func biMultipart(t *testing.T, v url.Values, fileField string, files []biFile) (string, []byte) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	ks := make([]string, 0, len(v))
	for k := range v {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	for _, k := range ks {
		for _, x := range v[k] {
			if err := mw.WriteField(k, x); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, nf := range files {
		fw, err := mw.CreateFormFile(fileField, nf.name)
		if err != nil {
			t.Fatal(err)
		}
		fw.Write(nf.data)
	}
	mw.Close()
	return mw.FormDataContentType(), buf.Bytes()
}

// sweepForm sends every hostile value the form should get.
func (s *biSweep) sweepForm(f *biForm, pattern string) {
	post := func(label string, v url.Values, files []biFile, ok bool) {
		ct, body := s.encode(f, v, files)
		s.run(f, biAttempt{label: label, path: f.path, ct: ct, body: body, acceptable: ok, want: biWanted(f, v)})
	}
	// with is the valid form with the field set to val, and whether it may be accepted
	with := func(name string, val ...string) (url.Values, bool) {
		base := f.base()
		v := url.Values{}
		for k, x := range base {
			v[k] = slices.Clone(x)
		}
		v[name] = val
		return v, biAcceptable(f, base, v)
	}
	// the valid form: a positive control, so the sweep cannot pass on a form refused for another reason
	if f.baseOK {
		ct, body := s.encode(f, f.base(), f.baseFiles)
		before := s.snapshot()
		s.run(f, biAttempt{label: "valid form", path: f.path, ct: ct, body: body, acceptable: true})
		if d := biChanged(before, s.snapshot()); len(d) == 0 && !f.noWrite && !f.emptyOK {
			s.t.Errorf("%s: the valid form stored nothing", f.name)
		}
	}
	// every value in one field at least (rotating over the fields), then each field with the values of its kind
	if len(f.fields) > 0 {
		for i, h := range biValues {
			fl := f.fields[i%len(f.fields)]
			v, ok := with(fl.name, h.v)
			post(fl.name+"="+h.name, v, f.baseFiles, ok)
		}
		for _, fl := range f.fields {
			for _, h := range fl.values() {
				v, ok := with(fl.name, h.v)
				post(fl.name+"="+h.name, v, f.baseFiles, ok)
			}
		}
		// all fields at once
		for _, n := range []string{"sql-drop", "script", "img", "nul", "bad-utf8", "empty", "1e309"} {
			base := f.base()
			v := url.Values{}
			for k, x := range base {
				v[k] = x
			}
			for _, fl := range f.fields {
				v[fl.name] = []string{biValueNamed(n).v}
			}
			post("all="+n, v, f.baseFiles, biAcceptable(f, base, v))
		}
		// duplicated fields: the first value counts
		fl := f.fields[0]
		if !fl.multi {
			good := f.base().Get(fl.name)
			v, ok := with(fl.name, biScript, good)
			post("duplicate "+fl.name+" hostile first", v, f.baseFiles, ok)
			if !f.destructive {
				v, ok := with(fl.name, good, biScript)
				post("duplicate "+fl.name+" valid first", v, f.baseFiles, ok)
			}
		}
	} else {
		// a route that reads no field: hostile fields are ignored
		for _, n := range []string{"script", "nul", "bad-utf8", "mib"} {
			post("unread field="+n, url.Values{"x": {biValueNamed(n).v}}, nil, true)
		}
	}
	// wrong content types and broken bodies
	js, _ := json.Marshal(biFirstValues(f.base()))
	_, mp := biMultipart(s.t, f.base(), "allegati", nil)
	mpCT := "multipart/form-data; boundary=" + biBoundaryOf(mp)
	type variant struct {
		label, ct string
		body      []byte
		ok        bool
	}
	variants := []variant{
		{"application/json", "application/json", js, f.emptyOK},
		{"text/plain", "text/plain", []byte(f.base().Encode()), f.emptyOK},
		{"no content type", "", []byte(f.base().Encode()), f.emptyOK},
		{"empty body", "application/x-www-form-urlencoded", nil, f.emptyOK},
		{"malformed urlencoded", "application/x-www-form-urlencoded", []byte("%zz=1&%&=%E0%A4%A"), f.emptyOK && len(f.fields) == 0},
		{"truncated multipart", mpCT, mp[:len(mp)/2], f.emptyOK && f.file == ""},
		{"multipart with a wrong boundary", "multipart/form-data; boundary=nope", mp, f.emptyOK && f.file == ""},
		{"multipart without boundary", "multipart/form-data", mp, f.emptyOK && f.file == ""},
	}
	if f.file == "" {
		variants = append(variants, variant{"multipart to a urlencoded form", mpCT, mp, f.emptyOK})
	} else {
		variants = append(variants, variant{"urlencoded to a multipart form", "application/x-www-form-urlencoded", []byte(f.base().Encode()), f.plainOK || f.emptyOK})
	}
	for _, vr := range variants {
		ok := vr.ok && !f.destructive
		s.run(f, biAttempt{label: vr.label, path: f.path, ct: vr.ct, body: vr.body, acceptable: ok})
	}
	// hostile path parameters: another resource that does not exist
	s.sweepPath(f, pattern)
	// uploads
	for _, u := range f.uploads {
		v := f.base()
		ct, body := biMultipart(s.t, v, f.file, u.files)
		var want []string
		if u.shown {
			want = []string{biRawImg}
		}
		s.run(f, biAttempt{label: "upload " + u.label, path: f.path, ct: ct, body: body, acceptable: u.ok, want: want})
	}
}

func biFirstValues(v url.Values) map[string]string {
	out := map[string]string{}
	for k, x := range v {
		if len(x) > 0 {
			out[k] = x[0]
		}
	}
	return out
}

func biBoundaryOf(mp []byte) string {
	line, _, _ := bytes.Cut(mp, []byte("\r\n"))
	return strings.TrimPrefix(string(line), "--")
}

var biParamRe = regexp.MustCompile(`\{[^}]+\}`)

// sweepPath replaces each {param} of the pattern, in the form's concrete
// path, with hostile segments: the answer is a refusal (404), nothing stored.
func (s *biSweep) sweepPath(f *biForm, pattern string) {
	pathOnly, query, _ := strings.Cut(f.path, "?")
	if query != "" {
		query = "?" + query
	}
	pat, got := strings.Split(pattern, "/"), strings.Split(pathOnly, "/")
	if len(pat) != len(got) {
		s.t.Fatalf("%s: path %s does not match %s", f.name, f.path, pattern)
	}
	segs := []string{url.PathEscape("'; DROP TABLE measurements; --"), url.PathEscape(biScript), "%FF%FE", "..%2F..%2Fetc%2Fpasswd", url.PathEscape(strings.Repeat("9", 40))}
	k := 0
	for i, p := range pat {
		if !biParamRe.MatchString(p) {
			continue
		}
		for j := 0; j < 2; j++ {
			seg := segs[(k+j)%len(segs)]
			parts := slices.Clone(got)
			parts[i] = seg
			ct, body := s.encode(f, f.base(), f.baseFiles)
			s.run(f, biAttempt{label: "path " + p + "=" + seg, path: strings.Join(parts, "/") + query, ct: ct, body: body})
		}
		k++
	}
}

// Files.

const biPDF = "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"

// biZipBomb is a small archive (about 64 KiB) that inflates to size bytes;
// with markers it passes for an XLSX. Built once per kind.
func biZipBomb(t *testing.T, size int, xlsx bool) []byte {
	t.Helper()
	if b, ok := biBombs[xlsx]; ok {
		return b
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	name := "bomba.txt"
	if xlsx {
		for _, n := range []string{"[Content_Types].xml", "_rels/.rels"} {
			w, _ := zw.Create(n)
			w.Write([]byte("<x/>"))
		}
		name = "xl/workbook.xml"
	}
	w, err := zw.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	chunk := bytes.Repeat([]byte{'0'}, 1<<20)
	for i := 0; i < size>>20; i++ {
		w.Write(chunk)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	biBombs[xlsx] = buf.Bytes()
	return buf.Bytes()
}

var biBombs = map[bool][]byte{}

// biUploads are the hostile files of a file field; good is a valid file for it.
func biUploads(t *testing.T, fileField string, good []byte, shown bool) []biUpload {
	// evidence files take PDFs; the imports (a spreadsheet, a published PIAO) read the file
	evidence := fileField != "foglio" && fileField != "piao"
	big := append([]byte("%PDF-1.7\n"), make([]byte, 10<<20)...)
	ups := []biUpload{
		{label: "HTML named .pdf", files: []biFile{{"finto.pdf", []byte("<html><body>" + biScript + "</body></html>")}}},
		{label: "EXE header", files: []biFile{{"programma.exe", []byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00PE\x00\x00")}}},
		{label: "EXE named .pdf", files: []biFile{{"relazione.pdf", []byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00PE\x00\x00")}}},
		{label: "zip bomb", files: []biFile{{"bomba.zip", biZipBomb(t, 64<<20, false)}}},
		// evidence is checked by its container, never inflated: stored as it came (64 KiB)
		{label: "zip bomb as XLSX", files: []biFile{{"bomba.xlsx", biZipBomb(t, 64<<20, true)}}, ok: evidence},
		{label: "empty file", files: []biFile{{"vuoto.pdf", nil}}},
		{label: "path traversal name", files: []biFile{{"../../etc/passwd", good}}, ok: true},
		{label: "control characters in the name", files: []biFile{{"ver\x01ba\x1ble\x7f\t.pdf", good}}, ok: true},
		{label: "NUL in the name", files: []biFile{{"verbale\x00.pdf", good}}, ok: true},
		{label: "invalid UTF-8 name", files: []biFile{{"\xff\xfe.pdf", good}}, ok: !evidence}, // the import keeps the name only in the audit trail
		{label: "script in the name", files: []biFile{{biImg + ".pdf", good}}, ok: true, shown: shown},
		{label: "PDF where a spreadsheet is expected", files: []biFile{{"foglio.xlsx", []byte(biPDF)}}, ok: evidence},
	}
	if evidence {
		ups = append(ups, biUpload{label: "over 10 MB", files: []biFile{{"enorme.pdf", big}}})
	}
	var many []biFile
	for i := range 6 {
		many = append(many, biFile{"verbale-" + strconv.Itoa(i) + ".pdf", good})
	}
	return append(ups, biUpload{label: "six files", files: many})
}

// TestBadInputSweep drives the sweep from the registered routes: a POST route
// without forms here fails the test.
func TestBadInputSweep(t *testing.T) {
	start := time.Now()
	app, pool, _ := authApp(t)
	ctx := context.Background()
	st := store.New(pool)
	hash := testHash(t)
	if _, err := st.CreateUser(ctx, store.NewUser{Username: "superadmin", DisplayName: "Amministratore generale", Role: auth.Admin, PasswordHash: hash}, "test"); err != nil {
		t.Fatal(err)
	}
	addUser(t, pool, "bersaglio", auth.Lettore, "")
	h, err := st.PlanHeader(ctx, "cciaa-gran-sasso", "piao-2023-2025")
	if err != nil {
		t.Fatal(err)
	}
	s := &biSweep{t: t, app: app, pool: pool, st: st, h: h, clients: map[string]*http.Client{}, base: "http://piao.test", byRoute: map[string]int{}}

	// the draft revision the editor forms need, opened through its form with hostile text
	admin := s.client("admin")
	res, err := admin.PostForm(s.base+refPlan+"/modifica/avvia", url.Values{"etichetta": {biScript}, "vigore": {"01/07/2024"},
		"motivo": {"'; DROP TABLE measurements; --"}, "atto": {biImg}})
	if err != nil || res.StatusCode != http.StatusSeeOther {
		t.Fatalf("open the draft: %v %d", err, res.StatusCode)
	}
	if page := s.get(admin, refPlan+"/modifica"); strings.Contains(page, biScript) || !strings.Contains(page, biEscaped[biScript]) {
		t.Error("the draft's label is not shown escaped in the editor")
	}
	draft, err := st.DraftOf(ctx, h.ID)
	if err != nil {
		t.Fatal(err)
	}
	doc := draft.Doc

	forms := s.forms(doc)
	routes := app.Routes()
	covered := map[string]bool{}
	for _, rt := range routes {
		if rt.Method != http.MethodPost {
			continue
		}
		k := rt.Method + " " + rt.Pattern
		fs, ok := forms[k]
		if !ok {
			t.Errorf("%s has no forms in the bad-input sweep", k)
			continue
		}
		covered[k] = true
		for _, f := range fs {
			s.sweepForm(f, rt.Pattern)
		}
	}
	for k := range forms {
		if !covered[k] {
			t.Errorf("the sweep has forms for %s, which is not a POST route", k)
		}
	}

	// the database is intact: the tables answer and the audit chain verifies
	s.snapshot()
	if _, err := st.SealAudit(ctx); err != nil {
		t.Fatal(err)
	}
	reps, err := st.VerifyAuditChains(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, rep := range reps {
		if rep.BrokenAt != 0 {
			t.Errorf("audit chain of %q broken at %d", rep.Ente, rep.BrokenAt)
		}
	}
	t.Logf("%d requests over %d forms of %d POST routes in %s: %d refused, %d accepted; %d accepted payloads found escaped",
		s.n, len(s.byRoute), len(covered), time.Since(start).Round(time.Millisecond), s.refused, s.n-s.refused, s.escaped)
}

// Helpers reading the state the forms depend on.

func (s *biSweep) draftVersion() string {
	var v int
	err := s.pool.QueryRow(context.Background(), `SELECT version FROM plan_drafts WHERE plan_id = $1`, s.h.ID).Scan(&v)
	if err != nil {
		return "0"
	}
	return strconv.Itoa(v)
}

func (s *biSweep) rulesVersion() string {
	_, v, err := s.st.RuleVersions(context.Background(), s.h.ID)
	if err != nil {
		s.t.Fatal(err)
	}
	return strconv.Itoa(v)
}

func (s *biSweep) periodVersion(year int, kind string) string {
	p, err := s.st.Period(context.Background(), s.h.ID, year, kind)
	if err != nil {
		s.t.Fatal(err)
	}
	return strconv.Itoa(p.Version)
}

func (s *biSweep) userVersion(username string) string {
	var v int
	if err := s.pool.QueryRow(context.Background(), `SELECT version FROM users WHERE username = $1`, username).Scan(&v); err != nil {
		s.t.Fatal(err)
	}
	return strconv.Itoa(v)
}

// relazioneDraftVersion is the version of the reference plan's 2023 Relazione draft ("0" without one).
func (s *biSweep) relazioneDraftVersion() string {
	var v int
	err := s.pool.QueryRow(context.Background(), `SELECT coalesce((SELECT version FROM relazione_drafts WHERE plan_id = $1 AND year = 2023), 0)`,
		s.h.ID).Scan(&v)
	if err != nil {
		s.t.Fatal(err)
	}
	return strconv.Itoa(v)
}

// ensureRelazioneDraft makes sure the 2023 draft exists and is a bozza, so
// that each form of the draft meets it whatever order the routes are swept in
// (sending it to the OIV locks it).
func (s *biSweep) ensureRelazioneDraft() {
	ctx := context.Background()
	if _, err := s.st.RelazioneDraft(ctx, s.h.ID, 2023); errors.Is(err, store.ErrNotFound) {
		if err := s.st.CreateRelazioneDraft(ctx, s.h, 2023, []model.DraftSection{{Key: "sintesi"}, {Key: "contesto-risorse", Free: true}}, "test"); err != nil {
			s.t.Fatal(err)
		}
	} else if err != nil {
		s.t.Fatal(err)
	}
	if _, err := s.pool.Exec(ctx, `UPDATE relazione_drafts SET status = 'bozza', sent_at = NULL, sent_by = '', validated_at = NULL
		WHERE plan_id = $1 AND year = 2023 AND status <> 'bozza'`, s.h.ID); err != nil {
		s.t.Fatal(err)
	}
}

// relazioneFingerprint is the fingerprint the rigenera page puts in its form:
// the hash of the section generated now from the 2023 Relazione.
func (s *biSweep) relazioneFingerprint(key string) string {
	doc, err := relazione.Build(context.Background(), s.st, s.h, 2023, relazione.Options{Visibility: model.Approved})
	if err != nil {
		s.t.Fatal(err)
	}
	sec, _ := narrative.GenerateSection(narrative.Input{Year: 2023, Doc: doc}, key)
	sum := sha256.Sum256([]byte(sec.Text()))
	return hex.EncodeToString(sum[:])
}

// legalVersion is the version of the reference ente's legal texts (0 before the first save).
func (s *biSweep) legalVersion() string {
	var v int
	err := s.pool.QueryRow(context.Background(), `SELECT coalesce((SELECT l.version FROM ente_legal l JOIN enti e ON e.id = l.ente_id
		WHERE e.slug = 'cciaa-gran-sasso'), 0)`).Scan(&v)
	if err != nil {
		s.t.Fatal(err)
	}
	return strconv.Itoa(v)
}

func (s *biSweep) validationStamp(year int) string {
	v, err := s.st.ValidationOf(context.Background(), s.h.ID, year)
	if errors.Is(err, store.ErrNotFound) {
		return ""
	}
	if err != nil {
		s.t.Fatal(err)
	}
	return v.Stamp()
}

// ensureValidated records a validation of the year when it has none.
func (s *biSweep) ensureValidated(year int) {
	if s.validationStamp(year) != "" {
		return
	}
	s.closedOn(year, "2024-02-01")
	err := s.st.SetValidation(context.Background(), s.h, model.Validation{Year: year, Outcome: model.Validated,
		DecidedOn: time.Date(2024, 3, 15, 0, 0, 0, 0, time.UTC), Document: []byte("%PDF-1.4\n%%EOF\n"), DocumentName: "v.pdf",
		DocumentType: "application/pdf"}, "", "oiv")
	if err != nil {
		s.t.Fatal(err)
	}
}

func (s *biSweep) entry(key string) (version int, status string) {
	_ = s.pool.QueryRow(context.Background(), `SELECT m.version, m.status FROM measurements m JOIN indicators i ON i.id = m.indicator_id
		JOIN periods p ON p.id = m.period_id WHERE m.plan_id = $1 AND i.key = $2 AND p.year = 2023 AND p.kind = 'final'`, s.h.ID, key).Scan(&version, &status)
	return version, status
}

func (s *biSweep) ensureDraft() {
	if _, err := s.st.DraftOf(context.Background(), s.h.ID); errors.Is(err, store.ErrNotFound) {
		if err := s.st.StartDraft(context.Background(), s.h, model.Draft{Label: "Revisione di prova", InForceFrom: time.Date(2024, 7, 1, 0, 0, 0, 0, time.UTC),
			Reason: "Prova"}, "test"); err != nil {
			s.t.Fatal(err)
		}
	}
}

// review keeps a small read document as a pending review of the reference
// plan and returns its id.
func (s *biSweep) review() int64 {
	v := 1.0
	doc := &plan.Document{
		Ente:  plan.Ente{Slug: s.h.EnteSlug, Name: s.h.EnteSlug},
		Plan:  plan.Info{Slug: s.h.Slug, Title: s.h.Title, StartYear: s.h.StartYear, EndYear: s.h.EndYear, Revision: plan.Revision{Label: "Letto"}},
		Areas: []plan.Area{{Number: 1, Title: "Ambito letto"}},
		Objectives: []plan.Objective{{Code: "1.1", Kind: plan.KindStrategic, Area: 1, Title: "Obiettivo letto",
			Indicators: []plan.Indicator{{Key: "1.1/1", Name: "Indicatore letto", Unit: plan.UnitCount, Polarity: plan.PolarityHigher,
				Formula: plan.FormulaDirect, Baselines: []plan.Baseline{{Year: 2022, Value: &v, Text: "1"}},
				Targets: []plan.Target{{Year: 2023, Operator: plan.OpGTE, Value: &v, Text: ">= 1"}}}}}},
		Units: []plan.Unit{}, Roles: []plan.Role{}, Individual: []plan.Individual{}, Notes: []plan.QualityNote{},
	}
	id, err := s.st.CreatePlanImport(context.Background(), s.h, "letto.txt", doc,
		[]model.ImportProblem{{Line: 3, Kind: "bare_number_target", Objective: "1.1", Indicator: "1.1/1", Text: "1", Chosen: ">= 1"}}, "test")
	if err != nil {
		s.t.Fatal(err)
	}
	return id
}

func (s *biSweep) discardDraft() {
	d, err := s.st.DraftOf(context.Background(), s.h.ID)
	if errors.Is(err, store.ErrNotFound) {
		return
	}
	if err != nil {
		s.t.Fatal(err)
	}
	if err := s.st.DiscardDraft(context.Background(), s.h, d.Version, "test"); err != nil {
		s.t.Fatal(err)
	}
}

// ensureSubmitted puts the entry the Segretario reviews back to "submitted".
func (s *biSweep) ensureSubmitted(key string) {
	v, status := s.entry(key)
	path := refPlan + "/misurazioni/" + key + "?periodo=2023-final"
	if status == string(workflow.Submitted) {
		return
	}
	if status == string(workflow.Approved) {
		res, err := s.client("segretario").PostForm(s.base+strings.Replace(path, "?", "/stato?", 1),
			url.Values{"azione": {"riapri"}, "versione": {strconv.Itoa(v)}, "motivo": {"Ripristino per la prova"}})
		if err != nil || res.StatusCode != http.StatusSeeOther {
			s.t.Fatalf("reopen %s: %v %d", key, err, res.StatusCode)
		}
		v, _ = s.entry(key)
	}
	// 7 against a target of zero is a scostamento: it is approved only with its motivazione
	ct, body := biMultipart(s.t, url.Values{"valore": {"7"}, "versione": {strconv.Itoa(v)}, "azione": {"invia"},
		"scost_cosa": {"Sette protocolli in ritardo."}, "scost_perche": {"Picco di pratiche a dicembre."},
		"scost_azione": {"Turni di protocollazione."}}, "allegati", nil)
	res, err := s.client("dirigente").Post(s.base+path, ct, bytes.NewReader(body))
	if err != nil || res.StatusCode != http.StatusSeeOther {
		s.t.Fatalf("submit %s: %v %d", key, err, res.StatusCode)
	}
}

func (s *biSweep) ensureClosed(year int, kind string) {
	p, err := s.st.Period(context.Background(), s.h.ID, year, kind)
	if err != nil {
		s.t.Fatal(err)
	}
	if p.ClosedAt == nil {
		if err := s.st.SetPeriodClosed(context.Background(), s.h, p, true, "", auth.User{Username: "test"}); err != nil {
			s.t.Fatal(err)
		}
	}
}

// closedOn closes a year's final period as if on day (yyyy-mm-dd), so that a
// validation dated after it is in rule.
func (s *biSweep) closedOn(year int, day string) {
	s.ensureClosed(year, "final")
	if _, err := s.pool.Exec(context.Background(), `UPDATE periods SET closed_at = $3::date + time '12:00'
		WHERE plan_id = $1 AND year = $2 AND kind = 'final'`, s.h.ID, year, day); err != nil {
		s.t.Fatal(err)
	}
}

// gridIndex is the row of key in the referente's grid.
func (s *biSweep) gridIndex(key string) string {
	page := s.get(s.client("referente"), refPlan+"/misurazioni/griglia?periodo=2023-final")
	m := regexp.MustCompile(`name="r(\d+)\.chiave" value="` + regexp.QuoteMeta(key) + `"`).FindStringSubmatch(page)
	if m == nil {
		s.t.Fatalf("%s not in the grid", key)
	}
	return m[1]
}

func biVals(kv ...string) url.Values {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Add(kv[i], kv[i+1])
	}
	return v
}

var (
	biSlug     = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	biCode     = regexp.MustCompile(`^[A-Za-z0-9._-]{1,40}$`)
	biUsername = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{1,62}$`)
)

// forms is the table of the sweep: route → the forms that post to it.
func (s *biSweep) forms(doc *plan.Document) map[string][]*biForm {
	t := s.t
	const pl = "POST /enti/{ente}/piani/{plan}"
	const ed = pl + "/modifica"
	period := "?periodo=2023-final"
	pdf := []byte(biPDF)
	keysOf := func(n int, get func(int) string) []string {
		var out []string
		for i := range n {
			out = append(out, get(i))
		}
		return out
	}
	roleKeys := keysOf(len(doc.Roles), func(i int) string { return doc.Roles[i].Key })
	unitKeys := keysOf(len(doc.Units), func(i int) string { return doc.Units[i].Key })
	objCodes := keysOf(len(doc.Objectives), func(i int) string { return doc.Objectives[i].Code })
	var strategic []string
	for _, o := range doc.Objectives {
		if o.Kind == plan.KindStrategic {
			strategic = append(strategic, o.Code)
		}
	}
	kinds := plan.Kinds
	units := []string{plan.UnitCount, plan.UnitPercent, plan.UnitDays, plan.UnitRatio, plan.UnitYesNo, plan.UnitScore, plan.UnitEuro}
	polarities := []string{plan.PolarityHigher, plan.PolarityLower, plan.PolarityExact}
	formulas := []string{string(plan.FormulaDirect), string(plan.FormulaYesNo), string(plan.FormulaRatio), string(plan.FormulaDifference), string(plan.FormulaRatioPrevious)}
	ops := []string{plan.OpGTE, plan.OpLTE, plan.OpEQ, plan.OpYes, ""}
	o331 := biObjective(doc, "O.3.3.1")
	var ind6 plan.Indicator
	for _, in := range o331.Indicators {
		if in.Key == "O.3.3.1/6" {
			ind6 = in
		}
	}
	var sgIndividual string
	for _, iv := range doc.Individual {
		if iv.Role == "sg" {
			sgIndividual = iv.Code
			break
		}
	}
	if sgIndividual == "" || ind6.Key == "" {
		t.Fatal("fixture: no individual objective of sg or no O.3.3.1/6")
	}

	// the review of a read PIAO: a small document kept as a pending review of the
	// reference plan; "Crea bozza" and "Annulla" are undone after each attempt
	reviewID := s.review()
	review := refPlan + "/modifica/leggi-piao/" + strconv.FormatInt(reviewID, 10)
	reviewFields := func() []biField {
		return []biField{biExact("versione-lettura"), biInt("a0-numero", 1, 99), biText("a0-titolo", 300, true),
			biKey("o0-codice", biCode), biChoice("o0-tipo", plan.Kinds...), {name: "o0-ambito", kind: kindInt, lo: 1, hi: 1}, biChoice("o0-padre", ""),
			biText("o0-titolo", 500, true), biText("o0-i0-nome", 500, true), biText("o0-i0-algoritmo", 1000, false), biText("o0-i0-fonte", 300, false),
			biChoice("o0-i0-unita", units...), biNumber("o0-i0-t2023-valore", -math.MaxFloat64, math.MaxFloat64),
			biNumber("o0-i0-b0-valore", -math.MaxFloat64, math.MaxFloat64)}
	}
	reviewBase := func() url.Values {
		var v int
		if err := s.pool.QueryRow(context.Background(), `SELECT version FROM plan_imports WHERE id = $1`, reviewID).Scan(&v); err != nil {
			t.Fatal(err)
		}
		return biVals("versione-lettura", strconv.Itoa(v), "versione", s.draftVersion(), "a0-numero", "1", "a0-titolo", "Ambito letto",
			"o0-codice", "1.1", "o0-tipo", plan.KindStrategic, "o0-ambito", "1", "o0-titolo", "Obiettivo letto",
			"o0-i0-nome", "Indicatore letto", "o0-i0-unita", plan.UnitCount, "o0-i0-t2023-op", plan.OpGTE, "o0-i0-t2023-valore", "1",
			"o0-i0-b0-anno", "2022", "o0-i0-b0-valore", "3")
	}
	var kept *plan.Document
	reviewBefore := func() {
		if _, err := s.pool.Exec(context.Background(), `UPDATE plan_imports SET status = 'pending' WHERE id = $1`, reviewID); err != nil {
			t.Fatal(err)
		}
		d, err := s.st.DraftOf(context.Background(), s.h.ID)
		if err != nil {
			t.Fatal(err)
		}
		kept = d.Doc
	}
	reviewAfter := func() { // an accepted "Crea bozza" replaced the draft: put back what the other forms need
		d, err := s.st.DraftOf(context.Background(), s.h.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(d.Doc.Objectives) != len(kept.Objectives) {
			if err := s.st.SaveDraft(context.Background(), s.h, kept, d.Version, nil, "test"); err != nil {
				t.Fatal(err)
			}
		}
	}

	// the entry form
	entryFields := func(value ...biField) []biField {
		return append(value, biInt("versione", 0, 1<<31), biAny("azione"), biAny("na"),
			biField{name: "motivo", kind: kindText, max: 500}, biText("nota", 2000, false),
			biText("scost_cosa", 2000, false), biText("scost_perche", 2000, false), biText("scost_azione", 2000, false))
	}
	entryBase := func(key string, kv ...string) func() url.Values {
		return func() url.Values {
			v, _ := s.entry(key)
			b := biVals("versione", strconv.Itoa(v), "azione", "salva", "nota", "Dal registro")
			for i := 0; i+1 < len(kv); i += 2 {
				b.Set(kv[i], kv[i+1])
			}
			for k := range b {
				if b.Get(k) == "#" { // a value that changes at every save
					b.Set(k, strconv.Itoa(100+s.next()))
				}
			}
			return b
		}
	}
	entryUploads := biUploads(t, "allegati", pdf, true)
	grid := s.gridIndex("O.3.3.1/1")
	gr := func(f string) string { return "r" + grid + "." + f }

	// the plan editor
	edBase := func(kv ...string) func() url.Values {
		return func() url.Values {
			v := biVals(kv...)
			v.Set("versione", s.draftVersion())
			return v
		}
	}
	objForm := func(o plan.Objective) url.Values {
		f := planedit.FormOf(o)
		v := biVals("codice", f.Code, "tipo", f.Kind, "ambito", f.Area, "padre", f.Parent, "sezione", f.Group, "titolo", f.Title,
			"descrizione", f.Description, "stakeholder", f.Stakeholders, "responsabile", f.OwnerText, "unita-testo", f.UnitsText,
			"esterni", f.ExternalParties, "risorse", f.Resources)
		v["responsabili"], v["unita"] = f.Owners, f.Units
		return v
	}
	objFields := func(code biField) []biField {
		return []biField{code, biChoice("tipo", kinds...), biField{name: "ambito", kind: kindInt, lo: 1, hi: 99}, biChoice("padre", append([]string{""}, strategic...)...),
			biText("sezione", 200, false), biText("titolo", 500, true), biText("descrizione", 10000, false), biText("stakeholder", 500, false),
			biText("responsabile", 500, false), biText("unita-testo", 500, false), biText("esterni", 500, false), biText("risorse", 500, false),
			{name: "responsabili", kind: kindChoice, opts: roleKeys, multi: true}, {name: "unita", kind: kindChoice, opts: unitKeys, multi: true}}
	}
	indForm := func(in plan.Indicator) url.Values {
		f := planedit.IndicatorFormOf(doc, in)
		v := biVals("nome", f.Name, "algoritmo", f.Algorithm, "fonte", f.Source, "unita-misura", f.Unit, "polarita", f.Polarity,
			"formula", f.Formula, "scala", f.Scale, "peso", f.Weight, "nota", f.Note)
		if f.Cumulative {
			v.Set("cumulativo", "1")
		}
		for i, l := range f.InputLabels {
			v.Set("dato-"+strconv.Itoa(i), l)
		}
		for _, tg := range f.Targets {
			v.Set("op-"+strconv.Itoa(tg.Year), tg.Operator)
			v.Set("val-"+strconv.Itoa(tg.Year), tg.Value)
		}
		for i, b := range f.Baselines {
			is := strconv.Itoa(i)
			v.Set("b-anno-"+is, b.Year)
			v.Set("b-val-"+is, b.Value)
			v.Set("b-testo-"+is, b.Text)
		}
		return v
	}
	lastBaseline := strconv.Itoa(len(ind6.Baselines)) // the empty row the page adds
	rules := templates.RulesFormOf(scoring.DefaultRules(), 0)
	xlsx := s.template()

	editObjective := refPlan + "/modifica/obiettivi/O.3.3.1"
	editIndicator := editObjective + "/indicatori/6"
	return map[string][]*biForm{
		"POST /accedi": {{name: "accesso", path: "/accedi", user: "anonymous", signIn: true, baseOK: true,
			fields: []biField{biExact("username"), biExact("password"), biAny("next")},
			base: func() url.Values {
				return biVals("username", "lettore", "password", testPassword, "next", "/area-riservata")
			},
			after: func() {
				if _, err := s.pool.Exec(context.Background(), `DELETE FROM sign_in_throttle`); err != nil { // no throttling between requests
					t.Fatal(err)
				}
			}}},
		"POST /esci":         {{name: "uscita", path: "/esci", user: "fresh:lettore", emptyOK: true, baseOK: true, base: biNoFields}},
		"POST /esci-ovunque": {{name: "uscita ovunque", path: "/esci-ovunque", user: "fresh:lettore", emptyOK: true, baseOK: true, base: biNoFields}},

		pl + "/misurazioni/griglia": {{name: "griglia", path: refPlan + "/misurazioni/griglia" + period, user: "referente", baseOK: true,
			fields: []biField{biExact(gr("chiave")), {name: gr("versione"), kind: kindInt, lo: 0, hi: 1 << 31}, biNumber(gr("valore"), -1e12, 1e12),
				biAny(gr("na")), {name: gr("motivo"), kind: kindText, max: 500}, {name: gr("nota"), kind: kindText, max: 2000}, biAny("azione")},
			base: func() url.Values {
				v, _ := s.entry("O.3.3.1/1")
				return biVals(gr("chiave"), "O.3.3.1/1", gr("versione"), strconv.Itoa(v), gr("valore"), strconv.Itoa(100+s.next()), "azione", "salva")
			}}},
		pl + "/misurazioni/{code}/{n}": {
			{name: "misurazione (valore)", path: refPlan + "/misurazioni/O.3.3.1/1" + period, user: "referente", file: "allegati", plainOK: true, baseOK: true,
				fields: entryFields(biNumber("valore", -1e12, 1e12)), base: entryBase("O.3.3.1/1", "valore", "#"), uploads: entryUploads},
			{name: "misurazione (SI/NO)", path: refPlan + "/misurazioni/O.1.1.3/1" + period, user: "dirigente", file: "allegati", plainOK: true, baseOK: true,
				fields: entryFields(biChoice("valore", "SI", "NO")), base: entryBase("O.1.1.3/1", "valore", "SI")},
			{name: "misurazione (rapporto)", path: refPlan + "/misurazioni/O.1.1.7/1" + period, user: "dirigente", file: "allegati", plainOK: true, baseOK: true,
				fields: entryFields(biNumber("in_numerator", -1e12, 1e12), biField{name: "in_denominator", kind: kindNumber, lo: -1e12, hi: 1e12, nonzero: true}),
				base:   entryBase("O.1.1.7/1", "in_numerator", "9", "in_denominator", "#")},
			{name: "misurazione (non applicabile)", path: refPlan + "/misurazioni/O.3.3.1/2" + period, user: "referente", file: "allegati", plainOK: true, baseOK: true,
				fields: []biField{biChoice("na", "1"), biText("motivo", 500, true), biChoice("valore", ""), biInt("versione", 0, 1<<31), biAny("azione"), biText("nota", 2000, false)},
				base:   entryBase("O.3.3.1/2", "na", "1", "motivo", "Dato non rilevato nel 2023")},
			{name: "misurazione (calcolo dal vivo)", path: refPlan + "/misurazioni/O.3.3.1/6" + period + "&calcola=1", user: "referente", file: "allegati",
				plainOK: true, baseOK: true, noWrite: true, emptyOK: true,
				fields: []biField{biAny("in_numerator"), biAny("in_denominator"), biAny("na"), biAny("motivo"), biAny("versione")},
				base:   func() url.Values { return biVals("in_numerator", "9", "in_denominator", "10") }},
		},
		pl + "/misurazioni/{code}/{n}/stato": {{name: "approvazione", path: refPlan + "/misurazioni/O.1.1.4/1/stato" + period, user: "segretario", baseOK: true,
			fields: []biField{biChoice("azione", "approva", "restituisci"), biExact("versione"), biText("motivo", 500, true), biAny("ritorno")},
			base: func() url.Values {
				s.ensureSubmitted("O.1.1.4/1") // before reading its version
				v, _ := s.entry("O.1.1.4/1")
				return biVals("azione", "restituisci", "versione", strconv.Itoa(v), "motivo", "Allegare il verbale firmato")
			},
			show: []string{refPlan + "/misurazioni/O.1.1.4/1" + period}}},
		pl + "/misurazioni/approvazioni": {{name: "approvazione in blocco", path: refPlan + "/misurazioni/approvazioni" + period, user: "segretario", baseOK: true,
			fields: []biField{biChoice("azione", "approva", "restituisci"), biExact("voce"), biExact("versione-O.1.1.4/1"), biText("commento", 500, true),
				biAny("conferma")},
			base: func() url.Values {
				s.ensureSubmitted("O.1.1.4/1") // before reading its version
				v, _ := s.entry("O.1.1.4/1")
				return biVals("azione", "restituisci", "voce", "O.1.1.4/1", "versione-O.1.1.4/1", strconv.Itoa(v),
					"commento", "Allegare il verbale firmato", "conferma", "1")
			},
			show: []string{refPlan + "/misurazioni/O.1.1.4/1" + period}}}, // the comment is shown with the entry
		pl + "/periodi/{periodo}": {{name: "chiusura periodo", path: refPlan + "/periodi/2025-final", user: "segretario", baseOK: true,
			fields: []biField{biChoice("azione", "chiudi", "riapri"), biText("motivo", 500, true), biExact("versione")},
			base: func() url.Values {
				s.ensureClosed(2025, "final") // before reading the version the form carries
				return biVals("azione", "riapri", "motivo", "Correzione dei dati", "versione", s.periodVersion(2025, "final"))
			},
			show: []string{refPlan + "/registro"}}},
		pl + "/periodi/{periodo}/scadenza": {{name: "scadenza", path: refPlan + "/periodi/2024-midyear/scadenza", user: "admin", baseOK: true,
			fields: []biField{biDate("scadenza", true), biExact("versione")},
			base: func() url.Values {
				return biVals("scadenza", strconv.Itoa(s.next()%28+1)+"/07/2024", "versione", s.periodVersion(2024, "midyear"))
			}}},
		pl + "/oiv/verifica": {{name: "verifica catena", path: refPlan + "/oiv/verifica", user: "oiv", emptyOK: true, noWrite: true, baseOK: true, base: biNoFields}},
		pl + "/oiv/osservazioni": {{name: "osservazione", path: refPlan + "/oiv/osservazioni", user: "oiv", baseOK: true,
			fields: []biField{biInt("anno", 2023, 2025), biChoice("oggetto", "O.3.3.1", "O.3.3.1|O.3.3.1/1"), biText("osservazione", 4000, true)},
			base: func() url.Values {
				return biVals("anno", "2023", "oggetto", "O.3.3.1|O.3.3.1/1", "osservazione", "Il dato va documentato")
			}}},
		pl + "/oiv/validazione": {{name: "validazione", path: refPlan + "/oiv/validazione", user: "oiv", file: "documento", baseOK: true,
			baseFiles: []biFile{{"validazione.pdf", pdf}},
			fields: []biField{biInt("anno", 2023, 2025), biChoice("esito", model.Validated, model.ValidatedWithReserve, model.NotValidated), biDate("data", true),
				biText("atto", 200, false), biText("motivazione", 4000, false), biText("motivo-correzione", 4000, true), biExact("visto-2023")},
			base: func() url.Values {
				return biVals("anno", "2023", "esito", model.Validated, "data", "15/03/2024", "atto", "Verbale n. 7",
					"motivo-correzione", "Correzione del verbale", "visto-2023", s.validationStamp(2023))
			},
			uploads: biUploads(t, "documento", pdf, true),
			before:  func() { s.closedOn(2023, "2024-02-01") }}}, // a validation needs the final period closed before its date
		pl + "/oiv/validazione/revoca": {{name: "revoca validazione", path: refPlan + "/oiv/validazione/revoca", user: "oiv", baseOK: true,
			fields: []biField{biInt("anno", 2023, 2025), biText("motivo-revoca", 4000, true), biExact("visto-2023")},
			base: func() url.Values {
				s.ensureValidated(2023) // there is always a validation to withdraw
				return biVals("anno", "2023", "motivo-revoca", "Dati da ricontrollare", "visto-2023", s.validationStamp(2023))
			}}},

		ed + "/avvia": {{name: "apertura revisione", path: refPlan + "/modifica/avvia", user: "admin", baseOK: true,
			fields: []biField{biText("etichetta", 200, true), biDate("vigore", true), biDate("adozione", false), biText("atto", 200, false), biText("motivo", 2000, true)},
			base: func() url.Values {
				return biVals("etichetta", "Revisione di prova", "vigore", "01/07/2024", "motivo", "Aggiornamento dei target")
			},
			before: s.discardDraft, after: s.ensureDraft}},
		ed + "/nuovo-ciclo": {{name: "nuovo ciclo", path: refPlan + "/modifica/nuovo-ciclo", user: "admin", baseOK: true,
			fields: []biField{biKey("slug", biSlug), biText("titolo", 200, true), biInt("inizio", 2024, 2026), biInt("fine", 2024, 2035)},
			base: func() url.Values {
				return biVals("slug", "ciclo-"+strconv.Itoa(s.next()), "titolo", "PIAO di prova", "inizio", "2024", "fine", "2026")
			}}},
		pl + "/regole": {{name: "regole", path: refPlan + "/regole", user: "admin", baseOK: true,
			fields: []biField{biNumber("tetto", 100, 1000), biNumber("soglia", 0, 99.99), biChoice("regola-lte", scoring.LTERatio, scoring.LTELinear),
				biChoice("regola-obiettivo", scoring.WeightedMean, scoring.AllTargetsMet), biNumber("raggiunto", 0.01, 1000), biNumber("parziale", 0.01, 1000),
				biNumber("risultati", 0, 100), biNumber("comportamenti", 0, 100),
				{name: "fasce", kind: kindText, max: 1000, required: true, shown: true, extra: []biValue{{"band-script", "90 " + biScript + "; 0 Non adeguato"}, {"band-nul", "90 Ecc\x00ellente; 0 Non adeguato"}}},
				biInt("dal", 2023, 2025), biText("motivo", 2000, false), biExact("versione")},
			base: func() url.Values {
				return biVals("dal", "2024", "motivo", "Nuovo SMVP", "tetto", rules.Cap, "soglia", rules.Min, "regola-lte", rules.LTE, "regola-obiettivo", rules.Objective, "raggiunto", rules.Full,
					"parziale", rules.Partial, "risultati", rules.Results, "comportamenti", rules.Behaviour, "fasce", rules.Bands, "versione", s.rulesVersion())
			}}},
		ed + "/importa": {{name: "importazione foglio", path: refPlan + "/modifica/importa", user: "admin", file: "foglio", baseOK: true,
			baseFiles: []biFile{{"piano.xlsx", xlsx}}, fields: []biField{biExact("versione")}, base: edBase(),
			uploads: biUploads(t, "foglio", xlsx, false)}},
		ed + "/leggi-piao": {{name: "lettura PIAO pubblicato", path: refPlan + "/modifica/leggi-piao", user: "admin", file: "piao", baseOK: true,
			baseFiles: []biFile{{"piao.txt", publishedPIAO(t)}}, fields: []biField{biExact("versione")}, base: edBase(),
			uploads: biUploads(t, "piao", publishedPIAO(t), false)}},
		ed + "/leggi-piao/{id}": {{name: "revisione del PIAO letto", path: review, user: "admin", baseOK: true,
			fields: reviewFields(), base: reviewBase}},
		ed + "/leggi-piao/{id}/bozza": {{name: "bozza dal PIAO letto", path: review + "/bozza", user: "admin", destructive: true,
			fields: append(reviewFields(), biExact("versione")), base: reviewBase,
			before: reviewBefore, after: reviewAfter, show: []string{refPlan + "/modifica/obiettivi/1.1", refPlan + "/modifica/obiettivi/1.1/indicatori/1"}}},
		ed + "/leggi-piao/{id}/annulla": {{name: "annullamento della lettura", path: review + "/annulla", user: "admin", baseOK: true,
			fields: []biField{biExact("versione-lettura")}, base: reviewBase, before: reviewBefore}},
		ed + "/adotta": {{name: "adozione", path: refPlan + "/modifica/adotta", user: "admin", destructive: true,
			fields: []biField{biExact("versione")}, base: edBase()}},
		ed + "/scarta": {{name: "scarto bozza", path: refPlan + "/modifica/scarta", user: "admin", baseOK: true,
			fields: []biField{biExact("versione")}, base: func() url.Values { return biVals("versione", s.draftVersion(), "passo", "conferma", "conferma", "1") }, after: s.ensureDraft}},
		ed + "/obiettivi/{code}": {
			{name: "obiettivo", path: editObjective, user: "admin", baseOK: true, fields: append(objFields(biChoice("codice", "O.3.3.1")), biExact("versione")),
				base: func() url.Values { v := objForm(*o331); v.Set("versione", s.draftVersion()); return v }},
			{name: "nuovo obiettivo", path: refPlan + "/modifica/obiettivi/nuovo", user: "admin", baseOK: true,
				fields: append(objFields(biKey("codice", biCode)), biExact("versione")),
				base: func() url.Values {
					return biVals("codice", "NX."+strconv.Itoa(s.next()), "tipo", plan.KindTransversal, "titolo", "Obiettivo di prova", "versione", s.draftVersion())
				}},
		},
		ed + "/obiettivi/{code}/indicatori/{n}": {
			{name: "indicatore", path: editIndicator, user: "admin", baseOK: true,
				fields: []biField{biText("nome", 500, true), biText("algoritmo", 1000, false), biText("fonte", 300, false), biChoice("unita-misura", units...),
					biChoice("polarita", polarities...), biChoice("formula", string(plan.FormulaRatio)), biField{name: "scala", kind: kindNumber, lo: 1e-9, hi: 1e12},
					biNumber("peso", 1e-9, 1000), biText("nota", 2000, false), biAny("cumulativo"), biText("dato-0", 300, true), biText("dato-1", 300, true),
					biChoice("op-2024", ops...), biNumber("val-2024", -1e12, 1e12), biField{name: "b-anno-" + lastBaseline, kind: kindInt, lo: 1990, hi: 2100},
					biNumber("b-val-"+lastBaseline, -1e12, 1e12), biText("b-testo-"+lastBaseline, 300, false), biExact("versione")},
				base: func() url.Values { v := indForm(ind6); v.Set("versione", s.draftVersion()); return v }},
			{name: "nuovo indicatore", path: editObjective + "/indicatori/nuovo", user: "admin", baseOK: true,
				fields: []biField{biText("nome", 500, true), biChoice("formula", formulas...), biNumber("peso", 1e-9, 1000), biChoice("op-2025", ops...),
					biNumber("val-2025", -1e12, 1e12), biExact("versione")},
				base: func() url.Values {
					return biVals("nome", "Indicatore di prova", "unita-misura", plan.UnitCount, "polarita", plan.PolarityHigher, "formula", string(plan.FormulaDirect),
						"op-2025", plan.OpGTE, "val-2025", "10", "versione", s.draftVersion())
				}},
		},
		ed + "/ambiti/{n}": {
			{name: "ambito", path: refPlan + "/modifica/ambiti/1", user: "admin", baseOK: true, fields: []biField{biText("titolo", 300, true), biExact("versione")},
				base: func() url.Values { return biVals("titolo", doc.Areas[0].Title, "versione", s.draftVersion()) },
				show: []string{refPlan + "/modifica/ambiti/1"}},
			{name: "nuovo ambito", path: refPlan + "/modifica/ambiti/nuovo", user: "admin", baseOK: true,
				fields: []biField{biInt("numero", 1, 99), biText("titolo", 300, true), biExact("versione")},
				base: func() url.Values {
					return biVals("numero", strconv.Itoa(50+s.next()%40), "titolo", "Ambito di prova", "versione", s.draftVersion())
				}},
		},
		ed + "/individuali/{role}": {{name: "obiettivo individuale", path: refPlan + "/modifica/individuali/sg", user: "admin", baseOK: true,
			fields: []biField{biText("codice", 40, true), biText("titolo", 500, true), biChoice("obiettivo", objCodes...), biNumber("peso", 1e-9, 1000), biExact("versione")},
			base: func() url.Values {
				return biVals("codice", "IX."+strconv.Itoa(s.next()), "titolo", "Obiettivo individuale di prova", "obiettivo", "O.3.3.1", "versione", s.draftVersion())
			}}},
		ed + "/organizzazione": {
			{name: "unità organizzativa", path: refPlan + "/modifica/organizzazione", user: "admin", baseOK: true,
				fields: []biField{biChoice("azione", "unita"), biKey("unita-chiave", biSlug), biText("unita-nome", 200, true), biAnyUnit("unita-padre"), biExact("versione")},
				base: func() url.Values {
					return biVals("azione", "unita", "unita-chiave", "unita-"+strconv.Itoa(s.next()), "unita-nome", "Ufficio di prova", "versione", s.draftVersion())
				}},
			{name: "ruolo dirigenziale", path: refPlan + "/modifica/organizzazione", user: "admin", baseOK: true,
				fields: []biField{biChoice("azione", "ruolo"), biKey("ruolo-chiave", biSlug), biText("ruolo-titolo", 200, true), biAnyUnit("ruolo-unita"),
					biAny("ruolo-rpct"), biExact("versione")},
				base: func() url.Values {
					return biVals("azione", "ruolo", "ruolo-chiave", "ruolo-"+strconv.Itoa(s.next()), "ruolo-titolo", "Dirigente di prova", "versione", s.draftVersion())
				}},
		},
		ed + "/obiettivi/{code}/elimina": {{name: "eliminazione obiettivo", path: editObjective + "/elimina", user: "admin", destructive: true,
			fields: []biField{biExact("versione")}, base: edBase()}},
		ed + "/obiettivi/{code}/indicatori/{n}/elimina": {{name: "eliminazione indicatore", path: editObjective + "/indicatori/1/elimina", user: "admin", destructive: true,
			fields: []biField{biExact("versione")}, base: edBase()}},
		ed + "/ambiti/{n}/elimina": {{name: "eliminazione ambito", path: refPlan + "/modifica/ambiti/1/elimina", user: "admin", destructive: true,
			fields: []biField{biExact("versione")}, base: edBase()}},
		ed + "/individuali/{role}/elimina": {{name: "eliminazione obiettivo individuale", path: refPlan + "/modifica/individuali/sg/elimina", user: "admin", destructive: true,
			// codes the sweep added to sg's objectives (hostile but valid text) may be removed too
			fields: []biField{biExact("versione"), {name: "codice", kind: kindText, max: 40, required: true}}, base: edBase("codice", sgIndividual)}},

		"POST /amministrazione/enti": {{name: "nuovo ente", path: "/amministrazione/enti", user: "superadmin", baseOK: true,
			fields: []biField{biKey("slug", biSlug), biText("nome", 200, true), {name: "breve", kind: kindText, max: 100}},
			base:   func() url.Values { return biVals("slug", "ente-"+strconv.Itoa(s.next()), "nome", "Ente di prova") }}},
		"POST /amministrazione/{ente}/utenti": {{name: "nuovo utente", path: "/amministrazione/cciaa-gran-sasso/utenti", user: "admin", baseOK: true,
			fields: []biField{biKey("username", biUsername), biText("nome", 200, true),
				{name: "email", kind: kindKey, re: regexp.MustCompile(`^[^ <>]*@[^ <>]*$`)}, biChoice("profilo", string(auth.Lettore), string(auth.OIV), string(auth.Segretario), string(auth.Admin)),
				biChoice("posizione", "")},
			base: func() url.Values {
				return biVals("username", "utente-"+strconv.Itoa(s.next()), "nome", "Utente di prova", "profilo", string(auth.Lettore))
			}}},
		"POST /amministrazione/{ente}/utenti/{username}/stato": {{name: "stato utente", path: "/amministrazione/cciaa-gran-sasso/utenti/bersaglio/stato", user: "admin",
			baseOK: true, fields: []biField{biAny("attivo"), biExact("versione")},
			base: func() url.Values { return biVals("attivo", "1", "versione", s.userVersion("bersaglio")) }}},
		"POST /amministrazione/{ente}/utenti/{username}/sblocca": {{name: "sblocco utente", path: "/amministrazione/cciaa-gran-sasso/utenti/bersaglio/sblocca",
			user: "admin", emptyOK: true, baseOK: true, base: biNoFields}},
		"POST /amministrazione/{ente}/testi-legali": {{name: "testi legali", path: "/amministrazione/cciaa-gran-sasso/testi-legali", user: "admin", baseOK: true,
			fields: []biField{biChoice("conformita", "", "conforme", "parziale", "non-conforme"), biChoice("metodo", "", "autovalutazione", "terzi"),
				biDate("redazione", false), biDate("riesame", false), biText("recapito", 300, false),
				{name: "modulo-agid", kind: kindKey, re: regexp.MustCompile(`^(https://[^ <>]+)?$`)},
				biText("non-accessibili", 8000, false), biText("privacy", 8000, false), biText("note-legali", 8000, false), biExact("versione")},
			base: func() url.Values {
				return biVals("conformita", "parziale", "privacy", "Informativa di prova", "versione", s.legalVersion())
			},
			show: []string{"/enti/cciaa-gran-sasso/privacy", "/enti/cciaa-gran-sasso/accessibilita", "/enti/cciaa-gran-sasso/note-legali"}}},
		// the Relazione draft: created first, sent last (then every write is a 409)
		"POST /enti/{ente}/piani/{plan}/relazione/{year}/bozza": {{name: "bozza della relazione", path: refPlan + "/relazione/2023/bozza",
			user: "segretario", emptyOK: true, baseOK: true, base: biNoFields}},
		"POST /enti/{ente}/piani/{plan}/relazione/{year}/bozza/sezioni/{section}": {{name: "sezione della relazione",
			path: refPlan + "/relazione/2023/bozza/sezioni/sintesi", user: "segretario", baseOK: true,
			fields: []biField{biText("testo", 20000, true), biChoice("azione", "", "salva", "ripristina"), biExact("versione")},
			base: func() url.Values {
				s.ensureRelazioneDraft()
				return biVals("testo", "Testo di prova "+strconv.Itoa(s.next()), "azione", "salva", "versione", s.relazioneDraftVersion())
			},
			show: []string{refPlan + "/relazione/2023/bozza"}}},
		"POST /enti/{ente}/piani/{plan}/relazione/{year}/bozza/sezioni/{section}/rigenera": {{name: "rigenera la sezione",
			path: refPlan + "/relazione/2023/bozza/sezioni/sintesi/rigenera", user: "segretario", baseOK: true,
			fields: []biField{biExact("versione"), biExact("impronta")},
			base: func() url.Values {
				s.ensureRelazioneDraft()
				return biVals("versione", s.relazioneDraftVersion(), "impronta", s.relazioneFingerprint("sintesi"))
			}}},
		"POST /enti/{ente}/piani/{plan}/relazione/{year}/bozza/invia": {{name: "invio della relazione all'OIV",
			path: refPlan + "/relazione/2023/bozza/invia", user: "segretario", baseOK: true,
			fields: []biField{biExact("versione")},
			base: func() url.Values {
				s.ensureRelazioneDraft()
				return biVals("versione", s.relazioneDraftVersion())
			}}},
		"POST /amministrazione/{ente}/notifiche/{id}/riprova": {{name: "riprova notifica", path: "/amministrazione/cciaa-gran-sasso/notifiche/999999/riprova",
			user: "admin", base: biNoFields}},
		"POST /area-riservata/notifiche": {{name: "notifiche facoltative", path: "/area-riservata/notifiche", user: "lettore", emptyOK: true, baseOK: true,
			fields: []biField{biChoice("facoltative", "1", "")}, base: func() url.Values { return biVals("facoltative", "1") }}},
		"POST /amministrazione/{ente}/piani": {{name: "nuovo piano", path: "/amministrazione/cciaa-gran-sasso/piani", user: "admin", baseOK: true,
			fields: []biField{biKey("slug", biSlug), biText("titolo", 200, true), biInt("inizio", 2000, 2100), biInt("fine", 2000, 2109)},
			base: func() url.Values {
				return biVals("slug", "piano-"+strconv.Itoa(s.next()), "titolo", "Piano di prova", "inizio", "2026", "fine", "2028")
			}}},
	}
}

func biNoFields() url.Values { return url.Values{} }

// biAnyUnit is a unit of the draft: the sweep itself adds units with keys such as "abc" or "42".
func biAnyUnit(name string) biField { return biField{name: name, kind: kindKey, re: biSlug} }

func biObjective(d *plan.Document, code string) *plan.Objective {
	for i := range d.Objectives {
		if d.Objectives[i].Code == code {
			return &d.Objectives[i]
		}
	}
	return nil
}

// template is the draft as the editor's spreadsheet: a valid file to import.
func (s *biSweep) template() []byte {
	res, err := s.client("admin").Get(s.base + refPlan + "/modifica/modello.xlsx")
	if err != nil {
		s.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK || len(b) == 0 {
		s.t.Fatalf("template: %d", res.StatusCode)
	}
	return b
}

// publishedPIAO is the reference document's text, as an administrator
// would upload it to read it into the draft.
func publishedPIAO(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile("../../docs/reference/piao-2023-2025-cciaa-gran-sasso.txt")
	if err != nil {
		t.Fatal(err)
	}
	return b
}
