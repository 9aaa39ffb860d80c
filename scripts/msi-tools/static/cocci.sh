#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Coccinelle checks of the MSI series, part of `make check`. TAP on stdout.
#
#   cocci.sh             the checks (COCCICHECK_ONLY=REGEX: only the kernel
#                        semantic patches whose path matches, for a quick look)
#   cocci.sh --selftest  every rule of ours must report its bad samples
#                        and stay quiet on the good one
#
# The checks, after assemble.sh:
#   coccicheck   `make coccicheck MODE=report` of the kernel, every
#                semantic patch of build/tree/scripts/coccinelle (ours
#                included), over the series' new C files (a copy of them at
#                their kernel paths, given as M=): no report but the known
#                ones of cocci/coccicheck-known, each with its reason. The
#                semantic patches with OCaml scripts need an OCaml compiler,
#                which Debian's coccinelle does not bring; they are run
#                and counted as skipped when ocamlfind has no ocamlopt.
#   ops tables   scripts/coccinelle/api/pci_msi_ops.cocci over every file
#                of drivers/ and arch/ that names pci_msi_ops or registers
#                a platform backend: no report.
#   isolation    scripts/coccinelle/misc/pci_msi_writes.cocci over every
#                file of drivers/ and arch/ that names an MSI address/data
#                offset: the writes of a device's MSI message outside
#                drivers/pci/msi/ must be exactly the known ones of
#                cocci/isolation-baseline (file, function, count), so a
#                new one fails, and so does a known one that went away
#                (the baseline must then shrink).
set -uo pipefail

REPO=$(cd "$(dirname "$0")/../../.." && pwd)
B=${B:-$REPO/build}
TREE=$B/tree
HERE=$REPO/scripts/msi-tools/static
CDIR=$HERE/cocci
OPS_RULE=scripts/coccinelle/api/pci_msi_ops.cocci
ISO_RULE=scripts/coccinelle/misc/pci_msi_writes.cocci
ISO_TOKENS='PCI_MSI_(ADDRESS_LO|ADDRESS_HI|DATA_32|DATA_64)|PCI_MSIX_ENTRY_(LOWER_ADDR|UPPER_ADDR|DATA)'
OPS_TOKENS='pci_msi_ops|pci_msi_set_platform_ops'
SPFLAGS=(--very-quiet -D report --no-show-diff --no-includes --include-headers)

. "$REPO/scripts/msi-tools/tap.sh"

# A Coccinelle report line: "file:line:col-col: message".
reports() {
	grep -E '^[^ :]+:[0-9]+:[0-9]+-[0-9]+: ' "$@"
}

# spatch RULE FILE...: run one of our rules on each file, from the tree
# (paths relative to it), reports on stdout, spatch's own errors too.
spatch_each() {
	local rule=$1 f
	shift
	for f in "$@"; do
		(cd "$TREE" && spatch "${SPFLAGS[@]}" --cocci-file "$rule" "$f") 2>&1
	done
}

# Kernel C files of the series: the overlay's, less host tools, the
# harness's edu exerciser (series-files "harness:") and documentation.
series_c_files() {
	local harness
	harness=$(awk '/^harness:/ { h = 1; next } /^[^ \t]/ { h = 0 }
		h && NF { print $1 }' "$REPO/scripts/msi-tools/series-files")
	grep -E '\.[ch]$' "$B/overlay.list" |
		grep -Ev '^(scripts|tools|Documentation)/' |
		grep -vxF "$harness" | LC_ALL=C sort
}

# known_filter RULE DIR REPORTS: the reports of RULE (relative to
# scripts/coccinelle/) that cocci/coccicheck-known does not list; DIR is
# where the reported files are.
known_filter() {
	python3 - "$1" "$2" "$3" "$CDIR/coccicheck-known" <<'PY'
import re, sys
rule, d, reps, known_file = sys.argv[1:]
known = set()
for l in open(known_file):
    l = l.rstrip('\n')
    if l and not l.startswith('#'):
        r, f, text = l.split('\t', 2)
        known.add((r, f, text.strip()))
for l in open(reps):
    m = re.match(r'([^ :]+):(\d+):', l)
    src = open(d + '/' + m.group(1)).read().split('\n')[int(m.group(2)) - 1]
    if (rule, m.group(1), src.strip()) not in known:
        sys.stdout.write(l)
PY
}

check_coccicheck() {
	local m=$tmp/m out=$tmp/coccicheck n c ran=0 skipped=0 bad=0 s known=0
	rm -rf "$m"
	mkdir -p "$m"
	series_c_files | rsync -a --files-from=- "$TREE/" "$m/"
	n=$(series_c_files | wc -l)
	: > "$out"
	while read -r c; do
		if grep -Eq '@ *(script|initialize|finalize) *: *ocaml' "$TREE/$c" &&
		   ! ocamlfind ocamlopt -version > /dev/null 2>&1; then
			skipped=$((skipped + 1))
			echo "skipped (needs OCaml): $c" >> "$tmp/skipped"
			continue
		fi
		ran=$((ran + 1))
		# coccicheck itself, one semantic patch at a time (COCCI=), so
		# that one that cannot run here does not end the whole run.
		make -s -C "$TREE" coccicheck MODE=report COCCI="$TREE/$c" \
			M="$m" J=2 > "$tmp/one" 2>&1
		s=$?
		if [ $s != 0 ] || grep -q 'coccicheck failed' "$tmp/one"; then
			bad=1
			{ echo "== $c: coccicheck failed"; tail -5 "$tmp/one"; } >> "$out"
		fi
		if reports "$tmp/one" > "$tmp/rep"; then
			sed -i "s|$m/||" "$tmp/rep"
			known_filter "${c#scripts/coccinelle/}" "$m" "$tmp/rep" > "$tmp/unknown"
			known=$((known + $(wc -l < "$tmp/rep") - $(wc -l < "$tmp/unknown")))
			if [ -s "$tmp/unknown" ]; then
				bad=1
				{ echo "== $c"; cat "$tmp/unknown"; } >> "$out"
			fi
		fi
	done < <(cd "$TREE" && find scripts/coccinelle -name '*.cocci' | LC_ALL=C sort |
		grep -E "${COCCICHECK_ONLY:-.}")
	[ -s "$tmp/skipped" ] && cat "$tmp/skipped" >> "$out"
	tap_result $bad "coccicheck MODE=report over the series' $n C files: no report but the $known known ones of cocci/coccicheck-known ($ran semantic patches, $skipped skipped without OCaml)" "$out"
	if [ "$skipped" != 0 ]; then
		tap_skip "coccicheck: the $skipped semantic patch(es) with OCaml scripts" \
			"no OCaml compiler (Debian's coccinelle does not depend on one)"
	fi
}

check_ops() {
	local out=$tmp/ops files
	mapfile -t files < <(cd "$TREE" && grep -rlE --include='*.c' "$OPS_TOKENS" drivers arch | LC_ALL=C sort)
	spatch_each "$OPS_RULE" "${files[@]}" > "$out"
	[ ! -s "$out" ]
	tap_result $? "pci_msi_ops.cocci over drivers/ and arch/ (${#files[@]} files): no report" "$out"
}

# The isolation audit: reports as "file<TAB>function" lines, counted and
# compared with the baseline.
iso_counts() {
	sed -nE 's/^([^ :]+):[0-9]+:[0-9-]+: MSI address\/data write outside drivers\/pci\/msi\/ in ([A-Za-z0-9_]+)\(\)$/\1\t\2/p' "$1" |
		LC_ALL=C sort | uniq -c | awk '{ print $2 "\t" $3 "\t" $1 }'
}

check_isolation() {
	local out=$tmp/iso files base=$tmp/baseline got=$tmp/got
	mapfile -t files < <(cd "$TREE" && grep -rlE --include='*.c' --include='*.h' "$ISO_TOKENS" drivers arch | LC_ALL=C sort)
	spatch_each "$ISO_RULE" "${files[@]}" > "$tmp/iso.raw"
	iso_counts "$tmp/iso.raw" > "$got"
	sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$CDIR/isolation-baseline" |
		awk -F'\t' '{ print $1 "\t" $2 "\t" $3 }' | LC_ALL=C sort > "$base"
	{
		# anything spatch said that is not a report of this rule
		grep -v 'MSI address/data write outside' "$tmp/iso.raw"
		diff -u --label isolation-baseline --label found "$base" "$got" | tail -n +3
	} > "$out"
	[ ! -s "$out" ]
	tap_result $? "isolation audit over drivers/ and arch/ (${#files[@]} candidate files): MSI message writes outside drivers/pci/msi/ are the $(wc -l < "$base") known ones ($(awk -F'\t' '{ n += $3 } END { print n + 0 }' "$base") writes)" "$out"
	# The baseline is exact: it lists what this tree has.
	awk -F'\t' '{ printf "#   %s %s() x%s\n", $1, $2, $3 }' "$got"
}

# Self-tests: each rule on samples in cocci/selftest/. A sample's
# expected reports are its lines holding "BAD": the rule must report
# exactly those lines, no more, no less; good.c has none.
run_selftests() {
	local rule sample out=$tmp/st want got s
	for s in "$OPS_RULE:ops_bad.c" "$OPS_RULE:ops_good.c" \
		 "$ISO_RULE:writes_bad.c" "$ISO_RULE:ops_good.c"; do
		rule=${s%%:*}
		sample=${s#*:}
		(cd "$TREE" && spatch "${SPFLAGS[@]}" --cocci-file "$rule" \
			"$CDIR/selftest/$sample") > "$out" 2>&1
		grep -n '/\* BAD' "$CDIR/selftest/$sample" | cut -d: -f1 | LC_ALL=C sort -n > "$tmp/want"
		reports "$out" | cut -d: -f2 | LC_ALL=C sort -n | uniq > "$tmp/got"
		want=$(wc -l < "$tmp/want")
		got=$(reports "$out" | wc -l)
		if cmp -s "$tmp/want" "$tmp/got" && [ "$got" -ge "$want" ] &&
		   ! grep -v -E '^[^ :]+:[0-9]+:[0-9]+-[0-9]+: ' "$out" | grep -q .; then
			tap_result 0 "selftest: $(basename "$rule") reports the $want BAD line(s) of $sample, nothing else"
		else
			{
				echo "expected reports on lines: $(tr '\n' ' ' < "$tmp/want")"
				echo "spatch said:"
				cat "$out"
			} > "$tmp/diag"
			tap_result 1 "selftest: $(basename "$rule") reports the $want BAD line(s) of $sample, nothing else" "$tmp/diag"
		fi
	done
	# The baseline comparison itself must fail on a new writer: the bad
	# sample's writes, counted as the audit counts them, are not in the
	# baseline.
	(cd "$TREE" && spatch "${SPFLAGS[@]}" --cocci-file "$ISO_RULE" \
		"$CDIR/selftest/writes_bad.c") > "$out" 2>&1
	iso_counts "$out" > "$tmp/got"
	sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$CDIR/isolation-baseline" |
		awk -F'\t' '{ print $1 "\t" $2 "\t" $3 }' | LC_ALL=C sort > "$tmp/base"
	if [ -s "$tmp/got" ] && ! cmp -s "$tmp/got" "$tmp/base"; then
		tap_result 0 "selftest: the isolation audit counts the bad sample's writes as new ($(wc -l < "$tmp/got") function(s))"
	else
		tap_result 1 "selftest: the isolation audit counts the bad sample's writes as new" "$out"
	fi
}

mode=check
case "${1:-}" in
--selftest) mode=selftest ;;
"") ;;
*) echo "usage: $0 [--selftest]" >&2; exit 2 ;;
esac

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

tap_header
if ! command -v spatch > /dev/null; then
	echo "Bail out! no spatch: run scripts/msi-tools/install-deps.sh (coccinelle)"
	exit 1
fi
if [ ! -f "$B/overlay.list" ] || [ ! -f "$TREE/$OPS_RULE" ]; then
	echo "Bail out! no assembled tree in $TREE: run scripts/msi-tools/assemble.sh"
	exit 1
fi
case $mode in
check)
	check_coccicheck
	check_ops
	check_isolation
	;;
selftest)
	run_selftests
	;;
esac
tap_plan
[ "$tap_failed" = 0 ]
