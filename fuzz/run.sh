#!/usr/bin/env bash
# Fuzz the header + Markdown path with libFuzzer (cargo-fuzz, on stable with
# --sanitizer none): header split, YAML guard and parser, header checks,
# Markdown with link resolution, sanitising and diagnostics.
#   bash fuzz/run.sh [SECONDS]      default 600; CI runs a short smoke run
# Seeds the corpus with the sample site and every fixture page; a crash or
# a run over 512 MiB stops it and leaves the input in fuzz/artifacts/page/.
set -euo pipefail
cd "$(dirname "$0")/.."
SECS=${1:-600}
command -v cargo-fuzz >/dev/null 2>&1 || cargo install cargo-fuzz --locked --quiet
mkdir -p fuzz/corpus/page
find content tests/fixtures -name '*.md' | while read -r f; do
  cp "$f" "fuzz/corpus/page/seed_$(echo "$f" | tr '/' '_')"
done
cargo fuzz run page --sanitizer none -- \
  -max_total_time="$SECS" -rss_limit_mb=512 -malloc_limit_mb=512 \
  -max_len=131072 -timeout=10 -print_final_stats=1
