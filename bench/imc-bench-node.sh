#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# imc-bench-node.sh - the part of `make bench-imc` that runs inside each
# node of a 4-node virtual cluster that ran imc_init (started by
# bench/run-imc-bench.sh).  First perftest between nodes 1 and 2
# (ib_write_lat, ib_write_bw; node 2 prints the `pt ...` lines, see
# perftest-lib.sh), then bench/imc-bench: node 1 sends to regions received
# on 1, 2 and 3 hosts and prints `imc lat|bw ...` lines.

set -u

top=${RSM_TOP:-$(cd "$(dirname "$0")/.." && pwd)}
share=${RSM_SHARE:?run me under utils/rsm-vcluster}
node=${RSM_NODE_ID:?run me under utils/rsm-vcluster}
nodes=${RSM_NODES:-4}
server_ip=10.77.0.1
dev=${RSM_CONTROLLER:-rxe0}
lat_iters=${BENCH_LAT_ITERS:-100}
bw_bytes=${BENCH_BW_BYTES:-8388608}
lat_sizes=${BENCH_LAT_SIZES:-"8 64 512 4096"}
bw_sizes=${BENCH_BW_SIZES:-"65536 262144 1048576"}
step_timeout=120

. "$top/bench/perftest-lib.sh"

rc=0
if [ "$node" -le 2 ]; then
	step=0
	for s in $lat_sizes; do
		step=$((step + 1))
		perftest_step $step lat ib_write_lat "$s" "$lat_iters" || rc=1
	done
	for s in $bw_sizes; do
		step=$((step + 1))
		perftest_step $step bw ib_write_bw "$s" "$(bw_iters_for "$s")" ||
			rc=1
	done
	touch "$share/imcb-perftest.$node"
fi
# every node waits for perftest, so it runs alone
wait_file imcb-perftest.2 600 || exit 1
"$top/bench/imc-bench" -S "$share" -N "$node" -R $((nodes - 1)) \
	-l "$lat_sizes" -b "$bw_sizes" -n "$lat_iters" -B "$bw_bytes" || rc=1
exit $rc
