#!/usr/bin/env bash
# Smoke test of the bundle as a user meets it: build dist/Dispatch/, launch the executable under
# Xvfb on a fresh temporary library with a dump as its argument (what "Open with" does), wait for
# the window, wait for the import to finish, take a screenshot, close the window, check the
# articles are in the library. Exits 0 only if all of that worked.
#
#   packaging/smoke.sh                 build, then test dist/Dispatch/dispatch
#   packaging/smoke.sh --no-build      test the bundle already in dist/
#   DISPATCH_EXE=.venv/bin/dispatch packaging/smoke.sh --no-build    test another command
#   SMOKE_OUT=dir  (default build/smoke)  where the screenshot and the app's log are kept
#
# Needs: xvfb-run, xdotool, xprop, ImageMagick's import (Debian: xvfb xdotool x11-utils
# imagemagick).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

if [ "${1:-}" = "--inside-xvfb" ]; then
    shift
    EXE=$1 DUMP=$2 OUT=$3 PYTHON=$4
    WORK=$(mktemp -d)
    trap 'rm -rf "$WORK"' EXIT
    DB=$WORK/library.sqlite3
    LOG=$OUT/dispatch.log
    SHOT=$OUT/dispatch-smoke.png
    TIMEOUT=${SMOKE_TIMEOUT:-60}
    fail() {
        echo "smoke: FAIL: $*" >&2
        if import -window root "$OUT/dispatch-smoke-failed.png" 2>/dev/null; then
            echo "smoke: screen at the failure: $OUT/dispatch-smoke-failed.png" >&2
        fi
        if [ -s "$LOG" ]; then
            echo "--- application output ($LOG) ---" >&2
            tail -n 40 "$LOG" >&2
        fi
        [ -n "${PID:-}" ] && kill "$PID" 2>/dev/null
        exit 1
    }

    # What the bundle's own parser says is in the dump: the import must store exactly that.
    EXPECTED=$("$EXE" parse --json "$DUMP" | grep -c '^{') || fail "the executable cannot parse $DUMP"
    [ "$EXPECTED" -gt 0 ] || fail "the fixture dump has no articles"

    # Isolated from the user's own settings and library.
    export XDG_CONFIG_HOME=$WORK/config XDG_DATA_HOME=$WORK/data XDG_CACHE_HOME=$WORK/cache
    export QT_QPA_PLATFORM=xcb
    start=$(date +%s.%N)
    "$EXE" --db "$DB" "$DUMP" >"$LOG" 2>&1 &
    PID=$!

    # Poll every 50 ms (xdotool's own --sync only looks twice a second).
    WID=
    deadline=$(( $(date +%s) + TIMEOUT ))
    while [ -z "$WID" ] && [ "$(date +%s)" -lt "$deadline" ]; do
        kill -0 "$PID" 2>/dev/null || fail "the application exited before showing a window"
        WID=$(xdotool search --onlyvisible --class '^Dispatch$' 2>/dev/null | head -n 1) || true
        [ -n "$WID" ] || sleep 0.05
    done
    [ -n "$WID" ] || fail "no Dispatch window appeared within ${TIMEOUT}s"
    shown=$(date +%s.%N)
    awk -v s="$start" -v w="$shown" 'BEGIN { printf "smoke: window shown %.2fs after launch\n", w - s }'

    # Wait (polling the library read-only) until the import has stored every article.
    "$PYTHON" - "$DB" "$EXPECTED" "$PID" "$TIMEOUT" <<'EOF' || fail "the dump was not imported"
import os, sqlite3, sys, time
db, expected, pid, timeout = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
deadline = time.monotonic() + timeout
count = done = -1
while time.monotonic() < deadline:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        sys.exit(f"the application exited while importing ({count} of {expected} articles)")
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)
        count = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        done = conn.execute("SELECT count(*) FROM sources WHERE status = 'done'").fetchone()[0]
        conn.close()
    except sqlite3.Error:
        pass  # library not created yet, or schema being written
    if count == expected and done >= 1:
        sys.exit(0)
    time.sleep(0.1)
sys.exit(f"after {timeout:.0f}s the library holds {count} of {expected} articles "
         f"({done} finished imports)")
EOF
    imported=$(date +%s.%N)

    # Let the window repaint after the last batch, then photograph the screen.
    sleep 1
    import -window root "$SHOT" || fail "could not take a screenshot"

    wm_class=$(xprop -id "$WID" WM_CLASS | sed 's/^[^=]*= //')
    # (Read the whole property first: grep -q closing the pipe early would trip pipefail.)
    icon_prop=$(xprop -id "$WID" _NET_WM_ICON 2>/dev/null || true)
    icon_sizes=$(printf '%s\n' "$icon_prop" | grep -o 'Icon ([0-9]* x [0-9]*)' | tr '\n' ' ' || true)
    [ -n "$icon_sizes" ] || fail "the window has no icon (_NET_WM_ICON is not set)"

    # Close it as a user would; the app must exit cleanly.
    # (Real key presses through XTEST: Qt ignores keys sent to a window with XSendEvent.)
    xdotool windowfocus --sync "$WID" 2>/dev/null || true
    xdotool key ctrl+q 2>/dev/null || true
    for _ in $(seq 1 100); do
        kill -0 "$PID" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$PID" 2>/dev/null; then
        kill "$PID"
        wait "$PID" 2>/dev/null || true
        fail "the window did not close on Ctrl+Q within 10 s (killed)"
    fi
    status=0
    wait "$PID" || status=$?
    [ "$status" -eq 0 ] || fail "the application exited with status $status"
    if grep -q "Traceback" "$LOG"; then fail "the application printed a traceback"; fi

    awk -v s="$start" -v i="$imported" -v n="$EXPECTED" 'BEGIN {
        printf "smoke: all %d articles imported %.2fs after launch\n", n, i - s }'
    echo "smoke: WM_CLASS = $wm_class; window icon sizes: $icon_sizes"
    echo "smoke: screenshot $SHOT"
    exit 0
fi

BUILD=1
[ "${1:-}" = "--no-build" ] && BUILD=0
if [ "$BUILD" = 1 ]; then
    packaging/build.sh
fi
EXE=${DISPATCH_EXE:-$ROOT/dist/Dispatch/dispatch}
EXE=$(realpath "$EXE")
[ -x "$EXE" ] || { echo "smoke: no executable at $EXE (run packaging/build.sh)" >&2; exit 1; }
OUT=$(realpath -m "${SMOKE_OUT:-build/smoke}")
mkdir -p "$OUT"
PYTHON=${PYTHON:-$(command -v python3)}
if [ "$EXE" = "$(realpath dist/Dispatch/dispatch 2>/dev/null || true)" ]; then
    echo "smoke: bundle dist/Dispatch is $(du -sh dist/Dispatch | cut -f1) ($("$EXE" --version 2>&1))"
fi
exec xvfb-run -a -s "-screen 0 1280x800x24 -nolisten tcp" \
    "$ROOT/packaging/smoke.sh" --inside-xvfb "$EXE" "$ROOT/packaging/smoke-dump.txt" "$OUT" "$PYTHON"
