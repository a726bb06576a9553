# Sourced by .ci/serve, .ci/test and .ci/run: finds Python >= 3.12, installs uv,
# and syncs .venv from uv.lock. Prints what it does; fails loudly when it cannot.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

find_python() {
  local candidates=()
  [ -n "${TRACKER_PYTHON:-}" ] && candidates+=("$TRACKER_PYTHON")
  candidates+=(python3.13 python3.12 python3.14 python3)
  if command -v pyenv >/dev/null 2>&1; then
    local root; root=$(pyenv root)
    while IFS= read -r v; do [ -x "$v" ] && candidates+=("$v"); done \
      < <(ls -d "$root"/versions/3.1[2-9]*/bin/python3 2>/dev/null | sort -rV)
  fi
  for c in "${candidates[@]}"; do
    local exe; exe=$(command -v "$c" 2>/dev/null) || continue
    # pyenv shims answer for versions that are not selected; ask the interpreter itself.
    if "$exe" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null; then
      "$exe" -c 'import sys; print(sys.executable)'
      return 0
    fi
  done
  return 1
}

PYTHON=$(find_python) || {
  echo "No Python >= 3.12 found. Install one (e.g. 'apt-get install python3.12' or pyenv) or set TRACKER_PYTHON=/path/to/python3.12." >&2
  exit 1
}
echo "Using Python: $PYTHON ($("$PYTHON" --version))"

if ! command -v uv >/dev/null 2>&1 && [ ! -x "$HOME/.local/bin/uv" ]; then
  echo "Installing uv from PyPI..."
  "$PYTHON" -m pip install --quiet --user uv 2>/dev/null || "$PYTHON" -m pip install --quiet --user --break-system-packages uv
fi
UV=$(command -v uv || echo "$HOME/.local/bin/uv")
export UV_PYTHON_DOWNLOADS=never
"$UV" sync --locked --python "$PYTHON" ${UV_SYNC_ARGS:-}
PY=.venv/bin/python

# plotly.js's basic bundle, from package-lock.json; without npm the site serves the full
# bundle of the Python plotly package instead (timeline/staticfinders.py).
if command -v npm >/dev/null 2>&1; then
  npm ci --no-audit --no-fund --loglevel=error \
    || echo "npm ci failed: the site will serve the full plotly.js bundle of the Python package." >&2
else
  echo "npm not found: the site will serve the full plotly.js bundle (install Node.js and npm for the 400 KB basic one)."
fi
