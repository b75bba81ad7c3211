"""Regenerates cases.json: scikit-learn's f_classif and SelectPercentile on small constructed image sets.

Run with Debian's python3-sklearn (1.2.1) and python3-pil:
    /usr/bin/python3 tests/data/f-classif/generate.py

Each case stores its images (uint8, HWC, row-major), labels and, per class c, what sklearn computes for
"class c vs the rest": f_classif(X, y == c)[0] on the grayscale pixels as float64, and
SelectPercentile(f_classif, percentile=10).fit(X, y == c).get_support(). RGB images are converted to
grayscale by Pillow (Image.convert('L')), independently of Relabel's own conversion.
"""

import json
import os
import warnings

import numpy as np
from PIL import Image
from sklearn.feature_selection import SelectPercentile, f_classif

warnings.simplefilter("ignore")
rng = np.random.default_rng(20261130)


def gray(images, channels):
    if channels == 1:
        return images.reshape(len(images), -1).astype(np.float64)
    return np.stack(
        [np.asarray(Image.fromarray(im, "RGB").convert("L")).reshape(-1) for im in images]
    ).astype(np.float64)


def enc(v):
    if np.isnan(v):
        return "nan"
    if np.isinf(v):
        return "inf" if v > 0 else "-inf"
    return float(v)


def case(name, images, labels, channels, percentile=10):
    n, h, w = images.shape[:3]
    X = gray(images, channels)
    y = np.asarray(labels)
    per_class = []
    for c in range(int(y.max()) + 1):
        target = y == c
        f = f_classif(X, target)[0]
        sel = SelectPercentile(f_classif, percentile=percentile).fit(X, target)
        per_class.append(
            {
                "classId": c,
                "f": [enc(v) for v in f],
                "mask": [int(i) for i in np.flatnonzero(sel.get_support())],
            }
        )
    return {
        "name": name,
        "width": int(w),
        "height": int(h),
        "channels": channels,
        "percentile": percentile,
        "labels": [int(v) for v in y],
        "pixels": [int(v) for v in images.reshape(-1)],
        "gray": [int(v) for v in X.reshape(-1)] if channels == 3 else None,
        "perClass": per_class,
    }


cases = []

# 1. Three classes of noisy grayscale images with a pixel constant everywhere (F = 0/0 = NaN) and one
#    constant within each group of "class 0 vs rest" (F = x/0 = inf).
n, h, w = 90, 9, 11
labels = np.repeat([0, 1, 2], [40, 30, 20])
rng.shuffle(labels)
imgs = rng.integers(0, 256, size=(n, h, w, 1), dtype=np.uint8)
imgs[:, 0, 0, 0] = 77
imgs[:, 8, 10, 0] = np.where(labels == 0, 200, 50)
imgs[labels == 1, 4, 5, 0] = np.clip(imgs[labels == 1, 4, 5, 0].astype(int) + 60, 0, 255)
cases.append(case("three-classes-gray", imgs, labels, 1))

# 2. Two classes of RGB images: the class is a bright 4x4 patch (plus noise) at rows 2-5, columns 6-9.
n, h, w = 80, 12, 12
labels = (rng.random(n) < 0.35).astype(int)
imgs = rng.integers(0, 140, size=(n, h, w, 3), dtype=np.uint8)
patch = imgs[labels == 1, 2:6, 6:10, :].astype(int) + 110
imgs[labels == 1, 2:6, 6:10, :] = np.clip(patch, 0, 255).astype(np.uint8)
cases.append(case("bright-patch-rgb", imgs, labels, 3))

# 3. Many exact ties: columns duplicated in blocks of 5 so whole blocks share one F at the threshold.
n, h, w = 40, 5, 10
labels = np.repeat([0, 1], 20)
base = rng.integers(0, 8, size=(n, 10), dtype=np.uint8)
base[labels == 1, :3] += 3
imgs = np.repeat(base, 5, axis=1).reshape(n, h, w, 1)
cases.append(case("tied-scores", imgs, labels, 1))
cases.append(case("tied-scores-percentile-25", imgs, labels, 1, percentile=25))

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "cases.json")
with open(out, "w") as fh:
    json.dump({"sklearn": __import__("sklearn").__version__, "cases": cases}, fh)
print(out, os.path.getsize(out))
