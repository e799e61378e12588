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
#   rsm get MB/s     vs ib_read_bw       goal: ratio >= 0.95 from 64 KiB
#
# On either transport: `--transport siw` (or `make bench TRANSPORT=siw`)
# runs everything over soft-iWARP instead of soft-RoCE.
#
# and the figures of a mapped segment (rsm_memseg_import_map):
#
#   loads from cached pages  vs the same loads from local memory
#                                        goal: ratio <= 1.5
#   first touch of a page (a fault that fetches it by RDMA READ)
#                            vs ib_read_lat at the page size
#                                        goal: ratio <= 2
#   close_barrier with k dirty pages (1 byte or all of each page stored)
#                            vs put of k pages      goal: ratio <= 1.2
#
# The goals are printed, not enforced: the nodes are emulated (TCG), so
# absolute numbers mean little and even ratios are noisy.  Exit status 0
# when both benchmarks ran (rsmbench with its mapping figures, unless
# BENCH_MAP_PAGES=0), 1 otherwise.
#
# Usage: bench/run-bench.sh [--transport rxe|siw] [rsm-vcluster options...]
# Environment: BENCH_LAT_ITERS, BENCH_BW_BYTES, BENCH_LAT_SIZES,
# BENCH_BW_SIZES, BENCH_MAP_PAGES, BENCH_MAP_DIRTY, BENCH_MAP_ITERS,
# BENCH_SKIP_PERFTEST, BENCH_SKIP_RSM (see bench-node.sh).

set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
logdir=$(mktemp -d /tmp/rsm-bench.XXXXXX)

lat_goal=1.2
bw_goal=0.95
bw_goal_size=1048576
get_goal_from=65536
# Mapped segment.  Loads from a cached page are loads from ordinary memory.
# A first touch moves what ib_read_lat moves, one 4 KiB RDMA READ round
# trip (as a get does, whose goal is 1.2), and adds a page fault, a page
# allocation and the page-table insert: on fast hardware those can cost as
# much as the round trip itself, hence 2.  A close writes back the stored
# bytes of its dirty pages with RDMA WRITEs, waiting once per 32 runs of
# bytes, as a put of the pages moves them with RDMA WRITEs: the latency
# goal's 1.2.
map_read_goal=1.5
map_fault_goal=2
map_close_goal=1.2

# Hand the BENCH_* settings to the nodes (the runner starts the command
# with a clean environment).
node_cmd=
for v in BENCH_LAT_ITERS BENCH_BW_BYTES BENCH_LAT_SIZES BENCH_BW_SIZES \
	 BENCH_MAP_PAGES BENCH_MAP_DIRTY BENCH_MAP_ITERS \
	 BENCH_SKIP_PERFTEST BENCH_SKIP_RSM; do
	[ -n "${!v:-}" ] && node_cmd+="$v=$(printf %q "${!v}") "
done
node_cmd+="bench/bench-node.sh"

transport=rxe
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
	case ${args[i]} in
	--transport) transport=${args[i + 1]:-rxe} ;;
	--transport=*) transport=${args[i]#--transport=} ;;
	esac
done

echo "bench: logs in $logdir, transport $transport"
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
awk -v lg="$lat_goal" -v bg="$bw_goal" -v bgs="$bw_goal_size" \
    -v ggf="$get_goal_from" -v tp="$transport" \
    -v mrg="$map_read_goal" -v mfg="$map_fault_goal" -v mcg="$map_close_goal" '
function ratio(a, b) { return b > 0 ? a / b : 0 }
function verdict(ok) { return ok ? "met" : "NOT met" }
# perftest prints "inf" for a run it could not time: no figure
$1 == "pt" && $2 == "lat" && $5 + 0 > 0 && $5 != "inf" { pt_lat[$3, $4] = $5 }
$1 == "pt" && $2 == "bw" && $5 + 0 > 0 && $5 != "inf"  { pt_bw[$3, $4] = $5 }
$1 == "lat" && NF == 5    { rsm_lat[$2, $3] = $4; lat_sizes[$3] = 1 }
$1 == "bw" && NF == 4     { rsm_bw[$2, $3] = $4; bw_sizes[$3] = 1 }
$1 == "pt" && $2 == "lat" { lat_sizes[$4] = 1 }
$1 == "pt" && $2 == "bw"  { bw_sizes[$4] = 1 }
$1 == "map" && $2 == "read" && NF == 5  { mread_p = $3; mread_m = $4; mread_l = $5 }
$1 == "map" && $2 == "fault" && NF == 5 { mfault_s = $3; mfault = $4 }
$1 == "map" && $2 == "close" && NF == 6 { mclose[$3, $4] = $5; nmclose++
					  if ($3 != "clean") dirty[$4] = 1 }
$1 == "map" && $2 == "put" && NF == 5   { mput[$3] = $4 }
END {
	n = 0; for (s in lat_sizes) ls[++n] = s + 0
	for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++)
		if (ls[j] < ls[i]) { t = ls[i]; ls[i] = ls[j]; ls[j] = t }
	m = 0; for (s in bw_sizes) bs[++m] = s + 0
	for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++)
		if (bs[j] < bs[i]) { t = bs[i]; bs[i] = bs[j]; bs[j] = t }

	print ""
	print "== rsm vs perftest over " tp ", same VMs, same run (typical = median, usec) =="
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
	printf "%8s  %9s %12s %6s  %9s %12s %6s\n", "bytes", "rsm put",
	       "ib_write_bw", "ratio", "rsm get", "ib_read_bw", "ratio"
	for (i = 1; i <= m; i++) {
		s = bs[i]; line = sprintf("%8d", s)
		split("put write get read", k, " ")
		for (d = 1; d <= 3; d += 2) {
			r = rsm_bw[k[d], s]; p = pt_bw[k[d + 1], s]
			if (r == "" || p == "") {
				line = line sprintf("  %9s %12s %6s", r == "" ? "-" : r,
					p == "" ? "-" : p, "-")
				continue
			}
			q = ratio(r, p)
			line = line sprintf("  %9.1f %12.1f %6.2f", r, p, q)
			if ((d == 1 && s == bgs) || (d == 3 && s >= ggf))
				res[++nr] = sprintf("ratio bw %s %d %.3f goal>=%s %s",
					k[d], s, q, bg, verdict(q >= bg))
			else
				res[++nr] = sprintf("ratio bw %s %d %.3f", k[d], s, q)
		}
		print line "   MB/s"
	}
	nrpg = nr	# ratios of put and get; the mapping ratios follow

	if (mread_p != "" || mfault != "" || nmclose) {
		print ""
		print "== mapped segment (rsm_memseg_import_map), same VMs, same run =="
	}
	if (mread_p != "") {
		q = ratio(mread_m, mread_l)
		printf "read %d cached pages: mapped %.1f ns/page, local %.1f ns/page, ratio %.2f\n",
		       mread_p, mread_m, mread_l, q
		res[++nr] = sprintf("ratio map read %d %.3f goal<=%s %s",
			mread_p, q, mrg, verdict(q <= mrg))
	}
	if (mfault != "") {
		p = pt_lat["read", mfault_s]; g = rsm_lat["get", mfault_s]
		line = sprintf("first touch of a page: %.1f usec typical", mfault)
		if (p != "") {
			q = ratio(mfault, p)
			line = line sprintf(", ib_read_lat %d %.1f, ratio %.2f",
					    mfault_s, p, q)
			res[++nr] = sprintf("ratio map fault %d %.3f goal<=%s %s",
				mfault_s, q, mfg, verdict(q <= mfg))
		} else
			line = line sprintf(", no ib_read_lat at %d", mfault_s)
		if (g != "")
			line = line sprintf(" (rsm get %d: %.1f, ratio %.2f)",
					    mfault_s, g, ratio(mfault, g))
		print line
	}
	if (("clean", 0) in mclose)
		printf "close_barrier with nothing dirty: %.1f usec typical\n",
		       mclose["clean", 0]
	nk = 0; for (dk in dirty) ks[++nk] = dk + 0
	for (i = 1; i <= nk; i++) for (j = i + 1; j <= nk; j++)
		if (ks[j] < ks[i]) { t = ks[i]; ks[i] = ks[j]; ks[j] = t }
	if (nk) {
		print "close_barrier with k dirty pages, 1 byte or the whole of each stored,"
		print "against a put of k pages (typical usec; ratio = close / put):"
		printf "%6s  %9s %8s %6s  %9s %8s %6s  %9s\n", "pages",
		       "close 1B", "per page", "ratio", "close pg", "per page",
		       "ratio", "put"
	}
	for (i = 1; i <= nk; i++) {
		dk = ks[i]; pu = mput[dk]; line = sprintf("%6d", dk)
		for (v = 1; v <= 2; v++) {
			kind = v == 1 ? "byte" : "page"; c = mclose[kind, dk]
			if (c == "") { line = line sprintf("  %9s %8s %6s", "-", "-", "-"); continue }
			if (pu != "") {
				q = ratio(c, pu)
				line = line sprintf("  %9.1f %8.1f %6.2f", c, c / dk, q)
				res[++nr] = sprintf("ratio map close %s %d %.3f goal<=%s %s",
					kind, dk, q, mcg, verdict(q <= mcg))
			} else
				line = line sprintf("  %9.1f %8.1f %6s", c, c / dk, "-")
		}
		print line sprintf("  %9s", pu == "" ? "-" : sprintf("%.1f", pu))
	}

	print ""
	if (nr == 0)
		print "no ratios: rsm or perftest figures are missing (see the logs)"
	met = 0; tot = 0; met1 = 0; tot1 = 0
	for (i = 1; i <= nr; i++) {
		print res[i]
		if (res[i] ~ /goal/) {
			tot++; ok = res[i] !~ /NOT met$/; met += ok
			if (i <= nrpg) { tot1++; met1 += ok }
		}
	}
	if (tot)
		printf "goals met: %d of %d: put/get %d of %d, mapping %d of %d (goals, not gates; TCG timing is noisy)\n",
		       met, tot, met1, tot1, met - met1, tot - tot1
}' "$out" | tee "$logdir/comparison.txt"

echo "bench: comparison saved in $logdir/comparison.txt"
grep -q '^lat put' "$out" || { echo "bench: no rsm figures" >&2; rc=1; }
grep -q '^pt lat' "$out" || { echo "bench: no perftest figures" >&2; rc=1; }
if [ "${BENCH_MAP_PAGES:-64}" != 0 ]; then
	grep -q '^map close' "$out" || { echo "bench: no mapping figures" >&2; rc=1; }
fi
exit $rc
