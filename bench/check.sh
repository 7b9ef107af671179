#!/usr/bin/env bash
# `exemplar check` against `exemplar build` on the shared corpus, same run.
#   bash bench/check.sh [PAGES] [RUNS]      defaults: 10000 pages, 5 runs
# Prints the median wall time, CPU time and peak RSS of each.
set -euo pipefail
cd "$(dirname "$0")/.."
PAGES=${1:-10000}
RUNS=${2:-5}
cargo build --release --quiet
BIN=$PWD/target/release/exemplar
DIR=bench/out/corpus-exemplar-$PAGES
if [ ! -f "$DIR/.complete" ]; then
  rm -rf "$DIR"
  python3 ../shared/bench/gen_corpus.py --pages "$PAGES" --flavor exemplar --out "$DIR" >/dev/null
  touch "$DIR/.complete"
fi
measure() { # LABEL CMD...
  local label=$1; shift
  local walls=() cpus=() rsss=()
  "$@" >/dev/null 2>&1 || true # warm-up
  for _ in $(seq "$RUNS"); do
    local f; f=$(mktemp)
    /usr/bin/time -f "%e %U %S %M" -o "$f" "$@" >/dev/null 2>&1 || true
    read -r wall user sys rss <"$f"; rm -f "$f"
    walls+=("$wall"); cpus+=("$(echo "$user + $sys" | bc)"); rsss+=("$rss")
  done
  median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
  printf '%-18s wall %6.2f s   cpu %6.2f s   peak RSS %5.0f MiB   (median of %d)\n' "$label" \
    "$(median "${walls[@]}")" "$(median "${cpus[@]}")" "$(echo "$(median "${rsss[@]}") / 1024" | bc -l)" "$RUNS"
}
echo "corpus: $PAGES pages, $(nproc) cores"
measure "exemplar check" "$BIN" check --root "$DIR"
measure "exemplar build" "$BIN" build --root "$DIR"
"$BIN" check --root "$DIR" | tail -1
