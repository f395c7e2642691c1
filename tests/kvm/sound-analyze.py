#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks a recording of the guest's test tone, with the standard library only.

Usage: sound-analyze.py FILE [--raw RATE] FREQ DURATION

FILE is a WAV file (parecord's) or, with --raw RATE, headerless signed 16-bit
little-endian stereo at RATE Hz (what the scripted SPICE client writes).
Looks at the left channel: the tone is where the samples are not silent
(the first to the last sample above a threshold); its frequency comes from
the zero crossings in that span. Goertzel filters on a stretch of the span
check that this frequency dominates: it is stronger than every multiple of
50 Hz up to 5 kHz (those further than 25 Hz from it). Prints what it found
and exits 1 unless the frequency is FREQ +- 2 Hz, the span DURATION +- 0.1 s
and the tone dominant.
"""
import array
import math
import sys
import wave

THRESHOLD = 1000          # of 32767: well above dither, well below the tone
FREQ_TOLERANCE = 2.0
DURATION_TOLERANCE = 0.1
WINDOW_S = 0.2            # of the middle of the span, for the dominance check


def read(path, raw_rate):
    if raw_rate:
        with open(path, 'rb') as f:
            data = f.read()
        rate, channels = raw_rate, 2
    else:
        with wave.open(path, 'rb') as w:
            if w.getsampwidth() != 2:
                sys.exit(f'{path}: {8 * w.getsampwidth()}-bit samples, expected 16')
            rate, channels = w.getframerate(), w.getnchannels()
            data = w.readframes(w.getnframes())
    samples = array.array('h')
    samples.frombytes(data[:len(data) // 2 * 2])
    if sys.byteorder != 'little':
        samples.byteswap()
    return rate, samples[::channels]


def goertzel(x, rate, freq):
    """The mean square of @x's component at @freq."""
    coeff = 2 * math.cos(2 * math.pi * freq / rate)
    s1 = s2 = 0.0
    for v in x:
        s1, s2 = v + coeff * s1 - s2, s1
    n = len(x)
    return 2 * (s1 * s1 + s2 * s2 - coeff * s1 * s2) / (n * n)


def main():
    args = sys.argv[1:]
    raw_rate = 0
    if '--raw' in args:
        i = args.index('--raw')
        raw_rate = int(args[i + 1])
        del args[i:i + 2]
    path, want_freq, want_duration = args[0], float(args[1]), float(args[2])
    rate, x = read(path, raw_rate)
    loud = [i for i, v in enumerate(x) if abs(v) > THRESHOLD]
    if not loud:
        peak = max((abs(v) for v in x), default=0)
        print(f'{path}: silence ({len(x) / rate:.2f} s recorded, peak {peak})')
        return 1
    first, last = loud[0], loud[-1]
    span = x[first:last + 1]
    duration = len(span) / rate

    # Rising zero crossings, interpolated between samples.
    crossings = [i + (-span[i]) / (span[i + 1] - span[i])
                 for i in range(len(span) - 1) if span[i] < 0 <= span[i + 1]]
    freq = 0.0
    if len(crossings) > 1:
        freq = (len(crossings) - 1) * rate / (crossings[-1] - crossings[0])
    middle = len(span) // 2
    half = min(int(WINDOW_S * rate) // 2, middle)
    window = span[middle - half:middle + half]
    total = sum(v * v for v in window) / max(len(window), 1)
    tone = goertzel(window, rate, freq) if freq else 0.0
    others = [goertzel(window, rate, f) for f in range(50, 5001, 50) if abs(f - freq) > 25]
    share = tone / total if total else 0.0
    dominant = tone > max(others)
    # Silent stretches inside the tone (longer than 5 ms) are dropouts.
    gaps, run = 0, 0
    for v in span:
        run = run + 1 if abs(v) <= THRESHOLD else 0
        if run == rate // 200:
            gaps += 1
    peak = max(abs(v) for v in span)
    print(f'{path}: {len(x) / rate:.2f} s recorded at {rate} Hz; tone from '
          f'{first / rate:.3f} s for {duration:.3f} s, {freq:.2f} Hz, '
          f'{"dominant" if dominant else "NOT dominant"} ({100 * share:.0f}% of the energy '
          f'mid-span), peak {peak}, {gaps} dropouts')
    ok = (abs(freq - want_freq) <= FREQ_TOLERANCE and
          abs(duration - want_duration) <= DURATION_TOLERANCE and dominant)
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
