#!/usr/bin/env bash
# Search quality and cost, exemplar against Pagefind (issue 12; not a test).
#
#   bash bench/search.sh [VUE_DOCS_REPO]
#
# 1. the sample site, with bench/search-queries/sample.json (44 queries);
# 2. the Chinese Vue.js documentation (vuejs-translations/docs-zh-cn,
#    CC BY 4.0; fetched, not committed: pass a checkout or a bare mirror),
#    turned into a site folder by bench/vue_docs.py, with
#    bench/search-queries/vue-docs.json (46 queries).
# Each is built with exemplar, then indexed by Pagefind (pip install
# 'pagefind[extended]', installed when missing) over the same pages;
# bench/search_quality.mjs prints recall@10, MRR and bytes per cold query
# for both; index build time and bytes are printed here.
set -euo pipefail
cd "$(dirname "$0")/.."
VUE=${1:-}
OUT=bench/out/search
rm -rf "$OUT"; mkdir -p "$OUT"
cargo build --release --quiet
BIN=$PWD/target/release/exemplar
python3 -c "import pagefind" 2>/dev/null || pip install -q 'pagefind[extended]'

one() { # NAME ROOT QUERIES GLOB
  local name=$1 root=$2 queries=$3 glob=$4 pub="$OUT/$1"
  "$BIN" build --root "$root" -o "$pub" --base-url http://127.0.0.1/ -q
  rm -rf "$root/.exemplar-cache/search"
  local t0 t1 t2
  t0=$(date +%s.%N); "$BIN" build --root "$root" -o "$pub" --base-url http://127.0.0.1/ -q; t1=$(date +%s.%N)
  "$BIN" build --root "$root" -o "$pub" --base-url http://127.0.0.1/ -q; t2=$(date +%s.%N)
  echo "== $name: exemplar build with the index made $(echo "$t1 - $t0" | bc) s, with it cached $(echo "$t2 - $t1" | bc) s;" \
    "index $(du -sb "$pub/search/index" | cut -f1) B in $(find "$pub/search/index" -type f | wc -l) files"
  t0=$(date +%s.%N); python3 -m pagefind --site "$pub" --glob "$glob" >/dev/null; t1=$(date +%s.%N)
  echo "   pagefind $(python3 -m pagefind --version 2>/dev/null | head -1): index $(echo "$t1 - $t0" | bc) s," \
    "$(du -sb "$pub/pagefind" | cut -f1) B in $(find "$pub/pagefind" -type f | wc -l) files"
  node bench/search_quality.mjs "$pub" "$queries" --pagefind
}

one sample . bench/search-queries/sample.json "{brands,deeds,clean,about,contact}/**/*.html"
if [ -n "$VUE" ]; then
  rm -rf "$OUT/vue-site"
  python3 bench/vue_docs.py "$VUE" "$OUT/vue-site" >/dev/null
  one vue-docs "$OUT/vue-site" bench/search-queries/vue-docs.json "{guide,api,about,tutorial,glossary,error-reference,ecosystem}/**/*.html"
fi
