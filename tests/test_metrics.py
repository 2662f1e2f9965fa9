"""tkeras.metrics against keras.metrics (torch backend): two updates, with and without weights."""

from __future__ import annotations

import inspect

import keras
import numpy as np
import pytest
import torch

import tkeras
from tkeras import metrics

RTOL = ATOL = 1e-5
B = 8


def _np(x):
    return keras.ops.convert_to_numpy(x)


def _onehot(ids, n):
    return np.eye(n, dtype="float32")[ids]


def make_data(kind: str, seed: int):
    """(y_true, y_pred) numpy arrays for one batch of one kind of problem."""
    rng = np.random.default_rng(seed)
    f32 = "float32"
    if kind == "values":
        return None, rng.normal(0, 1, (B,)).astype(f32)
    if kind == "values_seq":
        return None, rng.normal(0, 1, (B, 3)).astype(f32)
    if kind == "exact6":
        return rng.integers(0, 6, (B,)), rng.integers(0, 6, (B,))
    if kind == "onehot_ids":  # one-hot labels, class-id predictions
        return _onehot(rng.integers(0, 6, B), 6), rng.integers(0, 6, (B,))
    if kind == "exact":
        return rng.integers(0, 3, (B,)), rng.integers(0, 3, (B,))
    if kind == "binary":
        return rng.integers(0, 2, (B, 1)).astype(f32), rng.uniform(0, 1, (B, 1)).astype(f32)
    if kind == "binary_column":  # (b,) labels against (b, 1) predictions
        return rng.integers(0, 2, (B,)).astype(f32), rng.uniform(0, 1, (B, 1)).astype(f32)
    if kind == "binary_logits":
        return rng.integers(0, 2, (B, 3)).astype(f32), rng.normal(0, 2, (B, 3)).astype(f32)
    if kind == "multilabel":  # scores with exact 0, 1 and repeated values: bucket edges, ties
        scores = rng.choice([0.0, 0.1, 0.25, 0.5, 0.5, 0.7, 0.9, 1.0], (B, 3))
        scores = scores + rng.uniform(0, 1, (B, 3)) * rng.integers(0, 2, (B, 3)) * 0.05
        return rng.integers(0, 2, (B, 3)).astype(f32), np.clip(scores, 0, 1).astype(f32)
    if kind == "categorical":
        return _onehot(rng.integers(0, 6, B), 6), rng.uniform(0, 1, (B, 6)).astype(f32)
    if kind == "categorical_logits":
        return _onehot(rng.integers(0, 6, B), 6), rng.normal(0, 2, (B, 6)).astype(f32)
    if kind == "categorical_seq":
        return _onehot(rng.integers(0, 6, (B, 3)), 6), rng.uniform(0, 1, (B, 3, 6)).astype(f32)
    if kind == "sparse":
        return rng.integers(0, 6, (B,)), rng.uniform(0, 1, (B, 6)).astype(f32)
    if kind == "sparse_column":
        return rng.integers(0, 6, (B, 1)), rng.uniform(0, 1, (B, 6)).astype(f32)
    if kind == "sparse_float":
        return rng.integers(0, 6, (B,)).astype(f32), rng.uniform(0, 1, (B, 6)).astype(f32)
    if kind == "sparse_seq":
        return rng.integers(0, 6, (B, 3)), rng.normal(0, 1, (B, 3, 6)).astype(f32)
    if kind == "sparse_axis1":  # classes on axis 1 of (b, c, t)
        return rng.integers(0, 6, (B, 3)), rng.uniform(0.05, 1, (B, 6, 3)).astype(f32)
    if kind == "sorted_ids":
        scores = rng.uniform(0, 1, (B, 6))
        return rng.integers(0, 6, (B,)), np.argsort(-scores, axis=-1).astype(f32)
    if kind == "regression":
        return rng.normal(0, 1, (B, 3)).astype(f32), rng.normal(0, 1.5, (B, 3)).astype(f32)
    if kind == "regression_seq":
        return rng.normal(0, 1, (B, 4, 3)).astype(f32), rng.normal(0, 1, (B, 4, 3)).astype(f32)
    if kind == "positive":
        return rng.uniform(0, 3, (B, 3)).astype(f32), rng.uniform(0.01, 3, (B, 3)).astype(f32)
    if kind == "distribution":
        t, p = rng.uniform(0, 1, (B, 4)), rng.uniform(0.01, 1, (B, 4))
        t, p = t / t.sum(-1, keepdims=True), p / p.sum(-1, keepdims=True)
        return t.astype(f32), p.astype(f32)
    raise KeyError(kind)


EVEN = [0.0, 0.25, 0.5, 0.75, 1.0]
# (class name, constructor kwargs, data kind)
CASES = [
    ("IoU", {"num_classes": 6, "target_class_ids": [0, 2, 5]}, "exact6"),
    ("IoU", {"num_classes": 6, "target_class_ids": [1], "ignore_class": 2}, "exact6"),
    ("IoU", {"num_classes": 6, "target_class_ids": [1, 3], "sparse_y_pred": False}, "sparse"),
    ("MeanIoU", {"num_classes": 6}, "exact6"),
    (
        "MeanIoU",
        {"num_classes": 6, "sparse_y_true": False, "sparse_y_pred": False, "axis": -1},
        "categorical",
    ),
    ("BinaryIoU", {}, "binary"),
    ("BinaryIoU", {"target_class_ids": [1], "threshold": 0.3}, "binary"),
    ("OneHotIoU", {"num_classes": 6, "target_class_ids": [0, 4]}, "categorical"),
    (
        "OneHotIoU",
        {"num_classes": 6, "target_class_ids": [2], "sparse_y_pred": True, "ignore_class": 1},
        "onehot_ids",
    ),
    ("OneHotMeanIoU", {"num_classes": 6}, "categorical"),
    ("OneHotMeanIoU", {"num_classes": 6, "sparse_y_pred": True}, "onehot_ids"),
    ("R2Score", {}, "regression"),
    ("R2Score", {"class_aggregation": None}, "regression"),
    (
        "R2Score",
        {"class_aggregation": "variance_weighted_average", "num_regressors": 2},
        "regression",
    ),
    ("PearsonCorrelation", {}, "regression"),
    ("ConcordanceCorrelation", {}, "regression"),
    ("ConcordanceCorrelation", {"axis": 1, "name": "ccc"}, "regression_seq"),
    ("PearsonCorrelation", {"axis": 1, "name": "pc"}, "regression_seq"),
    ("Mean", {}, "values"),
    ("Mean", {}, "values_seq"),
    ("Sum", {}, "values"),
    ("Sum", {}, "values_seq"),
    ("Accuracy", {}, "exact"),
    ("BinaryAccuracy", {}, "binary"),
    ("BinaryAccuracy", {"threshold": 0.7}, "binary_column"),
    ("CategoricalAccuracy", {}, "categorical"),
    ("CategoricalAccuracy", {}, "categorical_seq"),
    ("SparseCategoricalAccuracy", {}, "sparse"),
    ("SparseCategoricalAccuracy", {}, "sparse_column"),
    ("SparseCategoricalAccuracy", {}, "sparse_float"),
    ("SparseCategoricalAccuracy", {}, "sparse_seq"),
    ("TopKCategoricalAccuracy", {}, "categorical"),
    ("TopKCategoricalAccuracy", {"k": 2}, "categorical_seq"),
    ("SparseTopKCategoricalAccuracy", {}, "sparse"),
    ("SparseTopKCategoricalAccuracy", {"k": 2}, "sparse_column"),
    ("SparseTopKCategoricalAccuracy", {"k": 3}, "sparse_seq"),
    ("SparseTopKCategoricalAccuracy", {"k": 2, "from_sorted_ids": True}, "sorted_ids"),
    ("MeanSquaredError", {}, "regression"),
    ("MeanSquaredError", {}, "regression_seq"),
    ("MeanAbsoluteError", {}, "regression"),
    ("MeanAbsolutePercentageError", {}, "regression"),
    ("MeanSquaredLogarithmicError", {}, "positive"),
    ("RootMeanSquaredError", {}, "regression"),
    ("RootMeanSquaredError", {}, "regression_seq"),
    ("CosineSimilarity", {}, "regression"),
    ("CosineSimilarity", {"axis": 1}, "regression_seq"),
    ("LogCoshError", {}, "regression"),
    ("BinaryCrossentropy", {}, "binary"),
    ("BinaryCrossentropy", {"from_logits": True, "label_smoothing": 0.1}, "binary_logits"),
    ("CategoricalCrossentropy", {}, "categorical"),
    (
        "CategoricalCrossentropy",
        {"from_logits": True, "label_smoothing": 0.2},
        "categorical_logits",
    ),
    ("SparseCategoricalCrossentropy", {}, "sparse"),
    ("SparseCategoricalCrossentropy", {"from_logits": True, "ignore_class": 1}, "sparse"),
    ("SparseCategoricalCrossentropy", {"axis": 1}, "sparse_axis1"),
    ("KLDivergence", {}, "distribution"),
    ("Poisson", {}, "positive"),
    ("Hinge", {}, "binary_logits"),
    ("SquaredHinge", {}, "binary_logits"),
    ("CategoricalHinge", {}, "categorical_logits"),
    ("TruePositives", {}, "multilabel"),
    ("FalsePositives", {"thresholds": [0.2, 0.5, 0.8]}, "multilabel"),
    ("TrueNegatives", {"thresholds": EVEN}, "multilabel"),
    ("FalseNegatives", {"thresholds": 0.6}, "multilabel"),
    ("Precision", {}, "multilabel"),
    ("Precision", {"thresholds": [0.2, 0.5, 0.8]}, "multilabel"),
    ("Precision", {"thresholds": EVEN}, "multilabel"),
    ("Precision", {"top_k": 2}, "categorical"),
    ("Precision", {"class_id": 1}, "multilabel"),
    ("Precision", {"top_k": 2, "class_id": 3, "thresholds": [0.1, 0.6]}, "categorical"),
    ("Recall", {}, "multilabel"),
    ("Recall", {"thresholds": EVEN}, "binary"),
    ("Recall", {"top_k": 2}, "categorical"),
    ("Recall", {"class_id": 2, "thresholds": [0.3, 0.6]}, "multilabel"),
    ("SensitivityAtSpecificity", {"specificity": 0.5}, "multilabel"),
    ("SpecificityAtSensitivity", {"sensitivity": 0.6, "num_thresholds": 20}, "binary"),
    ("PrecisionAtRecall", {"recall": 0.5, "class_id": 1}, "multilabel"),
    ("RecallAtPrecision", {"precision": 0.4, "num_thresholds": 1}, "multilabel"),
    ("AUC", {}, "multilabel"),
    ("AUC", {}, "binary_column"),
    ("AUC", {"curve": "PR"}, "multilabel"),
    ("AUC", {"curve": "PR", "summation_method": "majoring"}, "multilabel"),
    ("AUC", {"summation_method": "minoring", "num_thresholds": 7}, "multilabel"),
    ("AUC", {"curve": "PRGAIN"}, "multilabel"),
    ("AUC", {"num_thresholds": 50, "from_logits": True}, "binary_logits"),
    ("AUC", {"thresholds": [0.1, 0.45, 0.9]}, "multilabel"),
    ("AUC", {"thresholds": [0.25, 0.5, 0.75], "curve": "PR"}, "multilabel"),
    ("AUC", {"label_weights": [0.2, 1.0, 0.5]}, "multilabel"),
    ("AUC", {"multi_label": True}, "multilabel"),
    (
        "AUC",
        {"multi_label": True, "num_labels": 3, "curve": "PR", "label_weights": [0.2, 1.0, 0.5]},
        "multilabel",
    ),
    (
        "AUC",
        {"multi_label": True, "thresholds": [0.3, 0.6], "summation_method": "minoring"},
        "multilabel",
    ),
    ("F1Score", {}, "multilabel"),
    ("F1Score", {"average": "micro", "threshold": 0.5}, "multilabel"),
    ("F1Score", {"average": "macro"}, "categorical"),
    ("F1Score", {"average": "weighted", "threshold": 0.3}, "multilabel"),
    ("FBetaScore", {"beta": 2.0, "average": "macro", "threshold": 0.4}, "multilabel"),
    ("FBetaScore", {"beta": 0.5}, "multilabel"),
]


def _id(case):
    name, kwargs, kind = case
    return f"{name}-{kind}-" + ",".join(f"{k}={v}" for k, v in kwargs.items())


def _update(metric, yt, yp, sw, to_tensor):
    sw = None if sw is None else to_tensor(sw)
    if yt is None:  # Mean / Sum take values only
        metric.update_state(to_tensor(yp), sample_weight=sw)
    else:
        metric.update_state(to_tensor(yt), to_tensor(yp), sample_weight=sw)


def _compare(t_metric, k_metric, msg):
    expected = _np(k_metric.result())
    got = t_metric.result()
    assert isinstance(got, torch.Tensor), msg
    assert got.shape == expected.shape, msg
    np.testing.assert_allclose(got.numpy(), expected, rtol=RTOL, atol=ATOL, err_msg=msg)


@pytest.mark.parametrize("case", CASES, ids=_id)
def test_metric_matches_keras_over_two_updates(case):
    name, kwargs, kind = case
    batches = [make_data(kind, seed) for seed in (0, 1)]
    rng = np.random.default_rng(7)
    for weighted in (False, True):
        k_metric = getattr(keras.metrics, name)(**kwargs)
        t_metric = getattr(metrics, name)(**kwargs)
        for step, (yt, yp) in enumerate(batches):
            sw = rng.uniform(0, 2, (B,)).astype("float32") if weighted else None
            _update(k_metric, yt, yp, sw, torch.tensor)
            _update(t_metric, yt, yp, sw, torch.tensor)
            _compare(t_metric, k_metric, f"weighted={weighted} after update {step + 1}")
        assert [tuple(v.shape) for v in t_metric.variables] == [
            tuple(v.shape) for v in k_metric.variables
        ]
        kept = t_metric.result()
        kept_copy = kept.clone()
        k_metric.reset_state()
        t_metric.reset_state()
        assert torch.equal(kept, kept_copy), "result() must not alias the state"
        for v in t_metric.variables:
            assert not v.any()
        _update(k_metric, *batches[1], None, torch.tensor)
        _update(t_metric, *batches[1], None, torch.tensor)
        _compare(t_metric, k_metric, f"weighted={weighted} after reset_state")


# The adjusted R2 score reads the sample count on the host (as Keras does, to warn).
@pytest.mark.parametrize(
    "case",
    [c for c in CASES if c[2] != "sparse_float" and not c[1].get("num_regressors")],
    ids=_id,
)
def test_metric_follows_the_data_device_without_host_sync(case):
    # Meta tensors have no values: any .item()/bool() on them raises, and a tensor created on
    # a hard-coded device would not combine with them. So this proves both on any machine.
    name, kwargs, kind = case
    metric = getattr(metrics, name)(**kwargs)
    assert metric.device == torch.device("cpu")
    yt, yp = make_data(kind, 0)

    def meta(x):
        return torch.tensor(x).to("meta")

    _update(metric, yt, yp, np.ones(B, "float32"), meta)
    assert metric.device.type == "meta"
    assert all(v.device.type == "meta" for v in metric.variables)
    assert metric.result().device.type == "meta"


def test_to_moves_state_and_constants():
    metric = metrics.AUC(label_weights=[1.0, 2.0])
    assert metric.to("meta") is metric
    assert metric.device.type == "meta" and metric.label_weights.device.type == "meta"
    assert all(v.device.type == "meta" for v in metric.variables)


def test_every_public_metric_has_a_case():
    from tkeras.metrics.lookup import CLASSES

    covered = {c[0] for c in CASES}
    for cls in CLASSES:
        if cls not in (metrics.Metric, metrics.MeanMetricWrapper):
            assert cls.__name__ in covered, cls.__name__


@pytest.mark.parametrize("name", sorted({c[0] for c in CASES}))
def test_signature_and_config_match_keras(name):
    t_cls, k_cls = getattr(metrics, name), getattr(keras.metrics, name)
    t_params = inspect.signature(t_cls).parameters
    k_params = inspect.signature(k_cls).parameters
    assert [(p.name, p.default) for p in t_params.values()] == [
        (p.name, p.default) for p in k_params.values()
    ]
    required = {p.name: 0.5 for p in k_params.values() if p.default is inspect.Parameter.empty}
    required.update(
        {k: v for k, v in {"num_classes": 3, "target_class_ids": [0, 2]}.items() if k in required}
    )
    t_obj, k_obj = t_cls(**required), k_cls(**required)
    if k_params["name"].default is not None:  # else both auto-name, with their own counters
        assert t_obj.name == k_obj.name
    assert getattr(t_obj, "_direction", None) == getattr(k_obj, "_direction", None)
    t_cfg, k_cfg = t_obj.get_config(), k_obj.get_config()
    t_cfg.pop("name"), k_cfg.pop("name")
    assert {k: t_cfg[k] for k in k_cfg} == k_cfg
    rebuilt = t_cls.from_config(t_cls(**required).get_config())
    assert type(rebuilt) is t_cls


def test_metric_function_signatures_match_keras():
    for name in metrics.__all__:
        obj = getattr(metrics, name)
        if inspect.isfunction(obj) and name not in ("get", "serialize", "deserialize", "resolve"):
            k_sig = inspect.signature(getattr(keras.metrics, name))
            assert [(p.name, p.default) for p in inspect.signature(obj).parameters.values()] == [
                (p.name, p.default) for p in k_sig.parameters.values()
            ], name


FUNCTION_CASES = [
    ("pearson_correlation", {}, "regression"),
    ("concordance_correlation", {"axis": 0}, "regression"),
    ("binary_accuracy", {"threshold": 0.3}, "binary_column"),
    ("categorical_accuracy", {}, "categorical_seq"),
    ("sparse_categorical_accuracy", {}, "sparse_column"),
    ("sparse_categorical_accuracy", {}, "sparse_seq"),
    ("top_k_categorical_accuracy", {"k": 3}, "categorical"),
    ("sparse_top_k_categorical_accuracy", {"k": 3}, "sparse_column"),
    ("sparse_top_k_categorical_accuracy", {"k": 1, "from_sorted_ids": True}, "sorted_ids"),
]


@pytest.mark.parametrize("case", FUNCTION_CASES, ids=_id)
def test_metric_function_matches_keras(case):
    name, kwargs, kind = case
    yt, yp = make_data(kind, 0)
    expected = _np(getattr(keras.metrics, name)(torch.tensor(yt), torch.tensor(yp), **kwargs))
    got = getattr(metrics, name)(torch.tensor(yt), torch.tensor(yp), **kwargs)
    assert got.shape == expected.shape and got.dtype == torch.float32
    np.testing.assert_allclose(got.numpy(), expected, rtol=RTOL, atol=ATOL)


def test_mean_metric_wrapper_matches_keras_for_any_function():
    def squared(y_true, y_pred):
        return (y_true - y_pred) ** 2

    yt, yp = make_data("regression", 0)
    sw = np.linspace(0, 1, B).astype("float32")
    k_metric = keras.metrics.MeanMetricWrapper(squared, name="sq")
    t_metric = metrics.MeanMetricWrapper(squared, name="sq")
    for m in (k_metric, t_metric):
        m.update_state(torch.tensor(yt), torch.tensor(yp), sample_weight=torch.tensor(sw))
    _compare(t_metric, k_metric, "custom fn")
    wrapped = metrics.MeanMetricWrapper(metrics.huber, name="h", delta=0.3)
    k_wrapped = keras.metrics.MeanMetricWrapper(keras.metrics.huber, name="h", delta=0.3)
    for m in (wrapped, k_wrapped):
        m.update_state(torch.tensor(yt), torch.tensor(yp))
    _compare(wrapped, k_wrapped, "huber kwargs")
    assert wrapped.get_config() == k_wrapped.get_config()
    assert wrapped._direction == k_wrapped._direction == "down"
    assert not hasattr(t_metric, "_direction") and not hasattr(k_metric, "_direction")
    rebuilt = metrics.MeanMetricWrapper.from_config(wrapped.get_config())
    assert rebuilt._fn is metrics.huber and rebuilt._fn_kwargs == {"delta": 0.3}


def test_metric_call_updates_and_returns_result():
    m = metrics.Mean()
    assert m(torch.tensor([1.0, 3.0])).item() == 2.0
    assert m(torch.tensor([5.0])).item() == 3.0
    assert m.name == "mean" and m.dtype == "float32" and repr(m) == "<Mean name=mean>"
    assert metrics.Sum(dtype="float64").result().dtype == torch.float64


def test_custom_metric_with_add_variable():
    class Count(metrics.Metric):
        def __init__(self):
            super().__init__(name="count")
            self.n = self.add_variable((), initializer="ones", name="n")

        def update_state(self, y_true, y_pred, sample_weight=None):
            (y_pred,) = self._inputs(y_pred)
            self.n.add_(y_pred.shape[0])

        def result(self):
            return self.n.clone()

    m = Count()
    assert m.result().item() == 1.0
    m.update_state(None, torch.zeros(4))
    assert m.result().item() == 5.0 and m.variables[0] is m.n
    m.reset_state()
    assert m.result().item() == 0.0
    with pytest.raises(
        NotImplementedError,
        match=r"add_variable\(aggregation='mean'\) is not "
        "supported",
    ):
        m.add_variable((), aggregation="mean", name="x")
    with pytest.raises(ValueError, match="add_variable needs `name`"):
        m.add_variable(())
    with pytest.raises(NotImplementedError, match="must implement update_state"):
        metrics.Metric().update_state(None, None)
    with pytest.raises(NotImplementedError, match="must implement result"):
        metrics.Metric().result()


def test_get_resolves_names_aliases_and_objects_like_keras():
    from keras.src.metrics import ALL_OBJECTS_DICT as KERAS_OBJECTS

    implemented = set(metrics.ALL_OBJECTS_DICT)
    checked = 0
    for key, k_cls in KERAS_OBJECTS.items():
        if k_cls.__name__ in implemented:
            assert metrics.ALL_OBJECTS_DICT[key].__name__ == k_cls.__name__, key
            checked += 1
    assert checked >= 70
    assert isinstance(metrics.get("acc"), metrics.Accuracy)
    assert isinstance(metrics.get("mse"), metrics.MeanSquaredError)
    assert isinstance(metrics.get("auc"), metrics.AUC)
    assert isinstance(metrics.get(metrics.Recall), metrics.Recall)
    inst = metrics.Precision()
    assert metrics.get(inst) is inst
    assert metrics.get(metrics.binary_accuracy) is metrics.binary_accuracy
    assert metrics.get(None) is None
    auc = metrics.get({"class_name": "AUC", "config": {"curve": "PR", "num_thresholds": 9}})
    assert (auc.curve, auc.num_thresholds) == ("PR", 9)


def test_get_unknown_name_lists_valid_names():
    with pytest.raises(
        ValueError,
        match=r"Unknown metric: 'accuracyy'\. Expected one of: .*acc,"
        r".*accuracy.*",
    ):
        metrics.get("accuracyy")
    with pytest.raises(ValueError, match="Could not interpret metric identifier: 1"):
        metrics.get(1)


def test_serialize_matches_keras_and_round_trips():
    pairs = [
        (metrics.AUC(name="auc"), keras.metrics.AUC(name="auc")),
        (
            metrics.Precision(thresholds=[0.3], name="p"),
            keras.metrics.Precision(thresholds=[0.3], name="p"),
        ),
        (metrics.binary_accuracy, keras.metrics.binary_accuracy),
        (
            metrics.MeanMetricWrapper(metrics.mean_squared_error, name="x"),
            keras.metrics.MeanMetricWrapper(keras.metrics.mean_squared_error, name="x"),
        ),
    ]
    for t_obj, k_obj in pairs:
        assert metrics.serialize(t_obj) == keras.metrics.serialize(k_obj)
        back = metrics.deserialize(metrics.serialize(t_obj))
        if isinstance(t_obj, metrics.Metric):
            assert type(back) is type(t_obj) and back.get_config() == t_obj.get_config()
        else:
            assert back is t_obj
    assert metrics.deserialize("f1_score").__name__ == "F1Score"
    assert metrics.deserialize("x", custom_objects={"x": len}) is len
    with pytest.raises(TypeError, match="Could not serialize metric 3"):
        metrics.serialize(3)
    with pytest.raises(ValueError, match="Could not deserialize metric 3"):
        metrics.deserialize(3)


SHAPES = [
    ((8,), (8, 1)),
    ((8, 1), (8, 1)),
    ((8,), (8, 5)),
    ((8, 1), (8, 5)),
    ((8, 5), (8, 5)),
    ((8, 7), (8, 7, 5)),
    ((8, 7, 1), (8, 7, 5)),
    ((8, 7, 5), (8, 7, 5)),
    ((8, 7), (8, 7, 1)),
]


@pytest.mark.parametrize("shapes", SHAPES, ids=str)
def test_resolve_picks_the_same_metric_as_keras_compile(shapes):
    from keras.src.trainers.compile_utils import get_metric

    yt, yp = torch.zeros(shapes[0]), torch.zeros(shapes[1])
    for ident in ["accuracy", "acc", "ACC", "mse", "auc", "AUC", "binary_crossentropy"]:
        expected = get_metric(ident, yt, yp)
        got = metrics.resolve(ident, yt, yp)
        assert type(got).__name__ == type(expected).__name__, ident
        assert got.name == expected.name == ident


def test_resolve_objects_and_functions():
    from keras.src.trainers.compile_utils import get_metric

    yt, yp = torch.zeros(4), torch.zeros(4, 1)
    got = metrics.resolve(metrics.binary_accuracy, yt, yp)
    expected = get_metric(keras.metrics.binary_accuracy, yt, yp)
    assert isinstance(got, metrics.MeanMetricWrapper) and got.name == expected.name
    inst = metrics.AUC(name="my_auc")
    assert metrics.resolve(inst, yt, yp) is inst and inst.name == "my_auc"
    assert metrics.resolve(metrics.Recall, yt, yp).name.startswith("recall")
    with pytest.raises(ValueError, match="Expected metric, received `None`"):
        metrics.resolve(None, yt, yp)
    # Keras 3: 'crossentropy' is a loss shortcut only.
    with pytest.raises(ValueError, match="Unknown metric: 'crossentropy'"):
        metrics.resolve("crossentropy", yt, yp)


def test_resolved_accuracy_logs_under_the_given_name_and_counts_right():
    m = metrics.resolve("acc", torch.zeros(4, dtype=torch.long), torch.zeros(4, 3))
    m.update_state(torch.tensor([0, 1, 2, 2]), torch.eye(3)[[0, 1, 1, 2]])
    assert m.name == "acc" and m.result().item() == 0.75


def test_incompatible_shapes_raise():
    with pytest.raises(
        ValueError,
        match=r"binary_accuracy: y_true and y_pred have incompatible "
        r"shapes: y_true.shape=\(4, 2\), y_pred.shape=\(4, 3\)",
    ):
        metrics.BinaryAccuracy().update_state(torch.zeros(4, 2), torch.zeros(4, 3))
    with pytest.raises(
        ValueError,
        match=r"categorical_accuracy: .*y_true.shape=\(4, 2\), "
        r"y_pred.shape=\(4, 3\)",
    ):
        metrics.categorical_accuracy(torch.zeros(4, 2), torch.zeros(4, 3))
    with pytest.raises(
        ValueError,
        match=r"sparse_categorical_accuracy: y_true must hold one "
        r"class id per prediction: expected y_true.shape=\(4,\)",
    ):
        metrics.SparseCategoricalAccuracy().update_state(torch.zeros(4, 3), torch.zeros(4, 3))
    with pytest.raises(ValueError, match=r"precision: y_true and y_pred have incompatible shapes"):
        metrics.Precision(name="precision").update_state(torch.zeros(4), torch.zeros(4, 3))
    with pytest.raises(
        ValueError,
        match=r"mean_squared_error: y_true and y_pred have "
        r"incompatible shapes: y_true.shape=\(4,\), y_pred.shape=\(4, 3\)",
    ):
        metrics.MeanSquaredError().update_state(torch.zeros(4), torch.zeros(4, 3))


def test_sample_weight_of_wrong_shape_raises():
    with pytest.raises(
        ValueError,
        match=r"mean: sample_weight of shape \(3,\) does not match "
        r"values of shape \(4,\)",
    ):
        metrics.Mean().update_state(torch.zeros(4), sample_weight=torch.ones(3))
    with pytest.raises(
        ValueError,
        match=r"auc_w: sample_weight of shape \(3, 1\) does not "
        r"match values of shape \(4, 1\)",
    ):
        metrics.AUC(name="auc_w").update_state(
            torch.zeros(4, 1), torch.zeros(4, 1), sample_weight=torch.ones(3)
        )
    with pytest.raises(
        ValueError,
        match=r"f1: sample_weight of shape \(2, 3\) does not match a "
        r"batch of 4\. Expected shape \(4,\), \(4, 1\) or a scalar\.",
    ):
        metrics.F1Score(name="f1").update_state(
            torch.zeros(4, 3), torch.zeros(4, 3), sample_weight=torch.ones(2, 3)
        )


def test_top_k_larger_than_classes_raises():
    with pytest.raises(
        ValueError,
        match=r"top_k_categorical_accuracy: k=5 is larger than the "
        r"number of classes, y_pred.shape\[-1\]=3",
    ):
        metrics.TopKCategoricalAccuracy().update_state(torch.eye(3), torch.eye(3))


def test_non_integral_labels_never_count_as_hits():
    # Keras would truncate 1.5 to class 1; a non-integral id is no class at all.
    y_pred = torch.tensor([[0.1, 0.9, 0.0]])
    assert metrics.sparse_top_k_categorical_accuracy(torch.tensor([1.5]), y_pred, k=1).item() == 0
    assert metrics.sparse_categorical_accuracy(torch.tensor([1.5]), y_pred).item() == 0
    assert metrics.sparse_top_k_categorical_accuracy(torch.tensor([1.0]), y_pred, k=1).item() == 1
    with pytest.raises(ValueError, match="non-integral value 1.5"):
        metrics.SparseCategoricalCrossentropy().update_state(torch.tensor([1.5]), y_pred + 0.1)


def test_invalid_arguments_raise():
    with pytest.raises(
        ValueError,
        match=r"threshold values must be in \[0, 1\]\. Received: "
        r"\[1\.5\]",
    ):
        metrics.Precision(thresholds=[0.5, 1.5])
    with pytest.raises(ValueError, match=r'Invalid AUC curve value: "Roc"\. Expected values are'):
        metrics.AUC(curve="Roc")
    with pytest.raises(ValueError, match=r'Invalid AUC summation method value: "mean"'):
        metrics.AUC(summation_method="mean")
    with pytest.raises(
        ValueError,
        match=r"Argument `num_thresholds` must be an integer > 1\. "
        r"Received: num_thresholds=1",
    ):
        metrics.AUC(num_thresholds=1)
    with pytest.raises(ValueError, match="`num_labels` is needed only when `multi_label` is True"):
        metrics.AUC(num_labels=3)
    with pytest.raises(
        ValueError,
        match=r"`y_pred` must have rank 2 when `multi_label=True`\. "
        r"Found rank 1",
    ):
        metrics.AUC(multi_label=True).update_state(torch.zeros(4), torch.zeros(4))
    with pytest.raises(ValueError, match=r"when class_id is provided, y_pred must be a 2D array"):
        metrics.Recall(class_id=1).update_state(torch.zeros(4), torch.zeros(4))
    with pytest.raises(
        ValueError,
        match=r"Invalid `average` argument value\. Expected one of: "
        r"\{None, 'micro', 'macro', 'weighted'\}\. Received: average='mean'",
    ):
        metrics.F1Score(average="mean")
    with pytest.raises(ValueError, match=r"It should be a Python float\. Received: beta=2"):
        metrics.FBetaScore(beta=2)
    with pytest.raises(ValueError, match=r"It should be > 0\. Received: beta=-1\.0"):
        metrics.FBetaScore(beta=-1.0)
    with pytest.raises(ValueError, match=r"threshold=1 of type"):
        metrics.F1Score(threshold=1)
    with pytest.raises(
        ValueError,
        match=r"It should verify 0 < threshold <= 1\. Received: "
        r"threshold=1\.5",
    ):
        metrics.F1Score(threshold=1.5)
    with pytest.raises(
        ValueError,
        match=r"F1Score expects 2D inputs with shape \(batch_size, "
        r"output_dim\)\. Received input shapes: y_pred.shape=\(4,\)",
    ):
        metrics.F1Score().update_state(torch.zeros(4), torch.zeros(4))
    with pytest.raises(
        ValueError,
        match=r"Argument `specificity` must be in the range \[0, 1\]\."
        r" Received: specificity=2",
    ):
        metrics.SensitivityAtSpecificity(2)
    with pytest.raises(
        ValueError,
        match=r"Argument `num_thresholds` must be an integer > 0\. "
        r"Received: num_thresholds=0",
    ):
        metrics.PrecisionAtRecall(0.5, num_thresholds=0)


def test_unbuilt_metrics_read_zero():
    assert metrics.F1Score().result().item() == 0.0
    assert metrics.AUC(multi_label=True).result().item() == 0.0
    assert metrics.F1Score().variables == [] and len(metrics.AUC().variables) == 4


def test_public_surface_snapshot():
    assert sorted(metrics.__all__) == metrics.__all__
    for name in metrics.__all__:
        assert hasattr(metrics, name), name
    assert tkeras.metrics is metrics
    keras_public = {n for n in dir(keras.metrics) if not n.startswith("_")}
    assert set(metrics.__all__) - {"ALL_OBJECTS_DICT", "resolve"} <= keras_public


@pytest.mark.gpu
def test_metrics_on_accelerator_match_cpu_without_host_sync():
    device = "cuda" if torch.cuda.is_available() else "mps"
    work = []
    for name, kwargs, kind in CASES:
        if kind == "sparse_float":
            continue
        cpu, acc = getattr(metrics, name)(**kwargs), getattr(metrics, name)(**kwargs)
        batches = [make_data(kind, s) for s in (0, 1)]
        dev = [
            (
                None if yt is None else torch.tensor(yt, device=device),
                torch.tensor(yp, device=device),
            )
            for yt, yp in batches
        ]
        acc.to(device)
        work.append((cpu, acc, batches, dev))
    results = []
    if device == "cuda":
        torch.cuda.synchronize()
        torch.cuda.set_sync_debug_mode("error")
    try:
        for _, acc, _, dev in work:
            for yt, yp in dev:
                _update(acc, yt, yp, None, lambda x: x)
            results.append(acc.result())
    finally:
        if device == "cuda":
            torch.cuda.set_sync_debug_mode(0)
    for (cpu, _, batches, _), got in zip(work, results):
        for yt, yp in batches:
            _update(cpu, yt, yp, None, torch.tensor)
        assert got.device.type == device
        np.testing.assert_allclose(got.cpu().numpy(), cpu.result().numpy(), rtol=1e-4, atol=1e-5)


def test_iou_float_weights_warn_and_truncate_like_keras():
    m = metrics.MeanIoU(num_classes=2)
    with pytest.warns(UserWarning, match="passing weight as `float`, but dtype is `int`"):
        m.update_state(torch.tensor([0, 1]), torch.tensor([0, 1]), torch.tensor([1.7, 0.4]))
    assert m.total_confusion_matrix.tolist() == [[1, 0], [0, 0]]
    with pytest.raises(ValueError, match=r"Target class id 3 is out of range, which is \[0, 2\)"):
        metrics.IoU(num_classes=2, target_class_ids=[3])
