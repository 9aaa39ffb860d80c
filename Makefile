# SPDX-License-Identifier: GPL-2.0
#
# Ops-based PCI MSI core for Linux 6.12: project entry points.
#
#   make run [ARCH=x86_64|ppc64le|sparc64] [BASE=upstream]
#   make check
#   make bench [ARCH=x86_64|ppc64le]
#   make check-debug [CHECK_DEBUG_ARCHES="x86_64 ppc64le"]
#   make kunit [KUNIT_ARCH=x86_64|powerpc] [KUNITCONFIG=drivers/pci/msi]
#
# See README.md. Everything built goes to build/ (ignored by git).

ARCH ?= x86_64
BASE ?=
T := scripts/msi-tools

ifeq ($(BASE),upstream)
FLAVOUR := upstream
else ifeq ($(BASE),)
FLAVOUR :=
else
$(error BASE must be empty or "upstream")
endif

.PHONY: run check check-debug check-distro bench deps assemble build boot quilt series check-series kunit clean distclean

run:
	@$(T)/job.sh run $(ARCH) $(FLAVOUR)

check:
	@$(T)/job.sh check $(CHECK_ARCHES)

bench:
	@$(T)/job.sh bench $(ARCH)

# The same boot tests on the debug kernels (KASAN, lockdep, kmemleak, ...)
check-debug:
	@$(T)/job.sh check-debug $(CHECK_DEBUG_ARCHES)

# The series' objects with Debian's 6.12 configs (linux-config-6.12),
# W=1 and sparse; not part of make check (see README.md)
check-distro: assemble
	@$(T)/distro-check.sh $(DISTRO_ARCHES)

deps:
	@$(T)/install-deps.sh

assemble: deps
	@$(T)/assemble.sh tree

build: assemble
	@$(T)/build.sh $(ARCH) $(FLAVOUR)

boot:
	@$(T)/boot.sh $(ARCH) $(FLAVOUR)

# A quilt work tree for editing the patches in patches/ (see README.md).
quilt: deps
	@$(T)/quilt-tree.sh

# The series as git format-patch output in build/series/, and its check:
# git am on the pristine base, identical to build/tree, checkpatch, every
# prefix builds (see README.md).
series: assemble
	@$(T)/series.sh export

check-series: series
	@$(T)/series.sh check $(if $(QUICK),--quick)

# The KUnit suites through the kernel's kunit.py (see README): the
# core's on x86_64 by default; KUNITCONFIG=arch/x86/kernel for the raw
# backend's (KUNIT_ARGS="--qemu_args='-smp 4'"). TAP on stdout, the kernel in
# build/kunit/$(KUNIT_NAME) (default: the arch); KUNIT_ARGS go to kunit.py.
KUNIT_ARCH ?= x86_64
KUNITCONFIG ?= drivers/pci/msi
KUNIT_NAME ?= $(KUNIT_ARCH)
kunit: assemble
	@$(T)/kunit.sh $(KUNIT_ARCH) $(KUNITCONFIG) $(KUNIT_NAME) -- $(KUNIT_ARGS)

clean:
	rm -rf build/out build/results build/logs build/initramfs build/series build/series.git build/sc build/sc-sparc build/kunit

distclean:
	rm -rf build
