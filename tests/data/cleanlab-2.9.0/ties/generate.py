"""Regenerates cases.json: cleanlab 2.9.0 outputs on small inputs full of exact ties.

Run (see README.md):
    NPY_DISABLE_CPU_FEATURES=X86_V3 CLEANLAB_SRC=/path/to/cleanlab-2.9.0-checkout python3 generate.py

cleanlab is imported from its source tree without its package __init__ (which pulls in every optional module);
sklearn, scipy and pandas are replaced by the few exact functions these code paths use.
"""

import json
import os
import sys
import types
import warnings

import numpy as np

warnings.simplefilter("ignore")
SRC = os.environ["CLEANLAB_SRC"]
if os.environ.get("NPY_DISABLE_CPU_FEATURES") != "X86_V3":
    sys.exit("set NPY_DISABLE_CPU_FEATURES=X86_V3 so np.argsort runs numpy's generic introsort (as numpy 1.24 did)")


def stub(name, **attrs):
    mod = types.ModuleType(name)
    mod.__dict__.update(attrs)
    sys.modules[name] = mod
    return mod


def confusion_matrix(y_true, y_pred, labels):
    labels = list(labels)
    out = np.zeros((len(labels), len(labels)), dtype=np.int64)
    for t, p in zip(np.asarray(y_true), np.asarray(y_pred)):
        out[t, p] += 1
    return out


def xlogy(x, y):
    x = np.asarray(x, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(x == 0, 0.0, x * np.log(y))


class _Dummy:
    def __init__(self, *a, **k):
        pass


stub("pandas", Series=type("Series", (), {}), DataFrame=type("DataFrame", (), {}))
stub("sklearn")
stub("sklearn.base", clone=lambda x: x)
stub("sklearn.linear_model", LogisticRegression=_Dummy)
stub("sklearn.metrics", confusion_matrix=confusion_matrix, log_loss=None)
stub("sklearn.model_selection", StratifiedKFold=_Dummy, cross_val_predict=None)
stub("scipy")
stub("scipy.special", xlogy=xlogy)
pkg = stub("cleanlab")
pkg.__path__ = [os.path.join(SRC, "cleanlab")]
ml = stub("cleanlab.multilabel_classification")
ml.__path__ = []
stub("cleanlab.multilabel_classification.filter", find_multilabel_issues_per_class=None)

from cleanlab import count, filter as clfilter, rank  # noqa: E402

FILTERS = [
    "prune_by_noise_rate",
    "prune_by_class",
    "both",
    "confident_learning",
    "predicted_neq_given",
    "low_self_confidence",
    "low_normalized_margin",
]
RANKS = ["self_confidence", "normalized_margin", "confidence_weighted_entropy"]


def quantized_probs(rng, n, K, steps, labels, noise):
    """Rows of multiples of 1/steps (so many exact ties), mostly peaked at the label."""
    rows = []
    for i in range(n):
        counts = rng.multinomial(steps // 2, np.ones(K) / K)
        peak = labels[i] if rng.random() > noise else rng.integers(K)
        counts[peak] += steps - counts.sum()
        rows.append(counts / steps)
    return np.array(rows, dtype=np.float64)


def run_case(name, labels, probs, variants):
    out = {"name": name, "n": len(labels), "K": probs.shape[1], "labels": labels.tolist(),
           "pred_probs": probs.ravel().tolist(), "issues": {}, "scores": {}}
    for fb in FILTERS:
        for rb in [None] + RANKS:
            res = clfilter.find_label_issues(labels, probs, filter_by=fb, return_indices_ranked_by=rb, n_jobs=1)
            key = f"{fb}__{rb or 'unranked'}"
            out["issues"][key] = (np.flatnonzero(res) if rb is None else res).tolist()
    for m in RANKS:
        out["scores"][m] = rank.get_label_quality_scores(labels, probs, method=m).tolist()
    out["confident_joint_calibrated"] = count.compute_confident_joint(labels, probs).tolist()
    out["confident_joint_uncalibrated"] = count.compute_confident_joint(labels, probs, calibrate=False).tolist()
    out["thresholds"] = count.get_confident_thresholds(labels, probs).tolist()
    out["num_label_issues"] = {
        m: int(count.num_label_issues(labels, probs, estimation_method=m))
        for m in ["off_diagonal", "off_diagonal_calibrated"]
    }
    out["estimate_joint"] = count.estimate_joint(labels, probs).tolist()
    py, nm, inv, cj = count.estimate_py_and_noise_matrices_from_probabilities(labels, probs)
    out["latent_converged"] = {"py": py.tolist(), "noise_matrix": nm.tolist(), "inv_noise_matrix": inv.tolist()}
    out["variants"] = []
    for kwargs in variants:
        res = clfilter.find_label_issues(labels, probs, return_indices_ranked_by="self_confidence", n_jobs=1, **kwargs)
        out["variants"].append({"options": kwargs, "issues": res.tolist()})
    return out


def main():
    rng = np.random.default_rng(20240901)
    cases = []
    for n, K, steps, noise in [(60, 2, 10, 0.2), (300, 3, 20, 0.15), (500, 5, 20, 0.1), (800, 10, 40, 0.1),
                               (400, 20, 40, 0.15), (1500, 4, 8, 0.25)]:
        labels = rng.integers(K, size=n)
        labels[:K] = np.arange(K)  # every class present
        probs = quantized_probs(rng, n, K, steps, labels, noise)
        variants = [
            {"filter_by": "prune_by_noise_rate", "frac_noise": 0.5},
            {"filter_by": "both", "frac_noise": 0.3},
            {"filter_by": "prune_by_class", "min_examples_per_class": n // (2 * K)},
            {"filter_by": "prune_by_noise_rate", "num_to_remove_per_class": [int(c) // 10 for c in np.bincount(labels, minlength=K)]},
            {"filter_by": "prune_by_class", "num_to_remove_per_class": [int(c) // 8 for c in np.bincount(labels, minlength=K)]},
        ]
        cases.append(run_case(f"quantized_n{n}_K{K}", labels, probs, variants))
    argsorts = []
    for size, levels in [(10, 3), (17, 2), (100, 5), (1000, 7), (5000, 40), (5000, 2)]:
        keys = rng.integers(levels, size=size).astype(np.float64) / levels
        argsorts.append({"keys": keys.tolist(), "argsort": np.argsort(keys).tolist()})
    for size in [64, 1000]:
        keys = np.concatenate([np.arange(size // 2), np.arange(size // 2)[::-1]]).astype(np.float64)
        argsorts.append({"keys": keys.tolist(), "argsort": np.argsort(keys).tolist()})
    meta = {"cleanlab_commit": "750625747de1b26d8530954f51f0530bd0b51d3c", "numpy": np.__version__,
            "NPY_DISABLE_CPU_FEATURES": "X86_V3"}
    with open(os.path.join(os.path.dirname(__file__), "cases.json"), "w") as f:
        json.dump({"meta": meta, "cases": cases, "argsort": argsorts}, f, separators=(",", ":"))


main()
