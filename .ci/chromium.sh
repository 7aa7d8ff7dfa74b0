#!/usr/bin/env bash
# Makes Debian's chromium available at /usr/bin/chromium for the browser test tier
# (*.browser.test.ts, driven by playwright-core; no browser download from elsewhere).
#
# Idempotent: when /usr/bin/chromium exists it installs nothing and only prints its version.
# Needs root (CI runs as root); uses apt-get non-interactively and keeps its output in a log that
# is shown only when a step fails.
set -euo pipefail

export DEBIAN_FRONTEND=noninteractive
BIN=/usr/bin/chromium

log() { printf 'chromium: %s\n' "$*"; }

LOG="$(mktemp "${TMPDIR:-/tmp}/chromium-install.XXXXXX")"
trap 'rm -f "$LOG"' EXIT

# Runs a noisy command with its output in the log; on failure shows the end of that log.
quiet() {
  local what="$1"; shift
  if ! "$@" >>"$LOG" 2>&1; then
    printf 'chromium: ERROR: %s failed: %s\n--- last lines of its output ---\n' "$what" "$*" >&2
    tail -n 40 "$LOG" >&2
    exit 1
  fi
  : >"$LOG"
}

if [ ! -x "$BIN" ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "chromium: ERROR: $BIN is missing and installing it needs root: run 'sudo bash .ci/chromium.sh'" >&2
    exit 1
  fi
  log "installing Debian's chromium package (once per machine)"
  # Another apt run (unattended upgrades) may hold the dpkg lock for a while: wait for it.
  APT=(apt-get -q -y -o DPkg::Lock::Timeout=300)
  quiet "apt-get update" "${APT[@]}" update
  quiet "apt-get install chromium" "${APT[@]}" install --no-install-recommends chromium fonts-dejavu-core
fi

[ -x "$BIN" ] || { echo "chromium: ERROR: $BIN is still missing after the install" >&2; exit 1; }
# --version needs no display; a broken install fails here rather than in the tests.
log "$("$BIN" --version 2>/dev/null || echo 'installed (version unknown)')"
