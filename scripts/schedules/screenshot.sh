#!/usr/bin/env bash
# Renders the schedule timeline in headless Chromium and writes a PNG to look at:
#   bash scripts/schedules/screenshot.sh [out.png] [--from <ISO time>] [--env <name>]
# Skips (exit 0) with a message when Debian's chromium is not installed:
#   apt-get install -y chromium
set -euo pipefail
cd "$(dirname "$0")/../.."
png=${1:-schedules-timeline.png}
shift || true
chromium=$(command -v chromium || true)
if [ -z "$chromium" ]; then
  echo "chromium not installed: skipping the timeline screenshot (apt-get install -y chromium)"
  exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
npm run --silent schedules -- "$@" --html "$tmp/timeline.html" > /dev/null
# Flags: no sandbox as root, and no background networking (this machine has no network).
"$chromium" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --user-data-dir="$tmp/profile" --window-size=1720,420 --screenshot="$png" \
  "file://$tmp/timeline.html" 2> "$tmp/chromium.log" || { cat "$tmp/chromium.log"; exit 1; }
[ -s "$png" ] || { echo "no screenshot written"; cat "$tmp/chromium.log"; exit 1; }
echo "timeline screenshot: $png"
