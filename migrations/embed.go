// Package migrations embeds the golang-migrate SQL files so the binary carries its schema.
package migrations

import "embed"

// FS holds the *.up.sql and *.down.sql files, applied in version order.
//
//go:embed *.sql
var FS embed.FS
