# SPDX-License-Identifier: GPL-2.0
#
# TAP output of the harness's shell checks (static/check.sh,
# static/cocci.sh, series.sh); source it. MAX_DIAG bounds the
# diagnostic lines printed for a failure.

MAX_DIAG=${MAX_DIAG:-100}
tap_n=0
tap_failed=0

# Indent stdin as TAP diagnostics, cut after MAX_DIAG lines.
tap_diag() {
	awk -v max="$MAX_DIAG" '
		NR <= max { print "# " $0 }
		END { if (NR > max) print "# ... " NR - max " more line(s)" }'
}

# tap_result STATUS DESCRIPTION [OUTPUT_FILE]: STATUS 0 is "ok"; otherwise
# "not ok" with the output file as diagnostics.
tap_result() {
	local status=$1 desc=$2 out=${3:-}
	tap_n=$((tap_n + 1))
	if [ "$status" = 0 ]; then
		echo "ok $tap_n - $desc"
		return 0
	fi
	tap_failed=$((tap_failed + 1))
	echo "not ok $tap_n - $desc"
	if [ -n "$out" ] && [ -s "$out" ]; then
		tap_diag <"$out"
	fi
	return 0
}

# tap_skip DESCRIPTION REASON
tap_skip() {
	tap_n=$((tap_n + 1))
	echo "ok $tap_n - $1 # SKIP ${2:-}"
}
