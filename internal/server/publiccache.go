package server

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/piao-performance/piao/internal/auth"
	"github.com/piao-performance/piao/internal/model"
	"github.com/piao-performance/piao/internal/store"
)

// publicCache keeps the bytes of public pages and open-data files as they
// were built for anonymous readers, by URL, each with the plan's public
// version (store.PublicVersion) it was built from. The version is read on
// every request, one primary-key lookup, so an entry serves only while
// nothing public of the plan changed: a write on any replica is seen at once.
// Memory is bounded by publicCacheBytes.
type publicCache struct {
	mu    sync.Mutex
	m     map[string]*publicEntry
	bytes int
}

type publicEntry struct {
	etag   string
	header http.Header // the representation's own headers (publicHeaders)
	body   []byte
	recent *RecentObjective // the objective page puts it in the visitor's recent list

	gz lazyGzip // body compressed, when a client asked for it and it is worth it
}

// gzipMin is the smallest body worth compressing: below it the gzip header
// and the client's work outweigh the bytes saved.
const gzipMin = 1024

// gzipped returns the body compressed with gzip, or nil when it is not
// worth it (lazyGzip): a 1.1 MiB open-data JSON becomes about a twentieth.
func (e *publicEntry) gzipped() []byte {
	return e.gz.get(func() []byte { return e.body }, e.header.Get("Content-Type"))
}

// lazyGzip is a body compressed at the first request that accepts gzip, once,
// so a file nobody asks compressed costs nothing.
type lazyGzip struct {
	once sync.Once
	gz   []byte
}

// get returns body() compressed, or nil when it is not worth it: small, not
// text, or barely smaller.
func (z *lazyGzip) get(body func() []byte, contentType string) []byte {
	z.once.Do(func() {
		if !compressible(contentType) {
			return
		}
		b := body()
		if len(b) < gzipMin {
			return
		}
		var out bytes.Buffer
		zw, err := gzip.NewWriterLevel(&out, gzip.DefaultCompression)
		if err != nil {
			return
		}
		if _, err := zw.Write(b); err != nil {
			return
		}
		if err := zw.Close(); err != nil {
			return
		}
		if out.Len() < len(b)*9/10 {
			z.gz = out.Bytes()
		}
	})
	return z.gz
}

func compressible(contentType string) bool {
	mt, _, _ := strings.Cut(contentType, ";")
	mt = strings.TrimSpace(strings.ToLower(mt))
	return strings.HasPrefix(mt, "text/") || mt == "application/json" || strings.HasSuffix(mt, "+json") ||
		mt == "application/xml" || mt == "image/svg+xml"
}

// acceptsGzip reads an Accept-Encoding header (RFC 9110 §12.5.3): gzip (or
// x-gzip) with a non-zero weight, or "*" when gzip is not named.
func acceptsGzip(header string) bool {
	star := false
	for _, part := range strings.Split(header, ",") {
		coding, params, _ := strings.Cut(part, ";")
		coding = strings.ToLower(strings.TrimSpace(coding))
		q := 1.0
		for _, p := range strings.Split(params, ";") {
			if k, v, ok := strings.Cut(strings.TrimSpace(p), "="); ok && strings.EqualFold(strings.TrimSpace(k), "q") {
				x, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
				if err != nil || x < 0 || x > 1 {
					x = 0
				}
				q = x
			}
		}
		switch coding {
		case "gzip", "x-gzip":
			return q > 0
		case "*":
			star = q > 0
		}
	}
	return star
}

// gzipETag is the ETag of the compressed twin of the file tagged etag.
func gzipETag(etag string) string { return strings.TrimSuffix(etag, `"`) + `-gz"` }

const (
	publicCacheBytes = 64 << 20 // all entries together
	publicEntryMax   = 8 << 20  // a larger response is served but not kept
)

// publicHeaders are the headers a handler sets on its representation; they
// are kept with the body. Everything else (request id, security headers) is
// set per request by the middleware.
var publicHeaders = []string{"Content-Type", "Content-Disposition", "X-Piao-Demo-Data", "Access-Control-Allow-Origin"}

func (c *publicCache) get(key, etag string) *publicEntry {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e := c.m[key]; e != nil && e.etag == etag {
		return e
	}
	return nil
}

func (c *publicCache) put(key string, e *publicEntry) {
	size := len(e.body) + len(key)
	if size > publicEntryMax {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[string]*publicEntry{}
	}
	if old := c.m[key]; old != nil {
		c.bytes -= len(old.body) + len(key)
		delete(c.m, key)
	}
	for k, old := range c.m { // map order: an arbitrary entry goes first
		if c.bytes+size <= publicCacheBytes {
			break
		}
		c.bytes -= len(old.body) + len(k)
		delete(c.m, k)
	}
	c.m[key] = e
	c.bytes += size
}

// cachedPublic serves h's response to anonymous GET and HEAD requests from
// the public cache, built once per public version of the plan named by the
// route's {ente} and {plan}. Responses carry an ETag and Last-Modified from
// that version and "Cache-Control: public, no-cache" (any cache may keep the
// file but must revalidate, so it is never stale after an approval, a period
// close or a revision); a conditional request for the current version gets
// 304. A client that accepts gzip gets the file compressed, once per version
// (publicEntry.gzipped), under an ETag of its own. Signed-in readers, who may
// see more, always get a fresh build.
func (s *Server) cachedPublic(h handler) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		if (r.Method != http.MethodGet && r.Method != http.MethodHead) || auth.FromContext(r.Context()) != nil {
			return h(w, r)
		}
		v, err := s.publicVersion(r.Context(), param(r, "ente"), param(r, "plan"))
		if errors.Is(err, store.ErrNotFound) {
			return h(w, r) // the handler answers with its own 404
		}
		if err != nil {
			return err
		}
		etag := publicETag(v)
		key := r.URL.Path + "?" + r.URL.RawQuery
		e := s.public.get(key, etag)
		hdr := w.Header()
		hdr.Set("Last-Modified", v.ChangedAt.UTC().Format(http.TimeFormat))
		hdr.Set("Cache-Control", "public, no-cache")
		hdr.Add("Vary", "Accept-Encoding")
		gz := acceptsGzip(r.Header.Get("Accept-Encoding"))
		// Either encoding the client holds is of the current version.
		if tag, ok := notModified(r, []string{etag, gzipETag(etag)}, v.ChangedAt); ok {
			if tag == "" { // If-Modified-Since: the tag of what this client is sent
				tag = etag
				if e != nil && gz && e.gzipped() != nil {
					tag = gzipETag(etag)
				}
			}
			hdr.Set("ETag", tag)
			if e != nil && e.recent != nil {
				s.rememberObjective(w, r, *e.recent)
			}
			w.WriteHeader(http.StatusNotModified)
			return nil
		}
		if e == nil {
			cw := &publicCapture{ResponseWriter: w, etag: etag, status: http.StatusOK}
			if err := h(cw, r); err != nil {
				if !cw.passed { // nothing was sent: the error page has none of the file's headers
					dropFileHeaders(hdr)
					for _, k := range publicHeaders {
						hdr.Del(k)
					}
				}
				return err
			}
			if cw.passed || cw.status != http.StatusOK || r.Method != http.MethodGet {
				cw.flush()
				return nil
			}
			if hdr.Get("Content-Type") == "" { // as net/http would sniff it, before any compression
				hdr.Set("Content-Type", http.DetectContentType(cw.buf.Bytes()))
			}
			kept := http.Header{}
			for _, k := range publicHeaders {
				if vv := hdr.Values(k); len(vv) > 0 {
					kept[http.CanonicalHeaderKey(k)] = append([]string(nil), vv...)
				}
			}
			e = &publicEntry{etag: etag, header: kept, body: bytes.Clone(cw.buf.Bytes()), recent: cw.recent}
			s.public.put(key, e)
		} else {
			for k, vv := range e.header {
				hdr[k] = vv
			}
			if e.recent != nil {
				s.rememberObjective(w, r, *e.recent)
			}
		}
		body := e.body
		if gz {
			if b := e.gzipped(); b != nil {
				body, etag = b, gzipETag(etag)
				hdr.Set("Content-Encoding", "gzip")
			}
		}
		hdr.Set("ETag", etag)
		hdr.Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(http.StatusOK)
		if r.Method != http.MethodHead {
			_, _ = w.Write(body)
		}
		return nil
	}
}

// publicVersion is store.PublicVersion, read once for all the requests
// that arrive while another read of it is in flight (versionBatch).
func (s *Server) publicVersion(ctx context.Context, ente, slug string) (model.PublicVersion, error) {
	return s.versions.get(ctx, ente+"/"+slug, func(ctx context.Context) (model.PublicVersion, error) {
		return s.store.PublicVersion(ctx, ente, slug)
	})
}

// publicETag names a public version: the plan's id too, so a plan replaced
// under the same slugs (import --replace) never matches an older file.
func publicETag(v model.PublicVersion) string {
	return `"p` + strconv.FormatInt(v.PlanID, 10) + "-" + strconv.FormatInt(v.Version, 10) + `"`
}

// dropFileHeaders removes what cachedPublic sets for a file of the current
// version, from a response that is not that file (an error, a redirect).
func dropFileHeaders(h http.Header) {
	h.Del("ETag")
	h.Del("Last-Modified")
	h.Del("Cache-Control")
	h.Del("Vary")
}

// notModified applies RFC 9110's conditional GET: If-None-Match when
// present (it names which of etags matched), otherwise If-Modified-Since at
// one-second resolution (tag "").
func notModified(r *http.Request, etags []string, changed time.Time) (tag string, ok bool) {
	if inm := r.Header.Get("If-None-Match"); inm != "" {
		for _, t := range strings.Split(inm, ",") {
			t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
			if t == "*" {
				return etags[0], true
			}
			if slices.Contains(etags, t) {
				return t, true
			}
		}
		return "", false
	}
	ims, err := http.ParseTime(r.Header.Get("If-Modified-Since"))
	return "", err == nil && !changed.Truncate(time.Second).After(ims)
}

// publicCapture keeps a response to put it in the cache before it is sent.
// A response larger than publicEntryMax is not kept: from then on it passes
// through.
type publicCapture struct {
	http.ResponseWriter
	etag   string // the validator of a 200 sent as it is
	status int
	wrote  bool // the handler set the status or wrote
	passed bool // what was kept was sent and the rest passes through
	buf    bytes.Buffer
	recent *RecentObjective
}

func (c *publicCapture) WriteHeader(status int) {
	if !c.wrote {
		c.wrote, c.status = true, status
	}
}

func (c *publicCapture) Write(b []byte) (int, error) {
	c.wrote = true
	if c.passed {
		return c.ResponseWriter.Write(b)
	}
	if c.buf.Len()+len(b) <= publicEntryMax {
		return c.buf.Write(b)
	}
	c.flush()
	return c.ResponseWriter.Write(b)
}

// flush sends what was kept, as it is: a 200 with the capture's etag, any
// other status without validators.
func (c *publicCapture) flush() {
	if c.passed {
		return
	}
	c.passed = true
	hdr := c.Header()
	if c.status == http.StatusOK {
		hdr.Set("ETag", c.etag)
	} else {
		dropFileHeaders(hdr)
	}
	c.ResponseWriter.WriteHeader(c.status)
	_, _ = c.buf.WriteTo(c.ResponseWriter)
}

// Unwrap lets http.ResponseController reach the connection (write deadlines).
func (c *publicCapture) Unwrap() http.ResponseWriter { return c.ResponseWriter }
