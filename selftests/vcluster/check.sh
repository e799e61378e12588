#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Checks of utils/rsm-vcluster itself, without rsm.ko (--no-rsm): that
# nodes boot and reach each other over Ethernet and soft-RoCE, and that the
# runner's verdict catches what it must (a failing command, a kernel
# WARNING, a timeout) and lets a requested node kill pass; that every node
# gets the run's cluster key as /etc/rsm/rsm.key (and none with --no-key).
#
# Usage: selftests/vcluster/check.sh [CASE...]   (default: all cases)
# Prints one TAP line per case; exit status 0 if all passed.  Takes a few
# minutes under TCG.

# shellcheck disable=SC2016,SC2317 # node commands expand in the nodes; cases run by name
top=$(cd "$(dirname "$0")/../.." && pwd)
vcluster=$top/utils/rsm-vcluster
logroot=$(mktemp -d /tmp/rsm-vcluster-check.XXXXXX)

# Reach every address in RSM_NODE_ADDRS.
ping_all='for a in $RSM_NODE_ADDRS; do ping -c1 -W10 $a >/dev/null || { echo "cannot reach $a"; exit 1; }; done; echo "$(hostname) reached all $RSM_NODES"'

# ib_write_lat: node 1 serves, node 2 starts once the server listens.
perftest='if [ $RSM_NODE_ID = 1 ]; then
	ib_write_lat -d rxe0 -n 100 -F >/tmp/lat.log 2>&1 & srv=$!
	until ss -ltn | grep -q ":18515 "; do sleep 0.2; done
	touch $RSM_SHARE/server-up
	wait $srv
else
	until [ -e $RSM_SHARE/server-up ]; do sleep 0.2; done
	ib_write_lat -d rxe0 -n 100 -F 10.77.0.1 | grep -A1 "#bytes"
fi'

kill_node2='ping -c1 -W10 node2 >/dev/null || exit 1
touch $RSM_SHARE/kill-node2
until [ -e $RSM_SHARE/killed-node2 ]; do sleep 0.2; done
! ping -c1 -W3 node2 >/dev/null'

# The run's key (the host's copy in the log directory) as rsmadm wants it.
key_check='k=/etc/rsm/rsm.key
[ "$(stat -c "%a %u %F" $k)" = "600 0 regular file" ] || { ls -l $k; exit 1; }
grep -Eqx "[0-9a-f]{64}" $k || exit 1
[ "$(cat $k)" = "$(cat /run/rsm-vcluster/ctl/rsm.key)" ] || exit 1
[ "$RSM_KEY" = $k ] && echo "$(hostname) has the key"'
no_key_check='[ ! -e /etc/rsm/rsm.key ] && [ -z "$RSM_KEY" ] &&
	echo "$(hostname) has no key"'

# name  expected-exit  expected-output (grep -E)  rsm-vcluster arguments...
case_two_nodes()   { check 0 'node2 reached all 2' -n 2 "$ping_all"; }
case_three_nodes() { check 0 'node3 reached all 3' -n 3 "$ping_all"; }
case_four_nodes()  { check 0 'node4 reached all 4' -n 4 "$ping_all"; }
case_rxe()         { check 0 'PORT_ACTIVE' -n 2 'rdma link show rxe0/1 | grep -q "state ACTIVE" && ibv_devinfo -d rxe0 | grep state:'; }
case_perftest()    { check 0 '^ +2 +100 ' -n 2 "$perftest"; }
case_failing()     { check 1 'node2: command exited with status 3' -n 2 '[ $RSM_NODE_ID = 1 ] || exit 3'; }
case_warning()     { check 1 'WARNING: injected' -n 2 --node 2 "echo 'WARNING: injected' >/dev/kmsg"; }
case_timeout()     { check 1 'command stopped at the 20s timeout' -n 2 --node 1 --timeout 20 'sleep 600'; }
case_kill()        { check 0 'node2 .*killed on request' -n 3 --node 1 "$kill_node2"; }
case_key()         { check 0 'node2 has the key' -n 2 "$key_check"; }
case_no_key()      { check 0 'node2 has no key' -n 2 --no-key "$no_key_check"; }

all_cases=(two_nodes rxe perftest three_nodes four_nodes failing warning
	   timeout kill key no_key)

check() {
	local want=$1 pattern=$2 rc
	shift 2
	"$vcluster" --no-rsm -q --logdir "$logroot/$name" "$@" \
		>"$logroot/$name.txt" 2>&1
	rc=$?
	if ((rc != want)); then
		echo "# $name: rsm-vcluster exited $rc, expected $want"
		return 1
	fi
	grep -Eq -- "$pattern" "$logroot/$name.txt" \
		"$logroot/$name"/node*.out 2>/dev/null || {
		echo "# $name: output lacks /$pattern/"
		return 1
	}
}

cases=("$@")
((${#cases[@]})) || cases=("${all_cases[@]}")
echo "TAP version 13"
echo "1..${#cases[@]}"
n=0 failed=0
for name in "${cases[@]}"; do
	((n++))
	if declare -F "case_$name" >/dev/null && "case_$name"; then
		echo "ok $n $name"
	else
		echo "not ok $n $name (see $logroot/$name.txt)"
		failed=1
	fi
done
echo "# logs in $logroot"
exit "$failed"
