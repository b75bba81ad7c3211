"""Expected values for tests/features/logistic.test.ts, computed offline with Debian's python3-sklearn (1.2.1).

    /usr/bin/python3 tests/data/features/make_logistic_fixture.py

Features are rounded to float16 first (the precision Relabel stores embeddings in), standardised with
StandardScaler fitted on the training rows, then fitted with LogisticRegression(multi_class='multinomial',
solver='newton-cg') at a tight tolerance
(newton-cg stops on the gradient alone; lbfgs also stops on scipy's relative-decrease test at ~2e-9, which
leaves the probabilities only ~1e-5 from the optimum).
"""
import json
import warnings
import numpy as np
import sklearn
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler

# newton-cg at tol 1e-10 may report non-convergence once its gradient stalls at machine precision.
warnings.filterwarnings("ignore", message="newton-cg failed to converge")
rng = np.random.default_rng(1712)


def case(name, n, n_test, d, k, C, balanced, proportions):
    y = rng.choice(k, size=n + n_test, p=proportions)
    centers = rng.standard_normal((k, d)) * 1.2
    X = (centers[y] + rng.standard_normal((n + n_test, d)) * 1.5 + 2.0).astype(np.float16).astype(np.float64)
    X[:, 0] = 3.0  # a constant feature: StandardScaler keeps its scale at 1
    Xtr, ytr, Xte = X[:n], y[:n], X[n:]
    sc = StandardScaler().fit(Xtr)
    lr = LogisticRegression(C=C, multi_class="multinomial", solver="newton-cg", tol=1e-10, max_iter=100000,
                            class_weight="balanced" if balanced else None)
    lr.fit(sc.transform(Xtr), ytr)
    return {
        "name": name, "C": C, "balanced": balanced, "numClasses": k, "dim": d,
        "x": X.tolist(), "y": y[:n].tolist(), "nTrain": n,
        "probaTrain": lr.predict_proba(sc.transform(Xtr)).tolist(),
        "probaTest": lr.predict_proba(sc.transform(Xte)).tolist(),
    }


cases = [
    case("binary, C=1", 60, 20, 5, 2, 1.0, False, [0.5, 0.5]),
    case("3 classes, imbalanced, balanced class weights, C=0.1", 90, 30, 6, 3, 0.1, True, [0.6, 0.3, 0.1]),
    case("binary, strong regularisation C=0.001, balanced, 16 features", 200, 40, 16, 2, 0.001, True, [0.2, 0.8]),
    case("4 classes, C=10", 120, 20, 9, 4, 10.0, False, [0.25, 0.25, 0.25, 0.25]),
]
json.dump({"sklearn": sklearn.__version__, "cases": cases}, open(__file__.replace("make_logistic_fixture.py", "logistic-sklearn.json"), "w"))
print("wrote", len(cases), "cases with scikit-learn", sklearn.__version__)
