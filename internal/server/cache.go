package server

import (
	"net/http"

	"github.com/piao-performance/piao/internal/auth"
)

// noStoreSignedIn marks every response to a signed-in user as not to be kept
// by browsers or proxies: a page or file shown to one user must not be served
// from a cache to the next person at the same computer. It runs after
// authenticate; handlers that set their own Cache-Control still say no-store
// for private files. Anonymous visitors keep the cacheable public pages.
func noStoreSignedIn(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if auth.FromContext(r.Context()) != nil {
			w.Header().Set("Cache-Control", "no-store")
		}
		next.ServeHTTP(w, r)
	})
}

// privateDownload marks a file that only some users may fetch.
func privateDownload(w http.ResponseWriter) {
	w.Header().Set("Cache-Control", "private, no-store")
}
