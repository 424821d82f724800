"""The IMDB chapter's performance goal, judged under the chapter's protocol (notebook 04a):
a from-scratch recurrent model with test accuracy >= 0.90 within 300 s on this 2-core CPU.

Usage: `.venv/bin/python benchmarks/imdb_speed.py` (about 8 minutes on a quiet 2-core CPU,
longer on a shared one). Needs the IMDB data offline:
`RNNCOURSE_IMDB=../shared/datasets/aclImdb_v1_labeled.tar.gz` or the cache. Writes
rnncourse/records/imdb_speed.json (`records.save`) and prints a table. The record also keeps
every network's predicted validation labels (a string of 0s and 1s) and the comparison of
the two recipes on validation, seed by seed (McNemar) and over the seeds, which notebook 04g
reads.

Everything comes from the course's one recipe, `rnncourse.imdb`: the split (`load_splits`:
the validation reviews are whole movies held out of the training split), the two recipes
(`imdb.Recipe()`, 04e's convolution + pooled bidirectional GRU, and
`imdb.Recipe(num_bigrams=25_000)`, 04g's, which also reads a bigram id per token), the
preparation, the training, and the TF-IDF baseline with its C chosen on validation.

Declared before the run, and not changed after it:

CANDIDATES: each recipe alone (seed 0) and as ensembles of 2 (seeds 0, 1) and 3 (seeds 0,
1, 2) networks whose predicted probabilities are averaged; six candidates in all.

RULE: the chosen candidate has the best validation accuracy among the candidates whose
total time is at most GOAL_SECONDS; ties go to the cheaper (less total time). Then, and
only then, the test set scores the chosen candidate once (no other candidate is ever scored
on test), with its 95 % Wilson interval and a paired McNemar test against the TF-IDF
baseline. The goal is met if that test accuracy is at least GOAL_ACCURACY (and the time at
most GOAL_SECONDS, which the rule already ensures).

THE CLOCK: a candidate's total time is everything after the raw text is loaded: its
recipe's preparation (`imdb.prepare`: adapting the vectorizer on the fit reviews, tokenising
the fit and validation reviews, the bigram vocabulary, cutting), then for each of its
networks, building it, `imdb.train` (every epoch's steps and its validation pass) and its
prediction on the validation reviews. A recipe's preparation is shared by its candidates
and counted in full in each of their totals. Tokenising and scoring the test reviews is not
part of any total; it is timed and reported on its own. The TF-IDF baseline's seconds cover
its vectorising, its fits for every C and its predictions.

The machine's load average is recorded at the start, every few seconds during the run and
at the end, with the cores this benchmark kept busy: on a machine shared with other jobs,
the times are likely longer than on a quiet one (and the choice may then exclude a
candidate that a quiet machine would have trained in time).
"""

import dataclasses
import os
import platform
import threading

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # before keras imports TensorFlow

import keras  # noqa: E402
import numpy as np  # noqa: E402
import sklearn  # noqa: E402
import tensorflow as tf  # noqa: E402

from rnncourse import evaluate, imdb, records  # noqa: E402
from clock import Clock  # noqa: E402  (benchmarks/clock.py)

GOAL_ACCURACY, GOAL_SECONDS = 0.90, 300  # the chapter's goal: test accuracy, total seconds
RECIPES = {  # name -> the recipe, from rnncourse.imdb; nothing else is set here
    "04e model": imdb.Recipe(),
    "bigram model": imdb.Recipe(num_bigrams=25_000),
}
SEEDS = (0, 1, 2)  # every recipe is trained from each; the ensembles take the first 2 or 3
CANDIDATES = {  # name -> (recipe name, seeds of its networks): declared before the run
    "04e model": ("04e model", (0,)),
    "ensemble of 2 04e models": ("04e model", (0, 1)),
    "ensemble of 3 04e models": ("04e model", (0, 1, 2)),
    "bigram model": ("bigram model", (0,)),
    "ensemble of 2 bigram models": ("bigram model", (0, 1)),
    "ensemble of 3 bigram models": ("bigram model", (0, 1, 2)),
}
RULE = (f"best validation accuracy among the candidates whose total time is <= {GOAL_SECONDS}"
        " s; ties to the cheaper (less total time); the test set then scores the chosen one"
        " only, once")
QUIET_LOAD = 0.5  # quiet: a 1-minute load average below this at the start, and other jobs'
# load during the run (the mean load average less this benchmark's busy cores) below it too
LOAD_EVERY = 5.0  # seconds between two samples of the load average during the run


class LoadSampler(threading.Thread):
    """Samples the 1-minute load average every LOAD_EVERY seconds until stopped."""

    def __init__(self):
        super().__init__(daemon=True)
        self.samples, self.stopped = [], threading.Event()

    def run(self):
        while not self.stopped.wait(LOAD_EVERY):
            self.samples.append(os.getloadavg()[0])


def labels_text(predictions) -> str:
    """(reviews,) 0/1 predicted labels as one string of digits, e.g. "0110", for the record."""
    return "".join("1" if p else "0" for p in predictions)


def interval_entry(interval) -> dict:
    return {"accuracy": round(interval.estimate, 4), "low": round(interval.low, 4),
            "high": round(interval.high, 4), "n": interval.n, "text": str(interval)}


def comparison_entry(comparison) -> dict:
    return {"verdict": comparison.verdict, "difference": round(comparison.difference, 4),
            "low": round(comparison.low, 4), "high": round(comparison.high, 4),
            "p_value": float(f"{comparison.p_value:.4g}"), "n": comparison.n,
            "text": str(comparison)}


def prepare_without_test(splits, recipe):
    """imdb.prepare on the fit and validation reviews alone (the test reviews are encoded
    after the choice, off the clock) and its clock reading."""
    clock = Clock()
    prepared = imdb.prepare(imdb.without_test(splits), recipe)
    return prepared, clock.read()


def train_network(prepared, splits, recipe, seed, label):
    """Build, train and predict the validation reviews: (model, P(positive) on validation
    (reviews,), the network's entry for the record)."""
    clock = Clock()
    model = imdb.build(recipe, seed)
    history, epoch_seconds = imdb.train(model, prepared, splits, recipe, seed, label)
    val_probabilities = imdb.probabilities(model, prepared.val_seqs)  # (reviews,)
    entry = {**clock.read(), "seed": seed, "parameters": model.count_params(),
             "training_seconds_per_epoch": [round(s, 1) for s in epoch_seconds],
             "validation_accuracy_by_epoch": [round(v, 4) for v in history["val_accuracy"]],
             "validation_accuracy": round(float(np.mean(
                 (val_probabilities > 0.5) == splits.val_labels)), 4),
             "validation_predictions": labels_text(val_probabilities > 0.5)}
    return model, val_probabilities, entry


def candidate_entry(name, preparation, networks, val_probabilities, splits):
    """A candidate's record entry (its members, total time and validation accuracy) and
    which validation reviews it gets right ((reviews,) bool)."""
    recipe_name, seeds = CANDIDATES[name]
    members = [networks[recipe_name][seed] for seed in seeds]
    total = preparation[recipe_name]["seconds"] + sum(m["seconds"] for m in members)
    cpu = preparation[recipe_name]["cpu_seconds"] + sum(m["cpu_seconds"] for m in members)
    average = np.mean([val_probabilities[recipe_name][seed] for seed in seeds], axis=0)
    correct = (average > 0.5) == splits.val_labels  # (reviews,)
    return {"recipe": recipe_name, "seeds": list(seeds),
            "parameters": sum(m["parameters"] for m in members),
            "total_seconds": round(total, 1), "total_cpu_seconds": round(cpu, 1),
            "within_time": bool(total <= GOAL_SECONDS),
            "validation": interval_entry(evaluate.accuracy_interval(correct))}, correct


def choose(candidates) -> str:
    """RULE: the best validation accuracy among those within time, ties to the cheaper."""
    within = [name for name, c in candidates.items() if c["within_time"]]
    if not within:
        return None
    return max(within, key=lambda name: (candidates[name]["validation"]["accuracy"],
                                         -candidates[name]["total_seconds"]))


def bigram_comparison(networks, splits) -> dict:
    """Bigram model against 04e's model on validation, seed by seed (paired McNemar) and
    over the seeds (mean of the per-seed accuracy differences, t interval, verdict)."""
    correct = {name: {seed: np.array(list(entry["validation_predictions"]), dtype=int)
                      == splits.val_labels for seed, entry in by_seed.items()}
               for name, by_seed in networks.items()}
    per_seed = {seed: evaluate.paired_classifiers(correct["bigram model"][seed],
                                                  correct["04e model"][seed]) for seed in SEEDS}
    spread = evaluate.over_seeds([c.difference for c in per_seed.values()])
    word = evaluate.verdict(spread.mean, interval=(spread.low, spread.high))
    return {"per_seed": {str(seed): comparison_entry(c) for seed, c in per_seed.items()},
            "mean_difference": round(spread.mean, 4), "sd": round(spread.sd, 4),
            "low": round(spread.low, 4), "high": round(spread.high, 4),
            "verdict_over_seeds": word}


def load_entry(start, sampler, end, run) -> dict:
    """The machine's load: 1-minute load averages at the start, during the run (sampled)
    and at the end, and this process's own use (CPU seconds / wall seconds of the run)."""
    samples = sampler.samples or [end[0]]
    own = run["cpu_seconds"] / run["seconds"]  # cores this benchmark kept busy, on average
    others = max(0.0, float(np.mean(samples)) - own)  # the load beyond its own, roughly
    quiet = start[0] < QUIET_LOAD and others < QUIET_LOAD
    note = (f"load average {start[0]:.2f} at the start and {np.mean(samples):.2f} on average "
            f"during the run, on {os.cpu_count()} cores; this benchmark kept about {own:.1f} "
            f"cores busy, so other jobs added about {others:.1f}: " + (
                "a quiet machine" if quiet else "the machine was shared, so the times are "
                "likely longer than on a quiet machine"))
    return {"start_1_5_15_min": [round(v, 2) for v in start],
            "end_1_5_15_min": [round(v, 2) for v in end],
            "during_1_min": {"min": round(min(samples), 2), "mean": round(float(np.mean(
                samples)), 2), "max": round(max(samples), 2), "samples": len(samples)},
            "own_cores": round(own, 2), "others_estimate": round(others, 2),
            "quiet": bool(quiet), "note": note}


def score_chosen(chosen, models, prepared, splits, baseline):
    """The test set, once: the chosen candidate's accuracy, interval and McNemar against
    TF-IDF; the seconds spent encoding and predicting the test reviews."""
    clock = Clock()
    recipe_name, seeds = CANDIDATES[chosen]
    test_seqs = imdb.encode(prepared[recipe_name], RECIPES[recipe_name], splits.test_texts)
    average = np.mean([imdb.probabilities(models[recipe_name][seed], test_seqs)
                       for seed in seeds], axis=0)  # (reviews,)
    correct = (average > 0.5) == splits.test_labels  # (reviews,)
    tfidf_correct = baseline.test_predictions == splits.test_labels
    return {"candidate": chosen,
            "test": interval_entry(evaluate.accuracy_interval(correct)),
            "against_tfidf": comparison_entry(evaluate.paired_classifiers(correct,
                                                                          tfidf_correct)),
            "test_scoring_seconds": clock.read()["seconds"]}


def main():
    load_start, sampler, run = os.getloadavg(), LoadSampler(), Clock()
    sampler.start()
    tf.config.experimental.enable_op_determinism()  # the same networks on every run
    splits = imdb.load_splits()  # the raw text: the clock starts after it
    preparation, prepared, models, networks, val_probabilities = {}, {}, {}, {}, {}
    for recipe_name, recipe in RECIPES.items():
        prepared[recipe_name], preparation[recipe_name] = prepare_without_test(splits, recipe)
        models[recipe_name], networks[recipe_name], val_probabilities[recipe_name] = {}, {}, {}
        for seed in SEEDS:
            model, probabilities, entry = train_network(
                prepared[recipe_name], splits, recipe, seed, f"{recipe_name}, seed {seed}")
            models[recipe_name][seed], networks[recipe_name][seed] = model, entry
            val_probabilities[recipe_name][seed] = probabilities
    candidates, val_correct = {}, {}
    for name in CANDIDATES:
        candidates[name], val_correct[name] = candidate_entry(
            name, preparation, networks, val_probabilities, splits)
    chosen = choose(candidates)  # the choice is made: only now is the test set read
    baseline = imdb.tfidf_baseline(splits)
    tfidf_val_correct = baseline.val_predictions == splits.val_labels
    for name, candidate in candidates.items():
        candidate["validation_against_tfidf"] = comparison_entry(
            evaluate.paired_classifiers(val_correct[name], tfidf_val_correct))
    result = score_chosen(chosen, models, prepared, splits, baseline) if chosen else None
    goal_met = bool(result and result["test"]["accuracy"] >= GOAL_ACCURACY)
    record = {
        "goal": {"test_accuracy": GOAL_ACCURACY, "seconds": GOAL_SECONDS,
                 "cpu_count": os.cpu_count()},
        "rule": RULE,
        "test_scored": "the chosen candidate only, once, after the choice",
        "clock": "after load_splits: preparation (fit and validation reviews), building, "
                 "training with validation passes, validation prediction; test not included",
        "chosen": chosen,
        "chosen_result": result,
        "total_seconds": candidates[chosen]["total_seconds"] if chosen else None,
        "goal_met": goal_met,
        "goal_verdict": ("goal met" if goal_met else "goal NOT met") + (
            f": test accuracy {result['test']['text']} (goal >= {GOAL_ACCURACY}), total "
            f"{candidates[chosen]['total_seconds']} s (goal <= {GOAL_SECONDS} s)" if chosen
            else f": no candidate finished within {GOAL_SECONDS} s"),
        "candidates": candidates,
        "bigrams_against_04e_model_on_validation": bigram_comparison(networks, splits),
        "networks": {name: {str(seed): entry for seed, entry in by_seed.items()}
                     for name, by_seed in networks.items()},
        "preparation": preparation,
        "tfidf_baseline": {
            "C": baseline.C, "validation_accuracy_by_C": {
                f"{C:g}": round(a, 4) for C, a in baseline.val_accuracy.items()},
            "validation": interval_entry(evaluate.accuracy_interval(tfidf_val_correct)),
            "validation_predictions": labels_text(baseline.val_predictions),
            "test": interval_entry(evaluate.accuracy_interval(
                baseline.test_predictions == splits.test_labels)),
            "parameters": baseline.num_parameters, "seconds": round(baseline.seconds, 1)},
        "recipes": {name: dataclasses.asdict(recipe) for name, recipe in RECIPES.items()},
        "reviews": {"fit": len(splits.fit_labels), "validation": len(splits.val_labels),
                    "validation_movies": len(set(splits.val_movies)),
                    "test": len(splits.test_labels)},
    }
    sampler.stopped.set()
    record["load_average"] = load_entry(load_start, sampler, os.getloadavg(), run.read())
    record["versions"] = {"python": platform.python_version(), "numpy": np.__version__,
                          "tensorflow": tf.__version__, "keras": keras.__version__,
                          "scikit-learn": sklearn.__version__}
    records.save("imdb_speed", record)
    report(record)


def report(record):
    print(f"{'candidate':30} {'validation':>10} {'total s':>8} {'cpu s':>8}  within time")
    for name, c in record["candidates"].items():
        print(f"{name:30} {c['validation']['accuracy']:10.4f} {c['total_seconds']:8.1f} "
              f"{c['total_cpu_seconds']:8.1f}  {'yes' if c['within_time'] else 'no'}")
    tfidf = record["tfidf_baseline"]
    print(f"TF-IDF (C = {tfidf['C']:g}): validation {tfidf['validation']['text']}, "
          f"{tfidf['seconds']} s")
    comparison = record["bigrams_against_04e_model_on_validation"]
    print(f"bigrams vs 04e model on validation over seeds: {comparison['verdict_over_seeds']} "
          f"(mean difference {comparison['mean_difference']:+.4f}, sd {comparison['sd']:.4f})")
    if record["chosen"]:
        result = record["chosen_result"]
        print(f"chosen: {record['chosen']}; test {result['test']['text']}; against TF-IDF on "
              f"test: {result['against_tfidf']['text']}")
    print(f"{record['goal_verdict']}; load: {record['load_average']['note']}")


if __name__ == "__main__":
    main()
