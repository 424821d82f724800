"""Additive (Bahdanau-style) attention over the states of a recurrent layer, as a Keras layer.

For a sequence of states ``h_t`` (``values``, ``(batch, time, features)``), with a weight
matrix ``W (features, units)``, a bias ``b (units,)`` and a vector ``v (units,)``::

    e_t     = tanh(h_t @ W + b) @ v           # score of step t,    (batch, time)
    alpha_t = exp(e_t) / sum_s exp(e_s)       # weight of step t,   (batch, time), sums to 1
    context = sum_t alpha_t * h_t             # weighted average,   (batch, features)

The sums run over the unmasked steps only: a masked step (padding) gets weight exactly 0.
Bahdanau, Cho and Bengio (2015) score each encoder state against the decoder state ``s``,
``e_t = tanh(h_t @ W + s @ U + b) @ v``. A classifier has no decoder, so here the query is a
learned constant and ``s @ U`` is absorbed into ``b`` (attention pooling, as in Yang et al.
2016).

    context, weights = BahdanauAttention(units)(states)   # states from return_sequences=True

A decoder has a query per output step ``s_k`` (``query``, ``(batch, T_out, d_q)``), and scores
every source state ``h_t`` (``values``, ``(batch, T_in, features)``) against each of them, with
one more weight matrix ``U (d_q, units)``::

    e_kt      = tanh(h_t @ W + s_k @ U + b) @ v   # score of source step t for output step k
    alpha_kt  = exp(e_kt) / sum_t' exp(e_kt')     # (batch, T_out, T_in), rows sum to 1
    context_k = sum_t alpha_kt * h_t              # (batch, T_out, features)

    context, weights = DecoderAttention(units)(query, values, mask=source_mask)

``BahdanauAttention`` is the special case of one query step whose ``s_k @ U`` is a constant.
Both share the masked softmax below.
"""

import keras
from keras import ops

from rnncourse import _checks

MASKED_SCORE = -1e9  # score given to masked steps: exp(MASKED_SCORE - max) is exactly 0.0


def _masked_softmax(scores, mask):
    """Softmax of ``scores (batch, ..., time)`` over time, with weight exactly 0 where ``mask
    (batch, time)`` (booleans, True = a real step; or None: every step is real) is False.

    A row whose every step is masked gets weights of zeros (not 1 / time).
    """
    if mask is None:
        return ops.softmax(scores, axis=-1)  # (batch, ..., time)
    mask = _checks.dtype("mask", mask, ("bool",), "booleans (True = a real step)")
    while len(mask.shape) < len(scores.shape):  # (batch, time) -> (batch, 1, time)
        mask = ops.expand_dims(mask, axis=1)
    scores = ops.where(mask, scores, ops.cast(MASKED_SCORE, scores.dtype))  # (batch, ..., time)
    weights = ops.softmax(scores, axis=-1)  # (batch, ..., time), each row sums to 1
    return weights * ops.cast(mask, weights.dtype)  # all-masked row: zeros, not 1 / time


@keras.saving.register_keras_serializable(package="rnncourse")
class BahdanauAttention(keras.layers.Layer):
    """Additive attention pooling: returns ``(context (batch, features), weights (batch, time))``.

    Args:
        units: size of the hidden layer of the score, ``tanh(h_t @ W + b)`` (a positive int).

    A row whose every step is masked gets weights and a context of zeros.
    """

    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = _checks.integer("units", units, minimum=1)
        self.supports_masking = True

    def build(self, input_shape):
        _checks.input_shape("values", input_shape, ("batch", "time", "features"),
                            known=("features",))
        num_features = input_shape[-1]
        self.W = self.add_weight(shape=(num_features, self.units), name="W")
        self.b = self.add_weight(shape=(self.units,), initializer="zeros", name="b")
        self.v = self.add_weight(shape=(self.units,), name="v")

    def call(self, values, mask=None):
        hidden = ops.tanh(ops.matmul(values, self.W) + self.b)  # (batch, time, units)
        scores = ops.matmul(hidden, self.v)  # (batch, time)
        weights = _masked_softmax(scores, mask)  # (batch, time), each row sums to 1
        context = ops.einsum("bt,btf->bf", weights, values)  # (batch, features)
        return context, weights

    def compute_mask(self, values, mask=None):
        return [None, None]  # the context has no time axis left to mask

    def compute_output_shape(self, input_shape):
        batch, time, num_features = input_shape
        return (batch, num_features), (batch, time)

    def get_config(self):
        return {**super().get_config(), "units": self.units}


@keras.saving.register_keras_serializable(package="rnncourse")
class DecoderAttention(keras.layers.Layer):
    """Additive attention of a decoder (Bahdanau et al. 2015): one context per output step.

    ``layer(query, values, mask=None)`` with ``query (batch, T_out, d_q)`` (e.g. the decoder
    GRU's outputs), ``values (batch, T_in, features)`` (the encoder's states) and ``mask
    (batch, T_in)`` (booleans, True = a real source step) returns ``(context (batch, T_out,
    features), weights (batch, T_out, T_in))``; each row of the weights sums to 1 over the real
    source steps, and a masked step gets weight exactly 0. Pass the mask explicitly: with two
    inputs, Keras does not hand the layer the mask of ``values`` by itself.

    Args:
        units: size of the hidden layer of the score, ``tanh(h_s @ W + q_t @ U + b)``.
    """

    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = _checks.integer("units", units, minimum=1)
        self.supports_masking = True

    def build(self, query_shape, values_shape):
        _checks.input_shape("query", query_shape, ("batch", "T_out", "d_q"), known=("d_q",))
        _checks.input_shape("values", values_shape, ("batch", "T_in", "features"),
                            known=("features",))
        self.W = self.add_weight(shape=(values_shape[-1], self.units), name="W")
        self.U = self.add_weight(shape=(query_shape[-1], self.units), name="U")
        self.b = self.add_weight(shape=(self.units,), initializer="zeros", name="b")
        self.v = self.add_weight(shape=(self.units,), name="v")

    def call(self, query, values, mask=None):
        if mask is not None:
            mask = _checks.dtype("mask", mask, ("bool",), "booleans (True = a real step)")
            _check_mask_shape(mask, values)
        keys = ops.matmul(values, self.W)  # (batch, T_in, units): h_s W
        queries = ops.matmul(query, self.U) + self.b  # (batch, T_out, units): q_t U + b
        hidden = ops.tanh(keys[:, None, :, :] + queries[:, :, None, :])  # (b, T_out, T_in, u)
        scores = ops.matmul(hidden, self.v)  # (batch, T_out, T_in): e_ts
        weights = _masked_softmax(scores, mask)  # (batch, T_out, T_in): alpha_ts
        context = ops.einsum("bts,bsf->btf", weights, values)  # (batch, T_out, features)
        return context, weights

    def compute_mask(self, query, previous_mask=None):
        return [None, None]  # the source mask is used up; the decoder keeps the target's

    def compute_output_shape(self, query_shape, values_shape):
        batch, num_out, _ = query_shape
        return (batch, num_out, values_shape[-1]), (batch, num_out, values_shape[1])

    def get_config(self):
        return {**super().get_config(), "units": self.units}


def _check_mask_shape(mask, values):
    """Refuse a mask that is not (batch, T_in) of ``values`` (it would broadcast silently)."""
    wanted, got = tuple(values.shape[:2]), tuple(mask.shape)
    if len(got) != 2 or any(w is not None and g is not None and w != g
                            for w, g in zip(wanted, got)):
        raise ValueError(f"mask must have shape (batch, T_in) = {wanted}, one flag per source "
                         f"step; got shape {got}")
