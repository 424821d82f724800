"""Chapter 7's encoder-decoder for dates, once: the settings, the model, the masked loss, the
training loop, and the inference parts (the encoder alone, one decoding step, the greedy loop).

    from rnncourse import dates, translate
    recipe = translate.Recipe()
    fit = translate.pairs(fit_sources, fit_targets, source_vocab, target_vocab)
    val = translate.pairs(val_sources, val_targets, source_vocab, target_vocab)
    model = translate.build(recipe, len(source_vocab), len(target_vocab), attention=True)
    history = translate.train(model, (fit, val), recipe, seed=0, label="attention")
    ids = translate.greedy(model, val.sources, max_len=11)         # (n, 11), EOS-terminated
    translate.exact_match(target_vocab.decode(ids), val_targets)   # (n,) bool

Training uses teacher forcing: the decoder reads BOS and the true target, one step behind the
targets it predicts (target + EOS). Inference feeds back its own predictions, one step at a
time, through ``step_model``: ``[tokens (n,), state (n, units), encoder_states (n, T_in,
units), source_mask (n, T_in)] -> [log_probs (n, V), new state (n, units), attention weights
(n, T_in)]`` (zeros for the model without attention). With attention, the decoder GRU's output
at each step queries the encoder's states (Luong et al. 2015's placement, with additive scores:
``attention.DecoderAttention``) and the readout sees [decoder output, context].
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import keras
import numpy as np
from keras import ops
from sacrebleu.metrics import CHRF

from rnncourse import _checks, attention as attention_layers, progress
from rnncourse.dates import Vocabulary

PAD, BOS, EOS = Vocabulary.PAD, Vocabulary.BOS, Vocabulary.EOS


@dataclass(frozen=True)
class Recipe:
    """The settings of chapter 7's encoder-decoders; ``recipe.replace(num_units=64)``."""
    embedding_dim: int = 32  # numbers per character, source and target
    num_units: int = 128  # GRU units of the encoder and of the decoder
    attention_units: int = 64  # hidden units of the attention's score (attention=True)
    num_fit: int = 20_000  # fit examples (dates written in one format each)
    num_epochs: int = 6  # passes over the fit examples
    batch_size: int = 64  # examples per gradient step
    learning_rate: float = 3e-3  # Adam's step size at the start of the cosine schedule

    def __post_init__(self):
        for name in ("embedding_dim", "num_units", "attention_units", "num_fit",
                     "num_epochs", "batch_size"):
            _checks.integer(name, getattr(self, name), minimum=1)
        _checks.positive("learning_rate", self.learning_rate)

    def replace(self, **changes) -> Recipe:
        return dataclasses.replace(self, **changes)


@dataclass
class Pairs:
    """Ids for teacher forcing: sources (n, T_in); decoder_inputs (n, T_out) = BOS + target;
    decoder_targets (n, T_out) = target + EOS, PAD after (the same ids, one step ahead)."""
    sources: np.ndarray
    decoder_inputs: np.ndarray
    decoder_targets: np.ndarray


def pairs(sources, targets, source_vocab: Vocabulary, target_vocab: Vocabulary) -> Pairs:
    """The ``Pairs`` of lists of source and target strings, encoded with the vocabularies."""
    _checks.instance("source_vocab", source_vocab, Vocabulary, "a dates.Vocabulary")
    _checks.instance("target_vocab", target_vocab, Vocabulary, "a dates.Vocabulary")
    _checks.items("sources", sources, str, "a date as written (a str)", min_items=1)
    _checks.items("targets", targets, str, "an ISO date (a str)", min_items=1)
    source_ids = source_vocab.encode(sources)  # (n, T_in)
    target_ids = target_vocab.encode(targets, add_bos_eos=True)  # (n, T_out + 1)
    if len(source_ids) != len(target_ids):
        raise ValueError(f"targets must have one string per source ({len(source_ids)}); "
                         f"got {len(target_ids)}")
    return Pairs(source_ids, target_ids[:, :-1], target_ids[:, 1:])


def build(recipe: Recipe, source_vocab_size: int, target_vocab_size: int,
          attention: bool = False, seed: int = 0) -> keras.Model:
    """The teacher-forced model: [source ids (batch, T_in), decoder inputs (batch, T_out)]
    -> logits (batch, T_out, target_vocab_size)."""
    _checks.instance("recipe", recipe, Recipe, "a translate.Recipe")
    for name, size in (("source_vocab_size", source_vocab_size),
                       ("target_vocab_size", target_vocab_size)):
        _checks.integer(name, size, minimum=5)
    _checks.instance("attention", attention, bool, "True or False")
    keras.utils.set_random_seed(_checks.integer("seed", seed, minimum=0))
    source = keras.Input((None,), dtype="int32", name="source")  # (batch, T_in)
    decoder_inputs = keras.Input((None,), dtype="int32", name="decoder_inputs")  # (b, T_out)
    embedded = keras.layers.Embedding(source_vocab_size, recipe.embedding_dim, mask_zero=True,
                                      name="source_embedding")(source)  # (batch, T_in, emb)
    encoder_states, state = keras.layers.GRU(  # (batch, T_in, units), (batch, units)
        recipe.num_units, return_sequences=True, return_state=True, name="encoder")(embedded)
    read = keras.layers.Embedding(target_vocab_size, recipe.embedding_dim,
                                  name="target_embedding")(decoder_inputs)  # (b, T_out, emb)
    outputs = keras.layers.GRU(recipe.num_units, return_sequences=True, name="decoder")(
        read, initial_state=state)  # (batch, T_out, units)
    if attention:
        context, _ = attention_layers.DecoderAttention(recipe.attention_units, name="attention")(
            outputs, encoder_states, mask=ops.not_equal(source, PAD))  # (b, T_out, units)
        outputs = keras.layers.Concatenate(name="with_context")([outputs, context])
    logits = keras.layers.Dense(target_vocab_size, name="readout")(outputs)  # (b, T_out, V)
    return keras.Model([source, decoder_inputs], logits, name="encoder_decoder")


def masked_loss(targets, logits):
    """Mean cross-entropy over the target positions that are not PAD: targets (batch, T_out)
    ids (Keras hands them over as floats), logits (batch, T_out, V)."""
    if tuple(targets.shape) != tuple(logits.shape)[:-1] or len(logits.shape) != 3:
        raise ValueError(f"targets (batch, T_out) must match logits (batch, T_out, V); got "
                         f"shapes {tuple(targets.shape)} and {tuple(logits.shape)}")
    losses = keras.losses.sparse_categorical_crossentropy(targets, logits, from_logits=True)
    real = ops.cast(ops.not_equal(targets, PAD), losses.dtype)  # (batch, T_out)
    return ops.sum(losses * real) / ops.maximum(ops.sum(real), 1.0)


def train(model: keras.Model, data, recipe: Recipe, seed: int = 0, label: str = "") -> dict:
    """Adam on a cosine schedule, the masked loss, ``data = (fit, val)`` (``Pairs``), batches
    shuffled with ``seed``, the weights of the best validation epoch kept; prints a line per
    epoch. Returns the history (loss and val_loss per epoch)."""
    _checks.instance("model", model, keras.Model, "a Keras model (translate.build(...))")
    if not (isinstance(data, tuple) and len(data) == 2
            and all(isinstance(part, Pairs) for part in data)):
        raise TypeError("data must be a tuple (fit, val) of two translate.Pairs "
                        f"(translate.pairs(...)); got {_checks.shown(data)}")
    fit, val = data
    _checks.instance("recipe", recipe, Recipe, "a translate.Recipe")
    keras.utils.set_random_seed(_checks.integer("seed", seed, minimum=0))
    steps = recipe.num_epochs * -(-len(fit.sources) // recipe.batch_size)
    schedule = keras.optimizers.schedules.CosineDecay(recipe.learning_rate, steps)
    model.compile(optimizer=keras.optimizers.Adam(schedule), loss=masked_loss)
    stop = keras.callbacks.EarlyStopping(patience=recipe.num_epochs, restore_best_weights=True)
    history = model.fit([fit.sources, fit.decoder_inputs], fit.decoder_targets,
                        validation_data=([val.sources, val.decoder_inputs], val.decoder_targets),
                        epochs=recipe.num_epochs, batch_size=recipe.batch_size, shuffle=True,
                        callbacks=[stop, progress.EpochLog(label)],
                        verbose=0)
    return history.history


def _layers(model):
    _checks.instance("model", model, keras.Model, "a Keras model (translate.build(...))")
    names = {layer.name for layer in model.layers}
    if not {"source_embedding", "encoder", "target_embedding", "decoder"} <= names:
        raise ValueError("model must be made by translate.build (its layers are named "
                         f"source_embedding, encoder, ...); got layers {sorted(names)}")
    return model.get_layer, "attention" in names


def encoder_model(model: keras.Model) -> keras.Model:
    """source ids (n, T_in) -> [encoder_states (n, T_in, units), state (n, units),
    source_mask (n, T_in) bool], with ``model``'s weights."""
    layer, _ = _layers(model)
    source = keras.Input((None,), dtype="int32", name="source")  # (n, T_in)
    states, state = layer("encoder")(layer("source_embedding")(source))
    return keras.Model(source, [states, state, ops.not_equal(source, PAD)], name="encoder")


def step_model(model: keras.Model) -> keras.Model:
    """One decoding step: [tokens (n,), state (n, units), encoder_states (n, T_in, units),
    source_mask (n, T_in)] -> [log_probs (n, V), new state (n, units), weights (n, T_in)]."""
    layer, with_attention = _layers(model)
    units = layer("decoder").cell.units
    tokens = keras.Input((), dtype="int32", name="tokens")  # (n,)
    state = keras.Input((units,), name="state")  # (n, units)
    states = keras.Input((None, layer("encoder").cell.units), name="encoder_states")
    mask = keras.Input((None,), dtype="bool", name="source_mask")  # (n, T_in)
    output, new_state = layer("decoder").cell(layer("target_embedding")(tokens), state)
    weights = ops.zeros_like(ops.cast(mask, "float32"))  # (n, T_in): no attention
    if with_attention:
        context, weights = layer("attention")(output[:, None, :], states, mask=mask)
        output = layer("with_context")([output, context[:, 0]])  # (n, units + units)
        weights = weights[:, 0]  # (n, T_in)
    log_probs = ops.log_softmax(layer("readout")(output), axis=-1)  # (n, V)
    return keras.Model([tokens, state, states, mask], [log_probs, new_state, weights],
                       name="step")


def greedy(model: keras.Model, sources_ids, max_len: int, batch_size: int = 1024
           ) -> np.ndarray:
    """The most probable next token at every step, fed back: (n, max_len) int32 ids (a row's
    ids after its first EOS are EOS too; decode stops at the first)."""
    sources_ids = _checks.array("sources_ids", sources_ids, axes=("n", "T_in"), kind="int",
                                nonempty=("n", "T_in"))
    max_len = _checks.integer("max_len", max_len, minimum=1)
    encode, step = encoder_model(model), step_model(model)
    return np.concatenate([_greedy(encode, step, sources_ids[i:i + batch_size], max_len)
                           for i in range(0, len(sources_ids), batch_size)])


def _greedy(encode, step, sources_ids, max_len):
    states, state, mask = encode(sources_ids.astype(np.int32))  # (n, T_in, u), (n, u), mask
    states = ops.copy(states)  # without the Keras mask the encoder's output carries
    tokens = ops.full((len(sources_ids),), BOS, dtype="int32")  # (n,)
    predicted = []
    for _ in range(max_len):
        log_probs, state, _ = step([tokens, state, states, mask])  # (n, V), (n, units)
        best = ops.cast(ops.argmax(log_probs, axis=-1), "int32")  # (n,)
        tokens = ops.where(ops.equal(tokens, EOS), EOS, best)  # EOS stays EOS
        predicted.append(ops.convert_to_numpy(tokens))
    return np.stack(predicted, axis=1)  # (n, max_len)


def translate(model: keras.Model, texts, source_vocab: Vocabulary, target_vocab: Vocabulary,
              max_len: int = 11) -> list[str]:
    """The greedy translations of ``texts`` (a list of str), as strings."""
    ids = greedy(model, source_vocab.encode(texts), max_len)
    return _checks.instance("target_vocab", target_vocab, Vocabulary,
                            "a dates.Vocabulary").decode(ids)


def exact_match(predicted, targets) -> np.ndarray:
    """(n,) bool: True where the predicted string equals the target string."""
    predicted = _checks.items("predicted", predicted, str, "a str", min_items=1)
    targets = _checks.items("targets", targets, str, "a str", min_items=1)
    if len(predicted) != len(targets):
        raise ValueError(f"predicted must have one string per target ({len(targets)}); "
                         f"got {len(predicted)}")
    return np.array([p == t for p, t in zip(predicted, targets)])


def chrf(predicted, targets) -> float:
    """sacrebleu's corpus chrF (Popović 2015), 0 to 100, of the predicted strings."""
    exact_match(predicted, targets)  # the same checks
    return float(CHRF().corpus_score(list(predicted), [list(targets)]).score)
