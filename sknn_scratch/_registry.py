"""One registry type shared by every component kind.

A registry maps names to factories (usually classes). A string parameter of an
estimator is looked up here when ``fit`` runs; a name that is not built in is
then searched for among the entry points that other packages declare, so a
plugin never needs to be imported by hand.
"""

import copy
import functools
import importlib
import inspect
import warnings
from importlib import metadata

from ._sklearn_private import InvalidParameterError


class Component:
    """Parameters, ``repr`` and equality for the small component classes.

    Like scikit-learn's ``BaseEstimator``, the parameters are the arguments of
    ``__init__``, stored under the same names; unlike it, a component is not
    an estimator, so scikit-learn's test discovery leaves it alone.
    """

    @classmethod
    def _param_names(cls):
        init = cls.__init__
        if init is object.__init__:
            return []
        signature = inspect.signature(init)
        return sorted(
            name
            for name, p in signature.parameters.items()
            if name != "self" and p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL)
        )

    def get_params(self, deep=True):
        """Return the parameters of this component, as ``BaseEstimator`` does."""
        return {name: getattr(self, name) for name in self._param_names()}

    def set_params(self, **params):
        """Set parameters of this component; returns ``self``."""
        valid = self._param_names()
        for name, value in params.items():
            if name not in valid:
                raise ValueError(
                    f"Invalid parameter {name!r} for {type(self).__name__}. "
                    f"Valid parameters are: {valid!r}."
                )
            setattr(self, name, value)
        return self

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
        return f"{type(self).__name__}({args})"

    def __eq__(self, other):
        return type(self) is type(other) and self.get_params() == other.get_params()

    def __hash__(self):
        return hash((type(self).__name__, tuple(sorted(map(repr, self.get_params())))))


class Registry:
    """Names of the components of one kind, and how to build them.

    Parameters
    ----------
    kind : str
        What the components are, used in messages ("activation", "loss", ...).
    group : str
        The entry-point group other packages use to add components.
    required : tuple of str
        Methods a user's own object must have to be accepted.
    protocol : str, default=None
        What an object of this kind must have, for messages; by default the
        ``required`` methods.
    """

    def __init__(self, kind, group, required, protocol=None):
        self.kind = kind
        self.group = group
        self.required = tuple(required)
        self.protocol = protocol
        self._factories = {}
        self._plugins_loaded = False
        self._plugin_names = set()
        _REGISTRIES.append(self)

    def register(self, name, factory=None):
        """Add ``factory`` under ``name``; without ``factory``, a decorator."""
        if not isinstance(name, str) or not name:
            raise TypeError(f"A {self.kind} name must be a non-empty str.")

        def add(factory):
            if not callable(factory):
                raise TypeError(
                    f"Registering {self.kind} {name!r}: expected a class or a "
                    f"callable returning a {self.kind}, got {factory!r}."
                )
            self._factories[name] = factory
            return factory

        return add if factory is None else add(factory)

    def names(self, where=None):
        """Sorted names known now, plugins included.

        Parameters
        ----------
        where : callable, default=None
            ``where(component) -> bool``: only the names whose component (as
            the factory builds it with no arguments) passes, for example the
            losses a regressor can use. A factory that fails to build is
            listed.
        """
        self._load_plugins()
        names = sorted(self._factories)
        if where is None:
            return names
        return [name for name in names if self._passes(name, where)]

    def _passes(self, name, where):
        try:
            component = self._factories[name]()
        except Exception:  # a plugin's factory that needs arguments, say
            return True
        return bool(where(component))

    def __contains__(self, name):
        return self.get_factory(name, missing_ok=True) is not None

    def get_factory(self, name, missing_ok=False, where=None):
        """The factory registered as ``name``; plugins are loaded on a miss.

        An unknown name raises ``InvalidParameterError`` listing the valid
        names (those that pass ``where``, see :meth:`names`).
        """
        if name not in self._factories:
            self._load_plugins()
        if name in self._factories:
            return self._factories[name]
        if missing_ok:
            return None
        raise InvalidParameterError(
            f"Unknown {self.kind} {name!r}. Valid names are: "
            f"{', '.join(map(repr, self.names(where)))}; or pass an object with "
            f"{self._protocol_text()}."
        )

    def resolve(self, spec, param_name, where=None, **options):
        """Build the component a parameter value stands for.

        Parameters
        ----------
        spec : str or object
            A registered name, or a user's object following the protocol.
        param_name : str
            The estimator parameter holding ``spec``, for messages.
        where : callable, default=None
            Which names the messages list as valid (see :meth:`names`).
        **options
            Values a factory may take by keyword (for example an optimizer's
            ``momentum``); only those its signature names are passed.

        Returns
        -------
        component : object
            A new object: the estimator's parameter is never modified.
        """
        if isinstance(spec, str):
            factory = self.get_factory(spec, where=where)
            return factory(**_accepted(factory, options))
        if isinstance(spec, type):
            raise InvalidParameterError(
                f"The {param_name!r} parameter got the class {spec.__name__}; "
                f"pass an instance, for example {spec.__name__}()."
            )
        missing = [m for m in self.required if not callable(getattr(spec, m, None))]
        if missing:
            raise InvalidParameterError(
                f"The {param_name!r} parameter must be a {self.kind} name "
                f"({', '.join(map(repr, self.names(where)))}) or an object with "
                f"{self._protocol_text()}; got {spec!r}, which lacks "
                f"{', '.join(missing)}."
            )
        # A copy, so that fitting never changes the user's object (optimizers
        # keep state, and the same object may sit in several estimators).
        return copy.deepcopy(spec)

    def _protocol_text(self):
        if self.protocol is not None:
            return self.protocol
        return " and ".join(f"{m}()" for m in self.required) + " methods"

    def _load_plugins(self):
        if self._plugins_loaded:
            return
        self._plugins_loaded = True
        for entry_point in _entry_points(self.group):
            if entry_point.name in self._factories:
                continue
            try:
                factory = entry_point.load()
                self.register(entry_point.name, factory)
                self._plugin_names.add(entry_point.name)
            except Exception as exc:  # a broken plugin must not break us
                warnings.warn(
                    f"Skipping the {self.kind} plugin {entry_point.name!r} "
                    f"({entry_point.value}): it failed to load with "
                    f"{type(exc).__name__}: {exc}",
                    RuntimeWarning,
                    stacklevel=3,
                )

    def reload_plugins(self):
        """Forget loaded plugins so the next miss scans entry points again.

        For a package installed (or removed) while Python runs.
        """
        for name in self._plugin_names:
            self._factories.pop(name, None)
        self._plugin_names.clear()
        self._plugins_loaded = False
        # the import system caches directory listings: a new *.dist-info
        # would otherwise go unseen
        importlib.invalidate_caches()


#: every registry, in the order the component modules create them
_REGISTRIES = []


def reload_plugins():
    """Forget the plugins of every component kind; see ``Registry.reload_plugins``."""
    for registry in _REGISTRIES:
        registry.reload_plugins()


def _entry_points(group):
    try:
        return list(metadata.entry_points(group=group))
    except Exception as exc:
        warnings.warn(
            f"Could not read entry points for {group!r}: {exc}",
            RuntimeWarning,
            stacklevel=4,
        )
        return []


def _accepted(factory, options):
    """The subset of ``options`` that ``factory``'s signature takes by name."""
    if not options:
        return {}
    try:
        takes_any, names = _keywords(factory)
    except TypeError:  # an unhashable factory: read its signature each time
        takes_any, names = _keywords.__wrapped__(factory)
    if takes_any:
        return dict(options)
    return {k: v for k, v in options.items() if k in names}


@functools.lru_cache(maxsize=256)
def _keywords(factory):
    """Whether ``factory`` takes ``**kwargs``, and the names it takes.

    Cached: reading a signature costs more than the rest of a ``partial_fit``
    call on a few samples.
    """
    try:
        parameters = inspect.signature(factory).parameters
    except (TypeError, ValueError):
        return False, frozenset()
    takes_any = any(p.kind is p.VAR_KEYWORD for p in parameters.values())
    return takes_any, frozenset(parameters)
