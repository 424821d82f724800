"""The IMDB recipe of chapters 4 and 5, once: the split, the settings, the data preparation,
the TF-IDF baseline and the training loop. Notebooks 04c-04g, 05b, 05c and
benchmarks/imdb_speed.py call it and pass only what they change.

    from rnncourse import imdb
    splits = imdb.load_splits()                       # fit / validation / test texts
    recipe = imdb.Recipe()                            # 04e's model; Recipe(num_bigrams=25_000)
    prepared = imdb.prepare(splits, recipe)           # token ids, cut to recipe.maxlen
    model = imdb.build(recipe, seed=0)
    history, seconds = imdb.train(model, prepared, splits, recipe, seed=0)

The protocol (declared in notebook 04a): the validation reviews are whole movies held out of
the training split (``movie_split``), so that no movie has reviews on both sides, as between
the training and the test split. Every choice (vocabulary, TF-IDF's C, epochs, bigrams,
ensemble size) is made on validation; the test split scores each final model once.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass

import keras
import numpy as np
import tensorflow as tf
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedGroupKFold

from rnncourse import _checks, progress, sentiment, text
from rnncourse.data import load_imdb

VALIDATION_FOLDS = 10  # the validation set is 1 of 10 movie-grouped folds: ~2,500 reviews
TFIDF_C_GRID = (1.0, 4.0, 16.0, 64.0)  # TF-IDF's inverse L2 penalties, chosen on validation


@dataclass(frozen=True)
class Recipe:
    """The settings of the IMDB classifiers; the defaults are 04e's pooled model.

    Make a variant with ``Recipe(maxlen=200)`` or ``recipe.replace(num_bigrams=25_000)``."""
    vocab_size: int = 20_000  # tokens in the vocabulary, including padding (0) and [UNK] (1)
    maxlen: int = 800  # tokens kept per review: the first and the last maxlen / 2
    embedding_dim: int = 64  # numbers per token (and per bigram)
    num_units: int = 32  # GRU units per direction
    spatial_dropout: float = 0.3  # share of embedding channels dropped per review in training
    dropout: float = 0.5  # share of pooled features dropped in training
    conv_filters: int = 64  # features of the convolution that shortens the sequence (0: none)
    pool_size: int = 4  # the convolution's output keeps the max of every pool_size steps
    num_bigrams: int = 0  # most frequent bigrams of the fit reviews given a vector (0: none)
    batch_size: int = 128  # reviews per gradient step
    peak_learning_rate: float = 4e-3  # Adam's step size at the start of the cosine schedule
    num_epochs: int = 2  # passes over the fit reviews

    def __post_init__(self):
        for name in ("vocab_size", "maxlen", "embedding_dim", "num_units", "pool_size",
                     "batch_size", "num_epochs"):
            _checks.integer(name, getattr(self, name), minimum=3 if name == "vocab_size" else 1)
        for name in ("conv_filters", "num_bigrams"):
            _checks.integer(name, getattr(self, name), minimum=0)
        for name in ("spatial_dropout", "dropout"):
            _checks.number(name, getattr(self, name), low=0, high=1, inclusive=(True, False))
        _checks.number("peak_learning_rate", self.peak_learning_rate, low=0,
                       inclusive=(False, True))

    def replace(self, **changes) -> Recipe:
        return dataclasses.replace(self, **changes)


@dataclass
class Splits:
    """Texts (lists of str) and labels ((reviews,) int64, 1 = positive) of the three sets,
    and the movie (IMDB title id) of every fit and validation review."""
    fit_texts: list
    fit_labels: np.ndarray
    val_texts: list
    val_labels: np.ndarray
    test_texts: list
    test_labels: np.ndarray
    fit_movies: np.ndarray
    val_movies: np.ndarray


def movie_split(labels, movies, folds: int = VALIDATION_FOLDS,
                seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Indices (fit, validation) of a split that keeps every movie on one side.

    labels, movies: (reviews,). The validation set is the first fold of scikit-learn's
    StratifiedGroupKFold(folds, shuffle=True, random_state=seed): about 1 / folds of the
    reviews, whole movies, with the labels in about the same proportion as in all of them.
    """
    labels = _checks.array("labels", labels, axes=("reviews",), kind="int")
    movies = np.asarray(movies)
    if movies.shape != labels.shape:
        raise ValueError(f"movies must hold one movie per review, shape {labels.shape} like"
                         f" labels; got shape {movies.shape}")
    folds = _checks.integer("folds", folds, minimum=2)
    seed = _checks.integer("seed", seed, minimum=0)
    if len(np.unique(movies)) < folds:
        raise ValueError(f"movies must name at least folds={folds} different movies; got "
                         f"{len(np.unique(movies))}")
    splitter = StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=seed)
    fit, val = next(splitter.split(np.zeros(len(labels)), labels, groups=movies))
    return fit, val


def load_splits(source=None, *, seed: int = 0, folds: int = VALIDATION_FOLDS) -> Splits:
    """The IMDB reviews of ``data.load_imdb(source, seed=seed)``, the training split cut by
    ``movie_split`` into fit and validation reviews (in load_imdb's shuffled order)."""
    (texts, labels, movies), (test_texts, test_labels, _) = load_imdb(source, seed=seed,
                                                                      movies=True)
    fit, val = movie_split(labels, movies, folds, seed)
    return Splits([texts[i] for i in fit], labels[fit], [texts[i] for i in val], labels[val],
                  test_texts, test_labels, movies[fit], movies[val])


@dataclass
class Prepared:
    """What ``prepare`` makes: the vectorizer (adapted on the fit texts), the bigram codes
    (None without bigrams), and each set as a list of cut sequences: (length,) token ids,
    or (length, 2) rows [token id, bigram id] with bigrams."""
    vectorizer: keras.layers.TextVectorization
    bigrams: np.ndarray | None
    fit_seqs: list
    val_seqs: list
    test_seqs: list


def prepare(splits: Splits, recipe: Recipe) -> Prepared:
    """Vocabulary and bigrams learned on the fit texts; every set tokenised (bigram ids
    added if recipe.num_bigrams) and cut to its first and last recipe.maxlen / 2 tokens."""
    _checks.instance("splits", splits, Splits, "an imdb.Splits (imdb.load_splits())")
    _checks.instance("recipe", recipe, Recipe, "an imdb.Recipe")
    vectorizer = keras.layers.TextVectorization(
        max_tokens=recipe.vocab_size, standardize=text.standardize, ragged=True)
    vectorizer.adapt(tf.data.Dataset.from_tensor_slices(splits.fit_texts).batch(1_000))
    sets = [text.to_sequences(vectorizer, texts)
            for texts in (splits.fit_texts, splits.val_texts, splits.test_texts)]
    bigrams = None
    if recipe.num_bigrams:
        bigrams = text.bigram_vocabulary(sets[0], recipe.num_bigrams)
        sets = [text.add_bigrams(seqs, bigrams) for seqs in sets]
    cut = [text.keep_head_and_tail(seqs, recipe.maxlen) for seqs in sets]
    return Prepared(vectorizer, bigrams, *cut)


@dataclass
class Baseline:
    """The TF-IDF baseline: the C chosen, the validation accuracy of every C tried, the
    chosen model's predicted labels ((reviews,) int64) on validation and on test, its
    parameters, and the seconds it all took (vectorising, every fit, the predictions)."""
    C: float
    val_accuracy: dict
    val_predictions: np.ndarray
    test_predictions: np.ndarray
    num_parameters: int
    seconds: float


def tfidf_vectorizer() -> TfidfVectorizer:
    """Chapter 4's bag of words: TF-IDF of words and word pairs seen in >= 2 reviews."""
    return TfidfVectorizer(preprocessor=lambda review: review.lower().replace("<br />", " "),
                           ngram_range=(1, 2), min_df=2, sublinear_tf=True, dtype=np.float32)


def tfidf_baseline(splits: Splits, Cs=TFIDF_C_GRID) -> Baseline:
    """TF-IDF + logistic regression, C chosen on validation: the best accuracy, ties going to
    the smaller C (the stronger penalty). The vectorizer is dropped before returning."""
    _checks.instance("splits", splits, Splits, "an imdb.Splits (imdb.load_splits())")
    Cs = _checks.array("Cs", Cs, axes=("values",), nonempty=("values",))
    Cs = [_checks.positive("Cs", float(C)) for C in _checks.increasing(
        "Cs", Cs, "increasing inverse penalties, e.g. (1, 4, 16)")]
    start = time.perf_counter()
    vectorizer = tfidf_vectorizer()
    fit_features = vectorizer.fit_transform(splits.fit_texts)  # (reviews, terms), sparse
    val_features = vectorizer.transform(splits.val_texts)
    models, val_accuracy = {}, {}
    for C in Cs:
        models[C] = LogisticRegression(C=C, solver="liblinear").fit(fit_features, splits.fit_labels)
        val_accuracy[C] = float(np.mean(models[C].predict(val_features) == splits.val_labels))
    best = max(Cs, key=lambda C: (val_accuracy[C], -C))
    test_predictions = models[best].predict(vectorizer.transform(splits.test_texts))
    return Baseline(best, val_accuracy, models[best].predict(val_features), test_predictions,
                    models[best].coef_.size + 1, time.perf_counter() - start)


def build(recipe: Recipe, seed: int = 0) -> keras.Model:
    """``sentiment.pooled_classifier`` with the recipe's settings, from ``seed``."""
    _checks.instance("recipe", recipe, Recipe, "an imdb.Recipe")
    keras.utils.set_random_seed(_checks.integer("seed", seed, minimum=0))
    return sentiment.pooled_classifier(
        recipe.vocab_size, recipe.embedding_dim, recipe.num_units,
        spatial_dropout=recipe.spatial_dropout, dropout=recipe.dropout,
        conv_filters=recipe.conv_filters, pool_size=recipe.pool_size,
        num_bigrams=recipe.num_bigrams)


class EpochTimer(keras.callbacks.Callback):
    """Wall time of every epoch's training steps, in seconds (the validation pass excluded)."""

    def on_train_begin(self, logs=None):
        self.seconds = []

    def on_epoch_begin(self, epoch, logs=None):
        self.start = time.perf_counter()

    def on_test_begin(self, logs=None):
        self.seconds.append(time.perf_counter() - self.start)


def train(model: keras.Model, prepared: Prepared, splits: Splits, recipe: Recipe,
          seed: int = 0, label: str = "") -> tuple[dict, list]:
    """Adam on a cosine schedule from recipe.peak_learning_rate to 0 over all the steps,
    length-grouped batches shuffled with ``seed``, the weights of the best validation epoch
    kept. Prints a line per epoch; returns (history dict, seconds of each epoch's training
    steps)."""
    _checks.instance("model", model, keras.Model, "a Keras model (imdb.build(recipe))")
    _checks.instance("prepared", prepared, Prepared, "an imdb.Prepared (imdb.prepare())")
    _checks.instance("recipe", recipe, Recipe, "an imdb.Recipe")
    fit_batches = text.length_batches(prepared.fit_seqs, splits.fit_labels, recipe.batch_size,
                                      _checks.integer("seed", seed, minimum=0))
    val_batches, _ = text.sorted_batches(prepared.val_seqs, recipe.batch_size, splits.val_labels)
    per_epoch = sum(1 for _ in fit_batches)  # length batches in one pass: the same each pass
    fit_batches = fit_batches.apply(tf.data.experimental.assert_cardinality(per_epoch))
    schedule = keras.optimizers.schedules.CosineDecay(recipe.peak_learning_rate,
                                                      recipe.num_epochs * per_epoch)
    model.compile(optimizer=keras.optimizers.Adam(schedule), loss="binary_crossentropy",
                  metrics=["accuracy"])
    timer = EpochTimer()
    stop = keras.callbacks.EarlyStopping(monitor="val_accuracy", mode="max",
                                         patience=recipe.num_epochs, restore_best_weights=True)
    history = model.fit(fit_batches, validation_data=val_batches, epochs=recipe.num_epochs,
                        callbacks=[timer, stop, progress.EpochLog(label)], verbose=0,
                        shuffle=False)  # length_batches shuffles, with seed
    return history.history, timer.seconds


def probabilities(model: keras.Model, sequences, batch_size: int = 256) -> np.ndarray:
    """(reviews,) P(positive) of ``model`` for the cut sequences, in their order."""
    return text.predict_in_order(model, sequences, batch_size)


def encode(prepared: Prepared, recipe: Recipe, texts) -> list:
    """New texts (a list of str: a review of your own, or a set ``prepare`` was not given) as
    ``prepare`` makes its sets: token ids of prepared's vectorizer, bigram ids if it has
    bigrams, cut to the first and last recipe.maxlen / 2 tokens."""
    _checks.instance("prepared", prepared, Prepared, "an imdb.Prepared (imdb.prepare())")
    _checks.instance("recipe", recipe, Recipe, "an imdb.Recipe")
    sequences = text.to_sequences(prepared.vectorizer, texts)  # it checks texts
    if prepared.bigrams is not None:
        sequences = text.add_bigrams(sequences, prepared.bigrams)
    return text.keep_head_and_tail(sequences, recipe.maxlen)


def without_test(splits: Splits) -> Splits:
    """``splits`` without its test reviews: ``prepare`` then learns and tokenises the fit and
    validation reviews only, and the test reviews wait for the end (``encode`` them then)."""
    _checks.instance("splits", splits, Splits, "an imdb.Splits (imdb.load_splits())")
    return dataclasses.replace(splits, test_texts=[], test_labels=splits.test_labels[:0])
