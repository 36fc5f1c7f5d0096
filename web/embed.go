// Package web embeds the static assets: the vendored Bootstrap Italia (see
// vendor.sh and package.json for the pinned version) and the application's CSS.
package web

import "embed"

// Static holds everything under static/, served at /static/.
//
//go:embed static
var Static embed.FS
