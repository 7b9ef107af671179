#!/usr/bin/env bash
# Release archives for bureau editors who have no Rust toolchain (issue 14):
#
#   bash scripts/release.sh [OUTDIR]        default OUTDIR: dist/
#
# Builds exemplar for x86_64 Linux (static, musl: runs on any distribution,
# domestic desktops included) and x86_64 Windows (mingw-w64), and zips each
# with the sample site and a short Chinese 使用说明. Each binary builds the
# sample site before it is packed: the Linux one natively, the Windows one
# under wine when wine is installed (otherwise the script says it was not
# run). Installs what it needs: the two Rust targets (rustup), musl-tools,
# gcc-mingw-w64-x86-64 and zip (apt-get).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=$(realpath -m "${1:-dist}")
VERSION=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
LINUX=x86_64-unknown-linux-musl
WINDOWS=x86_64-pc-windows-gnu

need=()
command -v musl-gcc >/dev/null || need+=(musl-tools)
command -v x86_64-w64-mingw32-gcc >/dev/null || need+=(gcc-mingw-w64-x86-64)
command -v zip >/dev/null || need+=(zip)
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
rustup target add "$LINUX" "$WINDOWS" >/dev/null

echo "== build $LINUX"
CC_x86_64_unknown_linux_musl=musl-gcc cargo build --release --quiet --target "$LINUX"
echo "== build $WINDOWS"
CC_x86_64_pc_windows_gnu=x86_64-w64-mingw32-gcc \
CARGO_TARGET_X86_64_PC_WINDOWS_GNU_LINKER=x86_64-w64-mingw32-gcc \
  cargo build --release --quiet --target "$WINDOWS"

rm -rf "$OUT"; mkdir -p "$OUT"
# The sample site as a new user gets it: sources only (zipped at the end,
# after the smoke tests).
pack() { # NAME BINARY
  local dir="$OUT/$1"
  mkdir -p "$dir/site"
  cp "$2" "$dir/"
  cp -r site.yaml content data static archive "$dir/site/"
  cp scripts/release/使用说明.txt "$dir/"
}

echo "== smoke test: the Linux binary builds the sample site"
bin="target/$LINUX/release/exemplar"
file "$bin" | grep -qE "static(-pie)? linked|statically linked" || { file "$bin"; echo "not a static binary" >&2; exit 1; }
pack "exemplar-$VERSION-linux-x86_64" "$bin"
( cd "$OUT/exemplar-$VERSION-linux-x86_64/site" && ../exemplar build -q && test -f public/index.html && rm -rf public .exemplar-cache .public.prev .public.lock )

echo "== smoke test: the Windows binary"
exe="target/$WINDOWS/release/exemplar.exe"
pack "exemplar-$VERSION-windows-x86_64" "$exe"
WINE=$(command -v wine || command -v wine64 || ls /usr/lib/wine/wine64 2>/dev/null || true)
if [ -n "$WINE" ]; then
  # Debian 12's wine 8 lacks bcryptprimitives.dll (Windows 10 has it):
  # a stub beside the test copy only, never in the zip.
  t="$OUT/wine-test"; rm -rf "$t"; mkdir -p "$t"
  cp -r "$OUT/exemplar-$VERSION-windows-x86_64/." "$t/"
  x86_64-w64-mingw32-gcc -shared -O2 -o "$t/bcryptprimitives.dll" scripts/release/wine-bcryptprimitives.c -ladvapi32
  ( cd "$t/site" && WINEDEBUG=-all "$WINE" ../exemplar.exe build -q && test -f public/index.html )
  # The same site as the Linux binary builds, byte for byte.
  ( cd "$OUT/exemplar-$VERSION-linux-x86_64/site" && ../exemplar build -q )
  diff -r "$t/site/public" "$OUT/exemplar-$VERSION-linux-x86_64/site/public" >/dev/null \
    || { echo "windows and linux builds of the sample site differ" >&2; exit 1; }
  ( cd "$OUT/exemplar-$VERSION-linux-x86_64/site" && rm -rf public .exemplar-cache .public.prev .public.lock )
  rm -rf "$t"
  echo "windows: built the sample site under $("$WINE" --version), identical to the Linux build"
else
  echo "windows: NOT smoke-tested (no wine here; apt-get install wine64 to run it)"
fi
for d in "$OUT"/exemplar-*/; do (cd "$OUT" && zip -qr -X "$(basename "$d").zip" "$(basename "$d")"); done
ls -l "$OUT"/*.zip
