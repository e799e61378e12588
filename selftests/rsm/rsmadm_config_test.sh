#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# rsmadm reads rsm.conf(5): good files parse, every malformed line is named
# and refused.  Runs on the host (rsmadm check needs no module).
rsmadm=${RSM_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/utils/rsmadm
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0 failed=0

check() {	# check NAME WANT-STATUS WANT-OUTPUT-REGEX CONTENT [ARGS...]
	local name=$1 want=$2 re=$3 content=$4 out rc
	shift 4
	n=$((n + 1))
	printf '%b' "$content" >"$tmp/conf"
	out=$("$rsmadm" check -f "$tmp/conf" "$@" 2>&1)
	rc=$?
	if [ "$rc" -eq "$want" ] && [[ $out =~ $re ]]; then
		echo "ok $n $name"
	else
		echo "not ok $n $name"
		echo "# exit $rc (want $want), output: $out"
		failed=$((failed + 1))
	fi
}

echo "TAP version 13"
echo "1..11"
check good_file_lists_every_node 0 'node 1 192.0.2.1.*node 2 192.0.2.2 \(this node\)' \
	'# comment\n\n1 192.0.2.1\n2 192.0.2.2 # trailing comment\n' -n 2
check several_rails_per_node 0 'node 3 192.0.2.3.*node 3 2001:db8::3' \
	'3 192.0.2.3 2001:db8::3\n' -n 1
check local_node_found_from_host_addresses 0 'local node id: 7' \
	'7 127.0.0.1\n8 192.0.2.8\n'
check no_local_address_is_an_error 1 'none of the configured addresses' \
	'1 192.0.2.1\n'
check node_id_out_of_range_names_the_line 1 'conf:2: bad node id .65.' \
	'1 192.0.2.1\n65 192.0.2.65\n' -n 1
check node_id_not_a_number 1 'conf:1: bad node id .x1.' 'x1 192.0.2.1\n' -n 1
check address_not_ip 1 "conf:1: 'node2' is not an IPv4 or IPv6 address" \
	'2 node2\n' -n 1
check node_without_address 1 'conf:1: node 4 has no address' '4\n' -n 1
check duplicate_address 1 'conf:2: address 192.0.2.1 listed twice' \
	'1 192.0.2.1\n2 192.0.2.1\n' -n 1
check missing_file 1 'cannot read' '' -f "$tmp/nonexistent" -n 1
check overlong_line 1 'conf:1: line too long' "1 $(printf '192.0.2.1 %.0s' $(seq 1 150))\n" -n 1
echo "$((n - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]
