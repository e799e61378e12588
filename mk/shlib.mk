# SPDX-License-Identifier: GPL-2.0-only
#
# The rules librsm and libimc share: objects, the shared library with its
# soname and version script, and a static archive that exposes what the
# shared library does and nothing else.  The including Makefile sets LIB
# (librsm, libimc), OBJS, SOMAJOR, SOVERSION, LIB_CPPFLAGS and LIB_CFLAGS;
# the version script is $(LIB).map.

# Included before the including Makefile's first rule.
.DEFAULT_GOAL	:= all

REALNAME	:= $(LIB).so.$(SOVERSION)
SONAME		:= $(LIB).so.$(SOMAJOR)
DEPFLAGS	:= -MMD -MP
AR		?= ar
OBJCOPY		?= objcopy

%.o: %.c
	$(CC) $(LIB_CPPFLAGS) $(CPPFLAGS) $(CFLAGS) $(LIB_CFLAGS) $(DEPFLAGS) \
		-c -o $@ $<

$(REALNAME): $(OBJS) $(LIB).map
	$(CC) $(CFLAGS) $(LIB_CFLAGS) -shared -Wl,-soname,$(SONAME) \
		-Wl,--version-script=$(LIB).map -Wl,-z,defs $(LDFLAGS) \
		-o $@ $(OBJS) -lpthread

$(SONAME): $(REALNAME)
	ln -sf $(REALNAME) $@

$(LIB).so: $(SONAME)
	ln -sf $(SONAME) $@

# The names the version script exports, one a line.
$(LIB).syms: $(LIB).map
	awk '/global:/ { g = 1; next } /local:/ || /\}/ { g = 0 } \
	     g && /^[ \t]*[A-Za-z_][A-Za-z0-9_]*[ \t]*;/ { \
		sub(/^[ \t]*/, ""); sub(/[ \t]*;.*/, ""); print }' \
		$(LIB).map > $@.tmp
	test -s $@.tmp
	mv $@.tmp $@

# A static link has no version script, so the objects are linked into one
# relocatable object whose globals outside the version script are then
# made local: an application's own functions named like the internal
# helpers can neither clash with them nor be called by the library.
$(LIB).a: $(OBJS) $(LIB).syms
	rm -f $@ $(LIB)-static.o
	$(CC) -r -nostdlib -o $(LIB)-static.o $(OBJS)
	$(OBJCOPY) --keep-global-symbols=$(LIB).syms $(LIB)-static.o
	$(AR) rcs $@ $(LIB)-static.o
	rm -f $(LIB)-static.o

SHLIB_CLEAN	:= $(OBJS) $(OBJS:.o=.d) $(REALNAME) $(SONAME) $(LIB).so \
		   $(LIB).a $(LIB).syms $(LIB).syms.tmp $(LIB)-static.o

-include $(OBJS:.o=.d)
