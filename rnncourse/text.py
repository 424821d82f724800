"""Text helpers for the IMDB chapter: clean, cut and batch reviews for a recurrent model.

    from rnncourse import text
    vectorizer = keras.layers.TextVectorization(max_tokens=20_000, standardize=text.standardize)
    sequences = text.to_sequences(vectorizer, texts)          # list of (length,) int32 arrays
    bigrams = text.bigram_vocabulary(sequences, max_bigrams=25_000)
    rows = text.add_bigrams(sequences, bigrams)               # list of (length, 2) int32 arrays
    sequences = text.keep_head_and_tail(sequences, maxlen=400)
    dataset = text.length_batches(sequences, labels, batch_size=128, seed=0)

Token index 0 is padding and 1 is out-of-vocabulary, as in `TextVectorization`. Token ids are
integers from 0 to MAX_ID (int32, the dtype `pad` returns); each function checks its arguments
once, at its entry, and refuses others with a message that names the argument.
"""

from __future__ import annotations

from collections.abc import Sequence

import keras
import numpy as np
import tensorflow as tf

from rnncourse import _checks

MAX_ID = int(np.iinfo(np.int32).max)  # the largest token or bigram id: pad returns int32
MAX_CODE = (MAX_ID << 32) | MAX_ID  # the largest bigram code (previous << 32) | token
ROWS = ((), (2,))  # a review: (length,) token ids, or (length, 2) rows [token id, bigram id]
BREAK_TAG = r"<br\s*/?>"  # the HTML line break left in the IMDB reviews: <br />, <br/>, <br>
PUNCTUATION = r"[!\"#$%&()*+,\-./:;<=>?@\[\\\]^_`{|}~]"  # replaced by a space; ' is removed


@keras.saving.register_keras_serializable(package="rnncourse")
def standardize(texts: tf.Tensor) -> tf.Tensor:
    """Lower-case, turn `<br />` and punctuation into spaces, drop apostrophes (don't -> dont).

    texts: string tensor of any shape; returns a string tensor of the same shape.
    Keras' default standardisation deletes punctuation without a space, so it glues the words
    before a line break to it ("end.<br /><br />The" -> "endbr br the"); this one does not.
    """
    texts = _checks.dtype("texts", _tensor(texts), ("string",),
                          "strings, e.g. tf.constant(['A review'])")
    texts = tf.strings.lower(texts)
    texts = tf.strings.regex_replace(texts, BREAK_TAG, " ")
    texts = tf.strings.regex_replace(texts, PUNCTUATION, " ")
    return tf.strings.regex_replace(texts, "'", "")


def _tensor(texts):
    """`texts` as a tensor if TensorFlow can make one of it, else as given (for the check)."""
    if isinstance(texts, (tf.Tensor, tf.RaggedTensor)):
        return texts
    try:
        return tf.constant(texts)
    except (ValueError, TypeError):
        return texts


def _sequences(sequences, trailing=ROWS, **checks) -> list[np.ndarray]:
    """`sequences`, checked: a list of arrays of token ids (see `_checks.ragged`)."""
    return _checks.ragged("sequences", sequences, trailing=trailing, low=0, high=MAX_ID, **checks)


def to_sequences(vectorizer: keras.layers.TextVectorization, texts: Sequence[str],
                 batch_size: int = 1000) -> list[np.ndarray]:
    """Token ids of every text, unpadded: a list of (length,) int32 arrays.

    The vectorizer must be built with `ragged=True`, or with no `output_sequence_length`
    (then the padding zeros it adds to each batch are removed again).
    """
    _checks.instance("vectorizer", vectorizer, keras.layers.TextVectorization,
                     "a keras.layers.TextVectorization, adapted, with output_mode='int'")
    _checks.choice("vectorizer's output_mode", vectorizer.get_config()["output_mode"], ("int",))
    _checks.integer("vectorizer's vocabulary size (with padding and [UNK]; adapt it first)",
                    vectorizer.vocabulary_size(), minimum=3)
    texts = _checks.items("texts", texts, str, "a review (a str)")
    batch_size = _checks.integer("batch_size", batch_size, minimum=1)
    sequences = []
    for start in range(0, len(texts), batch_size):
        ids = vectorizer(tf.constant(list(texts[start : start + batch_size])))
        rows = ids.to_list() if isinstance(ids, tf.RaggedTensor) else ids.numpy().tolist()
        sequences += [np.trim_zeros(np.array(row, dtype=np.int32), "b") for row in rows]
    return sequences


def keep_head_and_tail(sequences: Sequence[np.ndarray], maxlen: int,
                       head_fraction: float = 0.5) -> list[np.ndarray]:
    """Cut every sequence longer than `maxlen` to its first and last tokens.

    Keeps round(maxlen * head_fraction) tokens from the start and the rest from the end, so
    a long review keeps its opening and its verdict. head_fraction=1 keeps the start only.
    Works on the (length, 2) sequences of `add_bigrams` too: it cuts along time.
    """
    sequences = _sequences(sequences)
    maxlen = _checks.integer("maxlen", maxlen, minimum=1)
    head_fraction = _checks.number("head_fraction", head_fraction, low=0, high=1)
    head = round(maxlen * head_fraction)
    tail = maxlen - head
    return [s if len(s) <= maxlen else np.concatenate([s[:head], s[len(s) - tail :]])
            for s in sequences]


def pad(sequences: Sequence[np.ndarray], length: int, padding: str = "post") -> np.ndarray:
    """(reviews, length) int32 array, each sequence padded with zeros after ("post") or before
    ("pre") its tokens. Sequences must not be longer than `length` (cut them first). Sequences
    of (length, 2) rows (see `add_bigrams`) give a (reviews, length, 2) array."""
    sequences = _sequences(sequences)
    length = _checks.integer("length", length, minimum=1)
    padding = _checks.choice("padding", padding, ("post", "pre"))
    too_long = [i for i, s in enumerate(sequences) if len(s) > length]
    if too_long:
        raise ValueError(f"sequences[{too_long[0]}] has {len(sequences[too_long[0]])} tokens, "
                         f"more than length={length}; cut them first (keep_head_and_tail)")
    row_shape = np.shape(sequences[0])[1:] if len(sequences) else ()
    batch = np.zeros((len(sequences), length, *row_shape), dtype=np.int32)  # (reviews, length)
    for row, s in enumerate(sequences):
        start = 0 if padding == "post" else length - len(s)
        batch[row, start : start + len(s)] = s
    return batch


def _pair_codes(sequence: np.ndarray) -> np.ndarray:
    """(length,) token ids -> (length,) int64 codes of the pairs (previous token, token); the
    first token's previous token is 0, so its pair marks the start of the review. Ids are at
    most MAX_ID < 2**31, so the codes are distinct and non-negative."""
    sequence = sequence.astype(np.int64)
    previous = np.concatenate([[0], sequence[:-1]])  # (length,)
    return (previous << 32) | sequence


def bigram_vocabulary(sequences: Sequence[np.ndarray], max_bigrams: int,
                      min_count: int = 2) -> np.ndarray:
    """The at most `max_bigrams` most frequent bigrams (pairs of neighbouring tokens) seen at
    least `min_count` times in `sequences` ((length,) token ids each), as sorted int64 codes
    (previous << 32) | token, ready for `add_bigrams`. Ties go to the smaller code."""
    sequences = _sequences(sequences, trailing=((),), min_items=1)
    max_bigrams = _checks.integer("max_bigrams", max_bigrams, minimum=1)
    min_count = _checks.integer("min_count", min_count, minimum=1)
    codes, counts = np.unique(np.concatenate([_pair_codes(s) for s in sequences]),
                              return_counts=True)
    frequent = np.argsort(-counts, kind="stable")[:max_bigrams]  # most frequent first
    return np.sort(codes[frequent[counts[frequent] >= min_count]])


def add_bigrams(sequences: Sequence[np.ndarray], bigrams: np.ndarray) -> list[np.ndarray]:
    """(length,) token ids -> (length, 2) rows [token id, bigram id], the bigram being the
    pair (previous token, token). Bigram ids are 1 + the pair's index in `bigrams` (from
    `bigram_vocabulary`), 0 for a pair not in it. Cut with `keep_head_and_tail` afterwards,
    so no pair joins a review's head to its tail."""
    sequences = _sequences(sequences, trailing=((),))
    bigrams = _checks.array("bigrams", bigrams, axes=("pairs",), kind="int", nonempty=("pairs",))
    bigrams = _checks.increasing("bigrams", _checks.within("bigrams", bigrams, 0, MAX_CODE),
                                 "the sorted codes returned by bigram_vocabulary")
    rows = []
    for s in sequences:
        codes = _pair_codes(s)  # (length,)
        index = np.minimum(np.searchsorted(bigrams, codes), len(bigrams) - 1)  # (length,)
        ids = np.where(bigrams[index] == codes, index + 1, 0)  # (length,), 0 = unknown pair
        rows.append(np.stack([s, ids], axis=1).astype(np.int32))  # (length, 2)
    return rows


def _reviews_dataset(sequences: Sequence[np.ndarray]) -> tf.data.Dataset:
    """A dataset of the sequences (checked: non-empty) as (length,) int32 tensors, cut out of
    one flat array."""
    lengths = np.array([len(s) for s in sequences], dtype=np.int64)  # (reviews,)
    tokens = tf.constant(np.concatenate(sequences).astype(np.int32))  # (total tokens,)
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])  # (reviews,)
    slices = tf.data.Dataset.from_tensor_slices((starts, lengths))
    return slices.map(lambda start, length: tokens[start : start + length])


def length_batches(sequences: Sequence[np.ndarray], labels: np.ndarray, batch_size: int,
                   seed: int, bucket_width: int = 25) -> tf.data.Dataset:
    """Training batches of reviews of similar length, each padded only to its own longest.

    Yields (ids (batch, time) int32, labels (batch,)); `time` changes from batch to batch.
    Sequences of (length, 2) rows (`add_bigrams`) give ids of shape (batch, time, 2).
    The reviews are shuffled with `seed` (a new order every epoch, the same on every run),
    then grouped by `tf.data`'s `bucket_by_sequence_length` into buckets `bucket_width`
    tokens wide, so a batch carries few padding steps for the network to read.
    """
    sequences = _sequences(sequences, min_items=1, nonempty=True)
    labels = _checks.as_given("labels", labels, axes=("reviews",), shape=(len(sequences),))
    batch_size = _checks.integer("batch_size", batch_size, minimum=1)
    seed = _checks.integer("seed", seed, minimum=0, maximum=2**63 - 1)
    bucket_width = _checks.integer("bucket_width", bucket_width, minimum=1)
    longest = max(len(s) for s in sequences)
    boundaries = list(range(bucket_width + 1, longest + 1, bucket_width))  # lengths < boundary
    return (
        tf.data.Dataset.zip(_reviews_dataset(sequences), tf.data.Dataset.from_tensor_slices(labels))
        .shuffle(len(labels), seed=seed, reshuffle_each_iteration=True)
        .bucket_by_sequence_length(
            lambda ids, label: tf.shape(ids)[0], boundaries, [batch_size] * (len(boundaries) + 1)
        )
        .prefetch(tf.data.AUTOTUNE)
    )


def sorted_batches(sequences: Sequence[np.ndarray], batch_size: int,
                   labels: np.ndarray | None = None) -> tuple[tf.data.Dataset, np.ndarray]:
    """Batches for evaluation or prediction, sorted by length, each padded to its longest.

    Returns (dataset, order). The dataset yields ids (batch, time) int32 (or (batch, time, 2)
    for `add_bigrams` sequences), or (ids, labels
    (batch,)) when `labels` is given, for the reviews `sequences[order[0]], sequences[order[1]],
    ...`; `predict_in_order` undoes the sort. Sorting wastes even less padding than
    `length_batches`, and evaluation needs no shuffling.
    """
    sequences = _sequences(sequences, min_items=1, nonempty=True)
    batch_size = _checks.integer("batch_size", batch_size, minimum=1)
    labels = _checks.optional(_checks.as_given, "labels", labels, axes=("reviews",),
                              shape=(len(sequences),))
    order = np.argsort([len(s) for s in sequences], kind="stable")  # (reviews,)
    reviews = _reviews_dataset([sequences[i] for i in order])
    if labels is not None:
        reviews = tf.data.Dataset.zip(reviews, tf.data.Dataset.from_tensor_slices(labels[order]))
    return reviews.padded_batch(batch_size).prefetch(tf.data.AUTOTUNE), order


def predict_in_order(model: keras.Model, sequences: Sequence[np.ndarray],
                     batch_size: int = 256) -> np.ndarray:
    """(reviews,) model outputs for unpadded sequences, computed on length-sorted batches and
    returned in the order of `sequences`. The model must output one number per review."""
    _checks.instance("model", model, keras.Model, "a Keras model (one output per review)")
    dataset, order = sorted_batches(sequences, batch_size)  # they check sequences, batch_size
    sorted_outputs = model.predict(dataset, verbose=0)  # (reviews, 1)
    if not isinstance(sorted_outputs, np.ndarray) or sorted_outputs.size != len(order):
        raise ValueError(f"model must output one number per review; for {len(order)} reviews "
                         f"it gave {_checks.shown(sorted_outputs)}")
    sorted_outputs = sorted_outputs.reshape(-1)  # (reviews,)
    outputs = np.empty_like(sorted_outputs)  # (reviews,)
    outputs[order] = sorted_outputs
    return outputs

