"""tkeras.optimizers against Keras 3: the same gradients from the same weights give the same
weights, for every optimizer and argument; schedules, config, state and errors."""

from __future__ import annotations

import doctest
import inspect
import warnings
from dataclasses import dataclass, field
from typing import Any

import keras
import numpy as np
import pytest
import torch

import tkeras
from tkeras import optimizers
from tkeras.optimizers import schedules

# DESIGN.md's parity tolerance. Keras computes bias corrections such as 1 - 0.999**t in float32
# (about 1e-5 relative error for small t); tkeras computes them in Python floats.
RTOL = ATOL = 1e-5
STEPS = 6  # a multiple of every gradient_accumulation_steps below, so updates complete
SHAPES = [(3, 4), (4,), (2, 3, 2)]
NAMES = ["kernel", "bias", "conv_kernel"]

_rng = np.random.default_rng(0)
INITS = [_rng.standard_normal(s).astype("float32") for s in SHAPES]
# Scaled so that clipnorm=1 and clipvalue=0.5 clip most gradients.
GRADS = [[(2 * _rng.standard_normal(s)).astype("float32") for s in SHAPES] for _ in range(STEPS)]


@dataclass
class Sched:
    """A schedule to build in each library (schedule objects cannot be shared)."""

    name: str
    kwargs: dict[str, Any]


@dataclass
class Case:
    optimizer: str
    kwargs: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.optimizer}-{self.kwargs}"


def _lr_fn() -> float:
    return 0.03


CASES = [
    Case("Adafactor"),
    Case(
        "Adafactor",
        {
            "learning_rate": 0.5,
            "beta_2_decay": -0.6,
            "epsilon_1": 1e-20,
            "epsilon_2": 0.01,
            "clip_threshold": 0.5,
            "relative_step": False,
        },
    ),
    Case("Adafactor", {"learning_rate": _lr_fn, "weight_decay": 0.1}),
    Case("ScheduleFreeAdamW"),
    Case(
        "ScheduleFreeAdamW",
        {
            "learning_rate": 0.05,
            "beta_1": 0.8,
            "beta_2": 0.99,
            "epsilon": 1e-4,
            "warmup_steps": 3,
            "weight_decay": 0.05,
        },
    ),
    Case("Muon", {"learning_rate": 0.05}),
    Case(
        "Muon",
        {
            "learning_rate": 0.02,
            "adam_beta_1": 0.8,
            "adam_beta_2": 0.99,
            "adam_weight_decay": 0.1,
            "epsilon": 1e-4,
            "weight_decay": None,
            "muon_a": 3.0,
            "muon_b": -4.0,
            "muon_c": 1.5,
            "adam_lr_ratio": 0.5,
            "momentum": 0.9,
            "ns_steps": 3,
            "nesterov": False,
            "rms_rate": None,
        },
    ),
    Case("Muon", {"exclude_layers": ["kernel"], "exclude_embeddings": False, "rms_rate": 0.5}),
    Case("Lamb"),
    Case("Lamb", {"beta_1": 0.8, "beta_2": 0.99, "epsilon": 1e-3, "learning_rate": 0.05}),
    Case("Ftrl", {"learning_rate": 0.1}),
    Case(
        "Ftrl",
        {
            "learning_rate": 0.05,
            "learning_rate_power": -0.7,
            "initial_accumulator_value": 0.5,
            "l1_regularization_strength": 0.01,
            "l2_regularization_strength": 0.02,
            "l2_shrinkage_regularization_strength": 0.03,
            "beta": 0.1,
        },
    ),
    Case("SGD"),
    Case("SGD", {"momentum": 0.9}),
    Case("SGD", {"momentum": 0.9, "nesterov": True, "learning_rate": 0.05}),
    Case("SGD", {"weight_decay": 0.1, "clipnorm": 1.0}),
    Case("SGD", {"clipvalue": 0.5}),
    Case("SGD", {"global_clipnorm": 1.0, "momentum": 0.5}),
    Case("Adam"),
    Case("Adam", {"amsgrad": True, "learning_rate": 0.05}),
    Case("Adam", {"beta_1": 0.8, "beta_2": 0.99, "epsilon": 1e-3}),
    Case(
        "Adam",
        {
            "weight_decay": 0.05,
            "learning_rate": Sched(
                "ExponentialDecay",
                {"initial_learning_rate": 0.1, "decay_steps": 2, "decay_rate": 0.5},
            ),
        },
    ),
    Case(
        "Adam",
        {"use_ema": True, "ema_momentum": 0.9, "ema_overwrite_frequency": 2, "learning_rate": 0.05},
    ),
    Case("Adam", {"use_ema": True, "learning_rate": 0.05}),
    Case("Adam", {"gradient_accumulation_steps": 2, "learning_rate": 0.05}),
    Case("Adam", {"loss_scale_factor": 4.0, "clipnorm": 1.0}),
    Case("Adam", {"learning_rate": _lr_fn}),
    Case("AdamW"),
    Case(
        "AdamW",
        {
            "weight_decay": 0.1,
            "amsgrad": True,
            "beta_1": 0.8,
            "beta_2": 0.9,
            "epsilon": 1e-4,
            "learning_rate": Sched(
                "CosineDecay",
                {
                    "initial_learning_rate": 0.0,
                    "decay_steps": 4,
                    "warmup_target": 0.1,
                    "warmup_steps": 2,
                },
            ),
        },
    ),
    Case(
        "AdamW",
        {
            "clipvalue": 0.5,
            "global_clipnorm": None,
            "clipnorm": None,
            "use_ema": True,
            "ema_momentum": 0.5,
            "ema_overwrite_frequency": 3,
            "loss_scale_factor": 2.0,
            "gradient_accumulation_steps": 3,
        },
    ),
    Case("RMSprop"),
    Case("RMSprop", {"rho": 0.8, "momentum": 0.9, "learning_rate": 0.01}),
    Case("RMSprop", {"centered": True, "momentum": 0.5, "epsilon": 1e-3}),
    Case("RMSprop", {"centered": True, "global_clipnorm": 2.0}),
    Case("Adagrad"),
    Case(
        "Adagrad",
        {
            "initial_accumulator_value": 0.5,
            "epsilon": 1e-3,
            "learning_rate": 0.1,
            "weight_decay": 0.01,
        },
    ),
    Case("Adadelta"),
    Case("Adadelta", {"rho": 0.8, "epsilon": 1e-3, "learning_rate": 1.0, "clipnorm": 1.0}),
    Case("Adamax"),
    Case("Adamax", {"beta_1": 0.8, "beta_2": 0.9, "epsilon": 1e-3, "learning_rate": 0.05}),
    Case("Nadam"),
    Case("Nadam", {"beta_1": 0.8, "beta_2": 0.99, "epsilon": 1e-3, "weight_decay": 0.01}),
    Case("Nadam", {"gradient_accumulation_steps": 3, "learning_rate": 0.05}),
    Case("Lion"),
    Case("Lion", {"beta_1": 0.5, "beta_2": 0.9, "learning_rate": 0.01, "weight_decay": 0.1}),
    Case("Lion", {"clipvalue": 0.5, "use_ema": True}),
]


def _resolve(kwargs: dict[str, Any], lib: Any) -> dict[str, Any]:
    return {
        k: getattr(lib.optimizers.schedules, v.name)(**v.kwargs) if isinstance(v, Sched) else v
        for k, v in kwargs.items()
    }


def run_keras(case: Case, steps: int = STEPS, missing: int | None = None) -> list[np.ndarray]:
    opt = getattr(keras.optimizers, case.optimizer)(**_resolve(case.kwargs, keras))
    variables = [keras.Variable(x, name=n) for x, n in zip(INITS, NAMES)]
    for grads in GRADS[:steps]:
        tensors = [None if i == missing else torch.tensor(g) for i, g in enumerate(grads)]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # Keras warns about a missing gradient
            opt.apply_gradients(zip(tensors, variables))
    return [keras.ops.convert_to_numpy(v) for v in variables]


def make_params() -> list[torch.Tensor]:
    """tkeras Variables and one plain nn.Parameter, like a model's trainable weights."""
    params = [tkeras.Variable(torch.tensor(x), name=n) for x, n in zip(INITS[:2], NAMES[:2])]
    return params + [torch.nn.Parameter(torch.tensor(INITS[2]))]


def run_tkeras(
    case: Case, steps: int = STEPS, missing: int | None = None
) -> tuple[list[np.ndarray], optimizers.Optimizer]:
    opt = getattr(optimizers, case.optimizer)(**_resolve(case.kwargs, tkeras))
    params = make_params()
    opt.build(params)
    for grads in GRADS[:steps]:
        for i, (p, g) in enumerate(zip(params, grads)):
            p.grad = None if i == missing else torch.tensor(g)
        opt.step()
        opt.zero_grad()
    return [p.detach().numpy() for p in params], opt


@pytest.mark.parametrize("case", CASES, ids=str)
def test_matches_keras(case):
    expected = run_keras(case)
    got, opt = run_tkeras(case)
    for e, g in zip(expected, got):
        np.testing.assert_allclose(g, e, rtol=RTOL, atol=ATOL)
    # Every case moves the weights: a no-op optimizer could not pass.
    assert not np.allclose(got[0], INITS[0], rtol=0, atol=1e-6)
    steps = case.kwargs.get("gradient_accumulation_steps") or 1
    assert opt.iterations == STEPS // steps


@pytest.mark.parametrize(
    "case",
    [
        Case("Adam", {"use_ema": True, "learning_rate": 0.05}),
        Case("SGD", {"momentum": 0.9, "weight_decay": 0.1}),
        Case("Nadam"),
        Case("RMSprop", {"centered": True}),
    ],
    ids=str,
)
def test_missing_gradient_is_skipped_like_keras(case):
    expected = run_keras(case, missing=1)
    got, _ = run_tkeras(case, missing=1)
    for e, g in zip(expected, got):
        np.testing.assert_allclose(g, e, rtol=RTOL, atol=ATOL)
    if not case.kwargs.get("use_ema"):
        np.testing.assert_array_equal(got[1], INITS[1])


def test_apply_and_apply_gradients_equal_step():
    case = Case("RMSprop", {"momentum": 0.5, "clipnorm": 1.0})
    expected, _ = run_tkeras(case)
    for method in ("apply", "apply_gradients"):
        opt = optimizers.RMSprop(momentum=0.5, clipnorm=1.0)
        params = make_params()
        for grads in GRADS:
            arrays = list(grads)  # numpy gradients are accepted, as in Keras
            if method == "apply":
                opt.apply(arrays, params)
            else:
                assert opt.apply_gradients(zip(arrays, params)) == opt.iterations
        for e, p in zip(expected, params):
            np.testing.assert_allclose(p.detach().numpy(), e, rtol=1e-6, atol=1e-7)
        assert all(p.grad is None for p in params)  # apply does not touch .grad


def test_apply_without_variables_uses_built_ones_and_leaves_grads_unchanged():
    opt = optimizers.SGD(learning_rate=0.5, clipvalue=0.1)
    params = make_params()
    opt.build(params)
    grads = [torch.ones(p.shape) for p in params]
    opt.apply(grads)
    np.testing.assert_allclose(params[1].detach().numpy(), INITS[1] - 0.05, rtol=1e-6)
    assert all(bool((g == 1).all()) for g in grads)  # clipping is out of place


def test_learning_rate_get_and_set_between_steps_matches_keras():
    k_opt = keras.optimizers.Adam(learning_rate=0.01)
    t_opt = optimizers.Adam(learning_rate=0.01)
    k_vars = [keras.Variable(x) for x in INITS]
    t_vars = make_params()
    for step, grads in enumerate(GRADS):
        if step == 3:
            k_opt.learning_rate = 0.2
            t_opt.learning_rate = 0.2
        k_opt.apply_gradients(zip([torch.tensor(g) for g in grads], k_vars))
        t_opt.apply(grads, t_vars)
    assert isinstance(t_opt.learning_rate, tkeras.Variable)
    assert t_opt.learning_rate.numpy() == k_opt.learning_rate.numpy() == np.float32(0.2)
    for k, t in zip(k_vars, t_vars):
        np.testing.assert_allclose(
            t.detach().numpy(), keras.ops.convert_to_numpy(k), rtol=RTOL, atol=ATOL
        )


def test_learning_rate_reads_the_schedule_at_the_current_iteration():
    opt = optimizers.SGD(learning_rate=schedules.PiecewiseConstantDecay([1], [0.5, 0.1]))
    params = make_params()
    seen = []
    for grads in GRADS[:3]:
        seen.append(opt.learning_rate)
        opt.apply(grads, params)
    assert seen == [0.5, 0.5, 0.1]
    opt.learning_rate = schedules.ExponentialDecay(1.0, 1, 0.5)  # a schedule may replace one
    assert opt.learning_rate == 0.125
    opt.learning_rate = lambda: 0.25
    assert opt.learning_rate == 0.25


def test_setting_a_float_on_a_schedule_raises_like_keras():
    k_opt = keras.optimizers.SGD(
        learning_rate=keras.optimizers.schedules.ExponentialDecay(0.1, 10, 0.9)
    )
    with pytest.raises(TypeError):
        k_opt.learning_rate = 0.1
    opt = optimizers.SGD(learning_rate=schedules.ExponentialDecay(0.1, 10, 0.9))
    with pytest.raises(
        TypeError,
        match=r"SGD: this optimizer was created with a "
        r"`LearningRateSchedule`.*Received: learning_rate=0.1",
    ):
        opt.learning_rate = 0.1


def test_iterations_count_steps_and_accumulated_updates():
    opt = optimizers.SGD(gradient_accumulation_steps=3)
    params = make_params()
    counts = []
    for grads in GRADS[:5]:
        opt.apply(grads, params)
        counts.append(opt.iterations)
    assert counts == [0, 0, 1, 1, 1]
    # No update before the third step: the weights are unchanged after two.
    opt2 = optimizers.SGD(gradient_accumulation_steps=3)
    params2 = make_params()
    for grads in GRADS[:2]:
        opt2.apply(grads, params2)
    np.testing.assert_array_equal(params2[0].detach().numpy(), INITS[0])


def test_build_twice_is_a_noop_and_subsets_are_accepted():
    opt = optimizers.Adam()
    params = make_params()
    opt.build(params)
    slots = opt.variables
    opt.build(params)
    opt.build(params[:2])
    assert all(a is b for a, b in zip(opt.variables[2:], slots[2:]))
    opt.apply([GRADS[0][1]], [params[1]])  # a subset updates only its own slots
    assert opt.iterations == 1
    np.testing.assert_array_equal(params[0].detach().numpy(), INITS[0])
    assert not np.array_equal(params[1].detach().numpy(), INITS[1])


def test_slots_follow_each_parameters_dtype_and_memory_format():
    opt = optimizers.Adam(amsgrad=True)
    p64 = torch.nn.Parameter(torch.zeros(3, dtype=torch.float64))
    conv = torch.nn.Parameter(torch.zeros(4, 3, 2, 2).to(memory_format=torch.channels_last))
    opt.build([p64, conv])
    slots = opt.variables[2:]
    assert [s.dtype for s in slots] == [torch.float64] * 2 + [torch.float32] * 2 + [
        torch.float64,
        torch.float32,
    ]
    assert all(not s.requires_grad for s in slots)
    assert slots[2].stride() == conv.stride()  # channels_last kept: foreach stays on its fast path
    p64.grad = torch.ones(3, dtype=torch.float64)
    conv.grad = torch.ones(4, 3, 2, 2).to(memory_format=torch.channels_last)
    opt.step()
    assert p64.dtype == torch.float64 and bool((p64 < 0).all()) and bool((conv < 0).all())


def test_slots_follow_a_model_converted_after_build():
    model = torch.nn.Linear(3, 2)
    opt = optimizers.Adam(learning_rate=0.1)
    opt.build(list(model.parameters()))
    opt.apply([torch.ones(2, 3), torch.ones(2)])
    momentum = opt.variables[2].clone()
    model.double()  # keeps the Parameter objects, changes their dtype (as .to(device) would)
    opt.apply([torch.ones(2, 3, dtype=torch.float64), torch.ones(2, dtype=torch.float64)])
    assert all(s.dtype == torch.float64 for s in opt.variables[2:])
    expected = momentum.double() * 0.9 + 0.1  # the state carried over
    torch.testing.assert_close(opt.variables[2], expected)


def _accelerator() -> str:
    return "cuda" if torch.cuda.is_available() else "mps"


@pytest.mark.gpu
@pytest.mark.parametrize(
    "case",
    [
        Case("Adam", {"amsgrad": True, "global_clipnorm": 1.0}),
        Case("RMSprop", {"centered": True, "momentum": 0.5}),
        Case("Nadam", {"use_ema": True, "weight_decay": 0.1}),
    ],
    ids=str,
)
def test_matches_cpu_on_an_accelerator(case):
    expected, _ = run_tkeras(case)
    device = _accelerator()
    opt = getattr(optimizers, case.optimizer)(**case.kwargs)
    params = [torch.nn.Parameter(torch.tensor(x, device=device)) for x in INITS]
    opt.build(params)
    assert all(s.device == params[0].device for s in opt.variables[2:])
    for grads in GRADS:
        for p, g in zip(params, grads):
            p.grad = torch.tensor(g, device=device)
        opt.step()
    for e, p in zip(expected, params):
        np.testing.assert_allclose(p.detach().cpu().numpy(), e, rtol=RTOL, atol=ATOL)


@pytest.mark.gpu
def test_slots_follow_a_model_moved_to_an_accelerator_after_build():
    model = torch.nn.Linear(3, 2)
    opt = optimizers.RMSprop(momentum=0.5)
    opt.build(list(model.parameters()))
    opt.apply([torch.ones(2, 3), torch.ones(2)])
    model.to(_accelerator())
    for p in model.parameters():
        p.grad = torch.ones_like(p)
    opt.step()
    assert all(s.device == model.weight.device for s in opt.variables[2:])


def test_variables_match_keras_count_order_and_shapes():
    for name, kwargs in [
        ("Adam", {"amsgrad": True, "use_ema": True, "gradient_accumulation_steps": 2}),
        ("Nadam", {}),
        ("RMSprop", {"momentum": 0.5, "centered": True}),
        ("Adafactor", {}),
        ("Muon", {}),
        ("ScheduleFreeAdamW", {"use_ema": True}),
        ("SGD", {}),
        ("SGD", {"learning_rate": _lr_fn, "momentum": 0.5}),
    ]:
        k_opt = getattr(keras.optimizers, name)(**kwargs)
        k_opt.build([keras.Variable(x) for x in INITS])
        t_opt = getattr(optimizers, name)(**kwargs)
        t_opt.build(make_params())
        assert [tuple(v.shape) for v in t_opt.variables] == [
            tuple(v.shape) for v in k_opt.variables
        ], name


def test_variables_report_iteration_and_learning_rate():
    opt = optimizers.Adam(learning_rate=0.25)
    opt.apply(GRADS[0], make_params())
    iteration, lr = opt.variables[:2]
    assert iteration.dtype == torch.int32 and int(iteration) == 1
    assert float(lr) == 0.25


def test_optimizer_state_moves_between_keras_and_tkeras_in_keras_layout():
    """Keras's optimizer variables load into tkeras unchanged, and the next step matches;
    tkeras's saved state matches Keras's."""
    k_dense = keras.layers.Dense(3)
    k_dense.build((None, 4))
    t_dense = tkeras.layers.Dense(3)
    t_dense.build((None, 4))
    t_dense.set_weights(k_dense.get_weights())
    rng = np.random.default_rng(1)
    grads = [
        [rng.standard_normal(w.shape).astype("float32") for w in k_dense.get_weights()]
        for _ in range(3)
    ]
    k_opt = keras.optimizers.Adam(learning_rate=0.1)
    for g in grads[:2]:
        k_opt.apply_gradients(zip([torch.tensor(x) for x in g], k_dense.trainable_weights))
    store: dict[str, np.ndarray] = {}
    k_opt.save_own_variables(store)
    t_opt = optimizers.Adam(learning_rate=0.1)
    t_opt.build(t_dense.trainable_weights)
    t_opt.load_own_variables(store)
    t_dense.set_weights(k_dense.get_weights())
    assert t_opt.iterations == 2
    # One more step in both, from the same gradients (the Variables have Keras's shapes).
    k_opt.apply_gradients(zip([torch.tensor(x) for x in grads[2]], k_dense.trainable_weights))
    t_opt.apply([torch.tensor(grads[2][0]), torch.tensor(grads[2][1])], t_dense.trainable_weights)
    for k, t in zip(k_dense.get_weights(), t_dense.get_weights()):
        np.testing.assert_allclose(t, k, rtol=RTOL, atol=ATOL)
    saved: dict[str, np.ndarray] = {}
    t_opt.save_own_variables(saved)
    k_saved: dict[str, np.ndarray] = {}
    k_opt.save_own_variables(k_saved)
    assert saved.keys() == k_saved.keys()
    for key in k_saved:
        np.testing.assert_allclose(saved[key], k_saved[key], rtol=RTOL, atol=ATOL)


def test_nadam_state_round_trips():
    opt = optimizers.Nadam()
    params = make_params()
    for grads in GRADS[:3]:
        opt.apply(grads, params)
    store: dict[str, np.ndarray] = {}
    opt.save_own_variables(store)
    fresh = optimizers.Nadam()
    fresh.build(params)
    fresh.load_own_variables(store)
    assert fresh.iterations == 3
    assert fresh._u_product == pytest.approx(opt._u_product, rel=1e-6)
    assert fresh._u_product != 1.0


def test_load_own_variables_with_a_different_count_warns_and_skips():
    opt = optimizers.Adam()
    opt.build(make_params())
    with pytest.warns(
        UserWarning,
        match=r"Skipping variable loading for optimizer 'adam.*', "
        r"because it has 8 variables whereas the saved "
        r"optimizer has 1 variables",
    ):
        opt.load_own_variables({"0": np.array(5)})
    assert opt.iterations == 0


def test_finalize_variable_values_matches_keras():
    case = Case("SGD", {"use_ema": True, "ema_momentum": 0.5, "momentum": 0.5})
    k_opt = keras.optimizers.SGD(**case.kwargs)
    k_vars = [keras.Variable(x) for x in INITS]
    t_opt = optimizers.SGD(**case.kwargs)
    t_vars = make_params()
    for grads in GRADS:
        k_opt.apply_gradients(zip([torch.tensor(g) for g in grads], k_vars))
        t_opt.apply(grads, t_vars)
    k_opt.finalize_variable_values(k_vars)
    t_opt.finalize_variable_values(t_vars)
    for k, t in zip(k_vars, t_vars):
        np.testing.assert_allclose(
            t.detach().numpy(), keras.ops.convert_to_numpy(k), rtol=RTOL, atol=ATOL
        )
    with pytest.raises(
        ValueError,
        match=r"the length of model variables \(1\) to override "
        r"does not match .* \(3\)",
    ):
        t_opt.finalize_variable_values(t_vars[:1])


def test_exclude_from_weight_decay_matches_keras():
    k_opt = keras.optimizers.AdamW(weight_decay=0.5, learning_rate=0.1)
    k_vars = [keras.Variable(x, name=n) for x, n in zip(INITS, NAMES)]
    k_opt.exclude_from_weight_decay(var_list=[k_vars[2]], var_names=["bias"])
    t_opt = optimizers.AdamW(weight_decay=0.5, learning_rate=0.1)
    t_vars = make_params()
    t_opt.exclude_from_weight_decay(var_list=[t_vars[2]], var_names=["bias"])
    zero = [np.zeros_like(x) for x in INITS]
    k_opt.apply_gradients(zip([torch.tensor(g) for g in zero], k_vars))
    t_opt.apply(zero, t_vars)
    for k, t in zip(k_vars, t_vars):
        np.testing.assert_allclose(
            t.detach().numpy(), keras.ops.convert_to_numpy(k), rtol=RTOL, atol=ATOL
        )
    # Zero gradients: only the decay moves a weight, and only the kernel decays.
    np.testing.assert_allclose(t_vars[0].detach().numpy(), INITS[0] * 0.95, rtol=1e-6)
    np.testing.assert_array_equal(t_vars[1].detach().numpy(), INITS[1])
    np.testing.assert_array_equal(t_vars[2].detach().numpy(), INITS[2])


def test_zero_grad():
    opt = optimizers.SGD()
    params = make_params()
    opt.build(params)
    for p in params:
        p.grad = torch.ones(p.shape)
    opt.zero_grad(set_to_none=False)
    assert all(p.grad is not None and not p.grad.any() for p in params)
    opt.zero_grad()
    assert all(p.grad is None for p in params)


def test_scale_loss():
    assert optimizers.Adam(loss_scale_factor=8.0).scale_loss(torch.tensor(2.0)).item() == 16.0
    loss = torch.tensor(2.0)
    assert optimizers.Adam().scale_loss(loss) is loss


def test_step_builds_adam_on_a_model_and_trains():
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.Tanh(), torch.nn.Linear(8, 1))
    opt = optimizers.Adam(learning_rate=0.05)
    opt.build(list(model.parameters()))
    x, y = torch.randn(64, 4), torch.randn(64, 1)
    first = None
    for _ in range(50):
        loss = torch.nn.functional.mse_loss(model(x), y)
        first = first if first is not None else loss.item()
        loss.backward()
        opt.step()
        opt.zero_grad()
    assert loss.item() < 0.7 * first


# ---------------------------------------------------------------------- schedules

SCHEDULE_CASES = [
    ("ExponentialDecay", {"initial_learning_rate": 0.1, "decay_steps": 7, "decay_rate": 0.8}),
    (
        "ExponentialDecay",
        {
            "initial_learning_rate": 0.1,
            "decay_steps": 7,
            "decay_rate": 0.8,
            "staircase": True,
            "name": "ed",
        },
    ),
    (
        "PiecewiseConstantDecay",
        {"boundaries": [5, 20, 60], "values": [1.0, 0.5, 0.1, 0.01], "name": "pc"},
    ),
    ("PolynomialDecay", {"initial_learning_rate": 0.1, "decay_steps": 30}),
    (
        "PolynomialDecay",
        {
            "initial_learning_rate": 0.1,
            "decay_steps": 30,
            "end_learning_rate": 0.01,
            "power": 2.0,
            "cycle": True,
            "name": "pd",
        },
    ),
    ("InverseTimeDecay", {"initial_learning_rate": 0.1, "decay_steps": 7, "decay_rate": 0.5}),
    (
        "InverseTimeDecay",
        {
            "initial_learning_rate": 0.1,
            "decay_steps": 7,
            "decay_rate": 0.5,
            "staircase": True,
            "name": "it",
        },
    ),
    ("CosineDecay", {"initial_learning_rate": 0.1, "decay_steps": 40}),
    (
        "CosineDecay",
        {
            "initial_learning_rate": 0.01,
            "decay_steps": 40,
            "alpha": 0.1,
            "name": "cd",
            "warmup_target": 0.1,
            "warmup_steps": 15,
        },
    ),
    ("CosineDecayRestarts", {"initial_learning_rate": 0.1, "first_decay_steps": 10}),
    (
        "CosineDecayRestarts",
        {
            "initial_learning_rate": 0.1,
            "first_decay_steps": 10,
            "t_mul": 1.0,
            "m_mul": 0.5,
            "alpha": 0.1,
            "name": "cdr",
        },
    ),
    (
        "CosineDecayRestarts",
        {"initial_learning_rate": 0.1, "first_decay_steps": 10, "t_mul": 1.5, "m_mul": 0.8},
    ),
]
SCHEDULE_STEPS = [0, 1, 4, 5, 6, 13, 20, 21, 33, 54, 60, 61, 75, 100, 250]


@pytest.mark.parametrize("name,kwargs", SCHEDULE_CASES, ids=lambda c: str(c))
def test_schedule_matches_keras(name, kwargs):
    k_sched = getattr(keras.optimizers.schedules, name)(**kwargs)
    t_sched = getattr(schedules, name)(**kwargs)
    for step in SCHEDULE_STEPS:
        expected = float(keras.ops.convert_to_numpy(k_sched(step)))
        assert t_sched(step) == pytest.approx(expected, rel=1e-5, abs=1e-8), step
    assert t_sched.get_config() == k_sched.get_config()
    assert type(t_sched).from_config(t_sched.get_config()).get_config() == t_sched.get_config()


def test_every_schedule_has_a_case_and_every_argument_a_non_default_value():
    for name in schedules.__all__:
        cls = getattr(schedules, name)
        if not isinstance(cls, type) or cls is schedules.LearningRateSchedule:
            continue
        cases = [kw for n, kw in SCHEDULE_CASES if n == name]
        assert cases, name
        for param in inspect.signature(cls.__init__).parameters.values():
            if param.name == "self":
                continue
            assert any(param.name in kw and kw[param.name] != param.default for kw in cases), (
                name,
                param.name,
            )


def test_schedule_serialization_round_trips_through_keras():
    t_sched = schedules.CosineDecay(0.1, 10, warmup_target=0.2, warmup_steps=3)
    k_sched = keras.optimizers.schedules.deserialize(schedules.serialize(t_sched))
    assert k_sched.get_config() == t_sched.get_config()
    back = schedules.deserialize(keras.optimizers.schedules.serialize(k_sched))
    assert isinstance(back, schedules.CosineDecay) and back(5) == t_sched(5)


def test_custom_schedule_drives_an_optimizer():
    class Halving(schedules.LearningRateSchedule):
        def __call__(self, step):
            return 0.5**step

        def get_config(self):
            return {}

    opt = optimizers.SGD(learning_rate=Halving())
    w = torch.nn.Parameter(torch.zeros(1))
    for _ in range(3):
        opt.apply([torch.ones(1)], [w])
    assert w.item() == pytest.approx(-1.75)
    config = opt.get_config()["learning_rate"]
    assert config["class_name"] == "Halving"
    restored = optimizers.SGD.from_config(opt.get_config(), custom_objects={"Halving": Halving})
    assert isinstance(restored._lr_schedule, Halving)


# ---------------------------------------------------------------------- API surface


def _public_optimizers():
    return [
        getattr(optimizers, n)
        for n in optimizers.__all__
        # LossScaleOptimizer wraps another optimizer: tests/test_mixed_precision.py.
        if isinstance(getattr(optimizers, n), type) and n not in ("Optimizer", "LossScaleOptimizer")
    ]


def test_all_snapshot():
    assert optimizers.__all__ == [
        "SGD",
        "Adadelta",
        "Adafactor",
        "Adagrad",
        "Adam",
        "AdamW",
        "Adamax",
        "Ftrl",
        "Lamb",
        "Lion",
        "LossScaleOptimizer",
        "Muon",
        "Nadam",
        "Optimizer",
        "RMSprop",
        "ScheduleFreeAdamW",
        "deserialize",
        "get",
        "schedules",
        "serialize",
    ]
    assert schedules.__all__ == [
        "CosineDecay",
        "CosineDecayRestarts",
        "ExponentialDecay",
        "InverseTimeDecay",
        "LearningRateSchedule",
        "PiecewiseConstantDecay",
        "PolynomialDecay",
        "deserialize",
        "serialize",
    ]


@pytest.mark.parametrize(
    "cls",
    _public_optimizers()
    + [
        getattr(schedules, n)
        for n in schedules.__all__
        if n[0].isupper() and n != "LearningRateSchedule"
    ],
    ids=lambda c: c.__name__,
)
def test_signature_matches_keras(cls):
    module = (
        keras.optimizers.schedules
        if cls.__module__.startswith("tkeras.optimizers.schedules")
        else keras.optimizers
    )
    k_params = inspect.signature(getattr(module, cls.__name__).__init__).parameters
    t_params = inspect.signature(cls.__init__).parameters
    assert [(p.name, p.default, p.kind) for p in t_params.values()] == [
        (p.name, p.default, p.kind) for p in k_params.values()
    ]


def _non_default(param: inspect.Parameter, cases: list[dict[str, Any]]) -> bool:
    return any(
        param.name in kw and kw[param.name] is not param.default and kw[param.name] != param.default
        for kw in cases
    )


def test_every_optimizer_has_cases_and_every_argument_a_non_default_value():
    """The base's arguments (shared code) need a non-default value in some case; each
    optimizer's own arguments, and its learning rate, in one of its own cases."""
    base = inspect.signature(optimizers.Optimizer.__init__).parameters
    all_cases = [c.kwargs for c in CASES]
    for cls in _public_optimizers():
        cases = [c.kwargs for c in CASES if c.optimizer == cls.__name__]
        assert cases, cls.__name__
        for param in inspect.signature(cls.__init__).parameters.values():
            if param.name in ("self", "kwargs", "name"):
                continue  # name: see test_config_matches_keras
            # learning_rate, and AdamW's weight_decay, have per-optimizer defaults.
            shared = param.name in base and param.default == base[param.name].default
            pool = all_cases if shared else cases
            assert _non_default(param, pool), (cls.__name__, param.name)


@pytest.mark.parametrize(
    "case",
    [
        c
        for c in CASES
        if not callable(c.kwargs.get("learning_rate"))
        or isinstance(c.kwargs.get("learning_rate"), Sched)
    ],
    ids=str,
)
def test_config_matches_keras(case):
    kwargs = {**_resolve(case.kwargs, tkeras), "name": "my_optimizer"}
    t_opt = getattr(optimizers, case.optimizer)(**kwargs)
    k_opt = getattr(keras.optimizers, case.optimizer)(
        **{**_resolve(case.kwargs, keras), "name": "my_optimizer"}
    )
    t_config, k_config = t_opt.get_config(), k_opt.get_config()
    assert list(t_config) == list(k_config)
    for key in k_config:
        if isinstance(k_config[key], float):  # Keras reads its float32 learning rate variable
            assert t_config[key] == pytest.approx(k_config[key], rel=1e-7)
        else:
            assert t_config[key] == k_config[key], key
    restored = type(t_opt).from_config(t_config)
    assert restored.get_config() == t_config
    from_keras = optimizers.deserialize(keras.optimizers.serialize(k_opt))
    assert type(from_keras) is type(t_opt)
    assert from_keras.get_config().keys() == t_config.keys()
    if case.optimizer == "Lamb":  # Keras 3.15's deserialize does not know its own Lamb
        return
    to_keras = keras.optimizers.deserialize(optimizers.serialize(t_opt))
    assert type(to_keras).__name__ == case.optimizer


def test_callable_learning_rate_is_kept_in_config():
    opt = optimizers.Adam(learning_rate=_lr_fn)
    assert opt.get_config()["learning_rate"] is _lr_fn
    assert optimizers.Adam.from_config(opt.get_config()).learning_rate == 0.03


def test_default_names_follow_keras():
    assert optimizers.Adam().name.startswith("adam")
    assert optimizers.RMSprop().name.startswith("rm_sprop")
    assert optimizers.AdamW().name.startswith("adam_w")


@pytest.mark.parametrize(
    "identifier,cls",
    [
        ("adam", optimizers.Adam),
        ("Adam", optimizers.Adam),
        ("ADAM", optimizers.Adam),
        ("sgd", optimizers.SGD),
        ("rmsprop", optimizers.RMSprop),
        ("RMSprop", optimizers.RMSprop),
        ("adamw", optimizers.AdamW),
        ("adagrad", optimizers.Adagrad),
        ("adadelta", optimizers.Adadelta),
        ("adamax", optimizers.Adamax),
        ("nadam", optimizers.Nadam),
        ("lion", optimizers.Lion),
    ],
)
def test_get_by_name(identifier, cls):
    opt = optimizers.get(identifier)
    assert type(opt) is cls
    assert type(keras.optimizers.get(identifier)).__name__ == cls.__name__


def test_get_dicts_instances_and_none():
    opt = optimizers.get({"class_name": "SGD", "config": {"momentum": 0.9, "learning_rate": 0.5}})
    assert isinstance(opt, optimizers.SGD) and opt.momentum == 0.9 and opt.learning_rate == 0.5
    assert optimizers.get(opt) is opt
    assert optimizers.get(None) is None
    sched = {
        "module": "keras.optimizers.schedules",
        "class_name": "ExponentialDecay",
        "config": {"initial_learning_rate": 0.1, "decay_steps": 1, "decay_rate": 0.5},
        "registered_name": None,
    }
    opt = optimizers.get({"class_name": "adam", "config": {"learning_rate": sched}})
    assert isinstance(opt._lr_schedule, schedules.ExponentialDecay)


def test_docstring_examples_run():
    import tkeras.optimizers._base as base
    import tkeras.optimizers._clipping as clipping
    import tkeras.optimizers.schedules._base as sbase

    modules = [base, clipping, sbase, optimizers] + [
        inspect.getmodule(c) for c in _public_optimizers()
    ]
    modules += [
        inspect.getmodule(getattr(schedules, n)) for n in schedules.__all__ if n[0].isupper()
    ]
    for module in set(modules):
        result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
        assert result.failed == 0, module.__name__
        assert result.attempted > 0, module.__name__


# ---------------------------------------------------------------------- errors

KERAS_REJECTS = [
    (
        "Adam",
        {"learning_rate": 1},
        ValueError,
        r"Adam: argument `learning_rate` should be a float, a LearningRateSchedule, or a callable "
        r"returning the learning rate\. Received instead: learning_rate=1",
    ),
    (
        "Adam",
        {"clipnorm": 1.0, "global_clipnorm": 1.0},
        ValueError,
        r"Adam: only one of `clipnorm`, `clipvalue` and `global_clipnorm` can be set\. "
        r"Received: clipnorm=1.0, clipvalue=None, global_clipnorm=1.0",
    ),
    (
        "SGD",
        {"clipvalue": 1.0, "clipnorm": 1.0},
        ValueError,
        r"SGD: only one of `clipnorm`, `clipvalue` and `global_clipnorm`",
    ),
    (
        "SGD",
        {"momentum": 1.5},
        ValueError,
        r"SGD: `momentum` must be a float between \[0, 1\]\. Received: momentum=1.5",
    ),
    ("SGD", {"momentum": 0}, ValueError, r"SGD: `momentum` must be a float .* momentum=0$"),
    (
        "Lion",
        {"beta_1": 0.0},
        ValueError,
        r"Lion: argument `beta_1` must be in the \[0, 1\] range\. .* Received: beta_1=0.0\.",
    ),
    (
        "AdamW",
        {"weight_decay": None},
        ValueError,
        r"AdamW: argument `weight_decay` must be a float\. Received: weight_decay=None",
    ),
    (
        "Adam",
        {"gradient_accumulation_steps": 1},
        ValueError,
        r"Adam: `gradient_accumulation_steps` must be an integer >= 2\. "
        r"Received: gradient_accumulation_steps=1",
    ),
    (
        "Adam",
        {"use_ema": True, "ema_momentum": 1.5},
        ValueError,
        r"Adam: `ema_momentum` must be in the range \[0, 1\]\. Received: ema_momentum=1.5",
    ),
    (
        "Adam",
        {"use_ema": True, "ema_overwrite_frequency": 0.5},
        ValueError,
        r"Adam: `ema_overwrite_frequency` must be an integer >= 1 or None\. "
        r"Received: ema_overwrite_frequency=0.5",
    ),
    (
        "RMSprop",
        {"rhoo": 0.9},
        ValueError,
        r"RMSprop: argument\(s\) not recognized: \{'rhoo': 0.9\}",
    ),
]


@pytest.mark.parametrize("name,kwargs,error,match", KERAS_REJECTS, ids=lambda x: str(x))
def test_rejects_what_keras_rejects(name, kwargs, error, match):
    with pytest.raises(error):
        getattr(keras.optimizers, name)(**kwargs)
    with pytest.raises(error, match=match):
        getattr(optimizers, name)(**kwargs)


def test_accepts_what_keras_accepts():
    # Keras validates neither the sign of the rate nor the betas' range; neither does tkeras,
    # so a program that runs under Keras runs under tkeras.
    for kwargs in ({"learning_rate": -0.1}, {"beta_1": 2.0}, {"epsilon": -1.0}):
        key = next(iter(kwargs))
        # Keras's learning rate is a float32 variable: its config reads it back rounded.
        want = keras.optimizers.Adam(**kwargs).get_config()[key]
        assert optimizers.Adam(**kwargs).get_config()[key] == want


def test_legacy_decay_argument_warns_and_is_ignored():
    with pytest.warns(
        UserWarning,
        match=r"Argument `decay` is no longer supported and will be "
        r"ignored\.",
    ):
        opt = optimizers.SGD(decay=0.1)
    assert "decay" not in opt.get_config()


@pytest.mark.parametrize(
    "name,kwargs,match",
    [
        (
            "ExponentialDecay",
            {"initial_learning_rate": 0.1, "decay_steps": 0, "decay_rate": 0.9},
            r"ExponentialDecay: argument `decay_steps` must be > 0\. Received: decay_steps=0",
        ),
        (
            "InverseTimeDecay",
            {"initial_learning_rate": 0.1, "decay_steps": -1, "decay_rate": 0.9},
            r"InverseTimeDecay: argument `decay_steps` must be > 0\. Received: decay_steps=-1",
        ),
        (
            "PolynomialDecay",
            {"initial_learning_rate": 0.1, "decay_steps": 0},
            r"PolynomialDecay: argument `decay_steps` must be > 0",
        ),
        (
            "CosineDecay",
            {"initial_learning_rate": 0.1, "decay_steps": 0},
            r"CosineDecay: argument `decay_steps` must be > 0",
        ),
        (
            "CosineDecayRestarts",
            {"initial_learning_rate": 0.1, "first_decay_steps": 0},
            r"CosineDecayRestarts: argument `first_decay_steps` must be > 0\. "
            r"Received: first_decay_steps=0",
        ),
        (
            "PiecewiseConstantDecay",
            {"boundaries": [1, 2], "values": [1.0, 2.0]},
            r"PiecewiseConstantDecay: the length of `boundaries` should be 1 less than the "
            r"length of `values`\. Received: boundaries=\[1, 2\] of length 2, and "
            r"values=\[1.0, 2.0\] of length 2\.",
        ),
    ],
)
def test_schedule_errors(name, kwargs, match):
    with pytest.raises(ValueError):
        getattr(keras.optimizers.schedules, name)(**kwargs)
    with pytest.raises(ValueError, match=match):
        getattr(schedules, name)(**kwargs)


def test_schedule_base_must_be_overridden():
    class Incomplete(schedules.LearningRateSchedule):
        pass

    with pytest.raises(
        NotImplementedError,
        match=r"Learning rate schedule 'Incomplete' must "
        r"override `__call__\(self, step\)`",
    ):
        Incomplete()(0)
    with pytest.raises(NotImplementedError, match=r"'Incomplete' must override `get_config\(\)`"):
        Incomplete().get_config()


def test_get_errors():
    with pytest.raises(
        ValueError,
        match=r"Unknown optimizer: 'adamm'\. Expected one of: "
        r"Adadelta, .*adam, adamax, adamw, .*sgd\.",
    ):
        optimizers.get("adamm")
    with pytest.raises(ValueError, match=r"Unknown optimizer: 'Nope'"):
        optimizers.get({"class_name": "Nope", "config": {}})
    with pytest.raises(
        NotImplementedError,
        match=r"The Keras optimizer 'MultiOptimizer' \(requested as "
        r"'multioptimizer'\) is not implemented in tkeras yet\. "
        r"Available: Adadelta, .*SGD, ScheduleFreeAdamW\.",
    ):
        optimizers.get("multioptimizer")
    assert isinstance(optimizers.get("ftrl"), optimizers.Ftrl)
    with pytest.raises(
        ValueError,
        match=r"Could not interpret optimizer identifier: 3\. "
        r"Expected an optimizer name",
    ):
        optimizers.get(3)
    with pytest.raises(ValueError, match=r"Unknown learning rate schedule: 'Nope'"):
        schedules.deserialize({"class_name": "Nope", "config": {}})


def test_base_optimizer_has_no_update_rule():
    opt = optimizers.Optimizer(learning_rate=0.1)
    with pytest.raises(
        NotImplementedError,
        match=r"Optimizer: `Optimizer` is the base class "
        r"and has no update rule",
    ):
        opt.apply([torch.ones(1)], [torch.nn.Parameter(torch.zeros(1))])


def test_usage_errors():
    params = make_params()
    opt = optimizers.Adam(name="opt")
    with pytest.raises(
        ValueError,
        match=r"Optimizer 'opt' is not built: call "
        r"`optimizer.build\(variables\)` before `step\(\)`",
    ):
        opt.step()
    with pytest.raises(
        ValueError,
        match=r"Optimizer 'opt': when passing `grads` without "
        r"`variables`, the optimizer must already be built",
    ):
        opt.apply(GRADS[0])
    with pytest.raises(
        TypeError,
        match=r"Optimizer 'opt' can only be built on torch tensors "
        r".* Received at position 0: ndarray",
    ):
        opt.build([INITS[0]])
    with pytest.raises(
        ValueError,
        match=r"Optimizer 'opt': variable 'kernel' of shape \(3, 4\) "
        r"appears twice .* \(positions 0 and 1\)",
    ):
        opt.build([params[0], params[0]])
    opt.build(params)
    with pytest.raises(
        ValueError,
        match=r"Optimizer 'opt' was built for 3 variables and 1 of "
        r"the 2 variables given are not among them \(first: a "
        r"tensor of shape \(5,\)\)",
    ):
        opt.build([params[0], torch.nn.Parameter(torch.zeros(5))])
    with pytest.raises(
        ValueError,
        match=r"Optimizer 'opt': no gradients provided for any "
        r"variable \(every built parameter's `.grad` is None\)",
    ):
        opt.step()
    with pytest.raises(
        ValueError,
        match=r"Optimizer 'opt': no gradients provided for any "
        r"variable \(all 3 gradients are None\)\. In a custom train_step, call "
        r"`loss.backward\(\)` before",
    ):
        opt.apply([None, None, None])
    with pytest.raises(
        ValueError,
        match=r"Optimizer 'opt': when passing `grads` without "
        r"`variables`, the gradients must match the built "
        r"variables one-to-one\. Received 2 gradients for 3",
    ):
        opt.apply(GRADS[0][:2])
    with pytest.raises(
        ValueError,
        match=r"Optimizer 'opt': received 2 gradients for 3 "
        r"variables",
    ):
        opt.apply(GRADS[0][:2], params)
    with pytest.raises(
        ValueError,
        match=r"Optimizer 'opt': the gradient for variable 'kernel' "
        r"of shape \(3, 4\) has shape \(4, 3\), expected the "
        r"variable's shape \(3, 4\)\.",
    ):
        opt.apply([GRADS[0][0].T, GRADS[0][1], GRADS[0][2]])
    with pytest.warns(
        UserWarning,
        match=r"Gradients do not exist for variables \['bias' of "
        r"shape \(4,\)\] when minimizing the loss",
    ):
        opt.apply([GRADS[0][0], None, GRADS[0][2]])
    assert opt.iterations == 1  # only the successful apply counted


@pytest.mark.parametrize(
    "name, kwargs",
    [("Adafactor", {}), ("Muon", {"learning_rate": 0.05}), ("ScheduleFreeAdamW", {})],
)
def test_new_optimizer_slots_load_from_keras_and_save_as_keras(name, kwargs):
    """Slots of other shapes (Adafactor's factored rows/columns, scalar placeholders) and
    slots that exist for some weights only (Muon's velocity) move in Keras's order."""
    k_opt = getattr(keras.optimizers, name)(**kwargs)
    k_vars = [keras.Variable(x, name=n) for x, n in zip(INITS, NAMES)]
    for grads in GRADS[:2]:
        k_opt.apply_gradients(zip([torch.tensor(g) for g in grads], k_vars))
    store: dict[str, np.ndarray] = {}
    k_opt.save_own_variables(store)
    t_opt = getattr(optimizers, name)(**kwargs)
    params = make_params()
    t_opt.build(params)
    t_opt.load_own_variables(store)
    with torch.no_grad():
        for p, k in zip(params, k_vars):
            p.copy_(torch.tensor(keras.ops.convert_to_numpy(k)))
    k_opt.apply_gradients(zip([torch.tensor(g) for g in GRADS[2]], k_vars))
    t_opt.apply([torch.tensor(g) for g in GRADS[2]], params)
    for k, p in zip(k_vars, params):
        np.testing.assert_allclose(
            p.detach().numpy(), keras.ops.convert_to_numpy(k), rtol=RTOL, atol=ATOL
        )
    saved: dict[str, np.ndarray] = {}
    t_opt.save_own_variables(saved)
    k_saved: dict[str, np.ndarray] = {}
    k_opt.save_own_variables(k_saved)
    assert saved.keys() == k_saved.keys()
    for key in k_saved:
        np.testing.assert_allclose(saved[key], k_saved[key], rtol=RTOL, atol=ATOL)
