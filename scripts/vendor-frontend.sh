#!/usr/bin/env bash
# Vendor Qyzmet's front-end assets from the npm registry.
#
# In a temporary directory, installs the pinned packages below, then:
#   - compiles static/src/qyzmet.scss -> static/css/qyzmet.css (compressed, no source map)
#   - copies GOV.UK Frontend's ES-module bundle -> static/vendor/govuk-frontend/ (+ LICENSE)
#   - copies axe-core -> tests/browser/vendor/ (+ licences)
#   - renders static/images/favicon.svg -> favicon-32.png and apple-touch-icon.png
#   - writes static/vendor/VERSIONS
# Nothing from GOV.UK Frontend's assets/ (crown, crest, logo, GDS Transport fonts) is copied.
#
# The outputs are committed: `make test` and `make run` never need npm. Run this
# only to change static/src/qyzmet.scss or the favicon, or to upgrade a pin.
# Running it twice gives byte-identical files. Needs node >= 20 and npm.
#
# Usage: scripts/vendor-frontend.sh        (from anywhere)
# Docs:  docs/frontend-assets.md
set -euo pipefail

# --- Pins ------------------------------------------------------------------
# GOV.UK Frontend must match the version that govuk-frontend-jinja renders
# (govuk-frontend-jinja 4.1.0 <-> GOV.UK Frontend 6.3.0). Bump both together.
GOVUK_FRONTEND_VERSION=6.3.0
SASS_VERSION=1.108.2
AXE_CORE_VERSION=4.14.1
SHARP_VERSION=0.34.5 # only renders the favicon PNGs

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/qyzmet-vendor.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'vendor-frontend: %s\n' "$*" >&2; exit 1; }

command -v node >/dev/null || die "node is required"
command -v npm >/dev/null || die "npm is required"

# --- Install into the temporary directory ------------------------------------
log "Installing govuk-frontend@$GOVUK_FRONTEND_VERSION sass@$SASS_VERSION axe-core@$AXE_CORE_VERSION sharp@$SHARP_VERSION in $WORK"
printf '{ "name": "qyzmet-vendor", "version": "0.0.0", "private": true }\n' >"$WORK/package.json"
(
  cd "$WORK"
  npm install --no-save --ignore-scripts --no-audit --no-fund --loglevel=error \
    "govuk-frontend@$GOVUK_FRONTEND_VERSION" \
    "sass@$SASS_VERSION" \
    "axe-core@$AXE_CORE_VERSION" \
    "sharp@$SHARP_VERSION"
)
NM="$WORK/node_modules"

installed_version() { node -p "require('$NM/$1/package.json').version"; }
for pin in "govuk-frontend:$GOVUK_FRONTEND_VERSION" "sass:$SASS_VERSION" \
  "axe-core:$AXE_CORE_VERSION" "sharp:$SHARP_VERSION"; do
  name=${pin%%:*} want=${pin#*:}
  got=$(installed_version "$name")
  [[ "$got" == "$want" ]] || die "$name: wanted $want, npm installed $got"
done

GOVUK="$NM/govuk-frontend/dist/govuk"

# --- CSS ---------------------------------------------------------------------
log "Compiling static/src/qyzmet.scss"
mkdir -p "$ROOT/static/css"
"$NM/.bin/sass" --no-source-map --style=compressed --no-error-css \
  --load-path="$NM" \
  "$ROOT/static/src/qyzmet.scss" "$WORK/qyzmet.css"
printf '\n' >>"$WORK/qyzmet.css"

# Guards: no font files, no GDS Transport, no url() outside /static/ (or data:).
if grep -qiE '\.(woff2?|ttf|otf|eot)\b|GDS Transport' "$WORK/qyzmet.css"; then
  die "qyzmet.css references a font file or GDS Transport"
fi
bad_urls=$(grep -oE 'url\([^)]*\)' "$WORK/qyzmet.css" |
  grep -vE '^url\(["'"'"']?(/static/|data:)' || true)
[[ -z "$bad_urls" ]] || die "qyzmet.css has url()s outside /static/: $bad_urls"
cp "$WORK/qyzmet.css" "$ROOT/static/css/qyzmet.css"

# --- GOV.UK Frontend JavaScript ------------------------------------------------
log "Copying GOV.UK Frontend's ES-module bundle"
DEST="$ROOT/static/vendor/govuk-frontend"
mkdir -p "$DEST"
# The source map is not vendored, so drop the comment that points at it.
sed -e 's|//# sourceMappingURL=govuk-frontend\.min\.js\.map$||' \
  "$GOVUK/govuk-frontend.min.js" >"$DEST/govuk-frontend.min.js"
grep -q 'sourceMappingURL' "$DEST/govuk-frontend.min.js" && die "sourceMappingURL left in the bundle"
grep -q "const version=\"$GOVUK_FRONTEND_VERSION\"" "$DEST/govuk-frontend.min.js" ||
  die "govuk-frontend.min.js does not declare version $GOVUK_FRONTEND_VERSION"
# The npm package ships no licence file; this is the repository's LICENSE.txt.
cat >"$DEST/LICENSE.txt" <<'EOF'
The MIT License (MIT)

Copyright (C) 2017 Crown Copyright (Government Digital Service)

Permission is hereby granted, free of charge, to any person obtaining a copy of
this software and associated documentation files (the "Software"), to deal in
the Software without restriction, including without limitation the rights to
use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies
of the Software, and to permit persons to whom the Software is furnished to do
so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
EOF

# --- axe-core (browser tests only; never served) -------------------------------
log "Copying axe-core"
AXE_DEST="$ROOT/tests/browser/vendor"
mkdir -p "$AXE_DEST"
cp "$NM/axe-core/axe.min.js" "$AXE_DEST/axe.min.js"
cp "$NM/axe-core/LICENSE" "$AXE_DEST/axe-core.LICENSE"
cp "$NM/axe-core/LICENSE-3RD-PARTY.txt" "$AXE_DEST/axe-core.LICENSE-3RD-PARTY.txt"

# --- Favicons --------------------------------------------------------------------
log "Rendering favicons from static/images/favicon.svg"
(
  cd "$WORK"
  node - "$ROOT/static/images" <<'EOF'
const path = require("path");
const sharp = require("sharp");
const dir = process.argv[2];
const svg = path.join(dir, "favicon.svg");
const brand = "#005f7f";
async function render(size, file, opts = {}) {
  // favicon.svg is 32x32 user units; render at the target size directly.
  let img = sharp(svg, { density: (72 * size) / 32 }).resize(size, size);
  // apple-touch-icon: iOS rounds the corners itself, so fill them
  if (opts.flatten) img = img.flatten({ background: brand });
  await img
    .png({ compressionLevel: 9, adaptiveFiltering: false, palette: false })
    .toFile(path.join(dir, file));
}
(async () => {
  await render(32, "favicon-32.png");
  await render(180, "apple-touch-icon.png", { flatten: true });
})().catch((e) => { console.error(e); process.exit(1); });
EOF
)

# --- VERSIONS ------------------------------------------------------------------------
log "Writing static/vendor/VERSIONS"
integrity() {
  node -p "require('$NM/.package-lock.json').packages['node_modules/$1'].integrity"
}
{
  echo "# Generated by scripts/vendor-frontend.sh - do not edit. See docs/frontend-assets.md."
  echo "# package        version   npm integrity"
  printf '%-16s %-9s %s\n' govuk-frontend "$GOVUK_FRONTEND_VERSION" "$(integrity govuk-frontend)"
  printf '%-16s %-9s %s\n' sass "$SASS_VERSION" "$(integrity sass)"
  printf '%-16s %-9s %s\n' axe-core "$AXE_CORE_VERSION" "$(integrity axe-core)"
  printf '%-16s %-9s %s\n' sharp "$SHARP_VERSION" "$(integrity sharp)"
  echo "# Python side: govuk-frontend-jinja 4.1.0 renders GOV.UK Frontend $GOVUK_FRONTEND_VERSION markup."
  echo "# sha256 of the generated files"
  (
    cd "$ROOT"
    sha256sum static/css/qyzmet.css \
      static/vendor/govuk-frontend/govuk-frontend.min.js \
      static/vendor/govuk-frontend/LICENSE.txt \
      static/images/favicon-32.png \
      static/images/apple-touch-icon.png \
      tests/browser/vendor/axe.min.js
  )
} >"$ROOT/static/vendor/VERSIONS"

# --- Sizes -------------------------------------------------------------------------
for f in static/css/qyzmet.css static/vendor/govuk-frontend/govuk-frontend.min.js static/js/qyzmet.js; do
  [[ -f "$ROOT/$f" ]] || continue
  printf '%-52s %7d bytes, %6d gzipped\n' "$f" \
    "$(wc -c <"$ROOT/$f")" "$(gzip -9c "$ROOT/$f" | wc -c)" >&2
done
log "Done. Review with: git status static tests/browser/vendor"
