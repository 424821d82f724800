"""Chapter 6's goal for conditional generation, judged as notebook 06e judges it: reviews
written by a character model conditioned on the label are classified with the intended
sentiment at least 80 % of the time, by chapter 4's sentiment classifier.

Usage: `.venv/bin/python benchmarks/conditional_generation.py` (about 2-3 minutes on a quiet
2-core CPU, longer on a shared one). Needs the IMDB data offline:
`RNNCOURSE_IMDB=../shared/datasets/aclImdb_v1_labeled.tar.gz` or the cache. Writes
rnncourse/records/conditional_generation.json (`records.save`) and prints a summary.

Everything comes from the package: the split (`imdb.load_splits`, test reviews dropped
unread), the judge (`imdb.Recipe()`, `imdb.build`, `imdb.train`: chapter 4's recipe,
unchanged, trained on the fit reviews), the character model (`charlm.Recipe` with
`conditional=True`, nothing else changed, `charlm.train` on the first
`chars.FIT_REVIEWS` fit reviews of `chars.corpus`), the sampling (`sampling.generate`), the intervals and
verdicts (`rnncourse.evaluate`). The benchmark differs from the notebook only by drawing
more reviews per condition (NUM_SAMPLES), so its intervals are narrower.

Declared before the run, and not changed after it:

DECODING: temperature TEMPERATURE, no top-k or nucleus cut; at most MAX_CHARS characters
per review, stopping at the model's END; every review starts after an END from a zero state.

JUDGED SENTIMENT: the judge's P(positive) > 0.5 is positive, < 0.5 negative; a review with
no word the judge knows has no verdict and counts as a failure.

GOAL: met if the share of the conditioned reviews (positive and negative together) judged
with their intended sentiment is at least GOAL_SHARE (the point estimate decides; the
record also says whether its 95 % Wilson interval lies wholly above the goal).

COMPARISON: per sentiment, the share of the conditioned reviews judged with it against the
share of the unlabelled reviews judged with it; two independent samples: Fisher's exact test
(two-sided) for the verdict, Newcombe's hybrid score interval for the difference.

The test reviews are never read: the judge is a measuring instrument, checked on the
validation reviews (whole, and cut to MAX_CHARS characters).
"""

import dataclasses
import os
import platform

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # before keras imports TensorFlow

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
from scipy import stats  # noqa: E402
from statsmodels.stats.proportion import confint_proportions_2indep  # noqa: E402

from rnncourse import charlm, chars, evaluate, imdb, records, sampling  # noqa: E402
from clock import Clock  # noqa: E402  (benchmarks/clock.py)

SEED = 0  # the judge's and the character model's weights, batches, dropout, sampling
NUM_SAMPLES = 500  # reviews per condition (the notebook draws 150)
MAX_CHARS = 500  # characters generated at most per review
TEMPERATURE = 0.8  # decoding
GOAL_SHARE = 0.80  # the goal
LEVEL = 0.95  # of every interval and test
LM_RECIPE = charlm.Recipe(conditional=True)  # the chapter's recipe with a label, as 06e
CONDITIONS = {"positive": 1, "negative": 0, "no label": charlm.NO_LABEL}


def interval_entry(interval) -> dict:
    return {"share": round(interval.estimate, 4), "low": round(interval.low, 4),
            "high": round(interval.high, 4), "n": interval.n, "text": str(interval)}


def train_judge(splits):
    """Chapter 4's classifier on the fit reviews: (judge function texts -> P(positive)
    (texts,), nan without a token; its validation interval; the clock)."""
    clock, recipe = Clock(), imdb.Recipe()
    prepared = imdb.prepare(splits, recipe)
    model = imdb.build(recipe, SEED)
    imdb.train(model, prepared, splits, recipe, SEED, label="judge")
    val_prob = imdb.probabilities(model, prepared.val_seqs)  # (reviews,)
    prepared.fit_seqs = []

    def judge(texts):
        seqs = imdb.encode(prepared, recipe, texts)
        has_tokens = np.array([len(seq) > 0 for seq in seqs])  # (texts,)
        prob = np.full(len(texts), np.nan)  # (texts,)
        if has_tokens.any():
            prob[has_tokens] = imdb.probabilities(model, [s for s in seqs if len(s)])
        return prob

    val = evaluate.accuracy_interval((val_prob > 0.5) == splits.val_labels)
    return judge, val, clock.read()


def train_writer(splits):
    """The conditional character model on the chapter's sample of fit reviews."""
    clock = Clock()
    corpus = chars.corpus(splits, num_val=0, num_test=0)  # chars.FIT_REVIEWS fit reviews
    model = charlm.build(LM_RECIPE, SEED)
    history = charlm.train(model, corpus, LM_RECIPE, SEED, label="conditional GRU",
                           every=250)
    return model, history, clock.read()


def write(model):
    """NUM_SAMPLES reviews per condition: (texts, intended labels (reviews,), ended by the
    model (reviews,) bool, the clock)."""
    clock = Clock()
    intended = np.repeat(list(CONDITIONS.values()), NUM_SAMPLES)  # (reviews,)
    prompt = np.full((len(intended), 1), chars.END)  # (reviews, 1)
    ids = sampling.generate(charlm.step_model(model, LM_RECIPE), prompt, MAX_CHARS,
                            np.random.default_rng(SEED), labels=intended,
                            temperature=TEMPERATURE)  # (reviews, MAX_CHARS)
    texts = [chars.decode(row[row != chars.END]) for row in ids]
    return texts, intended, (ids == chars.END).any(axis=1), clock.read()


def against_unlabelled(share, unlabelled) -> dict:
    """Two independent shares (Intervals): Fisher's exact test, Newcombe's interval."""
    count_a, count_b = round(share.estimate * share.n), round(unlabelled.estimate * unlabelled.n)
    table = [[count_a, share.n - count_a], [count_b, unlabelled.n - count_b]]
    p_value = float(stats.fisher_exact(table).pvalue)
    low, high = confint_proportions_2indep(count_a, share.n, count_b, unlabelled.n,
                                           method="newcomb", alpha=1 - LEVEL)
    difference = share.estimate - unlabelled.estimate
    return {"verdict": evaluate.verdict(difference, p_value=p_value, level=LEVEL),
            "difference": round(difference, 4), "low": round(float(low), 4),
            "high": round(float(high), 4), "p_value": float(f"{p_value:.4g}"),
            "test": "Fisher exact (two-sided); Newcombe hybrid score interval"}


def scores(prob, intended) -> dict:
    """The shares judged positive / negative per condition, the goal and the comparisons."""
    judged = {name: prob[intended == label] for name, label in CONDITIONS.items()}
    shares = {(name, s): evaluate.accuracy_interval(p > 0.5 if s == "positive" else p < 0.5)
              for name, p in judged.items() for s in ("positive", "negative")}
    hits = np.r_[judged["positive"] > 0.5, judged["negative"] < 0.5]
    intended_share = evaluate.accuracy_interval(hits)
    return {"shares": {f"{name} judged {s}": interval_entry(iv)
                       for (name, s), iv in shares.items()},
            "intended": interval_entry(intended_share),
            "goal_met": bool(intended_share.estimate >= GOAL_SHARE),
            "goal_clearly_met": bool(intended_share.low >= GOAL_SHARE),
            "against_unlabelled": {s: against_unlabelled(shares[s, s], shares["no label", s])
                                   for s in ("positive", "negative")},
            "without_verdict": int(np.isnan(prob).sum())}


def main():
    run = Clock()
    tf.config.experimental.enable_op_determinism()  # the same networks on every run
    splits = imdb.without_test(imdb.load_splits())  # the test reviews, dropped unread
    judge, judge_val, judge_clock = train_judge(splits)
    val_cut = [chars.clean(review)[:MAX_CHARS] for review in splits.val_texts]
    cut_prob = judge(val_cut)  # (reviews,)
    ceiling = evaluate.accuracy_interval(np.where(np.isnan(cut_prob), False,
                                                  (cut_prob > 0.5) == splits.val_labels))
    model, history, writer_clock = train_writer(splits)
    texts, intended, ended, write_clock = write(model)
    prob = judge(texts)  # (reviews,)
    result = scores(prob, intended)
    record = {
        "goal": {"intended_share": GOAL_SHARE, "rule": "point estimate >= goal"},
        "goal_met": result["goal_met"],
        "goal_verdict": ("goal met" if result["goal_met"] else "goal NOT met") + (
            f": {result['intended']['text']} of the conditioned reviews judged with the "
            f"intended sentiment (goal >= {GOAL_SHARE})"),
        **result,
        "judge": {"recipe": dataclasses.asdict(imdb.Recipe()),
                  "validation": interval_entry(judge_val),
                  "validation_first_chars": {"chars": MAX_CHARS, **interval_entry(ceiling)},
                  **judge_clock},
        "writer": {"recipe": dataclasses.asdict(LM_RECIPE),
                   "final_loss_bits_per_char": round(history["loss"][-1] / np.log(2), 3),
                   **writer_clock},
        "generation": {"per_condition": NUM_SAMPLES, "max_chars": MAX_CHARS,
                       "temperature": TEMPERATURE, "seed": SEED,
                       "ended_by_model": round(float(ended.mean()), 4),
                       "median_chars": float(np.median([len(t) for t in texts])),
                       "examples": {name: texts[list(intended).index(label)][:300]
                                    for name, label in CONDITIONS.items()},
                       **write_clock},
        "total": run.read(),
        "load_average_end_1_5_15_min": [round(v, 2) for v in os.getloadavg()],
        "versions": {"python": platform.python_version(), "numpy": np.__version__,
                     "tensorflow": tf.__version__, "keras": keras.__version__},
    }
    records.save("conditional_generation", record)
    report(record)


def report(record):
    for name, entry in record["shares"].items():
        print(f"{name:24} {entry['text']}")
    for name, entry in record["against_unlabelled"].items():
        print(f"judged {name}, conditioned against no label: {entry['verdict']} "
              f"({entry['difference']:+.3f}, 95% CI {entry['low']:+.3f} to "
              f"{entry['high']:+.3f}, p = {entry['p_value']:.2g})")
    print(f"judge: validation {record['judge']['validation']['text']}; first "
          f"{MAX_CHARS} characters {record['judge']['validation_first_chars']['text']}")
    print(f"{record['goal_verdict']}; total {record['total']}")


if __name__ == "__main__":
    main()
