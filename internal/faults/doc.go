// Package faults holds fault tests: the real piao binary runs against its own
// private PostgreSQL cluster while the tests stop the database, send SIGTERM
// in the middle of a save or make a write fail inside a transaction, and check
// that users get an Italian answer and that nothing is ever half-written.
// The package has no code of its own; see the _test.go files.
package faults
