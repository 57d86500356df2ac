#!/bin/sh
# fuzz/run.sh: what `make fuzz` runs. Builds each fuzz target as a libFuzzer
# binary with clang (-fsanitize=fuzzer,address,undefined): the core library
# sources are compiled once more with -fsanitize=fuzzer-no-link into
# fuzz-build/obj/ (libgavel.a is built by the configured compiler without
# coverage instrumentation, so it cannot be reused), then each target is
# run for FUZZ_SECONDS seconds on a working copy of its seed corpus.
#
# Environment (the Makefile passes these):
#   FUZZ_CC        clang with libFuzzer (default clang)
#   FUZZ_SECONDS   seconds per target; 0 builds without running (default 60)
#   FUZZ_TARGETS   targets to build and run (default: all seven)
#   FUZZ_CPPFLAGS  include flags (config.h, src/, libraries)
#   FUZZ_LIBS      libraries to link (sqlite3, yaml, sodium, -lm)
#   FUZZ_ARGS      extra libFuzzer options, e.g. "-jobs=2 -workers=2"
# Usage: run.sh SRCDIR LIBRARY-SOURCES...
# Crashes are written to fuzz-build/artifacts/; the exit status is non-zero
# when a target found one.
set -u

srcdir=$1
shift
cc=${FUZZ_CC:-clang}
seconds=${FUZZ_SECONDS:-60}
targets=${FUZZ_TARGETS:-"csv json_check yaml_guide yaml_project fmt_readers text votepack packet"}
out=fuzz-build
san="-fsanitize=address,undefined -fno-sanitize-recover=undefined"
cflags="-std=c11 -g -O1 -fno-omit-frame-pointer $san -D_GNU_SOURCE -DFUZZ_LIBFUZZER"

fail() {
	echo "make fuzz: $*" >&2
	exit 1
}

mkdir -p "$out/obj" "$out/bin" "$out/artifacts" || fail "cannot create $out"

# Is libFuzzer there? Try a one-line target.
probe="$out/probe.c"
printf '%s\n' '#include <stddef.h>' '#include <stdint.h>' \
	'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);' \
	'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }' \
	>"$probe"
if ! $cc -fsanitize=fuzzer "$probe" -o "$out/probe" >/dev/null 2>&1; then
	fail "$cc cannot build libFuzzer targets (-fsanitize=fuzzer); install clang or set FUZZ_CC"
fi
rm -f "$probe" "$out/probe"

# The newest header: a library object older than it is rebuilt.
newest_h=$(ls -t "$srcdir"/src/*.h "$srcdir"/fuzz/*.h config.h 2>/dev/null | head -n 1)

objs=
for src in "$@"; do
	case $src in
	*.c) ;;
	*) continue ;;
	esac
	obj="$out/obj/$(echo "$src" | tr / _ | sed 's/\.c$/.o/')"
	objs="$objs $obj"
	if [ -f "$obj" ] && [ "$obj" -nt "$srcdir/$src" ] && [ "$obj" -nt "$newest_h" ]; then
		continue
	fi
	echo "  FUZZCC   $src"
	# shellcheck disable=SC2086
	$cc $cflags -fsanitize=fuzzer-no-link ${FUZZ_CPPFLAGS:-} -c "$srcdir/$src" -o "$obj" ||
		fail "compiling $src failed"
done

status=0
summary=
for t in $targets; do
	[ -f "$srcdir/fuzz/fuzz_$t.c" ] || fail "no target fuzz/fuzz_$t.c"
	bin="$out/bin/fuzz_$t"
	echo "  FUZZLD   $bin"
	# shellcheck disable=SC2086
	$cc $cflags -fsanitize=fuzzer ${FUZZ_CPPFLAGS:-} "$srcdir/fuzz/fuzz_$t.c" \
		"$srcdir/fuzz/fuzz_util.c" $objs ${FUZZ_LIBS:-} -o "$bin" ||
		fail "linking $bin failed"
	[ "$seconds" -gt 0 ] || continue

	# New inputs go to a working corpus in the build tree, never the sources.
	work="$out/corpus/$t"
	mkdir -p "$work"
	cp "$srcdir/fuzz/corpus/$t"/* "$work"/ 2>/dev/null
	log="$out/fuzz_$t.log"
	echo "  FUZZ     $t for $seconds s (log: $log)"
	# shellcheck disable=SC2086
	"$bin" -max_total_time="$seconds" -print_final_stats=1 -max_len=65536 \
		-artifact_prefix="$out/artifacts/$t-" ${FUZZ_ARGS:-} "$work" >"$log" 2>&1
	rc=$?
	last=$(grep -E '^#[0-9]+' "$log" | tail -n 1)
	# The last status line, in either libFuzzer's plain or its -fork form.
	runs=$(echo "$last" | sed -n 's/^#\([0-9]*\).*/\1/p')
	rate=$(echo "$last" | sed -n 's/.*exec\/s:\{0,1\} \([0-9]*\).*/\1/p')
	if [ $rc -ne 0 ]; then
		status=1
		echo "  CRASH    $t: see $log and $out/artifacts/" >&2
		grep -E 'ERROR|fuzz: |SUMMARY' "$log" | head -n 5 >&2
	fi
	summary="$summary$(printf '%-13s runs %-10s exec/s %-7s %s' "$t" "${runs:-?}" "${rate:-?}" \
		"$(echo "$last" | sed 's/.*\(cov: [0-9]*\).*\(ft: [0-9]*\).*\(corp: [^ ]*\).*/\1 \2 \3/')")
"
done
[ -n "$summary" ] && printf '\nmake fuzz summary:\n%s' "$summary"
exit $status
