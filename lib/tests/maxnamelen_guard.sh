#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# MAXNAMELEN defined before <rsmapi.h> cannot change the topology layout
# (spec 2.1): defined as 256 the program compiles with the library's
# layout, defined otherwise it does not compile, with an error that says
# why (maxnamelen_sample.c), in C and in C++.
cd "$(dirname "$0")" || exit 1
. ./tap.sh

cc=${CC:-cc}
cxx=${CXX:-g++}
command -v "$cc" >/dev/null 2>&1 || tap_skip_all "no C compiler"
flags="-Wall -Wextra -Werror -I../../include -o /dev/null"

# refused compiler args...: the compile fails, with an error about
# MAXNAMELEN reported in one of the RSM headers.
refused() {
	out=$("$@" 2>&1) && { echo "# compiled"; return 1; }
	printf '%s\n' "$out" |
		grep -q '/rsm[a-z_]*\.h:[0-9]*:.*error.*MAXNAMELEN' && return 0
	printf '%s\n' "$out" | head -n 8 | sed 's/^/# /'
	return 1
}

for lang in c c++; do
	case $lang in
	c)	comp="$cc -std=c99" ;;
	c++)	command -v "$cxx" >/dev/null 2>&1 || continue
		comp="$cxx -std=c++11 -x c++" ;;
	esac
	tap_check "$lang: no MAXNAMELEN before the header: compiles" \
		tap_quiet $comp $flags maxnamelen_sample.c
	tap_check "$lang: MAXNAMELEN 256 before the header: compiles" \
		tap_quiet $comp $flags -DMAXNAMELEN=256 maxnamelen_sample.c
	tap_check "$lang: MAXNAMELEN (256) before the header: compiles" \
		tap_quiet $comp $flags '-DMAXNAMELEN=(256)' maxnamelen_sample.c
	for v in 64 255 1024 '(64)'; do
		tap_check "$lang: MAXNAMELEN $v before the header: refused" \
			refused $comp $flags "-DMAXNAMELEN=$v" maxnamelen_sample.c
	done
done
tap_check "C89: MAXNAMELEN 64 before the header: refused" \
	refused $cc -std=c89 $flags -DMAXNAMELEN=64 maxnamelen_sample.c
tap_check "C89: MAXNAMELEN 256 before the header: compiles" \
	tap_quiet $cc -std=c89 $flags -DMAXNAMELEN=256 maxnamelen_sample.c

tap_finish
