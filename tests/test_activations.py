"""Each built-in activation: its formula, its derivative, and extreme inputs."""

import math
import warnings

import numpy as np
import pytest

from sknn_scratch.activations import (
    ACTIVATIONS,
    ELU,
    Identity,
    LeakyReLU,
    ReLU,
    Sigmoid,
    Softmax,
    Softplus,
    Tanh,
    backward,
)

# moderate points, none at a kink (relu and leaky_relu at 0)
MODERATE = np.array([-7.5, -2.5, -0.3, 0.4, 1.7, 6.0])
# large magnitudes, where a naive formula overflows
LARGE = np.array([-1e308, -1e5, -800.0, -40.0, 40.0, 800.0, 1e5, 1e308])


def _elementwise(f):
    return lambda Z: np.array([f(float(z)) for z in Z])


# f and f' written out from the formulas in the docstrings, with Python floats
FORMULAS = {
    "sigmoid": (
        Sigmoid(),
        lambda z: 1 / (1 + math.exp(-z)),
        lambda z: math.exp(-z) / (1 + math.exp(-z)) ** 2,
    ),
    "tanh": (Tanh(), math.tanh, lambda z: 1 / math.cosh(z) ** 2),
    "relu": (ReLU(), lambda z: max(z, 0.0), lambda z: float(z > 0)),
    "leaky_relu": (
        LeakyReLU(alpha=0.1),
        lambda z: z if z > 0 else 0.1 * z,
        lambda z: 1.0 if z > 0 else 0.1,
    ),
    "elu": (
        ELU(alpha=0.7),
        lambda z: z if z > 0 else 0.7 * (math.exp(z) - 1),
        lambda z: 1.0 if z > 0 else 0.7 * math.exp(z),
    ),
    "softplus": (
        Softplus(),
        lambda z: math.log(1 + math.exp(z)),
        lambda z: 1 / (1 + math.exp(-z)),
    ),
    "identity": (Identity(), lambda z: z, lambda z: 1.0),
}


@pytest.mark.parametrize("name", sorted(FORMULAS))
def test_forward_and_derivative_follow_the_formula(name):
    activation, f, f_prime = FORMULAS[name]
    A = activation.forward(MODERATE)
    np.testing.assert_allclose(A, _elementwise(f)(MODERATE), rtol=1e-13, atol=0)
    np.testing.assert_allclose(
        activation.derivative(MODERATE, A),
        _elementwise(f_prime)(MODERATE),
        # tanh's 1 - f^2 cancels near saturation: 1e-11 relative at z = -7.5
        rtol=1e-10,
        atol=1e-15,
    )


@pytest.mark.parametrize("name", sorted(FORMULAS))
def test_derivative_matches_finite_differences(name):
    activation = FORMULAS[name][0]
    h = 1e-6
    numeric = (activation.forward(MODERATE + h) - activation.forward(MODERATE - h)) / (
        2 * h
    )
    A = activation.forward(MODERATE)
    np.testing.assert_allclose(
        activation.derivative(MODERATE, A), numeric, rtol=1e-7, atol=1e-10
    )
    # backward is the chain rule: grad * f'(Z)
    grad = np.linspace(-1, 2, MODERATE.size)
    np.testing.assert_allclose(
        backward(activation, MODERATE, A, grad), grad * numeric, rtol=1e-7, atol=1e-10
    )


@pytest.mark.parametrize("name", sorted(FORMULAS))
def test_large_inputs_stay_finite_without_warnings(name):
    activation = FORMULAS[name][0]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            A = activation.forward(LARGE)
            dA = activation.derivative(LARGE, A)
    assert np.all(np.isfinite(A))
    assert np.all(np.isfinite(dA))
    assert np.all(dA >= 0)


def test_large_inputs_reach_the_limits_of_each_formula():
    neg, pos = LARGE < 0, LARGE > 0
    np.testing.assert_array_equal(Sigmoid().forward(LARGE)[pos], 1.0)
    # e^-40 ~ 4e-18 is still representable; from -800 on it is exactly 0
    np.testing.assert_allclose(Sigmoid().forward(LARGE)[neg], 0.0, atol=1e-17)
    np.testing.assert_array_equal(Tanh().forward(LARGE), np.sign(LARGE))
    # softplus(z) = z + ln(1 + e^-z) -> z for large z, and -> 0 for very negative
    np.testing.assert_array_equal(Softplus().forward(LARGE)[pos], LARGE[pos])
    np.testing.assert_allclose(Softplus().forward(LARGE)[neg], 0.0, atol=1e-17)
    np.testing.assert_array_equal(ELU(alpha=0.7).forward(LARGE)[neg], -0.7)
    np.testing.assert_array_equal(LeakyReLU(0.1).forward(LARGE)[neg], 0.1 * LARGE[neg])
    np.testing.assert_array_equal(ReLU().forward(LARGE), np.maximum(LARGE, 0))


def test_sigmoid_is_the_articles_neuron():
    # f(w.x + b) with w = [0, 1], b = 4, x = [2, 3]: f(7)
    assert Sigmoid().forward(np.array([7.0]))[0] == pytest.approx(0.9990889488055994)
    # the article's f'(x) = f(x) (1 - f(x))
    A = Sigmoid().forward(np.array([-3.0]))
    assert Sigmoid().derivative(np.array([-3.0]), A)[0] == pytest.approx(
        A[0] * (1 - A[0])
    )


def test_logistic_is_an_alias_of_sigmoid():
    assert type(ACTIVATIONS.resolve("logistic", "activation")) is Sigmoid
    assert type(ACTIVATIONS.resolve("sigmoid", "activation")) is Sigmoid


# --------------------------------------------------------------- softmax

ROWS = np.array([[0.3, -1.2, 2.0], [5.0, 5.0, -4.0], [-0.1, 0.0, 0.1]])


def test_softmax_follows_the_formula():
    A = Softmax().forward(ROWS)
    expected = np.exp(ROWS) / np.exp(ROWS).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(A, expected, rtol=1e-14)
    np.testing.assert_allclose(A.sum(axis=1), 1.0, rtol=1e-15)
    # derivative is the Jacobian's diagonal f_j (1 - f_j)
    np.testing.assert_allclose(Softmax().derivative(ROWS, A), A * (1 - A))


def test_softmax_backward_is_the_full_jacobian_product():
    softmax = Softmax()
    grad = np.array([[1.0, -2.0, 0.5], [0.0, 3.0, -1.0], [2.0, 2.0, 2.0]])
    A = softmax.forward(ROWS)
    # d/dZ of sum(grad * softmax(Z)), one entry at a time
    h = 1e-6
    numeric = np.empty_like(ROWS)
    for index in np.ndindex(ROWS.shape):
        step = np.zeros_like(ROWS)
        step[index] = h
        numeric[index] = np.sum(
            grad * (softmax.forward(ROWS + step) - softmax.forward(ROWS - step))
        ) / (2 * h)
    np.testing.assert_allclose(softmax.backward(ROWS, A, grad), numeric, atol=1e-9)
    assert backward(softmax, ROWS, A, grad) is not None
    np.testing.assert_allclose(backward(softmax, ROWS, A, grad), numeric, atol=1e-9)


def test_softmax_of_huge_rows_stays_finite_without_warnings():
    Z = np.array([[1e308, -1e308, 0.0], [1000.0, 999.0, -1000.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            A = Softmax().forward(Z)
    assert np.all(np.isfinite(A))
    np.testing.assert_allclose(A.sum(axis=1), 1.0)
    np.testing.assert_allclose(A[0], [1.0, 0.0, 0.0])
    np.testing.assert_allclose(A[1, 0] / A[1, 1], math.e)


# ------------------------------------------------------ dtypes, parameters


@pytest.mark.parametrize(
    "activation", [f[0] for f in FORMULAS.values()] + [Softmax()], ids=repr
)
def test_float32_stays_float32(activation):
    Z = np.array([[-2.0, 0.5, 3.0]], dtype=np.float32)
    A = activation.forward(Z)
    assert A.dtype == np.float32
    assert activation.derivative(Z, A).dtype == np.float32


@pytest.mark.parametrize(("cls", "default"), [(LeakyReLU, 0.01), (ELU, 1.0)])
def test_alpha_is_a_parameter(cls, default):
    assert cls().get_params() == {"alpha": default}
    activation = cls().set_params(alpha=0.25)
    assert activation.alpha == 0.25
    assert repr(activation) == f"{cls.__name__}(alpha=0.25)"
    assert activation == cls(0.25)
    assert activation != cls(0.5)
    # the slope for negative inputs is alpha
    assert activation.derivative(np.array([-3.0]), activation.forward([-3.0]))[
        0
    ] == pytest.approx(0.25 * (np.exp(-3.0) if cls is ELU else 1.0))
    with pytest.raises(ValueError, match="Invalid parameter 'beta'.*'alpha'"):
        activation.set_params(beta=1)
