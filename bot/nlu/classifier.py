"""TF-IDF features and a multinomial logistic regression, in numpy + scipy.sparse.

Why not scikit-learn: importing it costs ~1 s (it drags in scipy.stats, scipy.optimize
and friends), which alone would eat half of the 2 s start-up budget, and its
`predict_proba` on a single sample spends ~100 µs validating input. scipy.sparse alone
imports in ~0.2 s and does the two sparse products of each L-BFGS step in ~1 ms; the
small L-BFGS below fits the model in a few hundred milliseconds. Inference needs no
sparse matrix at all: one gather of the weight rows of the features present and one
dot product.
"""

from __future__ import annotations

import math
from collections import Counter, deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from bot.nlu.tokenise import Tokeniser

FloatArray = npt.NDArray[np.floating[Any]]

CHAR_NGRAMS = (2, 3, 4)
# Relative weight of the two feature families after per-family L2 normalisation: words
# carry meaning, character n-grams carry typo and no-space robustness.
WORD_WEIGHT = 1.0
CHAR_WEIGHT = 0.8


Doc = tuple[list[str], list[str]]  # (word features, character n-gram features)


def featurise(tokens: Sequence[str], tokeniser: Tokeniser | None = None) -> Doc:
    """Word features (unigrams, bigrams with sentence boundaries) and char n-grams.

    A compound service name ("ยื่นภาษีป้าย") contributes itself and, through the
    bigrams/unigrams of the expanded sequence, its parts ("ยื่น", "ภาษีป้าย").
    """
    expanded: list[str] = []
    words: list[str] = []
    for t in tokens:
        parts = tokeniser.parts(t) if tokeniser is not None else ()
        if parts:
            words.append(f"w:{t}")
            expanded.extend(parts)
        else:
            expanded.append(t)
    words += [f"w:{t}" for t in expanded]
    padded = ["<s>", *expanded, "</s>"]
    words += [f"b:{a}|{b}" for a, b in pairwise(padded)]
    if len(tokens) <= 2:
        # Very short messages ("ป้าย", "ยกเลิก") behave differently from sentences.
        words.append(f"len:{len(tokens)}")
    joined = "".join(tokens)
    chars = [f"c:{joined[i : i + n]}" for n in CHAR_NGRAMS for i in range(len(joined) - n + 1)]
    if 0 < len(joined) < CHAR_NGRAMS[0]:
        chars.append(f"c:{joined}")
    return words, chars


class Vectoriser:
    """Sublinear TF-IDF over the two feature families, each L2-normalised then weighted."""

    def __init__(self) -> None:
        self.vocab: dict[str, int] = {}
        self._idf: list[float] = []  # a list: indexing numpy arrays per feature is slower

    def fit(self, docs: Sequence[Doc], min_df: int = 1) -> None:
        """Learn vocabulary and IDF. Features seen in fewer than `min_df` documents are
        dropped, except word unigrams: a word seen once is still a word of the domain."""
        df: Counter[str] = Counter()
        for words, chars in docs:
            df.update(set(words))
            df.update(set(chars))
        kept = sorted(f for f, c in df.items() if c >= min_df or f.startswith("w:"))
        self.vocab = {f: i for i, f in enumerate(kept)}
        n = len(docs)
        self._idf = [math.log((1 + n) / (1 + df[f])) + 1.0 for f in kept]

    def _block(self, feats: list[str], weight: float) -> tuple[list[int], list[float]]:
        vocab = self.vocab
        counts: dict[int, int] = {}
        for f in feats:
            i = vocab.get(f)
            if i is not None:
                counts[i] = counts.get(i, 0) + 1
        if not counts:
            return [], []
        idf = self._idf
        idx = list(counts)
        vals = [(1.0 + math.log(c)) * idf[i] if c > 1 else idf[i] for i, c in counts.items()]
        scale = weight / math.sqrt(sum(v * v for v in vals))
        return idx, [v * scale for v in vals]

    def transform(self, doc: Doc) -> tuple[list[int], list[float]]:
        wi, wv = self._block(doc[0], WORD_WEIGHT)
        ci, cv = self._block(doc[1], CHAR_WEIGHT)
        return wi + ci, wv + cv

    def coverage(self, doc: Doc) -> float:
        """Share of the text's character n-grams seen in training (gibberish scores low)."""
        chars = doc[1]
        if not chars:
            return 0.0
        return sum(1 for f in chars if f in self.vocab) / len(chars)


def sparse_rows(rows: Sequence[tuple[list[int], list[float]]], n_features: int) -> sp.csr_matrix:
    """Stack (indices, values) rows into a CSR matrix."""
    lengths = np.fromiter((len(r[0]) for r in rows), dtype=np.int64, count=len(rows))
    indptr = np.concatenate([[0], np.cumsum(lengths)])
    nnz = int(indptr[-1])
    indices = np.fromiter((i for r in rows for i in r[0]), dtype=np.int64, count=nnz)
    data = np.fromiter((v for r in rows for v in r[1]), dtype=np.float64, count=nnz)
    return sp.csr_matrix((data, indices, indptr), shape=(len(rows), n_features))


def _softmax(z: FloatArray) -> FloatArray:
    z = z - z.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


Objective = Callable[[FloatArray], tuple[float, FloatArray]]


def _lbfgs(
    fun: Objective,
    x0: FloatArray,
    max_iter: int = 150,
    memory: int = 5,
    tol: float = 1e-5,
    ftol: float = 1e-9,
) -> FloatArray:
    """Minimal L-BFGS with Armijo backtracking, for a smooth convex objective.

    The vector bookkeeping is done in place: with ~400k parameters it, not the
    objective, dominates the run time.
    """
    x = x0.copy()
    f, g = fun(x)
    history: deque[tuple[FloatArray, FloatArray, float]] = deque(maxlen=memory)
    q = np.empty_like(x)
    for _ in range(max_iter):
        if float(np.max(np.abs(g))) < tol:
            break
        # Two-loop recursion: q = -H g.
        np.copyto(q, g)
        alphas: list[float] = []
        for s, y, rho in reversed(history):
            a = rho * float(s @ q)
            alphas.append(a)
            q -= a * y
        if history:
            s, y, _rho = history[-1]
            q *= float(s @ y) / float(y @ y)
        else:
            q /= max(1.0, float(np.linalg.norm(g)))
        for (s, y, rho), a in zip(history, reversed(alphas), strict=True):
            q += (a - rho * float(y @ q)) * s
        direction = -q
        slope = float(g @ direction)
        if slope >= 0:  # not a descent direction: restart from steepest descent
            history.clear()
            direction, slope = -g, -float(g @ g)
        step = 1.0
        for _ls in range(30):
            x_new = x + step * direction
            f_new, g_new = fun(x_new)
            if f_new <= f + 1e-4 * step * slope:
                break
            step *= 0.5
        else:
            break
        s_vec, y_vec = x_new - x, g_new - g
        sy = float(s_vec @ y_vec)
        if sy > 1e-10:
            history.append((s_vec, y_vec, 1.0 / sy))
        converged = abs(f - f_new) < ftol * max(1.0, abs(f))
        x, f, g = x_new, f_new, g_new
        if converged:
            break
    return x


@dataclass(slots=True)
class LinearModel:
    """Softmax regression weights: `weights[feature, class]`, `bias[class]`."""

    labels: tuple[str, ...]
    weights: FloatArray
    bias: FloatArray

    def proba(self, idx: Sequence[int], vals: Sequence[float]) -> FloatArray:
        if not idx:
            return _softmax(self.bias)
        return _softmax(np.asarray(vals) @ self.weights[np.asarray(idx)] + self.bias)

    @classmethod
    def fit(
        cls,
        x: sp.csr_matrix,
        y: Sequence[str],
        l2: float = 1e-3,
        sample_weight: Sequence[float] | None = None,
        max_iter: int = 200,
        ftol: float = 1e-5,  # tighter changes no answer on the development split and costs ~30 % more training
    ) -> LinearModel:
        labels = tuple(sorted(set(y)))
        col = {lab: i for i, lab in enumerate(labels)}
        n, d, k = x.shape[0], x.shape[1], len(labels)
        # float32 halves the memory traffic of L-BFGS's vector updates, which dominate
        # the fit; the loss itself is accumulated in float64.
        x32 = x.astype(np.float32)
        xt = x32.T.tocsr()  # row-major transpose: X.T @ G is as fast as X @ W
        targets = np.zeros((n, k), dtype=np.float32)
        targets[np.arange(n), [col[v] for v in y]] = 1.0
        sw = np.ones(n) if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
        sw = (sw / sw.sum()).astype(np.float32)[:, None]
        grad = np.empty(d * k + k, dtype=np.float32)
        grad_w = grad[: d * k].reshape(d, k)

        def objective(theta: FloatArray) -> tuple[float, FloatArray]:
            w = theta[: d * k].reshape(d, k)
            z = x32 @ w + theta[d * k :]
            z -= z.max(axis=1, keepdims=True)
            log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
            flat = theta[: d * k]
            loss = -float(np.sum(sw * targets * log_p, dtype=np.float64)) + 0.5 * l2 * float(flat @ flat)
            residual = (np.exp(log_p) - targets) * sw
            np.multiply(w, l2, out=grad_w)
            np.add(grad_w, xt @ residual, out=grad_w)
            grad[d * k :] = residual.sum(axis=0)
            return loss, grad.copy()

        theta = _lbfgs(objective, np.zeros(d * k + k, dtype=np.float32), max_iter=max_iter, ftol=ftol)
        weights = theta[: d * k].reshape(d, k).astype(np.float64)
        return cls(labels, weights, theta[d * k :].astype(np.float64))
