#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The series' KUnit suites the way the kernel community runs them:
# tools/testing/kunit/kunit.py in the assembled tree (build/tree) with one
# of the series' .kunitconfig files, booted in QEMU by kunit.py itself.
# TAP on stdout: kunit.py's own verdict, one line per KUnit case (a
# parameterised case counts once per parameter) and one for the kernel
# log (no warning or bug but those the tests announce, as results.py
# judges the boot tests' logs).
#
#   kunit.sh ARCH KUNITCONFIG_DIR [NAME] [-- KUNIT_PY_ARGS...]
#
# ARCH is kunit.py's: x86_64 or powerpc (pSeries, little endian, cross
# compiled). KUNITCONFIG_DIR is relative to the tree, e.g.
# drivers/pci/msi. The kernel is built in build/kunit/NAME (default:
# ARCH), apart from the harness's build/out, with the shared ccache. The
# exit status is non-zero when any line is "not ok".
set -uo pipefail

REPO=$(cd "$(dirname "$0")/../.." && pwd)
B=${B:-$REPO/build}
T=$REPO/scripts/msi-tools
# shellcheck source=scripts/msi-tools/arch.sh
. "$REPO/scripts/msi-tools/arch.sh"
# shellcheck source=scripts/msi-tools/tap.sh
. "$REPO/scripts/msi-tools/tap.sh"

[ $# -ge 2 ] || { echo "usage: kunit.sh ARCH KUNITCONFIG_DIR [NAME] [-- ARGS...]" >&2; exit 2; }
arch=$1 kdir=$2
shift 2
name=$arch
if [ $# -gt 0 ] && [ "$1" != -- ]; then
	name=$1
	shift
fi
[ "${1:-}" = -- ] && shift

# kunit.py's architecture name to ours (arch.sh: ARCH_KUNIT), for the
# cross compiler
prefix=-
for a in $ARCHES; do
	arch_setup "$a"
	if [ -n "$ARCH_KUNIT" ] && [ "$ARCH_KUNIT" = "$arch" ]; then
		prefix=$CROSS
		break
	fi
done
[ "$prefix" != - ] || { echo "kunit.sh: ARCH x86_64 or powerpc" >&2; exit 2; }

out=$B/kunit/$name
mkdir -p "$out" "$B/logs"
log=$B/logs/kunit-$name.log
json=$out/results.json
rm -f "$json"

kbuild_env
(
	cd "$B/tree" &&
	python3 tools/testing/kunit/kunit.py run --arch="$arch" \
		--kunitconfig="$kdir" --build_dir="$out" ${prefix:+--cross_compile=$prefix} \
		--make_options "CC=ccache ${prefix}gcc" \
		--make_options "HOSTCC=ccache gcc" \
		--json="$json" "$@"
) >"$log" 2>&1
rc=$?

tap_header
tail=$(mktemp)
grep -v '^\[..:..:..\] *$' "$log" | tail -n 40 >"$tail"
tap_result $rc "kunit.py run --arch=$arch --kunitconfig=$kdir: exit status $rc" "$tail"
rm -f "$tail"

if [ -s "$json" ]; then
	cases=$(mktemp)
	# One "STATUS<TAB>suite: case" line per leaf of kunit.py's JSON
	python3 - "$json" >"$cases" <<'EOF'
import json
import sys

def leaves(group, path):
    for case in group.get('test_cases', []):
        yield case['status'], ': '.join(path + [case['name']])
    for sub in group.get('sub_groups', []):
        yield from leaves(sub, path + [sub['name']])

with open(sys.argv[1]) as f:
    root = json.load(f)
for status, name in leaves(root, []):
    print(f'{status}\t{name}')
EOF
	while IFS=$'\t' read -r status desc; do
		case $status in
		PASS) tap_result 0 "$desc" ;;
		SKIP) tap_skip "$desc" "skipped by the test" ;;
		*) tap_result 1 "$desc ($status)" ;;
		esac
	done <"$cases"
	rm -f "$cases"
else
	tap_result 1 "KUnit results (no results.json, see ${log#"$REPO"/})"
fi

# The console log: kunit.py keeps it as test.log in the build folder
klog=$out/test.log
bad=$(mktemp)
if [ -s "$klog" ]; then
	python3 - "$T" "$klog" >"$bad" <<'EOF'
import sys
sys.path.insert(0, sys.argv[1])
import results
for line in results.bad_kernel_lines(list(results.console_lines(sys.argv[2]))):
    print(line)
EOF
	[ -s "$bad" ]
	tap_result $((! $?)) "kernel log: no warning or bug but the announced ones" "$bad"
else
	tap_result 1 "kernel log: $klog missing"
fi
rm -f "$bad"
tap_plan
[ "$tap_failed" = 0 ]
