#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Run the libimc host unit tests given as arguments, show their TAP
# output, count the assertions, and fail if any test failed.  Exit status
# of a test: 0 pass, 77 skip, anything else fail.
cd "$(dirname "$0")" || exit 1

passed=0
failed=0
skipped=0
failures=
oks=0
not_oks=0
out=$(mktemp) || exit 1
trap 'rm -f "$out"' EXIT
for t in "$@"; do
	echo "# ---- $t"
	"./$t" >"$out" 2>&1
	rc=$?
	cat "$out"
	oks=$((oks + $(grep -c '^ok ' "$out")))
	not_oks=$((not_oks + $(grep -c '^not ok ' "$out")))
	case $rc in
	0) passed=$((passed + 1)) ;;
	77) skipped=$((skipped + 1)); echo "# $t: skipped" ;;
	*) failed=$((failed + 1)); failures="$failures $t"
	   echo "# $t: FAILED (exit status $rc)" ;;
	esac
done
echo "# ---- summary"
[ -n "$failures" ] && echo "# failed:$failures"
echo "# $((oks + not_oks)) assertions: $oks ok, $not_oks not ok"
echo "# $skipped skipped"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
