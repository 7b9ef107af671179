#!/usr/bin/env bash
# Image-processing benchmark (not a test).
#
#   bash bench/images.sh [PAGES] [IMAGES]      defaults: 1000 pages, 200 images
#
# Generates ../shared/bench/gen_corpus.py --flavor exemplar --images IMAGES
# (noisy 1600x1200 JPEG covers; needs Pillow) and the same site without
# images, then times with `exemplar build`:
#   cold   - no image cache: every image decoded, resized, encoded
#   warm   - second build, cache in place (must decode nothing)
#   plain  - the same pages without images (warm must stay within 10%)
# and prints wall time, images per second (cold), peak RSS and the cache
# size. Cold is the median of 3 runs; plain and warm, which take a tenth
# of a second, the median of 11.
set -euo pipefail
cd "$(dirname "$0")/.."
PAGES=${1:-1000}
IMAGES=${2:-200}
SHARED=${SHARED:-../shared}
OUT=bench/out
mkdir -p "$OUT"
python3 -c 'import PIL' 2>/dev/null || { echo "needs Pillow: pip install pillow" >&2; exit 2; }

cargo build --release --quiet
BIN=$PWD/target/release/exemplar

corpus() { # images → dir
  local dir="$OUT/corpus-img-$PAGES-$1"
  if [ ! -f "$dir/.complete" ]; then
    rm -rf "$dir"
    python3 "$SHARED/bench/gen_corpus.py" --pages "$PAGES" --flavor exemplar --images "$1" --out "$dir" >/dev/null
    touch "$dir/.complete"
  fi
  echo "$dir"
}

median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# run LABEL PREP DIR [RUNS] → sets WALL RSS (medians; wall to the
# millisecond from bash's clock, peak RSS from /usr/bin/time)
run() {
  local label=$1 prep=$2 dir=$3 runs=${4:-3} walls=() rsss=()
  for _ in $(seq "$runs"); do
    eval "$prep"
    local f t0 t1; f=$(mktemp)
    t0=$EPOCHREALTIME
    /usr/bin/time -f "%M" -o "$f" "$BIN" build --root "$dir" >/dev/null 2>"$dir/.last-stderr"
    t1=$EPOCHREALTIME
    walls+=("$(echo "$t1 - $t0" | bc)"); rsss+=("$(cat "$f")"); rm -f "$f"
  done
  WALL=$(median "${walls[@]}"); RSS=$(median "${rsss[@]}")
  printf '%-8s wall %7.3f s   peak RSS %5.0f MiB   %s\n' "$label" "$WALL" "$(echo "$RSS / 1024" | bc -l)" "$(grep -o '图片[^，]*' "$dir/.last-stderr" || true)"
}

IMG=$(corpus "$IMAGES")
PLAIN=$(corpus 0)
echo "corpus: $PAGES pages, $IMAGES images of $(du -sh "$IMG/static/images" | cut -f1), $(nproc) cores"
"$BIN" build --root "$PLAIN" >/dev/null 2>&1
run plain ":" "$PLAIN" 11
PLAIN_WALL=$WALL
run cold "rm -rf '$IMG/.exemplar-cache'" "$IMG"
COLD=$WALL
run warm ":" "$IMG" 11
echo "images per second (cold): $(echo "scale=1; $IMAGES / $COLD" | bc)"
echo "warm / plain: $(echo "scale=3; $WALL / $PLAIN_WALL" | bc)x (target <= 1.10)"
echo "cache: $(du -sh "$IMG/.exemplar-cache" | cut -f1), published variants: $(find "$IMG/public/_img" -type f | wc -l) files"
# The same photos through Hugo's image processing, in the same run.
if command -v hugo >/dev/null; then
  bash bench/images-hugo.sh "$PAGES" "$IMAGES"
fi
