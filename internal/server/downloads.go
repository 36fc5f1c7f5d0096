package server

import (
	"net/http"
	"net/url"
	"strings"
)

// attachmentHeader is a Content-Disposition that always downloads, with an
// ASCII fallback name and the exact UTF-8 name in filename* (RFC 6266, RFC
// 5987). name has been through evidence.SafeName or is built by the server.
func attachmentHeader(name string) string {
	ascii := []rune(name)
	for i, r := range ascii {
		if r < 0x20 || r > 0x7e || r == '"' || r == '\\' || r == '%' || r == ';' {
			ascii[i] = '_'
		}
	}
	return `attachment; filename="` + string(ascii) + `"; filename*=UTF-8''` + strings.ReplaceAll(url.PathEscape(name), "'", "%27")
}

// abortDownload ends a response whose body has started: the headers are gone,
// so no error page can follow; aborting the connection tells the client that
// the file is incomplete instead of handing it a truncated one.
func (s *Server) abortDownload(r *http.Request, err error) {
	s.log.ErrorContext(r.Context(), "download interrupted", "path", r.URL.Path, "err", err)
	panic(http.ErrAbortHandler)
}
