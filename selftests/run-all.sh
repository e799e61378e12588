#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The whole rsm test suite (what `make check` runs):
#   1. host checks: checkpatch --strict, W=1 and C=1 (sparse) builds without
#      warnings, DKMS add/build/install, make install layout, librsm unit
#      tests;
#   2. the kselftests on virtual soft-RoCE clusters of 2 and 3 nodes, every
#      node running them at once; a test passes when it passes on every node,
#      and each cluster also passes only if every guest kernel log is clean
#      and rsm.ko unloads.
# Prints one line per test, the failures with where to look, and a closing
# "N passed, N failed, N skipped" line; exits non-zero on any failure.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
out=${RSM_TEST_OUT:-$top/build/test-results}
rm -rf "$out"
mkdir -p "$out"

pass=0 fail=0 skip=0
failures=()
bad_clusters=()
nic_retries=()

record() {	# record STATUS NAME [WHERE]
	case $1 in
	ok)	pass=$((pass + 1)); echo "ok - $2" ;;
	skip)	skip=$((skip + 1)); echo "ok - $2 # SKIP ${3:-}" ;;
	*)	fail=$((fail + 1)); echo "not ok - $2${3:+ (see $3)}"
		failures+=("$2${3:+: $3}") ;;
	esac
}

# run_tap PREFIX LOGFILE COMMAND...: one verdict per TAP line of COMMAND,
# named PREFIX.<first word of the test name>; no TAP line at all fails.
run_tap() {
	local prefix=$1 log=$2 st name n=0
	shift 2
	"$@" >"$log" 2>&1
	while read -r st name; do
		n=$((n + 1))
		record "$st" "$prefix.$name" "$log"
	done < <(sed -nE 's/^ok [0-9]+ ([^ ]*).*$/ok \1/p
		s/^not ok [0-9]+ ([^ ]*).*$/fail \1/p' "$log")
	[ "$n" -gt 0 ] || record fail "$prefix.tests_ran" "$log"
}

run_check() {	# run_check NAME LOGFILE COMMAND...
	local name=$1 log=$2
	shift 2
	if "$@" >"$log" 2>&1; then
		record ok "$name"
	else
		record fail "$name" "$log"
	fi
}

kver=$(ls -d /lib/modules/*/build 2>/dev/null | sort -V | tail -n 1 | cut -d/ -f4)
kdir=/lib/modules/$kver/build
ksrc=$(ls /usr/src/linux-source-*.tar.xz 2>/dev/null | sort -V | tail -n 1)

# RSM_CLUSTER_ONLY=1 (selftests/run-debug.sh): only the virtual clusters.
# RSM_CLUSTERS: the virtual clusters to run (names as in the verdicts).
# RSM_VC_KERNEL, RSM_KO, RSM_KO_TESTHOOKS, RSM_VC_TIMEOUT: the guest kernel
# and the modules the clusters load, and their time limit; RSM_VC_MODPARAM:
# parameters for every insmod of rsm.ko.
cluster_only=${RSM_CLUSTER_ONLY:-0}
# a cluster takes 3-6 min on Debian's kernel: a hung one must not take CI
# past its limit
vcbase=(--timeout "${RSM_VC_TIMEOUT:-1500}")
# a debug kernel boots slowly, three at once even more so
[ -z "${RSM_VC_KERNEL:-}" ] ||
	vcbase+=(--kernel "$RSM_VC_KERNEL" --boot-timeout 900 --wait-timeout 900)
[ -z "${RSM_KO:-}" ] || vcbase+=(--rsm-ko "$RSM_KO")
[ -z "${RSM_VC_MODPARAM:-}" ] || vcbase+=(--modparam "$RSM_VC_MODPARAM")
ko_testhooks=${RSM_KO_TESTHOOKS:-$top/build/testhooks/kernel/rsm.ko}

if [ "$cluster_only" -eq 0 ]; then
# --- host: lint ----------------------------------------------------------
lint_dir=$top/build/lint
mkdir -p "$lint_dir"
if [ ! -x "$lint_dir/scripts/checkpatch.pl" ] && [ -n "$ksrc" ]; then
	tar -xJf "$ksrc" -C "$lint_dir" --strip-components=1 --wildcards \
		'*/scripts/checkpatch.pl' '*/scripts/spelling.txt' \
		'*/scripts/const_structs.checkpatch' 2>/dev/null
fi
checkpatch_clean() {
	perl "$lint_dir/scripts/checkpatch.pl" --no-tree --strict --terse \
		--show-types -f kernel/rsm_*.c kernel/*.h include/uapi/*.h |
		tee /dev/stderr | grep -qvE 'total: 0 errors, 0 warnings, 0 checks' &&
		return 1
	return 0
}
run_check lint.checkpatch_strict_is_clean "$out/checkpatch.log" checkpatch_clean

# DESIGN.md decision 16: the transport's files include only rsm_tp.h, so
# a call from the transport into the segment layer does not compile.
transport_is_a_layer() {
	local f bad=0
	for f in tp ctrl membership conn cm auth msg wire rpc xfer rw lbuf mr; do
		f=kernel/rsm_$f.c
		if grep -E '^#include "' "$f" |
		   grep -qvE '"rsm_(tp|proto|wire_host)\.h"'; then
			echo "$f: includes a header above the transport"
			bad=1
		fi
	done
	return $bad
}
run_check lint.transport_files_include_only_the_transport_header \
	"$out/layers.log" transport_is_a_layer

# A private copy per flavour (build-flavour.sh), so the module the VMs
# load is not touched.
build_flavour() {	# build_flavour DIR MAKEVARS...
	local dir=$1
	shift
	selftests/build-flavour.sh "$kdir" "$dir" "$@" || return 1
	# any compiler or sparse diagnostic is a failure
	! grep -E 'warning:|error:' "$dir.log"
}
run_check lint.kernel_builds_without_warnings_at_W1 "$out/w1.log" \
	build_flavour "$top/build/w1" W=1
run_check lint.kernel_builds_clean_under_sparse_C1 "$out/c1.log" \
	build_flavour "$top/build/c1" C=1
# the security tests' module (cluster3-trust below); never installed
run_check lint.test_hook_module_builds_without_warnings_at_W1 \
	"$out/testhooks.log" build_flavour "$top/build/testhooks" W=1 \
	RSM_TEST_HOOKS=1

dkms_cycle() {
	make dkms-remove >/dev/null 2>&1
	make dkms-install KVER="$kver" || return 1
	dkms status -m rsm -v 0.1 -k "$kver" | tee /dev/stderr | grep -q installed ||
		return 1
	make dkms-remove
}
if command -v dkms >/dev/null; then
	run_check host.dkms_add_build_install_succeed "$out/dkms.log" dkms_cycle
else
	record skip host.dkms_add_build_install_succeed "dkms not installed"
fi

install_layout() {
	local d=$top/build/destdir
	rm -rf "$d"
	make install DESTDIR="$d" PREFIX=/usr || return 1
	for f in usr/lib/librsm.so.1 usr/lib/librsm.so usr/include/rsmapi.h \
		 usr/include/sys/rsm/rsm_common.h usr/sbin/rsmadm usr/bin/rsmstat \
		 usr/bin/rsm-vcluster etc/rsm/rsm.conf usr/lib/libimc.so.1 \
		 usr/lib/libimc.a usr/include/sys/imc.h usr/sbin/imc_init \
		 usr/sbin/imcs usr/lib/pkgconfig/libimc.pc; do
		[ -e "$d/$f" ] || { echo "missing $f"; return 1; }
	done
	ls "$d"/usr/lib/pkgconfig/librsm.pc "$d"/usr/share/man/man3/rsm_get_controller.3* \
	   "$d"/usr/share/man/man3/imc_api_init.3* "$d"/usr/share/man/man8/imcs.8* ||
		return 1
}
run_check host.make_install_honours_prefix_and_destdir "$out/install.log" \
	install_layout

# --- host: rsmadm configuration parsing (one verdict per case) ----------
run_tap host.rsmadm "$out/rsmadm.log" selftests/rsm/rsmadm_config_test.sh
run_tap host.nic_stall_rerun "$out/nic-stall-rerun.log" selftests/nic_stall_rerun_test.sh

# --- host: libimc's exported symbols, header and man pages ---------------
run_tap host.libimc "$out/libimc.log" make -s -C libimc check

# --- host: librsm unit tests (one verdict per test program) -------------
make -C lib check >"$out/lib-check.log" 2>&1
lib_rc=$?
n_lib=0
while read -r name st; do
	n_lib=$((n_lib + 1))
	record "$st" "lib.$name" "$out/lib-check.log"
done < <(awk '
	/^# ---- summary/ { prog = ""; next }
	/^# ---- / { if (prog != "") print prog, "fail"; prog = $3; next }
	prog != "" && /^[0-9]+ passed, [0-9]+ failed/ {
		print prog, ($3 == 0 ? "ok" : "fail"); prog = ""
	}
	prog != "" && /^1\.\.0 # SKIP/ { print prog, "skip"; prog = "" }
	END { if (prog != "") print prog, "fail" }' "$out/lib-check.log")
if [ "$lib_rc" -ne 0 ] || [ "$n_lib" -eq 0 ]; then
	record fail lib.unit_tests_all_pass "$out/lib-check.log"
fi

# --- host: checks of what a peer sends (kernel/rsm_wire.c on the host) --
# One make run: the crafted cases of selftests/fuzz/wire_cases (one verdict
# each), then libFuzzer on them for FUZZ_SECONDS (default 60), whose
# verdict is the "# fuzz_wire:" line the Makefile prints at the end.
run_tap host.wire "$out/fuzz.log" make -C selftests/fuzz check
grep -qE '^[0-9]+ passed, [0-9]+ failed$' "$out/fuzz.log" ||
	record fail host.wire.all_cases_ran "$out/fuzz.log"
fuzz_survived() {
	echo "log: $out/fuzz.log, inputs: build/fuzz/"
	grep -E '^# fuzz_wire: ' "$out/fuzz.log" &&
		grep -q '^# fuzz_wire: ok' "$out/fuzz.log"
}
run_check host.fuzz_wire_checks_survive_60s_without_sanitizer_reports \
	"$out/fuzz-verdict.log" fuzz_survived

# --- the cluster runner itself (no rsm.ko) --------------------------------
run_tap vcluster "$out/vcluster.log" selftests/vcluster/check.sh
fi	# cluster_only

# --- virtual clusters ----------------------------------------------------
# cluster_run N [--kill K | --trust] TESTS...: every node runs
# selftests/rsm/run_node.sh TESTS.  With --kill K the tests kill node K's
# VM (RSM_ALLOW_KILL=1): its results do not count, its runner row must
# say it was killed on request, and the verdicts are named clusterN-kill.
# With --trust the nodes load the test-hook build of rsm.ko (raw RDMA with
# any key, for the security tests) and squash remote root, the default of
# a real cluster; the verdicts are named clusterN-trust.  With --siw the
# nodes run soft-iWARP (controller siw0) instead of soft-RoCE; the
# verdicts are named clusterN-siw.  With --rails every node has a second
# controller (rxe1 on eth1): two Memory Channel rails; the verdicts are
# named clusterN-rails.
cluster_run_once() {
	local n=$1 killed=0 c vcargs=()
	shift
	c=cluster$n
	if [ "${1:-}" = --kill ]; then
		killed=$2
		c=cluster$n-kill
		shift 2
		# --as NAME: a second kill run needs its own logs
		if [ "${1:-}" = --as ]; then
			c=cluster$n-$2
			shift 2
		fi
	elif [ "${1:-}" = --trust ]; then
		c=cluster$n-trust
		vcargs=(--rsm-ko "$ko_testhooks" --remote-root squash)
		shift
	elif [ "${1:-}" = --siw ]; then
		c=cluster$n-siw
		vcargs=(--transport siw)
		shift
	elif [ "${1:-}" = --rails ]; then
		c=cluster$n-rails
		vcargs=(--rails 2)
		shift
	fi
	# RSM_CLUSTERS="cluster3 cluster3-trust": only these (default: all)
	if [ -n "${RSM_CLUSTERS:-}" ] && [[ " $RSM_CLUSTERS " != *" $c "* ]]; then
		echo "# $c: not selected (RSM_CLUSTERS)"
		return 0
	fi
	local logdir=$out/$c fail0=$fail
	last_cluster=$c last_logdir=$logdir
	echo "# booting a $n-node virtual cluster (logs in $logdir)"
	# the import tests move 64 MiB and publish 10,000 segments under TCG
	utils/rsm-vcluster -n "$n" --logdir "$logdir" -q "${vcbase[@]}" \
		"${vcargs[@]}" -- env RSM_ALLOW_KILL=$((killed > 0)) RSM_KILL_NODE="$killed" \
		${RSM_LOCK_ITERS:+RSM_LOCK_ITERS=$RSM_LOCK_ITERS} \
		selftests/rsm/run_node.sh "$@" \
		>"$out/$c.log" 2>&1
	tail -n 20 "$out/$c.log" | sed 's/^/# /'

	# per-node KTAP -> one verdict per test
	local k f
	for k in $(seq 1 "$n"); do
		f=$logdir/node$k.out
		[ -f "$f" ] && [ "$k" -ne "$killed" ] || continue
		awk -v node="$k" '
			/^# node [0-9?]+: running / { bin = $5; next }
			/^#  RUN / { run = $3; next }
			/^(not )?ok [0-9]+ / {
				st = ($1 == "ok") ? "ok" : "fail"
				line = $0
				sub(/^(not )?ok [0-9]+ /, "", line)
				if (line ~ /# SKIP/) { st = "skip"; sub(/ *# SKIP.*/, "", line) }
				# the harness prints no name with a SKIP
				if (line == "") line = run
				print bin "." line, node, st
			}' "$f"
	done | sort >"$out/$c.results"

	local name nodes_ok nodes_skip seen want=$n
	[ "$killed" -eq 0 ] || want=$((n - 1))
	while read -r name; do
		seen=$(awk -v t="$name" '$1 == t' "$out/$c.results" | wc -l)
		nodes_ok=$(awk -v t="$name" '$1 == t && $3 == "ok"' "$out/$c.results" | wc -l)
		nodes_skip=$(awk -v t="$name" '$1 == t && $3 == "skip"' "$out/$c.results" | wc -l)
		if [ "$nodes_skip" -eq "$want" ]; then
			record skip "$c.$name" "skipped on every node"
		elif [ "$seen" -eq "$want" ] && [ $((nodes_ok + nodes_skip)) -eq "$want" ]; then
			record ok "$c.$name"
		else
			local bad
			bad=$(awk -v t="$name" '$1 == t && $3 == "fail" { printf "node%s ", $2 }' \
				"$out/$c.results")
			record fail "$c.$name" "${bad:-missing on some node}in $logdir/node*.out"
		fi
	done < <(cut -d' ' -f1 "$out/$c.results" | sort -u)

	# the runner's own verdict per node: kernel log clean, module unloads
	local row
	for k in $(seq 1 "$n"); do
		row=$(grep -E "^  node$k " "$out/$c.log")
		if [ "$k" -eq "$killed" ]; then
			if echo "$row" | grep -q "killed on request"; then
				record ok "$c.node$k.killed_on_request"
			else
				record fail "$c.node$k.killed_on_request" "$out/$c.log"
			fi
		elif [ -n "$row" ] && echo "$row" | awk '{ exit !($5 == "ok" && $6 == "clean") }'; then
			record ok "$c.node$k.kernel_log_clean_and_rsm_unloads"
		else
			record fail "$c.node$k.kernel_log_clean_and_rsm_unloads" \
				"$logdir/node$k.dmesg, $logdir/node$k.console.log"
		fi
	done
	[ "$fail" -eq "$fail0" ] || bad_clusters+=("$c")
}

# The nodes of a cluster whose virtual NIC stopped transmitting: the guest
# kernel's transmit watchdog fired on eth0 or eth1 (QEMU's virtio-net
# under TCG, seen about once in 50 cluster runs: one direction of a node
# pair then carries nothing for good, which no protocol survives).
nic_stalled() {	# nic_stalled LOGDIR
	grep -l "NETDEV WATCHDOG: .*transmit queue [0-9]* timed out" \
		"$1"/node*.console.log 2>/dev/null | sed 's|.*/||; s|\.console\.log||' |
		tr '\n' ' '
}

# cluster_run ARGS...: cluster_run_once; a run that failed because a
# virtual NIC stopped transmitting (rsm-vcluster aborts it at once) is kept
# (LOGDIR.nic-stallN) and run again, at most twice; only the last run
# counts.
cluster_run() {
	local p0=$pass s0=$skip f0=$fail nf=${#failures[@]} nb=${#bad_clusters[@]}
	local stalled try
	for try in 1 2 3; do
		last_cluster='' last_logdir=''
		cluster_run_once "$@"
		[ "$try" -lt 3 ] && [ "$fail" -gt "$f0" ] && [ -n "$last_logdir" ] ||
			return 0
		stalled=$(nic_stalled "$last_logdir")
		[ -n "$stalled" ] || return 0
		echo "# $last_cluster: the virtual NIC of ${stalled}stopped transmitting (guest: NETDEV WATCHDOG); a fault of the emulator, not of rsm"
		echo "# $last_cluster: the results above do not count; logs kept in $last_logdir.nic-stall$try; running it again"
		rm -rf "$last_logdir.nic-stall$try"
		mv "$last_logdir" "$last_logdir.nic-stall$try"
		mv "$out/$last_cluster.log" "$last_logdir.nic-stall$try/runner.log"
		pass=$p0 skip=$s0 fail=$f0
		failures=("${failures[@]:0:nf}")
		bad_clusters=("${bad_clusters[@]:0:nb}")
		nic_retries+=("$last_cluster ($stalled)")
	done
}

cluster_run 2
# three nodes: put on one, get on another; importers on two nodes
cluster_run 3 rsm_topology_test rsm_remote_test rsm_revoke_test rsm_importers_test \
	rsm_failure_test rsm_membership_test rsm_mapremote_test rsm_barrier_test \
	rsm_event_test rsm_evorder_test rsm_fuzz_test rsm_churn_test imc_cluster_test imc_region_test imc_attach_test imc_data_test \
	imc_fault_test imc_kill_test imc_lock_test imc_lockword_test imc_lkhome_test
# the exporter's VM killed inside open barrier spans: node 3 does not return
cluster_run 3 --kill 3 rsm_peerkill_test
# a Memory Channel host killed while it holds references: node 3 again
cluster_run 3 --kill 3 --as kill-imc imc_cluster_test imc_hostkill_test
# and the coordinator (node 1, the lowest id) killed the same way
cluster_run 3 --kill 1 --as kill-imc-coordinator imc_cluster_test imc_hostkill_test
# two controllers per node, two logical rails: WRONGRAIL, rail events,
# a region's data while its rail is down on one node
cluster_run 3 --rails imc_cluster_test imc_rail_test imc_data_test imc_lock_test \
	imc_lockword_test
# the trust model: forged peers, keys, registrations, loopback, root squash
cluster_run 3 --trust rsm_trust_test
# iWARP (soft-iWARP, controller siw0): the whole 2-node suite again
cluster_run 2 --siw
# and on three iWARP nodes: put/get across, revocation, importers on two
# nodes, event order, the peer-message fuzzer and churn under load
cluster_run 3 --siw rsm_remote_test rsm_revoke_test rsm_importers_test \
	rsm_evorder_test rsm_fuzz_test rsm_churn_test

# what a failed cluster's kernels said about their connections, so that a
# log of the last lines (CI's) shows why
cluster_diagnose() {	# cluster_diagnose NAME
	local f
	echo "$1: runner: $(grep -E '^  - ' "$out/$1.log" | head -n 3 | tr -s ' ' | tr '\n' ';')"
	for f in "$out/$1"/node*.dmesg; do
		[ -f "$f" ] || continue
		echo "$1: $(basename "$f" .dmesg): $(grep -cE 'connection lost|not authenticated|to connect failed' "$f") connection events, last:"
		grep -E 'rsm: |WARNING|BUG|rxe|siw' "$f" | grep -vE 'loading|verification' |
			tail -n 6 | cut -c1-160 | sed 's/^/    /'
	done
	for f in "$out/$1"/node*.net.log; do
		[ -f "$f" ] || continue
		echo "$1: $(basename "$f" .net.log): network, first and last two:"
		{ head -n 1 "$f"; tail -n 2 "$f"; } | cut -c1-200 | sed 's/^/    /'
	done
	for f in "$out/$1"/node*.out; do
		[ -f "$f" ] || continue
		echo "$1: $(basename "$f" .out): first failed check:"
		grep -m 1 -B 3 -E '^# +FAIL ' "$f" | cut -c1-160 | sed 's/^/    /'
	done
}

echo
if [ ${#failures[@]} -gt 0 ]; then
	echo "failures:"
	printf '  %s\n' "${failures[@]}"
fi
if [ ${#bad_clusters[@]} -gt 0 ]; then
	echo "diagnostics of the failed clusters:"
	for c in "${bad_clusters[@]}"; do
		cluster_diagnose "$c"
	done
fi
if [ ${#nic_retries[@]} -gt 0 ]; then
	echo "clusters run again after a virtual NIC stopped transmitting (those runs kept as *.nic-stallN):"
	printf '  %s\n' "${nic_retries[@]}"
fi
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
