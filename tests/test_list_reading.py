"""List questions ("gồm những gì", "những tiêu chí nào", "chi vào những việc gì") read on real
provisions of the bundled corpus: which provision's list, or which named item, is quoted."""

from __future__ import annotations

from assistant.answering import Answerer
from assistant.extractive import ReadingParams, decide
from assistant.question import analyze
from assistant.reading import DocumentUnits, Scored, article_heading
from assistant.settings import Settings
from corpus.pipeline import parse_file
from index.types import Hit
from tests.conftest import DECREES
from tests.test_protocols import Corpus

ND118 = DECREES / "nd-118-2025-nd-cp.txt"
ND60 = DECREES / "nd-60-2021-nd-cp.txt"


class _SectionRetriever:
    """Retriever returning the chunks of one document whose section path contains one of
    ``sections``, in the order of ``sections`` (then of the document); idf 1 for every term."""

    def __init__(self, docs: Corpus, doc_id: str, *sections: str):
        self.docs, self.doc_id, self.sections = docs, doc_id, sections

    def search(self, query, k=5):
        d = next(d for d in self.docs.docs if d.meta.doc_id == self.doc_id)
        chunks: list = []
        for s in self.sections:
            chunks += [c for c in d.chunks if s in c.section and all(c is not o for o in chunks)]
        return [Hit(chunk=c, meta=d.meta, score=1.0, confidence=1.0) for c in chunks][:k]

    def missing_entities(self, query):
        return []

    def term_idf(self, term):
        return 1.0


def _ask(path, doc_id: str, question: str, *sections: str):
    docs = Corpus([path])
    retriever = _SectionRetriever(docs, doc_id, *sections)
    return Answerer(retriever, docs, docs, Settings(embedding_backend="fake")).ask(question)


def test_a_khoan_is_read_under_its_dieu_title_whichever_passage_holds_it():
    du = DocumentUnits(parse_file(ND118))
    dieu = next(n for n in du.nodes if n.kind == "dieu" and n.label == "Điều 16")
    khoan1, khoan2 = dieu.children[0], dieu.children[1]
    title = "Điều 16. Hướng dẫn chuẩn bị hồ sơ thực hiện thủ tục hành chính"
    assert dieu.heading.startswith(title)
    # a passage starting at the Điều is headed by its Chương only: the khoản gets the Điều's title
    assert article_heading(khoan1, "Chương III").startswith(title)
    assert article_heading(khoan2.children[0], "Chương III").startswith(title)  # a điểm too
    # a passage inside the Điều already carries it; the Điều's own heading unit needs no second copy
    assert article_heading(khoan2, f"Chương III > {dieu.heading}") == ""
    assert article_heading(dieu, "Chương III") == ""


def test_list_question_quotes_the_list_its_head_noun_announces_not_a_sibling_list():
    # NĐ 118/2025 Điều 16: khoản 1 "Nội dung hướng dẫn bao gồm:" vs khoản 2 "… thông qua các cách thức sau:";
    # the passage holding khoản 1 starts at the Điều, the one holding khoản 2 inside it
    ans = _ask(ND118, "nd-118-2025-nd-cp", "nội dung hướng dẫn dân chuẩn bị hồ sơ tthc gồm những gì", "Điều 16")
    assert not ans.abstained
    lines = ans.answer.splitlines()
    assert "Điều 16, khoản 1" in lines[0] and "Nội dung hướng dẫn bao gồm" in lines[0]
    assert any("hồ sơ, giấy tờ" in ln for ln in lines[1:]) and any("phí, lệ phí" in ln for ln in lines[1:])
    assert not any("cách thức sau" in ln for ln in lines)


def test_list_question_about_one_named_item_quotes_that_item():
    # NĐ 60/2021 Điều 14 khoản 2 "Sử dụng các Quỹ": a) Quỹ phát triển …: …; d) Quỹ phúc lợi: …;
    # Điều 18 khoản 3 lists the trích lập of the two funds (not their uses)
    q = "Quỹ phúc lợi của đơn vị sự nghiệp được chi vào những việc gì?"
    ans = _ask(ND60, "nd-60-2021-nd-cp", q, "Điều 18 > khoản 3", "Điều 14 > khoản 2")
    assert not ans.abstained
    assert "Điều 14, khoản 2, điểm d" in ans.answer
    assert "công trình phúc lợi" in ans.answer and "trợ cấp khó khăn" in ans.answer
    assert "Trích lập tối đa" not in ans.answer and "Quỹ phát triển hoạt động sự nghiệp:" not in ans.answer


def test_named_item_needs_the_items_name_in_the_question():
    du = DocumentUnits(parse_file(ND60))
    dieu = next(n for n in du.nodes if n.kind == "dieu" and n.label == "Điều 14")
    uses = dieu.children[1]  # "2. Sử dụng các Quỹ"
    units = [u for n in uses.walk() for u in du.units_of(n)]
    params = ReadingParams(answer_threshold=0.2)

    def decision(question):
        qa = analyze(question)
        return decide(qa, [Scored(u, 0, lex=1.0, dense=0.0) for u in units], 1, params, lambda u: du.provision(u.node))

    named = decision("quỹ khen thưởng được chi vào những việc gì")
    assert named.kind == "answer" and named.units[0].unit.text.startswith("c) Quỹ khen thưởng:")
    # the item whole, in its order: "c) Quỹ khen thưởng: Để thưởng …" then "Mức thưởng do Thủ trưởng …"
    assert len(named.units) == 2 and named.units[1].unit.text.startswith("Mức thưởng")
    assert all(s.unit.node is named.units[0].unit.node for s in named.units)
    # no item named ("các quỹ"): the whole list of the provision
    whole = decision("các quỹ của đơn vị được sử dụng vào những việc gì")
    assert whole.kind == "list" and whole.provision is uses


def test_a_list_of_khoan_is_quoted_from_its_dieu():
    # NĐ 30/2020/NĐ-CP Điều 25 "Các hình thức bản sao": khoản 1 Sao y, 2 Sao lục, 3 Trích sao. Units of
    # khoản 1 read best ("Sao y gồm: …"), but the question asks the forms, which the Điều's title names
    du = DocumentUnits(parse_file(DECREES / "nd-30-2020-nd-cp.docx"))
    dieu = next(n for n in du.nodes if n.kind == "dieu" and n.label == "Điều 25")
    units = [u for n in du.nodes if n.start >= dieu.start and n.end <= dieu.end for u in du.units_of(n)]
    k1 = dieu.children[0]
    score = {id(u): (1.0 if u.node is k1 or u.node.parent is k1 else 0.9) for u in units}
    scored = [Scored(u, 0, score[id(u)], 0.0) for u in units if "Điều 25." not in u.text]
    q = analyze("bản sao văn bản có những hình thức nào")
    d = decide(q, scored, 1, ReadingParams(), lambda u: du.provision(u.node))
    assert d.kind == "list" and d.provision is dieu
    # asked about khoản 1's own subject, its list stays the answer
    q = analyze("sao y gồm những loại nào")
    d = decide(q, scored, 1, ReadingParams(), lambda u: du.provision(u.node))
    assert d.kind == "list" and d.provision is k1
