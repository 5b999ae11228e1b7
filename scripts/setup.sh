#!/usr/bin/env bash
# Creates .venv with a Python >= 3.12 and installs the pinned requirements, once.
# Sourced by scripts/aiecosim and scripts/test; safe to run again (it only reinstalls
# when requirements.txt or pyproject.toml change).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$repo/.venv"

python_ok() {  # prints the interpreter's path if it runs and is >= 3.12
  "$1" -c 'import sys; assert sys.version_info >= (3, 12); print(sys.executable)' 2>/dev/null
}

find_python() {
  local candidate found root
  for candidate in python3.13 python3.12; do
    if command -v "$candidate" >/dev/null 2>&1 && found=$(python_ok "$candidate"); then
      echo "$found"; return 0
    fi
  done
  # pyenv shims fail unless a version is activated: look at pyenv's installed versions directly.
  root="${PYENV_ROOT:-$HOME/.pyenv}"
  for candidate in $(ls -d "$root"/versions/3.1[2-9]* "$root"/versions/3.[2-9][0-9]* 2>/dev/null | sort -rV); do
    if [ -x "$candidate/bin/python3" ] && found=$(python_ok "$candidate/bin/python3"); then
      echo "$found"; return 0
    fi
  done
  return 1
}

stamp="$venv/.aiecosim-installed"
want=$(cat "$repo/requirements.txt" "$repo/pyproject.toml" | cksum | cut -d' ' -f1)
if [ ! -x "$venv/bin/python" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  if [ ! -x "$venv/bin/python" ]; then
    if ! py=$(find_python); then
      echo "aiecosim needs Python 3.12 or newer: install python3.12 (or python3.13) and run again." >&2
      exit 2
    fi
    echo "setting up .venv with $("$py" --version) (first run takes a minute or two)..." >&2
    "$py" -m venv "$venv"
  fi
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip >&2
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$repo/requirements.txt" >&2
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e "$repo" >&2
  echo "$want" > "$stamp"
fi
# Compile the fused kernels once (numba caches them next to their source), so no run does.
if ! ls "$repo"/model/kernels/__pycache__/*.nbi >/dev/null 2>&1; then
  "$venv/bin/python" -m aiecosim.model.kernels.warm >&2
fi
export PATH="$venv/bin:$PATH"
