#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Static checks of the MSI series, the static part of `make check`.
#
#   check.sh [ARCH]              check our files; ARCH defaults to x86_64
#   check.sh --selftest [ARCH]   prove that every checker can fail
#   check.sh --all [ARCH]        both, in one TAP stream
#
# Run it after `assemble.sh` and `build.sh ARCH`. It prints TAP version 13
# on stdout (a failing check's tool output follows as '# ' lines) and exits
# non-zero when a check failed. The checks:
#
#   checkpatch  --strict on every overlay .c/.h file (-f) and on every
#               patch of patches/series
#   kernel-doc  -none -Wall on every overlay .c/.h file
#   sparse      C=2 on every overlay .c file whose object the ARCH build has
#   W=1         the same objects compiled with the extra warnings of W=1
#
# The files are found, not listed: build/overlay.list (written by
# assemble.sh) and patches/series. The self-test samples live in
# selftest/ next to this script; scripts/msi-tools/ is not part of the
# overlay, so they never reach the tree or the normal checks.
set -uo pipefail

REPO=$(cd "$(dirname "$0")/../../.." && pwd)
B=${B:-$REPO/build}
TREE=$B/tree
HERE=$REPO/scripts/msi-tools/static
SELFTEST=$HERE/selftest
. "$REPO/scripts/msi-tools/arch.sh"

# At most this many lines of a failing tool's output are shown.
MAX_DIAG=${MAX_DIAG:-200}

# ---------------------------------------------------------------------------
# TAP output

. "$REPO/scripts/msi-tools/tap.sh"

# ---------------------------------------------------------------------------
# What to check

# Overlay C sources and headers, as assembled into build/tree.
overlay_c_files() {
	grep -E '\.[ch]$' "$B/overlay.list" | LC_ALL=C sort
}

# Patches in series order; the series file may hold comments and
# per-patch options ("name -p1").
series_patches() {
	[ -f "$REPO/patches/series" ] || return 0
	sed -e 's/#.*//' "$REPO/patches/series" | awk 'NF { print $1 }'
}

# ---------------------------------------------------------------------------
# checkpatch
#
# No message type is ignored, on purpose. What was considered:
#  - MISSING_SIGN_OFF / NO_AUTHOR_SIGN_OFF / FROM_SIGN_OFF_MISMATCH: our
#    patches are mail-style (From:, Subject:, body, ---) and are to carry
#    a Signed-off-by: of their From: author, as anything sent upstream must.
#  - FILE_PATH_CHANGES ("does MAINTAINERS need updating?"): only raised for
#    patches that add or delete files; our new files are overlay files,
#    checked with -f, where checkpatch never raises it.
#  - SPDX_LICENSE_TAG: every new (overlay) file must have one; patches only
#    meet it when they add line 1 of a file, where it is just as right.
#  - UNKNOWN_COMMIT_ID: checkpatch looks up the commit of a Fixes: tag in
#    the kernel's git history, which it cannot see here (see GIT_DIR
#    below), so every such tag is "unknown". Ignored here; make
#    check-series (series.sh) accepts only the exact Fixes: lines listed
#    in series-checkpatch-known, each checked by hand against mainline.
# Add a type to CHECKPATCH_IGNORE only with a comment saying why it is an
# artefact of this layout rather than a real problem.
CHECKPATCH_IGNORE="UNKNOWN_COMMIT_ID"

# How checkpatch is run, and why:
#  - From a scratch directory, on absolute paths (shortened again in its
#    output). checkpatch looks for ./.git: found, it asks git whether its
#    argument is a tracked file and then checks it as a source file (as
#    with -f) even when it is a patch. Run from /work/main, our patches
#    would be checked as plain text, with "trailing whitespace" on every
#    blank context line and no sign-off check at all. GIT_DIR pointing
#    nowhere keeps git out of it wherever this runs.
#  - With --root=build/tree although --no-tree: --no-tree only turns off
#    get_maintainer.pl and spdxcheck.py, while the root is what --strict's
#    CamelCase check learns the kernel's own CamelCase names from (without
#    it checkpatch runs `find /include` and caches an empty list). The
#    CamelCase cache file it writes to the working directory is another
#    reason for the scratch directory: it is shared by all runs of this
#    script and never lands in the repository or the tree.
checkpatch() {
	local out=$1 ignore=() status
	shift
	[ -n "$CHECKPATCH_IGNORE" ] && ignore=(--ignore "$CHECKPATCH_IGNORE")
	mkdir -p "$tmp/checkpatch"
	(cd "$tmp/checkpatch" &&
		GIT_DIR=/nonexistent/msi-no-git "$TREE/scripts/checkpatch.pl" \
		--strict --no-tree --root="$TREE" --quiet --show-types \
		--color=never "${ignore[@]}" "$@") > "$out" 2>&1
	status=$?
	sed -i -e "s|$TREE/||g" -e "s|$REPO/||g" "$out"
	return $status
}

# checkpatch of one overlay file (in build/tree) or patch; checkpatch exits
# non-zero on any ERROR, WARNING or CHECK (with --strict).
check_checkpatch() {
	local what=$1 path=$2 out=$tmp/out
	shift 2
	checkpatch "$out" "$@"
	tap_result $? "checkpatch $what $path" "$out"
}

# ---------------------------------------------------------------------------
# kernel-doc: its exit status says nothing about warnings, so any output
# at all is a failure.
check_kerneldoc() {
	local dir=$1 path=$2 out=$tmp/out status
	(cd "$dir" && "$TREE/scripts/kernel-doc" -none -Wall "$path") > "$out" 2>&1
	status=$?
	[ -s "$out" ] && status=1
	tap_result $status "kernel-doc $path" "$out"
}

# ---------------------------------------------------------------------------
# sparse and W=1, through Kbuild
#
# Both run on the real build output of the ARCH (build/out/ARCH), with the
# environment and make variables of build.sh: anything else (another CC,
# another KBUILD_BUILD_USER) would change command lines or compile.h and
# make the next build recompile far more than our objects.
#
#   sparse  `make C=2 <path>.o`: C=2 runs sparse on the source whether or
#           not the object is up to date, and an up-to-date object is not
#           recompiled, so this changes nothing in the build.
#   W=1     `make W=1 <path>.s`, not `<path>.o`. W=1 changes the command
#           line of every object, so `make W=1 <path>.o` recompiles the
#           object, and the next normal build recompiles it again and
#           relinks vmlinux and bzImage (and bumps the build number). The
#           .s target compiles the same source with the same c_flags (less
#           -g) and so gives the same compiler warnings, while the object
#           is left alone; we delete the .s and its .cmd afterwards.
#           What W=1 cannot avoid: it also changes the flags of the few
#           prepare steps (kernel/bounds.s, asm-offsets.s, scripts/mod),
#           which are redone now and once more by the next normal build.
#           Their headers are written with filechk and keep their mtime,
#           so no kernel object is recompiled and vmlinux is not relinked.
#           (W=1's own kernel-doc pass is covered by the -Wall run above.)
#
# All targets of one kind go to one make (-k, so one broken object does
# not hide the others). It runs with -j1 so that each tool's output
# follows the Kbuild line naming its file ("  CHECK   .../x.c",
# "  CC      .../x.s"), which is how output is attributed to files.
# MAKEFLAGS from a calling make is dropped: its -s would silence exactly
# those lines. kbuild_env (arch.sh) is the environment build.sh uses.

kmake() {
	make -C "$TREE" O="$OUT" ARCH="$KARCH" CROSS_COMPILE="$CROSS" \
		CC="ccache ${CROSS}gcc" HOSTCC="ccache gcc" V=0 -j1 -k "$@"
}

# kbuild_run NAME STEMS_FILE STRIP_PREFIX MAKE_ARGS...
#
# Run one make and cut its output into one piece per stem (a source path
# without ".c", as Kbuild names it relative to STRIP_PREFIX): the piece of
# stem number I is $tmp/NAME/I.log, and $tmp/NAME/I.seen exists if make
# got to it at all. Everything else (prepare steps, make's own messages)
# goes to $tmp/NAME/other.log; make's exit status to $tmp/NAME/status.
kbuild_run() {
	local stems=$2 strip=$3 dir=$tmp/$1
	shift 3
	rm -rf "$dir"
	mkdir -p "$dir"
	echo "$strip" > "$dir/strip"
	kmake "$@" > "$dir/make.log" 2>&1
	echo $? > "$dir/status"
	: > "$dir/other.log"
	# gcc is told -fdiagnostics-color=always by the kernel Makefile.
	sed 's/\x1b\[[0-9;]*[mK]//g' "$dir/make.log" |
	awk -v stems="$stems" -v dir="$dir" -v p1="$TREE/" -v p2="$strip/" '
		BEGIN {
			while ((getline s < stems) > 0)
				idx[s] = ++n
			cur = "other"
		}
		/^make(\[[0-9]+\])?: (Entering|Leaving) directory/ { next }
		# A Kbuild quiet command line: "  CC      path", "  CC [M]  path".
		/^  [A-Z][A-Z0-9_]* +(\[M\] +)?[^ ]+$/ {
			f = $NF
			if (index(f, p1) == 1)
				f = substr(f, length(p1) + 1)
			else if (index(f, p2) == 1)
				f = substr(f, length(p2) + 1)
			sub(/^\.\//, "", f)
			sub(/\.[^.\/]*$/, "", f)
			if (f in idx) {
				cur = idx[f]
				printf "" > (dir "/" cur ".seen")
			} else {
				cur = "other"
			}
		}
		{ print > (dir "/" cur ".log") }'
}

# Does a piece of make output hold a diagnostic or a make failure?
has_diag() {
	[ -f "$1" ] && grep -Eq '(warning|error):|\*\*\*' "$1"
}

# kbuild_result NAME I -> status of stem I, its output in $tmp/NAME/I.out
kbuild_result() {
	local dir=$tmp/$1 i=$2
	if [ ! -e "$dir/$i.seen" ]; then
		{
			echo "make did not get to this file; the end of its output:"
			tail -n 30 "$dir/make.log"
		} > "$dir/$i.out"
		return 1
	fi
	# Paths relative to the tree (or the self-test directory) read better.
	sed -e "s|$TREE/||g" -e "s|$(cat "$dir/strip")/||g" "$dir/$i.log" > "$dir/$i.out"
	! has_diag "$dir/$i.out"
}

# The make run as a whole: prepare steps clean, and a non-zero exit
# explained by a failing file.
kbuild_run_result() {
	local dir=$tmp/$1 nstems=$2 i
	cp "$dir/other.log" "$dir/other.out"
	has_diag "$dir/other.log" && return 1
	[ "$(cat "$dir/status")" = 0 ] && return 0
	for ((i = 1; i <= nstems; i++)); do
		has_diag "$dir/$i.log" && return 0
	done
	tail -n 30 "$dir/make.log" > "$dir/other.out"
	return 1
}

# Overlay C files whose object this ARCH's build has. Host programs
# (scripts/) and user space (tools/) are not kernel objects.
built_overlay_stems() {
	local f
	overlay_c_files | grep '\.c$' | grep -Ev '^(scripts|tools|Documentation)/' |
	while read -r f; do
		[ -f "$OUT/${f%.c}.o" ] && echo "${f%.c}"
	done
}

# Two makes in one output directory trip over each other (and W=1 redoes
# prepare steps a running build depends on), so the Kbuild part holds
# $OUT/.msi-kbuild.lock. build.sh should take the same lock around its
# make; until it does, do not run this while a build of ARCH is running.
kbuild_lock() {
	exec 8> "$OUT/.msi-kbuild.lock"
	flock 8
}

# Remove the W=1 .s files of the stems in file $1, and their .cmd files.
remove_s() {
	local stem
	while read -r stem; do
		rm -f "$OUT/$stem.s" "$OUT/$(dirname "$stem")/.$(basename "$stem").s.cmd"
	done < "$1"
}
# report_objects TOOL LABEL STEMS: one TAP line per object of a
# kbuild_run, in the order of STEMS.
report_objects() {
	local tool=$1 label=$2 stems=$3 stem i=0

	while read -r stem; do
		i=$((i + 1))
		kbuild_result "$tool" $i
		tap_result $? "$label $target $stem.c" "$tmp/$tool/$i.out"
	done < "$stems"
}


check_kbuild() {
	local stems=$tmp/stems n i stem targets
	built_overlay_stems > "$stems"
	n=$(wc -l < "$stems")
	if [ "$n" = 0 ]; then
		tap_skip "sparse $target" "no overlay object in $OUT"
		tap_skip "W=1 $target" "no overlay object in $OUT"
		return
	fi

	# sparse first: W=1 changes the prepare steps' flags, and going back
	# and forth would redo them each time.
	mapfile -t targets < <(sed 's/$/.o/' "$stems")
	kbuild_run sparse "$stems" "$OUT" C=2 "${targets[@]}"
	kbuild_run_result sparse "$n"
	tap_result $? "sparse $target: make C=2 of $n object(s), nothing else flagged" \
		"$tmp/sparse/other.out"
	report_objects sparse sparse "$stems"

	# A .s left from an earlier run would be up to date, and make would
	# print nothing for it: remove it before, and after.
	remove_s "$stems"
	mapfile -t targets < <(sed 's/$/.s/' "$stems")
	kbuild_run w1 "$stems" "$OUT" W=1 "${targets[@]}"
	remove_s "$stems"
	kbuild_run_result w1 "$n"
	tap_result $? "W=1 $target: make W=1 of $n object(s), nothing else flagged" \
		"$tmp/w1/other.out"
	report_objects w1 W=1 "$stems"
}

# ---------------------------------------------------------------------------
# The checks of our files

# build/tree must hold what the repository holds, or the checks below
# would judge an older version of a file than the one being committed.
check_tree_current() {
	local f out=$tmp/out
	: > "$out"
	while read -r f; do
		cmp -s "$REPO/$f" "$TREE/$f" ||
			echo "$f differs from build/tree/$f" >> "$out"
	done < <(overlay_c_files)
	if [ -s "$out" ]; then
		echo "run scripts/msi-tools/assemble.sh (and build.sh) again" >> "$out"
		tap_result 1 "build/tree is current for the overlay C files" "$out"
	else
		tap_result 0 "build/tree is current for the overlay C files"
	fi
}

run_checks() {
	local f p
	check_tree_current

	while read -r f; do
		check_checkpatch file "$f" -f "$TREE/$f"
	done < <(overlay_c_files)
	while read -r p; do
		if [ -f "$REPO/patches/$p" ]; then
			check_checkpatch patch "patches/$p" "$REPO/patches/$p"
		else
			echo "patches/series lists $p, which does not exist" > "$tmp/out"
			tap_result 1 "checkpatch patch patches/$p" "$tmp/out"
		fi
	done < <(series_patches)

	while read -r f; do
		check_kerneldoc "$TREE" "$f"
	done < <(overlay_c_files)

	if [ ! -f "$OUT/$IMAGE_PATH" ]; then
		echo "no $OUT/$IMAGE_PATH: run scripts/msi-tools/build.sh $target" > "$tmp/out"
		tap_result 1 "sparse and W=1 $target: a build to check against" "$tmp/out"
		return
	fi
	kbuild_lock
	check_kbuild
}

# ---------------------------------------------------------------------------
# Self-tests: each checker, run exactly as above, must reject its bad
# sample for the reason the sample was written for (a pattern in its
# output), and must accept good.c, so a pass above means something.

# expect DESCRIPTION pass|fail PATTERN STATUS OUTPUT_FILE
expect() {
	local desc=$1 want=$2 pattern=$3 status=$4 out=$5 diag=$tmp/expect
	if [ "$want" = pass ]; then
		tap_result "$status" "$desc" "$out"
		return
	fi
	if [ "$status" = 0 ]; then
		{ echo "the checker passed, but it should have failed:"; cat "$out"; } > "$diag"
		tap_result 1 "$desc" "$diag"
	elif ! grep -Eq "$pattern" "$out"; then
		{ echo "failed, but without /$pattern/:"; cat "$out"; } > "$diag"
		tap_result 1 "$desc" "$diag"
	else
		tap_result 0 "$desc"
	fi
}

verb() {
	if [ "$1" = pass ]; then echo accepts; else echo rejects; fi
}

# selftest_kbuild RUN WHAT EACH CASES MAKE-ARGS...: build the samples in
# $mdir (stems in $stems) with MAKE-ARGS, then judge the run ("WHAT:
# nothing else flagged") and each sample. CASES has a line per sample,
# sample:pass|fail:pattern, in the order of the stems.
selftest_kbuild() {
	local run=$1 what=$2 each=$3 cases=$4 f want pattern status i=0
	shift 4
	kbuild_run "$run" "$stems" "$mdir" M="$mdir" "$@"
	kbuild_run_result "$run" 3
	tap_result $? "selftest: $what: make M=<samples> $1, nothing else flagged" \
		"$tmp/$run/other.out"
	while IFS=: read -r f want pattern; do
		i=$((i + 1))
		kbuild_result "$run" $i
		status=$?
		expect "selftest: $each $(verb "$want") $f.c" \
			"$want" "$pattern" $status "$tmp/$run/$i.out"
	done <<< "$cases"
}

run_selftests() {
	local rel=scripts/msi-tools/static/selftest out=$tmp/out status
	local mdir stems i s f want pattern

	# checkpatch, on files and on patches. In git mode (see checkpatch())
	# bad.patch would be checked as a file and lack MISSING_SIGN_OFF, so
	# this also guards against that mode coming back.
	for s in good.c:pass: bad_style.c:fail:OPEN_BRACE \
		 good.patch:pass: bad.patch:fail:MISSING_SIGN_OFF; do
		IFS=: read -r f want pattern <<< "$s"
		if [ "${f##*.}" = patch ]; then
			checkpatch "$out" "$SELFTEST/$f"
		else
			checkpatch "$out" -f "$SELFTEST/$f"
		fi
		status=$?
		expect "selftest: checkpatch $(verb "$want") $f" "$want" "$pattern" $status "$out"
	done

	for s in good.c:pass: bad_kdoc.c:fail:"not described in 'bad_kdoc_sum'"; do
		IFS=: read -r f want pattern <<< "$s"
		(cd "$REPO" && "$TREE/scripts/kernel-doc" -none -Wall "$rel/$f") > "$out" 2>&1
		status=$?
		[ -s "$out" ] && status=1
		expect "selftest: kernel-doc $(verb "$want") $f" "$want" "$pattern" $status "$out"
	done

	if [ ! -f "$OUT/$IMAGE_PATH" ]; then
		echo "no $OUT/$IMAGE_PATH: run scripts/msi-tools/build.sh $target" > "$out"
		tap_result 1 "selftest: sparse and W=1 $target: a build to compile against" "$out"
		return
	fi

	kbuild_lock

	# sparse and W=1 compile the samples as an external module directory
	# (M=): that is a scratch directory outside build/tree and build/out,
	# so nothing of the tree or of its build is written, and Kbuild skips
	# the kernel's prepare steps for it. CONFIG_MODULES=n does not matter:
	# only single objects are built, and as obj-y, like our own code.
	mdir=$tmp/m
	mkdir -p "$mdir"
	cp "$SELFTEST"/selftest.h "$SELFTEST"/good.c "$SELFTEST"/bad_sparse.c \
		"$SELFTEST"/bad_w1.c "$mdir/"
	echo "obj-y := good.o bad_sparse.o bad_w1.o" > "$mdir/Kbuild"
	stems=$tmp/selftest-stems
	printf '%s\n' good bad_sparse bad_w1 > "$stems"

	# The sparse run also compiles the samples at the default warning
	# level, which must accept bad_w1.c: only W=1 may catch it.
	selftest_kbuild st-sparse "sparse $target" "gcc and sparse $target" \
		"good:pass:
bad_sparse:fail:different address spaces|dereference of noderef
bad_w1:pass:" \
		C=2 good.o bad_sparse.o bad_w1.o
	# W=1 must catch bad_w1.c, and gcc must not see bad_sparse.c's
	# problem: only sparse may catch that one.
	selftest_kbuild st-w1 "W=1 $target" "gcc W=1 $target" \
		"good:pass:
bad_sparse:pass:
bad_w1:fail:unused-but-set-variable|unused-const-variable" \
		W=1 good.s bad_sparse.s bad_w1.s
}

# ---------------------------------------------------------------------------
# main

usage() {
	echo "usage: $0 [--selftest|--all] [x86_64|ppc64le|sparc64]" >&2
	exit 2
}

mode=check
case "${1:-}" in
--selftest) mode=selftest; shift ;;
--all) mode=all; shift ;;
-h|--help) usage ;;
-*) usage ;;
esac
[ $# -le 1 ] || usage
target=${1:-x86_64}
arch_setup "$target"
OUT=$B/out/$target
kbuild_env

tmp=$(mktemp -d)
# KEEP_TMP=1 keeps the raw make logs for a look at what was attributed where.
if [ "${KEEP_TMP:-0}" = 1 ]; then
	echo "keeping $tmp" >&2
else
	trap 'rm -rf "$tmp"' EXIT
fi

tap_header
if [ ! -x "$TREE/scripts/checkpatch.pl" ] || [ ! -f "$B/overlay.list" ]; then
	echo "Bail out! no assembled tree in $TREE: run scripts/msi-tools/assemble.sh"
	exit 1
fi

case $mode in
check) run_checks ;;
selftest) run_selftests ;;
all) run_checks; run_selftests ;;
esac

tap_plan
[ "$tap_failed" = 0 ]
