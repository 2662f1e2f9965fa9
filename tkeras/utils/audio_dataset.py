"""``audio_dataset_from_directory`` without TensorFlow: a torch DataLoader of waveforms."""

from __future__ import annotations

import wave

import numpy as np
import torch
from torch.utils.data import Dataset

from tkeras.utils.batch_loader import BatchLoader
from tkeras.utils.directory_index import (
    check_labels,
    check_validation_split_arg,
    encode_labels,
    index_directory,
    training_or_validation_split,
)

ALLOWED_FORMATS = (".wav",)


def decode_wav(path: str, desired_samples: int | None = None) -> torch.Tensor:
    """A 16-bit PCM WAV file as float32 (samples, channels) in [-1, 1), as
    ``tf.audio.decode_wav`` decodes it (cut or zero-padded to ``desired_samples``)."""
    try:
        with wave.open(path, "rb") as f:
            width, channels, frames = f.getsampwidth(), f.getnchannels(), f.getnframes()
            raw = f.readframes(frames)
    except (wave.Error, EOFError, OSError) as e:
        raise ValueError(f"audio_dataset_from_directory: cannot read WAV file {path}: {e}") from e
    if width != 2:
        raise ValueError(
            f"audio_dataset_from_directory: {path} has {8 * width}-bit samples; only 16-bit "
            "PCM WAV files are supported (as tf.audio.decode_wav)."
        )
    audio = np.frombuffer(raw, dtype="<i2").reshape(-1, channels).astype("float32") / 32768.0
    if desired_samples is not None:
        audio = audio[:desired_samples]
        if len(audio) < desired_samples:
            audio = np.pad(audio, ((0, desired_samples - len(audio)), (0, 0)))
    return torch.from_numpy(np.ascontiguousarray(audio))


class AudioFiles(Dataset):
    """Waveforms decoded from WAV files, and labels."""

    def __init__(self, paths, labels, output_sequence_length) -> None:
        self.paths, self.labels, self.length = list(paths), labels, output_sequence_length

    def __len__(self) -> int:
        return len(self.paths)

    def __getitem__(self, i: int):
        audio = decode_wav(self.paths[i], self.length)
        return audio if self.labels is None else (audio, torch.as_tensor(self.labels[i]))


def audio_dataset_from_directory(
    directory,
    labels="inferred",
    label_mode="int",
    class_names=None,
    batch_size=32,
    sampling_rate=None,
    output_sequence_length=None,
    ragged=False,
    shuffle=True,
    seed=None,
    validation_split=None,
    subset=None,
    follow_links=False,
    verbose=True,
):
    """Batches of waveforms (and labels) from a folder of class subfolders of ``.wav`` files.

    Files are listed, labelled, shuffled and split exactly as Keras does (see
    ``image_dataset_from_directory``). 16-bit PCM WAV files decode to float32 in [-1, 1) as
    ``tf.audio.decode_wav`` does, shaped (samples, channels).

    Args:
        directory: the folder (one subfolder per class when ``labels="inferred"``).
        labels: ``"inferred"``, a list of integer labels (files in sorted order) or None.
        label_mode: ``"int"``, ``"categorical"``, ``"binary"`` or None.
        class_names: the class folders to use, in this order.
        batch_size: waveforms per batch (None: single waveforms).
        sampling_rate: must be None (resampling needs tensorflow-io in Keras too).
        output_sequence_length: cut or zero-pad every waveform to this many samples; None
            pads each batch to its longest waveform.
        ragged: must be False.
        shuffle: shuffle the files (once, with ``seed``) and the batches every epoch.
        seed: the shuffle and split seed.
        validation_split: fraction kept for validation; needs ``subset``.
        subset: ``"training"``, ``"validation"`` or ``"both"``.
        follow_links: follow symbolic links to folders.
        verbose: print the counts of files and classes.

    Returns:
        A ``tkeras.utils.BatchLoader`` of ``(audio, labels)`` with ``class_names``; a tuple
        ``(train, validation)`` for ``subset="both"``.

    Differences from Keras: returns a BatchLoader, not a tf.data.Dataset; ``ragged=True``
    and ``sampling_rate`` raise NotImplementedError.

    Example:
        >>> train, val = audio_dataset_from_directory("speech", validation_split=0.2,
        ...     subset="both", seed=0, output_sequence_length=16000)  # doctest: +SKIP
    """
    check_labels(labels, class_names, label_mode, "audio")
    if ragged and output_sequence_length is not None:
        raise ValueError("Cannot set both `ragged` and `output_sequence_length`")
    if ragged:
        raise NotImplementedError("audio_dataset_from_directory(ragged=True)")
    if sampling_rate is not None:
        if not isinstance(sampling_rate, int) or sampling_rate <= 0:
            raise ValueError(
                "`sampling_rate` should be a positive integer. "
                f"Received: sampling_rate={sampling_rate}"
            )
        raise NotImplementedError(
            "audio_dataset_from_directory(sampling_rate=...): resampling is not offered "
            "(Keras needs tensorflow-io for it)."
        )
    if labels is None or label_mode is None:
        labels, label_mode = None, None
    check_validation_split_arg(validation_split, subset, shuffle, seed)
    if seed is None:
        seed = np.random.randint(1e6)
    paths, labels, class_names = index_directory(
        directory,
        labels,
        formats=ALLOWED_FORMATS,
        class_names=class_names,
        shuffle=shuffle,
        seed=seed,
        follow_links=follow_links,
        verbose=verbose,
    )
    if label_mode == "binary" and len(class_names) != 2:
        raise ValueError(
            'When passing `label_mode="binary"`, there must be exactly 2 class_names. '
            f"Received: class_names={class_names}"
        )
    num_classes = len(class_names) if class_names else 0

    def make(subset_name, shuffled, which):
        sub_paths, sub_labels = training_or_validation_split(
            paths, labels, validation_split, subset_name
        )
        if not sub_paths:
            raise ValueError(
                f"No {which}audio files found in directory {directory}. "
                f"Allowed format(s): {ALLOWED_FORMATS}"
            )
        files = AudioFiles(
            sub_paths, encode_labels(sub_labels, label_mode, num_classes), output_sequence_length
        )
        return BatchLoader(
            files,
            batch_size=batch_size,
            shuffle=shuffled,
            seed=seed,
            class_names=class_names,
            pad=output_sequence_length is None,
        )

    if subset == "both":
        return make("training", shuffle, "training "), make("validation", False, "validation ")
    return make(subset, shuffle, "")
