#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The MSI series as the kernel community takes it: git format-patch output
# that applies with git am to a pristine 6.12 tree.
#
#   series.sh export           write build/series/ (make series)
#   series.sh check [--quick]  check it (make check-series), TAP on stdout
#   series.sh maintainers      (re)write the MAINTAINERS hunks of the quilt
#                              patches that add files, in build/quilt
#
# export: one commit per patch of patches/series below the "# MSI series"
# marker, in series order, each with the new files that
# scripts/msi-tools/series-files maps to it, on top of the pristine base
# (build/base); then 0000-cover-letter.patch from series-cover.txt.
# Author, committer and Signed-off-by: are the git identity of whoever
# runs it (git config user.name / user.email in this repository); the
# placeholder sign-off of the quilt patches is replaced by it. Dates are
# the date of the repository's HEAD commit, so the same checkout gives the
# same series.
#
# check: the exported patches
#   - apply with git am to the pristine base (a clone of build/base in
#     build/sc/tree);
#   - end in the tree of build/tree once the harness (the patches above
#     the marker and the harness files of series-files) is added: every
#     file byte for byte, no file more or less;
#   - pass checkpatch --strict with no error, warning or check;
#   - build at every prefix: x86_64 always, ppc64le after a patch that
#     touches arch/powerpc/, sparc64 after one that touches arch/sparc/
#     (sparc64 in its own work tree, build/sc-sparc/tree, which carries the
#     harness's fs/ build fix for 6.12.117 on top); incremental builds in
#     one output directory per architecture, with the test kernels'
#     configuration (build.sh), through ccache. --quick leaves the builds
#     out; SERIES_PREFIXES="6 14" builds only those prefixes,
#     SERIES_ARCHES="sparc64" only those architectures. A warning in a
#     file that the series touches fails a build too.
set -euo pipefail

REPO=$(cd "$(dirname "$0")/../.." && pwd)
B=${B:-$REPO/build}
T=$REPO/scripts/msi-tools
MAP=$T/series-files
COVER=$T/series-cover.txt
OUTDIR=$B/series
SERIES_MARKER="# MSI series"
# The check's work trees and outputs. Same depth below build/ as build/tree
# and build/out/ARCH, so that ccache (CCACHE_BASEDIR=build/) sees the same
# relative paths and shares objects with the normal builds.
SC=${SERIES_SC:-$B/sc}
SCS=${SERIES_SCS:-$B/sc-sparc}

die() {
	echo "error: $*" >&2
	exit 1
}

# Patches of patches/series, below the marker (series) or above (harness).
series_patches() {
	sed -n "/^$SERIES_MARKER/,\$p" "$REPO/patches/series" |
		sed -e 's/#.*//' | awk 'NF { print $1 }'
}

harness_patches() {
	sed "/^$SERIES_MARKER/,\$d" "$REPO/patches/series" |
		sed -e 's/#.*//' | awk 'NF { print $1 }'
}

# series-files as "key<TAB>file" lines.
map_lines() {
	awk -v map="$MAP" '
		/^[ \t]*(#|$)/ { next }
		/^[^ \t].*:[ \t]*$/ { key = $0; sub(/:[ \t]*$/, "", key); next }
		/^[ \t]/ {
			if (key == "") {
				print map ":" NR ": file before any patch name" > "/dev/stderr"
				exit 1
			}
			print key "\t" $1
			next
		}
		{ print map ":" NR ": cannot parse: " $0 > "/dev/stderr"; exit 1 }
	' "$MAP"
}

files_of() {
	map_lines | awk -F'\t' -v k="$1" '$1 == k { print $2 }'
}

# The mapping must cover the overlay exactly (build/overlay.list, written
# by assemble.sh) and name only patches of the series.
check_map() {
	local bad=0 lines keys
	[ -f "$B/overlay.list" ] || die "no build/overlay.list: run make assemble first"
	lines=$(map_lines) || exit 1
	keys=$(cut -f1 <<< "$lines" | sort -u)
	while read -r k; do
		[ "$k" = harness ] && continue
		series_patches | grep -qxF "$k" || {
			echo "error: $MAP names $k, which is not below the marker of patches/series" >&2
			bad=1
		}
	done <<< "$keys"
	while read -r f; do
		echo "error: $f is listed more than once in $MAP" >&2
		bad=1
	done < <(cut -f2 <<< "$lines" | sort | uniq -d)
	while read -r f; do
		[ -n "$f" ] || continue
		echo "error: overlay file $f is not in $MAP (which patch adds it?)" >&2
		bad=1
	done < <(comm -23 <(sort -u "$B/overlay.list") <(cut -f2 <<< "$lines" | sort -u))
	while read -r f; do
		[ -n "$f" ] || continue
		echo "error: $MAP lists $f, which is not an overlay file" >&2
		bad=1
	done < <(comm -13 <(sort -u "$B/overlay.list") <(cut -f2 <<< "$lines" | sort -u))
	[ $bad = 0 ] || exit 1
}

# The commit message of a quilt patch: its Subject: without the [PATCH]
# prefix, then the body up to the "---" line, with the placeholder
# sign-off replaced by the runner's.
message_of() {
	awk -v sob="Signed-off-by: $NAME <$EMAIL>" '
		/^---$/ || /^--- a\// || /^diff / || /^Index: / { exit }
		!started && /^From: / { next }
		!started && /^Subject: / {
			s = $0
			sub(/^Subject: (\[[^]]*\] )?/, "", s)
			print s
			started = 1
			next
		}
		/^Signed-off-by: msi-ops maintainers <msi-ops@localhost>$/ { next }
		$0 == sob { next }
		started { print }
		END { print ""; print sob }
	' "$1" | git stripspace
}

file_mode() {
	if [ -x "$1" ]; then echo 100755; else echo 100644; fi
}

identity() {
	NAME=$(git -C "$REPO" config user.name || true)
	EMAIL=$(git -C "$REPO" config user.email || true)
	# make check on a machine without an identity (CI): the author of
	# the last commit, so that the check runs; a real export wants yours
	if [ -n "${SERIES_ANY_IDENTITY:-}" ] && { [ -z "$NAME" ] || [ -z "$EMAIL" ]; }; then
		NAME=$(git -C "$REPO" log -1 --format=%an)
		EMAIL=$(git -C "$REPO" log -1 --format=%ae)
	fi
	[ -n "$NAME" ] && [ -n "$EMAIL" ] ||
		die "set your identity first: git config user.name 'Your Name'; git config user.email you@example.org"
	export GIT_AUTHOR_NAME=$NAME GIT_AUTHOR_EMAIL=$EMAIL
	export GIT_COMMITTER_NAME=$NAME GIT_COMMITTER_EMAIL=$EMAIL
	GIT_AUTHOR_DATE=$(git -C "$REPO" log -1 --format=%cI)
	export GIT_AUTHOR_DATE GIT_COMMITTER_DATE=$GIT_AUTHOR_DATE
}

# commit_patches GIT_DIR PARENT PATCH... (patch names, or "harness"):
# commit each patch with its files on top of PARENT without a work tree
# (git apply --cached on a scratch index); prints the last commit.
commit_patches() {
	local gd=$1 parent=$2 p f tree idx msg
	shift 2
	idx=$(mktemp)
	msg=$(mktemp)
	GIT_INDEX_FILE=$idx git --git-dir="$gd" read-tree "$parent"
	for p in "$@"; do
		if [ "$p" != harness ]; then
			GIT_INDEX_FILE=$idx git --git-dir="$gd" apply --cached \
				"$REPO/patches/$p" || die "patches/$p does not apply"
			message_of "$REPO/patches/$p" > "$msg"
		else
			echo "harness: the files of the test harness" > "$msg"
		fi
		while read -r f; do
			[ -n "$f" ] || continue
			GIT_INDEX_FILE=$idx git --git-dir="$gd" update-index --add \
				--cacheinfo "$(file_mode "$REPO/$f")" \
				"$(git --git-dir="$gd" hash-object -w -- "$REPO/$f")" "$f"
		done < <(files_of "$p")
		tree=$(GIT_INDEX_FILE=$idx git --git-dir="$gd" write-tree)
		parent=$(git --git-dir="$gd" commit-tree "$tree" -p "$parent" < "$msg")
	done
	rm -f "$idx" "$msg"
	echo "$parent"
}

base_commit() {
	git -C "$B/base" rev-parse HEAD
}

# What git format-patch writes must not depend on the runner's git
# configuration beyond the identity.
GITFMT=(-c diff.noprefix=false -c diff.mnemonicPrefix=false
	-c format.signOff=false -c format.numbered=auto -c core.abbrev=12
	-c format.coverFromDescription=message -c diff.renames=true
	-c format.subjectPrefix=PATCH)

export_series() {
	local gd=$B/series.git base tip n ver
	[ -f "$B/base/.msi-base-ok" ] || die "no pristine base: run make assemble first"
	check_map
	identity
	if [ ! -d "$gd" ]; then
		git clone -q --bare --shared "$B/base" "$gd.tmp"
		mv "$gd.tmp" "$gd"
	fi
	base=$(base_commit)
	mapfile -t patches < <(series_patches)
	tip=$(commit_patches "$gd" "$base" "${patches[@]}")
	git --git-dir="$gd" update-ref refs/heads/series "$tip"
	rm -rf "$OUTDIR"
	git --git-dir="$gd" "${GITFMT[@]}" format-patch -q --cover-letter \
		--thread=shallow -o "$OUTDIR" "$base..$tip"
	n=${#patches[@]}
	ver=$(cat "$B/base/.msi-base-ok")
	python3 - "$OUTDIR/0000-cover-letter.patch" "$COVER" "$n" "$ver" <<'EOF'
import sys
path, cover, n, ver = sys.argv[1:]
text = open(cover).read().replace('@N@', n).replace('@BASE@', ver)
lines = [l for l in text.split('\n') if not l.startswith('#')]
subject = lines[0]
blurb = '\n'.join(lines[1:]).strip('\n')
s = open(path).read()
assert '*** SUBJECT HERE ***' in s and '*** BLURB HERE ***' in s
s = s.replace('*** SUBJECT HERE ***', subject, 1)
s = s.replace('*** BLURB HERE ***', blurb, 1)
open(path, 'w').write(s)
EOF
	echo "  SERIES  $((n + 1)) files in ${OUTDIR#"$REPO"/} ($NAME <$EMAIL>)"
}

# ---------------------------------------------------------------------------
# check

. "$REPO/scripts/msi-tools/tap.sh"

# A clone of the pristine base with a work tree; kept between runs so
# that the builds in it are incremental.
sc_tree() {
	if [ ! -d "$SC/tree/.git" ]; then
		rm -rf "$SC/tree"
		mkdir -p "$SC"
		git clone -q --shared "$B/base" "$SC/tree"
	fi
	git -C "$SC/tree" config user.name "$NAME"
	git -C "$SC/tree" config user.email "$EMAIL"
}

checkpatch_one() {
	local p=$1 out=$2
	mkdir -p "$tmp/checkpatch"
	# As in static/check.sh: no git around checkpatch, the assembled tree
	# as root for --strict's CamelCase list.
	(cd "$tmp/checkpatch" &&
		GIT_DIR=/nonexistent/msi-no-git "$B/tree/scripts/checkpatch.pl" \
		--strict --no-tree --root="$B/tree" --quiet --show-types \
		--color=never "$p") > "$out.raw" 2>&1
	# Drop the findings listed in series-checkpatch-known; any other
	# finding, or a checkpatch that did not run, fails.
	python3 - "$out.raw" "$T/series-checkpatch-known" > "$out" <<'PY'
import re, sys
raw, known_file = sys.argv[1:]
known = set()
for l in open(known_file):
    l = l.rstrip('\n')
    if l and not l.startswith('#'):
        t, f, text = l.split('\t', 2)
        known.add((t, f, text.strip()))
blocks = open(raw).read().split('\n\n')
kept, dropped, total = [], 0, False
for b in blocks:
    m = re.match(r'(ERROR|WARNING|CHECK):([A-Z0-9_]+):', b)
    if not m:
        if b.startswith('total:'):
            total = True
        elif b.strip():
            kept.append(b)
        continue
    f = re.search(r'^#\d+: FILE: ([^:]+):\d+:', b, re.M)
    add = [l[1:].strip() for l in b.split('\n') if l.startswith('+')]
    if not f:
        # A finding in the commit message: "#N: " then the line itself
        lines = b.split('\n')
        at = [i for i, l in enumerate(lines) if re.match(r'#\d+: $', l)]
        if at and at[0] + 1 < len(lines) and \
           (m.group(2), '-', lines[at[0] + 1].strip()) in known:
            dropped += 1
            continue
    if f and add and (m.group(2), f.group(1), add[0]) in known:
        dropped += 1
        continue
    kept.append(b)
for b in kept:
    print(b + '\n')
if dropped:
    print('%d known finding(s) of series-checkpatch-known left out' % dropped)
sys.exit(1 if kept else 0)
PY
}

# Compare build/tree with the tree of commit $1, without a work tree of
# the commit: hash build/tree against a scratch index.
compare_tree() {
	local commit=$1 out=$2 idx=$tmp/cmp.index
	rm -f "$idx"
	GIT_INDEX_FILE=$idx git -C "$SC/tree" read-tree "$commit"
	(
		export GIT_INDEX_FILE=$idx
		g=(git --git-dir="$SC/tree/.git" --work-tree="$B/tree" -c core.autocrlf=false)
		"${g[@]}" update-index -q --refresh > /dev/null || true
		"${g[@]}" diff-files --name-status
		"${g[@]}" ls-files --others | sed -e '/^\.msi-patches-id$/d' \
			-e 's/^/extra\t/'
	) > "$out"
	[ ! -s "$out" ]
}

# build_prefix TREE ARCH LABEL: configure like build.sh (base config and
# the test fragments; options of later patches are simply not there yet)
# and build the image, incrementally, in $(dirname TREE)/out/ARCH.
# prefix_arches COMMIT: the architectures a prefix builds: the first of
# arch.sh's ARCHES (x86_64) always, each other one when COMMIT touches
# its ARCH_SRC_DIR
prefix_arches() (
	local files a list=""
	. "$T/arch.sh"
	files=$(git -C "$SC/tree" show --name-only --format= "$1")
	for a in $ARCHES; do
		arch_setup "$a"
		if [ -z "$list" ] || grep -q "^$ARCH_SRC_DIR/" <<< "$files"; then
			list="$list${list:+ }$a"
		fi
	done
	echo "$list"
)

build_prefix() {
	local src=$1 target=$2 out cfgdir log f frags=""
	(
		. "$T/arch.sh"
		arch_setup "$target"
		kbuild_env
		out=$(dirname "$src")/out/$target
		cfgdir=$out/.msi-config
		log=$B/logs/series-build-$target.log
		mkdir -p "$cfgdir" "$B/logs"
		for f in $FRAGMENTS; do
			frags="$frags $REPO/$f"
		done
		kmake() {
			make -C "$src" O="$out" ARCH="$KARCH" CROSS_COMPILE="$CROSS" \
				CC="ccache ${CROSS}gcc" HOSTCC="ccache gcc" \
				-j"$(nproc)" "$@"
		}
		{
			kmake -s "$BASECONFIG" O="$cfgdir"
			# shellcheck disable=SC2086
			KCONFIG_CONFIG=$cfgdir/.config "$src/scripts/kconfig/merge_config.sh" \
				-m -O "$cfgdir" "$cfgdir/.config" $frags
			kmake -s olddefconfig O="$cfgdir"
		} > "$log" 2>&1 || { tail -20 "$log"; exit 1; }
		cmp -s "$cfgdir/.config" "$out/.config" || cp "$cfgdir/.config" "$out/.config"
		kmake "$IMAGE" >> "$log" 2>&1 || {
			grep -E 'error|Error' "$log" | head -30
			exit 1
		}
		# A warning in a file of the series at any prefix is a
		# bisection hazard too (-Werror builds), so it counts. Warnings
		# of untouched upstream files (sparc64's vdso and clone3 ones in
		# 6.12) are not the series'.
		git -C "$src" diff --name-only "$BASE_COMMIT" HEAD > "$cfgdir/series-files"
		sed -E -n "s#^(\.\./)*(tree|$src)/##; s#^([^ :]+):[0-9]+(:[0-9]+)?: (warning|error): .*#&#p" "$log" |
			awk -F: 'NR == FNR { f[$0] = 1; next } ($1 in f)' "$cfgdir/series-files" - |
			head -30 | grep . && exit 1
		exit 0
	)
}

check_series() {
	local quick=0 out=$tmp/out base tip i n p commit t0 arches a s k
	[ "${1:-}" = --quick ] && quick=1
	identity
	[ -f "$OUTDIR/0000-cover-letter.patch" ] || die "no exported series: run make series"
	[ -f "$B/tree/.msi-patches-id" ] || die "no build/tree: run make assemble"
	tap_header
	base=$(base_commit)
	export BASE_COMMIT=$base
	mapfile -t patches < <(series_patches)
	mapfile -t files < <(ls "$OUTDIR"/[0-9][0-9][0-9][0-9]-*.patch | grep -v '/0000-cover-letter.patch$')
	n=${#patches[@]}
	[ "${#files[@]}" = "$n" ] && s=0 || s=$?
	tap_result $s "build/series has one patch per patch of the series ($n)"

	# git am on the pristine base
	t0=$SECONDS
	sc_tree
	(
		cd "$SC/tree"
		git am --abort > /dev/null 2>&1 || true
		git checkout -q -f --detach "$base"
		git am -q --whitespace=error-all "${files[@]}"
	) > "$out" 2>&1 && s=0 || s=$?
	tap_result $s "git am applies all $n patches to the pristine base ($((SECONDS - t0)) s)" "$out"
	tip=$(git -C "$SC/tree" rev-parse HEAD)
	mapfile -t commits < <(git -C "$SC/tree" rev-list --reverse "$base..$tip")

	# The tree after the last patch, with the harness added, is build/tree.
	t0=$SECONDS
	mapfile -t hp < <(harness_patches)
	commit=$(commit_patches "$SC/tree/.git" "$tip" "${hp[@]}" harness)
	compare_tree "$commit" "$out" && s=0 || s=$?
	tap_result $s "series + harness is byte-identical to build/tree ($((SECONDS - t0)) s)" "$out"

	# checkpatch on every exported patch
	t0=$SECONDS
	for ((i = 0; i < n; i++)); do
		checkpatch_one "${files[$i]}" "$out" && s=0 || s=$?
		k=$(sed -n 's/^\([0-9]*\) known finding.*/ (\1 known)/p' "$out")
		tap_result $s "checkpatch --strict $(basename "${files[$i]}")$k" "$out"
	done
	tap_comment "checkpatch of $n patches: $((SECONDS - t0)) s"

	if [ $quick = 1 ]; then
		tap_plan
		[ "$tap_failed" = 0 ]
		return
	fi

	# Every prefix builds.
	for ((i = 0; i < n; i++)); do
		p=${patches[$i]}
		# SERIES_PREFIXES="6 14": build only these prefixes (a quick look)
		if [ -n "${SERIES_PREFIXES:-}" ] &&
		   ! grep -qw "$((i + 1))" <<< "$SERIES_PREFIXES"; then
			continue
		fi
		arches=$(prefix_arches "${commits[$i]}")
		git -C "$SC/tree" checkout -q --detach "${commits[$i]}"
		for a in $arches; do
			# SERIES_ARCHES="sparc64": build only these architectures
			if [ -n "${SERIES_ARCHES:-}" ] && ! grep -qw "$a" <<< "$SERIES_ARCHES"; then
				continue
			fi
			t0=$SECONDS
			if [ "$a" = sparc64 ]; then
				sparc_tree "${commits[$i]}" > "$out" 2>&1 &&
					build_prefix "$SCS/tree" "$a" >> "$out" 2>&1 && s=0 || s=$?
			else
				build_prefix "$SC/tree" "$a" > "$out" 2>&1 && s=0 || s=$?
			fi
			tap_result $s "$(printf '%02d' $((i + 1)))/$n $p builds $a ($((SECONDS - t0)) s)" "$out"
		done
	done
	tap_plan
	[ "$tap_failed" = 0 ]
}

# The sparc64 work tree: a git worktree of build/sc/tree at COMMIT, with
# the harness's fs/ build fix (patches/0001) applied on top, uncommitted.
# The fix stays in place when the tree moves from one commit to the next,
# so its header keeps its mtime.
sparc_tree() {
	local commit=$1 fix
	fix=$REPO/patches/$(harness_patches | grep -m1 '^0001-')
	if [ ! -d "$SCS/tree" ]; then
		mkdir -p "$SCS"
		git -C "$SC/tree" worktree prune
		git -C "$SC/tree" worktree add -q --detach "$SCS/tree" "$commit"
	fi
	(
		cd "$SCS/tree"
		git checkout -q --detach "$commit"
		if ! git apply -R --check "$fix" 2> /dev/null; then
			git apply "$fix"
		fi
	)
}

# ---------------------------------------------------------------------------
# maintainers: give every patch that adds files its MAINTAINERS hunk, in
# the quilt tree (build/quilt, see README), from series-files: the first
# such patch adds the entry "PCI MSI BACKEND OPS", each later one its own
# files to it. checkpatch wants MAINTAINERS updated in the patch that adds
# a file (FILE_PATH_CHANGES). Idempotent: run it again after series-files
# changed or after a merge that lost the hunks.
MAINT_ENTRY="PCI MSI BACKEND OPS"
MAINT_BEFORE="PCI MSI DRIVER FOR ALTERA MSI IP"

maintainers() {
	local q=${QUILT_TREE:-$B/quilt} p done_files=$tmp/files
	[ -d "$q/.pc" ] || die "no quilt tree: run make quilt first"
	check_map
	: > "$done_files"
	cd "$q"
	quilt pop -aq > /dev/null || true
	# Start from patches without MAINTAINERS hunks: those of a patch
	# depend on the entry as the patches before it left it.
	while read -r p; do
		python3 - "patches/$p" "$(files_of "$p" | wc -l)" <<'PY'
import sys
path, nfiles = sys.argv[1], int(sys.argv[2])
lines = open(path).read().split('\n')
out, skip, head = [], False, True
for i, l in enumerate(lines):
    if l.startswith('--- a/'):
        skip = l == '--- a/MAINTAINERS'
        head = False
    # quilt refresh --diffstat writes the diffstat of a patch that gets
    # its hunk anew; drop the old one ("---" and what follows).
    if head and nfiles and l == '---':
        skip = True
    if not skip:
        out.append(l)
s = '\n'.join(out)
open(path, 'w').write(s if s.endswith('\n') else s + '\n')
PY
	done < <(series_patches)
	while read -r p; do
		quilt push -q --fuzz=0 "$p" > /dev/null || die "$p does not apply"
		files_of "$p" >> "$done_files"
		[ -s "$done_files" ] || continue
		[ -n "$(files_of "$p")" ] || {
			# A patch without files of its own must not touch the entry.
			quilt files | grep -qx MAINTAINERS &&
				die "$p adds no file but changes MAINTAINERS"
			continue
		}
		quilt files | grep -qx MAINTAINERS || quilt add MAINTAINERS > /dev/null
		python3 - MAINTAINERS "$MAINT_ENTRY" "$MAINT_BEFORE" "$done_files" <<'PY'
import sys
path, entry, before, files = sys.argv[1:]
lines = open(path).read().split('\n')
fl = sorted(set(l for l in open(files).read().split('\n') if l))
block = [entry, 'L:\tlinux-pci@vger.kernel.org', 'S:\tMaintained']
block += ['F:\t' + f for f in fl]
if entry in lines:
    i = lines.index(entry)
    j = i
    while lines[j] != '':
        j += 1
    lines[i:j] = block
else:
    i = lines.index(before)
    lines[i:i] = block + ['']
open(path, 'w').write('\n'.join(lines))
PY
		quilt refresh -p ab --no-index --no-timestamps --diffstat > /dev/null
		# quilt's diffstat lines end in blanks
		python3 - "patches/$p" <<'PY'
import sys, re
p = sys.argv[1]
s = open(p).read().split('\n')
i = next(k for k, l in enumerate(s) if l.startswith('--- a/'))
h = [l.rstrip() for l in s[:i]]
# a header that ended in "---" before quilt added its diffstat
h = [l for k, l in enumerate(h) if not (l == '---' and k + 1 < len(h) and h[k + 1] == '---')]
s[:i] = h
open(p, 'w').write('\n'.join(s))
PY
		echo "  MAINT   $p"
	done < <(series_patches_all)
	rm -f patches/*~
}

# Every patch of patches/series, harness ones included, for quilt.
series_patches_all() {
	sed -e 's/#.*//' "$REPO/patches/series" | awk 'NF { print $1 }'
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

case "${1:-}" in
export) export_series ;;
maintainers) maintainers ;;
check) shift; check_series "$@" ;;
*) echo "usage: $0 export | check [--quick] | maintainers" >&2; exit 2 ;;
esac
