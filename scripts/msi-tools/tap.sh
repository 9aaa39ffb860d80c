# SPDX-License-Identifier: GPL-2.0
#
# The harness's one shell TAP writer; source it. Used by the host's
# checks (static/check.sh, static/cocci.sh, static/ksft-selftest.sh,
# series.sh, kunit.sh, distro-check.sh, job.sh) under bash, and by the
# guest's /init under busybox sh (initramfs.sh packs it as /msi/tap.sh),
# so POSIX sh plus "local" only. (The kselftests use the kernel's own
# kselftest/ktap_helpers.sh instead: they must stand alone.)
#
#   TAP_PREFIX      put before every line (the guest: "msi-boot: ")
#   TAP_COUNT_FILE  when set, every result writes the count of results
#                   so far there (the guest's supervisor closes the
#                   stream from it when the worker dies)
#   MAX_DIAG        bounds the diagnostic lines printed for a failure
#
# tap_n counts the results, tap_failed the "not ok" ones (but TODO).

MAX_DIAG=${MAX_DIAG:-100}
TAP_PREFIX=${TAP_PREFIX:-}
TAP_COUNT_FILE=${TAP_COUNT_FILE:-}
tap_n=0
tap_failed=0

# tap_print TEXT: every line of the stream goes out here
tap_print() {
	printf '%s\n' "$TAP_PREFIX$1"
}

tap_header() {
	tap_print "TAP version 13"
}

# tap_plan: the plan, of the results so far
tap_plan() {
	tap_print "1..$tap_n"
}

# tap_comment TEXT...: one diagnostic line
tap_comment() {
	tap_print "# $*"
}

# Indent stdin as TAP diagnostics, cut after MAX_DIAG lines.
tap_diag() {
	awk -v max="$MAX_DIAG" -v p="$TAP_PREFIX" '
		NR <= max { print p "# " $0 }
		END { if (NR > max) print p "# ... " NR - max " more line(s)" }'
}

# tap "ok"|"not ok" DESCRIPTION [DIRECTIVE]: one result line. A '#' in
# the description would start a TAP directive: it becomes "No.".
tap() {
	local desc="$2"
	case $desc in
	*'#'*) desc=$(printf '%s\n' "$desc" | sed 's/#/No./g') ;;
	esac
	tap_n=$((tap_n + 1))
	case "$1:${3:-}" in
	ok:* | "not ok:TODO"*) ;;	# TODO: a known failure, no failure
	*) tap_failed=$((tap_failed + 1)) ;;
	esac
	[ -z "$TAP_COUNT_FILE" ] || printf '%s\n' "$tap_n" >"$TAP_COUNT_FILE"
	tap_print "$1 $tap_n - $desc${3:+ # $3}"
}

ok() {
	tap ok "$*"
}

not_ok() {
	tap "not ok" "$*"
}

# tap_result STATUS DESCRIPTION [OUTPUT_FILE]: STATUS 0 is "ok"; otherwise
# "not ok" with the output file as diagnostics.
tap_result() {
	local status=$1 desc=$2 out=${3:-}
	if [ "$status" = 0 ]; then
		tap ok "$desc"
		return 0
	fi
	tap "not ok" "$desc"
	if [ -n "$out" ] && [ -s "$out" ]; then
		tap_diag <"$out"
	fi
	return 0
}

# tap_skip DESCRIPTION REASON
tap_skip() {
	tap ok "$1" "SKIP ${2:-}"
}
