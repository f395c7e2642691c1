#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
# Turns benchmarks/vmm-core's raw.jsonl into the markdown report.
import argparse
import json
import os
import platform
import re
import statistics
import time

ap = argparse.ArgumentParser()
ap.add_argument("raw")
for opt in ("runs", "blk-mib", "mem", "cpus", "qemu-cpu", "qemu-version", "kernel",
            "img-fs", "elapsed", "rev", "sandbox"):
    ap.add_argument("--" + opt, default="?")
a = ap.parse_args()

rows = [json.loads(l) for l in open(a.raw) if l.strip()]
variants = ["terrarium-vmm", "qemu-microvm", "qemu-pc"]


def results(test, variant):
    return [r["result"] for r in rows if r["test"] == test and r["variant"] == variant]


def med(vals):
    vals = [v for v in vals if v is not None]
    return statistics.median(vals) if vals else None


def fmt(v, spec):
    return "n/a" if v is None else format(v, spec)


def cpu_model():
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "?"


def problems(rs):
    bad = [r for r in rs if r["boot_s"] is None or r["rc"] != 0]
    return f"{len(bad)} of {len(rs)} runs failed (see bench/logs)" if bad else ""


out = []
p = out.append
p(f"## VMM-core benchmark results\n")
where = ("nested sandbox (tools/kvm-sandbox --mode nested). L0: QEMU TCG with an emulated "
         "AMD-V CPU; L1: Debian's kernel with kvm-amd (runs the VMMs); L2: the benchmark guests"
         if a.sandbox == "nested" else "directly on this machine's /dev/kvm")
p(f"- Date: {time.strftime('%Y-%m-%d %H:%M %Z')}; terrarium revision {a.rev}")
p(f"- Where: {where}")
p(f"- Machine running the VMMs: {os.cpu_count()} CPU(s), {cpu_model()}, kernel {platform.release()}")
p(f"- Guest: Debian kernel {a.kernel}, the same initramfs (busybox, virtio_pci, virtio_mmio, "
  f"virtio_blk) and command line for all, {a.mem} RAM, {a.cpus} vCPU")
p(f"- QEMU: {a.qemu_version}, `-accel kvm`, CPU model: `{a.qemu_cpu}`, "
  f"`-nodefaults -no-user-config -display none -serial stdio`, memfd RAM backend; "
  f"-M pc boots through its default SeaBIOS")
p(f"- {a.runs} runs per measurement, runs interleaved across VMMs; medians shown; whole run took {a.elapsed} s")
p("")

p("### Boot to init (process start → `terrarium-scenario: boot: start` on serial)\n")
p("| VMM | median s | min s | max s | notes |")
p("|---|---:|---:|---:|---|")
boot = {}
for v in variants:
    rs = results("boot", v)
    vals = [r["boot_s"] for r in rs if r["boot_s"] is not None]
    boot[v] = med(vals)
    p(f"| {v} | {fmt(boot[v], '.2f')} | {fmt(min(vals) if vals else None, '.2f')} | "
      f"{fmt(max(vals) if vals else None, '.2f')} | {problems(rs)} |")
p("")

p("### VMM memory with the tiny boot guest (MiB, medians)\n")
p("| VMM | peak RSS (VmHWM) | guest RAM touched (RssShmem) | overhead = peak RSS − RssShmem | peak RssAnon+RssFile |")
p("|---|---:|---:|---:|---:|")
over = {}
for v in variants:
    rs = results("boot", v)
    hwm = med([r["hwm_kib"] / 1024 for r in rs])
    shm = med([r["shmem_kib"] / 1024 for r in rs])
    ovh = med([(r["hwm_kib"] - r["shmem_kib"]) / 1024 for r in rs])
    af = med([r["anonfile_kib"] / 1024 for r in rs])
    over[v] = ovh
    p(f"| {v} | {fmt(hwm, '.1f')} | {fmt(shm, '.1f')} | {fmt(ovh, '.1f')} | {fmt(af, '.1f')} |")
p("")

p(f"### virtio-blk, {a.blk_mib} MiB sequential, O_DIRECT in the guest, 1 MiB requests (MB/s, medians)\n")
p(f"Image: a fresh raw file per run, preallocated with fallocate, on {a.img_fs} (/tmp). terrarium-vmm: `--disk IMG` "
  f"(buffered I/O, fdatasync on flush); QEMU: `-drive file=IMG,format=raw,if=none,id=d0,"
  f"cache=writeback,aio=threads` with virtio-blk-pci (-M pc) or virtio-blk-device (microvm).\n")
p("| VMM | write MB/s | read MB/s | runs | notes |")
p("|---|---:|---:|---:|---|")
blk = {}
for v in variants:
    rs = results("blk", v)
    w, r_ = [], []
    for r in rs:
        for line in r["lines"]:
            m = re.search(r"write MB/s=([\d.]+) read MB/s=([\d.]+)", line)
            if m:
                w.append(float(m.group(1)))
                r_.append(float(m.group(2)))
    blk[v] = (med(w), med(r_))
    p(f"| {v} | {fmt(blk[v][0], '.1f')} | {fmt(blk[v][1], '.1f')} | {len(w)} of {len(rs)} | {problems(rs)} |")
p("")

p("### Against the targets\n")
t, mv, pc = boot["terrarium-vmm"], boot["qemu-microvm"], boot["qemu-pc"]


def verdict(ok):
    return "n/a" if ok is None else ("met" if ok else "NOT met")


p(f"- Boot ≤ microvm: {verdict(None if None in (t, mv) else t <= mv)} "
  f"({fmt(t, '.2f')} s vs {fmt(mv, '.2f')} s)")
p(f"- Boot ≤ half of -M pc: {verdict(None if None in (t, pc) else t <= pc / 2)} "
  f"({fmt(t, '.2f')} s vs {fmt(pc, '.2f')} s / 2 = {fmt(pc / 2 if pc else None, '.2f')} s)")
o = over["terrarium-vmm"]
p(f"- Memory overhead < 10 MiB: {verdict(None if o is None else o < 10)} "
  f"({fmt(o, '.1f')} MiB; QEMU microvm {fmt(over['qemu-microvm'], '.1f')} MiB, "
  f"-M pc {fmt(over['qemu-pc'], '.1f')} MiB)")
tw, tr = blk["terrarium-vmm"]
qw, qr = blk["qemu-pc"]
p(f"- virtio-blk ≥ QEMU (-M pc, virtio-blk-pci): write {verdict(None if None in (tw, qw) else tw >= qw)} "
  f"({fmt(tw, '.1f')} vs {fmt(qw, '.1f')} MB/s), read {verdict(None if None in (tr, qr) else tr >= qr)} "
  f"({fmt(tr, '.1f')} vs {fmt(qr, '.1f')} MB/s)")
print("\n".join(out))
