#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# TAP: run-all.sh's cluster_run() against a stubbed cluster_run_once():
# a cluster whose virtual NIC stalled (the guest's NETDEV WATCHDOG in a
# console log) is run again at most twice and only its last run counts;
# a cluster that failed otherwise is not run again.
# shellcheck disable=SC2034 # read by the functions taken from run-all.sh
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d /tmp/rsm-rerun.XXXXXX)
trap 'rm -rf "$work"' EXIT
eval "$(sed -n '/^nic_stalled() {/,/^}/p; /^cluster_run() {/,/^}/p' \
	"$top/selftests/run-all.sh")"

record() {
	case $1 in
	ok) pass=$((pass + 1)) ;;
	*) fail=$((fail + 1)); failures+=("$2") ;;
	esac
}

# The stub: the first $stalls runs fail with a stall (or with another
# fault when $other), later ones pass.
cluster_run_once() {
	runs=$((runs + 1))
	last_cluster=c last_logdir=$out/c
	mkdir -p "$last_logdir"
	echo runner >"$out/c.log"
	if ((runs <= stalls)); then
		if ((other)); then
			echo "[ 1.0] some other failure" >"$last_logdir/node1.console.log"
		else
			echo "[ 1.0] virtio_net virtio3 eth0: NETDEV WATCHDOG: CPU: 0: transmit queue 0 timed out 5004 ms" \
				>"$last_logdir/node2.console.log"
		fi
		record fail c.t
		bad_clusters+=(c)
	else
		: >"$last_logdir/node1.console.log"
		record ok c.t
	fi
}

n=0 rc=0
check() {	# check NAME STALLS OTHER RUNS PASS FAIL
	local name=$1
	out=$work/$name
	mkdir -p "$out"
	pass=1 skip=0 fail=0 failures=() bad_clusters=() nic_retries=()
	runs=0 stalls=$2 other=$3
	cluster_run 2 >"$out/log" 2>&1
	n=$((n + 1))
	if ((runs == $4 && pass == $5 && fail == $6 &&
	     ${#failures[@]} == $6 && ${#bad_clusters[@]} == $6)); then
		echo "ok $n $name"
	else
		echo "not ok $n $name (runs $runs, pass $pass, fail $fail)"
		rc=1
	fi
}

echo "1..5"
check a_clean_cluster_runs_once 0 0 1 2 0
check one_stall_runs_again_and_the_second_run_counts 1 0 2 2 0
check two_stalls_run_three_times 2 0 3 2 0
check three_stalls_fail 3 0 3 1 1
check another_failure_is_not_run_again 1 1 1 1 1
exit $rc
