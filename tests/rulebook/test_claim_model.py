"""The claim model's inference reproduces scikit-learn, and its file round-trips byte for byte."""

from __future__ import annotations

import gzip
import json

import numpy as np
import pytest

from riskguard.rulebook.claim_model import ClaimModel, FamilyModel, ModelError, decode, encode

sklearn_text = pytest.importorskip("sklearn.feature_extraction.text")
sklearn_linear = pytest.importorskip("sklearn.linear_model")

TRAIN = [
    ("全网最低价，错过今天再等一年", 1), ("本品可以根治鼻炎，三天见效", 1), ("稳赚不赔，保本保息年化12%", 1),
    ("包过！考不过全额退费", 1), ("喝了这个茶，血压降下来了", 1), ("國家級品質　第一品牌", 1),
    ("ＮＯ．１销量冠军，顶级工艺", 1), ("开光貔貅，转运招财保平安", 1), ("吃了百病不生，头不晕了", 1),
    ("最近天气转凉，注意保暖", 0), ("本品不能代替药物", 0), ("理财非存款，产品有风险，投资需谨慎", 0),
    ("冷藏后口感最佳", 0), ("第一次购买的顾客可领优惠券", 0), ("最大承重150公斤，规格见详情", 0),
    ("我们不承诺保本，也不保证收益", 0), ("纯棉T恤，三色可选", 0), ("下单后48小时内发货", 0),
]
PROBES = ["全网最低价", "最近上新\n\n\n三色可选", "  考不过退费  ", "國家級", "ＮＯ．１", "", "xyz 完全没见过的字",
          "血压降下来了，稳赚不赔", "A" * 3]


def _fit() -> tuple[object, object, ClaimModel]:
    texts, labels = zip(*TRAIN, strict=True)
    vec = sklearn_text.TfidfVectorizer(analyzer="char", ngram_range=(1, 3), min_df=1, sublinear_tf=True)
    clf = sklearn_linear.LogisticRegression(C=4.0, class_weight="balanced", max_iter=3000).fit(
        vec.fit_transform(texts), labels)
    fam = sklearn_linear.LogisticRegression(max_iter=3000).fit(
        vec.transform(texts[:9]), ["a", "b", "c", "d", "c", "a", "a", "e", "b"])
    family = FamilyModel(tuple(fam.classes_), fam.intercept_, tuple(np.arange(len(vec.vocabulary_), dtype=np.int32)
                                                                    for _ in fam.classes_), tuple(fam.coef_))
    model = ClaimModel(vocabulary={str(k): int(v) for k, v in vec.vocabulary_.items()}, idf=vec.idf_,
                       coef=clf.coef_[0], intercept=float(clf.intercept_[0]), ngram_range=(1, 3), family=family)
    return vec, (clf, fam), model


def test_probabilities_equal_sklearn():
    vec, (clf, _), model = _fit()
    texts = [t for t, _ in TRAIN] + PROBES
    expected = clf.predict_proba(vec.transform(texts))[:, 1]
    got = [model.probability(t) for t in texts]
    assert np.max(np.abs(np.array(got) - expected)) < 1e-9
    assert max(got) - min(got) > 0.4  # the model separates, so the comparison means something


def test_features_equal_sklearn():
    vec, _, model = _fit()
    for text in PROBES:
        row = vec.transform([text]).toarray()[0]
        idx, values = model.features(text)
        mine = np.zeros_like(row)
        mine[idx] = values
        assert np.max(np.abs(mine - row)) < 1e-12


def test_family_model_unpruned_equals_sklearn():
    vec, (_, fam), model = _fit()
    texts = [t for t, _ in TRAIN]
    assert [model.family_of(t) for t in texts] == list(fam.predict(vec.transform(texts)))


def test_file_round_trip_is_exact_and_deterministic():
    _, (clf, _), model = _fit()
    data = encode(model)
    assert encode(decode(data)) == data
    again = decode(data)
    for text in PROBES:
        assert again.probability(text) == model.probability(text)


@pytest.mark.parametrize("mangle", [
    lambda d: d[:len(d) // 2],                                   # truncated
    lambda d: b"not gzip at all",
    lambda d: gzip.compress(b"{}", mtime=0),                     # JSON, not a model
    lambda d: gzip.compress(json.dumps({**json.loads(gzip.decompress(d)), "coef": "AAAA"}).encode(), mtime=0),
    lambda d: gzip.compress(json.dumps({k: v for k, v in json.loads(gzip.decompress(d)).items()
                                        if k != "idf"}).encode(), mtime=0),
])
def test_a_broken_file_is_refused(mangle):
    _, _, model = _fit()
    with pytest.raises(ModelError):
        decode(mangle(encode(model)))
