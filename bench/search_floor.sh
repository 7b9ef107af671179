#!/usr/bin/env bash
# How low the search index's cost can go (issue 12, item 8): cold builds
# of the synthetic corpus with less and less of the index made.
#
#   bash bench/search_floor.sh [PAGES] [ROUNDS]
#
# bench/search_floor.patch is applied to this commit in a temporary git
# worktree and built on its own (target in $OUT/floor-target); it adds
# EXEMPLAR_FLOOR, which only that binary reads:
#   off   - search: false (no index, no search page, no box)
#   cut   - every body unpacked, cut and counted; nothing added or written
#   lean  - postings and shards written; no fragment text or files, no
#           pages.bin (an index without snippets or patches)
#   full  - the index as exemplar builds it
# Each round builds every variant cold (output and .exemplar-cache moved
# aside), taking turns; the medians and minima are printed with each
# variant's CPU and wall time against `off`. The disk here drifts: run it
# on tmpfs (OUT=/dev/shm/…) and with enough rounds.
set -euo pipefail
cd "$(dirname "$0")/.."
PAGES=${1:-10000} ROUNDS=${2:-9}
OUT=${OUT:-bench/out}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
TREE="$OUT/floor-tree"
git worktree remove --force "$TREE" 2>/dev/null || rm -rf "$TREE"
git worktree prune
git worktree add --quiet --detach "$TREE" HEAD
git -C "$TREE" apply "$PWD/bench/search_floor.patch" ||
  { echo "search_floor.patch does not apply to this commit: update it" >&2; exit 1; }
CARGO_TARGET_DIR="$OUT/floor-target" cargo build --release --quiet --manifest-path "$TREE/Cargo.toml"
git worktree remove --force "$TREE"
BIN="$OUT/floor-target/release/exemplar"
. bench/on_off.sh
on_off_copies floor
declare -A T C
for _ in $(seq "$ROUNDS"); do
  for v in off cut lean full; do
    d="$OUT/floor-on-$PAGES"; [ $v = off ] && d="$OUT/floor-off-$PAGES"
    rm -rf "$d/public" "$d/.public.prev" "$d/.public.staging" "$d/.exemplar-cache"; sync
    EXEMPLAR_FLOOR=$v /usr/bin/time -f "%e %U %S" -o "$OUT/floor.t" "$BIN" build -q --root "$d" >/dev/null 2>&1
    read -r wall user sys <"$OUT/floor.t"
    T[$v]+="$wall "
    C[$v]+="$(echo "$user + $sys" | bc -l) "
  done
done
stat() { printf '%s\n' $1 | sort -n | awk -v k="$2" '{a[NR]=$1} END {print (k == "min" ? a[1] : a[int((NR+1)/2)])}'; }
pct() { echo "($2 / $1 - 1) * 100" | bc -l; }
echo "$PAGES pages, $ROUNDS rounds, $(nproc) cores; cold builds (seconds; CPU is user + sys)"
for v in off cut lean full; do
  printf '%-5s CPU median %5.2f %+4.0f%%  min %5.2f %+4.0f%%   wall median %5.2f %+4.0f%%  min %5.2f %+4.0f%%\n' "$v" \
    "$(stat "${C[$v]}" med)" "$(pct "$(stat "${C[off]}" med)" "$(stat "${C[$v]}" med)")" \
    "$(stat "${C[$v]}" min)" "$(pct "$(stat "${C[off]}" min)" "$(stat "${C[$v]}" min)")" \
    "$(stat "${T[$v]}" med)" "$(pct "$(stat "${T[off]}" med)" "$(stat "${T[$v]}" med)")" \
    "$(stat "${T[$v]}" min)" "$(pct "$(stat "${T[off]}" min)" "$(stat "${T[$v]}" min)")"
done
