#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Configure and build one test kernel out of tree.
#
#   build.sh ARCH [upstream]
#
# ARCH is x86_64, ppc64le or sparc64. With "upstream" the baseline tree
# (pristine 6.12 plus only the harness: assemble.sh upstream) is built
# instead, with the same configuration, into its own output folder. The
# kernel's own make output goes to a log file.
set -euo pipefail

REPO=$(cd "$(dirname "$0")/../.." && pwd)
B=${B:-$REPO/build}
. "$REPO/scripts/msi-tools/arch.sh"

target=$1
flavour=${2:-msi}
arch_setup "$target"

if [ "$flavour" = upstream ]; then
	src=$B/tree-upstream
	out=$B/out/$target-upstream$VSUFFIX
else
	src=$B/tree
	out=$B/out/$target$VSUFFIX
fi
mkdir -p "$out" "$B/logs"
log=$B/logs/build-$target$VSUFFIX-$flavour.log
# One make at a time per output folder (the static checks take it too).
exec 8>"$out/.msi-kbuild.lock"
flock 8

kbuild_env
kmake() {
	make -C "$src" O="$out" ARCH="$KARCH" CROSS_COMPILE="$CROSS" \
		CC="ccache ${CROSS}gcc" HOSTCC="ccache gcc" \
		-j"$(nproc)" "$@"
}

# Configuration: the base config, then the fragments in order. The
# result is kept when it is unchanged, so Kbuild sees no new .config.
fragments=""
for f in $FRAGMENTS; do
	fragments="$fragments $REPO/$f"
done
cfgdir=$out/.msi-config
mkdir -p "$cfgdir"
{
	kmake -s "$BASECONFIG" O="$cfgdir" >/dev/null
	KCONFIG_CONFIG=$cfgdir/.config "$src/scripts/kconfig/merge_config.sh" \
		-m -O "$cfgdir" "$cfgdir/.config" $fragments
	kmake -s olddefconfig O="$cfgdir"
} >"$log" 2>&1 || { tail -20 "$log" >&2; exit 1; }
# The baseline lacks the MSI series, so its options cannot stick there.
if [ "$flavour" = upstream ]; then
	check_fragments "$cfgdir/.config" $fragments || true
else
	check_fragments "$cfgdir/.config" $fragments
fi
if ! cmp -s "$cfgdir/.config" "$out/.config"; then
	cp "$cfgdir/.config" "$out/.config"
fi

if ! kmake "$IMAGE" >>"$log" 2>&1; then
	grep -E "error|Error" "$log" | head -20 >&2
	echo "error: $target build failed, see $log" >&2
	exit 1
fi
echo "$out/$IMAGE_PATH"
