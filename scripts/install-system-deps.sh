#!/usr/bin/env bash
# Debian packages the test suite drives for real: Chromium (browser tests), PostgreSQL (the
# production database) and Redis (shared rate limits), and python3-venv for the virtualenv.
# Installs only what is missing.
set -euo pipefail

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || missing+=(postgresql)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
# Kazakh letters must render in screenshots: a font with Cyrillic Extended glyphs.
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)
# The virtualenv is made with Debian's python3 when it can make one (scripts/venv-python.sh).
if [ -x /usr/bin/python3 ] \
  && /usr/bin/python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
  && ! /usr/bin/python3 -c 'import ensurepip' >/dev/null 2>&1; then
  missing+=(python3-venv)
fi

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "Installing Debian packages: ${missing[*]}"
if [ "$(id -u)" -eq 0 ]; then
  SUDO=""
elif command -v sudo >/dev/null 2>&1; then
  SUDO="sudo"
else
  echo "Need root (or sudo) to install: ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# The Debian package starts services on install; the tests start their own throwaway servers.
$SUDO service postgresql stop >/dev/null 2>&1 || true
$SUDO service redis-server stop >/dev/null 2>&1 || true
