#!/usr/bin/env bash
# What hostile or careless input costs (a benchmark, not a test).
#   bash bench/hostile.sh [RUNS]      default: 3 runs, median printed
#
# 1. YAML alias bombs: a page header of 60 KB (refused at its first alias)
#    and of 80 KB (refused for its size), and a data/ file of nested
#    aliases (refused at the alias that expands too far): wall time and
#    peak memory of `build` and `check`. Before issue 8 an 80 KB header took
#    3 GB and 7 s.
# 2. `check` and `build` on one page of 1, 2 and 4 MB, in two shapes:
#    many lines, each with findings (broken link, phone number, vague link
#    text), and one single line with thousands of broken links. Time and
#    memory must grow linearly with the size.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-3}
cargo build --release --quiet
BIN=$PWD/target/release/exemplar
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

site() { # DIR → a minimal site
  mkdir -p "$1/content/deeds" "$1/data"
  printf 'title: 压力测试\nbase_url: /\n' >"$1/site.yaml"
}

measure() { # LABEL DIR CMD...   (exit status ignored: these inputs fail)
  local label=$1 dir=$2; shift 2
  local walls=() rsss=()
  for _ in $(seq "$RUNS"); do
    local f; f=$(mktemp)
    (cd "$dir" && /usr/bin/time -f "%e %M" -o "$f" "$BIN" "$@" >/dev/null 2>&1) || true
    read -r wall rss < <(tail -n 1 "$f"); rm -f "$f"
    walls+=("$wall"); rsss+=("$rss")
  done
  median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
  printf '%-34s wall %6.2f s   peak RSS %6.1f MiB\n' "$label" \
    "$(median "${walls[@]}")" "$(echo "$(median "${rsss[@]}") / 1024" | bc -l)"
}

bomb() { # LEVELS → YAML lines a0..a(LEVELS-1)
  python3 - "$1" <<'EOF'
import sys
n = int(sys.argv[1])
print("a0: &a0 [%s]" % ", ".join(["x"] * 9))
for i in range(1, n):
    print("a%d: &a%d [%s]" % (i, i, ", ".join(["*a%d" % (i - 1)] * 9)))
EOF
}

echo "== YAML alias bombs"
for size in 60 80; do
  d=$WORK/header-$size; site "$d"
  {
    echo "---"; echo "title: 炸弹"; bomb 12
    python3 -c "import sys; sys.stdout.write('# padding\n' * ($size * 1024 // 10))"
    echo "---"; echo "正文"
  } >"$d/content/deeds/bomb.md"
  measure "header ${size} KB: build" "$d" build
  measure "header ${size} KB: check" "$d" check
done
d=$WORK/data; site "$d"
{ bomb 12; echo "groups: []"; } >"$d/data/measures.yaml"
measure "data/measures.yaml: build" "$d" build

echo "== check and build on one large page"
for mb in 1 2 4; do
  d=$WORK/lines-$mb; site "$d"
  python3 - "$mb" >"$d/content/deeds/big.md" <<'EOF'
import sys
mb = int(sys.argv[1])
print("---\ntitle: 大文件\ndate: 2024-01-01\n---")
line = "第{i}段：见[这里](/missing/{i}/)，联系 138 1234 {i:04d}，[点击这里](https://example.org/)。\n"
out, i = [], 0
while sum(map(len, out)) < mb * 1024 * 1024:
    out.append(line.format(i=i % 10000)); i += 1
sys.stdout.write("".join(out))
EOF
  measure "${mb} MB, many lines: check" "$d" check
  measure "${mb} MB, many lines: build" "$d" build
  d=$WORK/line-$mb; site "$d"
  python3 - "$mb" >"$d/content/deeds/big.md" <<'EOF'
import sys
mb = int(sys.argv[1])
print("---\ntitle: 一行\ndate: 2024-01-01\n---")
out, i = [], 0
while sum(map(len, out)) < mb * 1024 * 1024:
    out.append("文字%d[断链](/missing/%d/) " % (i, i)); i += 1
print("".join(out))
EOF
  measure "${mb} MB, one line: check" "$d" check
  measure "${mb} MB, one line: build" "$d" build
done
