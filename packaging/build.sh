#!/usr/bin/env bash
# Build the one-folder bundle dist/Dispatch/ (executable dist/Dispatch/dispatch).
# PyInstaller is a build tool, not a runtime dependency: it is installed here, into the venv.
#   PYTHON=/path/to/python packaging/build.sh     (default: .venv/bin/python of the checkout)
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-.venv/bin/python}"

"$PYTHON" -m pip install --quiet "pyinstaller>=6.10,<7"
"$PYTHON" -m PyInstaller --noconfirm --clean --log-level WARN \
    --distpath dist --workpath build/pyinstaller packaging/dispatch.spec

exe=dist/Dispatch/dispatch
[ -x "$exe" ] || [ -x "$exe.exe" ] || [ -d dist/Dispatch.app ] || {
    echo "build.sh: no executable was produced" >&2
    exit 1
}
echo "built dist/Dispatch/ ($(du -sh dist/Dispatch | cut -f1)), run: $exe"
