#!/usr/bin/env bash
# Copies the pinned front-end packages from node_modules into web/static/vendor,
# where go:embed picks them up. Run through `make vendor` after changing package.json;
# the copied files are committed, so building the binary never needs npm or a CDN.
set -euo pipefail
cd "$(dirname "$0")"
npm ci --no-audit --no-fund --ignore-scripts
bi=node_modules/bootstrap-italia/dist
out=static/vendor/bootstrap-italia
rm -rf "$out"
mkdir -p "$out/css" "$out/svg" "$out/fonts"
cp "$bi/css/bootstrap-italia.min.css" "$out/css/"
cp "$bi/svg/sprites.svg" "$out/svg/"
for family in Titillium_Web Roboto_Mono Lora; do
  mkdir -p "$out/fonts/$family"
  cp "$bi/fonts/$family"/*.woff2 "$out/fonts/$family/"
  cp "$bi/fonts/$family"/*.txt "$out/fonts/$family/"
done
cp node_modules/bootstrap-italia/LICENSE "$out/LICENSE" 2>/dev/null || true
# htmx: only the minified build; pages configure it with includeIndicatorStyles and allowEval off (CSP).
hx=static/vendor/htmx
rm -rf "$hx" && mkdir -p "$hx"
cp node_modules/htmx.org/dist/htmx.min.js "$hx/"
cp node_modules/htmx.org/LICENSE "$hx/LICENSE"
echo "htmx.org $(node -p "require('./node_modules/htmx.org/package.json').version")" > "$hx/VERSION"
echo "bootstrap-italia $(node -p "require('./node_modules/bootstrap-italia/package.json').version")" > "$out/VERSION"
# axe-core: accessibility checks injected by the browser tests; not embedded in the binary.
axe=../internal/server/testdata/axe
rm -rf "$axe" && mkdir -p "$axe"
cp node_modules/axe-core/axe.min.js "$axe/"
cp node_modules/axe-core/LICENSE "$axe/LICENSE"
echo "axe-core $(node -p "require('./node_modules/axe-core/package.json').version")" > "$axe/VERSION"
# DejaVu fonts: embedded by internal/report for PDF output (full Unicode coverage: ≥ ≤ − € à…).
dv=../internal/report/fonts
rm -rf "$dv" && mkdir -p "$dv"
cp node_modules/dejavu-fonts-ttf/ttf/DejaVuSans.ttf node_modules/dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf "$dv/"
cp node_modules/dejavu-fonts-ttf/ttf/DejaVuSansCondensed.ttf node_modules/dejavu-fonts-ttf/ttf/DejaVuSansCondensed-Bold.ttf "$dv/"
cp node_modules/dejavu-fonts-ttf/LICENSE "$dv/LICENSE"
echo "dejavu-fonts-ttf $(node -p "require('./node_modules/dejavu-fonts-ttf/package.json').version")" > "$dv/VERSION"
