"""Choosing the next character: greedy, temperature, top-k and nucleus sampling, and the loop.

    rng = np.random.default_rng(0)
    ids = sampling.next_ids(logits, rng, temperature=0.8, top_k=20)   # (batch,) int
    out = sampling.generate(charlm.step_model(model, recipe), chars.encode("A fine")[None],
                            200, rng, temperature=0.8)                 # (1, 200) ids

A language model gives logits ``z`` (batch, vocab) for the next symbol. The distribution
sampled from is ``softmax(z / T)`` (temperature ``T``; ``T = 0`` is greedy decoding, the
argmax), cut to the ``top_k`` most probable symbols and/or to the nucleus, the smallest set
of most probable symbols whose probability reaches ``top_p`` (Holtzman et al. 2020), and
renormalised. ``chars.PAD`` (id 0) is never chosen. Cuts apply in that order: temperature,
top-k, nucleus (of the renormalised top-k distribution). Ties keep the lower id.
"""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf

from rnncourse import _checks, chars


def _settings(temperature, top_k, top_p) -> tuple[float, int | None, float | None]:
    return (_checks.number("temperature", temperature, low=0),
            _checks.optional(_checks.integer, "top_k", top_k, minimum=1),
            _checks.optional(_checks.number, "top_p", top_p, low=0, high=1,
                             inclusive=(False, True)))


def _logits(logits) -> np.ndarray:
    logits = _checks.array("logits", logits, axes=("batch", "vocab"), nonempty=("batch",))
    if logits.shape[1] < 2:
        raise ValueError(f"logits must have at least 2 entries along its vocab axis (PAD and "
                         f"one symbol); got shape {logits.shape}")
    return logits


def _filtered(logits: np.ndarray, temperature: float, top_k, top_p) -> np.ndarray:
    """filtered_probabilities without the entry checks: (batch, vocab) -> (batch, vocab)."""
    z = np.array(logits, dtype=np.float64)  # (batch, vocab)
    z[:, chars.PAD] = -np.inf
    if temperature == 0:  # greedy: all the mass on the argmax
        return np.eye(z.shape[1])[np.argmax(z, axis=1)]  # (batch, vocab)
    probs = np.exp((z - z.max(axis=1, keepdims=True)) / temperature)  # (batch, vocab)
    order = np.argsort(-probs, axis=1, kind="stable")  # (batch, vocab) most probable first
    ranked = np.take_along_axis(probs / probs.sum(axis=1, keepdims=True), order, axis=1)
    if top_k is not None:
        ranked[:, top_k:] = 0.0
        ranked /= ranked.sum(axis=1, keepdims=True)
    if top_p is not None:
        before = np.cumsum(ranked, axis=1) - ranked  # (batch, vocab) mass of the higher ranks
        ranked[before >= top_p] = 0.0  # the nucleus: what is needed to reach top_p
    kept = np.zeros_like(ranked)
    np.put_along_axis(kept, order, ranked, axis=1)
    return kept / kept.sum(axis=1, keepdims=True)  # (batch, vocab), rows sum to 1


def filtered_probabilities(logits, temperature: float = 1.0, top_k: int | None = None,
                           top_p: float | None = None) -> np.ndarray:
    """The distribution ``next_ids`` samples from, ``(batch, vocab)`` float64, rows summing
    to 1: ``softmax(logits / temperature)`` cut to the ``top_k`` most probable symbols and
    to the nucleus of mass ``top_p``, renormalised; one-hot on the argmax if
    ``temperature == 0``. ``logits``: (batch, vocab); column ``chars.PAD`` gets probability 0.
    """
    return _filtered(_logits(logits), *_settings(temperature, top_k, top_p))


def _sample(probs: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One id per row of ``probs`` (batch, vocab) by inverting its cumulative sum."""
    cumulative = np.cumsum(probs, axis=1)  # (batch, vocab)
    uniform = rng.random((probs.shape[0], 1)) * cumulative[:, -1:]  # (batch, 1)
    return np.argmax(cumulative > uniform, axis=1).astype(np.int32)  # (batch,)


def next_ids(logits, rng, temperature: float = 1.0, top_k: int | None = None,
             top_p: float | None = None) -> np.ndarray:
    """One sampled symbol id per row of ``logits`` (batch, vocab): ``(batch,)`` int32.

    ``temperature == 0`` is greedy (the argmax; ``rng`` is not used). ``rng``: a
    ``np.random.Generator``; the same seed gives the same ids. Never ``chars.PAD``.
    """
    rng = _checks.generator("rng", rng)
    return _next(_logits(logits), rng, *_settings(temperature, top_k, top_p))


def _next(logits, rng, temperature, top_k, top_p) -> np.ndarray:
    if temperature == 0:
        masked = np.where(np.arange(logits.shape[1]) == chars.PAD, -np.inf, logits)
        return np.argmax(masked, axis=1).astype(np.int32)  # (batch,)
    return _sample(_filtered(logits, temperature, top_k, top_p), rng)


def _caller(step):
    """``step`` as a function of a list of NumPy inputs; a keras.Model compiled once into a
    graph (tf.function: about 20 times faster per character than calling it eagerly)."""
    if not isinstance(step, keras.Model):
        return step
    graph = tf.function(lambda inputs: step(inputs, training=False), reduce_retracing=True,
                        autograph=False)
    return lambda inputs: graph([tf.convert_to_tensor(x) for x in inputs])


def _call(call, inputs: list) -> tuple[np.ndarray, np.ndarray]:
    """(logits (batch, vocab), state) of one call on ``inputs``, as NumPy arrays."""
    logits, state = call(inputs)
    return keras.ops.convert_to_numpy(logits), keras.ops.convert_to_numpy(state)


def _start_state(step, state, batch: int) -> np.ndarray:
    if state is None:
        if not isinstance(step, keras.Model) or len(step.inputs) < 2:
            raise TypeError("state is needed when step is a plain function (give "
                            "np.zeros((batch, units))); only a keras.Model with inputs "
                            "[ids, state] tells its units")
        return np.zeros((batch, step.inputs[1].shape[-1]), dtype=np.float32)
    state = _checks.array("state", state, axes=("batch", "units"), shape=(batch, None),
                          nonempty=("units",))
    return state.astype(np.float32)


def _entry(step, prompt_ids, num_chars, rng, state, labels, stop_at_end, how):
    if not callable(step):
        raise TypeError(f"step must be a keras.Model or a function of [ids, state]; got "
                        f"{_checks.shown(step)}")
    prompt = _checks.array("prompt_ids", prompt_ids, axes=("batch", "time"), kind="int",
                           nonempty=("batch", "time"))
    _checks.within("prompt_ids", prompt, chars.PAD + 1, chars.VOCAB_SIZE - 1)
    unknown = sorted(set(how) - {"temperature", "top_k", "top_p"})
    if unknown:
        raise TypeError(f"generate got unknown settings {unknown}; the decoding settings are "
                        "temperature, top_k and top_p")
    labels = _checks.optional(_checks.array, "labels", labels, axes=("batch",), kind="int",
                              shape=(prompt.shape[0],))
    return (prompt.astype(np.int32), _checks.integer("num_chars", num_chars, minimum=1),
            _checks.generator("rng", rng), _start_state(step, state, prompt.shape[0]), labels,
            _checks.instance("stop_at_end", stop_at_end, (bool, np.bool_), "True or False"),
            _settings(how.get("temperature", 1.0), how.get("top_k"), how.get("top_p")))


def generate(step, prompt_ids, num_chars: int, rng, state=None, labels=None,
             stop_at_end: bool = True, **how) -> np.ndarray:
    """``num_chars`` symbols generated after each prompt: ``(batch, num_chars)`` int32.

    step: a keras.Model or a function mapping ``[ids (batch, 1), state (batch, units)]``
    (``+ [labels (batch, 1)]`` if ``labels`` is given) to ``[logits (batch, vocab), state]``,
    as ``charlm.step_model`` does. prompt_ids: (batch, time) ids, no PAD (``[[chars.END]]``
    starts a review from nothing); fed first, its last logits give the first symbol.
    state: (batch, units), zeros if None. how: ``temperature``, ``top_k``, ``top_p`` of
    ``next_ids``. With ``stop_at_end`` a row ends with its ``chars.END``, PAD after it;
    a row with no END was cut by ``num_chars`` (the cap, not the model, ended it).
    """
    prompt, num_chars, rng, state, labels, stop, how = _entry(
        step, prompt_ids, num_chars, rng, state, labels, stop_at_end, how)
    extra = [] if labels is None else [labels[:, None].astype(np.int32)]  # (batch, 1)
    call = _caller(step)
    for t in range(prompt.shape[1]):
        logits, state = _call(call, [prompt[:, t:t + 1], state] + extra)
    out = np.full((prompt.shape[0], num_chars), chars.PAD, dtype=np.int32)  # (batch, num_chars)
    done = np.zeros(prompt.shape[0], dtype=bool)  # (batch,) rows that produced END
    for t in range(num_chars):
        out[:, t] = np.where(done, chars.PAD, _next(logits, rng, *how))
        done |= stop & (out[:, t] == chars.END)
        if done.all() or t == num_chars - 1:
            break
        logits, state = _call(call, [out[:, t:t + 1], state] + extra)
    return out
