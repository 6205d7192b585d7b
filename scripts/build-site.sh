#!/usr/bin/env bash
# Builds the release site into dist/: one page per view, each with its own wasm bundle, so a
# visitor downloads only the view they open (the tour, the sandbox or the pipelines).
#
#   scripts/build-site.sh [PUBLIC_URL]      (default ./, which works from any path)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"
public_url="${1:-./}"

rm -rf dist
mkdir -p dist
for page in index sandbox pipelines; do
  out="target/site/$page"
  # Trunk empties its output folder and always names the page index.html, so each page is
  # built apart and then moved into dist/ under its own name.
  trunk build --release --dist "$out" --public-url "$public_url" "$page.html"
  for file in "$out"/*; do
    name="$(basename "$file")"
    if [ "$name" = index.html ]; then cp "$file" "dist/$page.html"; else cp "$file" dist/; fi
  done
done

for wasm in dist/*.wasm; do
  printf 'wasm: %s bytes raw, %s bytes gzipped (%s)\n' \
    "$(wc -c < "$wasm")" "$(gzip -9c "$wasm" | wc -c)" "$wasm"
done
