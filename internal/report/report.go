// Package report holds documents made of titled tables and writes them as
// PDF, XLSX and CSV. Builders (the Relazione sulla performance, the audit
// export) fill a Document from the same data the pages show; the writers know
// nothing of plans or scores, so every format carries the same numbers.
package report
