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
"""

import keras
from keras import ops

from rnncourse import _checks

MASKED_SCORE = -1e9  # score given to masked steps: exp(MASKED_SCORE - max) is exactly 0.0


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
        if mask is not None:
            mask = _checks.dtype("mask", mask, ("bool",), "booleans (True = a real step)")
            scores = ops.where(mask, scores, ops.cast(MASKED_SCORE, scores.dtype))  # (batch, time)
        weights = ops.softmax(scores, axis=-1)  # (batch, time), each row sums to 1
        if mask is not None:
            weights = weights * ops.cast(mask, weights.dtype)  # all-masked row: zeros, not 1/T
        context = ops.einsum("bt,btf->bf", weights, values)  # (batch, features)
        return context, weights

    def compute_mask(self, values, mask=None):
        return [None, None]  # the context has no time axis left to mask

    def compute_output_shape(self, input_shape):
        batch, time, num_features = input_shape
        return (batch, num_features), (batch, time)

    def get_config(self):
        return {**super().get_config(), "units": self.units}
