"""Exact path-dependent TreeSHAP of a LightGBM model by table look-up (FastTreeSHAP "v2", Yang 2021).

LightGBM's ``predict(pred_contrib=True)`` walks every tree for every row (about 250 µs a row for
the partner ranker). The SHAP values are the same numbers whenever the same branches are taken,
so they can be tabulated once per model and looked up:

- a leaf contributes only to the features split on along its path, and only through which of
  those features the row "satisfies" (follows all of the feature's splits toward the leaf): a
  bit mask. Per leaf, `_leaf_tables` computes its contribution for every mask with LightGBM's own
  recursions (``ExtendPath`` / ``UnwoundPathSum``), all leaves of a path length at once;
- the leaves of a subtree (the whole tree when small enough) form a *group*: everything the
  group's leaves give depends on which interval between the group's thresholds each of its
  features falls in (or, for a categorical feature, which of its split sets hold the value, or
  whether the value is missing). Per group one table holds the sum of its leaves' parts for each
  combination of those states.

At query time every row's state per feature comes from one comparison with all thresholds of
the model; each group's table row is found by a mixed-radix index, and the rows are added up per
feature, all in a few numpy calls over all trees at once. The base value (last column) is
LightGBM's own. The values equal ``pred_contrib``'s up to the order of the floating-point sums
(~1e-16 relative). A model this module cannot tabulate (linear trees, mixed missing-value
handling on one feature, a too large group) gets ``None`` from `TreeShap.of`: use LightGBM then.

>>> import lightgbm as lgb
>>> rng = np.random.default_rng(0)
>>> X = rng.normal(size=(200, 3)); y = X[:, 0] + 2 * (X[:, 1] > 0)
>>> booster = lgb.train({"num_leaves": 4, "verbose": -1, "min_data_in_leaf": 5}, lgb.Dataset(X, y), 5)
>>> shap = TreeShap.of(booster)
>>> bool(np.allclose(shap.contributions(X[:4]), booster.predict(X[:4], pred_contrib=True), rtol=1e-12, atol=1e-12))
True
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

# A group's table holds at most this many numbers (combinations × features); a larger subtree is
# split into its two subtrees. A single leaf may exceed it up to LEAF_CAP.
GROUP_CAP = 16384
LEAF_CAP = 1 << 20
ZERO_THRESHOLD = float(np.float32(1e-35))  # LightGBM's kZeroThreshold (a float literal widened)
MISSING_TYPES = ("None", "Zero", "NaN")


class Unsupported(ValueError):
    """The model has something the tables do not reproduce exactly."""


@dataclass
class _Node:
    feature: int
    categorical: bool
    threshold: float
    cats: frozenset
    default_left: bool
    missing: str
    count: int
    left: object = None
    right: object = None


@dataclass
class _Leaf:
    value: float
    count: int
    path: list = field(default_factory=list)  # (node id, went left) from the root


@dataclass
class _Feature:
    """The states of one feature across the model: numerical intervals between its sorted
    thresholds (+ a missing state), or the classes of its categorical split sets."""

    index: int
    categorical: bool
    thresholds: np.ndarray = None  # numerical: sorted distinct thresholds
    missing: str = "None"
    lut: np.ndarray = None  # categorical: class of each value 0..len-1; `other` for the rest
    other: int = 0
    n_states: int = 0
    decisions: dict = field(default_factory=dict)  # node id -> bool (goes left) per state


def _parse(booster) -> tuple[list, list, list]:
    """Nodes, leaves (with paths) and, per tree, the root (a node id or a leaf)."""
    dump = booster.dump_model()
    nodes: list[_Node] = []
    leaves: list[_Leaf] = []
    roots = []

    def walk(d, path):
        if "split_index" not in d:
            if "leaf_value" not in d or "leaf_coeff" in d:
                raise Unsupported("a tree node without split or leaf value")
            leaf = _Leaf(float(d["leaf_value"]), int(d.get("leaf_count", 0)), path)
            leaves.append(leaf)
            return ("leaf", len(leaves) - 1)
        if d.get("missing_type", "None") not in MISSING_TYPES:
            raise Unsupported(d.get("missing_type"))
        cat = d["decision_type"] == "=="
        if not cat and d["decision_type"] != "<=":
            raise Unsupported(d["decision_type"])
        node = _Node(int(d["split_feature"]), cat, 0.0 if cat else float(d["threshold"]),
                     frozenset(int(c) for c in str(d["threshold"]).split("||")) if cat else frozenset(),
                     bool(d["default_left"]), d.get("missing_type", "None"), int(d["internal_count"]))
        nodes.append(node)
        nid = len(nodes) - 1
        node.left = walk(d["left_child"], path + [(nid, True)])
        node.right = walk(d["right_child"], path + [(nid, False)])
        return ("node", nid)

    if dump.get("num_class", 1) != 1 or dump.get("num_tree_per_iteration", 1) != 1:
        raise Unsupported("more than one tree per iteration")
    if dump.get("average_output"):
        raise Unsupported("averaged trees (random forest)")
    for tree in dump["tree_info"]:
        roots.append(walk(tree["tree_structure"], []))
    return nodes, leaves, roots


def _count(nodes, leaves, ref) -> int:
    kind, i = ref
    return nodes[i].count if kind == "node" else leaves[i].count


def _features(nodes: list[_Node]) -> dict[int, _Feature]:
    by: dict[int, list[int]] = defaultdict(list)
    for nid, n in enumerate(nodes):
        by[n.feature].append(nid)
    out = {}
    for f, ids in by.items():
        kinds = {nodes[i].categorical for i in ids}
        if len(kinds) > 1:
            raise Unsupported(f"feature {f} split both ways")
        if kinds == {True}:
            top = max(max(nodes[i].cats, default=0) for i in ids)
            member = np.array([[v in nodes[i].cats for i in ids] for v in range(top + 1)] + [[False] * len(ids)])
            classes, inverse = np.unique(member, axis=0, return_inverse=True)
            inverse = inverse.reshape(-1)
            feat = _Feature(f, True, lut=inverse[:-1].astype(np.int64), other=int(inverse[-1]), n_states=len(classes))
            for col, i in enumerate(ids):
                feat.decisions[i] = classes[:, col].astype(bool)
        else:
            missing = {nodes[i].missing for i in ids} - {"None"}
            if len(missing) > 1 or (missing and len({nodes[i].missing for i in ids}) > 1):
                raise Unsupported(f"feature {f} with mixed missing-value handling")
            ts = np.unique(np.array([nodes[i].threshold for i in ids], dtype=np.float64))
            feat = _Feature(f, False, thresholds=ts, n_states=len(ts) + 1 + bool(missing),
                            missing=missing.pop() if missing else "None")
            for i in ids:
                feat.decisions[i] = _goes_left(ts, nodes[i], feat.missing != "None")
        out[f] = feat
    return out


def _goes_left(ts: np.ndarray, node: _Node, missing: bool) -> np.ndarray:
    """Whether a numerical split sends each state left: the intervals between the sorted
    thresholds `ts` (interval r is (t[r-1], t[r]]) and, with `missing`, the missing state last."""
    goes = np.arange(len(ts) + 1) <= np.searchsorted(ts, node.threshold)
    return np.append(goes, node.default_left) if missing else goes


def _unique_path(nodes, leaves, leaf: _Leaf) -> tuple[list[int], list[float], list[list]]:
    """The leaf's unique features in LightGBM's path order (a repeated feature moves to the end),
    their zero fractions (cover ratios, multiplied as LightGBM does) and their path steps."""
    feats: list[int] = []
    zs: list[float] = []
    steps: list[list] = []
    for depth, (nid, left) in enumerate(leaf.path):
        node = nodes[nid]
        child = node.left if left else node.right
        ratio = _count(nodes, leaves, child) / float(node.count)
        z, st = 1.0, []
        if node.feature in feats:
            k = feats.index(node.feature)
            z, st = zs[k], steps[k]
            del feats[k], zs[k], steps[k]
        feats.append(node.feature)
        zs.append(ratio * z)
        steps.append(st + [(nid, left)])
    return feats, zs, steps


def _leaf_tables(z: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Contributions (leaves × 2^d masks × d) of leaves with d unique path features, zero
    fractions `z` (leaves × d) and values `v`; bit u of a mask is the one fraction of feature u.
    LightGBM's ExtendPath and UnwoundPathSum (tree.cpp), vectorized over leaves and masks."""
    L, d = z.shape
    masks = np.arange(1 << d)
    one = ((masks[:, None] >> np.arange(d)) & 1).astype(np.float64)  # (2^d, d)
    pw = np.zeros((L, 1 << d, d + 1))
    pw[:, :, 0] = 1.0
    for u in range(1, d + 1):  # extend by path element u (z[:, u-1], one[:, u-1])
        zu, ou = z[:, u - 1][:, None], one[:, u - 1][None, :]
        for i in range(u - 1, -1, -1):
            pw[:, :, i + 1] += ou * pw[:, :, i] * (i + 1) / float(u + 1)
            pw[:, :, i] = zu * pw[:, :, i] * (u - i) / float(u + 1)
    out = np.empty((L, 1 << d, d))
    with np.errstate(divide="ignore", invalid="ignore"):
        for p in range(1, d + 1):
            o, zp = one[:, p - 1][None, :], z[:, p - 1][:, None]
            hot = o != 0
            nxt = pw[:, :, d].copy()
            total = np.zeros((L, 1 << d))
            for j in range(d - 1, -1, -1):
                tmp = nxt * (d + 1) / ((j + 1) * np.where(hot, o, 1.0))
                cold = (pw[:, :, j] / zp) / ((d - j) / float(d + 1))
                total += np.where(hot, tmp, cold)
                nxt = pw[:, :, j] - tmp * zp * ((d - j) / float(d + 1))
            out[:, :, p - 1] = total * (o - zp) * v[:, None]
    return out


def _group_roots(nodes, feats, ref, ancestors: list[int], out: list) -> None:
    """Split the subtree at `ref` (below `ancestors`) into groups whose tables fit GROUP_CAP."""
    inside = list(ancestors)
    stack = [ref]
    while stack:
        kind, i = stack.pop()
        if kind == "node":
            inside.append(i)
            stack += [nodes[i].left, nodes[i].right]
    per: dict[int, set] = defaultdict(set)
    for i in inside:
        per[nodes[i].feature].add(i)
    size = len(per)
    for f, ids in per.items():
        ft = feats[f]
        size *= (min(ft.n_states, 2 ** len(ids)) if ft.categorical
                 else len({nodes[i].threshold for i in ids}) + 1 + (ft.missing != "None"))
    if size <= GROUP_CAP or ref[0] == "leaf":
        out.append((ref, inside))
        return
    _group_roots(nodes, feats, nodes[ref[1]].left, ancestors + [ref[1]], out)
    _group_roots(nodes, feats, nodes[ref[1]].right, ancestors + [ref[1]], out)


class TreeShap:
    """Tables of a LightGBM model's path-dependent SHAP values; `contributions` is
    ``booster.predict(X, pred_contrib=True)`` by look-up."""

    def __init__(self, booster):
        self.n_features = booster.num_feature()
        try:  # the base value as LightGBM sums it (which also says LightGBM can explain this model)
            self.base = float(booster.predict(np.zeros((1, self.n_features)), pred_contrib=True, num_threads=1)[0, -1])
        except Exception as exc:  # LightGBMError, e.g. for linear trees
            raise Unsupported(str(exc)) from exc
        nodes, leaves, roots = _parse(booster)
        feats = _features(nodes)
        self._state_arrays(feats)
        # Per leaf its unique path (features, zero fractions, steps); tables per path length.
        paths = [_unique_path(nodes, leaves, leaf) for leaf in leaves]
        by_d: dict[int, list[int]] = defaultdict(list)
        for li, (fs, _, _) in enumerate(paths):
            if fs:
                by_d[len(fs)].append(li)
        if any(leaves[li].count <= 0 for ids in by_d.values() for li in ids) or any(n.count <= 0 for n in nodes):
            raise Unsupported("a node without data count")
        leaf_table: dict[int, np.ndarray] = {}
        for d, ids in by_d.items():
            tab = _leaf_tables(np.array([paths[li][1] for li in ids]), np.array([leaves[li].value for li in ids]))
            for li, t in zip(ids, tab):
                leaf_table[li] = t
        node_leaves = self._leaves_below(nodes, roots)
        groups = []
        for root in roots:
            if root[0] == "node":
                _group_roots(nodes, feats, root, [], groups)
        self._tables(nodes, feats, paths, leaf_table, node_leaves, groups)

    @classmethod
    def of(cls, booster) -> "TreeShap | None":
        """The tables of `booster`, or None when it is no LightGBM booster or cannot be tabulated."""
        if not hasattr(booster, "dump_model"):
            return None
        try:
            return cls(booster)
        except Unsupported:
            return None

    # -- building ------------------------------------------------------------------------
    @staticmethod
    def _leaves_below(nodes, roots) -> dict:
        below: dict = {}

        def rec(ref):
            if ref[0] == "leaf":
                return [ref[1]]
            below[ref] = rec(nodes[ref[1]].left) + rec(nodes[ref[1]].right)
            return below[ref]

        for r in roots:
            rec(r)
        return below

    def _state_arrays(self, feats: dict[int, _Feature]) -> None:
        """What the query needs to find each row's state of each feature."""
        self.feats = feats
        self.order = sorted(feats)  # state column of each used feature
        self.col = {f: c for c, f in enumerate(self.order)}
        num = [f for f in self.order if not feats[f].categorical]
        self.num_cols = np.array([self.col[f] for f in num], dtype=np.int64)
        self.q_feat = np.concatenate([np.full(len(feats[f].thresholds), f) for f in num]) if num else np.zeros(0, int)
        self.q_thr = np.concatenate([feats[f].thresholds for f in num]) if num else np.zeros(0)
        sizes = [len(feats[f].thresholds) for f in num]
        self.q_starts = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64) if num else np.zeros(0, int)
        self.missing = [(self.col[f], f, feats[f].missing, feats[f].n_states - 1) for f in num
                        if feats[f].missing != "None"]
        self.cats = [(self.col[f], f, feats[f].lut, feats[f].other) for f in self.order if feats[f].categorical]

    def _tables(self, nodes, feats, paths, leaf_table, node_leaves, groups) -> None:
        tables, p_col, p_map, g_of_pair, e_group, e_feat, e_j = [], [], [], [], [], [], []
        offset = 0
        maps: list[np.ndarray] = []
        for g, (ref, inside) in enumerate(groups):
            per: dict[int, list[int]] = defaultdict(list)
            for i in inside:
                per[nodes[i].feature].append(i)
            gf = sorted(per)
            # Group states of each feature: the distinct decision vectors over the group's nodes.
            reps, inv = [], []
            for f in gf:
                ft = feats[f]
                if ft.categorical:
                    D = np.stack([ft.decisions[i] for i in per[f]], axis=1)
                    r, iv = np.unique(D, axis=0, return_inverse=True)
                    reps.append({i: r[:, c] for c, i in enumerate(per[f])})
                    inv.append(iv.reshape(-1))
                    continue
                # Numerical: the intervals between the group's thresholds (+ the missing state).
                ts = np.unique([nodes[i].threshold for i in per[f]])
                iv = np.searchsorted(ts, np.append(ft.thresholds, np.inf))
                if ft.missing != "None":
                    iv = np.append(iv, len(ts) + 1)
                reps.append({i: _goes_left(ts, nodes[i], ft.missing != "None") for i in per[f]})
                inv.append(iv)
            radix = [len(next(iter(r.values()))) for r in reps]
            n_comb = int(np.prod(radix))
            if n_comb * len(gf) > LEAF_CAP:
                raise Unsupported("a group table too large")
            strides = np.cumprod([1] + radix[:-1]).astype(np.int64)
            comb = np.arange(n_comb)
            state = [(comb // s) % r for s, r in zip(strides, radix)]
            table = np.zeros((n_comb, len(gf)))
            fpos = {f: c for c, f in enumerate(gf)}
            for li in ([ref[1]] if ref[0] == "leaf" else node_leaves[ref]):
                fs, _, steps = paths[li]
                mask = np.zeros(n_comb, dtype=np.int64)
                for u, (f, st) in enumerate(zip(fs, steps)):
                    c = fpos[f]
                    ok = np.ones(radix[c], dtype=bool)
                    for nid, left in st:
                        ok &= reps[c][nid] == left
                    mask |= ok[state[c]].astype(np.int64) << u
                table[:, [fpos[f] for f in fs]] += leaf_table[li][mask]
            for c, f in enumerate(gf):
                p_col.append(self.col[f])
                maps.append((inv[c] * strides[c] * len(gf)).astype(np.int64))
                g_of_pair.append(g)
                e_group.append(g)
                e_feat.append(f)
                e_j.append(c)
            tables.append(table.reshape(-1))
            p_map.append(offset)
            offset += table.size
        self.table = np.concatenate(tables) if tables else np.zeros(0)
        if len(self.table) >= 2 ** 31:
            raise Unsupported("tables too large")
        self.g_off = np.array(p_map, dtype=np.int32)
        # Pairs (group, feature) in group order: state column and offset of the map of each.
        m_off = np.concatenate([[0], np.cumsum([len(m) for m in maps])[:-1]]).astype(np.int64) if maps else np.zeros(0, int)
        self.maps = (np.concatenate(maps) if maps else np.zeros(0)).astype(np.int32)
        self.p_col = np.array(p_col, dtype=np.int64)
        self.p_off = m_off.astype(np.int32)
        g_of_pair = np.array(g_of_pair, dtype=np.int64)
        self.g_starts = np.flatnonzero(np.r_[True, g_of_pair[1:] != g_of_pair[:-1]]) if len(g_of_pair) else g_of_pair
        # Entries (group, feature) in feature order, for the sums per feature.
        e_feat = np.array(e_feat, dtype=np.int64)
        order = np.argsort(e_feat, kind="stable")
        self.e_group = np.array(e_group, dtype=np.int64)[order]
        self.e_j = np.array(e_j, dtype=np.int32)[order]
        fe = e_feat[order]
        self.f_starts = np.flatnonzero(np.r_[True, fe[1:] != fe[:-1]]) if len(fe) else fe
        self.f_used = fe[self.f_starts]

    # -- query ---------------------------------------------------------------------------
    def states(self, XT: np.ndarray, nan: bool = True) -> np.ndarray:
        """Each row's state of each feature the model splits on (used features × rows), from
        the rows transposed (features × rows); `nan`: whether they may hold NaN."""
        S = np.empty((len(self.order), XT.shape[1]), dtype=np.int32)
        if len(self.q_thr):
            x0 = XT[self.q_feat]
            if nan:
                np.nan_to_num(x0, copy=False, nan=0.0)  # missing type None: NaN counts as 0
            # How many of each feature's thresholds lie below x: the interval it falls in.
            S[self.num_cols] = np.add.reduceat(x0 > self.q_thr[:, None], self.q_starts, axis=0, dtype=np.int32)
        for col, f, how, state in self.missing:
            x = XT[f]
            miss = np.isnan(x) if how == "NaN" else np.isnan(x) | ((x >= -ZERO_THRESHOLD) & (x <= ZERO_THRESHOLD))
            S[col, miss] = state
        for col, f, lut, other in self.cats:
            x = XT[f]
            v = np.trunc(np.nan_to_num(x, nan=-1.0, posinf=-1.0, neginf=-1.0) if nan else x)  # NaN: in no set
            ok = (v >= 0) & (v < len(lut))
            S[col] = np.where(ok, lut[np.where(ok, v, 0).astype(np.int64)], other)
        return S

    def contributions(self, X: np.ndarray) -> np.ndarray:
        """Per-feature SHAP values (rows × features) and the base value in the last column, as
        LightGBM's ``predict(X, pred_contrib=True)``."""
        X = np.asarray(X)
        if X.dtype not in (np.float32, np.float64):
            X = X.astype(np.float32)  # as LightGBM converts other inputs
        X = X.reshape(len(X), -1)
        out = np.zeros((len(X), self.n_features + 1))
        out[:, -1] = self.base
        if not len(X) or not len(self.table):
            return out
        XT = np.ascontiguousarray(X.T, dtype=np.float64)
        XT[np.abs(XT) <= ZERO_THRESHOLD] = 0.0  # LightGBM reads such values as absent, i.e. 0
        g = self.states(XT, bool(np.isnan(XT).any()))[self.p_col]
        g += self.p_off[:, None]
        key = np.add.reduceat(self.maps[g], self.g_starts, axis=0)  # each group's table row
        key += self.g_off[:, None]
        at = key[self.e_group]
        at += self.e_j[:, None]
        out[:, self.f_used] = np.add.reduceat(self.table[at], self.f_starts, axis=0).T  # sums per feature
        return out
