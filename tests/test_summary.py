"""``summary()`` prints Keras's table character for character, for functional models too."""

import keras
import pytest

import tkeras


def _masked_functional(lib, mask_zero=True):
    """Embedding(mask_zero=True) into an LSTM: Keras shows the mask's ``NotEqual`` row."""
    L = lib.layers
    tokens = lib.Input((7,), dtype="int32", name="tokens")
    h = L.Embedding(20, 4, mask_zero=mask_zero, name="embed")(tokens)
    h = L.LSTM(3, name="lstm")(h)
    return lib.Model(tokens, L.Dense(2, name="out")(h), name="masked")


def _masking_layer(lib, masking=True):
    L = lib.layers
    x = lib.Input((5, 3), name="seq")
    h = (L.Masking if masking else L.Identity)(name="mask")(x)
    h = L.GRU(2, return_sequences=True, name="gru")(h)
    return lib.Model(x, L.GlobalAveragePooling1D(name="pool")(h), name="masking")


def _two_inputs_shared(lib):
    """Two inputs, a shared layer and a merge: several "Connected to" entries per row."""
    L = lib.layers
    a, b = lib.Input((6,), name="in_a"), lib.Input((6,), name="in_b")
    shared = L.Dense(5, name="shared")
    merged = L.Concatenate(name="concat")([shared(a), shared(b)])
    out1 = L.Dense(2, name="head1")(merged)
    out2 = L.Dense(1, name="head2")(L.Dense(3, name="mix")(merged))
    return lib.Model([a, b], [out1, out2], name="two_heads")


def _nested(lib):
    L = lib.layers
    inner = lib.Sequential([lib.Input((4,)), L.Dense(3, name="inner_d")], name="inner")
    x = lib.Input((4,), name="x")
    return lib.Model(x, L.Dense(1, name="top")(inner(x)), name="outer")


def _text(model, **kwargs):
    out = []
    model.summary(print_fn=lambda s, line_break=None: out.append(s), **kwargs)
    return "".join(out)


@pytest.mark.parametrize("build", [_two_inputs_shared, _nested])
def test_functional_summary_equals_keras(build):
    expected = _text(build(keras))
    assert _text(build(tkeras)) == expected
    # Keras adds "Connected to" only to a graph that is not a simple chain.
    assert ("Connected to" in expected) == (build is _two_inputs_shared)


def test_nested_summary_with_expand_nested_equals_keras():
    expected = _text(_nested(keras), expand_nested=True)
    assert _text(_nested(tkeras), expand_nested=True) == expected
    assert "│    └ inner_d (Dense)" in expected


@pytest.mark.parametrize("build", [_masked_functional, _masking_layer])
def test_masked_summary_is_keras_without_the_mask_op_rows(build):
    # A known difference (README, "Differences from Keras"): Keras builds a masked functional
    # model's masks from symbolic ops, which appear as rows (``not_equal (NotEqual)``,
    # ``any (Any)``) and make the table grow a "Connected to" column. tkeras computes masks
    # inside the layers, so its table is Keras's table for the same model without the mask.
    keras.backend.clear_session()  # Keras names those rows from a process-wide counter
    masked_keras = _text(build(keras))
    assert "(NotEqual)" in masked_keras and "Connected to" in masked_keras
    text = _text(build(tkeras))
    unmasked_keras = _text(build(keras, False))
    if build is _masking_layer:  # the unmasked stand-in is an Identity layer
        unmasked_keras = unmasked_keras.replace("mask (Identity) ", "mask (Masking)  ")
    assert text == unmasked_keras
    assert "NotEqual" not in text and "Connected to" not in text
