"""Ngày ban hành, cơ quan ban hành and người ký of a văn bản named by số hiệu
(assistant.docfacts), on real text: bundled văn bản and the header and
signature of QĐ 2820/QĐ-UBND of UBND TP.HCM (19/11/2025), a library document."""

from __future__ import annotations

import pytest

from assistant.docfacts import DATE, ISSUER, SIGNER, answer_fact, named_document, signature
from assistant.question import SUBJECT, analyze, asked_particular
from corpus.citations import build_graph
from corpus.pipeline import bundled_dir, parse_file, parse_text
from tests.library_excerpts import QD_2820_CLOSING

#: the header, căn cứ, closing Điều and signature of QĐ 2820/QĐ-UBND as the library crawl gives them
#: (shortened: the căn cứ lines kept are those whose dates once answered "ban hành ngày nào")
QD_2820 = """ỦY BAN NHÂN DÂN
THÀNH PHỐ HỒ CHÍ MINH

CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc

Số: 2820/QĐ-UBND

Thành phố Hồ Chí Minh, ngày 19 tháng 11 năm 2025

QUYẾT ĐỊNH

BAN HÀNH KẾ HOẠCH TRIỂN KHAI QUYẾT ĐỊNH SỐ 06/QĐ-TTG NGÀY 02 THÁNG 01 NĂM 2025 CỦA THỦ TƯỚNG CHÍNH PHỦ VÀ QUYẾT ĐỊNH SỐ 3103/QĐ-BTC NGÀY 05 THÁNG 9 NĂM 2025 CỦA BỘ TÀI CHÍNH

ỦY BAN NHÂN DÂN THÀNH PHỐ HỒ CHÍ MINH

Căn cứ Luật Tổ chức chính quyền địa phương số 72/2025/QH15;

Căn cứ Quyết định số 06/QĐ-TTg ngày 02 tháng 01 năm 2025 của Thủ tướng Chính phủ về Phê duyệt Đề án xây dựng và quản lý Hệ thống thông tin và cơ sở dữ liệu quốc gia về quy hoạch;

Căn cứ Quyết định số 3103/QĐ-BTC ngày 05 tháng 9 năm 2025 của Bộ Tài chính ban hành Kế hoạch tổng thể triển khai Quyết định số 06/QĐ-TTg ngày 02 tháng 01 năm 2025 của Thủ tướng Chính phủ phê duyệt Đề án xây dựng và quản lý Hệ thống thông tin và cơ sở dữ liệu quốc gia về quy hoạch;

""" + QD_2820_CLOSING

BUNDLED = ("decrees/tt-09-2026-tt-btp.txt", "decrees/nd-118-2025-nd-cp.txt", "decrees/nd-299-2026-nd-cp.txt",
           "decrees/nd-61-2018-nd-cp.txt", "plans/2024-th-hoa-binh-q1-papi.txt",
           "plans/2023-mn-tuoi-hong-q1-par-index.txt", "guidance/cv-5208-bgddt-gdpt-2026.txt")


@pytest.fixture(scope="module")
def corpus():
    docs = [parse_file(bundled_dir() / p) for p in BUNDLED] + [parse_text(QD_2820, "qd-2820-ubnd-tphcm")]
    return docs, build_graph(docs)


def ask(corpus, question: str):
    docs, graph = corpus
    return answer_fact(question, question, analyze(question).normalized, docs, graph)


@pytest.mark.parametrize("question, fact", [
    ("qd 2820 cua ubnd tphcm ban hanh ngay nao", DATE),
    ("Quyết định 2820/QĐ-UBND được ký ngày nào?", DATE),
    ("ngày ban hành của nđ 118/2025 là ngày nào", DATE),
    ("CV 5208 do cơ quan nào ban hành", ISSUER),
    ("tt 09/2026 la cua co quan nao", ISSUER),
    ("Nghị định 118/2025 do ai ký ban hành?", SIGNER),
    ("qd 2820 do ai ky", SIGNER),
    ("bộ trưởng bộ tư pháp ký thông tư 09/2026 tên gì", SIGNER),
    ("Nghị định 118/2025/NĐ-CP có hiệu lực từ ngày nào", None),  # assistant.inforce answers hiệu lực
    ("Quyết định 2820/QĐ-UBND giao Sở Tài chính nhiệm vụ gì", None),
    ("Chủ tịch UBND cấp tỉnh ban hành danh mục TTHC trước ngày nào", None),
    # the presentation of a thể thức component (NĐ 30/2020/NĐ-CP Phụ lục I), not a văn bản's own particular
    ("theo nđ 30 tên cơ quan ban hành văn bản viết cỡ chữ mấy", None),
    ("ngay thang ban hanh van ban trinh bay o vi tri nao", None),
    # what the văn bản is about: its trích yếu; a question on its content about a topic goes to retrieval
    ("Ke hoach cua Truong Ben Thanh nhac Nghi dinh 61/2018/ND-CP; nghi dinh do quy dinh ve viec gi?", SUBJECT),
    ("CV 4054 nói về gì vậy", SUBJECT),
    ("trích yếu của tt 09/2026", SUBJECT),
    ("nđ 60/2021 quy định gì về quỹ bổ sung thu nhập", None),
    ("NĐ 118 quy định thời hạn giải quyết như thế nào", None),
])
def test_asked_particular(question, fact):
    assert asked_particular(analyze(question).normalized) == fact


def test_own_date_not_the_dates_it_cites(corpus):
    ans = ask(corpus, "qd 2820 cua ubnd tphcm ban hanh ngay nao")
    assert not ans.abstained and ans.mode == "metadata"
    assert "19/11/2025" in ans.answer
    assert "02/01/2025" not in ans.answer and "2/1/2025" not in ans.answer and "5/9/2025" not in ans.answer
    assert [c.doc_id for c in ans.citations] == ["qd-2820-ubnd-tphcm"]
    assert "ngày 19 tháng 11 năm 2025" in ans.citations[0].text and "[1]" in ans.answer


def test_issuer_and_signer_from_the_header_and_signature(corpus):
    ans = ask(corpus, "Quyết định 2820/QĐ-UBND do cơ quan nào ban hành?")
    assert "Ủy ban nhân dân thành phố Hồ Chí Minh".lower() in ans.answer.lower()
    assert ans.citations[0].doc_id == "qd-2820-ubnd-tphcm"
    ans = ask(corpus, "qd 2820 do ai ky")
    assert "Nguyễn Lộc Hà" in ans.answer and "PHÓ CHỦ TỊCH" in ans.answer
    assert "Nguyễn Lộc Hà" in ans.citations[0].text


def test_date_missing_from_the_text_is_read_from_a_citing_can_cu(corpus):
    # NĐ 118/2025's source lacks its header (Số, ngày ký); TT 09/2026 cites it with its date
    ans = ask(corpus, "nđ 118/2025 ban hành ngày nào")
    assert not ans.abstained and "09/6/2025" in ans.answer
    assert ans.citations[0].doc_id == "tt-09-2026-tt-btp"
    assert "118/2025/NĐ-CP ngày 09 tháng 6 năm 2025" in ans.citations[0].text


def test_no_date_anywhere_is_not_invented(corpus):
    # NĐ 299/2026: no header in the source, no citing document gives its date (validity.tsv only its hiệu lực)
    ans = ask(corpus, "Nghị định 299/2026/NĐ-CP được ký ngày nào?")
    assert ans.abstained and not ans.citations
    assert "ngày ban hành" in ans.answer and "/2026" not in ans.answer.replace("299/2026", "")


def test_signer_missing_from_the_text_is_abstained(corpus):
    for q in ("Nghị định 118/2025 do ai ký ban hành?", "Công văn 5208/BGDĐT-GDPT ký ngày nào, ai ký?"):
        ans = ask(corpus, q)
        assert ans.abstained and "người ký" in ans.answer


def test_cited_only_document_date_from_its_citation(corpus):
    ans = ask(corpus, "nd 107/2020 ma truong tuoi hong can cu de hoan thien chuc nang nhiem vu ban hanh ngay nao")
    assert "14/9/2020" in ans.answer
    assert ans.citations[0].doc_id == "2023-mn-tuoi-hong-q1-par-index"


def test_bundled_issuer_unaccented(corpus):
    ans = ask(corpus, "nd 61/2018 do co quan nao ban hanh")
    assert "Chính phủ" in ans.answer and ans.citations[0].doc_id == "nd-61-2018-nd-cp"


def test_named_document(corpus):
    docs, graph = corpus
    doc, _ = named_document("qd 2820 ban hanh ngay nao", docs, graph)
    assert doc.meta.number == "2820/QĐ-UBND"
    assert named_document("tt 09/2026 ban hanh ngay nao", docs, graph)[0].meta.doc_id == "tt-09-2026-tt-btp"
    # two văn bản named: which one is asked is not guessed
    assert named_document("qd 2820 trien khai qd 06/QĐ-TTg ban hanh ngay nao", docs, graph) == (None, None)
    assert named_document("ke hoach cai cach hanh chinh ban hanh ngay nao", docs, graph) == (None, None)


def test_signature_block_of_an_ocr_plan(corpus):
    docs, _ = corpus
    hoa_binh = next(d for d in docs if d.meta.doc_id == "2024-th-hoa-binh-q1-papi")
    sig = signature(hoa_binh)
    assert sig is not None and sig.name == "Trinh Thi Kim Quy"
    assert hoa_binh.text[sig.start:sig.start + len(sig.name)] == sig.name
    assert signature(next(d for d in docs if d.meta.doc_id == "nd-118-2025-nd-cp")) is None


def test_routed_through_the_assistant(full_service):
    ans = full_service.ask("nđ 118/2025 ban hành ngày nào vậy?")
    assert ans.mode == "metadata" and "09/6/2025" in ans.answer
    ans = full_service.ask("Nghị định 61/2018/NĐ-CP có hiệu lực từ ngày nào?")
    assert ans.mode == "validity"


def test_what_a_van_ban_is_about_is_its_trich_yeu(corpus):
    ans = ask(corpus, "Nghị định 61/2018 quy định về việc gì?")
    assert not ans.abstained and ans.mode == "metadata"
    assert "“Về thực hiện cơ chế một cửa, một cửa liên thông trong giải quyết thủ tục hành chính”" in ans.answer
    assert ans.citations[0].doc_id == "nd-61-2018-nd-cp"
    assert "cơ chế một cửa, một cửa liên thông" in ans.citations[0].text
    # a văn bản known only by its số hiệu in a căn cứ: no trích yếu to give, the question goes to retrieval
    assert ask(corpus, "QĐ 9999/QĐ-UBND về việc gì") is None


def test_trich_yeu_of_a_cited_van_ban_is_cited_to_the_can_cu_that_writes_it(corpus):
    # NĐ 63/2010/NĐ-CP is no corpus document; TT 09/2026/TT-BTP cites it: "Căn cứ Nghị định số 63/2010/NĐ-CP
    # ngày 08 tháng 6 năm 2010 của Chính phủ về kiểm soát thủ tục hành chính; …"
    ans = ask(corpus, "nđ 63/2010 nói về gì")
    assert not ans.abstained and "“kiểm soát thủ tục hành chính”" in ans.answer and "viện dẫn" in ans.answer
    cited = ans.citations[0]
    assert cited.doc_id == "tt-09-2026-tt-btp"
    assert "Nghị định số 63/2010/NĐ-CP ngày 08 tháng 6 năm 2010 của Chính phủ về kiểm soát thủ tục hành chính" in cited.text
