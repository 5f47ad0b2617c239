#!/usr/bin/env bash
# Renders the schedule timeline in headless Chromium, whole page, at 1400 and 1920 px:
#   bash scripts/schedules/screenshot.sh [--jobs 30] [--days 1|7] [--out <dir>] [--from <ISO time>]
# On a fresh Debian machine it installs Debian's chromium first (as root: apt-get; otherwise
# it says the command to run). playwright-core (a devDependency) drives it and downloads no
# browser of its own. Set CHROMIUM=<path> to use another Chromium.
set -euo pipefail
cd "$(dirname "$0")/../.."
chromium=${CHROMIUM:-$(command -v chromium || true)}
if [ -z "$chromium" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get > /dev/null; then
    echo "installing Debian's chromium (apt-get install -y chromium)"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium > /dev/null
    chromium=$(command -v chromium)
  else
    echo "chromium is not installed: run 'sudo apt-get install -y chromium', or set CHROMIUM=<path>" >&2
    exit 1
  fi
fi
[ -d node_modules/playwright-core ] || npm ci --no-audit --no-fund
CHROMIUM="$chromium" npx tsx scripts/schedules/screenshot.ts "$@"
