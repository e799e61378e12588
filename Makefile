# SPDX-License-Identifier: GPL-2.0-only
#
# rsm: remote shared memory for Linux clusters over RDMA.
#
#   make                 build rsm.ko, librsm and the utilities
#   make check           install what the tests need, run the whole suite
#   make check-debug     the cluster suite on a KASAN/lockdep/kmemleak guest
#                        kernel built once from linux-source (long)
#   make demo            boot a 2-node virtual cluster and show rsm at work
#   make bench           rsm put/get and mapped access next to perftest
#   make bench-imc       imc_bcopy to 1..3 receivers next to perftest
#                        (TRANSPORT=siw: over soft-iWARP)
#   make bench-lock      clusterwide locks next to ib_atomic_lat
#   make install         install librsm, headers, man pages and utilities
#   make modules_install install rsm.ko for the kernel in KDIR
#   make dkms-install    register the module with DKMS and build it
#
# KDIR defaults to the running kernel's build tree; when that has none
# (a development machine that cannot load modules), to the newest
# installed Debian kernel headers.

VERSION := 0.1
PREFIX ?= /usr/local
KDIR ?= $(firstword $(wildcard /lib/modules/$(shell uname -r)/build) \
	  $(lastword $(sort $(wildcard /lib/modules/*/build))))

export PREFIX DESTDIR

SUBDIRS := lib libimc utils examples

all: modules $(SUBDIRS)

examples utils: lib libimc

modules:
	@test -n "$(KDIR)" || { echo "no kernel build tree: install linux-headers or set KDIR" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

$(SUBDIRS):
	$(MAKE) -C $@

selftests: lib libimc
	$(MAKE) -C selftests/rsm

modules_install: modules
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules_install

install: $(SUBDIRS)
	$(MAKE) -C lib install
	$(MAKE) -C libimc install
	$(MAKE) -C utils install
	install -d $(DESTDIR)/etc/rsm
	[ -e $(DESTDIR)/etc/rsm/rsm.conf ] || \
		install -m 0644 utils/rsm.conf.example $(DESTDIR)/etc/rsm/rsm.conf

DKMS_SRC := $(DESTDIR)/usr/src/rsm-$(VERSION)
dkms-src:
	rm -rf $(DKMS_SRC)
	install -d $(DKMS_SRC)/kernel $(DKMS_SRC)/include/uapi
	install -m 0644 Kbuild dkms.conf $(DKMS_SRC)/
	install -m 0644 kernel/*.c kernel/*.h kernel/Kbuild $(DKMS_SRC)/kernel/
	install -m 0644 include/uapi/rsm_ioctl.h $(DKMS_SRC)/include/uapi/

dkms-install: dkms-src
	dkms add -m rsm -v $(VERSION)
	dkms build -m rsm -v $(VERSION) $(if $(KVER),-k $(KVER))
	dkms install -m rsm -v $(VERSION) $(if $(KVER),-k $(KVER))

dkms-remove:
	dkms remove -m rsm -v $(VERSION) --all
	rm -rf $(DKMS_SRC)

deps:
	utils/rsm-install-deps

check: deps
	$(MAKE) all selftests
	selftests/run-all.sh

check-debug: deps
	$(MAKE) all selftests
	selftests/run-debug.sh

demo: deps
	$(MAKE) all
	utils/rsm-vcluster -n 2 --imc -- examples/rsm-demo

# rsm put/get against perftest in the same two virtual nodes; about 5 min.
# TRANSPORT=siw runs it over soft-iWARP instead of soft-RoCE.
TRANSPORT ?= rxe
bench: deps
	$(MAKE) all
	bench/run-bench.sh --transport $(TRANSPORT)

# imc_bcopy to 1, 2 and 3 receiving hosts against perftest, 4 virtual
# nodes; about 10 min.
bench-imc: deps
	$(MAKE) all
	bench/run-imc-bench.sh

bench-lock: deps
	$(MAKE) all
	bench/run-lock-bench.sh

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean 2>/dev/null || true
	for d in $(SUBDIRS); do $(MAKE) -C $$d clean; done
	$(MAKE) -C selftests/rsm clean 2>/dev/null || true

.PHONY: all modules $(SUBDIRS) selftests modules_install install dkms-src \
	dkms-install dkms-remove deps check check-debug demo bench bench-imc bench-lock \
	clean
