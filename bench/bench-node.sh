#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bench-node.sh - the part of `make bench` that runs inside each node of a
# 2-node virtual cluster (started by bench/run-bench.sh through
# utils/rsm-vcluster).  Node 1 serves, node 2 measures:
#
#   1. perftest over the cluster's controller ($RSM_CONTROLLER: rxe0 or
#      siw0; ib_write_lat, ib_read_lat, ib_write_bw, ib_read_bw) at the
#      sizes rsmbench uses; node 2 prints one line per figure:
#        pt lat write <bytes> <typical-usec> <average-usec>
#        pt lat read  <bytes> <typical-usec> <average-usec>
#        pt bw  write <bytes> <MB/s>
#        pt bw  read  <bytes> <MB/s>
#   2. rsmbench (server on node 1, client on node 2), which prints its own
#      `lat put|get ...` and `bw put|get ...` lines, then `map ...` lines:
#      reads of cached pages of a mapping against local memory, the first
#      touch (page fault) of a page, and close_barrier with 1..64 dirty
#      pages next to a put of as many pages.
#
# Server and client meet through files in $RSM_SHARE.  Iteration counts are
# small because the nodes are emulated (TCG): see BENCH_* below.
#
# Environment (all optional): BENCH_LAT_ITERS (per latency size; also
# the passes of mapped reads and the least number of first touches),
# BENCH_BW_BYTES (moved per bandwidth size, at least 5 transfers),
# BENCH_LAT_SIZES, BENCH_BW_SIZES, BENCH_MAP_PAGES (pages read and
# first-touched, 0 = no mapping figures), BENCH_MAP_DIRTY (dirty page
# counts), BENCH_MAP_ITERS (timed closes and puts per count),
# BENCH_SKIP_PERFTEST=1, BENCH_SKIP_RSM=1.

set -u

top=${RSM_TOP:-$(cd "$(dirname "$0")/.." && pwd)}
share=${RSM_SHARE:?run me under utils/rsm-vcluster}
node=${RSM_NODE_ID:?run me under utils/rsm-vcluster}
server_ip=10.77.0.1
dev=${RSM_CONTROLLER:-rxe0}

lat_iters=${BENCH_LAT_ITERS:-100}
bw_bytes=${BENCH_BW_BYTES:-8388608}
lat_sizes=${BENCH_LAT_SIZES:-"8 16 32 64 128 256 512 1024 2048 4096"}
bw_sizes=${BENCH_BW_SIZES:-"65536 262144 1048576 4194304"}
map_pages=${BENCH_MAP_PAGES:-64}
map_dirty=${BENCH_MAP_DIRTY:-"1 4 16 64"}
map_iters=${BENCH_MAP_ITERS:-10}
step_timeout=120

. "$top/bench/perftest-lib.sh"

run_perftest() {
	local step=0 s
	for s in $lat_sizes; do
		step=$((step + 1)); perftest_step $step lat ib_write_lat "$s" "$lat_iters"
	done
	for s in $lat_sizes; do
		step=$((step + 1)); perftest_step $step lat ib_read_lat "$s" "$lat_iters"
	done
	for s in $bw_sizes; do
		step=$((step + 1))
		perftest_step $step bw ib_write_bw "$s" "$(bw_iters_for "$s")"
	done
	for s in $bw_sizes; do
		step=$((step + 1))
		perftest_step $step bw ib_read_bw "$s" "$(bw_iters_for "$s")"
	done
}

run_rsmbench() {
	# both sides get every size: the server sizes the segment from them
	local common=(-c "$dev" -l "$lat_sizes" -b "$bw_sizes"
		      -n "$lat_iters" -B "$bw_bytes" -S "$share"
		      -p "$map_pages" -d "$map_dirty" -j "$map_iters")
	if [ "$node" = 1 ]; then
		"$top/utils/rsmbench" -s "${common[@]}" -a 2
	else
		"$top/utils/rsmbench" "${common[@]}" -r 1
	fi
}

# Say on node 2 what runs and how long it took.
say() {
	[ "$node" = 2 ] && echo "$@"
	return 0
}

rc=0
if [ "${BENCH_SKIP_PERFTEST:-0}" != 1 ]; then
	say "== perftest over $dev (node 2 -> node 1) =="
	SECONDS=0
	run_perftest || rc=1
	say "bench: perftest took $SECONDS s"
fi
if [ "${BENCH_SKIP_RSM:-0}" != 1 ]; then
	say "== rsmbench over $dev (node 2 -> node 1) =="
	SECONDS=0
	run_rsmbench || rc=1
	say "bench: rsmbench took $SECONDS s"
fi
exit $rc
