"""Tests for rnncourse/imdb.py, the IMDB recipe, on small made-up reviews (no dataset)."""

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression

from rnncourse import imdb

GOOD = ["great", "wonderful", "loved", "superb", "fine"]
BAD = ["awful", "boring", "hated", "dull", "poor"]


def reviews(count, seed):
    """count made-up reviews (half positive) and their labels; movie i // 3 for review i."""
    rng = np.random.default_rng(seed)
    labels = np.arange(count) % 2  # (reviews,)
    texts = [" ".join(rng.choice(GOOD if label else BAD, 6)) + " a movie<br />the end"
             for label in labels]
    return texts, labels.astype(np.int64), np.array([f"tt{i // 3:07d}" for i in range(count)])


@pytest.fixture(scope="module")
def splits():
    texts, labels, movies = reviews(240, seed=0)
    fit, val = imdb.movie_split(labels, movies, folds=4, seed=0)
    test_texts, test_labels, _ = reviews(60, seed=1)
    return imdb.Splits([texts[i] for i in fit], labels[fit], [texts[i] for i in val], labels[val],
                       test_texts, test_labels, movies[fit], movies[val])


def test_movie_split_holds_out_whole_movies_with_balanced_labels():
    labels = np.tile([0, 1], 600)  # (1200,)
    movies = np.repeat(np.arange(300), 4)  # four reviews per movie, two of each label
    fit, val = imdb.movie_split(labels, movies, folds=10, seed=3)
    assert sorted(np.concatenate([fit, val]).tolist()) == list(range(1200))  # a partition
    assert not set(movies[fit]) & set(movies[val])  # no movie on both sides
    assert len(val) == 120 and labels[val].mean() == 0.5  # a tenth, both labels equally
    again = imdb.movie_split(labels, movies, folds=10, seed=3)
    other = imdb.movie_split(labels, movies, folds=10, seed=4)
    assert np.array_equal(again[1], val) and not np.array_equal(other[1], val)


def test_movie_split_refuses_what_it_cannot_split():
    with pytest.raises(ValueError, match=r"movies must hold one movie per review, shape \(4,\)"):
        imdb.movie_split([0, 1, 0, 1], ["a", "b"])
    with pytest.raises(ValueError, match="at least folds=10 different movies; got 2"):
        imdb.movie_split([0, 1, 0, 1], ["a", "a", "b", "b"])
    with pytest.raises(TypeError, match="labels must hold integers"):
        imdb.movie_split([0.5, 1.0], ["a", "b"], folds=2)


def test_recipe_checks_its_settings_and_makes_variants():
    recipe = imdb.Recipe()
    assert recipe.replace(maxlen=200).maxlen == 200 and recipe.maxlen == 800
    with pytest.raises(ValueError, match="dropout must be a finite number in"):
        imdb.Recipe(dropout=1.0)
    with pytest.raises(TypeError, match="num_bigrams must be an integer"):
        imdb.Recipe(num_bigrams=2.5)
    with pytest.raises(ValueError, match="maxlen must be an integer >= 1"):
        recipe.replace(maxlen=0)


def test_prepare_learns_on_the_fit_texts_and_cuts(splits):
    recipe = imdb.Recipe(vocab_size=20, maxlen=8, num_bigrams=0)
    prepared = imdb.prepare(splits, recipe)
    vocabulary = prepared.vectorizer.get_vocabulary()
    assert len(vocabulary) <= 20 and "great" in vocabulary and "<br" not in " ".join(vocabulary)
    assert [len(prepared.fit_seqs), len(prepared.val_seqs), len(prepared.test_seqs)] == \
        [len(splits.fit_texts), len(splits.val_texts), len(splits.test_texts)]
    assert all(len(seq) == 8 for seq in prepared.fit_seqs)  # 10 tokens, cut to 4 + 4
    first = prepared.vectorizer(splits.fit_texts[0]).numpy()  # (10,)
    assert np.array_equal(prepared.fit_seqs[0], np.r_[first[:4], first[-4:]])
    with_bigrams = imdb.prepare(splits, recipe.replace(num_bigrams=5))
    assert with_bigrams.fit_seqs[0].shape == (8, 2) and len(with_bigrams.bigrams) == 5


def test_tfidf_baseline_takes_the_best_validation_c(splits):
    baseline = imdb.tfidf_baseline(splits, Cs=(0.01, 1.0, 100.0))
    assert baseline.C == max(baseline.val_accuracy, key=lambda C: (baseline.val_accuracy[C], -C))
    vectorizer = imdb.tfidf_vectorizer()
    model = LogisticRegression(C=baseline.C, solver="liblinear").fit(
        vectorizer.fit_transform(splits.fit_texts), splits.fit_labels)
    expected = model.predict(vectorizer.transform(splits.test_texts))
    assert np.array_equal(baseline.test_predictions, expected)  # the model sklearn fits
    assert np.mean(baseline.test_predictions == splits.test_labels) == 1.0  # an easy task
    with pytest.raises(ValueError, match="Cs must be increasing inverse penalties"):
        imdb.tfidf_baseline(splits, Cs=(4.0, 1.0))
    with pytest.raises(ValueError, match="Cs must be a finite number > 0"):
        imdb.tfidf_baseline(splits, Cs=(0.0, 1.0))


def test_build_and_train_a_small_recipe(splits):
    recipe = imdb.Recipe(vocab_size=20, maxlen=8, embedding_dim=4, num_units=3, conv_filters=0,
                         batch_size=32, num_epochs=2, peak_learning_rate=1e-2)
    prepared = imdb.prepare(splits, recipe)
    first, second = imdb.build(recipe, seed=0), imdb.build(recipe, seed=0)
    assert all(np.array_equal(a, b) for a, b in zip(first.get_weights(), second.get_weights()))
    history, seconds = imdb.train(first, prepared, splits, recipe, seed=0, label="tiny")
    assert len(history["val_accuracy"]) == 2 and len(seconds) == 2
    probabilities = imdb.probabilities(first, prepared.val_seqs)
    assert probabilities.shape == (len(splits.val_texts),)
    kept = np.mean((probabilities > 0.5) == splits.val_labels)
    assert np.isclose(kept, max(history["val_accuracy"]), atol=1e-6)  # the best epoch's weights
    with pytest.raises(TypeError, match="recipe must be an imdb.Recipe"):
        imdb.build({"maxlen": 8})


def test_encode_makes_new_texts_as_prepare_makes_its_sets(splits):
    recipe = imdb.Recipe(vocab_size=20, maxlen=8, num_bigrams=5)
    prepared = imdb.prepare(splits, recipe)
    again = imdb.encode(prepared, recipe, splits.test_texts)
    assert len(again) == len(prepared.test_seqs)
    assert all(np.array_equal(a, b) for a, b in zip(again, prepared.test_seqs))
    plain = imdb.prepare(splits, recipe.replace(num_bigrams=0))
    mine = imdb.encode(plain, recipe, ["great great movie"])  # shorter than maxlen: not cut
    assert np.array_equal(mine[0], plain.vectorizer("great great movie").numpy())
    with pytest.raises(TypeError, match="prepared must be an imdb.Prepared"):
        imdb.encode(splits, recipe, ["great"])


def test_without_test_leaves_the_test_reviews_for_the_end(splits):
    recipe = imdb.Recipe(vocab_size=20, maxlen=8, num_bigrams=5)
    full, early = imdb.prepare(splits, recipe), imdb.prepare(imdb.without_test(splits), recipe)
    assert early.test_seqs == [] and len(splits.test_texts) == 60  # splits itself unchanged
    assert np.array_equal(early.bigrams, full.bigrams)  # learned on the fit reviews alone
    assert all(np.array_equal(a, b) for a, b in zip(early.val_seqs, full.val_seqs))
    late = imdb.encode(early, recipe, splits.test_texts)
    assert all(np.array_equal(a, b) for a, b in zip(late, full.test_seqs))
    with pytest.raises(TypeError, match="splits must be an imdb.Splits"):
        imdb.without_test(splits.fit_texts)
