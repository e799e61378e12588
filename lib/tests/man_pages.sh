#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The man pages: every exported function has its page, every page
# formats without groff warnings, alias pages point at existing pages,
# and the overview rsmapi(3) names all entry points of <rsmapi.h>.
cd "$(dirname "$0")" || exit 1
. ./tap.sh

man=../../man
header=../../include/rsmapi.h

for sym in $(sed -n 's/^[ \t]*\(rsm_[a-z0-9_]*\);.*/\1/p' ../librsm.map); do
	tap_check "$sym has a man page" [ -f "$man/$sym.3" ]
done
tap_check "rsmapi.3 overview exists" [ -f "$man/rsmapi.3" ]
tap_check "rsm.segmentid.5 exists" [ -f "$man/rsm.segmentid.5" ]

formats_cleanly() {
	out=$(groff -man -ww -z -Tutf8 "$1" 2>&1) && [ -z "$out" ] ||
		{ echo "$out" | sed 's/^/# /'; return 1; }
}

for page in "$man"/*.3 "$man"/*.5; do
	name=$(basename "$page")
	target=$(sed -n '1s/^\.so[ \t]*//p' "$page")
	if [ -n "$target" ]; then
		tap_check "$name is an alias of an existing page ($target)" \
			[ -f "$man/$(basename "$target")" ]
		continue
	fi
	tap_check "$name has NAME, SYNOPSIS, DESCRIPTION and SEE ALSO" sh -c \
		"grep -q '^\.SH NAME' '$page' && grep -q '^\.SH SYNOPSIS' '$page' &&
		 grep -q '^\.SH DESCRIPTION' '$page' &&
		 grep -q '^\.SH SEE ALSO' '$page'"
	if command -v groff >/dev/null 2>&1; then
		tap_check "$name formats without warnings" formats_cleanly "$page"
	fi
done

fns=$(sed -n 's/^[a-z].*[ *]\(rsm_[a-z0-9_]*\)(.*/\1/p' "$header")
tap_check "rsmapi.h declares 42 functions ($(echo $fns | wc -w))" \
	[ "$(echo $fns | wc -w)" -eq 42 ]
missing=
for fn in $fns; do
	grep -q "^\.BR $fn " "$man/rsmapi.3" || missing="$missing $fn"
done
tap_check "rsmapi.3 lists every function${missing:+ (missing:$missing)}" \
	[ -z "$missing" ]
tap_finish
