# SPDX-License-Identifier: BSD-2-Clause
# KTAP-style reporting for the shell tests, same format as tap.h:
# "ok N - name" / "not ok N - name", the plan, then "N passed, N failed".
# Exit status: 0 pass, 1 fail, 77 skip.

tap_n=0
tap_failed=0
echo "TAP version 13"

tap_ok() {
	tap_n=$((tap_n + 1))
	echo "ok $tap_n - $*"
}

tap_not_ok() {
	tap_n=$((tap_n + 1))
	tap_failed=$((tap_failed + 1))
	echo "not ok $tap_n - $*"
}

# tap_check "description" command args...: ok when the command succeeds.
# Returns the verdict, so "if tap_check ...; then" can skip dependent checks.
tap_check() {
	tap_desc=$1
	shift
	if "$@"; then
		tap_ok "$tap_desc"
	else
		tap_not_ok "$tap_desc"
		return 1
	fi
}

# tap_quiet command args...: run the command and show the start of its
# output, as "# " lines, only when it fails.  For compiler runs.
tap_quiet() {
	tap_out=$("$@" 2>&1) && return 0
	printf '%s\n' "$tap_out" | head -n 8 | sed 's/^/# /'
	return 1
}

tap_finish() {
	echo "1..$tap_n"
	echo "$((tap_n - tap_failed)) passed, $tap_failed failed"
	[ "$tap_failed" -eq 0 ] && exit 0
	exit 1
}

tap_skip_all() {
	echo "1..0 # SKIP $*"
	echo "0 passed, 0 failed"
	exit 77
}
