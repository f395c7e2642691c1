#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""A DNS server for one name, for tests where the machine has no resolver.

Usage: dns-stub.py ADDR PORT NAME IPV4

Answers A queries for NAME with IPV4; every other question gets NXDOMAIN.
"""
import socket
import struct
import sys


def question_name(packet, offset):
    labels = []
    while packet[offset]:
        n = packet[offset]
        labels.append(packet[offset + 1:offset + 1 + n].decode("ascii", "replace"))
        offset += n + 1
    return ".".join(labels).lower(), offset + 1


def main():
    addr, port, name, answer = sys.argv[1], int(sys.argv[2]), sys.argv[3].lower(), sys.argv[4]
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind((addr, port))
    print(f"dns-stub: {name} -> {answer} on {addr}:{port}", flush=True)
    while True:
        packet, peer = sock.recvfrom(512)
        if len(packet) < 12:
            continue
        (qid,) = struct.unpack("!H", packet[:2])
        qname, end = question_name(packet, 12)
        qtype, _ = struct.unpack("!HH", packet[end:end + 4])
        question = packet[12:end + 4]
        found = qname == name
        print(f"dns-stub: {peer[0]} asks {qname} type {qtype}: {'found' if found else 'no'}",
              flush=True)
        flags = 0x8180 if found else 0x8183
        answers = 1 if found and qtype == 1 else 0
        reply = struct.pack("!HHHHHH", qid, flags, 1, answers, 0, 0) + question
        if answers:
            reply += struct.pack("!HHHIH", 0xC00C, 1, 1, 60, 4) + socket.inet_aton(answer)
        sock.sendto(reply, peer)


if __name__ == "__main__":
    main()
