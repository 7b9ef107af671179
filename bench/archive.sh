#!/usr/bin/env bash
# Yearly-archive benchmark (not a test).
#
#   bash bench/archive.sh [PAGES] [RUNS]      defaults: 10000 pages, 3 runs
#
# On a copy of the sample site and on the shared synthetic corpus
# (../shared/bench/gen_corpus.py, cached under bench/out/), freezes the
# busiest year RUNS times (`exemplar archive <year>`, the archive removed
# between runs) and prints the median wall time, peak RSS, the archive's
# files and bytes; then times `archive verify`, `package --year` (zip) and
# `package --year --warc` once each.
set -euo pipefail
cd "$(dirname "$0")/.."
PAGES=${1:-10000}
RUNS=${2:-3}
SHARED=${SHARED:-../shared}
OUT=bench/out
mkdir -p "$OUT"
cargo build --release --quiet
BIN=$PWD/target/release/exemplar

corpus="$OUT/corpus-exemplar-$PAGES"
if [ ! -f "$corpus/.complete" ]; then
  rm -rf "$corpus"
  python3 "$SHARED/bench/gen_corpus.py" --pages "$PAGES" --flavor exemplar --out "$corpus" >/dev/null
  touch "$corpus/.complete"
fi
sample="$OUT/archive-sample"
rm -rf "$sample"; mkdir -p "$sample"
cp -r site.yaml content data static themes "$sample/"

# pages ROOT → every page in a column (not the home page's own pages)
pages() { find "$1/content" -mindepth 2 -name '*.md' ! -name '_index.md'; }
# busiest ROOT → the year with the most dated pages
busiest() {
  pages "$1" | xargs grep -hoE '^date: *"?[0-9]{4}' | grep -oE '[0-9]{4}' | sort | uniq -c | sort -rn | head -1 | awk '{print $2}'
}

# timed CMD... → "wall_s rss_mib"
timed() {
  local f; f=$(mktemp)
  /usr/bin/time -f '%e %M' -o "$f" "$@" >/dev/null 2>&1
  awk '{printf "%.2f %.0f\n", $1, $2/1024}' "$f"; rm -f "$f"
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

for root in "$sample" "$corpus"; do
  year=$(busiest "$root")
  pages=$(pages "$root" | xargs grep -lE "^date: *\"?$year" | wc -l)
  # A warm build first: the image and body caches are the site's everyday state.
  "$BIN" build --root "$root" -q >/dev/null 2>&1
  walls=(); rsss=()
  for _ in $(seq "$RUNS"); do
    rm -rf "$root/archive/$year"
    read -r w r < <(timed "$BIN" archive "$year" --root "$root" --quiet --date 2025-12-31)
    walls+=("$w"); rsss+=("$r")
  done
  files=$(find "$root/archive/$year" -type f | wc -l)
  bytes=$(find "$root/archive/$year" -type f -printf "%s\n" | awk "{s+=\$1} END {print s}")
  echo "$(basename "$root"): archive $year ($pages pages dated $year): median $(printf '%s\n' "${walls[@]}" | median) s, peak $(printf '%s\n' "${rsss[@]}" | median) MiB, $files files, $(awk -v b="$bytes" 'BEGIN{printf "%.1f", b/1e6}') MB"
  read -r w r < <(timed "$BIN" archive verify "$year" --root "$root")
  echo "  archive verify: $w s, $r MiB"
  read -r w r < <(timed "$BIN" package --year "$year" --root "$root" -o "$OUT/archive-$year.zip" --quiet)
  echo "  package --year (zip): $w s, $r MiB, $(du -b "$OUT/archive-$year.zip" | awk '{printf "%.1f MB", $1/1e6}')"
  read -r w r < <(timed "$BIN" package --year "$year" --root "$root" -o "$OUT/archive-$year.zip" --warc --quiet)
  echo "  package --year --warc: $w s, $r MiB, WARC $(du -b "$OUT/archive-$year.warc.gz" | awk '{printf "%.1f MB", $1/1e6}')"
  rm -rf "$root/archive" "$OUT/archive-$year.zip" "$OUT/archive-$year.warc.gz"
done
rm -rf "$sample"
