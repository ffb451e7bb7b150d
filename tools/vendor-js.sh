#!/usr/bin/env bash
# Refreshes the JavaScript libraries the web UI embeds (crates/polis-web/assets/vendor):
# takes each pinned npm package with `npm pack` (the registry npm is configured for), copies
# its minified build and its licence, and writes SHA256SUMS. Building polis never runs this:
# the files are committed, and cargo embeds them. Change a version here, run the script,
# review the diff, commit.
set -euo pipefail
cd "$(dirname "$0")/.."
out=crates/polis-web/assets/vendor
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# package@version  file-in-package  name-in-vendor
packages=(
  "htmx.org@2.0.4        dist/htmx.min.js                 htmx.min.js"
  "d3-array@3.2.4        dist/d3-array.min.js             d3-array.min.js"
  "d3-geo@3.1.1          dist/d3-geo.min.js               d3-geo.min.js"
  "topojson-client@3.1.0 dist/topojson-client.min.js      topojson-client.min.js"
  "world-atlas@2.0.2     countries-110m.json              countries-110m.json"
  "cytoscape@3.31.0      dist/cytoscape.min.js            cytoscape.min.js"
  "axe-core@4.10.2       axe.min.js                       axe.min.js"
)

mkdir -p "$out/licenses"
for line in "${packages[@]}"; do
  read -r spec file name <<<"$line"
  package=${spec%@*}
  (cd "$work" && npm pack --silent "$spec" >/dev/null)
  tarball=$(ls "$work"/*.tgz)
  mkdir -p "$work/x"
  tar xzf "$tarball" -C "$work/x"
  cp "$work/x/package/$file" "$out/$name"
  cp "$work/x/package/LICENSE" "$out/licenses/$package.LICENSE"
  echo "$spec" >>"$work/versions"
  rm -rf "$work/x" "$tarball"
done
# Swagger UI for /api/docs (polis-http's routes/docs.rs): only the browser bundle, its
# stylesheet, and the licences and notice it ships with, into vendor/swagger-ui.
swagger=swagger-ui-dist@5.35.0
(cd "$work" && npm pack --silent "$swagger" >/dev/null)
mkdir -p "$work/x" "$out/swagger-ui"
tar xzf "$work"/*.tgz -C "$work/x"
for file in swagger-ui-bundle.js swagger-ui.css LICENSE NOTICE swagger-ui-bundle.js.LICENSE.txt; do
  cp "$work/x/package/$file" "$out/swagger-ui/$file"
done
# The source map is not vendored: drop the comment that would make browsers ask for it.
sed -i '/^\/\/# sourceMappingURL=/d' "$out/swagger-ui/swagger-ui-bundle.js"
sed -i 's#/\*\# sourceMappingURL=[^*]*\*/##' "$out/swagger-ui/swagger-ui.css"
echo "$swagger" >>"$work/versions"
rm -rf "$work/x" "$work"/*.tgz

sort "$work/versions" >"$out/VERSIONS"
(cd "$out" && sha256sum ./*.js ./*.json licenses/* swagger-ui/* VERSIONS | sed 's# \./# #' >SHA256SUMS)
echo "vendored into $out:"
cat "$out/VERSIONS"
