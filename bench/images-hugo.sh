#!/usr/bin/env bash
# Hugo's image processing on the same photos, for the same-run comparison
# issue 10 asks for (not a test).
#
#   bash bench/images-hugo.sh [PAGES] [IMAGES]   defaults: 1000 pages, 200 images
#
# Generates ../shared/bench/gen_corpus.py --flavor hugo --images IMAGES,
# moves the covers to assets/ (Hugo processes only resources) and makes the
# single-page template produce what exemplar makes of a cover: widths 480,
# 960 and 1600 in WebP (q76) and JPEG (q82), and 4:3 card crops 400 and 800
# wide in both formats. Then times `hugo`:
#   cold   - resources/_gen removed: every image decoded, resized, encoded
#   warm   - resources/_gen in place
#   plain  - the same pages without images
# Each figure is the median of 3 runs (cold: one run). Hugo strips no metadata from the
# originals it publishes; exemplar does (see README).
set -euo pipefail
cd "$(dirname "$0")/.."
PAGES=${1:-1000}
IMAGES=${2:-200}
SHARED=${SHARED:-../shared}
OUT=bench/out
command -v hugo >/dev/null || { echo "hugo not installed (apt-get install hugo)" >&2; exit 2; }
python3 -c 'import PIL' 2>/dev/null || { echo "needs Pillow: pip install pillow" >&2; exit 2; }
mkdir -p "$OUT"

corpus() { # images → dir
  local dir="$OUT/hugo-img-$PAGES-$1"
  if [ ! -f "$dir/.complete" ]; then
    rm -rf "$dir"
    python3 "$SHARED/bench/gen_corpus.py" --pages "$PAGES" --flavor hugo --images "$1" --out "$dir" >/dev/null
    if [ -d "$dir/static/images" ]; then
      mkdir -p "$dir/assets"
      mv "$dir/static/images" "$dir/assets/images"
    fi
    python3 - "$dir/layouts/_default/single.html" <<'PY'
import sys
p = sys.argv[1]
s = open(p, encoding="utf-8").read()
old = '{{ with .Params.cover }}<img src="{{ . | relURL }}" alt="">{{ end }}'
new = '''{{ with .Params.cover }}{{ $img := resources.Get (strings.TrimPrefix "/" .) }}{{ with $img }}{{ $webp := slice }}{{ $jpg := slice }}{{ range slice 480 960 1600 }}{{ $a := $img.Resize (printf "%dx webp q76" .) }}{{ $b := $img.Resize (printf "%dx jpg q82" .) }}{{ $webp = $webp | append (printf "%s %dw" $a.RelPermalink .) }}{{ $jpg = $jpg | append (printf "%s %dw" $b.RelPermalink .) }}{{ end }}{{ range slice 400 800 }}{{ $h := div (mul . 3) 4 }}{{ $c := $img.Fill (printf "%dx%d center webp q76" . $h) }}{{ $d := $img.Fill (printf "%dx%d center jpg q82" . $h) }}{{ $webp = $webp | append (printf "%s %dw" $c.RelPermalink .) }}{{ $jpg = $jpg | append (printf "%s %dw" $d.RelPermalink .) }}{{ end }}<picture><source type="image/webp" srcset="{{ delimit $webp ", " }}"><img src="{{ $img.RelPermalink }}" srcset="{{ delimit $jpg ", " }}" width="{{ $img.Width }}" height="{{ $img.Height }}" alt=""></picture>{{ end }}{{ end }}'''
assert old in s, "the corpus template changed"
open(p, "w", encoding="utf-8").write(s.replace(old, new))
PY
    touch "$dir/.complete"
  fi
  echo "$dir"
}

median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

run() { # LABEL PREP DIR [RUNS] → WALL RSS
  local label=$1 prep=$2 dir=$3 runs=${4:-3} walls=() rsss=()
  for _ in $(seq "$runs"); do
    eval "$prep"
    local f; f=$(mktemp)
    /usr/bin/time -f "%e %M" -o "$f" hugo --source "$dir" --quiet >/dev/null 2>"$dir/.last-stderr" || { cat "$dir/.last-stderr" >&2; exit 1; }
    read -r wall rss <"$f"; rm -f "$f"
    walls+=("$wall"); rsss+=("$rss")
  done
  WALL=$(median "${walls[@]}"); RSS=$(median "${rsss[@]}")
  printf 'hugo %-6s wall %6.2f s   peak RSS %5.0f MiB\n' "$label" "$WALL" "$(echo "$RSS / 1024" | bc -l)"
}

IMG=$(corpus "$IMAGES")
PLAIN=$(corpus 0)
echo "hugo corpus: $PAGES pages, $IMAGES images, $(hugo version | cut -d' ' -f2)"
hugo --source "$PLAIN" --quiet >/dev/null 2>&1
run plain ":" "$PLAIN"
PLAIN_WALL=$WALL
# One cold run: Hugo takes minutes for 200 photos.
run cold "rm -rf '$IMG/resources/_gen' '$IMG/public'" "$IMG" 1
COLD=$WALL
run warm ":" "$IMG"
echo "hugo images per second (cold): $(echo "scale=1; $IMAGES / $COLD" | bc)"
echo "hugo warm / plain: $(echo "scale=2; $WALL / $PLAIN_WALL" | bc)x"
echo "hugo published image files: $(find "$IMG/public" -name '*.webp' -o -name '*.jpg' | wc -l)"
