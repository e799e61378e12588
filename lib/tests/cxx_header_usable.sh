#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# <rsmapi.h> is usable from C++: it passes g++ -fsyntax-only in several
# C++ standards, and a C++ program links against librsm.so (C linkage)
# and gets the library's answers.
cd "$(dirname "$0")" || exit 1
. ./tap.sh

cxx=${CXX:-g++}
command -v "$cxx" >/dev/null 2>&1 || tap_skip_all "no C++ compiler ($cxx)"
flags="-Wall -Wextra -Werror -I../../include"

for std in c++11 c++14 c++17 c++20; do
	tap_check "$cxx -std=$std -pedantic -fsyntax-only" \
		$cxx -std=$std -pedantic -fsyntax-only $flags cxx_sample.cc
done
tap_check "$cxx -std=c++98 -fsyntax-only" \
	$cxx -std=c++98 -fsyntax-only $flags cxx_sample.cc

bin=./cxx_sample
rm -f "$bin"
if tap_check "C++ program links with -lrsm" $cxx $flags -o "$bin" \
	cxx_sample.cc -L.. -lrsm -Wl,-rpath,"$(cd .. && pwd)"; then
	tap_check "C++ program gets librsm's answers" "$bin"
fi
rm -f "$bin"
tap_finish
