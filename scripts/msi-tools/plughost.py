#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The host side of the guest's "unplug" and "suspend" test groups.

  plughost.py qemu-args          the QEMU options of the plug machine
  plughost.py serve QMP LOG OUT  serve the guest until QEMU exits

The plug machine (boot.sh BOOT_VARIANT=plug) has every MSI device on a
PCIe root port of its own, with native PCIe hotplug (pciehp), and a QMP
socket. The guest asks for an unplug or a plug on its console, one line
each, which "serve" reads from the console log LOG as it grows:

  msi-plug: del ID SEQ   device_del ID, then wait for its DEVICE_DELETED
  msi-plug: add ID SEQ   device_add ID (and what sits on it) again

  msi-plug: wake SEQ     the guest goes to idle (freeze) next: press the
                         ACPI power button (system_powerdown) every 2 s
  msi-plug: awake SEQ    until this line comes

SEQ numbers the guest's requests; the guest repeats a request until it
sees it done (the device gone from, or back on, its PCI bus), and a
repeated SEQ is not carried out twice. Suspend to idle looks like a
running machine to QEMU, and QEMU's RTC alarm wakes only a machine it
suspended: only an interrupt that Linux armed for wakeup ends it, of
which QEMU raises the ACPI power button's. When the guest suspends to
RAM (QMP event SUSPEND), serve wakes it with system_wakeup. What it did
goes to OUT, a line per action.
"""

import json
import os
import re
import select
import socket
import sys
import time

# The plug machine's devices: QMP id -> the device_add arguments of the
# device and of what sits on it, in order. Each has a root port rpN of
# its own (chassis N, slot N); their backends (netdev, blockdev) stay
# when the device goes, so that it can be added again.
PORTS = ['rp1', 'rp2', 'rp3', 'rp4', 'rp5']
BACKENDS = [
    '-netdev user,id=n0',
    '-netdev user,id=n1',
    # -blockdev, not -drive: a -drive goes with its device on unplug
    '-blockdev driver=null-co,node-name=d0,read-zeroes=on',
]
DEVICES = {
    'plug-vnet': [{'driver': 'virtio-net-pci', 'netdev': 'n0', 'bus': 'rp1'}],
    'plug-e1000e': [{'driver': 'e1000e', 'netdev': 'n1', 'bus': 'rp2'}],
    'plug-nvme': [{'driver': 'nvme', 'drive': 'd0', 'serial': 'plug0', 'bus': 'rp3'}],
    'plug-xhci': [{'driver': 'qemu-xhci', 'bus': 'rp4'},
                  {'driver': 'usb-tablet', 'id': 'plug-tablet', 'bus': 'plug-xhci.0'}],
    # dma_mask: as on the main machine (boot.sh), edu reaches 0xfee00000
    'plug-edu': [{'driver': 'edu', 'bus': 'rp5', 'dma_mask': '0xffffffff'}],
}
REQUEST = re.compile(r'msi-plug: (del|add) (\S+) (\d+)')
WAKE = re.compile(r'msi-plug: (wake|awake) (\d+)')
# How long a device_del may take (the guest powers the slot off)
DEL_TIMEOUT = 60
# When to look for a deleted device without its DEVICE_DELETED event
LOOK_AFTER = 3
# device_add: attempts, 0.5 s apart, while the old device holds its backend
ADD_TRIES = 20


def qemu_args():
    args = []
    for i, port in enumerate(PORTS, 1):
        args.append(f'-device pcie-root-port,id={port},chassis={i},slot={i}')
    args += BACKENDS
    for qid, devs in DEVICES.items():
        for n, d in enumerate(devs):
            d = dict(d)
            d.setdefault('id', qid if n == 0 else f'{qid}-{n}')
            drv = d.pop('driver')
            args.append(f'-device {drv},' + ','.join(f'{k}={v}' for k, v in d.items()))
    return args


class Qmp:
    def __init__(self, path, out):
        self.out = out
        self.events = []
        self.buf = b''
        end = time.time() + 60
        while True:
            try:
                self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                self.sock.connect(path)
                break
            except OSError:
                self.sock.close()
                if time.time() > end:
                    raise
                time.sleep(0.2)
        self.recv(10)                       # greeting
        self.cmd('qmp_capabilities')

    def recv(self, timeout):
        """One message, None on timeout; EOFError when QEMU is gone."""
        end = time.time() + timeout
        while b'\n' not in self.buf:
            left = end - time.time()
            if left <= 0:
                return None
            r, _, _ = select.select([self.sock], [], [], left)
            if not r:
                return None
            try:
                data = self.sock.recv(65536)
            except OSError:
                data = b''
            if not data:
                raise EOFError
            self.buf += data
        line, self.buf = self.buf.split(b'\n', 1)
        return json.loads(line) if line.strip() else self.recv(max(end - time.time(), 0))

    def cmd(self, name, args=None):
        msg = {'execute': name}
        if args:
            msg['arguments'] = args
        self.sock.sendall(json.dumps(msg).encode() + b'\n')
        while True:
            r = self.recv(30)
            if r is None:
                return {'error': {'desc': f'{name}: no answer in 30 s'}}
            if 'event' in r:
                self.events.append(r)
                continue
            return r

    def poll(self, timeout):
        r = self.recv(timeout)
        if r is not None and 'event' in r:
            self.events.append(r)


def log(out, what):
    out.write(f'{time.monotonic():.3f} {what}\n')
    out.flush()


def serve(qmp_path, console, out_path):
    out = open(out_path, 'w')
    while not os.path.exists(console):
        time.sleep(0.1)
    qmp = Qmp(qmp_path, out)
    log(out, 'connected')
    con = open(console, 'rb')
    pending = b''
    done = set()
    queue = []
    deleting = None                         # (id, deadline, next look)
    wake_at = None
    press = None                            # (SEQ, next press, deadline)
    counts = {'del': 0, 'add': 0, 'wakeup': 0, 'button': 0, 'errors': 0}
    try:
        while True:
            qmp.poll(0.05)
            for ev in qmp.events:
                name = ev['event']
                if name == 'SUSPEND':
                    wake_at = time.time() + 0.5
                    log(out, 'guest suspended to RAM')
                elif name == 'DEVICE_DELETED':
                    dev = ev.get('data', {}).get('device')
                    log(out, f'DEVICE_DELETED {dev}')
                    if deleting and dev == deleting[0]:
                        deleting = None
                elif name in ('WAKEUP', 'RESUME', 'STOP', 'SHUTDOWN'):
                    log(out, f'event {name}')
            qmp.events = []
            if wake_at and time.time() >= wake_at:
                r = qmp.cmd('system_wakeup')
                counts['wakeup'] += 1
                log(out, f'system_wakeup: {r}')
                wake_at = None

            pending += con.read()
            *lines, pending = pending.split(b'\n')
            for raw in lines:
                m = REQUEST.search(raw.decode(errors='replace'))
                if m and m.group(0) not in done:
                    done.add(m.group(0))
                    queue.append((m.group(1), m.group(2)))
                m = WAKE.search(raw.decode(errors='replace'))
                if m and m.group(1) == 'wake':
                    # the first press after the guest is asleep
                    press = (m.group(2), time.time() + 2, time.time() + 60)
                elif m and press and m.group(2) == press[0]:
                    log(out, f'guest awake ({press[0]})')
                    press = None

            if press and time.time() >= press[1]:
                if time.time() > press[2]:
                    log(out, f'error: guest not awake after 60 s ({press[0]})')
                    counts['errors'] += 1
                    press = None
                else:
                    r = qmp.cmd('system_powerdown')
                    counts['button'] += 1
                    log(out, f'power button ({press[0]}): {r}')
                    press = (press[0], time.time() + 2, press[2])

            # QEMU may send DEVICE_DELETED late or not at all for a device
            # with children (qemu-xhci with its tablet): gone from
            # /machine/peripheral for LOOK_AFTER s is gone too (a device
            # still being finalized keeps its backend: device_add below
            # tries again then)
            if deleting and time.time() >= deleting[2]:
                r = qmp.cmd('qom-list', {'path': '/machine/peripheral'})
                names = [p.get('name') for p in r.get('return', [])]
                if 'return' in r and deleting[0] not in names:
                    log(out, f'{deleting[0]} gone from /machine/peripheral')
                    deleting = None
                else:
                    deleting = (deleting[0], deleting[1], time.time() + 0.5)
            if deleting and time.time() > deleting[1]:
                log(out, f'error: no DEVICE_DELETED for {deleting[0]} in {DEL_TIMEOUT} s')
                counts['errors'] += 1
                deleting = None
            while queue and not deleting:
                op, qid = queue.pop(0)
                if qid not in DEVICES:
                    log(out, f'error: unknown device {qid}')
                    counts['errors'] += 1
                    continue
                counts[op] += 1
                if op == 'del':
                    r = qmp.cmd('device_del', {'id': qid})
                    log(out, f'device_del {qid}: {r}')
                    if 'error' in r:
                        counts['errors'] += 1
                    else:
                        deleting = (qid, time.time() + DEL_TIMEOUT,
                                    time.time() + LOOK_AFTER)
                    continue
                for n, d in enumerate(DEVICES[qid]):
                    d = dict(d)
                    d.setdefault('id', qid if n == 0 else f'{qid}-{n}')
                    for _ in range(ADD_TRIES):
                        r = qmp.cmd('device_add', d)
                        log(out, f'device_add {d["id"]}: {r}')
                        if 'error' not in r:
                            break
                        time.sleep(0.5)
                    else:
                        counts['errors'] += 1
    except (EOFError, OSError):
        pass
    log(out, f'QEMU gone; requests: {counts["del"]} del, {counts["add"]} add, '
        f'{counts["wakeup"]} wakeups, {counts["button"]} button presses, '
        f'{counts["errors"]} errors')
    return 0


def main(argv):
    if len(argv) == 2 and argv[1] == 'qemu-args':
        print('\n'.join(qemu_args()))
        return 0
    if len(argv) == 5 and argv[1] == 'serve':
        return serve(argv[2], argv[3], argv[4])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == '__main__':
    sys.exit(main(sys.argv))
