"""Reference logistic regression for bench/float16.ts: the same features in float32 and rounded to float16.

Usage: python3 bench/float16_reference.py WORK_DIR DIM NUM_CLASSES C_GRID INNER_FOLDS
Reads WORK_DIR/f32.bin, f16.bin (float32 rows of DIM values) and labels.txt; writes probs-f32.txt and
probs-f16.txt (out-of-fold probabilities, one row per image) and chosen-c.txt (one line per feature set).
Each of 5 stratified outer folds (seed 42): standardisation fitted on its training rows, C chosen from C_GRID by
INNER_FOLDS-fold log-loss on those rows only (LogisticRegressionCV), then the held-out fold predicted.
"""
import sys

import numpy as np
from sklearn.linear_model import LogisticRegressionCV
from sklearn.model_selection import StratifiedKFold
from sklearn.preprocessing import StandardScaler

work, dim, k, grid, inner = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], int(sys.argv[5])
cs = [float(c) for c in grid.split(",")]
y = np.loadtxt(f"{work}/labels.txt", dtype=int)
chosen = []
for name in ("f32", "f16"):
    x = np.fromfile(f"{work}/{name}.bin", dtype=np.float32).reshape(-1, dim).astype(np.float64)
    probs = np.zeros((len(y), k))
    cs_used = []
    for train, test in StratifiedKFold(5, shuffle=True, random_state=42).split(x, y):
        scaler = StandardScaler().fit(x[train])
        model = LogisticRegressionCV(
            Cs=cs, cv=inner, scoring="neg_log_loss", max_iter=2000, tol=1e-5, random_state=42
        ).fit(scaler.transform(x[train]), y[train])
        probs[test] = model.predict_proba(scaler.transform(x[test]))
        cs_used.append(f"{model.C_[0]:g}")
    np.savetxt(f"{work}/probs-{name}.txt", probs, fmt="%.9g")
    chosen.append(", ".join(cs_used))
with open(f"{work}/chosen-c.txt", "w") as f:
    f.write("\n".join(chosen) + "\n")
