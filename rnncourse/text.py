"""Text helpers for the IMDB chapter: clean, cut, split and batch reviews for a recurrent model.

    from rnncourse import text
    vectorizer = keras.layers.TextVectorization(max_tokens=20_000, standardize=text.standardize)
    sequences = text.to_sequences(vectorizer, texts)          # list of (length,) int32 arrays
    bigrams = text.bigram_vocabulary(sequences, max_bigrams=25_000)
    rows = text.add_bigrams(sequences, bigrams)               # list of (length, 2) int32 arrays
    sequences = text.keep_head_and_tail(sequences, maxlen=400)
    dataset = text.length_batches(sequences, labels, batch_size=128, seed=0)

Token index 0 is padding and 1 is out-of-vocabulary, as in `TextVectorization`.
"""

from __future__ import annotations

from collections.abc import Sequence

import keras
import numpy as np
import tensorflow as tf

BREAK_TAG = r"<br\s*/?>"  # the HTML line break left in the IMDB reviews: <br />, <br/>, <br>
PUNCTUATION = r"[!\"#$%&()*+,\-./:;<=>?@\[\\\]^_`{|}~]"  # replaced by a space; ' is removed


@keras.saving.register_keras_serializable(package="rnncourse")
def standardize(texts: tf.Tensor) -> tf.Tensor:
    """Lower-case, turn `<br />` and punctuation into spaces, drop apostrophes (don't -> dont).

    texts: string tensor of any shape; returns a string tensor of the same shape.
    Keras' default standardisation deletes punctuation without a space, so it glues the words
    before a line break to it ("end.<br /><br />The" -> "endbr br the"); this one does not.
    """
    texts = tf.strings.lower(texts)
    texts = tf.strings.regex_replace(texts, BREAK_TAG, " ")
    texts = tf.strings.regex_replace(texts, PUNCTUATION, " ")
    return tf.strings.regex_replace(texts, "'", "")


def train_validation_split(
    texts: Sequence[str], labels: np.ndarray, num_validation: int
) -> tuple[tuple[list[str], np.ndarray], tuple[list[str], np.ndarray]]:
    """The last `num_validation` reviews of a shuffled training split become the validation set.

    labels: (reviews,). Returns ((train_texts, train_labels), (validation_texts,
    validation_labels)). `load_imdb` shuffles each split, so the last reviews are a random sample.
    """
    labels = np.asarray(labels)
    if labels.shape != (len(texts),):
        raise ValueError(f"expected labels of shape ({len(texts)},), got {labels.shape}")
    if not 0 < num_validation < len(texts):
        raise ValueError(f"num_validation must be in 1..{len(texts) - 1}, got {num_validation}")
    cut = len(texts) - num_validation
    return (list(texts[:cut]), labels[:cut]), (list(texts[cut:]), labels[cut:])


def to_sequences(vectorizer: keras.layers.TextVectorization, texts: Sequence[str],
                 batch_size: int = 1000) -> list[np.ndarray]:
    """Token ids of every text, unpadded: a list of (length,) int32 arrays.

    The vectorizer must be built with `ragged=True`, or with no `output_sequence_length`
    (then the padding zeros it adds to each batch are removed again).
    """
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
    if maxlen < 1 or not 0 <= head_fraction <= 1:
        raise ValueError(f"expected maxlen >= 1 and 0 <= head_fraction <= 1, got maxlen={maxlen}"
                         f", head_fraction={head_fraction}")
    head = round(maxlen * head_fraction)
    tail = maxlen - head
    return [s if len(s) <= maxlen else np.concatenate([s[:head], s[len(s) - tail :]])
            for s in sequences]


def pad(sequences: Sequence[np.ndarray], length: int, padding: str = "post") -> np.ndarray:
    """(reviews, length) int32 array, each sequence padded with zeros after ("post") or before
    ("pre") its tokens. Sequences must not be longer than `length` (cut them first). Sequences
    of (length, 2) rows (see `add_bigrams`) give a (reviews, length, 2) array."""
    if padding not in ("post", "pre"):
        raise ValueError(f"padding must be 'post' or 'pre', got {padding!r}")
    longest = max((len(s) for s in sequences), default=0)
    if longest > length:
        raise ValueError(f"a sequence has {longest} tokens, more than length={length}")
    row_shape = np.shape(sequences[0])[1:] if len(sequences) else ()
    batch = np.zeros((len(sequences), length, *row_shape), dtype=np.int32)  # (reviews, length)
    for row, s in enumerate(sequences):
        start = 0 if padding == "post" else length - len(s)
        batch[row, start : start + len(s)] = s
    return batch


def _pair_codes(sequence: np.ndarray) -> np.ndarray:
    """(length,) token ids -> (length,) int64 codes of the pairs (previous token, token); the
    first token's previous token is 0, so its pair marks the start of the review."""
    if sequence.ndim != 1:
        raise ValueError(f"expected (length,) token ids, got an array of shape {sequence.shape}")
    sequence = sequence.astype(np.int64)
    previous = np.concatenate([[0], sequence[:-1]])  # (length,)
    return (previous << 32) | sequence


def bigram_vocabulary(sequences: Sequence[np.ndarray], max_bigrams: int,
                      min_count: int = 2) -> np.ndarray:
    """The at most `max_bigrams` most frequent bigrams (pairs of neighbouring tokens) seen at
    least `min_count` times in `sequences` ((length,) token ids each), as sorted int64 codes
    (previous << 32) | token, ready for `add_bigrams`. Ties go to the smaller code."""
    if max_bigrams < 1 or min_count < 1:
        raise ValueError(f"expected max_bigrams >= 1 and min_count >= 1, got max_bigrams="
                         f"{max_bigrams}, min_count={min_count}")
    codes, counts = np.unique(np.concatenate([_pair_codes(np.asarray(s)) for s in sequences]),
                              return_counts=True)
    frequent = np.argsort(-counts, kind="stable")[:max_bigrams]  # most frequent first
    return np.sort(codes[frequent[counts[frequent] >= min_count]])


def add_bigrams(sequences: Sequence[np.ndarray], bigrams: np.ndarray) -> list[np.ndarray]:
    """(length,) token ids -> (length, 2) rows [token id, bigram id], the bigram being the
    pair (previous token, token). Bigram ids are 1 + the pair's index in `bigrams` (from
    `bigram_vocabulary`), 0 for a pair not in it. Cut with `keep_head_and_tail` afterwards,
    so no pair joins a review's head to its tail."""
    bigrams = np.asarray(bigrams, dtype=np.int64)
    if bigrams.ndim != 1 or len(bigrams) == 0 or np.any(np.diff(bigrams) <= 0):
        raise ValueError("expected the non-empty sorted codes returned by bigram_vocabulary")
    rows = []
    for s in sequences:
        codes = _pair_codes(np.asarray(s))  # (length,)
        index = np.minimum(np.searchsorted(bigrams, codes), len(bigrams) - 1)  # (length,)
        ids = np.where(bigrams[index] == codes, index + 1, 0)  # (length,), 0 = unknown pair
        rows.append(np.stack([s, ids], axis=1).astype(np.int32))  # (length, 2)
    return rows


def _reviews_dataset(sequences: Sequence[np.ndarray]) -> tf.data.Dataset:
    """A dataset of the sequences as (length,) int32 tensors, cut out of one flat array."""
    lengths = np.array([len(s) for s in sequences], dtype=np.int64)  # (reviews,)
    if len(sequences) == 0 or lengths.min() == 0:
        raise ValueError("expected a non-empty list of non-empty sequences")
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
    labels = np.asarray(labels)
    if labels.shape != (len(sequences),):
        raise ValueError(f"expected labels of shape ({len(sequences)},), got {labels.shape}")
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
    order = np.argsort([len(s) for s in sequences], kind="stable")  # (reviews,)
    reviews = _reviews_dataset([sequences[i] for i in order])
    if labels is not None:
        labels = np.asarray(labels)
        if labels.shape != (len(sequences),):
            raise ValueError(f"expected labels of shape ({len(sequences)},), got {labels.shape}")
        reviews = tf.data.Dataset.zip(reviews, tf.data.Dataset.from_tensor_slices(labels[order]))
    return reviews.padded_batch(batch_size).prefetch(tf.data.AUTOTUNE), order


def predict_in_order(model: keras.Model, sequences: Sequence[np.ndarray],
                     batch_size: int = 256) -> np.ndarray:
    """(reviews,) model outputs for unpadded sequences, computed on length-sorted batches and
    returned in the order of `sequences`. The model must output one number per review."""
    dataset, order = sorted_batches(sequences, batch_size)
    sorted_outputs = model.predict(dataset, verbose=0).reshape(-1)  # (reviews,)
    outputs = np.empty_like(sorted_outputs)  # (reviews,)
    outputs[order] = sorted_outputs
    return outputs

