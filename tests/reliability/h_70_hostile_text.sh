#!/bin/sh
# Reliability harness (issue 13, item 7): hostile text in every displayed
# field, in command output, error messages, exports and on a real terminal
# (tmux, TERM=xterm-256color and vt100). tests/reliability/hostile_text.py
# does the work and says what it checks; the short tier takes a seeded
# sample of 60 of its 301 strings, the long tier all of them.
#
# Negative control: on each terminal, OSC 2 and OSC 52 written raw by printf
# must change the pane title and make a paste buffer, so the checks that
# gavel changes neither are shown to see them.
#
# Environment: GAVEL (default ./gavel), GAVEL_REL_TIER (short|long),
# GAVEL_REL_OUT (scratch directory).
set -u
here=$(cd "$(dirname "$0")" && pwd)
GAVEL=${GAVEL:-$here/../../gavel}
[ -x "$GAVEL" ] || { echo "h_70: no gavel at $GAVEL (set GAVEL)" >&2; exit 1; }
command -v python3 >/dev/null 2>&1 || { echo "h_70: SKIP: python3 is missing"; exit 0; }
out=${GAVEL_REL_OUT:-}
if [ -n "$out" ]; then
    out=$out/h_70
else
    out=$(mktemp -d "${TMPDIR:-/tmp}/gavel-h70.XXXXXX") || exit 1
fi
mkdir -p "$out" || exit 1
LC_ALL=C.UTF-8 exec python3 "$here/hostile_text.py" "$(cd "$(dirname "$GAVEL")" && pwd)/$(basename "$GAVEL")" \
    "$out" "${GAVEL_REL_TIER:-short}"
