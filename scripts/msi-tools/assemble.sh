#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Assemble a kernel tree: pristine Debian linux-source-6.12, then the
# repository's overlay files, then patches/series applied with quilt.
#
#   assemble.sh base      unpack the pristine base (once) into $B/base
#   assemble.sh tree      assemble $B/tree from base + overlay + patches
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
	for d in $OVERLAY_DIRS; do
		[ -d "$d" ] || continue
		git ls-files --cached --others --exclude-standard -- "$d" |
			grep -v "^$OVERLAY_EXCLUDE/" || true
	done
}

patches_id() {
	(cd "$REPO" && cat patches/series patches/*.patch 2>/dev/null; echo "$OVERLAY_DIRS") |
		sha1sum | cut -d' ' -f1
}

# Fast path: the patches are as last time, so only overlay files can
# differ. Copy changed ones in and drop those no longer in the overlay.
overlay_only() {
	local new=$B/overlay.list.new
	(cd "$REPO" && overlay_files) > "$new"
	rsync -rlpD --checksum --files-from="$new" "$REPO/" "$B/tree/" \
		--out-format='%n' > "$B/tree.changed"
	comm -23 <(sort "$B/overlay.list") <(sort "$new") | while read -r f; do
		rm -f "$B/tree/$f"
		echo "$f" >> "$B/tree.changed"
	done
	mv "$new" "$B/overlay.list"
}

full() {
	local stage=$B/stage
	rm -rf "$stage"
	# Hard links make the stage cheap; patch(1) and rsync replace files
	# by rename, so the pristine base is never written through them.
	rsync -a --link-dest="$B/base" --exclude=/.git --exclude=/.msi-base-ok \
		"$B/base/" "$stage/"
	(cd "$REPO" && overlay_files) > "$B/overlay.list"
	rsync -a --files-from="$B/overlay.list" "$REPO/" "$stage/"
	if [ -s "$REPO/patches/series" ]; then
		(cd "$stage" && QUILT_PATCHES="$REPO/patches" QUILT_PC=.pc \
			quilt push -a -q --fuzz=0 >"$B/quilt.log" 2>&1) || {
			cat "$B/quilt.log" >&2
			echo "error: a patch in patches/series does not apply" >&2
			exit 1
		}
	fi
	# No -t: a file that changed gets the current time, one that did
	# not is left alone.
	rsync -rlpD --checksum --delete --exclude=/.pc "$stage/" "$B/tree/" \
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
	if [ -d "$B/tree" ] && [ "$(cat "$B/tree/.msi-patches-id" 2>/dev/null)" = "$id" ]; then
		overlay_only
	else
		rm -f "$B/tree/.msi-patches-id"
		full
		echo "$id" > "$B/tree/.msi-patches-id"
	fi
	echo "  TREE    $(grep -vc '/$' "$B/tree.changed" || true) file(s) changed"
}

"${1:-tree}"
