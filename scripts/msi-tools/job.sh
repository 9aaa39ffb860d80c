#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The two jobs behind "make run" and "make check". Each phase prints one
# progress line with its elapsed time; the phases' own output goes to
# log files under build/logs/.
#
#   job.sh run ARCH [upstream]
#   job.sh check [ARCH...]
#   job.sh bench [ARCH]
#   job.sh check-debug [ARCH...]   the debug kernels (BUILD_VARIANT=debug)
set -uo pipefail

REPO=$(cd "$(dirname "$0")/../.." && pwd)
B=${B:-$REPO/build}
T=$REPO/scripts/msi-tools
# shellcheck source=scripts/msi-tools/arch.sh
. "$T/arch.sh"
export B
mkdir -p "$B/logs"
T0=$SECONDS

fmt() {
	printf '%dm%02ds' $(($1 / 60)) $(($1 % 60))
}

# phase NAME CMD...: run CMD, report its time, keep its output in a log.
# Alone, a phase prints its name when it starts and its result when it
# ends; beside others (make check's lanes, PHASE_LINES=end) one line
# when it ends, with the time it started.
phase() {
	local name=$1 log t=$SECONDS rc head msg
	shift
	log=$B/logs/$(echo "$name" | tr ' /' '--').log
	head=$(printf '[%7s] %-30s ' "$(fmt $((SECONDS - T0)))" "$name")
	[ "${PHASE_LINES:-}" = end ] || printf '%s' "$head"
	"$@" >"$log" 2>&1
	rc=$?
	if [ $rc = 0 ]; then
		msg="ok    ($(fmt $((SECONDS - t))))"
	else
		msg="FAIL  ($(fmt $((SECONDS - t)))), log: ${log#"$REPO"/}
$(tail -n 15 "$log" | sed 's/^/    /')"
	fi
	# One write, so that lines of phases that end together do not mix
	if [ "${PHASE_LINES:-}" = end ]; then
		printf '%s\n' "$head$msg"
	else
		printf '%s\n' "$msg"
	fi
	return $rc
}

build_one() {
	local arch=$1 flavour=${2:-msi}
	"$T/build.sh" "$arch" "$flavour"
}

run() {
	local arch=${1:-x86_64} flavour=${2:-msi} res
	phase "install packages" "$T/install-deps.sh" || exit 1
	if [ "$flavour" = upstream ]; then
		phase "assemble baseline tree" "$T/assemble.sh" upstream || exit 1
		res=$B/results/$arch-upstream
	else
		phase "assemble tree" "$T/assemble.sh" tree || exit 1
		res=$B/results/$arch
	fi
	phase "build $arch${2:+ $2}" build_one "$arch" "$flavour" || exit 1
	phase "boot $arch${2:+ $2}" "$T/boot.sh" "$arch" "$flavour"
	echo
	if [ -s "$res/report.txt" ]; then
		cat "$res/report.txt"
		echo
	fi
	python3 "$T/results.py" summary "$res"
}

# Further boots of the same kernel (boot.sh BOOT_VARIANT): x86_64 with
# the raw backend off, so that the irqdomain adapter is tested as well,
# the plug machine (hot-unplug with live vectors) and a boot that
# suspends and resumes, each of those two on the raw backend and on the
# irqdomain adapter; pSeries with XICS as well as XIVE, and once
# more to remove and rescan every device through sysfs with live
# vectors (QEMU's pseries PCI unplug needs drmgr in the guest); on
# both, five minutes of load (traffic, affinity moves and rebinds
# together) on the default backend. (arch.sh: ARCH_CHECK_VARIANTS)

# isolation ARCH: a traced boot (isolation.sh) that looks for guest
# writes of MSI address/data from outside: none on pSeries, some on x86
# (which shows that the check sees them). The groups that rewrite or
# restore messages run; the long rebind loop does not.
isolation() {
	MSITEST_ARGS="msitest.tests=vectors,edu,affinity,reset,klog msitest.affinity=200 msitest.flood=200" \
		"$T/isolation.sh" "$1" >"$B/results/$1-isolation/isolation.tap"
}

# make series, then its check without the builds of every prefix, into
# results/static/series.tap (a failed export is a failed test there too).
series_quick() {
	local tap=$B/results/static/series.tap
	if ! SERIES_ANY_IDENTITY=1 "$T/series.sh" export; then
		# shellcheck source=scripts/msi-tools/tap.sh
		(. "$T/tap.sh" && tap_header && tap_result 1 "make series" && tap_plan) > "$tap"
		return 1
	fi
	SERIES_ANY_IDENTITY=1 "$T/series.sh" check --quick > "$tap"
}

# The short benchmark of make check: the series' kernel only, N up to
# 256, a few hundred round trips; it shows that make bench still works.
BENCH_SHORT="msitest.bench=1,8,32,128,256 msitest.rtt=300"

# The debug kernel in make check (x86_64): the guest groups that drive
# real drivers through the raw backend, with fewer rounds, so that a
# KASAN, lockdep, SLUB, debug-objects or kmemleak report on those paths
# fails CI too. Measured on the debug kernel: its whole KUnit run takes
# 11 minutes and the faults group more than 6, so both are left to make
# check-debug, which runs the whole boot; the short boot runs the core's
# and the raw backend's suites (pci-msi-ops, x86-msi-raw: 68 cases; a
# boot of them and klog alone took 2.5 min idle), where KASAN once
# caught a use-after-free in a test's teardown (03a51af). The
# pSeries debug kernel is make check-debug's too: its short boot (6.5
# min on the CI machine of 2026-12-02, 8 with its build) did not fit
# into make check's 90 minutes beside everything else.
DEBUG_SHORT="kunit.filter_glob=*-msi-[or]* msitest.tests=vectors,edu,threaded,affinity,hotplug,reset,rebind,backend,devices,klog"
DEBUG_SHORT="$DEBUG_SHORT msitest.rebind=3 msitest.affinity=300 msitest.hotplug=2 msitest.edu=300"

debug_short() {
	phase "boot $1 debug (short)" env BUILD_VARIANT=debug \
		MSITEST_ARGS="$DEBUG_SHORT" "$T/boot.sh" "$1"
}

bench_report() {
	python3 "$T/bench.py" report "$@" >"$B/logs/bench-report-$1.log" 2>&1
	local rc=$?
	cat "$B/logs/bench-report-$1.log"
	return $rc
}

# bench ARCH: make bench. Both kernels, each with the benchmark driver
# built in, booted on the same benchmark machine (boot.sh
# BOOT_VARIANT=bench: -icount shift=0, nvme with msix_qsize=2048, edu),
# then one side-by-side report in build/results/bench/ARCH/.
bench() {
	local arch=${1:-x86_64} res=$B/results
	arch_setup "$arch"
	[ "$ARCH_BENCH" = 1 ] || { echo "make bench: ARCH=x86_64 or ppc64le" >&2; exit 2; }
	phase "install packages" "$T/install-deps.sh" || exit 1
	phase "assemble tree" "$T/assemble.sh" tree || exit 1
	phase "assemble baseline tree" "$T/assemble.sh" upstream || exit 1
	phase "build $arch" build_one "$arch" || exit 1
	phase "build $arch upstream" build_one "$arch" upstream || exit 1
	phase "bench $arch" env BOOT_VARIANT=bench "$T/boot.sh" "$arch"
	phase "bench $arch upstream" env BOOT_VARIANT=bench "$T/boot.sh" "$arch" upstream
	echo
	bench_report "$arch" "$res/$arch-bench" "$res/$arch-upstream-bench" \
		"$res/bench/$arch"
	echo
	python3 "$T/results.py" summary "$res/$arch-bench" "$res/$arch-upstream-bench"
}

# make check runs in three lanes at once, on 2 cores too: most boots
# spend much of their time waiting (measured 2026-12-02 on the x86_64
# main boot: 299 s of CPU in 326 s; the plug boot 0.6 of a core). Side
# by side each phase takes longer (1.5-1.8 times on 2 cores), the whole
# run less.
#   builds:  every kernel one after the other (each make uses all
#            cores), then kunit.py;
#   boots:   the boots that compute, as soon as their kernel is built;
#   waiting: the boots of ARCH_CHECK_WAITING (hot-unplug handshakes,
#            suspend, the fixed load time), the short isolation boots,
#            then the static checks, the self-tests, Coccinelle and the
#            series, which need nothing but the x86_64 build.
# A lane that needs a kernel waits for its build's mark in $STATE.
STATE=$B/logs/check-state

mark() {
	echo "$2" >"$STATE/$1"
}

# await NAME: wait for mark NAME; true if it says ok. Gives up when the
# builds lane is gone without having set it.
await() {
	while [ ! -f "$STATE/$1" ]; do
		kill -0 "$BUILDS_PID" 2>/dev/null || return 1
		sleep 2
	done
	[ "$(cat "$STATE/$1")" = ok ]
}

# in_list WORD LIST: is WORD one of the words of LIST?
in_list() {
	case " $2 " in
	*" $1 "*) return 0 ;;
	esac
	return 1
}

# build_mark ARCH [debug]: build a kernel and set its mark
build_mark() {
	if phase "build $1${2:+ $2}" env BUILD_VARIANT="${2:-}" \
		"$T/build.sh" "$1" msi; then
		mark "$1${2:+-$2}" ok
	else
		mark "$1${2:+-$2}" fail
	fi
}

lane_builds() {
	local arch
	# The kernels with a user space first: most boots need them
	for arch in $ARCHES_CHECKED; do
		arch_setup "$arch"
		[ "$ARCH_USER_SPACE" = 1 ] && build_mark "$arch"
	done
	# The debug kernels that make check boots (CHECK_DEBUG_ARCHES)
	for arch in $CHECK_DEBUG_ARCHES; do
		build_mark "$arch" debug
	done
	# Then those that only run the KUnit suites at boot (sparc64)
	for arch in $ARCHES_CHECKED; do
		arch_setup "$arch"
		[ "$ARCH_USER_SPACE" = 1 ] || build_mark "$arch"
	done
	# The core's KUnit suites through kunit.py, as arch maintainers run
	# them (own kernel in build/kunit/x86_64; see README)
	phase "kunit.py x86_64" sh -c "'$T/kunit.sh' x86_64 drivers/pci/msi > '$B/results/kunit/kunit-x86_64.tap'"
}

# The checks on the host: sparse and W=1 on the x86_64 build, the
# self-tests, Coccinelle, the exported series
host_checks() {
	phase "static checks" sh -c "bash '$T/static/check.sh' x86_64 > '$B/results/static/static.tap'"
	phase "static self-tests" sh -c "bash '$T/static/check.sh' --selftest x86_64 > '$B/results/static/selftest.tap'"
	phase "harness self-tests" sh -c "python3 '$T/results.py' selftest > '$B/results/static/harness.tap'"
	phase "kselftest self-tests" sh -c "bash '$T/static/ksft-selftest.sh' > '$B/results/static/ksft-selftest.tap'"
	phase "kselftest self-tests (bash)" sh -c "KSFT_SHELL=bash bash '$T/static/ksft-selftest.sh' > '$B/results/static/ksft-selftest-bash.tap'"
	phase "coccinelle" sh -c "bash '$T/static/cocci.sh' > '$B/results/static/cocci.tap'"
	phase "coccinelle self-tests" sh -c "bash '$T/static/cocci.sh' --selftest > '$B/results/static/cocci-selftest.tap'"
	# The exported series (make series): git am on the pristine base,
	# identical to build/tree, checkpatch of every patch; a few minutes.
	# The build of every prefix is make check-series (see README).
	phase "series" series_quick
}

lane_boots() {
	local arch v
	for arch in $ARCHES_CHECKED; do
		arch_setup "$arch"
		[ "$ARCH_USER_SPACE" = 1 ] || continue
		await "$arch" || continue
		phase "boot $arch" "$T/boot.sh" "$arch"
		for v in $ARCH_CHECK_VARIANTS; do
			in_list "$v" "$ARCH_CHECK_WAITING" && continue
			phase "boot $arch $v" env BOOT_VARIANT="$v" "$T/boot.sh" "$arch"
		done
		if [ "$arch" = x86_64 ]; then
			phase "bench $arch (short)" env BOOT_VARIANT=bench \
				MSITEST_ARGS="$BENCH_SHORT" "$T/boot.sh" "$arch"
			phase "bench report $arch" bench_report "$arch" \
				"$B/results/$arch-bench" - "$B/results/bench/$arch"
		fi
	done
	for arch in $CHECK_DEBUG_ARCHES; do
		await "$arch-debug" && debug_short "$arch"
	done
	# No user space (sparc64): one boot, the KUnit suites
	for arch in $ARCHES_CHECKED; do
		arch_setup "$arch"
		[ "$ARCH_USER_SPACE" = 1 ] && continue
		await "$arch" && phase "boot $arch" "$T/boot.sh" "$arch"
	done
}

lane_waiting() {
	local arch v
	for arch in $ARCHES_CHECKED; do
		arch_setup "$arch"
		[ -n "$ARCH_CHECK_WAITING" ] || continue
		await "$arch" || continue
		for v in $ARCH_CHECK_VARIANTS; do
			in_list "$v" "$ARCH_CHECK_WAITING" || continue
			phase "boot $arch $v" env BOOT_VARIANT="$v" "$T/boot.sh" "$arch"
		done
	done
	# Short boots that the other lane would have to wait for
	for arch in $ARCHES_CHECKED; do
		arch_setup "$arch"
		[ "$ARCH_USER_SPACE" = 1 ] || continue
		await "$arch" || continue
		mkdir -p "$B/results/$arch-isolation"
		phase "isolation $arch" isolation "$arch"
	done
	# The static checks need the x86_64 build
	await x86_64 || true
	host_checks
}

# check_dirs: the result folders of make check, in the report's order
check_dirs() {
	local arch v
	for arch in $ARCHES_CHECKED; do
		arch_setup "$arch"
		echo "$B/results/$arch"
		for v in $ARCH_CHECK_VARIANTS; do
			echo "$B/results/$arch-$v"
		done
		[ "$arch" = x86_64 ] && echo "$B/results/$arch-bench"
		in_list "$arch" "$CHECK_DEBUG_ARCHES" && echo "$B/results/$arch-debug"
		[ "$ARCH_USER_SPACE" = 1 ] && echo "$B/results/$arch-isolation"
	done
	echo "$B/results/kunit"
	echo "$B/results/static"
}

check() {
	local dirs
	ARCHES_CHECKED=${*:-$ARCHES}
	# The debug kernel's short boot: x86_64 only, see DEBUG_SHORT
	CHECK_DEBUG_ARCHES=""
	in_list x86_64 "$ARCHES_CHECKED" && CHECK_DEBUG_ARCHES=x86_64
	phase "install packages" "$T/install-deps.sh" || exit 1
	phase "assemble tree" "$T/assemble.sh" tree || exit 1
	rm -rf "$B/results" "$STATE"
	mkdir -p "$B/results/kunit" "$B/results/static" "$STATE"
	export PHASE_LINES=end
	lane_builds &
	BUILDS_PID=$!
	lane_boots &
	lane_waiting &
	wait
	dirs=$(check_dirs)
	echo
	# shellcheck disable=SC2086
	python3 "$T/results.py" gates $dirs
	echo
	echo "Results ($(fmt $((SECONDS - T0))) in all):"
	# shellcheck disable=SC2086
	python3 "$T/results.py" summary $dirs
}

# The hot-unplug boots of make check-debug: 5 cycles per device (x86_64
# 25, ppc64le 30) with the debug checkers watching every teardown with
# live vectors; the 20 per device of the gate run on the plain kernels.
DEBUG_PLUG="msitest.unplug=5"

# debug_variant_args ARCH VARIANT: what a debug variant boot leaves out
# because upstream 6.12 itself trips a checker there (shown on the
# upstream debug kernel: README, Known problems). Everything else stays
# on.
#  - x86_64 plug: lockdep's dependency checks (lockdep.prove_locking=0).
#    pciehp's removal of a slot takes pci_rescan_remove_lock and then its
#    own reset_lock again, the reverse of its interrupt thread's order:
#    a circular dependency report at the first unplug, after which
#    lockdep turns itself off for the boot anyway. KASAN, SLUB, debug
#    objects and kmemleak watch every cycle.
#  - x86_64 suspend: the nvme's driver (nvme_init). Its suspend starts
#    the freeze of its queues in an async worker and ends it in another
#    task at resume, which lockdep reports as a lock leaked by the
#    worker, on every cycle. The plain kernels' suspend boots keep it.
debug_variant_args() {
	case "$1:$2" in
	x86_64:plug) echo "lockdep.prove_locking=0" ;;
	x86_64:suspend) echo "initcall_blacklist=nvme_init msitest.expect=virtio-net,e1000e,xhci,edu" ;;
	esac
}

# The debug kernels: the same tests on a kernel with KASAN, lockdep,
# SLUB debugging, debug objects and kmemleak; any report fails the run.
# After the whole boot, the arch's ARCH_DEBUG_VARIANTS: hot-unplug and
# suspend with live vectors.
check_debug() {
	local arches=${*:-x86_64 ppc64le} arch dirs="" v
	phase "install packages" "$T/install-deps.sh" || exit 1
	phase "assemble tree" "$T/assemble.sh" tree || exit 1
	export BUILD_VARIANT=debug
	for arch in $arches; do
		arch_setup "$arch"
		dirs="$dirs $B/results/$arch-debug"
		rm -rf "$B/results/$arch-debug"
		for v in $ARCH_DEBUG_VARIANTS; do
			dirs="$dirs $B/results/$arch-debug-$v"
			rm -rf "$B/results/$arch-debug-$v"
		done
		phase "build $arch debug" build_one "$arch" || continue
		phase "boot $arch debug" "$T/boot.sh" "$arch"
		for v in $ARCH_DEBUG_VARIANTS; do
			phase "boot $arch debug $v" env BOOT_VARIANT="$v" \
				MSITEST_ARGS="$DEBUG_PLUG $(debug_variant_args "$arch" "$v") ${MSITEST_ARGS:-}" \
				"$T/boot.sh" "$arch"
		done
	done
	echo
	echo "Results ($(fmt $((SECONDS - T0))) in all):"
	# shellcheck disable=SC2086
	python3 "$T/results.py" summary $dirs
}

cmd=${1:-}
shift || true
case "$cmd" in
run) run "$@" ;;
check) check "$@" ;;
bench) bench "$@" ;;
check-debug) check_debug "$@" ;;
*) echo "usage: job.sh run ARCH [upstream] | check [ARCH...] | check-debug [ARCH...] | bench [ARCH]" >&2; exit 2 ;;
esac
