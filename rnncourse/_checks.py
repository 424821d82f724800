"""Checks at the entry of the public helpers: one line per argument, one clear error each.

    x = _checks.array("x", x, axes=("batch", "time", "features"))
    past = _checks.integer("past", past, minimum=1)
    beta_1 = _checks.number("beta_1", beta_1, low=0, high=1, inclusive=(False, False))

Each check returns the value in the form the function body uses (a NumPy array, an ``int``, a
``float``) or raises ``TypeError`` (the wrong kind of thing) or ``ValueError`` (the right kind,
a wrong value). The message names the argument, says what was expected and shows what was
given, so a learner can fix the call without reading a traceback. Internal: the teaching
functions call these once, at their entry, so their bodies stay as short as their equations.
"""

from __future__ import annotations

import numbers
import os
import re
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import SplitResult, urlsplit

import numpy as np

KINDS = {  # kind -> (NumPy dtype kinds accepted, what the message calls it)
    "float": ("fiu", "real numbers"),
    "int": ("iu", "integers"),
    "bool": ("biu", "booleans (True/False, or 0/1)"),
}


def shown(value: object, limit: int = 60) -> str:
    """A short description of ``value`` for an error message."""
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    text = repr(value)
    return text if len(text) <= limit else f"{text[:limit]}... ({type(value).__name__})"


def array(name: str, value, *, axes: Sequence[str], kind: str = "float",
          shape: Sequence[int | None] | None = None, finite: bool = True,
          nonempty: Sequence[str] = ()) -> np.ndarray:
    """``value`` as an array with one axis per name in ``axes`` (e.g. ``("batch", "time")``).

    kind: "float" (returned as float64, or float32 if it already is), "int" (int64) or "bool".
    shape: a size per axis, ``None`` for any; nonempty: axes that must have at least one entry.
    """
    if isinstance(value, (str, bytes, dict, set)) or value is None:
        raise TypeError(f"{name} must be an array-like of {KINDS[kind][1]} with axes "
                        f"({', '.join(axes)}); got {shown(value)}")
    try:
        result = np.asarray(value)
    except (ValueError, TypeError) as err:  # ragged nested lists
        raise ValueError(f"{name} must be a rectangular array ({', '.join(axes)}); got "
                         f"{shown(value)} ({err})") from None
    accepted, described = KINDS[kind]
    if result.dtype.kind not in accepted:
        raise TypeError(f"{name} must hold {described}; got dtype {result.dtype}")
    if result.ndim != len(axes):
        raise ValueError(f"{name} must be {len(axes)}-D ({', '.join(axes)}); got shape "
                         f"{result.shape}")
    for axis, size, wanted in zip(axes, result.shape, shape or [None] * len(axes)):
        if wanted is not None and size != wanted:
            raise ValueError(f"{name} must have {wanted} along its {axis} axis, shape "
                             f"({', '.join(axes)}); got shape {result.shape}")
        if axis in nonempty and size == 0:
            raise ValueError(f"{name} has an empty {axis} axis (shape {result.shape}); "
                             "it needs at least one entry")
    return _converted(name, result, kind, finite)


def _converted(name: str, result: np.ndarray, kind: str, finite: bool) -> np.ndarray:
    if kind == "float":
        result = result if result.dtype == np.float32 else result.astype(np.float64)
        if finite and not np.all(np.isfinite(result)):
            bad = np.argwhere(~np.isfinite(result))[0]
            raise ValueError(f"{name} must be finite; it has {int((~np.isfinite(result)).sum())}"
                             f" NaN or inf values, the first at index {tuple(int(i) for i in bad)}")
        return result
    if kind == "bool":
        if result.dtype.kind != "b" and not np.isin(result, (0, 1)).all():
            raise ValueError(f"{name} must hold only True/False (or 0/1); got other values")
        return result.astype(bool)
    return result.astype(np.int64)


def integer(name: str, value, *, minimum: int | None = None, maximum: int | None = None) -> int:
    """``value`` as an ``int`` (a Python or NumPy integer, not a bool or a float)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer; got {shown(value)}")
    value = int(value)
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise ValueError(f"{name} must be an integer {_range(minimum, maximum)}; got {value}")
    return value


def number(name: str, value, *, low: float | None = None, high: float | None = None,
           inclusive: tuple[bool, bool] = (True, True)) -> float:
    """``value`` as a finite ``float`` in the range given (each end open or closed)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number; got {shown(value)}")
    value = float(value)
    below = low is not None and (value < low or (value == low and not inclusive[0]))
    above = high is not None and (value > high or (value == high and not inclusive[1]))
    if not np.isfinite(value) or below or above:
        wanted = " ".join(["a finite number", _range(low, high, inclusive)]).rstrip()
        raise ValueError(f"{name} must be {wanted}; got {value!r}")
    return value


def positive(name: str, value) -> float:
    """``value`` as a finite ``float`` > 0 (a learning rate, a step, a tolerance)."""
    return number(name, value, low=0, inclusive=(False, True))


def fraction(name: str, value) -> float:
    """``value`` as a ``float`` strictly between 0 and 1 (a share, a decay rate)."""
    return number(name, value, low=0, high=1, inclusive=(False, False))


def choice(name: str, value, options: Sequence) -> object:
    """``value`` if it is one of ``options``."""
    if not any(value is option or (type(value) is type(option) and value == option)
               for option in options):
        raise ValueError(f"{name} must be one of {', '.join(map(repr, options))}; "
                         f"got {shown(value)}")
    return value


def instance(name: str, value, kind: type | tuple[type, ...], described: str) -> object:
    """``value`` if it is an instance of ``kind``; ``described`` says what that is."""
    if not isinstance(value, kind):
        raise TypeError(f"{name} must be {described}; got {shown(value)}")
    return value


def path(name: str, value) -> Path:
    """``value`` (a ``str`` or ``os.PathLike``, not empty) as a ``Path``, ``~`` expanded."""
    if not isinstance(value, (str, os.PathLike)) or isinstance(os.fspath(value), bytes):
        raise TypeError(f"{name} must be a path (a str or pathlib.Path); got {shown(value)}")
    given = os.fspath(value)
    if not given.strip() or "\0" in given:
        raise ValueError(f"{name} must be the path of a file or folder; got {shown(value)}")
    return Path(given).expanduser()


def generator(name: str, value) -> np.random.Generator:
    """``value`` if it is a ``np.random.Generator`` (``np.random.default_rng(seed)``)."""
    return instance(name, value, np.random.Generator,
                    "a NumPy random Generator, e.g. np.random.default_rng(0)")


def _range(low, high, inclusive=(True, True)) -> str:
    if low is not None and high is not None:
        return (f"in {'[' if inclusive[0] else '('}{low}, {high}{']' if inclusive[1] else ')'}")
    if low is not None:
        return f"{'>=' if inclusive[0] else '>'} {low}"
    if high is not None:
        return f"{'<=' if inclusive[1] else '<'} {high}"
    return ""


# ---------------------------------------------------------------- shapes shared by arguments
# Added for the NumPy networks, the windows and the forecasting helpers (issue #16).


def keys(name: str, value, wanted: Sequence[str], *, exact: bool = True) -> dict:
    """``value`` if it is a dict with the keys ``wanted`` (and, if ``exact``, no others)."""
    instance(name, value, dict, f"a dict with the keys {', '.join(wanted)}")
    missing = [key for key in wanted if key not in value]
    extra = [key for key in value if key not in wanted] if exact else []
    if missing or extra:
        problems = ([f"missing {', '.join(map(str, missing))}"] if missing else []) + (
            [f"unexpected {', '.join(map(str, extra))}"] if extra else [])
        raise ValueError(f"{name} must have the keys {', '.join(wanted)}; {'; '.join(problems)}")
    return value


def sized(name: str, value, axes: Sequence[str], sizes: dict[str, tuple[int, str]], *,
          kind: str = "float", finite: bool = True, nonempty: Sequence[str] = ()) -> np.ndarray:
    """``value`` as :func:`array` does, with each axis the size the other arguments gave it.

    sizes: axis name -> (size, the argument it was read from), shared by the checks of one
    call and filled in as they go: the first argument with an axis fixes its size, e.g.
    ``{"units": (5, "params['W_hh']")}``, and every later one must agree with it.
    """
    result = array(name, value, axes=axes, kind=kind, finite=finite, nonempty=nonempty)
    for axis, size in zip(axes, result.shape):
        known, source = sizes.setdefault(axis, (size, name))
        if size != known:
            where = f"its other {axis} axis" if source == name else source
            raise ValueError(f"{name} must be ({', '.join(axes)}) with {axis}={known} as in "
                             f"{where}; got shape {result.shape}")
    return result


def initial_state(name: str, value, axes: Sequence[str], sizes: dict[str, tuple[int, str]],
                  dtype=np.float64) -> np.ndarray:
    """``value`` checked by :func:`sized`, or zeros of the known sizes if it is None."""
    if value is None:
        return np.zeros([sizes[axis][0] for axis in axes], dtype=dtype)
    return sized(name, value, axes, sizes)


def weights(name: str, value, axes: dict[str, Sequence[str]], sizes: dict[str, tuple[int, str]],
            *, exact: bool = True) -> dict[str, np.ndarray]:
    """The arrays of the dict ``value`` under the keys of ``axes``, each checked by :func:`sized`
    (in the order of ``axes``). exact: refuse other keys; False ignores them (a function that
    uses some of the weights, such as the forward pass)."""
    keys(name, value, list(axes), exact=exact)
    return {key: sized(f"{name}[{key!r}]", value[key], axes[key], sizes) for key in axes}


def values(name: str, value, *, finite: bool = True, nonempty: bool = True) -> np.ndarray:
    """``value`` as a float array of any shape (as :func:`array`); nonempty: one element or more."""
    result = array(name, value, axes=[f"axis {i}" for i in range(_rank(value))], finite=finite)
    if nonempty and result.size == 0:
        raise ValueError(f"{name} is empty (shape {result.shape}); it needs at least one element")
    return result


def arrays(name: str, value, *, finite: bool = True) -> dict:
    """A non-empty dict of float arrays of any shape (parameters, gradients), as :func:`values`."""
    instance(name, value, dict, "a dict of arrays, e.g. the params from init_params")
    if not value:
        raise ValueError(f"{name} is an empty dict; it needs at least one array")
    return {key: values(f"{name}[{key!r}]", item, finite=finite, nonempty=False)
            for key, item in value.items()}


def optional(check, name: str, value, *args, **kwargs):
    """None if ``value`` is None, else ``check(name, value, *args, **kwargs)``."""
    return None if value is None else check(name, value, *args, **kwargs)


def _rank(value) -> int:
    try:
        return np.ndim(value)
    except (ValueError, TypeError):  # ragged nested lists: array() says so
        return 1


# ------------------------------------------- ragged reviews, names, tensors, layers, addresses
# Added for text, sentiment, attention, heatmap, records, progress and hub-link (issue #16).

INTEGER_DTYPES = ("int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64")
URL_PATH = r"(?:[A-Za-z0-9._~!$&'()*+,;=:@/-]|%[0-9A-Fa-f]{2})*"  # RFC 3986 path characters
URL_HOST = r"[\w-]+(?:\.[\w-]+)*\.?|\[[0-9A-Fa-f:.]+\]"  # a host name, IPv4 or [IPv6] address


def as_given(name: str, value, **checks) -> np.ndarray:
    """``value`` checked as :func:`array` checks it, returned as ``np.asarray(value)``: with
    its own dtype (labels that stay integers)."""
    array(name, value, **checks)
    return np.asarray(value)


def within(name: str, value: np.ndarray, low=None, high=None) -> np.ndarray:
    """``value`` (an array) if every entry is in [low, high]; else name the first outside."""
    outside = np.zeros(np.shape(value), dtype=bool)
    if low is not None:
        outside |= value < low
    if high is not None:
        outside |= value > high
    if outside.any():
        index = tuple(int(i) for i in np.argwhere(outside)[0])
        raise ValueError(f"{name} must hold values {_range(low, high)}; got "
                         f"{np.asarray(value)[index].item()!r} at index {index}")
    return value


def ragged(name: str, value, *, trailing: Sequence[tuple[int, ...]] = ((),), kind: str = "int",
           low=None, high=None, min_items: int = 0, nonempty: bool = False,
           axis: str = "length") -> list[np.ndarray]:
    """``value`` as a list of arrays of different lengths (reviews of token ids), dtypes kept.

    Each array has the shape ``(length, *t)`` for one ``t`` of ``trailing``, the same for all
    (``((), (2,))``: (length,) or (length, 2) arrays), and holds ``kind`` values in [low, high]
    (an empty array may have any dtype). min_items: at least that many arrays; nonempty: none
    of length 0. Errors name the array, e.g. ``sequences[3]``.
    """
    forms = " or ".join(f"({', '.join((axis, *map(str, t)))}{',' * (not t)})" for t in trailing)
    if isinstance(value, (str, bytes)) or not isinstance(value, (Sequence, np.ndarray)):
        raise TypeError(f"{name} must be a list of {forms} arrays; got {shown(value)}")
    if len(value) < min_items:
        raise ValueError(f"{name} must hold at least {min_items} array(s); got {len(value)}")
    result = []
    for index, item in enumerate(value):
        item = _ragged_item(f"{name}[{index}]", item, kind, forms)
        rows = item.shape[1:]
        if item.ndim == 0 or rows not in trailing or (result and rows != result[0].shape[1:]):
            like = f" like {name}[0], of shape {result[0].shape}" if result else ""
            raise ValueError(f"{name}[{index}] must be a {forms} array{like}; got shape "
                             f"{item.shape}")
        if nonempty and len(item) == 0:
            raise ValueError(f"{name}[{index}] is empty; every array of {name} must be non-empty")
        result.append(item)
    if result and (low is not None or high is not None):
        flat = np.concatenate([item.reshape(-1) for item in result])  # (all values,)
        if (low is not None and flat.min(initial=low) < low) or \
                (high is not None and flat.max(initial=high) > high):
            for index, item in enumerate(result):
                within(f"{name}[{index}]", item, low, high)
    return result


def _ragged_item(name: str, value, kind: str, forms: str) -> np.ndarray:
    if isinstance(value, (str, bytes, dict, set)) or value is None:
        raise TypeError(f"{name} must be a {forms} array of {KINDS[kind][1]}; got {shown(value)}")
    try:
        result = np.asarray(value)
    except (ValueError, TypeError) as err:  # ragged nested lists
        raise ValueError(f"{name} must be a rectangular {forms} array; got {shown(value)} "
                         f"({err})") from None
    if result.size and result.dtype.kind not in KINDS[kind][0]:
        raise TypeError(f"{name} must hold {KINDS[kind][1]}; got dtype {result.dtype}")
    if kind == "float" and not np.all(np.isfinite(result)):
        raise ValueError(f"{name} must be finite; it has NaN or inf values")
    return result


def items(name: str, value, kind: type | tuple[type, ...], described: str, *,
          min_items: int = 0) -> Sequence:
    """``value`` if it is a list (a tuple, a 1-D array) of at least ``min_items`` instances of
    ``kind``; ``described`` says what one item is, e.g. ``"a review (a str)"``."""
    if isinstance(value, (str, bytes)) or not isinstance(value, (Sequence, np.ndarray)) \
            or (isinstance(value, np.ndarray) and value.ndim != 1):
        raise TypeError(f"{name} must be a list, each item {described}; got {shown(value)}")
    if len(value) < min_items:
        raise ValueError(f"{name} must hold at least {min_items} item(s); got {len(value)}")
    for index, item in enumerate(value):
        if not isinstance(item, kind):
            raise TypeError(f"{name}[{index}] must be {described}; got {shown(item)}")
    return value


def matches(name: str, value, pattern: str, described: str) -> str:
    """``value`` if it is a ``str`` that the regular expression ``pattern`` matches in full."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be {described} (a str); got {shown(value)}")
    if not re.fullmatch(pattern, value):
        raise ValueError(f"{name} must be {described}; got {value!r}")
    return value


def increasing(name: str, value: np.ndarray, described: str) -> np.ndarray:
    """``value`` (a 1-D array) if each entry is larger than the one before it."""
    later = np.flatnonzero(np.diff(value) <= 0)
    if len(later):
        raise ValueError(f"{name} must be {described}; entry {later[0] + 1} "
                         f"({value[later[0] + 1]}) is not larger than the one before it")
    return value


def registered(name: str, value, registry, described: str):
    """``registry[value]`` (a mapping too long to list, such as Matplotlib's colormaps)."""
    try:
        return registry[value]
    except (KeyError, TypeError):
        raise ValueError(f"{name} must be {described}; got {shown(value)}") from None


def dtype(name: str, value, names: Sequence[str], described: str):
    """``value`` if its ``.dtype`` (NumPy, TensorFlow or Keras) is named one of ``names``."""
    found = getattr(value, "dtype", None)
    found = getattr(found, "name", found)  # a NumPy or TensorFlow dtype, or Keras' str
    if found not in names:
        got = shown(value) if found is None else f"dtype {found}"
        raise TypeError(f"{name} must be {described}; got {got}")
    return value


def input_shape(name: str, value, axes: Sequence[str], *, known: Sequence[str] = (),
                sizes: dict[str, int] | None = None) -> tuple:
    """``value`` (a Keras layer's input shape, None for a size not known yet) as a tuple, if
    it has one entry per name in ``axes``, a size along each axis of ``known`` and the size
    ``sizes[axis]`` along each axis of ``sizes``."""
    value, sizes = tuple(value), sizes or {}
    wanted = [f"a known {axis}" for axis in known] + [f"{size} along {axis}"
                                                    for axis, size in sizes.items()]
    if len(value) != len(axes) or any(value[axes.index(axis)] is None for axis in known) \
            or any(value[axes.index(axis)] != size for axis, size in sizes.items()):
        raise ValueError(f"{name} must have shape ({', '.join(axes)})"
                         + (f" with {' and '.join(wanted)}" if wanted else "")
                         + f"; got shape {value}")
    return value


def url(name: str, value, example: str) -> SplitResult:
    """``value`` split by ``urlsplit``, if it is a plain http(s) address: a host name, an
    optional port and path, and no user name, password, query, fragment or space."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be an address like {example} (a str); got {shown(value)}")
    try:
        parts = urlsplit(value)
        host = parts.hostname
    except ValueError:  # e.g. an unclosed [IPv6 address
        parts, host = None, None
    if any(char.isspace() or not char.isprintable() for char in value):
        problem = "contains a space, a line break or another invisible character"
    elif parts is None or parts.scheme not in ("https", "http") or not host:
        problem = "is not an https:// (or http://) address with a host name"
    elif not _valid_port(parts):
        problem = "has an invalid port (expected 1 to 65535)"
    elif parts.username is not None or parts.password is not None:
        problem = "contains a user name or password, which a shared link must not"
    elif "?" in value or "#" in value:
        problem = "has a query (?...) or a fragment (#...)"
    elif not re.fullmatch(URL_HOST, re.sub(r":\d*$", "", parts.netloc)):
        problem = "has a host name with characters a host name cannot have"
    elif not re.fullmatch(URL_PATH, parts.path):
        problem = "has characters an address cannot hold unescaped (such as < > \" \\ ^ ` { | })"
    else:
        return parts
    raise ValueError(f"{name} {value!r} {problem}; expected an address like {example}")


def _valid_port(parts: SplitResult) -> bool:
    try:
        return parts.port != 0  # None when there is no port; ValueError when out of range
    except ValueError:
        return False


# ------------------------------------------------------------------ counts and intervals
# Added for the statistics helpers (issue #17).


def at_least(name: str, value, minimum: int, what: str, why: str = ""):
    """``value`` (a checked array or list) if it has at least ``minimum`` entries along its
    first axis; ``what`` names them ("seeds"), ``why`` says what needs them (" for a spread")."""
    if len(value) < minimum:
        raise ValueError(f"{name} must have at least {minimum} {what}{why}; got {len(value)}")
    return value


def bounds(name: str, value) -> tuple[float, float]:
    """``value`` as a ``(low, high)`` pair of finite floats with low <= high (an interval)."""
    low, high = (float(bound) for bound in array(name, value, axes=("bounds",), shape=(2,)))
    if low > high:
        raise ValueError(f"{name} must be (low, high) with low <= high; got ({low!r}, {high!r})")
    return low, high


def flags(name: str, value, axes: Sequence[str], sizes: dict[str, tuple[int, str]]
          ) -> np.ndarray:
    """``value`` as a bool array (True/False, or 0/1) checked by :func:`sized`, with at least
    one entry along its first axis; an empty list is refused as empty (not by the float64
    dtype NumPy gives it)."""
    if (isinstance(value, (list, tuple)) and not value) or \
            (isinstance(value, np.ndarray) and value.size == 0):
        raise ValueError(f"{name} is empty; it needs at least one entry along its {axes[0]} "
                         "axis")
    return sized(name, value, axes, sizes, kind="bool", nonempty=axes[:1])
