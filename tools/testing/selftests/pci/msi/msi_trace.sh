#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The tracepoints of the MSI core's backend calls (pci_msi events:
# resolve, check, alloc, free, ...) and of the pSeries RTAS backend's
# firmware calls, enabled through tracefs around an unbind and a bind
# of each device. The events of a device must tell the story of its
# vectors in order: ->free() of all of them on unbind, then for every
# enable of the bind a resolve of the backend, ->check() where the
# backend has one, and ->alloc(), the last one granting as many vectors
# as the device had; every event names the backend that sysfs names in
# msi_backend. With the RTAS backend the firmware calls must be there
# too: a release (ibm,change-msi for 0 vectors) before every ->free(),
# and before every ->alloc() that succeeded an ibm,change-msi that
# granted its vectors and an ibm,query-interrupt-source-number for each.
#
# Unbinding takes a device away: only the devices in MSI_TEST_DEVICES
# (BDFs separated by spaces, or "all") with a driver and MSI vectors are
# touched; without any the test is skipped. Skipped too, with the
# reason, on a kernel without the series (no msi_backend in sysfs).

DIR=$(dirname "$0")
. "$DIR/../../kselftest/ktap_helpers.sh"
. "$DIR/msi_lib.sh"

TRACEFS=${MSI_TRACEFS:-/sys/kernel/tracing}
LIST=$(mktemp)
T=$(mktemp)
trap 'rm -f "$LIST" "$T"' EXIT

# trace_verdict FILE BDF N BACKEND: judge the trace of one unbind and
# bind of BDF (N vectors before, BACKEND); prints "ok SEQUENCE" or
# "bad REASON -- SEQUENCE", where SEQUENCE lists the device's events
trace_verdict() {
	awk -v dev="$2" -v n="$3" -v be="$4" '
	function bad(why) {
		if (why_bad == "")
			why_bad = "event " nev " (" ev "): " why
	}
	BEGIN { state = "alloc" }
	{
		ev = ""
		for (i = 1; i <= NF; i++)
			if ($i ~ /^pci_msi_[a-z_]+:$/) {
				ev = $i
				break
			}
		if (ev == "" || $(i + 1) != dev)
			next
		sub(/^pci_msi_/, "", ev)
		sub(/:$/, "", ev)
		split("", f)
		for (j = i + 2; j <= NF; j++) {
			k = index($j, "=")
			if (k)
				f[substr($j, 1, k - 1)] = substr($j, k + 1)
		}
		for (k in f)
			if (f[k] ~ /^-?[0-9]+$/)
				f[k] = f[k] + 0
		nev++
		tok = ev
		if (ev ~ /^rtas_/) {
			nrtas++
			if ("func" in f)
				arg = f["func"] " asked=" f["asked"] " granted=" f["granted"]
			else
				arg = "index=" f["index"]
			tok = tok "(" arg " status=" f["status"] ")"
		} else {
			if (f["backend"] != be)
				bad("backend " f["backend"] ", sysfs says " be)
			arg = ("granted" in f ? "granted=" f["granted"] " " : "")
			arg = arg ("nvec" in f ? "nvec=" f["nvec"] " " : "")
			tok = tok "(" arg "ret=" f["ret"] ")"
			sub(/ ret=\)/, ")", tok)
		}
		seq = seq (seq == "" ? "" : " ") tok

		if (ev == "free") {
			if (state != "alloc")
				bad("->free() of a device without vectors")
			if (nfree == 0 && f["nvec"] != n)
				bad("unbind freed " f["nvec"] " vectors, the device had " n)
			if (be == "rtas" && !released)
				bad("->free() without an ibm,change-msi release before it")
			state = "free"
			nfree++
			released = 0
		} else if (ev == "resolve") {
			if (state == "alloc")
				bad("resolve while the device has vectors")
			state = f["ret"] == 0 ? "resolved" : "free"
			got = 0
			nq = 0
		} else if (ev == "check") {
			if (state != "resolved")
				bad("->check() without a resolved backend")
		} else if (ev == "alloc") {
			if (state != "resolved")
				bad("->alloc() without a resolved backend")
			if (f["ret"] == 0) {
				w = "->alloc() of " f["granted"] " vectors, "
				if (be == "rtas" && got < f["granted"])
					bad(w "ibm,change-msi granted " got)
				if (be == "rtas" && nq < f["granted"])
					bad(w nq " ibm,query-interrupt-source-number")
				state = "alloc"
				granted = f["granted"]
			}
			got = 0
			nq = 0
		} else if (ev == "rtas_change") {
			if (f["status"] == 0 && f["asked"] == 0)
				released = 1
			if (f["status"] == 0 && f["asked"] > 0)
				got = f["granted"]
		} else if (ev == "rtas_query") {
			if (f["status"] == 0)
				nq++
		} else {
			bad("unexpected event")
		}
	}
	END {
		ev = "end"
		if (nfree == 0)
			bad("no ->free() traced for the unbind")
		else if (state != "alloc")
			bad("the bind left no ->alloc() that succeeded")
		else if (granted != n)
			bad("the last ->alloc() granted " granted " vectors, wanted " n)
		if (be == "rtas" && nrtas == 0)
			bad("no RTAS firmware call traced")
		if (why_bad != "")
			print "bad " why_bad " -- " seq
		else
			print "ok " seq
	}' "$1"
}

# trace_counts FILE: RTAS calls traced, as "C change, Q query"
trace_counts() {
	awk '/pci_msi_rtas_change:/ { c++ } /pci_msi_rtas_query:/ { q++ }
	     END { printf "%d ibm,change-msi, %d ibm,query-interrupt-source-number", c, q }' "$1"
}

ktap_print_header
if [ ! -d "$TRACEFS/events" ] && [ -z "${MSI_TRACEFS:-}" ]; then
	mkdir -p "$TRACEFS" 2>/dev/null
	mount -t tracefs nodev "$TRACEFS" 2>/dev/null
fi
if [ ! -d "$TRACEFS/events/pci_msi" ] &&
   ! ls "$PCI_DEVICES"/*/msi_backend >/dev/null 2>&1; then
	ktap_skip_all "no pci_msi trace events: this kernel lacks the MSI series \
(no msi_backend in sysfs)"
	exit "$KSFT_SKIP"
fi
msi_opted_in_or_skip "$LIST"
plan=0
while read -r bdf drv n; do
	plan=$((plan + 1))
	[ "$(cat "$PCI_DEVICES/$bdf/msi_backend" 2>/dev/null)" != rtas ] || plan=$((plan + 1))
done <"$LIST"
if [ ! -d "$TRACEFS/events/pci_msi" ]; then
	ktap_set_plan 1
	if [ ! -d "$TRACEFS/events" ]; then
		ktap_test_fail "no tracefs events at $TRACEFS (kernel without CONFIG_FTRACE \
or event tracing?)"
	else
		ktap_test_fail "no pci_msi events in $TRACEFS/events"
	fi
	ktap_finished
fi
ktap_set_plan "$plan"

while read -r bdf drv n; do
	be=$(cat "$PCI_DEVICES/$bdf/msi_backend" 2>/dev/null)
	echo 0 >"$TRACEFS/tracing_on"
	: >"$TRACEFS/trace"
	echo 1 >"$TRACEFS/events/pci_msi/enable"
	echo 1 >"$TRACEFS/tracing_on"
	echo "$bdf" >"$drv/unbind" 2>/dev/null
	echo "$bdf" >"$drv/bind" 2>/dev/null
	vectors=""
	msi_wait_vectors "$bdf" "$n" ||
		vectors="$(msi_vec_count "$bdf") vectors after bind, wanted $n; "
	echo 0 >"$TRACEFS/tracing_on"
	echo 0 >"$TRACEFS/events/pci_msi/enable"
	grep -v '^#' "$TRACEFS/trace" >"$T"
	verdict=$(trace_verdict "$T" "$bdf" "$n" "$be")
	case $vectors$verdict in
	ok*) ktap_test_pass "$bdf ${drv##*/} unbind and bind traced in order, backend $be, \
$n vectors: ${verdict#ok }" ;;
	*) ktap_test_fail "$bdf ${drv##*/} backend $be, $n vectors: $vectors${verdict#* }" ;;
	esac
	if [ "$be" = rtas ]; then
		grep -q "pci_msi_rtas_.*: $bdf " "$T"
		rc=$?
		msi_result "$bdf firmware calls traced: $(trace_counts "$T")" $rc
	fi
done <"$LIST"
ktap_finished
