#!/usr/bin/env bash
# Builds the release site into dist/: one page per view, each with its own wasm bundle, so a
# visitor downloads only the view they open (the tour, the sandbox or the pipelines); the
# scenario reader's worker, which the sandbox fetches only when a file is pasted; and the chart
# painter, which a page fetches the first time it paints a chart.
#
#   scripts/build-site.sh [PUBLIC_URL]      (default ./, which works from any path)
#
# KEEP_NAMES=1 keeps the functions' names in the wasm (`wasm-opt -g`), for profiles that name
# them (scripts/frame-profile.mjs --cpu); the bundles are then larger than the ones shipped.
#
# Cargo, wasm-bindgen and wasm-opt do the work; scripts/assemble-site.mjs writes the pages.
# Trunk is not needed here (only `make dev` uses it), which spares a newcomer's first
# `make serve` the eight minutes of compiling it.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"
public_url="${1:-./}"

bins=(kafka-playground kafka-playground-sandbox kafka-playground-pipelines kafka-playground-reader kafka-playground-painter)
# The peak second's worker runs 8 M events while a visitor waits, and is fetched only when its
# button is pressed: it is built for speed (the `release` profile, opt-level 3, and
# `wasm-opt -O3`), which makes it about a third faster in Chromium and 120 KB larger.
fast_bins=(kafka-playground-peak)
out=target/site/bindgen
rm -rf "$out"
mkdir -p "$out"

started=$SECONDS
printf '\033[1m==> %s\033[0m\n' "building the site's six wasm bundles (about 7 minutes the first time, seconds after)"
# One cargo invocation for every bundle, so the crate and its dependencies compile once.
cargo build --profile web-release --target wasm32-unknown-unknown $(printf -- '--bin %s ' "${bins[@]}")
cargo build --profile release --target wasm32-unknown-unknown $(printf -- '--bin %s ' "${fast_bins[@]}")

# bindgen_and_opt <bin> <cargo profile> <wasm-opt level>
bindgen_and_opt() {
  wasm-bindgen --target web --no-typescript --out-dir "$out" \
    "target/wasm32-unknown-unknown/$2/$1.wasm"
  # The features rustc 1.95 enables for wasm32 by default, so wasm-opt may keep using them.
  # `--low-memory-unused`: Rust's wasm puts its stack below 1 MiB growing down and its data
  # above, so the lowest kilobyte is never addressed and wasm-opt may fold offsets into
  # loads and stores (about 4 KB gzipped off the sandbox).
  wasm-opt "$3" ${KEEP_NAMES:+-g} --low-memory-unused --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-mutable-globals --enable-reference-types --enable-multivalue \
    "$out/${1}_bg.wasm" -o "$out/${1}_bg.wasm"
}
for bin in "${bins[@]}"; do bindgen_and_opt "$bin" web-release -Oz; done
for bin in "${fast_bins[@]}"; do bindgen_and_opt "$bin" release -O3; done

node scripts/assemble-site.mjs "$out" dist "$public_url"
printf '\033[1m==> %s\033[0m\n' "site built in dist/ in $((SECONDS - started)) s"

for wasm in dist/*.wasm; do
  printf 'wasm: %s bytes raw, %s bytes gzipped (%s)\n' \
    "$(wc -c < "$wasm")" "$(gzip -9c "$wasm" | wc -c)" "$wasm"
done
