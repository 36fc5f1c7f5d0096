package server

import (
	"bytes"
	"errors"
	"net/http"
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
}

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
// 304. Signed-in readers, who may see more, always get a fresh build.
func (s *Server) cachedPublic(h handler) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		if (r.Method != http.MethodGet && r.Method != http.MethodHead) || auth.FromContext(r.Context()) != nil {
			return h(w, r)
		}
		v, err := s.store.PublicVersion(r.Context(), param(r, "ente"), param(r, "plan"))
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
		hdr.Set("ETag", etag)
		hdr.Set("Last-Modified", v.ChangedAt.UTC().Format(http.TimeFormat))
		hdr.Set("Cache-Control", "public, no-cache")
		if notModified(r, etag, v.ChangedAt) {
			if e != nil && e.recent != nil {
				s.rememberObjective(w, r, *e.recent)
			}
			w.WriteHeader(http.StatusNotModified)
			return nil
		}
		if e != nil {
			for k, vv := range e.header {
				hdr[k] = vv
			}
			if e.recent != nil {
				s.rememberObjective(w, r, *e.recent)
			}
			hdr.Set("Content-Length", strconv.Itoa(len(e.body)))
			w.WriteHeader(http.StatusOK)
			if r.Method != http.MethodHead {
				_, _ = w.Write(e.body)
			}
			return nil
		}
		cw := &publicCapture{ResponseWriter: w, status: http.StatusOK}
		if err := h(cw, r); err != nil {
			if !cw.wrote {
				dropValidators(hdr)
			}
			return err
		}
		if cw.status == http.StatusOK && r.Method == http.MethodGet {
			kept := http.Header{}
			for _, k := range publicHeaders {
				if vv := hdr.Values(k); len(vv) > 0 {
					kept[http.CanonicalHeaderKey(k)] = append([]string(nil), vv...)
				}
			}
			s.public.put(key, &publicEntry{etag: etag, header: kept, body: bytes.Clone(cw.buf.Bytes()), recent: cw.recent})
		}
		return nil
	}
}

// publicETag names a public version: the plan's id too, so a plan replaced
// under the same slugs (import --replace) never matches an older file.
func publicETag(v model.PublicVersion) string {
	return `"p` + strconv.FormatInt(v.PlanID, 10) + "-" + strconv.FormatInt(v.Version, 10) + `"`
}

func dropValidators(h http.Header) {
	h.Del("ETag")
	h.Del("Last-Modified")
	h.Del("Cache-Control")
}

// notModified applies RFC 9110's conditional GET: If-None-Match when
// present, otherwise If-Modified-Since at one-second resolution.
func notModified(r *http.Request, etag string, changed time.Time) bool {
	if inm := r.Header.Get("If-None-Match"); inm != "" {
		for _, t := range strings.Split(inm, ",") {
			t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
			if t == etag || t == "*" {
				return true
			}
		}
		return false
	}
	ims, err := http.ParseTime(r.Header.Get("If-Modified-Since"))
	return err == nil && !changed.Truncate(time.Second).After(ims)
}

// publicCapture passes a response through and keeps a copy of its body.
type publicCapture struct {
	http.ResponseWriter
	status int
	wrote  bool
	buf    bytes.Buffer
	recent *RecentObjective
}

func (c *publicCapture) WriteHeader(status int) {
	if !c.wrote {
		c.wrote, c.status = true, status
		if status != http.StatusOK {
			dropValidators(c.Header())
		}
	}
	c.ResponseWriter.WriteHeader(status)
}

func (c *publicCapture) Write(b []byte) (int, error) {
	if !c.wrote {
		c.WriteHeader(http.StatusOK)
	}
	if c.buf.Len()+len(b) <= publicEntryMax {
		c.buf.Write(b)
	} else {
		c.status = 0 // too large to keep
	}
	return c.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection (write deadlines).
func (c *publicCapture) Unwrap() http.ResponseWriter { return c.ResponseWriter }
