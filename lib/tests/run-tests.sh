#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Run the librsm host unit tests given as arguments (C programs or shell
# scripts), show their output, and fail if any of them failed.  Exit
# status of a test: 0 pass, 77 skip, anything else fail.
cd "$(dirname "$0")" || exit 1

passed=0
failed=0
skipped=0
failures=
for t in "$@"; do
	echo "# ---- $t"
	case $t in
	*.sh) sh "./$t" ;;
	*) "./$t" ;;
	esac
	rc=$?
	case $rc in
	0) passed=$((passed + 1)) ;;
	77) skipped=$((skipped + 1)); echo "# $t: skipped" ;;
	*) failed=$((failed + 1)); failures="$failures $t"
	   echo "# $t: FAILED (exit status $rc)" ;;
	esac
done
echo "# ---- summary"
[ -n "$failures" ] && echo "# failed:$failures"
echo "# $skipped skipped"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
