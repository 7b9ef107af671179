# Sourced by search_cost.sh and search_floor.sh: two copies of the
# synthetic corpus, "$OUT/$1-on-$PAGES" and "$OUT/$1-off-$PAGES" (the
# latter with `search: false`). Needs OUT (absolute or relative to the
# repo) and PAGES.
on_off_copies() { # PREFIX
  local src="$OUT/corpus-exemplar-$PAGES" v d
  [ -f "$src/.complete" ] || { python3 ../shared/bench/gen_corpus.py --pages "$PAGES" --flavor exemplar --out "$src" --force >/dev/null && touch "$src/.complete"; }
  for v in off on; do
    d="$OUT/$1-$v-$PAGES"
    if [ ! -d "$d/content" ]; then mkdir -p "$d"; cp -a "$src/content" "$src/site.yaml" "$d/"; fi
  done
  grep -q '^search: false' "$OUT/$1-off-$PAGES/site.yaml" || printf '\nsearch: false\n' >>"$OUT/$1-off-$PAGES/site.yaml"
}
