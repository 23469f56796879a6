#!/usr/bin/env bash
# Headless Chromium screenshots of the page at laptop and phone widths, in the
# light and the dark scheme, for looking at it as a user would.
#
#   web/dev/screenshots.sh [BASE_URL] [OUT_DIR]
#
# BASE_URL defaults to a running `normsearch serve` on port 7700;
# OUT_DIR to target/screenshots/dev; PAGES (names, space-separated) limits
# the pages; LAPTOP_HEIGHT and PHONE_HEIGHT make taller shots to see a whole
# page. Needs Debian's `chromium`.
set -euo pipefail
base="${1:-http://127.0.0.1:7700}"
out="${2:-target/screenshots/dev}"
mkdir -p "$out"
profile="$(mktemp -d)"
trap 'rm -rf "$profile"' EXIT

pages=(
  "search:/?q=%22confidence-building+measures%22"
  "filtered:/?q=sovereignty&source=ccdcoe-2016&year=2016"
  "welcome:/"
  "passage:/passage/ccdcoe-2016:3"
  "themes:/themes"
  "sources:/sources"
  "empty:/?q=zzzqqq+xyzzy"
  "error:/?q=norms+AND+%28state"
)
for entry in "${pages[@]}"; do
  name="${entry%%:*}"
  path="${entry#*:}"
  if [ -n "${PAGES:-}" ] && [[ " $PAGES " != *" $name "* ]]; then continue; fi
  for size in laptop:1366,${LAPTOP_HEIGHT:-900} phone:390,${PHONE_HEIGHT:-844}; do
    label="${size%%:*}"
    dims="${size#*:}"
    for scheme in light dark; do
      flags=()
      [ "$scheme" = dark ] && flags=(--force-dark-mode)
      chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --user-data-dir="$profile" --hide-scrollbars --window-size="$dims" \
        --virtual-time-budget=4000 "${flags[@]}" \
        --screenshot="$out/$name-$label-$scheme.png" "$base$path" >/dev/null 2>&1
    done
  done
done
ls "$out"
