"""One LLM provider for the whole product: settings → a langchain chat model, plus the
plumbing every call needs (timeouts, retries with backoff, a concurrency limit, token
accounting, and an on-disk cache keyed by content hash).

``provider = 'none'`` (the default) means no model: ``get_provider`` returns None and every
caller has a model-free path. ``'openai'`` is any OpenAI-compatible endpoint (DeepSeek,
Qwen/DashScope, vLLM, Ollama, a llama.cpp server) chosen by base URL, model and key.
``'fake'`` is the deterministic fake chat model used by tests.
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, ValidationError

from reviewer.errors import ReviewerError

Message = tuple[str, str]  # (role: 'system' | 'user' | 'assistant', content)


class LLMError(ReviewerError):
    """The model could not be reached or configured (never raised with provider 'none')."""

    code = "llm_error"


class LLMUsage(BaseModel):
    """Token accounting for one review (or one chat session)."""

    calls: int = Field(0, description="requests sent to the model")
    cache_hits: int = Field(0, description="answers served from the cache (cost nothing)")
    prompt_tokens: int = 0
    completion_tokens: int = 0
    retries: int = 0
    failures: int = Field(0, description="requests that failed after all retries")
    invalid_answers: int = Field(0, description="structured answers that were not valid JSON for the schema")
    seconds: float = 0.0

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens


_SEMAPHORES: dict[tuple[str, str, int], threading.BoundedSemaphore] = {}
_SEMAPHORES_LOCK = threading.Lock()


def _semaphore(key: tuple[str, str, int]) -> threading.BoundedSemaphore:
    # One limit per endpoint and model, shared by every review running in this process.
    with _SEMAPHORES_LOCK:
        if key not in _SEMAPHORES:
            _SEMAPHORES[key] = threading.BoundedSemaphore(max(1, key[2]))
        return _SEMAPHORES[key]


class AnswerCache:
    """SQLite file under data_dir/llm_cache: sha256(model, messages, schema) → answer text."""

    def __init__(self, path: Path):
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        with self._connect() as c:
            c.execute(
                "CREATE TABLE IF NOT EXISTS answers (key TEXT PRIMARY KEY, model TEXT, text TEXT, "
                "prompt_tokens INTEGER, completion_tokens INTEGER, created REAL)"
            )

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=30)

    def get(self, key: str) -> str | None:
        with self._lock, self._connect() as c:
            row = c.execute("SELECT text FROM answers WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def put(self, key: str, model: str, text: str, usage: tuple[int, int]) -> None:
        with self._lock, self._connect() as c:
            c.execute(
                "INSERT OR REPLACE INTO answers VALUES (?, ?, ?, ?, ?, ?)",
                (key, model, text, usage[0], usage[1], time.time()),
            )


def cache_key(model: str, messages: Sequence[Message], schema: dict[str, Any] | None) -> str:
    payload = json.dumps({"model": model, "messages": list(messages), "schema": schema}, ensure_ascii=False,
                         sort_keys=True)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _is_transient(exc: BaseException) -> bool:
    """Timeouts, connection errors, 429 and 5xx are worth retrying; bad keys and bad requests are not.

    Client libraries wrap each other's errors (langchain-openai's OpenAIConnectionError around
    openai's APIConnectionError around httpx's ConnectError), so the whole chain is inspected.
    """
    seen: set[int] = set()
    e: BaseException | None = exc
    while e is not None and id(e) not in seen:
        seen.add(id(e))
        name = type(e).__name__
        if any(k in name for k in ("Timeout", "Connection", "Connect", "RateLimit", "InternalServer",
                                   "ServiceUnavailable", "RemoteProtocol", "ReadError")):
            return True
        if isinstance(e, TimeoutError | ConnectionError):
            return True
        status = getattr(e, "status_code", None)
        if isinstance(status, int) and (status == 429 or status >= 500):
            return True
        e = e.__cause__ or e.__context__
    return False


_JSON_OBJECT = re.compile(r"\{.*\}", re.S)


def parse_json_answer(text: str, schema: type[BaseModel]) -> BaseModel | None:
    """The first JSON object in ``text`` validated against ``schema``; None if there is none."""
    t = text.strip()
    t = re.sub(r"^```(?:json)?\s*|\s*```$", "", t)
    m = _JSON_OBJECT.search(t)
    if not m:
        return None
    try:
        return schema.model_validate(json.loads(m.group()))
    except (json.JSONDecodeError, ValidationError, TypeError):
        return None


class LLMProvider:
    """Calls the configured chat model. Thread-safe; one instance per review keeps its usage."""

    def __init__(self, settings: Any, chat_model: Any = None):
        self.settings = settings
        self.cfg = settings.llm
        self.usage = LLMUsage()
        self._usage_lock = threading.Lock()
        if chat_model is None:
            chat_model = build_chat_model(settings)
        self.chat_model = chat_model
        self.model_name = f"{self.cfg.provider}:{self.cfg.model or getattr(chat_model, 'model_name', '') or 'default'}"
        self.cache = AnswerCache(Path(settings.paths.data_dir) / "llm_cache" / "answers.sqlite") if self.cfg.cache \
            else None
        self._sem = _semaphore((self.cfg.base_url or self.cfg.provider, self.model_name, self.cfg.concurrency))

    # ---- public API ----------------------------------------------------------------------
    def complete(self, messages: Sequence[Message], *, purpose: str = "") -> str:
        """The model's answer as text (cached)."""
        return self._call(messages, None, purpose)

    def complete_structured(self, messages: Sequence[Message], schema: type[BaseModel], *,
                            purpose: str = "") -> BaseModel | None:
        """The answer parsed and validated against ``schema``; None (counted) when invalid."""
        text = self._call(messages, schema, purpose)
        parsed = parse_json_answer(text, schema)
        if parsed is None:
            with self._usage_lock:
                self.usage.invalid_answers += 1
        return parsed

    def stream(self, messages: Sequence[Message], *, purpose: str = "") -> Iterator[str]:
        """Yield the answer in chunks as the model produces them (a cached answer comes whole)."""
        key = cache_key(self.model_name, messages, None)
        if self.cache is not None:
            hit = self.cache.get(key)
            if hit is not None:
                with self._usage_lock:
                    self.usage.cache_hits += 1
                yield hit
                return
        lc_messages = _to_langchain(messages)
        attempt = 0
        while True:
            produced: list[str] = []
            t0 = time.perf_counter()
            try:
                with self._sem:
                    usage = (0, 0)
                    for chunk in self.chat_model.stream(lc_messages, **self._call_kwargs(None)):
                        piece = _content_text(chunk.content)
                        u = getattr(chunk, "usage_metadata", None)
                        if u:
                            usage = (usage[0] + int(u.get("input_tokens", 0)), usage[1] + int(u.get("output_tokens", 0)))
                        if piece:
                            produced.append(piece)
                            yield piece
                self._account(usage, time.perf_counter() - t0)
                text = "".join(produced)
                if self.cache is not None and text:
                    self.cache.put(key, self.model_name, text, usage)
                return
            except Exception as exc:
                if produced or not _is_transient(exc) or attempt >= self.cfg.max_retries:
                    self._fail()
                    raise _as_llm_error(exc) from exc
                self._backoff(attempt)
                attempt += 1

    # ---- internals -----------------------------------------------------------------------
    def _call(self, messages: Sequence[Message], schema: type[BaseModel] | None, purpose: str) -> str:
        schema_json = schema.model_json_schema() if schema is not None else None
        key = cache_key(self.model_name, messages, schema_json)
        if self.cache is not None:
            hit = self.cache.get(key)
            if hit is not None:
                with self._usage_lock:
                    self.usage.cache_hits += 1
                return hit
        lc_messages = _to_langchain(messages)
        attempt = 0
        while True:
            t0 = time.perf_counter()
            try:
                with self._sem:
                    msg = self.chat_model.invoke(lc_messages, **self._call_kwargs(schema))
                break
            except Exception as exc:
                if not _is_transient(exc) or attempt >= self.cfg.max_retries:
                    self._fail()
                    raise _as_llm_error(exc) from exc
                self._backoff(attempt)
                attempt += 1
        text = _content_text(msg.content)
        u = getattr(msg, "usage_metadata", None) or {}
        usage = (int(u.get("input_tokens", 0)), int(u.get("output_tokens", 0)))
        self._account(usage, time.perf_counter() - t0)
        if self.cache is not None and text:
            self.cache.put(key, self.model_name, text, usage)
        return text

    def _call_kwargs(self, schema: type[BaseModel] | None) -> dict[str, Any]:
        if self.cfg.provider != "openai" or schema is None:
            return {}
        mode = self.cfg.structured_output
        js = schema.model_json_schema()
        if mode == "json_object_schema":
            return {"response_format": {"type": "json_object", "schema": js}}
        if mode == "json_schema":
            return {"response_format": {"type": "json_schema",
                                        "json_schema": {"name": schema.__name__, "schema": js}}}
        return {"response_format": {"type": "json_object"}}

    def _account(self, usage: tuple[int, int], seconds: float) -> None:
        with self._usage_lock:
            self.usage.calls += 1
            self.usage.prompt_tokens += usage[0]
            self.usage.completion_tokens += usage[1]
            self.usage.seconds += seconds

    def _fail(self) -> None:
        with self._usage_lock:
            self.usage.failures += 1

    def _backoff(self, attempt: int) -> None:
        with self._usage_lock:
            self.usage.retries += 1
        time.sleep(self.cfg.retry_backoff_s * (2**attempt))


def _as_llm_error(exc: BaseException) -> LLMError:
    if isinstance(exc, LLMError):
        return exc
    kind = type(exc).__name__
    if _is_transient(exc):
        msg = f"语言模型服务暂时不可用（{kind}），已按设置重试仍失败；规则检查结果不受影响。"
    elif kind in ("AuthenticationError", "PermissionDeniedError"):
        msg = "语言模型服务拒绝访问：请检查 REVIEWER_LLM__API_KEY 设置。"
    elif kind in ("NotFoundError",):
        msg = "语言模型服务找不到所配置的模型或地址：请检查 REVIEWER_LLM__BASE_URL 与 REVIEWER_LLM__MODEL。"
    else:
        msg = f"调用语言模型失败（{kind}）：{str(exc)[:200]}"
    return LLMError(msg, detail=repr(exc))


def _content_text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):  # content blocks
        return "".join(c.get("text", "") if isinstance(c, dict) else str(c) for c in content)
    return str(content or "")


def _to_langchain(messages: Sequence[Message]) -> list[Any]:
    from langchain_core.messages import AIMessage, HumanMessage, SystemMessage

    cls = {"system": SystemMessage, "user": HumanMessage, "human": HumanMessage, "assistant": AIMessage,
           "ai": AIMessage}
    return [cls[role](content=text) for role, text in messages]


def build_chat_model(settings: Any) -> Any:
    """A langchain chat model for settings.llm (provider 'openai' or 'fake')."""
    cfg = settings.llm
    if cfg.provider == "fake":
        from reviewer.llm.fake import FakeChatModel

        return FakeChatModel()
    if cfg.provider == "openai":
        if not cfg.model:
            raise LLMError("已选择 OpenAI 兼容模型服务，但未设置模型名称（REVIEWER_LLM__MODEL）。", code="llm_config")
        from langchain_openai import ChatOpenAI

        kwargs: dict[str, Any] = {
            "model": cfg.model,
            "api_key": cfg.api_key or "sk-none",  # local servers accept any key
            "timeout": cfg.timeout_s,
            "max_retries": 0,  # retries are ours (backoff + accounting)
            "temperature": cfg.temperature,
            "max_tokens": cfg.max_output_tokens,
            "stream_usage": True,
        }
        if cfg.base_url:
            kwargs["base_url"] = cfg.base_url
        return ChatOpenAI(**kwargs)
    raise LLMError(f"未知的语言模型提供方“{cfg.provider}”。", code="llm_config")


def llm_configured(settings: Any) -> bool:
    return settings is not None and getattr(settings.llm, "provider", "none") != "none"


def get_provider(settings: Any, chat_model: Any = None) -> LLMProvider | None:
    """None when no model is configured (provider 'none'): callers then take their model-free path."""
    if chat_model is None and not llm_configured(settings):
        return None
    return LLMProvider(settings, chat_model=chat_model)
