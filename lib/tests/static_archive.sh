#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# librsm.a, like librsm.so, exposes the RSMAPI and nothing else (spec
# 2.1): its defined global symbols are exactly the names of librsm.map,
# and a program that defines functions named like librsm's internals
# links statically against it and works (static_link_sample.c).
cd "$(dirname "$0")" || exit 1
. ./tap.sh

archive=../librsm.a
map=../librsm.map
cc=${CC:-cc}
command -v nm >/dev/null 2>&1 || tap_skip_all "nm not installed"
command -v "$cc" >/dev/null 2>&1 || tap_skip_all "no C compiler"
[ -f "$archive" ] || { tap_not_ok "$archive built"; tap_finish; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/rsm-static.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

# The global names of the version script's stanzas.
expected=$(awk '
	/global:/ { g = 1; next }
	/local:/ || /\}/ { g = 0 }
	g && /^[ \t]*[A-Za-z_][A-Za-z0-9_]*[ \t]*;/ {
		s = $1; sub(/;.*/, "", s); print s
	}' "$map" | sort)
defined() {
	nm -g --defined-only "$@" 2>/dev/null |
		awk 'NF == 3 { print $3 }' | sort -u
}
has_line() {
	printf '%s\n' "$1" | grep -qxF "$2"
}

tap_check "version script lists symbols" [ -n "$expected" ]
actual=$(defined "$archive")
for sym in $expected; do
	tap_check "librsm.a defines $sym" has_line "$actual" "$sym"
done
extra=$(printf '%s\n' "$actual" | grep -vxF "$expected")
tap_check "librsm.a defines nothing else${extra:+ (extra: $(echo $extra))}" \
	[ -z "$extra" ]

# The library's internal names: globals of its objects not in the map.
internal=$(defined ../rsm_*.o | grep -vxF "$expected")
tap_check "internal names found in the library objects" [ -n "$internal" ]
# Those of the objects that define no RSMAPI function.  With an archive
# of the plain objects, a program defining all of these links without
# error, and the library then calls the program's functions.
silent=
for o in ../rsm_*.o; do
	names=$(defined "$o")
	if [ -n "$names" ] && ! printf '%s\n' "$names" | grep -qxF "$expected"
	then
		silent="$silent $names"
	fi
done

# clash_program name symbols...: build a program that defines a function
# for each symbol, links librsm.a statically and runs static_link_sample.c.
clash_program() {
	prog=$tmp/$1
	shift
	{
		echo "int clash_calls;"
		for sym in "$@"; do
			echo "int $sym(void);"
			echo "int $sym(void) { clash_calls++; return -1; }"
		done
		echo "int clash_call_all(void);"
		echo "int clash_call_all(void)"
		echo "{"
		echo "	int n = 0;"
		for sym in "$@"; do
			echo "	$sym(); n++;"
		done
		echo "	return n;"
		echo "}"
	} > "$prog.c"
	tap_check "program defining $# internal names links with librsm.a" \
		tap_quiet $cc -Wall -Wextra -Werror -I../../include \
		-I../../include/uapi -D_GNU_SOURCE -pthread \
		-Wl,--wrap=open -Wl,--wrap=ioctl -Wl,--wrap=mmap \
		-Wl,--wrap=munmap -o "$prog" static_link_sample.c "$prog.c" \
		fake_rsm_device.c "$archive" -lpthread || return
	out=$("$prog")
	tap_check "... it runs, and librsm uses its own code" [ $? -eq 0 ]
	printf '%s\n' "$out" | sed 's/^/# /'
}

clash_program all $internal
[ -n "$silent" ] && clash_program silent $silent
tap_finish
