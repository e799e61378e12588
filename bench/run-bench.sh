#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run-bench.sh - `make bench`: rsm put/get against perftest on the same
# virtual machines in the same run.
#
# Boots a 2-node cluster with utils/rsm-vcluster; inside it
# bench/bench-node.sh runs perftest (ib_write_lat, ib_read_lat,
# ib_write_bw) over rxe0 and then rsmbench, node 2 measuring against
# node 1.  Then prints each rsm figure next to its perftest twin:
#
#   rsm put latency  vs ib_write_lat     goal: ratio <= 1.2
#   rsm get latency  vs ib_read_lat      goal: ratio <= 1.2
#   rsm put MB/s     vs ib_write_bw      goal: ratio >= 0.95 at 1 MiB
#
# The goals are printed, not enforced: the nodes are emulated (TCG), so
# absolute numbers mean little and even ratios are noisy.  Exit status 0
# when both benchmarks ran, 1 otherwise.
#
# Usage: bench/run-bench.sh [rsm-vcluster options...]
# Environment: BENCH_LAT_ITERS, BENCH_BW_BYTES, BENCH_LAT_SIZES,
# BENCH_BW_SIZES, BENCH_SKIP_PERFTEST, BENCH_SKIP_RSM (see bench-node.sh).

set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
logdir=$(mktemp -d /tmp/rsm-bench.XXXXXX)

lat_goal=1.2
bw_goal=0.95
bw_goal_size=1048576

# Hand the BENCH_* settings to the nodes (the runner starts the command
# with a clean environment).
node_cmd=
for v in BENCH_LAT_ITERS BENCH_BW_BYTES BENCH_LAT_SIZES BENCH_BW_SIZES \
	 BENCH_SKIP_PERFTEST BENCH_SKIP_RSM; do
	[ -n "${!v:-}" ] && node_cmd+="$v=$(printf %q "${!v}") "
done
node_cmd+="bench/bench-node.sh"

echo "bench: logs in $logdir"
start=$SECONDS
"$top/utils/rsm-vcluster" -n 2 --timeout 900 --logdir "$logdir/cluster" \
	"$@" -- "$node_cmd"
rc=$?
echo "bench: cluster run took $((SECONDS - start)) s"

out=$logdir/cluster/node2.out
if [ ! -s "$out" ]; then
	echo "bench: no output from node 2 (see $logdir/cluster)" >&2
	exit 1
fi

# Join the two sets of lines and print the comparison.
awk -v lg="$lat_goal" -v bg="$bw_goal" -v bgs="$bw_goal_size" '
function ratio(a, b) { return b > 0 ? a / b : 0 }
function verdict(ok) { return ok ? "met" : "NOT met" }
$1 == "pt" && $2 == "lat" { pt_lat[$3, $4] = $5 }
$1 == "pt" && $2 == "bw"  { pt_bw[$3, $4] = $5 }
$1 == "lat" && NF == 5    { rsm_lat[$2, $3] = $4; lat_sizes[$3] = 1 }
$1 == "bw" && NF == 4     { rsm_bw[$2, $3] = $4; bw_sizes[$3] = 1 }
$1 == "pt" && $2 == "lat" { lat_sizes[$4] = 1 }
$1 == "pt" && $2 == "bw"  { bw_sizes[$4] = 1 }
END {
	n = 0; for (s in lat_sizes) ls[++n] = s + 0
	for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++)
		if (ls[j] < ls[i]) { t = ls[i]; ls[i] = ls[j]; ls[j] = t }
	m = 0; for (s in bw_sizes) bs[++m] = s + 0
	for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++)
		if (bs[j] < bs[i]) { t = bs[i]; bs[i] = bs[j]; bs[j] = t }

	print ""
	print "== rsm vs perftest, same VMs, same run (typical = median, usec) =="
	printf "%8s  %9s %12s %6s  %9s %12s %6s\n", "bytes", "rsm put",
	       "ib_write_lat", "ratio", "rsm get", "ib_read_lat", "ratio"
	for (i = 1; i <= n; i++) {
		s = ls[i]; line = sprintf("%8d", s)
		split("put write get read", k, " ")
		for (d = 1; d <= 3; d += 2) {
			r = rsm_lat[k[d], s]; p = pt_lat[k[d + 1], s]
			if (r != "" && p != "") {
				q = ratio(r, p)
				line = line sprintf("  %9.1f %12.1f %6.2f", r, p, q)
				res[++nr] = sprintf("ratio lat %s %d %.3f goal<=%s %s",
					k[d], s, q, lg, verdict(q <= lg))
			} else
				line = line sprintf("  %9s %12s %6s", r == "" ? "-" : r,
					p == "" ? "-" : p, "-")
		}
		print line
	}
	print ""
	printf "%8s  %9s %12s %6s  %9s\n", "bytes", "rsm put", "ib_write_bw",
	       "ratio", "rsm get"
	for (i = 1; i <= m; i++) {
		s = bs[i]; r = rsm_bw["put", s]; p = pt_bw["write", s]
		g = rsm_bw["get", s]; if (g == "") g = "-"
		if (r != "" && p != "") {
			q = ratio(r, p)
			printf "%8d  %9.1f %12.1f %6.2f  %9s   MB/s\n", s, r, p, q, g
			if (s == bgs)
				res[++nr] = sprintf("ratio bw put %d %.3f goal>=%s %s",
					s, q, bg, verdict(q >= bg))
			else
				res[++nr] = sprintf("ratio bw put %d %.3f", s, q)
		} else
			printf "%8d  %9s %12s %6s  %9s   MB/s\n", s, r == "" ? "-" : r,
			       p == "" ? "-" : p, "-", g
	}
	print ""
	if (nr == 0)
		print "no ratios: rsm or perftest figures are missing (see the logs)"
	met = 0; tot = 0
	for (i = 1; i <= nr; i++) {
		print res[i]
		if (res[i] ~ /goal/) { tot++; if (res[i] !~ /NOT met$/) met++ }
	}
	if (tot)
		printf "goals met: %d of %d (goals, not gates; TCG timing is noisy)\n",
		       met, tot
}' "$out" | tee "$logdir/comparison.txt"

echo "bench: comparison saved in $logdir/comparison.txt"
grep -q '^lat put' "$out" || { echo "bench: no rsm figures" >&2; rc=1; }
grep -q '^pt lat' "$out" || { echo "bench: no perftest figures" >&2; rc=1; }
exit $rc
