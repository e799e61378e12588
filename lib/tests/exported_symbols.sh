#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# librsm.so exports exactly the symbols of librsm.map, each under the
# version of its stanza, has soname librsm.so.1, and its development links
# point the right way.
cd "$(dirname "$0")" || exit 1
. ./tap.sh

lib=../librsm.so.1.0.0
map=../librsm.map
command -v nm >/dev/null 2>&1 || tap_skip_all "nm not installed"
[ -f "$lib" ] || { tap_not_ok "$lib built"; tap_finish; }

# name@@VERSION for every global of every stanza of the version script.
expected=$(sed -e 's|/\*.*\*/||' -e '/\/\*/,/\*\//d' "$map" | awk '
	/^[ \t]*[A-Za-z_][A-Za-z0-9_.]*[ \t]*\{/ { ver = $1; sub(/\{.*/, "", ver) }
	/global:/ { g = 1; next }
	/local:/ || /\}/ { g = 0 }
	g && /^[ \t]*[A-Za-z_][A-Za-z0-9_]*[ \t]*;/ {
		s = $1; sub(/;.*/, "", s); print s "@@" ver
	}' | sort)
# Defined dynamic symbols, without the version nodes themselves (type A).
actual=$(nm -D --defined-only "$lib" | awk '$2 != "A" { print $3 }' | sort)

tap_check "version script lists symbols" [ -n "$expected" ]
case "$actual" in
*@@*) ;;
*)	# Old nm without version suffixes: compare the names only.
	expected=$(echo "$expected" | sed 's/@@.*//')
	echo "# nm shows no symbol versions: comparing names only" ;;
esac
has_line() {
	printf '%s\n' "$1" | grep -qxF "$2"
}
for sym in $expected; do
	tap_check "exports $sym" has_line "$actual" "$sym"
done
extra=$(echo "$actual" | grep -vxF "$expected")
tap_check "exports nothing else${extra:+ (extra: $(echo $extra))}" [ -z "$extra" ]

for sym in $expected; do
	name=${sym%%@@*}
	tap_check "$name is declared in rsmapi.h" \
		grep -q "[ *]$name(" ../../include/rsmapi.h
done

soname=$(readelf -d "$lib" 2>/dev/null | sed -n 's/.*(SONAME).*\[\(.*\)\].*/\1/p')
tap_check "soname is librsm.so.1 (got '$soname')" [ "$soname" = librsm.so.1 ]
tap_check "librsm.so.1 -> librsm.so.1.0.0" \
	[ "$(readlink ../librsm.so.1)" = librsm.so.1.0.0 ]
tap_check "librsm.so -> librsm.so.1" [ "$(readlink ../librsm.so)" = librsm.so.1 ]
tap_finish
