#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Assemble a kernel tree: pristine Debian linux-source-6.12, then the
# repository's overlay files, then patches/series applied with quilt.
#
#   assemble.sh base      unpack the pristine base (once) into $B/base
#   assemble.sh tree      assemble $B/tree from base + overlay + patches
#   assemble.sh upstream  assemble $B/tree-upstream: base + the harness
#                         only (patches before the "MSI series" marker in
#                         patches/series, and the harness's own files),
#                         the baseline the MSI series is compared with
#
# The assembled tree is updated in place with rsync --checksum, so a file
# whose content did not change keeps its mtime and make rebuilds only what
# an edit really touched.
set -euo pipefail

REPO=$(cd "$(dirname "$0")/../.." && pwd)
B=${B:-$REPO/build}
TARBALL=${TARBALL:-/usr/src/linux-source-6.12.tar.xz}
# Top-level kernel directories the repository may carry files in.
OVERLAY_DIRS="arch block Documentation drivers fs include init kernel lib mm scripts tools"
# Project tooling lives under scripts/ too but is not part of the kernel.
OVERLAY_EXCLUDE="scripts/msi-tools"
# What the baseline carries: the test drivers the boot tests and the
# benchmark need, and the exerciser's header (edu_msi_dma_write()).
UPSTREAM_OVERLAY="drivers/misc/edu_msi_exerciser.c include/linux/edu_msi.h drivers/misc/msi_bench.c"
# patches/series lines from this comment on are the MSI series proper.
SERIES_MARKER="# MSI series"
TREE=tree
OLIST=$B/overlay.list

base() {
	[ -f "$B/base/.msi-base-ok" ] && return 0
	local ver
	ver=$(dpkg-query -W -f='${Version}' linux-source-6.12)
	echo "  BASE    linux-source-6.12 $ver"
	rm -rf "$B/base" "$B/base.tmp"
	mkdir -p "$B/base.tmp"
	tar -xf "$TARBALL" -C "$B/base.tmp" --strip-components=1
	(
		cd "$B/base.tmp"
		git init -q
		git config user.name "msi-ops harness"
		git config user.email "msi-ops@localhost"
		git config core.bigFileThreshold 1m
		git add -A -f
		git commit -q -m "Linux $(make -s kernelversion) from Debian linux-source-6.12 $ver"
	)
	echo "$ver" > "$B/base.tmp/.msi-base-ok"
	mv "$B/base.tmp" "$B/base"
}

# Refuse overlay files that shadow upstream ones: changes to existing
# files belong in patches/ so they stay reviewable as diffs.
check_overlay() {
	local f bad=0
	while read -r f; do
		if [ -e "$B/base/$f" ]; then
			echo "error: overlay file $f exists upstream; carry the change in patches/" >&2
			bad=1
		fi
	done < <(overlay_files)
	return $bad
}

overlay_files() {
	local d
	cd "$REPO"
	if [ "$TREE" = tree-upstream ]; then
		printf '%s\n' $UPSTREAM_OVERLAY
		return
	fi
	for d in $OVERLAY_DIRS; do
		[ -d "$d" ] || continue
		git ls-files --cached --others --exclude-standard -- "$d" |
			grep -v "^$OVERLAY_EXCLUDE/" || true
	done
}

# The series to apply: all of it, or for the baseline what comes before
# the marker.
series_file() {
	if [ "$TREE" = tree-upstream ]; then
		sed "/^$SERIES_MARKER/,\$d" "$REPO/patches/series" > "$B/series.upstream"
		echo "$B/series.upstream"
	else
		echo "$REPO/patches/series"
	fi
}

patches_id() {
	(cd "$REPO" && cat "$(series_file)" patches/*.patch 2>/dev/null; echo "$OVERLAY_DIRS $TREE") |
		sha1sum | cut -d' ' -f1
}

# Fast path: the patches are as last time, so only overlay files can
# differ. Copy changed ones in and drop those no longer in the overlay.
overlay_only() {
	local new=$B/overlay.list.new
	(cd "$REPO" && overlay_files) > "$new"
	rsync -rlpD --checksum --files-from="$new" "$REPO/" "$B/$TREE/" \
		--out-format='%n' > "$B/tree.changed"
	comm -23 <(sort "$OLIST") <(sort "$new") | while read -r f; do
		rm -f "$B/$TREE/$f"
		echo "$f" >> "$B/tree.changed"
	done
	mv "$new" "$OLIST"
}

full() {
	local stage=$B/stage series
	series=$(series_file)
	rm -rf "$stage"
	# Hard links make the stage cheap; patch(1) and rsync replace files
	# by rename, so the pristine base is never written through them.
	rsync -a --link-dest="$B/base" --exclude=/.git --exclude=/.msi-base-ok \
		"$B/base/" "$stage/"
	(cd "$REPO" && overlay_files) > "$OLIST"
	rsync -a --files-from="$OLIST" "$REPO/" "$stage/"
	if [ -s "$series" ]; then
		(cd "$stage" && QUILT_PATCHES="$REPO/patches" QUILT_PC=.pc \
			QUILT_SERIES="$series" \
			quilt push -a -q --fuzz=0 >"$B/quilt.log" 2>&1) || {
			cat "$B/quilt.log" >&2
			echo "error: a patch in patches/series does not apply" >&2
			exit 1
		}
	fi
	# No -t: a file that changed gets the current time, one that did
	# not is left alone.
	rsync -rlpD --checksum --delete --exclude=/.pc "$stage/" "$B/$TREE/" \
		--out-format='%n' > "$B/tree.changed"
	rm -rf "$stage"
}

tree() {
	# One assembly at a time: two would share the stage.
	mkdir -p "$B"
	exec 9>"$B/.assemble.lock"
	flock 9
	base
	check_overlay
	local id
	id=$(patches_id)
	if [ -d "$B/$TREE" ] && [ "$(cat "$B/$TREE/.msi-patches-id" 2>/dev/null)" = "$id" ]; then
		overlay_only
	else
		rm -f "$B/$TREE/.msi-patches-id"
		full
		echo "$id" > "$B/$TREE/.msi-patches-id"
	fi
	echo "  TREE    $(grep -vc '/$' "$B/tree.changed" || true) file(s) changed"
}

upstream() {
	TREE=tree-upstream
	OLIST=$B/overlay-upstream.list
	tree
}

"${1:-tree}"
