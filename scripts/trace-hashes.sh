#!/usr/bin/env bash
# Prints a SHA-256 of `kplay run --trace` for every shipped scenario with seeds 1, 2 and 3, and
# of `kplay pipeline run` for every built-in pipeline and failure story. A refactor that claims
# "no behaviour change" must leave every line of this output as it was:
#
#   scripts/trace-hashes.sh > before.txt   # on the old commit
#   scripts/trace-hashes.sh | diff before.txt -
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --quiet --bin kplay
kplay="${CARGO_TARGET_DIR:-target}/debug/kplay"

# Prints the first 16 hex digits of the SHA-256 of what the command writes; fails with it.
digest() {
  local output
  output=$("$@")
  printf '%s' "$output" | sha256sum | cut -c1-16
}

for file in static/scenarios/*.toml; do
  for seed in 1 2 3; do
    echo "$(basename "$file") seed=$seed $(digest "$kplay" run --trace --seed "$seed" "$file")"
  done
done
# Every built-in pipeline and failure story, by the id `kplay pipeline list` prints first.
for name in $("$kplay" pipeline list | awk 'NF && $1 ~ /^[a-z0-9-]+$/ {print $1}'); do
  echo "pipeline $name $(digest "$kplay" pipeline run "$name" --seed 1)"
done
