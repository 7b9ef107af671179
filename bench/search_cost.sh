#!/usr/bin/env bash
# What the search index adds to a build (issue 12: at most 15% at 10k pages).
#
#   bash bench/search_cost.sh [PAGES] [ROUNDS]
#
# One binary builds two copies of the synthetic corpus, one of them with
# `search: false` in site.yaml (no index, no search page, no box), taking
# turns round by round (the disk here drifts; taking turns shares it):
#   rebuild  - nothing changed
#   1 edit   - one page's body edited since the last build
#   fresh    - output removed, caches kept
#   cold     - output and .exemplar-cache removed
# and the medians of each are printed with the ratio on/off. Outputs are
# removed before a run, not moved aside: on tmpfs the moved-aside trees
# slowed every later build (over five cold rounds, with 2.6 GB of them
# kept, a cold build's system time grew from 0.2 s to 1.1 s without the
# index and 0.6 s to 1.6 s with it), which until 2026-12-02 inflated the
# cold and fresh figures, the index's most.
set -euo pipefail
cd "$(dirname "$0")/.."
PAGES=${1:-10000} ROUNDS=${2:-5}
cargo build --release --quiet
BIN=$PWD/target/release/exemplar
OUT=${OUT:-bench/out}  # /dev/shm/… takes the disk out of the figures
. bench/on_off.sh
on_off_copies cost
declare -A T C
run() { # off|on mode → seconds
  local v=$1 mode=$2 d="$OUT/cost-$1-$PAGES"
  case $mode in
    edit) echo "编辑：新增的一段文字。" >>"$d/content/deeds/deed-00042.md" ;;
    fresh) rm -rf "$d/public" "$d/.public.prev" "$d/.public.staging"; sync ;;
    cold) rm -rf "$d/public" "$d/.public.prev" "$d/.public.staging" "$d/.exemplar-cache"; sync ;;
  esac
  /usr/bin/time -f "%e %U %S" -o /tmp/search_cost.t "$BIN" build -q --root "$d" >/dev/null 2>&1
  read -r wall user sys </tmp/search_cost.t
  T[$v-$mode]+="$wall "
  C[$v-$mode]+="$(echo "$user + $sys" | bc -l) "
}
for v in off on; do "$BIN" build -q --root "$OUT/cost-$v-$PAGES" >/dev/null 2>&1; done
for _ in $(seq "$ROUNDS"); do
  for mode in rebuild edit fresh cold; do
    run off $mode; run on $mode
    # Each round ends as it began: a complete cache and output.
    [ $mode = cold ] && { run off rebuild >/dev/null; run on rebuild >/dev/null; } || true
  done
done
median() { printf '%s\n' $1 | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
echo "$PAGES pages, $ROUNDS rounds, $(nproc) cores (medians; wall seconds, then CPU seconds: user + sys)"
pct() { echo "($2 / $1 - 1) * 100" | bc -l; }
for mode in rebuild edit fresh cold; do
  o=$(median "${T[off-$mode]}") n=$(median "${T[on-$mode]}")
  co=$(median "${C[off-$mode]}") cn=$(median "${C[on-$mode]}")
  printf '%-8s without search %5.2f   with search %5.2f   %+4.0f%%    CPU %5.2f  %5.2f  %+4.0f%%\n' \
    "$mode" "$o" "$n" "$(pct "$o" "$n")" "$co" "$cn" "$(pct "$co" "$cn")"
done
