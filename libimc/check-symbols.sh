#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# TAP: libimc exports exactly the functions of libimc.map, in the shared
# library and in the static archive, <sys/imc.h> declares each, and
# each has a man page.
cd "$(dirname "$0")" || exit 1
want=$(sort libimc.syms)
n=0
fail=0
check() {	# check NAME COMMAND...
	n=$((n + 1))
	name=$1
	shift
	if "$@"; then
		echo "ok $n $name"
	else
		echo "not ok $n $name"
		fail=1
	fi
}
so_syms() {
	nm -D --defined-only libimc.so.1 | awk '$2 == "T" { sub(/@.*/, "", $3); print $3 }' | sort -u
}
a_syms() {
	nm --defined-only libimc.a | awk '$2 ~ /^[TDBR]$/ { print $3 }' | sort -u
}
declared() {
	for s in $want; do
		grep -q "[ *]$s(" ../include/sys/imc.h || { echo "# $s not declared"; return 1; }
	done
}
man_pages() {
	for s in $want; do
		[ -f "../man/$s.3" ] || { echo "# no man page for $s"; return 1; }
	done
	[ -f ../man/imc.3 ] && [ -f ../man/imc_init.8 ] && [ -f ../man/imcs.8 ]
}
echo "1..5"
check shared_library_exports_exactly_the_version_script [ "$(so_syms)" = "$want" ]
check static_archive_exports_exactly_the_version_script [ "$(a_syms)" = "$want" ]
check soname_is_libimc_so_1 sh -c 'readelf -d libimc.so.1 | grep -q "SONAME.*libimc.so.1"'
check header_declares_every_exported_function declared
check every_function_and_command_has_a_man_page man_pages
exit $fail
