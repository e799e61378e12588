#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# rsmadm reads rsm.conf(5) and the cluster key file (rsm(7)): good files
# parse, every malformed line is named and refused, key files with a bad
# owner, mode or content are refused, and genkey writes a proper key.
# Runs on the host (rsmadm check and genkey need no module).  The cases that
# need a root-owned key file are skipped when not run as root.
rsmadm=${RSM_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/utils/rsmadm
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0 failed=0 skipped=0

result() {	# result NAME PASSED DETAIL
	n=$((n + 1))
	if [ "$2" -eq 1 ]; then
		echo "ok $n $1"
	else
		echo "not ok $n $1"
		echo "# $3"
		failed=$((failed + 1))
	fi
}

skip() {	# skip NAME REASON
	n=$((n + 1))
	skipped=$((skipped + 1))
	echo "ok $n $1 # SKIP $2"
}

# The configuration cases use no key file unless their ARGS give -k.
check() {	# check NAME WANT-STATUS WANT-OUTPUT-REGEX CONTENT [ARGS...]
	local name=$1 want=$2 re=$3 content=$4 out rc
	shift 4
	printf '%b' "$content" >"$tmp/conf"
	out=$("$rsmadm" check -f "$tmp/conf" -k "$tmp/no-key" "$@" 2>&1)
	rc=$?
	[ "$rc" -eq "$want" ] && [[ $out =~ $re ]]
	result "$name" $((! $?)) "exit $rc (want $want), output: $out"
}

# A key file with CONTENT (printf %b) and MODE, checked with a valid
# configuration.
check_key() {	# check_key NAME WANT-STATUS WANT-OUTPUT-REGEX CONTENT MODE
	rm -f "$tmp/key"
	printf '%b' "$4" >"$tmp/key" && chmod "$5" "$tmp/key"
	check "$1" "$2" "$3" '1 192.0.2.1\n' -n 1 -k "$tmp/key"
}

# 64 hex digits: 32 bytes, the smallest key.
k64=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
root=0
[ "$(id -u)" -eq 0 ] && root=1

genkey_creates_key() {
	local f=$tmp/gen.key out rc mode size
	out=$(umask 022 && "$rsmadm" genkey -k "$f" 2>&1)
	rc=$?
	mode=$(stat -c %a "$f" 2>/dev/null)
	size=$(wc -c 2>/dev/null <"$f")
	[ "$rc" -eq 0 ] && [ "$mode" = 600 ] && [ "$size" = 65 ] &&
		grep -Eqx '[0-9a-f]{64}' "$f"
	result genkey_creates_0600_file_of_64_hex_digits $((! $?)) \
		"exit $rc, mode $mode, $size bytes, output: $out"
}

genkey_refuses_overwrite() {
	local f=$tmp/gen.key before out rc mode left
	before=$(cat "$f" 2>/dev/null)
	out=$("$rsmadm" genkey -k "$f" 2>&1)
	rc=$?
	[ "$rc" -eq 1 ] && [[ $out =~ exists.*--force ]] &&
		[ -n "$before" ] && [ "$(cat "$f" 2>/dev/null)" = "$before" ]
	result genkey_refuses_to_overwrite $((! $?)) \
		"exit $rc (want 1, file unchanged), output: $out"
	chmod 644 "$f" 2>/dev/null
	out=$(umask 0 && "$rsmadm" genkey -k "$f" --force 2>&1)
	rc=$?
	mode=$(stat -c %a "$f" 2>/dev/null)
	[ "$rc" -eq 0 ] && [ "$mode" = 600 ] && grep -Eqx '[0-9a-f]{64}' "$f" &&
		[ "$(cat "$f")" != "$before" ] && left=("$tmp"/gen.key?*) &&
		[ ! -e "${left[0]}" ]
	result genkey_force_replaces_with_new_0600_key $((! $?)) \
		"exit $rc, mode $mode, output: $out, files: $(ls "$tmp")"
}

echo "TAP version 13"
echo "1..29"
# Memory Channel API host names (rsm.conf "host", imc(3))
check host_names_are_listed_with_their_nodes 0 'node 1 192.0.2.1 host alpha.*node 2 192.0.2.2 host beta-2 \(this node\)' \
	'1 192.0.2.1 host alpha\n2 host beta-2 192.0.2.2\n' -n 2
check host_without_a_name_names_the_line 1 'conf:1: host needs a name' \
	'1 192.0.2.1 host\n' -n 1
check host_name_with_a_bad_character_is_refused 1 "conf:2: bad host name 'b/c'" \
	'1 192.0.2.1\n2 192.0.2.2 host b/c\n' -n 1
check host_name_of_64_bytes_is_refused 1 'conf:1: bad host name' \
	"1 192.0.2.1 host $(printf 'h%.0s' {1..64})\n" -n 1
check host_name_of_63_bytes_is_taken 0 'host hhhh' \
	"1 192.0.2.1 host $(printf 'h%.0s' {1..63})\n" -n 1
check two_host_names_for_a_node_are_refused 1 'conf:1: node 1 already has a host name' \
	'1 192.0.2.1 host a host b\n' -n 1
check one_host_name_for_two_nodes_is_refused 1 "conf:2: host name 'a' is node 1's already" \
	'1 192.0.2.1 host a\n2 192.0.2.2 host a\n' -n 1
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

# remote-root
check remote_root_defaults_to_squash 0 'remote root: squash' \
	'1 192.0.2.1\n' -n 1
check remote_root_trust 0 'node 2 192.0.2.2.*remote root: trust' \
	'1 192.0.2.1\nremote-root trust # honour root of the others\n2 192.0.2.2\n' -n 1
check remote_root_squash 0 'remote root: squash' \
	'remote-root squash\n1 192.0.2.1\n' -n 1
check remote_root_bad_value 1 "conf:2: bad remote-root 'maybe'" \
	'1 192.0.2.1\nremote-root maybe\n' -n 1
check remote_root_without_value 1 'conf:1: remote-root needs a value' \
	'remote-root\n1 192.0.2.1\n' -n 1
check remote_root_set_twice 1 'conf:3: remote-root already set on line 1' \
	'remote-root trust\n1 192.0.2.1\nremote-root squash\n' -n 1

# cluster key
genkey_creates_key
genkey_refuses_overwrite
check no_key_file_means_no_key 0 'cluster key: none' '1 192.0.2.1\n' -n 1
if ((root)); then
	check_key key_of_32_bytes_accepted 0 'cluster key: .*/key \(32 bytes\)' \
		"$k64\n" 600
	check_key key_of_64_bytes_mode_0400_no_newline_accepted 0 \
		'cluster key: .*/key \(64 bytes\)' "${k64^^}$k64" 400
	printf '%s\n' "$k64" >"$tmp/other.key" && chmod 600 "$tmp/other.key" &&
		chown 65534 "$tmp/other.key"
	check key_not_owned_by_root_refused 1 'other.key: owned by uid 65534' \
		'1 192.0.2.1\n' -n 1 -k "$tmp/other.key"
else
	skip key_of_32_bytes_accepted "not root: key files must be owned by root"
	skip key_of_64_bytes_mode_0400_no_newline_accepted "not root"
	skip key_not_owned_by_root_refused "not root"
fi
check_key key_group_readable_refused 1 'key: mode 0640 gives group or others access' \
	"$k64\n" 640
check_key key_of_31_bytes_refused 1 'key: 62 hex digits' "${k64:0:62}\n" 600
check_key key_of_65_bytes_refused 1 'key: 130 hex digits' "$k64${k64}ab\n" 600
check_key key_with_non_hex_character_refused 1 'key: byte 11 is not a hex digit' \
	"${k64:0:10}g${k64:11}\n" 600
check_key key_with_two_lines_refused 1 'key: byte 65 is not a hex digit' \
	"$k64\n$k64\n" 600
echo "$((n - failed - skipped)) passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
