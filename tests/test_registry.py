"""Registries: names, registration, errors, and plugins from entry points."""

import subprocess
import sys
import textwrap

import numpy as np
import pytest
from sklearn.utils._param_validation import InvalidParameterError

from sknn_scratch import (
    ScratchMLPClassifier,
    register_activation,
    register_initializer,
    register_loss,
    register_optimizer,
    register_schedule,
)
from sknn_scratch._registry import _REGISTRIES, reload_plugins
from sknn_scratch.activations import ACTIVATIONS, Tanh
from sknn_scratch.initializers import INITIALIZERS, HeNormal
from sknn_scratch.losses import LOSSES, AbsoluteError
from sknn_scratch.optimizers import OPTIMIZERS, Adam
from sknn_scratch.schedules import SCHEDULES, StepDecay

X = np.array([[-2.0, -1.0], [25.0, 6.0], [17.0, 4.0], [-15.0, -6.0]]) / 10
y = np.array([1, 0, 0, 1])

# the estimator parameter each kind is chosen by, and a built-in name of it
KINDS = {
    "activation": (ACTIVATIONS, register_activation, "activation", "tanh"),
    "loss": (LOSSES, register_loss, "loss", "log_loss"),
    "solver": (OPTIMIZERS, register_optimizer, "solver", "adam"),
    "initializer": (INITIALIZERS, register_initializer, "weight_init", "he_normal"),
    "schedule": (SCHEDULES, register_schedule, "learning_rate", "cosine"),
}
# the fitted attribute each parameter resolves to
FITTED = {
    "activation": "hidden_activation_",
    "loss": "loss_function_",
    "solver": "optimizer_",
    "weight_init": "weight_init_",
    "learning_rate": "learning_rate_schedule_",
}


@pytest.fixture(autouse=True)
def _restore_registries(monkeypatch):
    """Names registered by a test disappear after it."""
    for registry in _REGISTRIES:
        monkeypatch.setattr(registry, "_factories", dict(registry._factories))
        monkeypatch.setattr(registry, "_plugin_names", set(registry._plugin_names))
        monkeypatch.setattr(registry, "_plugins_loaded", registry._plugins_loaded)


def fit(**params):
    params.setdefault("hidden_layer_sizes", (2,))
    return ScratchMLPClassifier(max_iter=2, random_state=0, **params).fit(X, y)


# ------------------------------------------------------------ registering


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_register_as_decorator_and_use_by_name():
    @register_activation("my_tanh")
    class MyTanh(Tanh):
        pass

    @register_loss("my_mae")
    class MyMAE(AbsoluteError):
        pass

    @register_optimizer("my_adam")
    class MyAdam(Adam):
        pass

    @register_initializer("my_he")
    class MyHe(HeNormal):
        pass

    @register_schedule("my_step")
    class MyStep(StepDecay):
        pass

    # the decorator returns the class itself
    assert MyTanh.__name__ == "MyTanh"
    clf = fit(
        activation="my_tanh",
        loss="my_mae",
        solver="my_adam",
        weight_init="my_he",
        learning_rate="my_step",
    )
    assert type(clf.hidden_activation_) is MyTanh
    assert type(clf.loss_function_) is MyMAE
    assert type(clf.optimizer_) is MyAdam
    assert type(clf.weight_init_) is MyHe
    assert type(clf.learning_rate_schedule_) is MyStep
    # the names are now listed, and the parameters stay the names
    assert "my_tanh" in ACTIVATIONS.names()
    assert clf.activation == "my_tanh"


def test_register_without_decorator_and_factories():
    assert register_loss("my_hinge", AbsoluteError) is AbsoluteError
    assert type(LOSSES.resolve("my_hinge", "loss")) is AbsoluteError


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_register_rejects_bad_names_and_non_callables(kind):
    registry, register, _, _ = KINDS[kind]
    with pytest.raises(TypeError, match="non-empty str"):
        register("")
    with pytest.raises(TypeError, match="non-empty str"):
        register(3, Tanh)
    with pytest.raises(TypeError, match="expected a class or a callable"):
        register("not_callable", 42)
    assert "not_callable" not in registry.names()


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_optimizer_factory_receives_the_estimator_parameters_it_names():
    # the estimator's beta_1 reaches a factory that takes beta_1
    clf = fit(solver="adam", beta_1=0.5, beta_2=0.9, epsilon=1e-6)
    assert (clf.optimizer_.beta_1, clf.optimizer_.beta_2) == (0.5, 0.9)
    assert clf.optimizer_.epsilon == 1e-6
    clf = fit(solver="sgd", momentum=0.7, nesterovs_momentum=False)
    assert clf.optimizer_.momentum == 0.7
    assert clf.optimizer_.nesterovs_momentum is False
    clf = fit(learning_rate="invscaling", power_t=0.25)
    assert clf.learning_rate_schedule_.power_t == 0.25


# ---------------------------------------------------------- unknown names


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_unknown_name_is_a_value_error_listing_the_valid_names(kind):
    registry, _, param, builtin = KINDS[kind]
    with pytest.raises(ValueError) as excinfo:
        fit(**{param: "no_such_thing"})
    assert isinstance(excinfo.value, InvalidParameterError)
    message = str(excinfo.value)
    assert "'no_such_thing'" in message
    expected = registry.names()
    if kind == "loss":
        # a classifier lists the losses for a classifier only
        every = ("classifier", "regressor")  # what a loss is for by default
        expected = registry.names(
            lambda loss: "classifier" in getattr(loss, "estimator_types", every)
        )
        assert "'poisson'" not in message
    for name in expected:
        assert repr(name) in message
    assert repr(builtin) in message


def test_unknown_output_activation_lists_the_activations():
    with pytest.raises(ValueError, match=r"Unknown activation 'nope'.*'relu'"):
        fit(output_activation="nope")


def test_a_class_instead_of_an_instance_says_so():
    with pytest.raises(ValueError, match=r"got the class Tanh; pass an instance"):
        ACTIVATIONS.resolve(Tanh, "activation")


def test_an_object_lacking_the_protocol_is_rejected_with_the_methods_named():
    class HalfActivation:
        def forward(self, Z):
            return Z

    with pytest.raises(ValueError, match="derivative"):
        fit(activation=HalfActivation())
    with pytest.raises(ValueError, match="lacks derivative"):
        ACTIVATIONS.resolve(HalfActivation(), "activation")


def test_a_solver_without_update_is_rejected():
    class NotAnOptimizer:
        pass

    with pytest.raises(ValueError, match=r"lacks initialize.*update"):
        fit(solver=NotAnOptimizer())


# ---------------------------------------------------------------- plugins

PLUGIN_MODULE = '''
"""A third-party package adding one component of each kind."""

from sknn_scratch.activations import Tanh
from sknn_scratch.initializers import HeUniform
from sknn_scratch.losses import AbsoluteError
from sknn_scratch.optimizers import Adam
from sknn_scratch.schedules import StepDecay


class PluginTanh(Tanh):
    pass


class PluginLoss(AbsoluteError):
    pass


class PluginAdam(Adam):
    pass


class PluginInit(HeUniform):
    pass


class PluginStep(StepDecay):
    pass
'''

ENTRY_POINTS = """
[sknn_scratch.activations]
plugin_tanh = sknn_plugin_fake:PluginTanh
broken_activation = sknn_plugin_missing:Nothing

[sknn_scratch.losses]
plugin_loss = sknn_plugin_fake:PluginLoss
broken_loss = sknn_plugin_fake:NoSuchClass

[sknn_scratch.optimizers]
plugin_adam = sknn_plugin_fake:PluginAdam

[sknn_scratch.initializers]
plugin_init = sknn_plugin_fake:PluginInit

[sknn_scratch.schedules]
plugin_step = sknn_plugin_fake:PluginStep
"""


def write_plugin(directory, entry_points=ENTRY_POINTS, module=PLUGIN_MODULE):
    """A package as pip would leave it: a module and its *.dist-info."""
    (directory / "sknn_plugin_fake.py").write_text(module)
    info = directory / "sknn-plugin-fake-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: sknn-plugin-fake\nVersion: 1.0\n"
    )
    (info / "entry_points.txt").write_text(entry_points)


@pytest.fixture
def plugin_on_path(tmp_path, monkeypatch):
    write_plugin(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "sknn_plugin_fake", raising=False)
    reload_plugins()
    yield tmp_path
    sys.modules.pop("sknn_plugin_fake", None)
    reload_plugins()


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_plugins_are_found_by_name_lazily(plugin_on_path):
    # built-in names never look at entry points
    fit(activation="tanh", loss="log_loss")
    assert "sknn_plugin_fake" not in sys.modules
    assert not ACTIVATIONS._plugins_loaded

    with pytest.warns(RuntimeWarning, match="broken_activation.*sknn_plugin_missing"):
        clf = fit(activation="plugin_tanh")
    assert type(clf.hidden_activation_).__name__ == "PluginTanh"
    assert "sknn_plugin_fake" in sys.modules

    with pytest.warns(RuntimeWarning, match="broken_loss"):
        clf = fit(
            loss="plugin_loss",
            solver="plugin_adam",
            weight_init="plugin_init",
            learning_rate="plugin_step",
        )
    assert type(clf.loss_function_).__name__ == "PluginLoss"
    assert type(clf.optimizer_).__name__ == "PluginAdam"
    assert type(clf.weight_init_).__name__ == "PluginInit"
    assert type(clf.learning_rate_schedule_).__name__ == "PluginStep"


def test_broken_plugins_are_skipped_and_warned_about_once(plugin_on_path):
    with pytest.warns(RuntimeWarning) as record:
        names = ACTIVATIONS.names()
    assert "plugin_tanh" in names
    assert "broken_activation" not in names
    assert len(record) == 1
    assert "Skipping the activation plugin 'broken_activation'" in str(
        record[0].message
    )
    assert "ModuleNotFoundError" in str(record[0].message)
    # loaded once: no second warning, and the plugin is in error messages
    with pytest.raises(ValueError, match="'plugin_tanh'"):
        ACTIVATIONS.resolve("still_missing", "activation")


def test_reload_plugins_forgets_them(plugin_on_path, monkeypatch):
    with pytest.warns(RuntimeWarning):
        assert "plugin_tanh" in ACTIVATIONS
    monkeypatch.setattr(sys, "path", [p for p in sys.path if p != str(plugin_on_path)])
    reload_plugins()
    assert "plugin_tanh" not in ACTIVATIONS
    assert "tanh" in ACTIVATIONS


def test_a_plugin_cannot_replace_a_built_in(tmp_path, monkeypatch):
    write_plugin(
        tmp_path,
        entry_points="[sknn_scratch.activations]\nrelu = sknn_plugin_fake:PluginTanh\n",
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    reload_plugins()
    ACTIVATIONS.names()
    assert type(ACTIVATIONS.resolve("relu", "activation")).__name__ == "ReLU"
    reload_plugins()


def test_import_never_breaks_on_broken_plugins(tmp_path):
    # a module that raises on import, a missing attribute, a non-callable
    # object and a malformed entry point, all at once
    write_plugin(
        tmp_path,
        entry_points=textwrap.dedent(
            """
            [sknn_scratch.activations]
            raises = sknn_plugin_fake:Anything
            missing = sknn_plugin_fake:Missing
            [sknn_scratch.losses]
            not_callable = sknn_plugin_fake:VALUE
            malformed = this is not an entry point
            """
        ),
        module="VALUE = 42\nraise RuntimeError('this plugin is broken')\n",
    )
    script = textwrap.dedent(
        """
        import warnings
        import numpy as np
        import sknn_scratch
        from sknn_scratch import ScratchMLPClassifier
        from sknn_scratch.activations import ACTIVATIONS
        from sknn_scratch.losses import LOSSES

        X = np.array([[0.0, 1.0], [1.0, 0.0], [1.0, 1.0], [0.0, 0.0]])
        clf = ScratchMLPClassifier(hidden_layer_sizes=(2,), max_iter=3)
        clf.fit(X, [0, 1, 1, 0])
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            activations = ACTIVATIONS.names()
            losses = LOSSES.names()
        print(sorted(str(w.message).split("'")[1] for w in caught
                     if "plugin" in str(w.message)))
        print("raises" in activations, "not_callable" in losses)
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(tmp_path), "PATH": ""},
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    warned, listed = result.stdout.strip().splitlines()
    assert warned == "['malformed', 'missing', 'not_callable', 'raises']"
    assert listed == "False False"


def test_reload_plugins_is_public_per_registry():
    assert callable(ACTIVATIONS.reload_plugins)
    assert len(_REGISTRIES) == 5
    assert {r.group for r in _REGISTRIES} == {
        f"sknn_scratch.{kind}"
        for kind in ("activations", "losses", "optimizers", "initializers", "schedules")
    }


# ------------------------------------------------------- the built-ins

BUILTINS = {
    "activation": {"sigmoid", "logistic", "tanh", "relu", "leaky_relu", "elu",
                   "softplus", "identity", "softmax", "exp"},
    "loss": {"squared_error", "log_loss", "absolute_error", "hinge", "squared_hinge",
             "poisson"},
    "solver": {"sgd", "adam", "lbfgs"},
    "initializer": {"glorot_uniform", "standard_normal", "normal", "he_normal",
                    "he_uniform"},
    "schedule": {"constant", "invscaling", "adaptive", "step", "cosine"},
}  # fmt: skip


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_builtin_is_registered_with_its_formula_in_the_docstring(kind):
    registry = KINDS[kind][0]
    assert BUILTINS[kind] <= set(registry.names())
    for name in BUILTINS[kind]:
        component = registry.resolve(name, "parameter")
        assert type(component).__module__.startswith("sknn_scratch.")
        # a math block or inline :math: role
        assert "math:" in type(component).__doc__, name
