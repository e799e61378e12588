#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The topology structs have the Solaris tags (spec 2.1): struct
# rsm_topology, rsm_topology_hdr, rsm_connections_hdr, rsm_remote_cntlr
# and rsm_connection name the same types as their typedefs, in C and C++
# (struct_tags_sample.c).
cd "$(dirname "$0")" || exit 1
. ./tap.sh

cc=${CC:-cc}
cxx=${CXX:-g++}
command -v "$cc" >/dev/null 2>&1 || tap_skip_all "no C compiler"
flags="-Wall -Wextra -Werror -I../../include"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/rsm-tags.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

for mode in "-std=c89" "-std=c99 -pedantic" "-std=c11 -pedantic" \
	    "-std=gnu17"; do
	tap_check "tags usable with $cc $mode" tap_quiet \
		$cc $mode $flags -c -o /dev/null struct_tags_sample.c
done
if command -v "$cxx" >/dev/null 2>&1; then
	for std in c++98 c++11 c++17; do
		tap_check "tags usable with $cxx -std=$std" tap_quiet \
			$cxx -std=$std $flags -x c++ -c -o /dev/null \
			struct_tags_sample.c
	done
fi
if tap_check "tagged program builds" tap_quiet \
	$cc $flags -o "$tmp/tags" struct_tags_sample.c; then
	tap_check "tagged program walks a topology" "$tmp/tags"
fi
tap_finish
