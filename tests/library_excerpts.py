"""Real text of library documents that more than one test reads (``../shared/library`` is
never copied into the project: these are short excerpts, quoted as the library crawl gives them)."""

#: QĐ 2820/QĐ-UBND of UBND TP.HCM (19/11/2025): its last căn cứ line, the three Điều, nơi nhận and signature
QD_2820_CLOSING = """Theo đề nghị của Sở Tài chính tại Công văn số 11033/STC-CSTH ngày 29 tháng 10 năm 2025.

QUYẾT ĐỊNH:

Điều 1. Ban hành kèm theo Quyết định này Kế hoạch triển khai Quyết định số 06/QĐ-TTg ngày 02 tháng 01 năm 2025 của Thủ tướng Chính phủ và Quyết định số 3103/QĐ-BTC ngày 05 tháng 9 năm 2025 của Bộ Tài chính.

Điều 2. Quyết định này có hiệu lực thi hành kể từ ngày ký.

Điều 3. Chánh Văn phòng Ủy ban nhân dân Thành phố, Giám đốc các Sở, Thủ trưởng các cơ quan, đơn vị trực thuộc Ủy ban nhân dân Thành phố, Chủ tịch Ủy ban nhân dân phường, xã, đặc khu và các đơn vị có liên quan chịu trách nhiệm thi hành Quyết định này./.

Nơi nhận:

- Như Điều 3;

- Thủ tướng Chính phủ (để b/c);

- Lưu: VT, (TH/MT).

KT. CHỦ TỊCH

PHÓ CHỦ TỊCH

Nguyễn Lộc Hà
"""
