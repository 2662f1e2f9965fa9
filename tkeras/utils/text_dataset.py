"""``text_dataset_from_directory`` without TensorFlow: a torch DataLoader of string batches."""

from __future__ import annotations

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


class TextFiles(Dataset):
    """The text of each file (UTF-8, cut to ``max_length`` characters) and its label."""

    def __init__(self, paths, labels, max_length) -> None:
        self.paths, self.labels, self.max_length = list(paths), labels, max_length

    def __len__(self) -> int:
        return len(self.paths)

    def __getitem__(self, i: int):
        with open(self.paths[i], encoding="utf-8") as f:
            text = f.read() if self.max_length is None else f.read(self.max_length)
        return text if self.labels is None else (text, torch.as_tensor(self.labels[i]))


def text_dataset_from_directory(
    directory,
    labels="inferred",
    label_mode="int",
    class_names=None,
    batch_size=32,
    max_length=None,
    shuffle=True,
    seed=None,
    validation_split=None,
    subset=None,
    follow_links=False,
    format="tf",
    verbose=True,
):
    """Batches of texts (and labels) from a folder of class subfolders of ``.txt`` files.

    Files are listed, labelled, shuffled and split exactly as Keras does (see
    ``image_dataset_from_directory``): the same ``seed`` gives the same ``file_paths``.

    Args:
        directory: the folder (one subfolder per class when ``labels="inferred"``).
        labels: ``"inferred"``, a list of integer labels (files in sorted order) or None.
        label_mode: ``"int"``, ``"categorical"``, ``"binary"`` or None.
        class_names: the class folders to use, in this order.
        batch_size: texts per batch (None: single texts).
        max_length: keep at most this many characters of each text.
        shuffle: shuffle the files (once, with ``seed``) and the batches every epoch.
        seed: the shuffle and split seed.
        validation_split: fraction kept for validation; needs ``subset``.
        subset: ``"training"``, ``"validation"`` or ``"both"``.
        follow_links: follow symbolic links to folders.
        format: ``"tf"`` only (tkeras returns a BatchLoader).
        verbose: print the counts of files and classes.

    Returns:
        A ``tkeras.utils.BatchLoader`` of ``(texts, labels)``: texts a numpy array of Python
        ``str`` (object dtype), labels int32 / float32 tensors; ``class_names`` and
        ``file_paths`` attributes; a list ``[train, validation]`` for ``subset="both"``.
        ``ds.map(lambda x, y: (vectorize_layer(x), y))`` works as with tf.data.

    Differences from Keras: texts are ``str`` decoded as UTF-8 and ``max_length`` counts
    characters (Keras: tf.string bytes, and bytes); returns a BatchLoader, not a
    tf.data.Dataset; the per-epoch batch order comes from torch's seeded generator.

    Example:
        >>> train = text_dataset_from_directory("aclImdb/train", batch_size=32,
        ...     validation_split=0.2, subset="training", seed=1337)  # doctest: +SKIP
    """
    check_labels(labels, class_names, label_mode, "text")
    if format != "tf":
        raise NotImplementedError(
            f'text_dataset_from_directory(format={format!r}): only "tf" (tkeras returns a '
            "torch DataLoader either way)."
        )
    if labels is None or label_mode is None:
        labels, label_mode = None, None
    check_validation_split_arg(validation_split, subset, shuffle, seed)
    if seed is None:
        seed = np.random.randint(1e6)
    paths, labels, class_names = index_directory(
        directory,
        labels,
        formats=(".txt",),
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

    def make(subset_name, shuffled):
        sub_paths, sub_labels = training_or_validation_split(
            paths, labels, validation_split, subset_name
        )
        if not sub_paths:
            raise ValueError(f"No text files found in directory {directory}.")
        files = TextFiles(sub_paths, encode_labels(sub_labels, label_mode, num_classes), max_length)
        return BatchLoader(
            files,
            batch_size=batch_size,
            shuffle=shuffled,
            seed=seed,
            class_names=class_names,
            file_paths=list(sub_paths),
        )

    if subset == "both":
        return [make("training", shuffle), make("validation", False)]
    return make(subset, shuffle)
