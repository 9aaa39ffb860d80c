#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Make build/quilt: a writable copy of the pristine base (a shared git
# clone, so no file is a hard link into the base) with the overlay laid
# over it and patches/series pushed. Its patches/ is a link to the
# repository's, so "quilt refresh" there rewrites the patch in git.
set -euo pipefail

REPO=$(cd "$(dirname "$0")/../.." && pwd)
B=${B:-$REPO/build}
Q=${QUILT_TREE:-$B/quilt}	# not QUILT_DIR: quilt itself uses that name

"$REPO/scripts/msi-tools/assemble.sh" base
if [ -d "$Q/.pc" ] && [ -n "$(cd "$Q" && quilt applied 2>/dev/null)" ]; then
	echo "build/quilt exists with patches applied; remove it to start over"
	exit 0
fi
rm -rf "$Q"
git clone -q --shared "$B/base" "$Q"
(cd "$REPO" && git ls-files --cached --others --exclude-standard -- \
	arch block Documentation drivers fs include init kernel lib mm scripts tools |
	grep -v '^scripts/msi-tools/') | rsync -a --files-from=- "$REPO/" "$Q/"
ln -s "$REPO/patches" "$Q/patches"
cd "$Q"
quilt push -a -q --fuzz=0
echo "quilt tree ready in ${Q#"$REPO"/}"
