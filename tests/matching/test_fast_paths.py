"""The shortcuts `kim partners` takes give exactly what the sub-matrix operations they replace give."""
import numpy as np
from scipy import sparse

from kim_network.matching.ltr_features import rows_at, seed_project_counts, weighted_columns
from kim_network.matching.strength import strengths


def summed_rows(m: sparse.csr_matrix, rows, weights=None) -> np.ndarray:
    """The reference of `ltr_signals.summed_rows_many`: a few rows of a CSR matrix (each times its
    weight) added row by row in the order given, in the matrix's dtype."""
    out = np.zeros(m.shape[1], dtype=m.dtype)
    for r, i in enumerate(rows):
        start, end = m.indptr[i], m.indptr[i + 1]
        values = m.data[start:end] if weights is None else m.data[start:end] * weights[r]
        out[m.indices[start:end]] += values
    return out


def _matrix(seed: int, binary: bool = False) -> sparse.csr_matrix:
    rng = np.random.default_rng(seed)
    m = sparse.random(40, 60, density=0.2, format="csr", dtype=np.float32, random_state=seed)
    if binary:
        m.data[:] = 1.0
    else:
        m.data = (m.data * rng.uniform(0.1, 3.0, m.nnz)).astype(np.float32)
    return m


def test_row_sums_and_row_reads_are_bit_for_bit_those_of_the_sub_matrix():
    m = _matrix(1)
    rows = [7, 3, 19, 3, 0]
    weights = np.array([0.5, 1.0 / 3.0, 2.0, 0.25, 1.5], dtype=np.float32)
    assert np.array_equal(summed_rows(m, rows), np.asarray(m[rows].sum(axis=0)).ravel())
    assert np.array_equal(summed_rows(m, rows, weights), np.asarray(m[rows].T @ weights).ravel())
    cols = np.array([44, 2, 17, 3, 59, 30])
    where = np.full(m.shape[1], -1)
    where[cols] = np.arange(len(cols))
    assert np.array_equal(rows_at(m, rows[:3], where, len(cols)), m[rows[:3]].toarray()[:, cols])
    w = np.random.default_rng(4).uniform(0.0, 2.0, m.shape[1]).astype(np.float32)
    columns = weighted_columns(m, rows[:3], w)
    assert columns.flags.c_contiguous and np.array_equal(columns, (m[rows[:3]].toarray() * w[None, :]).T)
    assert summed_rows(m, []).tolist() == [0.0] * m.shape[1]


def test_seed_project_counts_count_the_rows_with_an_entry():
    m = _matrix(2, binary=True)
    rows = [1, 5, 8]
    assert np.array_equal(seed_project_counts(m, rows), np.asarray(m[rows].sum(axis=0)).ravel())


def test_strength_ranks_match_a_sorted_pool_with_ties():
    scores = np.array([0.3, 0.9, 0.3, -np.inf, 0.5, 0.9, 0.1])
    pool = np.array([0, 1, 2, 4, 5, 6])
    live = np.sort(scores[pool])[::-1]
    expected = {i: int(np.searchsorted(-live, -scores[i], side="left")) + 1 for i in (0, 1, 2, 4, 6)}
    got = strengths(scores, pool, [0, 1, 2, 4, 6])
    assert {i: s.rank for i, s in got.items()} == expected == {0: 4, 1: 1, 2: 4, 4: 3, 6: 6}
    assert all(s.pool == len(pool) for s in got.values())


def test_skills_in_text_finds_what_a_substring_search_over_all_labels_finds():
    from kim_network.matching.projection import Projection
    from kim_network.matching.text import fold
    import re

    class Labels:  # what skills_in_text reads of a projection
        skill_by_label = {"machine learning": 0, "learning": 1, "deep machine learning": 2, "maschinelles lernen": 3,
                          "speech": 4, "speech recognition": 5, "ai": 6, "computer vision": 7, "vision": 7}

    def brute(text, limit):
        words = " " + " ".join(re.findall(r"[a-z0-9]+", fold(text))) + " "
        keys = [(" " + " ".join(re.findall(r"[a-z0-9]+", fold(label))) + " ", i)
                for label, i in Labels.skill_by_label.items()]
        keys = sorted([kv for kv in keys if len(kv[0]) >= 6], key=lambda kv: -len(kv[0]))
        found = []
        for key, i in keys:
            if key in words and i not in found:
                found.append(i)
        return found[:limit]

    for text in ("Deep machine learning for speech recognition and computer vision", "Maschinelles Lernen, Vision!",
                 "learning", "", "speech speech recognition"):
        for limit in (1, 2, 12):
            assert Projection.skills_in_text(Labels(), text, limit) == brute(text, limit), (text, limit)


def _symmetric01(seed: int, n: int = 50) -> sparse.csr_matrix:
    m = sparse.random(n, n, density=0.15, format="csr", dtype=np.float32, random_state=seed)
    m = ((m + m.T) > 0).astype(np.float32).tocsr()
    m.setdiag(0)
    m.eliminate_zeros()
    return m


def test_second_hops_of_a_chunk_are_bit_for_bit_those_of_each_list_alone():
    from kim_network.matching.ltr_signals import second_hops

    b = _symmetric01(3)
    rng = np.random.default_rng(3)
    w_aa = rng.uniform(0.1, 2.0, b.shape[0]).astype(np.float32)
    w_ra = (1.0 / rng.integers(1, 40, b.shape[0])).astype(np.float32)
    lists = [[4, 17, 9], [0], [33, 2, 48, 21, 7], [5, 6]]
    got = second_hops(b, lists, w_aa, w_ra)
    for q, seeds in enumerate(lists):
        first = summed_rows(b, seeds)
        hop = np.flatnonzero(first)
        weights = np.vstack([first[hop] * w_aa[hop], first[hop] * w_ra[hop]])
        expected = np.asarray(weights @ b[hop], dtype=np.float32)
        assert np.array_equal(got[2 * q], expected[0]) and np.array_equal(got[2 * q + 1], expected[1])


def test_staff_visibility_checks_agree_with_can_see_node_by_node():
    from kim_network.core.visibility import STAFF, can_see
    from kim_network.matching import candidates as C
    from kim_network.matching.projection_build import build_projection

    from .fixtures import graph

    nodes, edges = graph()
    for label, props in nodes:
        if props.get("id") == "o-neu":
            props["merged_into"] = "o-sprach"
    proj = build_projection(nodes, edges, text_dims=8)
    actor, project = C.visible_actor(proj, STAFF), C.visible_project(proj, STAFF)
    expected = [not proj.actor_nodes[i].get("merged_into") and can_see(STAFF, proj.actor_label[i], proj.actor_nodes[i])
                for i in range(proj.n_actors)]
    assert [actor(i) for i in range(proj.n_actors)] == expected
    assert not actor(proj.actor_index["o-neu"]) and actor(proj.actor_index["o-offen"])  # merged; pending
    assert all(project(p) == can_see(STAFF, "Project", proj.project_nodes[p]) for p in range(len(proj.project_ids)))


def test_mutual_partners_take_the_strongest_in_the_order_of_a_full_stable_sort(proj):
    from kim_network.core.model import Label
    from kim_network.core.visibility import STAFF
    from kim_network.matching import candidates as C, evidence as E

    def reference(seeds, j, excluded, visible, pool, limit=2):  # the loop over the whole row
        weight = E.seed_ties(proj, seeds)
        start, end = proj.collab.indptr[j], proj.collab.indptr[j + 1]
        indices = proj.collab.indices[start:end]
        strength = proj.collab.data[start:end] * weight[indices]
        own = set(proj.staff.get(j, [])) | set(proj.employer.get(j, []))
        for employer in proj.employer.get(j, []):
            own.update(proj.staff.get(employer, []))
        out = []
        for k in np.argsort(-strength, kind="stable"):
            z = int(indices[k])
            if strength[k] <= 0:
                break
            if z in excluded or z in own or z == j or pool.hub(proj, z) or not visible(z):
                continue
            out.append(z)
            if len(out) >= limit:
                break
        return sorted(out, key=lambda z: proj.actor_label[z] != Label.ORGANIZATION.value)

    visible = C.visible_actor(proj, STAFF)
    pool = E.Pool.of(proj, proj.actor_label == Label.ORGANIZATION.value)
    checked = 0
    for seeds in ([0], [1, 2], [3, 0, 5], list(range(proj.n_actors))[:6]):
        for j in range(proj.n_actors):
            for limit in (1, 2, 5):
                got = E.mutual_partners(proj, seeds, j, set(seeds[:1]), visible, pool, limit)
                assert got == reference(seeds, j, set(seeds[:1]), visible, pool, limit)
                checked += bool(got)
    assert checked


def test_messages_render_as_the_catalogue_lookups_they_cache():
    from kim_network.core.messages import KIND_NAMES, LANGUAGES, Localized, Message, NameList, msg, names, nmsg
    from kim_network.core.messages import translations

    def reference(value, lang):  # the catalogue looked up on every render
        if isinstance(value, Localized):
            return value.render(lang)
        if isinstance(value, NameList):
            rendered = [str(reference(item, lang)) for item in value.items]
            shown, more = rendered[: value.limit], len(rendered) - value.limit
            if more > 0:
                return reference(nmsg("%(names)s and %(n)d more", "%(names)s and %(n)d more", more,
                                      names=", ".join(shown)), lang)
            if len(shown) <= 1:
                return "".join(shown)
            return reference(msg("%(first)s and %(last)s", first=", ".join(shown[:-1]), last=shown[-1]), lang)
        if not isinstance(value, Message):
            return value
        t = translations(lang)
        if value.plural is not None:
            text, values = t.ngettext(value.msgid, value.plural, int(value.n or 0)), {"n": value.n, **value.params}
        else:
            text, values = t.gettext(value.msgid), dict(value.params)
        return text % {k: reference(v, lang) for k, v in values.items()} if values else text

    asr = Localized(de="Spracherkennung", en="Speech recognition")
    only_de = Localized(de="Nur deutsch")
    cases = [msg("Similar to suggestions you found useful"), KIND_NAMES["media_company_sme"]]
    for n in (0, 1, 2, 3, 4, 7):
        items = [asr, only_de, "OCR", KIND_NAMES["university"], "NER", "MT", "TTS"][:n]
        cases += [names(items), names(items, 2), msg("From their projects: %(skills)s", skills=names(items)),
                  msg("Both worked with %(partners)s", partners=names(items[:2]))]
        cases += [nmsg("Experienced: %(n)d project", "Experienced: %(n)d projects", n),
                  msg("Adds to the team: %(kind)s", kind=KIND_NAMES["company_sme"])]
    for case in cases:
        for lang in LANGUAGES + ("fr",):
            for _ in range(2):  # the second render reads the cached lookups
                assert case.render(lang) == reference(case, lang), (case, lang)
    assert names([asr, "OCR", "NER", "MT"]).render("de") != names([asr, "OCR", "NER", "MT"]).render("en")


def _skills(seed: int, n_actors: int = 14, n_skills: int = 25):
    """Random binary skill matrices of the shape `supply.Skills` has (narrower within cover)."""
    from kim_network.matching.supply import Skills

    rng = np.random.default_rng(seed)

    def binary(shape, density):
        return sparse.csr_matrix((rng.random(shape) < density).astype(np.float32))

    eye = sparse.identity(n_skills, dtype=np.float32, format="csr")
    narrower = ((binary((n_skills, n_skills), 0.06) + eye) > 0).astype(np.float32).tocsr()
    cover = ((narrower + binary((n_skills, n_skills), 0.05)) > 0).astype(np.float32).tocsr()
    m = [binary((n_actors, n_skills), d) for d in (0.12, 0.25, 0.5, 0.1)]
    return Skills(cover, narrower, m[0], ((m[0] + m[1]) > 0).astype(np.float32).tocsr(), m[2], m[3], m[2])


def test_facts_on_the_skills_near_the_needs_are_the_facts_on_all_skills():
    from kim_network.matching import evidence as E, evidence_data as D
    from kim_network.matching.supply import row

    def reference(sk, needs, offers, j, inferred_supply=()):  # every skill of the candidate, one by one
        need_set = set(int(s) for s in needs)
        own_needs = set(row(sk.needs, j))
        declared = row(sk.declared, j)
        declared_set = set(declared)
        f = D.Facts()
        if need_set:
            f.offers = D._cover_named(sk, declared, need_set)
            named = set(f.offers)
            covered = {n for o in f.offers for n in row(sk.cover, o) if n in need_set}
            rest = need_set - covered

            def own_need(s):
                return bool(own_needs) and bool(own_needs.intersection(row(sk.cover, s)))
            listed = [s for s in row(sk.listed, j) if s not in declared_set and not (own_needs and own_need(s))]
            f.listed = [s for s in D._cover_named(sk, listed, rest) if s not in named]
            covered |= {n for o in f.listed for n in row(sk.cover, o) if n in need_set}
            projects = row(sk.from_projects, j)
            if named or own_needs:
                projects = [s for s in projects if s not in named and not (own_needs and own_need(s))]
            f.from_projects = [s for s in D._cover_named(sk, projects, need_set - covered) if s not in f.listed]
        if offers and own_needs:
            f.reciprocal = [o for o in offers if own_needs.intersection(row(sk.cover, o))]
        if inferred_supply and own_needs:
            met = {n for o in f.reciprocal for n in row(sk.cover, o)}
            f.reciprocal_inferred = [o for o in inferred_supply if o not in f.reciprocal
                                     and (own_needs - met).intersection(row(sk.cover, o))][:5]
        f.shared_offers = sorted(set(declared) & set(offers))
        f.shared_needs = sorted(own_needs & need_set)
        return f

    named = 0
    for seed in range(6):
        sk = _skills(seed)
        rng = np.random.default_rng(100 + seed)
        for _ in range(8):
            needs = rng.choice(sk.cover.shape[0], rng.integers(0, 6), replace=False).tolist()
            offers = rng.choice(sk.cover.shape[0], rng.integers(0, 4), replace=False).tolist()
            supply = rng.choice(sk.cover.shape[0], rng.integers(0, 4), replace=False).tolist()
            near = E.near_needs(sk, needs)
            for j in range(sk.declared.shape[0]):
                expected = reference(sk, needs, offers, j, supply)
                assert E.facts(None, sk, needs, offers, j, supply) == expected
                assert E.facts(None, sk, needs, offers, j, supply, near=near) == expected
                named += bool(expected.offers) + bool(expected.listed) + bool(expected.from_projects)
                own = rng.permutation(sk.cover.shape[0])[: rng.integers(0, 12)].tolist()  # in any order
                assert D._cover_named(sk, [o for o in own if near[o]], set(needs)) == \
                    D._cover_named(sk, own, set(needs))
    assert named > 50


def test_shared_projects_from_the_mask_are_those_of_the_sorted_set_even_with_equal_dates():
    from kim_network.matching import evidence as E
    from kim_network.matching.supply import row

    class Projects:  # what shared_projects reads of a projection
        def __init__(self, seed):
            rng = np.random.default_rng(seed)
            self.incidence = sparse.csr_matrix((rng.random((30, 80)) < 0.3).astype(np.float32))
            self.project_date = np.array([f"2020-0{d}-01" for d in rng.integers(1, 6, 80)], dtype=object)

    def reference(proj, seeds, j, visible, limit):  # the candidate's projects as a set, sorted by date
        theirs = set().union(*[set(row(proj.incidence, s)) for s in seeds])
        common = sorted(set(row(proj.incidence, j)) & theirs, key=lambda p: proj.project_date[p], reverse=True)
        out = []
        for p in common:
            if len(out) >= limit:
                break
            if visible(p):
                out.append(p)
        return out

    found = 0
    for seed in range(4):
        proj = Projects(seed)
        for seeds in ([0], [1, 2, 3], list(range(4, 12))):
            mask = E.seed_project_mask(proj, seeds)
            assert mask.tolist() == [p in E.seed_projects(proj, seeds) for p in range(80)]
            for visible in (lambda p: True, lambda p: p % 3 != 0):
                for j in range(30):
                    for limit in (1, 2, 5):
                        expected = reference(proj, seeds, j, visible, limit)
                        assert E.shared_projects(proj, seeds, j, visible, limit, theirs_mask=mask,
                                                 theirs=lambda: E.seed_projects(proj, seeds)) == expected
                        assert E.shared_projects(proj, seeds, j, visible, limit) == expected
                        found += len(expected)
    assert found > 100


def test_similar_projects_take_the_rows_as_fancy_indexing_does(proj):
    from kim_network.matching import evidence as E

    rng = np.random.default_rng(5)
    inc = proj.incidence
    for _ in range(5):
        qvec = rng.standard_normal(proj.project_vecs.shape[1]).astype(proj.project_vecs.dtype)
        qvec /= np.linalg.norm(qvec)
        for j in range(proj.n_actors):
            mine = inc.indices[inc.indptr[j]:inc.indptr[j + 1]]
            assert np.array_equal(np.take(proj.project_vecs, mine, axis=0) @ qvec,
                                  proj.project_vecs[mine.astype(np.int64)] @ qvec)
            sims = proj.project_vecs[mine.astype(np.int64)] @ qvec
            expected = [int(mine[k]) for k in np.argsort(-sims) if sims[k] > 0.2][:2]
            if len(set(sims.tolist())) == len(sims):  # the order of equal similarities is numpy's
                assert E.similar_projects(proj, qvec, j, lambda p: True) == expected


def test_signal_shares_group_as_the_dict_of_positive_contributions_did():
    from kim_network.matching.reasons import SIGNAL_GROUPS, signal_shares

    def reference(contributions, model_share):
        positive = {k: v for k, v in contributions.items() if v > 0 and SIGNAL_GROUPS.get(k, k) is not None}
        total = sum(positive.values())
        if total <= 0:
            return {}
        grouped = {}
        for name, value in positive.items():
            group = SIGNAL_GROUPS.get(name, name)
            grouped[group] = grouped.get(group, 0.0) + value / total * model_share
        return {k: round(v, 4) for k, v in sorted(grouped.items(), key=lambda kv: -kv[1])}

    rng = np.random.default_rng(7)
    keys = list(SIGNAL_GROUPS) + ["unknown_signal", "sme_boost"]
    for _ in range(300):
        chosen = rng.choice(keys, rng.integers(0, 30), replace=False)
        contributions = {str(k): float(v) for k, v in zip(chosen, rng.normal(0.0, 1.0, len(chosen)))}
        for share in (1.0, 0.8):
            got = signal_shares(contributions, share)
            assert got == reference(contributions, share) and list(got) == list(reference(contributions, share))


def test_transposed_copies_and_selection_sums_are_those_of_numpy_and_the_row_sums():
    from kim_network.matching.ltr_signals import selection, transposed

    m = np.random.default_rng(5).uniform(0.0, 1.0, (2500, 7)).astype(np.float32)
    for step in (1, 1000, 1024, 5000):
        got = transposed(m, step)
        assert got.flags.c_contiguous and np.array_equal(got, np.ascontiguousarray(m.T))
    b = _symmetric01(6)
    lists = [[4, 17, 9], [0], [3, 3, 8], []]
    sums = (selection(lists, b.shape[0]) @ b).toarray()
    for q, rows in enumerate(lists):
        assert np.array_equal(sums[q], summed_rows(b, rows))


def test_second_hops_sort_an_unsorted_tie_matrix_first():
    from kim_network.matching.ltr_signals import second_hops

    b = _symmetric01(7)
    shuffled = b.copy()
    rng = np.random.default_rng(7)
    for i in range(shuffled.shape[0]):  # the same ties, each row's entries in another order
        lo, hi = shuffled.indptr[i], shuffled.indptr[i + 1]
        shuffled.indices[lo:hi] = rng.permutation(shuffled.indices[lo:hi])
    shuffled.has_sorted_indices = False
    w = rng.uniform(0.1, 2.0, b.shape[0]).astype(np.float32)
    lists = [[1, 2, 30], [44]]
    assert np.array_equal(second_hops(shuffled, lists, w, w), second_hops(b, lists, w, w))


def test_skill_vectors_of_many_queries_are_bit_for_bit_those_of_one_at_a_time():
    from kim_network.matching.projection import Projection

    rng = np.random.default_rng(8)

    class Skills:  # what skill_vector(s) read of a projection: a taxonomy with broader skills and IDF
        skill_ids = [f"s{i}" for i in range(300)]
        ancestors = (sparse.random(300, 300, density=0.02, format="csr", dtype=np.float32, random_state=8)
                     + sparse.identity(300, dtype=np.float32, format="csr")).tocsr()
        idf = rng.uniform(0.5, 6.0, 300).astype(np.float32)

    skills = Skills()
    rows = [{int(s): float(rng.choice([1.0, 0.7, 0.35])) for s in rng.choice(300, size=k, replace=False)}
            for k in (1, 2, 3, 5, 9, 14, 30, 1, 4)] + [{}, {7: 1.0, 3: 0.7}]
    got = Projection.skill_vectors(skills, rows)
    assert got.shape == (len(rows), 300)
    unsorted = 0
    for i, w in enumerate(rows):
        one = Projection.skill_vector(skills, w).tocsr()
        start, end = got.indptr[i], got.indptr[i + 1]
        assert got.indices[start:end].tolist() == one.indices.tolist()  # the same entries in the same order
        assert got.data[start:end].tobytes() == one.data.tobytes()
        unsorted += not one.has_sorted_indices
    assert unsorted  # the cases include rows whose entries SciPy leaves unsorted


def test_summed_rows_of_a_chunk_are_bit_for_bit_those_of_each_list_alone():
    from kim_network.matching.ltr_signals import summed_rows_many

    m = _matrix(9)
    lists = [[7, 3, 19, 3, 0], [], [39], [12, 5, 30, 1, 8, 22]]
    rng = np.random.default_rng(9)
    weights = [rng.uniform(0.01, 3.0, len(rows)).astype(np.float32) for rows in lists]
    plain, weighted = summed_rows_many(m, lists), summed_rows_many(m, lists, weights)
    for q, rows in enumerate(lists):
        assert plain[q].tobytes() == summed_rows(m, rows).tobytes()
        assert weighted[q].tobytes() == summed_rows(m, rows, weights[q]).tobytes()


def test_partner_row_reads_are_those_of_a_loop_over_the_partners():
    from kim_network.matching.ltr_features import latest_projects

    m = _matrix(12, binary=True)
    rng = np.random.default_rng(12)
    month = rng.integers(24000, 24040, m.shape[1]).astype(np.float64)  # many ties
    month[rng.random(m.shape[1]) < 0.1] = -np.inf  # no date
    for rows in ([7, 3, 19, 3, 0], [5], [], list(range(40))):
        for n in (1, 2, 5, 100):
            expected = np.zeros(m.shape[1], dtype=np.float32)
            for i in rows:
                cols = m.indices[m.indptr[i]:m.indptr[i + 1]]
                if len(cols) > n:
                    cols = cols[np.argsort(-month[cols], kind="stable")[:n]]
                expected[cols] = 1.0
            assert latest_projects(m, rows, month, n).tolist() == expected.tolist()
        where = np.full(m.shape[1], -1)
        where[[44, 2, 17]] = [0, 1, 2]
        assert np.array_equal(rows_at(m, rows, where, 3), m[rows].toarray()[:, [44, 2, 17]].reshape(len(rows), 3))
        assert np.array_equal(seed_project_counts(m, rows), np.asarray(m[rows].sum(axis=0)).ravel())
    doubled = sparse.csr_matrix((np.ones(3, dtype=np.float32), [1, 1, 2], [0, 3]), shape=(1, 4))  # column 1 twice
    assert seed_project_counts(doubled, [0, 0]).tolist() == [0.0, 2.0, 2.0, 0.0]


def test_a_projection_published_before_the_sorted_ties_existed_gives_the_same_basket_signals(proj):
    from kim_network.matching import ltr_data
    from kim_network.matching.ltr_signals import basket_signals_many

    seeds = [[proj.actor_index[i] for i in ("o-thi", "o-kanal")], [proj.actor_index["o-fakt"]]]
    now = basket_signals_many(proj, seeds)
    cache = ltr_data._extras(proj)
    sorted_ties = cache.pop("collab01_sorted")
    try:
        before = basket_signals_many(proj, seeds)
    finally:
        cache["collab01_sorted"] = sorted_ties
    for a, b in zip(now, before):
        assert a.aa.tobytes() == b.aa.tobytes() and a.ra.tobytes() == b.ra.tobytes()
