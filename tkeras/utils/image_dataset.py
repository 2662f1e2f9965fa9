"""``image_dataset_from_directory`` without TensorFlow: a torch DataLoader of image batches."""

from __future__ import annotations

import numpy as np
import torch
from torch.utils.data import Dataset

from tkeras import config
from tkeras.utils.batch_loader import BatchLoader
from tkeras.utils.directory_index import (
    check_labels,
    check_validation_split_arg,
    encode_labels,
    index_directory,
    training_or_validation_split,
)

ALLOWLIST_FORMATS = (".bmp", ".gif", ".jpeg", ".jpg", ".png")
INTERPOLATIONS = ("bilinear", "nearest", "bicubic")
MODES = {"rgb": ("RGB", 3), "rgba": ("RGBA", 4), "grayscale": ("L", 1)}


class ImageFiles(Dataset):
    """Images read from files (Pillow), resized with ``tkeras.ops.image.resize``, and labels."""

    def __init__(self, paths, labels, image_size, color_mode, interpolation, crop, pad, fmt):
        self.paths, self.labels = list(paths), labels
        self.image_size, self.color_mode, self.interpolation = image_size, color_mode, interpolation
        self.crop, self.pad, self.data_format = crop, pad, fmt

    def __len__(self) -> int:
        return len(self.paths)

    def load(self, path: str) -> torch.Tensor:
        from PIL import Image, UnidentifiedImageError

        from tkeras.ops.image import resize

        try:
            with Image.open(path) as img:
                mode = MODES[self.color_mode][0]
                if mode == "L" and img.mode in ("L", "I;16", "I"):
                    mode = img.mode  # as Keras: keep 16- and 32-bit grayscale as is
                array = np.array(img.convert(mode) if img.mode != mode else img, "float32")
        except (UnidentifiedImageError, OSError) as e:
            raise ValueError(f"image_dataset_from_directory: cannot read image {path}: {e}") from e
        x = torch.from_numpy(array)
        if x.dim() == 2:
            x = x[..., None]
        if self.data_format == "channels_first":
            x = x.permute(2, 0, 1)
        return resize(
            x,
            self.image_size,
            interpolation=self.interpolation,
            crop_to_aspect_ratio=self.crop,
            pad_to_aspect_ratio=self.pad,
            data_format=self.data_format,
        ).contiguous()

    def __getitem__(self, i: int):
        x = self.load(self.paths[i])
        return x if self.labels is None else (x, torch.as_tensor(self.labels[i]))


def image_dataset_from_directory(
    directory,
    labels="inferred",
    label_mode="int",
    class_names=None,
    color_mode="rgb",
    batch_size=32,
    image_size=(256, 256),
    shuffle=True,
    seed=None,
    validation_split=None,
    subset=None,
    interpolation="bilinear",
    follow_links=False,
    crop_to_aspect_ratio=False,
    pad_to_aspect_ratio=False,
    data_format=None,
    format="tf",
    verbose=True,
):
    """Batches of images (and labels) from a folder of class subfolders, as Keras makes them.

    Files are listed, labelled, shuffled and split exactly as Keras does (class folders in
    alphanumeric order, ``.bmp .gif .jpeg .jpg .png``, ``np.random.RandomState(seed)``, the
    last ``validation_split`` fraction for validation), so ``file_paths`` and the subsets equal
    Keras's for the same ``seed``. Images decode with Pillow and resize with
    ``tkeras.ops.image.resize`` (Keras's ``interpolation``, ``crop_to_aspect_ratio`` and
    ``pad_to_aspect_ratio``).

    Args:
        directory: the folder (one subfolder per class when ``labels="inferred"``).
        labels: ``"inferred"``, a list of integer labels (files in sorted order) or None.
        label_mode: ``"int"`` (int32), ``"categorical"`` (float32 one-hot), ``"binary"``
            (float32 (n, 1)) or None.
        class_names: the class folders to use, in this order (``labels="inferred"``).
        color_mode: ``"rgb"``, ``"rgba"`` or ``"grayscale"``.
        batch_size: images per batch (None: single images).
        image_size: ``(height, width)`` of the output images.
        shuffle: shuffle the files (once, with ``seed``) and the batches every epoch.
        seed: the shuffle and split seed.
        validation_split: fraction kept for validation; needs ``subset``.
        subset: ``"training"``, ``"validation"`` or ``"both"`` (returns both).
        interpolation: ``"bilinear"``, ``"nearest"`` or ``"bicubic"``.
        follow_links: follow symbolic links to folders.
        crop_to_aspect_ratio: centre-crop to the target aspect ratio before resizing.
        pad_to_aspect_ratio: pad to the target aspect ratio before resizing.
        data_format: ``"channels_last"`` or ``"channels_first"`` (default from config).
        format: ``"tf"`` only (it names Keras's tf.data output; tkeras returns a BatchLoader).
        verbose: print the counts of files and classes.

    Returns:
        A ``tkeras.utils.BatchLoader`` (a ``torch.utils.data.DataLoader``) of float32
        ``(images, labels)`` batches with ``class_names`` and ``file_paths``; for
        ``subset="both"`` a list ``[train, validation]``. ``fit`` accepts it directly;
        ``ds.with_workers(4)`` reads the files in 4 worker processes.

    Differences from Keras: returns a BatchLoader, not a tf.data.Dataset (see its
    docstring for the tf.data methods it offers). The order of batches across epochs comes
    from a torch.Generator seeded with ``seed`` (the files and the split equal Keras's, the
    per-epoch reshuffle does not). Keras's ``"area"``, ``"lanczos3"``, ``"lanczos5"``,
    ``"gaussian"`` and ``"mitchellcubic"`` interpolations raise ValueError
    (``tkeras.ops.image.resize`` has only these three).

    Example:
        >>> train, val = image_dataset_from_directory(
        ...     "PetImages", validation_split=0.2, subset="both", seed=1337,
        ...     image_size=(180, 180), batch_size=128)  # doctest: +SKIP
    """
    check_labels(labels, class_names, label_mode, "image")
    if labels is None or label_mode is None:
        labels, label_mode = None, None
    if color_mode not in MODES:
        raise ValueError(
            '`color_mode` must be one of {"rgb", "rgba", "grayscale"}. '
            f"Received: color_mode={color_mode}"
        )
    if isinstance(image_size, int):
        image_size = (image_size, image_size)
    elif not isinstance(image_size, (list, tuple)) or len(image_size) != 2:
        raise ValueError(
            "Invalid `image_size` value. Expected a tuple of 2 integers. "
            f"Received: image_size={image_size}"
        )
    interpolation = interpolation.lower()
    if interpolation not in INTERPOLATIONS:
        raise ValueError(
            f"Argument `interpolation` should be one of {INTERPOLATIONS}. "
            f"Received: interpolation={interpolation}"
        )
    if crop_to_aspect_ratio and pad_to_aspect_ratio:
        raise ValueError(
            "Only one of `pad_to_aspect_ratio`, `crop_to_aspect_ratio` can be set to `True`."
        )
    if format != "tf":
        raise NotImplementedError(
            f'image_dataset_from_directory(format={format!r}): only "tf" (tkeras returns a '
            "torch DataLoader either way)."
        )
    check_validation_split_arg(validation_split, subset, shuffle, seed)
    if seed is None:
        seed = np.random.randint(1e6)
    paths, labels, class_names = index_directory(
        directory,
        labels,
        formats=ALLOWLIST_FORMATS,
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
    data_format = data_format or config.image_data_format()
    num_classes = len(class_names) if class_names else 0

    def make(subset_name, shuffled, which):
        sub_paths, sub_labels = training_or_validation_split(
            paths, labels, validation_split, subset_name
        )
        if not sub_paths:
            raise ValueError(
                f"No {which}images found in directory {directory}. "
                f"Allowed formats: {ALLOWLIST_FORMATS}"
            )
        files = ImageFiles(
            sub_paths,
            encode_labels(sub_labels, label_mode, num_classes),
            tuple(image_size),
            color_mode,
            interpolation,
            crop_to_aspect_ratio,
            pad_to_aspect_ratio,
            data_format,
        )
        return BatchLoader(
            files,
            batch_size=batch_size,
            shuffle=shuffled,
            seed=seed,
            class_names=class_names,
            file_paths=list(sub_paths),
        )

    if subset == "both":
        return [make("training", shuffle, "training "), make("validation", False, "validation ")]
    return make(subset, shuffle, "")
