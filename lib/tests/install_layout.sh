#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# "make install" puts the library, its links, the public headers (and
# only those: no uapi header), the pkg-config file and the man pages where
# PREFIX/LIBDIR/INCLUDEDIR/MANDIR and DESTDIR say, and a program builds
# against the installed tree alone through pkg-config.
cd "$(dirname "$0")" || exit 1
. ./tap.sh

make=${MAKE:-make}
cc=${CC:-cc}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/rsm-install.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

# Quietly, and without the caller's make flags (e.g. -n, -k).
install_to() {
	dest=$tmp/$1
	shift
	MAKEFLAGS= $make -s -C .. install DESTDIR="$dest" "$@" >/dev/null
}

if tap_check "make install DESTDIR=... PREFIX=/usr" install_to a PREFIX=/usr; then
	r=$tmp/a/usr
	for f in lib/librsm.so.1.0.0 lib/librsm.a include/rsmapi.h \
		 include/sys/rsm/rsm_common.h include/sys/rsm/rsmapi_common.h \
		 lib/pkgconfig/librsm.pc share/man/man3/rsmapi.3 \
		 share/man/man3/rsm_get_controller.3 \
		 share/man/man5/rsm.segmentid.5; do
		tap_check "installed $f" [ -f "$r/$f" ]
	done
	tap_check "installed librsm.so.1 -> librsm.so.1.0.0" \
		[ "$(readlink "$r/lib/librsm.so.1")" = librsm.so.1.0.0 ]
	tap_check "installed librsm.so -> librsm.so.1" \
		[ "$(readlink "$r/lib/librsm.so")" = librsm.so.1 ]
	tap_check "no uapi header installed" \
		[ -z "$(find "$tmp/a" -name rsm_ioctl.h)" ]
	tap_check "librsm.pc: prefix=/usr" grep -qx "prefix=/usr" \
		"$r/lib/pkgconfig/librsm.pc"
	tap_check "librsm.pc: Version: 0.1" grep -qx "Version: 0.1" \
		"$r/lib/pkgconfig/librsm.pc"
	tap_check "librsm.pc: nothing left unfilled" sh -c \
		"! grep -q @ '$r/lib/pkgconfig/librsm.pc'"
fi

if command -v pkg-config >/dev/null 2>&1 && [ -d "$tmp/a/usr" ]; then
	pc=$(PKG_CONFIG_LIBDIR=$tmp/a/usr/lib/pkgconfig \
	     PKG_CONFIG_SYSROOT_DIR=$tmp/a pkg-config --cflags --libs librsm)
	cat > "$tmp/prog.c" <<-'PROG'
	#include <rsmapi.h>
	int main(void)
	{
		return rsm_get_segmentid_range(0, 0, 0) != RSMERR_BAD_ADDR;
	}
	PROG
	if tap_check "program builds against the installed tree ($pc)" \
		$cc -Wall -Werror -o "$tmp/prog" "$tmp/prog.c" $pc; then
		tap_check "program runs with the installed library" \
			env LD_LIBRARY_PATH="$tmp/a/usr/lib" "$tmp/prog"
	fi
fi

tap_check "make install with LIBDIR, INCLUDEDIR, MANDIR" install_to b \
	PREFIX=/opt/rsm LIBDIR=/opt/rsm/lib64 INCLUDEDIR=/opt/rsm/inc \
	MANDIR=/opt/rsm/man
r=$tmp/b/opt/rsm
tap_check "LIBDIR honoured" [ -f "$r/lib64/librsm.so.1.0.0" ]
tap_check "INCLUDEDIR honoured" [ -f "$r/inc/sys/rsm/rsm_common.h" ]
tap_check "MANDIR honoured" [ -f "$r/man/man3/rsmapi.3" ]
tap_check "librsm.pc names LIBDIR" \
	grep -qx "libdir=/opt/rsm/lib64" "$r/lib64/pkgconfig/librsm.pc"
tap_check "librsm.pc names INCLUDEDIR" \
	grep -qx "includedir=/opt/rsm/inc" "$r/lib64/pkgconfig/librsm.pc"
tap_finish
