#!/usr/bin/env bash
# Import real peer sites and build the result (issue 14, item 7).
#
#   bash bench/import_peers.sh PEER:DIR [PEER:DIR ...]
#
# PEER is hexo, hugo, zola or jekyll; DIR a checkout of a site nobody here
# wrote (fetched, never committed), for example:
#   hexo:hexojs-site  hugo:hugoDocs  zola:zola/docs  jekyll:jekyll/docs
# For each: import into bench/out/import-<name>/ (the source is only read),
# then build and check it, and print files, pages, import warnings by kind
# and build errors by code.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
BIN=$PWD/target/release/exemplar
OUT=$PWD/bench/out
mkdir -p "$OUT"
for arg in "$@"; do
  peer=${arg%%:*} dir=${arg#*:}
  name=$(basename "$(cd "$dir" && pwd)")
  dest="$OUT/import-$peer-$name"
  rm -rf "$dest"
  echo "== $peer $dir"
  start=$(date +%s.%N)
  "$BIN" import "$peer" "$dir" --into "$dest" 2> "$OUT/import-$peer-$name.log" || {
    cat "$OUT/import-$peer-$name.log"; continue; }
  end=$(date +%s.%N)
  sed -n '2,6p' "$dest/import-report.txt"
  printf '导入用时 (import time): %.2f s\n' "$(echo "$end - $start" | bc)"
  echo "提示按类别 (warnings by kind, top 12):"
  sed -n '/^提示按类别/,/^$/p' "$dest/import-report.txt" | sed '1d;$d' | sort -t: -k2 -rn | head -12
  (cd "$dest"
   if "$BIN" build -q > build.log 2>&1; then
     echo "构建 (build): 成功 (ok), $(find public -name '*.html' | wc -l) HTML files"
   else
     echo "构建 (build): 失败 (failed), errors by code:"
     grep -oE '^error: [^[]*\[(E[0-9]+)\]' build.log | grep -oE 'E[0-9]+' | sort | uniq -c | sort -rn
   fi
   "$BIN" check -q --format json > check.json 2>/dev/null || true
   echo "check: $(grep -c '"severity":"error"' check.json || true) errors, $(grep -c '"severity":"warning"' check.json || true) warnings")
done
