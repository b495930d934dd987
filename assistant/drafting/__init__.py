"""Drafting next year's kế hoạch from the indexed documents (no retrieval).

Modules, each with one job:

* :mod:`~assistant.drafting.models` — the shapes (:class:`Draft`, items, căn cứ);
* :mod:`~assistant.drafting.sources` — which indexed documents, read how (plans,
  guidance, OCR gate);
* :mod:`~assistant.drafting.sections` — the plan skeleton and item splitting;
* :mod:`~assistant.drafting.guidance` — tasks of a school year's guidance letters;
* :mod:`~assistant.drafting.dedup` — near-duplicate items across plans;
* :mod:`~assistant.drafting.adapt` — unit and district substitution, year roll,
  former districts marked;
* :mod:`~assistant.drafting.in_force` — hiệu lực of a căn cứ at the as-of date;
* :mod:`~assistant.drafting.legal_bases` — căn cứ in force, from the citation graph;
* :mod:`~assistant.drafting.checks` — no invented số hiệu, figures kept;
* :mod:`~assistant.drafting.smoothing` — optional LLM wording, checked;
* :mod:`~assistant.drafting.layout` — thể thức read from Phụ lục I of NĐ 30/2020;
* :mod:`~assistant.drafting.drafter` — :func:`draft_plan`, the orchestration;
* :mod:`~assistant.drafting.render_markdown`, :mod:`~assistant.drafting.render_docx`
  — output (they import the models; nothing imports them back);
* :mod:`~assistant.drafting.cli` — ``cchc draft``.

Chat requests ("soạn mục … cho kế hoạch năm 2025 của trường …") are
recognised in :mod:`assistant.intents`.
"""
