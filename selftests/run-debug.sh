#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# make check-debug: the virtual-cluster part of the suite on a debug guest
# kernel (utils/rsm-debug-kernel: KASAN, lockdep, kmemleak,
# DEBUG_ATOMIC_SLEEP), with rsm.ko built against it.  The runner fails a
# node on any BUG, WARNING (lockdep reports are warnings), KASAN report or
# kmemleak find ("suspected memory leak", scanned after rsm.ko unloads).
# Ends with the same "N passed, N failed, N skipped" line as make check.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
cache=${RSM_DEBUG_KERNEL_CACHE:-/var/cache/rsm/debug-kernel}

start=$SECONDS
rel=$(utils/rsm-debug-kernel) || { echo "debug kernel: build failed"; exit 1; }
echo "# debug kernel $rel ready after $((SECONDS - start)) s"

# rsm.ko twice against the debug tree: plain, and with the test hooks
selftests/build-flavour.sh "$cache/src" "$top/build/debug" ||
	{ echo "rsm.ko: build failed, see $top/build/debug.log"; exit 1; }
selftests/build-flavour.sh "$cache/src" "$top/build/debug-testhooks" \
	RSM_TEST_HOOKS=1 ||
	{ echo "rsm.ko (test hooks): build failed, see $top/build/debug-testhooks.log"; exit 1; }

export RSM_CLUSTER_ONLY=1 RSM_VC_KERNEL=$rel RSM_VC_TIMEOUT=7200
export RSM_KO=$top/build/debug/kernel/rsm.ko
export RSM_KO_TESTHOOKS=$top/build/debug-testhooks/kernel/rsm.ko
export RSM_TEST_OUT=$top/build/test-results-debug
# the lock counting test checks exclusion, not speed: 1,000 rounds a
# process (60,000 in all took over 20 minutes of 3 nodes on this kernel)
export RSM_LOCK_ITERS=${RSM_LOCK_ITERS:-1000}
# the heartbeat timeout is set for the platform, as an administrator sets it
# for a network: a guest on this kernel runs several times slower than on
# Debian's, and one vCPU busy in siw's softirq for seconds, or the host busy
# with something else, made a live peer look silent for 3 s (the tests
# read the timeout in force)
export RSM_VC_MODPARAM=${RSM_VC_MODPARAM:-hb_timeout_ms=6000}
selftests/run-all.sh
rc=$?
echo "# check-debug: $((SECONDS - start)) s in all"
exit $rc
