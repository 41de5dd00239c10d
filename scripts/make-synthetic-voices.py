#!/usr/bin/env python3
"""Synthetic speakers for training the spoken-digit models (issue #30): the words "zero" to
"nine" said by Debian's espeak-ng and flite with many voices, written as FSDD-style recordings
(8 kHz mono 16-bit WAV, `{digit}_{speaker}_{index}.wav`, trimmed to near-minimal silence, at
FSDD-like levels) for scripts/make-fsdd-pack.py to pack:

    nice -n 19 scripts/make-synthetic-voices.py --seed 30 /tmp/synthetic-voices
    scripts/make-fsdd-pack.py /tmp/synthetic-voices assets/data/synthetic-voices/recordings.wavs.gz

A speaker is one voice setting, named after what made it:
  esp-{accent}-{variant}-r{wpm}-p{pitch}   espeak-ng -v {accent}+{variant} -s {wpm} -p {pitch}
  flite-{voice}-r{rate%}-p{pitch%}         flite -voice {voice}, duration_stretch 100/rate,
                                           f0_shift pitch/100
Each says every digit once (index 5) and a few digits a second time (index 6) with the rate and
pitch nudged a little, as a person never says a word twice the same way. Indices start at 5 so
that FSDD's own split (recordings 0-4 are the test set) puts every synthetic recording on the
training side: these voices are for training only.

Standard library only (Debian's python3 has no numpy). Deterministic: the same seed and the same
Debian packages (espeak-ng, espeak-ng-data, flite, python3) give the same files, byte for byte;
every random draw comes from the seed, a recording's own draws from the seed and its file name,
so --jobs does not change the result.
"""

import argparse
import math
import operator
import os
import random
import subprocess
import sys
import tempfile
import wave
from multiprocessing import Pool
from pathlib import Path

WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
RATE = 8000

# espeak-ng's English accents (`espeak-ng --voices=en`), minus the mbrola voices (they need the
# non-free mbrola program), with the short tag each speaker's name uses.
ACCENTS = {
    "en-us": "enus",
    "en-us-nyc": "ennyc",
    "en-gb": "engb",
    "en-gb-x-rp": "enrp",
    "en-gb-scotland": "enscot",
    "en-gb-x-gbclan": "enlanc",
    "en-gb-x-gbcwmd": "enwmid",
    "en-029": "encarib",
}
# espeak-ng's voice variants (`espeak-ng --voices=variant`) that sound like a person talking
# normally: not the robots, the whispers, the announcer, Demonic, or the speed test.
VARIANTS = (
    [f"m{i}" for i in range(1, 9)]
    + [f"f{i}" for i in range(1, 6)]
    + ["klatt", "klatt2", "klatt3", "klatt4", "klatt5", "klatt6", "croak"]
    + ["Alex", "Andrea", "Annie", "Andy", "anika", "aunty", "belinda", "benjamin", "david"]
    + ["edward", "grandma", "grandpa", "john", "linda", "max", "michel", "paul", "quincy"]
    + ["rob", "robert", "steph", "travis", "victor", "zac"]
)
# flite's built-in voices (`flite -lv`) but awb_time, which only tells the time.
FLITE_VOICES = ["kal", "kal16", "awb", "rms", "slt"]

ESPEAK_SPEAKERS = 90
FLITE_SPEAKERS = 24
REPEATS = 4  # digits said a second time, per speaker

# Levels: FSDD's five speakers' median peaks lie between -31 and -7 dBFS, and one speaker's
# recordings spread about +-3 dB around theirs (assets/data/fsdd, measured).
SPEAKER_PEAK_DB = (-31.0, -7.0)
TAKE_PEAK_SD_DB = 3.0
MAX_PEAK_DB = -0.5
# Trimming: the sound is found as the app's recorder finds it (src/io/record.rs, trim_silence:
# 10 ms stretches at 5% of the loudest stretch's RMS); FSDD keeps about 0-80 ms before that
# (median 0) and 0-140 ms after it (median 50), measured the same way at 8 kHz (where a
# synthetic word's edges measure a little longer: see sound_span's caller).
LEAD_MS = (0, 30)
TAIL_MS = (10, 80)


class Speaker:
    def __init__(self, name, engine, voice, rate, pitch, peak_db):
        self.name, self.engine, self.voice = name, engine, voice
        self.rate, self.pitch, self.peak_db = rate, pitch, peak_db


def speakers(seed):
    """The seeded cast: ESPEAK_SPEAKERS accent x variant pairs (every accent and every variant
    used about equally often) and FLITE_SPEAKERS flite settings, each with a rate, a pitch and a
    level of its own."""
    rng = random.Random(seed)
    out = []
    accents, variants = [], []
    while len(accents) < ESPEAK_SPEAKERS:
        accents += rng.sample(sorted(ACCENTS), len(ACCENTS))
    while len(variants) < ESPEAK_SPEAKERS:
        variants += rng.sample(VARIANTS, len(VARIANTS))
    for accent, variant in zip(accents[:ESPEAK_SPEAKERS], variants[:ESPEAK_SPEAKERS]):
        wpm = rng.randrange(130, 231, 10)  # espeak-ng's default is 175
        pitch = rng.randrange(15, 86, 5)  # 0-99, default 50
        name = f"esp-{ACCENTS[accent]}-{variant.lower()}-r{wpm}-p{pitch}"
        out.append(Speaker(name, "espeak", f"{accent}+{variant}", wpm, pitch, 0.0))
    settings = [
        (v, r, p) for v in FLITE_VOICES for r in (85, 100, 115, 130) for p in (85, 100, 118)
    ]
    for voice, rate, pitch in rng.sample(settings, FLITE_SPEAKERS):
        out.append(Speaker(f"flite-{voice}-r{rate}-p{pitch}", "flite", voice, rate, pitch, 0.0))
    names = [s.name for s in out]
    assert len(set(names)) == len(names), "two speakers with the same name"
    for s in out:
        s.peak_db = rng.uniform(*SPEAKER_PEAK_DB)
    return out


def jobs(cast, seed):
    """(file name, speaker, digit, take) for every recording."""
    rng = random.Random(f"{seed}/takes")
    out = []
    for s in cast:
        again = set(rng.sample(range(10), REPEATS))
        for digit in range(10):
            for take in (0, 1) if digit in again else (0,):
                out.append((f"{digit}_{s.name}_{5 + take}.wav", s, digit, take))
    return out


def read_wav(path):
    with wave.open(str(path), "rb") as w:
        assert w.getnchannels() == 1 and w.getsampwidth() == 2, f"{path}: not 16-bit mono"
        rate = w.getframerate()
        frames = w.readframes(w.getnframes())
    samples = memoryview(frames).cast("h")
    return [v / 32768.0 for v in samples], rate


def synthesize(s, word, take, rng, tmp):
    """The TTS program's samples (floats) and their rate; a second take nudges rate and pitch."""
    out = Path(tmp) / "say.wav"
    if s.engine == "espeak":
        wpm, pitch = s.rate, s.pitch
        if take:
            wpm = round(wpm * rng.uniform(0.94, 1.06))
            pitch = min(99, max(0, pitch + rng.randint(-4, 4)))
        cmd = ["espeak-ng", "-v", s.voice, "-s", str(wpm), "-p", str(pitch), "-w", str(out), word]
    else:
        stretch, shift = 100.0 / s.rate, s.pitch / 100.0
        if take:
            stretch *= rng.uniform(0.95, 1.05)
            shift *= rng.uniform(0.97, 1.03)
        cmd = ["flite", "-voice", s.voice, "-t", word, "-o", str(out),
               "--setf", f"duration_stretch={stretch:.4f}", "--setf", f"f0_shift={shift:.4f}"]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return read_wav(out)


def kaiser_i0(x):
    total, term, k = 1.0, 1.0, 1
    while term > 1e-12 * total:
        term *= (x / (2 * k)) ** 2
        total += term
        k += 1
    return total


_FILTERS = {}


def polyphase(src, dst):
    """A Kaiser-windowed sinc low-pass (cut-off at 90% of the lower rate's Nyquist, beta 8.6,
    about -85 dB in the stop band, 16 zero crossings each side) split into the phases of the
    rational ratio dst/src: (L, M, K, taps), taps[phase] of length 2K, each summing to 1."""
    key = (src, dst)
    if key not in _FILTERS:
        g = math.gcd(src, dst)
        up, down = dst // g, src // g
        cutoff = 0.9 * min(src, dst) / 2  # Hz
        scale = 2 * cutoff / src  # the sinc's zero crossings, in input samples
        half = 16 / scale  # half-width, in input samples
        k = math.ceil(half) + 1
        beta, norm = 8.6, kaiser_i0(8.6)
        taps = []
        for phase in range(up):
            row = []
            for j in range(2 * k):
                d = phase / up + k - 1 - j  # output position minus input sample, in samples
                if abs(d) >= half:
                    row.append(0.0)
                    continue
                x = math.pi * scale * d
                sinc = 1.0 if x == 0 else math.sin(x) / x
                row.append(sinc * kaiser_i0(beta * math.sqrt(1 - (d / half) ** 2)) / norm)
            total = sum(row)
            taps.append([t / total for t in row])
        _FILTERS[key] = (up, down, k, taps)
    return _FILTERS[key]


def resample(samples, src, dst):
    if src == dst:
        return list(samples)
    up, down, k, taps = polyphase(src, dst)
    padded = [0.0] * k + list(samples) + [0.0] * (k + 1)
    n_out = len(samples) * up // down
    mul = operator.mul
    out = []
    for n in range(n_out):
        base, phase = divmod(n * down, up)
        # input samples base-k+1 .. base+k sit at padded[base+1 .. base+2k]
        out.append(sum(map(mul, taps[phase], padded[base + 1:base + 1 + 2 * k])))
    return out


def sound_span(samples, rate):
    """From the first to the last 10 ms stretch whose RMS reaches 5% of the loudest's (the app's
    trim_silence, src/io/record.rs, whose absolute floor is for microphones: synthetic silence
    is zero)."""
    step = rate // 100
    levels = [
        math.sqrt(sum(v * v for v in samples[i:i + step]) / len(samples[i:i + step]))
        for i in range(0, len(samples), step)
    ]
    floor = 0.05 * max(levels)
    loud = [i for i, l in enumerate(levels) if l >= floor and l > 0]
    return loud[0] * step, min(len(samples), (loud[-1] + 1) * step)


def render(job):
    name, s, digit, take, seed = job
    rng = random.Random(f"{seed}/{name}")
    with tempfile.TemporaryDirectory() as tmp:
        samples, src = synthesize(s, WORDS[digit], take, rng, tmp)
    # The word's extent is found at the program's own rate: at 8 kHz an "s" loses most of its
    # energy (it lies above 4 kHz) and would be cut off as silence.
    start, end = sound_span(samples, src)
    lead = round(rng.uniform(*LEAD_MS) * src / 1000)
    tail = round(rng.uniform(*TAIL_MS) * src / 1000)
    start, end = max(0, start - lead), min(len(samples), end + tail)
    pad = src // 20  # room for the low-pass filter on either side
    first = max(0, start - pad)
    samples = resample(samples[first:end + pad], src, RATE)
    samples = samples[(start - first) * RATE // src:(end - first) * RATE // src]
    peak_db = min(MAX_PEAK_DB, rng.gauss(s.peak_db, TAKE_PEAK_SD_DB))
    gain = 10 ** (peak_db / 20) / max(abs(v) for v in samples)
    # 16 bits with triangular dither of one step, as a recording's converter would leave it.
    pcm = [
        max(-32768, min(32767, round(v * gain * 32767 + rng.random() - rng.random())))
        for v in samples
    ]
    return name, pcm


def write_wav(path, pcm):
    data = bytearray()
    for v in pcm:
        data += v.to_bytes(2, "little", signed=True)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(bytes(data))


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("out", type=Path, help="folder for the WAV files (created; must be empty)")
    p.add_argument("--seed", type=int, default=30)
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = p.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    if any(args.out.iterdir()):
        sys.exit(f"{args.out} is not empty")
    cast = speakers(args.seed)
    todo = [(name, s, digit, take, args.seed) for name, s, digit, take in jobs(cast, args.seed)]
    with Pool(args.jobs) as pool:
        for i, (name, pcm) in enumerate(pool.imap(render, todo, chunksize=4), 1):
            write_wav(args.out / name, pcm)
            if i % 100 == 0 or i == len(todo):
                print(f"{i}/{len(todo)}", file=sys.stderr)
    print(f"{args.out}: {len(cast)} speakers, {len(todo)} recordings")


if __name__ == "__main__":
    main()
