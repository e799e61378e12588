#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run-imc-bench.sh - `make bench-imc`: imc_bcopy to 1, 2 and 3 receiving
# hosts against perftest on the same virtual machines in the same run.
#
# Boots a 4-node cluster that ran imc_init; inside it
# bench/imc-bench-node.sh runs perftest between nodes 1 and 2 and then
# bench/imc-bench, node 1 transmitting: every figure is an imc_bcopy into
# a transmit mapping followed by imc_ckerrcnt_mr, so the bytes have landed
# on every receiving host.  Then prints:
#
#   one receiver:  bcopy latency vs ib_write_lat    goal: ratio <= 1.3
#                  bcopy MB/s    vs ib_write_bw     goal: ratio >= 1/1.3
#   N receivers:   latency(N) / latency(1)          goal: <= N
#
# The goals are printed, not enforced (TCG: only ratios mean anything,
# and even they are noisy).  Exit status 0 when both ran.
#
# Usage: bench/run-imc-bench.sh [rsm-vcluster options...]
# Environment: BENCH_LAT_ITERS, BENCH_BW_BYTES, BENCH_LAT_SIZES,
# BENCH_BW_SIZES (see imc-bench-node.sh).

set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
logdir=$(mktemp -d /tmp/rsm-imc-bench.XXXXXX)

cc -O2 -Wall -Wextra -Werror -I"$top/include" -o "$top/bench/imc-bench" \
	"$top/bench/imc-bench.c" "$top/libimc/libimc.a" -lpthread || exit 1

echo "bench: logs in $logdir"
start=$SECONDS
"$top/utils/rsm-vcluster" -n 4 --imc --timeout 1800 \
	--logdir "$logdir/cluster" "$@" -- "$top/bench/imc-bench-node.sh"
rc=$?
echo "bench: cluster run took $((SECONDS - start)) s"

cat "$logdir/cluster/node1.out" "$logdir/cluster/node2.out" 2>/dev/null |
awk '
function ratio(a, b) { return b > 0 ? a / b : 0 }
function verdict(ok) { return ok ? "met" : "NOT met" }
# the keys of @set in ascending numeric order, in @out[1..n]
function sorted(set, out,    n, k, i, j, t) {
	n = 0; for (k in set) out[++n] = k + 0
	for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++)
		if (out[j] < out[i]) { t = out[i]; out[i] = out[j]; out[j] = t }
	return n
}
$1 == "pt" && $2 == "lat" && $5 != "inf" && $5 + 0 > 0 { pt_lat[$4] = $5 }
$1 == "pt" && $2 == "bw" && $5 != "inf" && $5 + 0 > 0  { pt_bw[$4] = $5 }
$1 == "imc" && $2 == "lat" { lat[$3, $4] = $5; ls[$4] = 1; if ($3 > nr) nr = $3 }
$1 == "imc" && $2 == "bw"  { bw[$3, $4] = $5; bs[$4] = 1; if ($3 > nr) nr = $3 }
END {
	print ""
	print "== imc_bcopy + imc_ckerrcnt_mr vs perftest, same VMs, same run =="
	printf "%8s %11s %12s %6s %6s", "bytes", "1 rx usec", "ib_write_lat",
	       "ratio", "goal"
	for (r = 2; r <= nr; r++) printf " %9s", r " rx / 1"
	print ""
	n = sorted(ls, lsz)
	for (i = 1; i <= n; i++) {
		s = lsz[i]; p = pt_lat[s]; l = lat[1, s]; q = ratio(l, p)
		printf "%8d %11.1f %12.1f %6.2f %6s", s, l, p, q,
		       p ? verdict(q <= 1.3) : "-"
		for (r = 2; r <= nr; r++) {
			q = ratio(lat[r, s], l)
			printf " %5.2f %s", q, q <= r ? "ok" : "NO"
		}
		print ""
	}
	printf "%8s %11s %12s %6s %6s", "bytes", "1 rx MB/s", "ib_write_bw",
	       "ratio", "goal"
	for (r = 2; r <= nr; r++) printf " %9s", "1 / " r " rx"
	print ""
	n = sorted(bs, bsz)
	for (i = 1; i <= n; i++) {
		s = bsz[i]; p = pt_bw[s]; b = bw[1, s]; q = ratio(b, p)
		printf "%8d %11.1f %12.1f %6.2f %6s", s, b, p, q,
		       p ? verdict(q >= 1 / 1.3) : "-"
		for (r = 2; r <= nr; r++) {
			q = ratio(b, bw[r, s])
			printf " %5.2f %s", q, q <= r ? "ok" : "NO"
		}
		print ""
	}
}'
exit $rc
