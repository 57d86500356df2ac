#!/bin/sh
# Reliability harness (issue 13, item 6, long tier): 60 seconds of libFuzzer
# for every fuzz target in fuzz/ (each fuzz/fuzz_NAME.c but fuzz_util.c),
# through `make fuzz` in the build directory of $GAVEL (fuzz/README.md).
# The short tier leaves it to `make check`, whose tests/fuzz_replay replays
# the corpora and their seeded mutations. Skips cleanly without a clang that
# builds -fsanitize=fuzzer targets.
#
# Negative control: a target with a planted bug (it aborts on inputs that
# start with "FUZ") built the same way must be caught within the same time.
#
# Environment: GAVEL (the built gavel, whose directory is the build tree;
# default ./gavel), GAVEL_REL_TIER (short|long), GAVEL_REL_OUT (scratch),
# FUZZ_SECONDS (default 60), FUZZ_CC (default clang).
set -u
here=$(cd "$(dirname "$0")" && pwd)
srcdir=$(cd "$here/../.." && pwd)
GAVEL=${GAVEL:-$srcdir/gavel}
build=$(cd "$(dirname "$GAVEL")" && pwd)
tier=${GAVEL_REL_TIER:-short}
seconds=${FUZZ_SECONDS:-60}
cc=${FUZZ_CC:-clang}
out=${GAVEL_REL_OUT:-${TMPDIR:-/tmp}}/h_60
mkdir -p "$out" || exit 1

if [ "$tier" != long ]; then
    echo "h_60 fuzz: long tier only (make check replays the corpora); skipped"
    exit 0
fi
printf '%s\n' '#include <stddef.h>' '#include <stdint.h>' '#include <stdlib.h>' \
    'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);' \
    'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)' \
    '{ if (n >= 3 && d[0] == 0x46 && d[1] == 0x55 && d[2] == 0x5a) abort(); return 0; }' \
    >"$out/planted.c"
if ! "$cc" -fsanitize=fuzzer "$out/planted.c" -o "$out/planted" >/dev/null 2>&1; then
    echo "h_60 fuzz: SKIP: $cc cannot build libFuzzer targets (-fsanitize=fuzzer)"
    exit 0
fi

targets=
for f in "$srcdir"/fuzz/fuzz_*.c; do
    t=$(basename "$f" .c)
    t=${t#fuzz_}
    [ "$t" = util ] || targets="$targets $t"
done
echo "h_60 fuzz: $seconds s of libFuzzer for:$targets"
make -C "$build" fuzz FUZZ_CC="$cc" FUZZ_SECONDS="$seconds" FUZZ_TARGETS="$targets" \
    >"$out/make.log" 2>&1
rc=$?
sed -n '/make fuzz summary:/,$p' "$out/make.log" | grep -v '^make' | sed 's/^/h_60 /'
[ $rc = 0 ] || { echo "h_60 fuzz: FAIL: a target crashed or did not build; see $out/make.log" >&2; tail -n 20 "$out/make.log" >&2; }

# Negative control: the planted bug is found.
mkdir -p "$out/planted-corpus"
printf 'A' >"$out/planted-corpus/seed"
"$out/planted" -max_total_time="$seconds" -artifact_prefix="$out/planted-" \
    -only_ascii=1 "$out/planted-corpus" >"$out/planted.log" 2>&1
if [ $? != 0 ] && ls "$out"/planted-crash-* >/dev/null 2>&1; then
    echo "h_60 negative control: the planted bug was found ($(grep -c . "$out/planted.log") log lines)"
else
    echo "h_60 negative control: FAIL: the planted bug was not found in $seconds s" >&2
    rc=1
fi
rm -f "$out"/planted-crash-*
exit $rc
