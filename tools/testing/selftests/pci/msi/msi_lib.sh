# SPDX-License-Identifier: GPL-2.0
#
# Helpers of the PCI MSI selftests, for busybox ash as well as bash.

PCI_DEVICES=${PCI_DEVICES:-/sys/bus/pci/devices}
PROC_INTERRUPTS=${MSI_PROC_INTERRUPTS:-/proc/interrupts}

# msi_caps CONFIG: the MSI capabilities found in a config space file:
# msi+msix, msi, msix, no, or ? when it cannot be read.
msi_caps() {
	od -A n -t u1 -v -N 256 "$1" 2>/dev/null | awk '
	{ for (i = 1; i <= NF; i++) b[n++] = $i + 0 }
	END {
		if (n < 64) { print "?"; exit }
		# Status register (0x06) bit 4: a capability list exists.
		if (int(b[6] / 16) % 2 == 0) { print "no"; exit }
		p = b[52] - b[52] % 4	# capability pointer at 0x34
		# Bounded walk: a broken list must not loop forever.
		for (hops = 0; p >= 64 && p < n - 1 && hops < 48; hops++) {
			if (b[p] == 5) msi = 1
			if (b[p] == 17) msix = 1
			p = b[p + 1] - b[p + 1] % 4
		}
		if (msi && msix) print "msi+msix"
		else if (msi) print "msi"
		else if (msix) print "msix"
		else print "no"
	}'
}

# msi_irqs_of BDF: the Linux interrupt numbers of BDF's MSI/MSI-X vectors
msi_irqs_of() {
	ls "$PCI_DEVICES/$1/msi_irqs" 2>/dev/null
}

# msi_mode BDF: msi, msix or - (the modes of BDF's vectors)
msi_mode() {
	cat "$PCI_DEVICES/$1"/msi_irqs/* 2>/dev/null | sort -u | tr '\n' + |
		sed 's/+$//;s/^$/-/'
}

# irq_table: per interrupt in /proc/interrupts, "irq total-over-CPUs
# chip"; the header has one column per online CPU, the chip name
# follows the counts.
irq_table() {
	awk 'NR == 1 { ncpu = NF; next }
	{
		irq = $1; sub(":$", "", irq)
		if (irq !~ /^[0-9]+$/) next
		s = 0
		for (i = 2; i <= ncpu + 1; i++) s += $i
		print irq, s, $(ncpu + 2)
	}' "$PROC_INTERRUPTS"
}

# msi_irq_total BDF: interrupts taken so far on all of BDF's vectors
msi_irq_total() {
	irq_table | awk -v list=" $(msi_irqs_of "$1" | tr '\n' ' ') " '
		index(list, " " $1 " ") { s += $2 }
		END { print s + 0 }'
}

# pci_driver BDF: the bound driver's name, or -
pci_driver() {
	if [ -e "$PCI_DEVICES/$1/driver" ]; then
		basename "$(readlink "$PCI_DEVICES/$1/driver")"
	else
		echo -
	fi
}

# pci_vd BDF: vendor:device, e.g. 1af4:1041
pci_vd() {
	local v d
	read -r v <"$PCI_DEVICES/$1/vendor" && read -r d <"$PCI_DEVICES/$1/device" &&
		echo "${v#0x}:${d#0x}"
}

# msi_vec_count BDF: how many MSI/MSI-X vectors BDF has
msi_vec_count() {
	msi_irqs_of "$1" | grep -c .
}

# msi_wait_vectors BDF N: wait (bounded, 10 s) until BDF has N vectors
msi_wait_vectors() {
	local i=0
	while [ "$(msi_vec_count "$1")" -ne "$2" ]; do
		[ $i -ge 200 ] && return 1
		sleep 0.05
		i=$((i + 1))
	done
}

# Counters in debugfs, where the kernel has them: the ops-based core's
# x86 raw backend and pSeries RTAS backend, and the x86 vector domain
MSI_RAW_STATS=${MSI_RAW_STATS:-/sys/kernel/debug/msi_raw/stats}
MSI_RAW_SPLIT_DELAY=${MSI_RAW_SPLIT_DELAY:-/sys/kernel/debug/msi_raw/split_delay_us}
MSI_RTAS_HELD=${MSI_RTAS_HELD:-/sys/kernel/debug/rtas_msi/held}
MSI_VECTOR_DOMAIN=${MSI_VECTOR_DOMAIN:-/sys/kernel/debug/irq/domains/VECTOR}

# msi_raw_stat KEY: a counter of the raw x86 backend, or - without one
msi_raw_stat() {
	local v
	v=$(awk -v k="$1" '$1 == k { print $2 }' "$MSI_RAW_STATS" 2>/dev/null)
	echo "${v:--}"
}

# msi_descs: interrupt descriptors but those of IO-APIC pins: x86 maps
# a function's INTx pin while a driver is bound (pcibios_alloc_irq())
# and keeps it while MSI-X is on, unlike with MSI; those are not MSIs.
SYS_KERNEL_IRQ=${MSI_SYS_KERNEL_IRQ:-/sys/kernel/irq}
msi_descs() {
	cat "$SYS_KERNEL_IRQ"/*/chip_name 2>/dev/null | grep -vc '^IO-APIC$'
}

# msi_usage: one line "key=value ..." of vector usage: msi_irqs/ entries
# (msi), interrupt descriptors (descs), /proc/interrupts lines (irqs),
# and where present the vectors firmware holds (fw), the x86 vector
# domain's matrix, the raw backend's vectors and multi-MSI guards
msi_usage() {
	{
		echo "msi=$(cat "$PCI_DEVICES"/*/msi_irqs/* 2>/dev/null | grep -c .)"
		echo "descs=$(msi_descs)"
		echo "irqs=$(grep -c '^ *[0-9][0-9]*:' "$PROC_INTERRUPTS")"
		[ ! -r "$MSI_RTAS_HELD" ] ||
			echo "fw=$(sed -n 's/^total //p' "$MSI_RTAS_HELD")"
		awk '/Global available|Global reserved|Total allocated/ {
			sub(":", "", $2); print $1 "_" $2 "=" $3 }' "$MSI_VECTOR_DOMAIN" 2>/dev/null
		[ "$(msi_raw_stat vectors)" = - ] || echo "raw=$(msi_raw_stat vectors)"
		[ "$(msi_raw_stat guards)" = - ] || echo "guards=$(msi_raw_stat guards)"
	} | tr '\n' ' '
}

# msi_usage_get USAGE KEY: one value of an msi_usage line
msi_usage_get() {
	echo "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"
}

# msi_usage_diff USAGE0 USAGE1: how many counters of two msi_usage
# lines differ
msi_usage_diff() {
	echo "$1|$2" | awk -F'|' '{
		n = split($1, a, " "); split($2, b, " ")
		for (i = 1; i <= n; i++) d += (a[i] != b[i])
		print d + 0
	}'
}

# msi_bound [BDF]: "bdf driver-path vectors" of every device with a bound
# driver and MSI vectors, but BDF
msi_bound() {
	local d n
	for d in "$PCI_DEVICES"/*; do
		[ "${d##*/}" != "${1:-}" ] && [ -e "$d/driver" ] || continue
		n=$(msi_vec_count "${d##*/}")
		[ "$n" -gt 0 ] || continue
		echo "${d##*/} $(readlink -f "$d/driver") $n"
	done
}

# msi_opted_in: the lines of msi_bound whose device MSI_TEST_DEVICES
# names (BDFs, or "all"): the devices a test may unbind
msi_opted_in() {
	msi_bound "" | while read -r bdf drv n; do
		case " $MSI_TEST_DEVICES " in
		" all "|*" $bdf "*) echo "$bdf $drv $n" ;;
		esac
	done
}

# msi_opted_in_or_skip FILE: msi_opted_in into FILE; without any such
# device the whole test is skipped with the reason (the script exits)
msi_opted_in_or_skip() {
	if [ -z "$MSI_TEST_DEVICES" ]; then
		ktap_skip_all "MSI_TEST_DEVICES names no device that may be unbound"
		exit "$KSFT_SKIP"
	fi
	msi_opted_in >"$1"
	if [ ! -s "$1" ]; then
		ktap_skip_all "no device of MSI_TEST_DEVICES has a driver and MSI vectors"
		exit "$KSFT_SKIP"
	fi
}

# Interrupt affinity (/proc/irq) and CPU hotplug (sysfs)
PROC_IRQ=${MSI_PROC_IRQ:-/proc/irq}
# shellcheck disable=SC2034 # used by the tests that source this file
CPU_SYSFS=${MSI_CPU_SYSFS:-/sys/devices/system/cpu}

# set_affinity IRQ CPU: deliver IRQ to CPU only
set_affinity() {
	printf '%x\n' $((1 << $2)) >"$PROC_IRQ/$1/smp_affinity"
}

# effective_cpu IRQ: the CPUs the interrupt controller delivers IRQ to;
# empty where the kernel does not show them (powerpc has no effective
# affinity mask)
effective_cpu() {
	cat "$PROC_IRQ/$1/effective_affinity_list" 2>/dev/null
}

# effective_is IRQ CPU: true when IRQ is delivered to CPU, or unknown
effective_is() {
	local eff
	eff=$(effective_cpu "$1")
	[ -z "$eff" ] || [ "$eff" = "$2" ]
}

# cpulist_has LIST CPU: true when a CPU list such as 0-3,6 holds CPU
cpulist_has() {
	echo "$1" | awk -v c="$2" -F , '{
		for (i = 1; i <= NF; i++) {
			n = split($i, r, "-")
			if (n == 1) r[2] = r[1]
			if (r[1] != "" && c >= r[1] + 0 && c <= r[2] + 0) found = 1
		}
	} END { exit !found }'
}

# irq_count IRQ CPU [elsewhere]: interrupts of IRQ on CPU, or with
# "elsewhere" on all the other online CPUs, from /proc/interrupts
irq_count() {
	awk -v irq="$1:" -v cpu="CPU$2" -v other="${3:-}" '
	NR == 1 { n = NF; for (i = 1; i <= NF; i++) if ($i == cpu) col = i + 1; next }
	$1 == irq {
		if (other == "") { print (col ? $col : "?"); exit }
		for (i = 2; i <= n + 1; i++) if (i != col) s += $i
		print s + 0
		exit
	}' "$PROC_INTERRUPTS"
}

# no_handler_count: x86 messages that reached a vector no interrupt is
# set up on ("No irq handler for CPU.VECTOR"; rate limited, so a lower
# bound)
no_handler_count() {
	dmesg | grep -c 'No irq handler for'
}

# hwirqs_of BDF: the interrupt sources of BDF's requested vectors, in
# order, as /proc/interrupts shows them after the chip name
hwirqs_of() {
	awk -v list=" $(msi_irqs_of "$1" | tr '\n' ' ') " '
	NR == 1 { ncpu = NF; next }
	{ irq = $1; sub(":$", "", irq) }
	index(list, " " irq " ") { printf "%s ", $(ncpu + 3) }' "$PROC_INTERRUPTS"
}

# netif_of BDF: the network interface of a NIC, if it has one (virtio:
# below the virtio device)
netif_of() {
	local n
	for n in "$PCI_DEVICES/$1"/net/* "$PCI_DEVICES/$1"/virtio*/net/*; do
		[ -e "$n" ] || continue
		echo "${n##*/}"
		return
	done
}

# msi_enabled BDF: msi, msix or - : which enable bit of the MSI and
# MSI-X capabilities is set in BDF's config space
msi_enabled() {
	od -A n -t u1 -v -N 256 "$PCI_DEVICES/$1/config" 2>/dev/null | awk '
	{ for (i = 1; i <= NF; i++) b[n++] = $i + 0 }
	END {
		p = n >= 64 && int(b[6] / 16) % 2 ? b[52] - b[52] % 4 : 0
		for (hops = 0; p >= 64 && p < n - 3 && hops < 48; hops++) {
			# MSI: Message Control bit 0; MSI-X: bit 15
			if (b[p] == 5 && b[p + 2] % 2) on = on "msi"
			if (b[p] == 17 && b[p + 3] >= 128) on = on "msix"
			p = b[p + 1] - b[p + 1] % 4
		}
		print on == "" ? "-" : on
	}'
}

# The QEMU edu device's exerciser driver (drivers/misc/edu_msi_exerciser.c
# of the QEMU harness): where present, the tests raise interrupts
# through its debugfs files and count what arrived.
EDU_ID=1234:11e8
EDU_DEBUGFS=${MSI_EDU_DEBUGFS:-/sys/kernel/debug/edu-msi}
FLOOD_MAX=${FLOOD_MAX:-4096}

# edu_devices: the BDFs of the edu devices
edu_devices() {
	local d
	for d in "$PCI_DEVICES"/*; do
		[ -e "$d" ] || continue
		[ "$(pci_vd "${d##*/}")" = "$EDU_ID" ] && echo "${d##*/}"
	done
}

# edu_first: the first edu device that has the exerciser bound
edu_first() {
	local bdf
	for bdf in $(edu_devices); do
		if [ -d "$EDU_DEBUGFS/$bdf" ]; then
			echo "$bdf"
			return
		fi
	done
}

# edu_stat BDF KEY: one counter of the exerciser, ? when unknown
edu_stat() {
	local v
	v=$(msi_kv "$2" "$(cat "$EDU_DEBUGFS/$1/stats" 2>/dev/null)")
	echo "${v:-?}"
}

# is_num VALUE: VALUE is a non-negative decimal number
is_num() {
	case $1 in
	'' | *[!0-9]*) return 1 ;;
	esac
}

# msi_kv KEY "KEY=VALUE ...": the value of KEY in a line of key=value
# words (the edu exerciser's files), or nothing
msi_kv() {
	local kv
	for kv in $2; do
		case $kv in
		"$1="*) echo "${kv#*=}"; return ;;
		esac
	done
}

# flood_start BDF CPU: zero the counters, then start the exerciser's
# free-running source, a kernel thread on CPU that writes bursts of 1 to
# FLOOD_MAX raises without waiting for their interrupts; after each
# burst it waits for the handler to acknowledge the device, and counts
# the burst as lost when that never happens
flood_start() {
	echo 1 >"$EDU_DEBUGFS/$1/reset" &&
		echo "$2 $FLOOD_MAX" >"$EDU_DEBUGFS/$1/flood"
}

flood_stop() {
	echo stop >"$EDU_DEBUGFS/$1/flood"
}

# msi_result DESCRIPTION STATUS: a KTAP test line, ok when STATUS is 0
msi_result() {
	if [ "$2" -eq 0 ]; then
		ktap_test_pass "$1"
	else
		ktap_test_fail "$1"
	fi
}

# nap SECONDS: sleep for a fraction of a second. Where the shell's read
# takes a fractional timeout (busybox ash, bash) and NAP_FIFO names a
# FIFO path, without starting a process: a read that times out on a
# FIFO nobody writes; otherwise sleep.
nap() {
	if [ -n "${NAP_FIFO:-}" ]; then
		[ -p "$NAP_FIFO" ] || mkfifo "$NAP_FIFO"
		# shellcheck disable=SC3045 # busybox ash and bash have read -t
		read -r -t "$1" _ <>"$NAP_FIFO"
	else
		sleep "$1"
	fi
}

# move_wait IRQ CPU: wait (bounded, about 0.1 s) until IRQ is delivered
# to CPU; at once where the effective affinity is not shown. It sleeps
# rather than spins, leaving the CPUs to those that raise and handle
# the interrupt.
move_wait() {
	local i=0 eff
	while [ $i -lt 100 ]; do
		eff=""
		read -r eff <"$PROC_IRQ/$1/effective_affinity_list" 2>/dev/null
		[ -n "$eff" ] || return 0
		[ "$eff" = "$2" ] && return 0
		i=$((i + 1))
		nap 0.001
	done
	return 1
}

# unhandled_others IRQ: handler runs of all interrupts but IRQ that found
# nothing to do (/proc/irq/N/spurious), a sign of messages on a vector
# that belongs to another device
unhandled_others() {
	awk -v skip="$PROC_IRQ/$1/spurious" '
		FILENAME != skip && $1 == "unhandled" { s += $2 }
		END { print s + 0 }' "$PROC_IRQ"/*/spurious
}

# irq_debug IRQ: the chips of IRQ's hierarchy (top first), whether the
# top one is one-shot safe and whether IRQ is in reservation mode, from
# genirq's debugfs
irq_debug() {
	local f="/sys/kernel/debug/irq/irqs/$1"
	[ -r "$f" ] || { echo "no $f"; return; }
	awk '$1 == "chip:" { c = c (c == "" ? "" : ",") $2; n++ }
	/IRQCHIP_ONESHOT_SAFE/ && n == 1 { os = 1 }
	/IRQD_CAN_RESERVE/ { cr = 1 }
	END {
		printf "chips %s, IRQCHIP_ONESHOT_SAFE %s, IRQD_CAN_RESERVE %s\n",
			c, os ? "set" : "clear", cr ? "set" : "clear"
	}' "$f"
}

# uptime_cs: uptime in hundredths of a second
uptime_cs() {
	local u
	u=$(cut -d ' ' -f 1 /proc/uptime)
	echo "${u%.*}${u#*.}" | sed 's/^0*//;s/^$/0/'
}

# msi_msg CONFIG: "ADDRESS DATA" of the MSI capability in a config space
# file, in decimal (the low address word; data as the device holds it),
# nothing without one. Decimal: busybox awk prints no hex above
# 0x7fffffff.
msi_msg() {
	od -A n -t u1 -v -N 256 "$1" 2>/dev/null | awk '
	{ for (i = 1; i <= NF; i++) b[n++] = $i + 0 }
	function le(o, w,   v, i) {
		v = 0
		for (i = w - 1; i >= 0; i--)
			v = v * 256 + b[o + i]
		return v
	}
	END {
		p = n >= 64 && int(b[6] / 16) % 2 ? b[52] - b[52] % 4 : 0
		for (hops = 0; p >= 64 && p < n - 3 && hops < 48; hops++) {
			if (b[p] == 5) {
				d = (b[p + 2] % 256 >= 128) ? p + 12 : p + 8
				printf "%.0f %.0f\n", le(p + 4, 4), le(d, 2)
				exit
			}
			p = b[p + 1] - b[p + 1] % 4
		}
	}'
}

# msi_use_device BDF: make BDF interrupt and check that it did: the edu
# exerciser raises 50, all of which must arrive; any other device runs
# "MSI_TRAFFIC_CMD BDF", which must succeed, and must have taken
# interrupts. Status 0 and nothing printed when it works; 1 and what
# went wrong when not; 4 and why when nothing here makes it interrupt (a
# bridge: only events make a port interrupt; no MSI_TRAFFIC_CMD).
msi_use_device() {
	local bdf=$1 before after rc r=""
	before=$(msi_irq_total "$bdf")
	if [ -d "$EDU_DEBUGFS/$bdf" ]; then
		echo 1 >"$EDU_DEBUGFS/$bdf/reset" 2>/dev/null
		echo 50 >"$EDU_DEBUGFS/$bdf/raise" 2>/dev/null
		[ "$(edu_stat "$bdf" raised)" = 50 ] &&
			[ "$(edu_stat "$bdf" received)" = 50 ] &&
			[ "$(edu_stat "$bdf" lost)" = 0 ] ||
			r="edu received $(edu_stat "$bdf" received) of \
$(edu_stat "$bdf" raised) raised (50 wanted), lost $(edu_stat "$bdf" lost)"
	else
		case $(cat "$PCI_DEVICES/$bdf/class" 2>/dev/null) in
		0x0604*)
			echo "$bdf: a bridge"
			return 4 ;;
		esac
		if [ -z "${MSI_TRAFFIC_CMD:-}" ]; then
			echo "$bdf: no MSI_TRAFFIC_CMD"
			return 4
		fi
		# shellcheck disable=SC2086 # a command and its arguments
		$MSI_TRAFFIC_CMD "$bdf" >/dev/null 2>&1
		rc=$?
		[ $rc -eq 0 ] || r="MSI_TRAFFIC_CMD failed ($rc)"
	fi
	after=$(msi_irq_total "$bdf")
	[ "$after" -gt "$before" ] || r="${r:+$r, }no interrupt ($before before, $after after)"
	[ -z "$r" ] || { echo "$bdf $(pci_vd "$bdf") $(pci_driver "$bdf"): $r"; return 1; }
}
