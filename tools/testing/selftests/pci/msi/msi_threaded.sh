#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# A threaded MSI with no primary handler and no IRQF_ONESHOT, the way
# vmw_vmci or idxd request theirs: request_threaded_irq(irq, NULL, fn,
# 0, ...). The core accepts that only where the interrupt's chip is
# one-shot safe, as every PCI/MSI chip is upstream; the request must
# succeed and the thread function see every interrupt raised.
#
# The exerciser driver of the QEMU edu device (the QEMU harness,
# msi_lib.sh) frees its vector and requests it again that way, raises
# MSI_THREADED_RAISES (100) interrupts one at a time, then takes its
# normal handler back, which must receive as many again. Without the
# exerciser the test is skipped; MSI_EDU_REQUIRED=1 makes its absence
# a failure instead.

DIR=$(dirname "$0")
. "$DIR/../../kselftest/ktap_helpers.sh"
. "$DIR/msi_lib.sh"

N=${MSI_THREADED_RAISES:-100}
REFUSAL='Threaded irq requested with handler=NULL'
ERR=$(mktemp)
trap 'rm -f "$ERR"' EXIT

bdf=$(edu_first)
ktap_print_header
if [ -z "$bdf" ] && [ "${MSI_EDU_REQUIRED:-0}" != 1 ]; then
	ktap_skip_all "needs the QEMU edu device and its exerciser ($EDU_DEBUGFS)"
	exit "$KSFT_SKIP"
fi
ktap_set_plan 3
if [ -z "$bdf" ]; then
	for d in "request_threaded_irq() with a NULL primary handler" \
		 "the thread function handled the interrupts" "normal handler back"; do
		ktap_test_fail "$d: no edu device with the exerciser driver ($EDU_DEBUGFS)"
	done
	ktap_finished
fi

dir=$EDU_DEBUGFS/$bdf
irq=$(cat "$dir/irq")
ktap_print_msg "edu $bdf irq $irq: $(irq_debug "$irq")"
refused=$(dmesg | grep -c "$REFUSAL")
echo 1 >"$dir/reset"
# busybox echo fails with status 1 whatever the errno was
if echo "$N" >"$dir/threaded" 2>"$ERR"; then rc=0; else rc=1; fi
res=$(cat "$dir/threaded" 2>>"$ERR")
err=$(tr '\n' ' ' <"$ERR" | sed 's/ $//')
req=$(msi_kv request "$res")
raised=$(msi_kv raised "$res")
handled=$(msi_kv handled "$res")
lost=$(msi_kv lost "$res")
ktap_print_msg "edu $bdf irq $irq: wrote $N to threaded (status $rc${err:+, $err}), \
result: ${res:-none}"

[ "$req" = 0 ]
rc=$?
msi_result "request_threaded_irq() with a NULL primary handler and no IRQF_ONESHOT \
returned ${req:-nothing} ($(($(dmesg | grep -c "$REFUSAL") - refused)) \
'handler=NULL and !ONESHOT' refusals logged)" $rc
if [ "$req" = 0 ]; then
	[ "$handled" = "$N" ] && [ "$lost" = 0 ]
	msi_result "the thread function handled ${handled:-no} of ${raised:-no} interrupts \
raised ($N wanted), lost ${lost:-?}" $?
else
	ktap_test_fail "no interrupt raised for the thread function: the request failed"
fi

echo 1 >"$dir/reset"
echo "$N" >"$dir/raise"
raised=$(edu_stat "$bdf" raised)
received=$(edu_stat "$bdf" received)
lost=$(edu_stat "$bdf" lost)
n=$raised
case $n in
'' | *[!0-9]*) n=0 ;;
esac
[ "$n" -gt 0 ] && [ "$received" = "$raised" ] && [ "$lost" = 0 ]
msi_result "normal handler back: edu $bdf received $received of $raised raised, lost $lost" $?
ktap_finished
