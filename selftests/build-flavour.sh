#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# build-flavour.sh KDIR DIR [MAKEVARS...]: build rsm.ko out of tree
# against the kernel tree KDIR from a private copy of the sources in DIR
# (sources only: copied objects would let make skip the compile), so that
# the module the virtual clusters load is never touched.  The build's
# output goes to DIR.log; the status is make's, or 1 if no rsm.ko came
# out.  Used by run-all.sh (W=1, C=1, test hooks) and run-debug.sh.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
kdir=$1 dir=$2
shift 2
cd "$top" || exit 1
rm -rf "$dir"
mkdir -p "$dir/kernel" "$dir/include/uapi" || exit 1
cp Kbuild "$dir/" && cp kernel/Kbuild kernel/*.[ch] "$dir/kernel/" &&
	cp include/uapi/*.h "$dir/include/uapi/" || exit 1
make -C "$kdir" M="$dir" "$@" modules >"$dir.log" 2>&1 || exit
[ -f "$dir/kernel/rsm.ko" ]
