#!/usr/bin/env bash
# Installs the Debian packages the platform needs beyond Python: Chromium for the browser
# tests, GNU gettext to compile translations, Noto CJK so that pages and PDFs render Chinese.
# Idempotent and quick when everything is present.
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v msgfmt >/dev/null 2>&1 || need+=(gettext)
# Capture first: under pipefail, `fc-list | grep -q` fails whenever grep exits early and
# fc-list dies of SIGPIPE, so present fonts would read as missing.
fonts=$(fc-list : family 2>/dev/null || true)
grep -q "Noto Sans CJK" <<<"$fonts" || need+=(fonts-noto-cjk)
command -v npm >/dev/null 2>&1 || need+=(npm)
if ((${#need[@]})); then
  if [[ $(id -u) -ne 0 ]]; then SUDO=sudo; else SUDO=; fi
  echo "Installing Debian packages: ${need[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi
