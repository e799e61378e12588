#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# A Solaris-style RSMAPI program (solaris_sample.c) compiles unchanged
# against <rsmapi.h> in strict and GNU language modes and with the usual
# feature macros, whether or not <sys/types.h> comes first.
cd "$(dirname "$0")" || exit 1
. ./tap.sh

cc=${CC:-cc}
command -v "$cc" >/dev/null 2>&1 || tap_skip_all "no C compiler"
flags="-Wall -Wextra -Werror -I../../include -c -o /dev/null"

for mode in "-std=c99" "-std=gnu99" "-std=c11" "-std=gnu17" \
	    "-std=c11 -D_XOPEN_SOURCE=700" \
	    "-std=c99 -D_POSIX_C_SOURCE=200809L" \
	    "-std=gnu11 -D_DEFAULT_SOURCE" \
	    "-std=c11 -DSYS_TYPES_FIRST" "-std=gnu11 -DSYS_TYPES_FIRST"; do
	tap_check "compiles with $cc $mode" $cc $mode $flags solaris_sample.c
done
if command -v clang >/dev/null 2>&1 && [ "$cc" != clang ]; then
	tap_check "compiles with clang -std=c99" \
		clang -std=c99 $flags solaris_sample.c
fi
tap_check "rsmapi.h alone compiles with -pedantic" sh -c \
	"echo '#include <rsmapi.h>' | $cc -std=c99 -pedantic $flags -x c -"
tap_finish
