#!/usr/bin/env bash
# Build-speed benchmark on the shared synthetic corpus (not a test).
#
#   bash bench/build.sh [PAGES] [RUNS]      defaults: 10000 pages, 5 runs
#
# Generates ../shared/bench/gen_corpus.py --flavor exemplar (cached under
# bench/out/), builds exemplar in release mode and times `exemplar build` on
# the corpus RUNS times in two situations:
#   rebuild  - public/ from the previous build is there, nothing changed
#   rebuild, 1 edit - the same after one page's body was edited (the
#              everyday case)
#   fresh    - no public/ and no recycled staging folder (the body cache
#              in .exemplar-cache/ stays)
#   cold     - no public/ and no .exemplar-cache/ either
# and prints the median wall time, CPU time (user+sys) and peak RSS of each.
# If `hugo` is on PATH, it times Hugo on the same corpus (hugo flavor) in the
# same run and prints the ratio.
set -euo pipefail
cd "$(dirname "$0")/.."
PAGES=${1:-10000}
RUNS=${2:-5}
SHARED=${SHARED:-../shared}
OUT=bench/out
mkdir -p "$OUT"

# EXEMPLAR_BIN times another build of exemplar (e.g. an older commit's,
# for a same-session comparison), EX_DIR gives it its own corpus copy (its
# caches then stay its own), NO_HUGO=1 leaves Hugo out.
if [ -z "${EXEMPLAR_BIN:-}" ]; then cargo build --release --quiet; fi
BIN=${EXEMPLAR_BIN:-$PWD/target/release/exemplar}

corpus() { # flavor → dir
  local dir="$OUT/corpus-$1-$PAGES"
  if [ ! -f "$dir/.complete" ]; then
    rm -rf "$dir"
    python3 "$SHARED/bench/gen_corpus.py" --pages "$PAGES" --flavor "$1" --out "$dir" >/dev/null
    touch "$dir/.complete"
  fi
  echo "$dir"
}

# time_runs LABEL PREP CMD... → prints "LABEL wall cpu rss" medians
time_runs() {
  local label=$1 prep=$2; shift 2
  local walls=() cpus=() rsss=()
  for _ in $(seq "$RUNS"); do
    eval "$prep"
    local f; f=$(mktemp)
    /usr/bin/time -f "%e %U %S %M" -o "$f" "$@" >/dev/null 2>&1
    read -r wall user sys rss <"$f"; rm -f "$f"
    walls+=("$wall"); cpus+=("$(echo "$user + $sys" | bc)"); rsss+=("$rss")
  done
  median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
  printf '%-22s wall %6.2f s   cpu %6.2f s   peak RSS %6.0f MiB   (median of %d)\n' \
    "$label" "$(median "${walls[@]}")" "$(median "${cpus[@]}")" "$(echo "$(median "${rsss[@]}") / 1024" | bc -l)" "$RUNS"
  LAST_WALL=$(median "${walls[@]}")
}

# Fresh builds are timed twice. "moved": the old output is moved aside, as
# on a new checkout. "rm": it is deleted just before, as `rm -rf public`
# does. On ext4 without a journal (this machine) the kernel will not reuse
# an inode freed in the last minute and searches past each one for every
# new file (`recently_deleted` in perf), which is then most of a fresh
# build's time, for Hugo as for exemplar. Moved runs come first, and a
# minute passes before the other tool's, so no run pays for another's rm.
TRASH="$OUT/trash"
mkdir -p "$TRASH"
aside() { # dir... → moved into $TRASH
  for d in "$@"; do if [ -e "$d" ]; then mv "$d" "$TRASH/$(basename "$d")-$RANDOM$RANDOM"; fi; done
}

EX=${EX_DIR:-$(corpus exemplar)}
echo "corpus: $PAGES pages ($(du -sh "$EX/content" | cut -f1) of Markdown), $(nproc) cores"
"$BIN" build --root "$EX" >/dev/null 2>&1 # warm the page cache and the output
time_runs "exemplar rebuild" ":" "$BIN" build --root "$EX"
EX_WALL=$LAST_WALL
# The everyday case: one page's body edited, then a build.
EDITED="$EX/content/deeds/deed-00042.md"
cp "$EDITED" "$OUT/edited.orig"
time_runs "exemplar rebuild, 1 edit" "echo '编辑：新增的一段文字。' >> '$EDITED'" "$BIN" build --root "$EX"
cp "$OUT/edited.orig" "$EDITED"; rm -f "$OUT/edited.orig"
"$BIN" build --root "$EX" >/dev/null 2>&1
time_runs "exemplar fresh (moved)" "aside '$EX/public' '$EX/.public.prev' '$EX/.public.staging'; sync" "$BIN" build --root "$EX"
EX_MOVED=$LAST_WALL
# As on a new checkout with no cache either: every body rendered again.
time_runs "exemplar cold (moved)" "aside '$EX/public' '$EX/.public.prev' '$EX/.public.staging' '$EX/.exemplar-cache'; sync" "$BIN" build --root "$EX"
EX_COLD=$LAST_WALL
time_runs "exemplar fresh (rm)" "rm -rf '$EX/public' '$EX/.public.prev' '$EX/.public.staging'; sync" "$BIN" build --root "$EX"
EX_FRESH=$LAST_WALL
echo "files written: $(find "$EX/public" -type f | wc -l)"

if [ -z "${NO_HUGO:-}" ] && command -v hugo >/dev/null 2>&1; then
  sleep 61
  HU=$(corpus hugo)
  HV=$(hugo version | grep -o 'v[0-9.]*' | head -1)
  hugo --quiet -s "$HU" -d "$PWD/$OUT/hugo-public" >/dev/null 2>&1 || true
  time_runs "hugo $HV rebuild" ":" hugo --quiet -s "$HU" -d "$PWD/$OUT/hugo-public"
  echo "hugo / exemplar, rebuild wall: $(echo "scale=1; $LAST_WALL / $EX_WALL" | bc)x"
  time_runs "hugo $HV fresh (moved)" "aside '$OUT/hugo-public'; sync" hugo --quiet -s "$HU" -d "$PWD/$OUT/hugo-public"
  echo "hugo / exemplar, fresh (moved) wall: $(echo "scale=1; $LAST_WALL / $EX_MOVED" | bc)x"
  echo "hugo / exemplar, cold (moved) wall: $(echo "scale=1; $LAST_WALL / $EX_COLD" | bc)x"
  time_runs "hugo $HV fresh (rm)" "rm -rf '$OUT/hugo-public'; sync" hugo --quiet -s "$HU" -d "$PWD/$OUT/hugo-public"
  echo "hugo / exemplar, fresh (rm) wall: $(echo "scale=1; $LAST_WALL / $EX_FRESH" | bc)x"
fi
rm -rf "$TRASH"
