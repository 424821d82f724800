"""The character language model of chapter 6, once: settings, batches, model, training,
scoring and the one-step generator. Notebooks 06c-06e and benchmarks/charlm_quality.py use it.

    from rnncourse import chars, charlm, imdb
    corpus = chars.corpus(imdb.load_splits())
    recipe = charlm.Recipe()                          # or Recipe(carry_state=False), ...
    model = charlm.build(recipe, seed=0)              # [ids, state] -> [logits, state]
    history = charlm.train(model, corpus, recipe, seed=0, label="GRU")
    bits, counts = charlm.review_bits(model, corpus.val, recipe)   # (reviews,) each
    step = charlm.step_model(model, recipe)           # one character at a time

The state is an explicit input and output of the model, not a ``stateful`` layer: the
training loop feeds chunk k's last state as chunk k + 1's first (or zeros, without
``carry_state``), scoring and generation start from zeros, and any batch size works.
With ``conditional``, a third input gives each character a label (0 negative, 1 positive,
``NO_LABEL``), embedded and joined to the character's vector.
"""

from __future__ import annotations

import dataclasses
import itertools
import time
from dataclasses import dataclass

import keras
import numpy as np
import tensorflow as tf

from rnncourse import _checks, chars

NO_LABEL = 2  # the label input of unlabelled text (and of reviews hidden by label_dropout)


@dataclass(frozen=True)
class Recipe:
    """The settings of the character model; ``Recipe(carry_state=False)`` for a variant."""
    embedding_dim: int = 32  # numbers per character
    num_units: int = 128  # GRU units: the state carried from character to character
    seq_len: int = 50  # characters per chunk: the steps of backpropagation through time
    batch_size: int = 32  # parallel streams: rows of a batch, each continuing its own text
    num_steps: int = 2_000  # gradient steps of a training (3.2 million characters)
    learning_rate: float = 1e-2  # Adam's step size at the start; cosine decay to a tenth
    clip_norm: float = 1.0  # the gradient's global norm is clipped to this
    carry_state: bool = True  # chunk k + 1 starts from chunk k's last state (else zeros)
    conditional: bool = False  # a label input per character (0, 1, or NO_LABEL)
    label_dim: int = 8  # numbers per label (conditional only)
    label_dropout: float = 0.2  # share of fit reviews trained with NO_LABEL (conditional)

    def __post_init__(self):
        for name in ("embedding_dim", "num_units", "seq_len", "batch_size", "num_steps",
                     "label_dim"):
            _checks.integer(name, getattr(self, name), minimum=1)
        _checks.positive("learning_rate", self.learning_rate)
        _checks.positive("clip_norm", self.clip_norm)
        for name in ("carry_state", "conditional"):
            _checks.instance(name, getattr(self, name), bool, "True or False")
        _checks.number("label_dropout", self.label_dropout, low=0, high=1)

    def replace(self, **changes) -> Recipe:
        return dataclasses.replace(self, **changes)


def _reviews(name, reviews):
    reviews = _checks.ragged(name, reviews, kind="int", min_items=1)
    for index, review in enumerate(reviews):
        _checks.within(f"{name}[{index}]", review, chars.UNKNOWN, chars.VOCAB_SIZE - 1)
    return reviews


def _labels(labels, reviews, recipe):
    """(reviews,) int labels in {0, 1} (conditional), or None."""
    if not recipe.conditional:
        return None
    labels = _checks.array("labels", labels, axes=("reviews",), kind="int",
                           shape=(len(reviews),))
    return _checks.within("labels", labels, 0, 1)


def batches(reviews, labels, recipe: Recipe, seed: int = 0) -> tf.data.Dataset:
    """Consecutive chunks of END + the reviews (order shuffled by ``seed``), each followed by
    END, cut into ``batch_size`` parallel rows: row b of chunk k + 1 continues row b of
    chunk k. Elements ``((ids, labels), targets)`` or ``(ids, targets)`` without
    conditional; each (batch_size, seq_len) int32, targets the next ids; labels the label
    of the review each TARGET belongs to (NO_LABEL for a share label_dropout of reviews)."""
    _checks.instance("recipe", recipe, Recipe, "a charlm.Recipe")
    reviews = _reviews("reviews", reviews)
    labels = _labels(labels, reviews, recipe)
    rng = np.random.default_rng(_checks.integer("seed", seed, minimum=0))
    order = rng.permutation(len(reviews))
    ids = np.r_[chars.END, chars.stream([reviews[i] for i in order])]  # (L,)
    B, T = recipe.batch_size, recipe.seq_len
    row_len = (len(ids) - 1) // B // T * T  # characters per row, whole chunks only
    if row_len == 0:
        raise ValueError(f"reviews hold {len(ids) - 1} characters, fewer than batch_size *"
                         f" seq_len = {B * T}: too few for one batch")
    inputs = ids[:B * row_len].reshape(B, row_len)  # row b: the stream from b * row_len
    targets = ids[1:B * row_len + 1].reshape(B, row_len)  # the next character of each

    def chunks(rows):  # (B, row_len) -> (chunks, B, T): chunk k, columns k*T to k*T + T - 1
        return np.stack(np.split(rows.astype(np.int32), row_len // T, axis=1))

    if labels is None:
        return tf.data.Dataset.from_tensor_slices((chunks(inputs), chunks(targets)))
    hidden = rng.permutation(len(order)) < round(recipe.label_dropout * len(order))  # exact
    shown = np.where(hidden, NO_LABEL, labels[order])  # (reviews,) in stream order
    review = np.r_[0, np.repeat(np.arange(len(order)), [len(reviews[i]) + 1 for i in order])]
    per_target = shown[review[1:B * row_len + 1]].reshape(B, row_len)  # targets' labels
    return tf.data.Dataset.from_tensor_slices(((chunks(inputs), chunks(per_target)),
                                               chunks(targets)))


def _graph(recipe, ids, state, label=None):
    """The layers applied: (batch, time) ids -> (batch, time, VOCAB_SIZE) logits, state."""
    x = keras.layers.Embedding(chars.VOCAB_SIZE, recipe.embedding_dim, name="chars")(ids)
    if label is not None:  # (batch, time, embedding_dim + label_dim)
        x = keras.layers.Concatenate(name="joined")([
            x, keras.layers.Embedding(3, recipe.label_dim, name="labels")(label)])
    states, last = keras.layers.GRU(recipe.num_units, return_sequences=True,
                                    return_state=True, name="gru")(x, initial_state=state)
    return keras.layers.Dense(chars.VOCAB_SIZE, name="logits")(states), last


def build(recipe: Recipe, seed: int = 0) -> keras.Model:
    """[ids (batch, time) int32, state (batch, num_units)] (+ [labels (batch, time)] if
    conditional) -> [logits (batch, time, VOCAB_SIZE), last state (batch, num_units)]."""
    _checks.instance("recipe", recipe, Recipe, "a charlm.Recipe")
    keras.utils.set_random_seed(_checks.integer("seed", seed, minimum=0))
    ids = keras.Input(shape=(None,), dtype="int32", name="ids")
    state = keras.Input(shape=(recipe.num_units,), name="state")
    inputs = [ids, state]
    if recipe.conditional:
        inputs.append(keras.Input(shape=(None,), dtype="int32", name="label"))
    return keras.Model(inputs, list(_graph(recipe, *inputs)), name="char_gru")


def step_model(model: keras.Model, recipe: Recipe) -> keras.Model:
    """The one-step generator with ``model``'s layers (its weights, shared): [ids (batch, 1),
    state (batch, num_units)] (+ [labels (batch, 1)]) -> [logits (batch, VOCAB_SIZE),
    new state (batch, num_units)]."""
    model = _model(model, recipe)
    ids = keras.Input(shape=(1,), dtype="int32", name="ids")
    state = keras.Input(shape=(recipe.num_units,), name="state")
    inputs = [ids, state] + ([keras.Input(shape=(1,), dtype="int32", name="label")]
                             if recipe.conditional else [])
    x = model.get_layer("chars")(ids)  # (batch, 1, embedding_dim)
    if recipe.conditional:
        x = model.get_layer("joined")([x, model.get_layer("labels")(inputs[2])])
    states, last = model.get_layer("gru")(x, initial_state=state)  # (batch, 1, units)
    logits = model.get_layer("logits")(states[:, 0])  # (batch, VOCAB_SIZE)
    return keras.Model(inputs, [logits, last], name="char_gru_step")


def _model(model, recipe):
    _checks.instance("model", model, keras.Model, "a Keras model (charlm.build(recipe))")
    _checks.instance("recipe", recipe, Recipe, "a charlm.Recipe")
    names = {layer.name for layer in model.layers}
    wanted = {"chars", "gru", "logits"} | ({"labels", "joined"} if recipe.conditional else set())
    if not wanted <= names or model.get_layer("gru").units != recipe.num_units:
        raise ValueError(f"model must be charlm.build(recipe) for this recipe (layers "
                         f"{sorted(wanted)}, {recipe.num_units} GRU units); got layers "
                         f"{sorted(names)}")
    return model


def train(model: keras.Model, corpus: chars.Corpus, recipe: Recipe, seed: int = 0,
          label: str = "", every: int = 50) -> dict:
    """Adam (learning rate on a cosine from recipe.learning_rate to a tenth of it, global
    norm clipped) for recipe.num_steps steps over ``batches`` of the fit reviews, passes
    reshuffled (seed + pass); the state carried across chunks (if recipe.carry_state) and
    reset at each pass. Prints a line every ``every`` steps; returns {"step", "loss" (mean
    nats per character over the last ``every`` steps), "seconds"} lists."""
    model = _model(model, recipe)
    _checks.instance("corpus", corpus, chars.Corpus, "a chars.Corpus (chars.corpus())")
    seed = _checks.integer("seed", seed, minimum=0)
    _checks.instance("label", label, str, "a str, e.g. 'GRU'")
    every = _checks.integer("every", every, minimum=1)
    schedule = keras.optimizers.schedules.CosineDecay(recipe.learning_rate, recipe.num_steps,
                                                      alpha=0.1)
    step = _train_step(model, keras.optimizers.Adam(schedule, global_clipnorm=recipe.clip_norm))
    history, losses, start = {"step": [], "loss": [], "seconds": []}, [], time.perf_counter()
    zeros = tf.zeros((recipe.batch_size, recipe.num_units))
    state = zeros
    for done, (first, ids, targets, extra) in enumerate(_passes(corpus, recipe, seed), 1):
        loss, last = step(ids, targets, zeros if first else state, *extra)
        state = last if recipe.carry_state else zeros  # (batch, units), eq. h_0 of chunk k+1
        losses.append(loss)
        if done % every == 0 or done == recipe.num_steps:
            _log(history, label, done, recipe.num_steps, losses, start)
            losses = []
        if done == recipe.num_steps:
            return history


def _passes(corpus, recipe, seed):
    """(first chunk of a pass?, ids, targets, [labels] or []) over pass after pass."""
    for epoch in itertools.count():
        dataset = batches(corpus.fit, corpus.fit_labels, recipe, seed + epoch)
        for k, (inputs, targets) in enumerate(dataset):
            ids, extra = (inputs[0], [inputs[1]]) if recipe.conditional else (inputs, [])
            yield k == 0, ids, targets, extra


def _train_step(model, optimizer):
    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)

    @tf.function(reduce_retracing=True, autograph=False)
    def step(ids, targets, state, *labels):
        with tf.GradientTape() as tape:
            logits, last = model([ids, state, *labels], training=True)
            loss = loss_fn(targets, logits)  # mean nats per character
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply(grads, model.trainable_variables)
        return loss, tf.stop_gradient(last)

    return step


def _log(history, label, done, total, losses, start):
    loss, seconds = float(np.mean([float(x) for x in losses])), time.perf_counter() - start
    history["step"].append(done), history["loss"].append(loss)
    history["seconds"].append(seconds)
    prefix = f"{label} " if label else ""
    print(f"{prefix}step {done:>{len(str(total))}}/{total}  loss {loss:.4f} "
          f"({loss / np.log(2):.3f} bits/char)  ({seconds:.0f} s)", flush=True)


def review_bits(model: keras.Model, reviews, recipe: Recipe, labels=None,
                batch_size: int = 128, piece: int = 400) -> tuple[np.ndarray, np.ndarray]:
    """-log2 p of each review read as END + review + END from a zero state, as
    ``ngram.bits`` scores it: ``(bits (reviews,), counts (reviews,))``, counts = length + 1.
    Reviews sorted by length, batched, padded (PAD, masked out of the sum) and run in
    pieces of ``piece`` characters carrying the state, finished reviews dropped.
    labels: (reviews,) 0/1 for a conditional model (None: NO_LABEL for all)."""
    model = _model(model, recipe)
    reviews = _reviews("reviews", reviews)
    batch_size = _checks.integer("batch_size", batch_size, minimum=1)
    piece = _checks.integer("piece", piece, minimum=1)
    if labels is not None and not recipe.conditional:
        raise ValueError("labels are for a conditional model (Recipe(conditional=True)); "
                         "this recipe has none: pass labels=None")
    if labels is not None:
        labels = _labels(labels, reviews, recipe)
    shown = np.full(len(reviews), NO_LABEL) if labels is None else labels
    counts = np.array([len(r) + 1 for r in reviews])  # (reviews,)
    order, bits = np.argsort(counts, kind="stable"), np.zeros(len(reviews))
    run = _score_piece(model)
    for start in range(0, len(reviews), batch_size):
        chosen = order[start:start + batch_size]  # shortest first
        rows = [np.r_[chars.END, reviews[i], chars.END] for i in chosen]
        bits[chosen] = _batch_bits(run, rows, shown[chosen], recipe, piece)
    return bits, counts


def _batch_bits(run, rows, shown, recipe, piece):
    """(rows,) bits of each row's ids after its first (rows sorted by length, shortest
    first), in pieces, the state carried, finished rows dropped."""
    lengths = np.array([len(row) - 1 for row in rows])  # (rows,) symbols predicted
    width = -(-lengths.max() // piece) * piece  # padded to whole pieces
    ids = np.zeros((len(rows), width + 1), np.int32)  # (rows, width + 1), PAD after the end
    for r, row in enumerate(rows):
        ids[r, :len(row)] = row
    labels = np.repeat(shown[:, None], piece, axis=1).astype(np.int32)  # (rows, piece)
    state, done, bits = tf.zeros((len(rows), recipe.num_units)), 0, np.zeros(len(rows))
    for t in range(0, width, piece):
        finished = int(np.sum(lengths <= t)) - done  # rows scored already (the first ones)
        done, state = done + finished, state[finished:]  # (rows left, units)
        part = ids[done:, t:t + piece + 1]  # (rows left, piece + 1)
        total, state = run(part[:, :-1], part[:, 1:], state,
                           *([labels[done:]] if recipe.conditional else []))
        bits[done:] += total.numpy()
    return bits


def _score_piece(model):
    @tf.function(reduce_retracing=True, autograph=False)
    def run(ids, targets, state, *labels):
        logits, last = model([ids, state, *labels], training=False)
        nats = keras.losses.sparse_categorical_crossentropy(targets, logits, from_logits=True)
        real = tf.cast(targets != chars.PAD, nats.dtype)  # (batch, piece): PAD masked
        return tf.reduce_sum(nats * real, axis=1) / np.log(2.0), last

    return run
