"""add_weight's ``autocast``, ``aggregation`` and ``overwrite_with_gradient``: recorded on the
variable as Keras records them, or refused with an error naming the argument."""

from __future__ import annotations

import copy
import pickle

import keras
import pytest

import tkeras


def _layer():
    layer = tkeras.layers.Layer(name="w")
    layer.built = True
    return layer


def test_autocast_and_aggregation_are_recorded_like_keras():
    layer = _layer()
    var = layer.add_weight(shape=(2,), autocast=False, aggregation="mean", name="v")
    k_layer = keras.layers.Layer()
    k_var = k_layer.add_weight(shape=(2,), autocast=False, aggregation="mean", name="v")
    assert (var.autocast, var.aggregation) == (k_var._autocast, k_var.aggregation)
    default = layer.add_weight(shape=(2,), name="d")
    assert (default.autocast, default.aggregation) == (True, "none")
    for twin in (copy.deepcopy(var), pickle.loads(pickle.dumps(var))):
        assert (twin.autocast, twin.aggregation) == (False, "mean")


@pytest.mark.parametrize("aggregation", ["sum", "only_first_replica"])
def test_other_aggregations_are_refused(aggregation):
    with pytest.raises(NotImplementedError, match=rf"add_weight\(aggregation='{aggregation}'\)"):
        _layer().add_weight(shape=(2,), aggregation=aggregation)


def test_an_unknown_aggregation_is_a_value_error():
    with pytest.raises(ValueError, match=r"invalid value for argument `aggregation`.*'max'"):
        _layer().add_weight(shape=(2,), aggregation="max")


def test_overwrite_with_gradient_is_refused():
    with pytest.raises(NotImplementedError, match=r"overwrite_with_gradient=True"):
        _layer().add_weight(shape=(2,), overwrite_with_gradient=True)


def test_autocast_must_be_a_bool():
    with pytest.raises(ValueError, match=r"`autocast` to be a bool. Received: autocast='yes'"):
        _layer().add_weight(shape=(2,), autocast="yes")


def test_not_implemented_names_the_argument_without_unrelated_claims():
    with pytest.raises(NotImplementedError) as info:
        tkeras.layers.Input((2,), tensor=object())
    message = str(info.value)
    assert "`input_tensor`" in message and "LoRA" not in message
