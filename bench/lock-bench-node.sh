#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# lock-bench-node.sh - the part of `make bench-lock` that runs inside each
# node of a 3-node virtual cluster that ran imc_init (started by
# bench/run-lock-bench.sh).  First ib_atomic_lat between nodes 1 and 2
# (node 2 prints the `pt lat atomic ...` line, see perftest-lib.sh), then
# bench/imc-lock-bench on every node.

set -u

top=${RSM_TOP:-$(cd "$(dirname "$0")/.." && pwd)}
share=${RSM_SHARE:?run me under utils/rsm-vcluster}
node=${RSM_NODE_ID:?run me under utils/rsm-vcluster}
nodes=${RSM_NODES:-3}
server_ip=10.77.0.1
dev=${RSM_CONTROLLER:-rxe0}
lat_iters=${BENCH_LAT_ITERS:-200}
secs=${BENCH_LOCK_SECS:-10}
bw_bytes=0
step_timeout=120

. "$top/bench/perftest-lib.sh"

rc=0
if [ "$node" -le 2 ] && [ "${RSM_TRANSPORT:-rxe}" != siw ]; then
	# 8-byte compare-and-swap round trips (siw has no atomics)
	perftest_step 1 lat ib_atomic_lat 8 "$lat_iters" || rc=1
fi
[ "$node" -gt 2 ] || touch "$share/lkb-perftest.$node"
# every node waits for perftest, so it runs alone
wait_file lkb-perftest.2 600 || exit 1
"$top/bench/imc-lock-bench" -S "$share" -N "$node" -H "$nodes" \
	-n "$lat_iters" -t "$secs" || rc=1
exit $rc
