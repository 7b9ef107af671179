#!/usr/bin/env bash
# Real-client checks of the sample site, deployed as it will be: nginx on
# 127.0.0.1 serves the build under the sub-path /jyj/ddjs/.
#
#   bash scripts/qa.sh [OUTDIR]        default OUTDIR: qa-out/
#
# 1. builds the site with --base-url http://127.0.0.1:PORT/jyj/ddjs/
# 2. Nu HTML Checker on every generated page          (0 errors required)
# 3. axe-core on the key pages, normal and elderly-friendly mode
#                                                     (no serious/critical)
# 4. screenshots (desktop + mobile), console errors, failed and outside
#    requests on the same pages                        (none allowed)
# 5. Lighthouse (mobile) on the home page, an article and the progress
#    dashboard: performance,
#    accessibility, best practices and SEO >= 95
# 6. wget crawls every link from the home page: 0 broken links, no link out
#    of /jyj/ddjs/; feeds, sitemap and robots.txt are served; a missing path
#    gets the 404 page with status 404.
# Needs ../shared/qa (installs Chromium, fonts, node packages) and nginx,
# wget (installed with apt-get when missing). Reports and screenshots go to
# OUTDIR; exit 1 if any check fails.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
QA=${QA:-$ROOT/../shared/qa}
OUT=$(realpath -m "${1:-qa-out}")
SUB=/jyj/ddjs/
rm -rf "$OUT"; mkdir -p "$OUT"
fails=()
step() { printf '\n== %s\n' "$*"; }
fail() { fails+=("$1"); echo "FAIL: $1"; }

need=()
command -v nginx >/dev/null || need+=(nginx)
command -v wget >/dev/null || need+=(wget)
command -v curl >/dev/null || need+=(curl)
if [ ${#need[@]} -gt 0 ]; then
  step "apt-get install ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${need[@]}"; } >"$OUT/apt.log" 2>&1 || { cat "$OUT/apt.log"; exit 2; }
  # Debian starts the packaged nginx on port 80; this check runs its own.
  (service nginx stop || nginx -s stop) >/dev/null 2>&1 || true
fi
bash "$QA/setup.sh" || exit 2

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
BASE="http://127.0.0.1:$PORT$SUB"
SITE="$OUT/public"

step "build for $BASE"
cargo build --release --quiet || exit 2
./target/release/exemplar build --base-url "$BASE" -o "$SITE" || exit 1

step "nginx on 127.0.0.1:$PORT serving $SITE under $SUB"
NG="$OUT/nginx"; mkdir -p "$NG"
cat >"$NG/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $NG/nginx.pid;
error_log $NG/error.log;
events { worker_connections 256; }
http {
  include /etc/nginx/mime.types;
  types { application/atom+xml xml; }
  default_type application/octet-stream;
  charset utf-8;
  charset_types text/css application/javascript application/atom+xml text/xml text/plain image/svg+xml;
  access_log $NG/access.log;
  client_body_temp_path $NG/body; proxy_temp_path $NG/proxy; fastcgi_temp_path $NG/fastcgi;
  uwsgi_temp_path $NG/uwsgi; scgi_temp_path $NG/scgi;
  server {
    listen 127.0.0.1:$PORT;
    location $SUB {
      alias $SITE/;
      index index.html;
      error_page 404 ${SUB}404.html;
    }
    location = ${SUB}atom.xml { alias $SITE/atom.xml; default_type application/atom+xml; }
    location / { return 404; }
  }
}
CONF
sed -i "s|types { application/atom+xml xml; }||" "$NG/nginx.conf"
nginx -c "$NG/nginx.conf" -p "$NG" &
NGINX_PID=$!
trap 'kill $NGINX_PID 2>/dev/null' EXIT
for _ in $(seq 50); do curl -fsS -o /dev/null "$BASE" 2>/dev/null && break; sleep 0.1; done

# The pages the issue names: home, a section list, a list's page 2, an
# article of each kind, a taxonomy term, a school profile, a measure, the
# progress dashboard and its school lists (issue 13), 404.
PAGES=(
  ""
  "brands/"
  "deeds/page/2/"
  "brands/yunjiang-hongzhu/"
  "deeds/huling-jiedui/"
  "clean/qingfeng-2025/"
  "about/"
  "tags/%E5%85%9A%E5%BB%BA%E5%93%81%E7%89%8C/"
  "schools/yunjiang-primary/"
  "measures/10/"
  "years/2023/"
  "archive/2023/"
  "archive/2023/collection.html"
  "search/?q=%E7%BA%A2%E7%83%9B%E5%85%88%E9%94%8B"
  "progress/"
  "progress/schools/"
  "404.html"
)
URLS=(); ELDER=()
for p in "${PAGES[@]}"; do URLS+=("$BASE$p"); case $p in *\?*) ELDER+=("$BASE$p&elder=1") ;; *) ELDER+=("$BASE$p?elder=1") ;; esac; done

step "Nu HTML Checker on every page"
bash "$QA/html-validate.sh" "$SITE" 2>&1 | tee "$OUT/vnu.log" | tail -15
grep -q "html-validate: .* 0 errors" "$OUT/vnu.log" || fail "vnu: HTML errors"

step "axe-core, normal mode"
node "$QA/a11y.mjs" --json="$OUT/axe.json" "${URLS[@]}" 2>&1 | tee "$OUT/axe.log" | tail -25
[ "${PIPESTATUS[0]}" = 0 ] || fail "axe: normal mode"

step "axe-core, elderly-friendly mode (?elder=1)"
node "$QA/a11y.mjs" --json="$OUT/axe-elder.json" "${ELDER[@]}" 2>&1 | tee "$OUT/axe-elder.log" | tail -25
[ "${PIPESTATUS[0]}" = 0 ] || fail "axe: elderly-friendly mode"

step "screenshots, console errors, failed and outside requests"
: >"$OUT/shots.log"
shot() { # URL NAME
  node "$QA/shots.mjs" --no-pdf "$1" "$OUT/shots/$2" >>"$OUT/shots.log" 2>&1 || fail "shots: $2"
}
for i in "${!URLS[@]}"; do
  name=$(printf '%s' "${PAGES[$i]:-home}" | sed -E 's/%[0-9A-F]{2}//g; s#[/.]+#_#g; s/_+$//; s/^$/term/')
  shot "${URLS[$i]}" "$(printf '%02d' "$i")-$name"
done
shot "${ELDER[3]}" "elder-article"
grep -E "^shots:" "$OUT/shots.log"

step "Lighthouse (mobile) on the home page, an article and the dashboard, minimum 95"
for u in "${URLS[0]}" "${URLS[3]}" "${BASE}progress/"; do
  bash "$QA/lighthouse.sh" --min=0.95 --out="$OUT/lighthouse" "$u" 2>&1 | tee -a "$OUT/lighthouse.log" | tail -12
  [ "${PIPESTATUS[0]}" = 0 ] || fail "lighthouse: $u"
done

step "crawl every link from the home page"
( cd "$OUT" && wget --spider -r -l inf -nd -nv -e robots=off -D 127.0.0.1 "$BASE" ) >"$OUT/crawl.log" 2>&1
crawled=$(grep -cE '^[0-9-]+ [0-9:]+ URL: ?http' "$OUT/crawl.log" || true)
broken=$(grep -A100 -E '^Found [0-9]+ broken link' "$OUT/crawl.log" | grep -E '^http' || true)
outside=$(grep -oE 'URL: ?http://127\.0\.0\.1:[0-9]+[^ ]*' "$OUT/crawl.log" | sed -E 's/^URL: ?//' | grep -v "^http://127.0.0.1:$PORT$SUB" || true)
echo "crawled $crawled URLs"
[ -z "$broken" ] || { echo "$broken"; fail "crawl: broken links"; }
[ -z "$outside" ] || { echo "$outside"; fail "crawl: links outside $SUB"; }
[ "$crawled" -gt 100 ] || fail "crawl: only $crawled URLs reached"
for p in atom.xml brands/atom.xml sitemap.xml robots.txt; do
  code=$(curl -s -o /dev/null -w '%{http_code}' "$BASE$p")
  [ "$code" = 200 ] || fail "GET $SUB$p: $code"
done
code=$(curl -s -o "$OUT/missing.html" -w '%{http_code}' "${BASE}no/such/page/")
[ "$code" = 404 ] && grep -q '页面不存在' "$OUT/missing.html" || fail "missing path: status $code, not the 404 page"
echo "sitemap URLs: $(grep -c '<loc>' "$SITE/sitemap.xml")"

printf '\n'
if [ ${#fails[@]} -gt 0 ]; then
  printf 'qa: %d check(s) failed:\n' "${#fails[@]}"; printf '  - %s\n' "${fails[@]}"
  exit 1
fi
echo "qa: all real-client checks passed; reports and screenshots in $OUT"
