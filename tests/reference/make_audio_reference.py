"""Reference log-mel spectrograms from librosa for src/io/audio_input/tests.rs.

Run by hand (never by cargo test) with a Python that has librosa, numpy and soundfile:
    python3 tests/reference/make_audio_reference.py ../shared/data/fsdd
Writes tests/fixtures/audio/: one FSDD recording (CC BY-SA 4.0, see assets/ATTRIBUTION.md),
its samples as soundfile decodes them, a seeded random signal, and for each signal the mel
filterbank and ln(mel power + offset) that librosa computes with the same parameters.
"""
import json
import pathlib
import shutil
import sys

import librosa
import numpy as np
import soundfile as sf

OUT = pathlib.Path(__file__).resolve().parent.parent / "fixtures" / "audio"
# The speech models' parameters, and a second set that exercises other sizes and f_min/f_max.
SPECS = {
    "speech": dict(sample_rate=8000, n_fft=256, frame=200, hop=100, mel_bands=32,
                   f_min=0.0, f_max=4000.0, log_offset=1e-6, frames=64),
    "other": dict(sample_rate=16000, n_fft=512, frame=400, hop=160, mel_bands=40,
                  f_min=50.0, f_max=7600.0, log_offset=1e-3, frames=50),
}


def reference(y, s):
    n = (s["frames"] - 1) * s["hop"]
    y = np.asarray(y, dtype=np.float64)[:n]
    y = np.pad(y, (0, n - len(y)))
    mel = librosa.feature.melspectrogram(
        y=y, sr=s["sample_rate"], n_fft=s["n_fft"], hop_length=s["hop"], win_length=s["frame"],
        window="hann", center=True, pad_mode="constant", power=2.0, n_mels=s["mel_bands"],
        fmin=s["f_min"], fmax=s["f_max"], htk=False, norm="slaney")
    assert mel.shape == (s["mel_bands"], s["frames"]), mel.shape
    filters = librosa.filters.mel(sr=s["sample_rate"], n_fft=s["n_fft"], n_mels=s["mel_bands"],
                                  fmin=s["f_min"], fmax=s["f_max"], htk=False, norm="slaney",
                                  dtype=np.float64)
    return np.log(mel + s["log_offset"]), filters


def main():
    fsdd = pathlib.Path(sys.argv[1])
    OUT.mkdir(parents=True, exist_ok=True)
    wav = OUT / "7_george_0.wav"
    shutil.copyfile(fsdd / "recordings" / "7_george_0.wav", wav)
    real, sr = sf.read(wav, dtype="float64")
    assert sr == 8000
    np.save(OUT / "7_george_0.samples.npy", real)
    rng = np.random.default_rng(14)
    noise = rng.uniform(-1, 1, 16000).astype(np.float32)
    np.save(OUT / "random.samples.npy", noise)
    cases = {"real": (real, "speech"), "random": (noise, "speech"), "random_other": (noise, "other")}
    for name, (y, spec) in cases.items():
        logmel, filters = reference(y, SPECS[spec])
        np.save(OUT / f"{name}.logmel.npy", logmel)
        np.save(OUT / f"{name}.filters.npy", filters)
    (OUT / "specs.json").write_text(json.dumps(
        {"specs": SPECS, "cases": {k: v[1] for k, v in cases.items()},
         "librosa": librosa.__version__}, indent=1) + "\n")


if __name__ == "__main__":
    main()
