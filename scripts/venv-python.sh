#!/usr/bin/env bash
# The interpreter to make .venv with: the distribution's python3 when it is 3.11 or newer and
# can make a virtualenv (Debian's python3-venv), else python3 on PATH.
#
# Why not simply python3 on PATH: production runs Debian's python3 (docs/deploy.md), which is
# built with profile-guided optimisation and LTO, and machines with pyenv put an interpreter
# compiled without them first on PATH. Measured on this project's pages and filings, Debian's
# takes about 10 % less CPU (docs/benchmarks.md); tests and benchmarks should run what
# production runs.
set -euo pipefail

usable() {
  "$1" -c 'import ensurepip, sys; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1
}

for candidate in /usr/bin/python3 python3; do
  if command -v "$candidate" >/dev/null 2>&1 && usable "$candidate"; then
    echo "$candidate"
    exit 0
  fi
done
echo python3
