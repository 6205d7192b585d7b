#!/usr/bin/env bash
# Installs whatever is missing to serve (default), test or develop the playground, and nothing
# else. Idempotent: each tool is checked by its version first, so a second run takes seconds.
# Each install prints what it does, how long it usually takes here (a 2-core machine), and how
# long it took.
#
#   scripts/setup.sh serve   wasm32 target, wasm-bindgen-cli, wasm-opt (npm binaryen)
#   scripts/setup.sh test    the above, plus Chromium, ChromeDriver and playwright-core
#   scripts/setup.sh dev     the serve tools, plus Trunk (for `make dev`'s live rebuilds)
#
# Only package registries are used (crates.io, npm, Debian apt): nothing is downloaded from
# GitHub or elsewhere. Each version below is pinned for a reason given beside it.
set -euo pipefail

mode="${1:-serve}"
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"

TRUNK_VERSION="0.22.1"
# The CLI must equal the library that Cargo.lock resolved, or wasm-bindgen refuses to run.
WASM_BINDGEN_VERSION="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/"/, "", $3); print $3 }' Cargo.lock)"

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

# Runs one step, then says how long it took: `step "what (about N minutes)" command...`.
step() {
  local what="$1" started=$SECONDS
  shift
  say "$what"
  "$@"
  say "done in $((SECONDS - started)) s: ${what%% (*}"
}

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "error: '$*' needs root and sudo is not installed" >&2; exit 1; fi
}

if ! command -v cargo >/dev/null; then
  echo "error: Rust is not installed. Install it with rustup (https://rustup.rs), then run this again." >&2
  exit 1
fi

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  step "adding the wasm32-unknown-unknown target (a download of about 20 MB)" rustup target add wasm32-unknown-unknown
fi
for component in rustfmt clippy; do
  if ! rustup component list --installed | grep -q "^$component"; then
    say "adding $component"
    rustup component add "$component"
  fi
done

if ! wasm-bindgen --version 2>/dev/null | grep -qx "wasm-bindgen $WASM_BINDGEN_VERSION"; then
  # --locked fails for this version: its lockfile pins a crate the registry no longer serves.
  step "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 4 minutes, once)" \
    cargo install wasm-bindgen-cli --version "=$WASM_BINDGEN_VERSION"
fi

# Trunk only serves `make dev`'s live rebuilds; `make serve`, `make dist` and `make test` build
# with cargo, wasm-bindgen and wasm-opt alone (scripts/build-site.sh).
if [ "$mode" = "dev" ] && ! trunk --version 2>/dev/null | grep -qx "trunk $TRUNK_VERSION"; then
  # Trunk 0.22 declares a newer rustc than this machine's 1.95 but builds and works on it.
  # Without LTO and with more codegen units the install is about a quarter faster.
  step "installing trunk $TRUNK_VERSION (about 8 minutes, once)" \
    env CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
    cargo install trunk --version "=$TRUNK_VERSION" --locked --ignore-rust-version
fi

if ! command -v npm >/dev/null; then
  say "installing Node.js and npm from Debian"
  as_root apt-get update
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends nodejs npm
fi

# binaryen's wasm-opt (for release builds) and playwright-core (for end-to-end tests).
if [ ! -x node_modules/.bin/wasm-opt ] || [ ! -d node_modules/playwright-core ] \
   || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  step "installing npm packages from package-lock.json (about 30 seconds)" npm ci --no-audit --no-fund
fi

if [ "$mode" = "test" ]; then
  if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
    step "updating Debian's package lists" as_root apt-get update
    step "installing Chromium and ChromeDriver from Debian (about 2 minutes)" \
      as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium chromium-driver
  fi
  # Korean glyphs for headless Chromium's screenshots (a desktop browser has its own fonts);
  # without them every Korean word is drawn as empty boxes.
  if ! fc-list :lang=ko 2>/dev/null | grep -q .; then
    step "updating Debian's package lists" as_root apt-get update
    step "installing Noto CJK fonts from Debian (about a minute)" \
      as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends fonts-noto-cjk
  fi
fi
