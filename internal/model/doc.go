// Package model holds the read-model types that the store returns and the
// views render: plan headers and trees, periods, entries and their statuses,
// validations, worklists, users. It does no I/O and imports no database
// driver, so the view layer links none (templates/deps_test.go checks it).
package model
