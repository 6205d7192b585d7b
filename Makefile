# The two commands of the README, and a third for the release site.
#   make serve   install what is missing, build the site, then serve it at http://127.0.0.1:8080/
#   make test    install what is missing, then run every check and test
#   make dist    build the release site into dist/ (PUBLIC_URL=/sub/path/ to host it there)

SHELL := /bin/bash
export PATH := $(HOME)/.cargo/bin:$(CURDIR)/node_modules/.bin:$(PATH)
PORT ?= 8080
# Relative by default, so dist/ works from any path on any static host.
PUBLIC_URL ?= ./

.PHONY: serve dev test dist setup-serve setup-test setup-dev lint test-native test-browser test-e2e frame-times bench

serve: dist
	node scripts/serve.mjs $(PORT)

# For working on the tour with live rebuilds (the sandbox and pipelines pages are not built).
# The only command that needs Trunk; it installs it the first time.
dev: setup-dev
	trunk serve --port $(PORT)

# A full run builds every target once, so incremental caches (about 1 GB) would only fill the
# disk; `cargo test` on its own keeps them for quick rebuilds while working.
test: export CARGO_INCREMENTAL := 0
test: setup-test lint test-native test-browser test-e2e
	@echo "All checks and tests passed."

dist: setup-serve
	scripts/build-site.sh "$(PUBLIC_URL)"

setup-serve:
	@scripts/setup.sh serve

setup-test:
	@scripts/setup.sh test

setup-dev:
	@scripts/setup.sh dev

lint:
	cargo fmt --check
	cargo clippy --all-targets -- -D warnings
	# Release builds lack debug_assertions (the engine's invariant checks): lint them too.
	cargo clippy --release --lib --bins -- -D warnings
	cargo clippy --target wasm32-unknown-unknown --all-targets -- -D warnings

test-native:
	cargo test

# wasm-bindgen-test in headless Chromium (the runner is set in .cargo/config.toml). The runner
# gives the whole binary 20 s by default; comparing 211 runs' traces with the native build's
# (tests/same_everywhere.rs) takes a few minutes of a debug build on a 2-core machine.
test-browser:
	CHROMEDRIVER=$$(command -v chromedriver) WASM_BINDGEN_TEST_TIMEOUT=900 \
		cargo test --target wasm32-unknown-unknown --test browser

# Playwright drives the release build; screenshots land in target/screenshots/.
test-e2e: dist
	node --test tests/e2e/

# The frame-time benchmark (BENCHMARKS.md): not a test, so `make test` does not run it. Without
# targets it runs issue 12's matrix (both presets at 1x and 10x, the pipelines page, at
# 1280x720 and 1920x1080).
frame-times: dist
	node scripts/frame-times.mjs 8

# Native and wasm throughput and frame times in one run, printed as ratios (BENCHMARKS.md).
bench: setup-test dist
	node scripts/bench.mjs
