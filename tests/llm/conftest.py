"""Shared helpers for the LLM tests: settings in a temp data dir, chat models that are fakes of
the *model* only (the provider, prompts, parsing and verification are the real code)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult

from reviewer.llm.fake import FakeChatModel
from reviewer.settings import load_settings

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "rules"


@pytest.fixture
def settings(tmp_path):
    s = load_settings()
    s.paths.data_dir = tmp_path / "data"
    s.llm.retry_backoff_s = 0.01
    s.knowledge.embedding = "none"  # BM25 knowledge retrieval: no embedding index to build in tests
    return s


@pytest.fixture
def fake_settings(settings):
    settings.llm.provider = "fake"
    return settings


class ScriptedChatModel(BaseChatModel):
    """Answers with ``respond(prompt_text)``; records every prompt it receives."""

    respond: Callable[[str], str]
    prompts: list[str] = []

    @property
    def _llm_type(self) -> str:
        return "scripted"

    def _generate(self, messages: list[BaseMessage], stop=None, run_manager=None, **kw: Any) -> ChatResult:
        text = "\n".join(str(m.content) for m in messages)
        self.prompts.append(text)
        out = self.respond(text)
        return ChatResult(generations=[ChatGeneration(message=AIMessage(
            content=out, usage_metadata={"input_tokens": 10, "output_tokens": 5, "total_tokens": 15}))])

    def _stream(self, messages: list[BaseMessage], stop=None, run_manager=None, **kw: Any
                ) -> Iterator[ChatGenerationChunk]:
        out = self._generate(messages).generations[0].message.content
        for i in range(0, len(out), 5):
            yield ChatGenerationChunk(message=AIMessageChunk(content=out[i:i + 5]))


class RecordingFake(FakeChatModel):
    """The product's fake model, also recording the prompts (to see what reached the model)."""

    prompts: list[str] = []

    def _answer(self, messages: list[BaseMessage]) -> str:
        self.prompts.append("\n".join(str(m.content) for m in messages))
        return super()._answer(messages)


class FlakyChatModel(BaseChatModel):
    """Raises ``error`` for the first ``failures`` calls, then answers 'ok'; tracks concurrency."""

    failures: int = 0
    error: Any = None
    delay: float = 0.0
    calls: int = 0
    in_flight: int = 0
    max_in_flight: int = 0
    lock: Any = None

    def model_post_init(self, __context: Any) -> None:
        self.lock = threading.Lock()

    @property
    def _llm_type(self) -> str:
        return "flaky"

    def _generate(self, messages, stop=None, run_manager=None, **kw) -> ChatResult:
        with self.lock:
            self.calls += 1
            n = self.calls
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            if self.delay:
                time.sleep(self.delay)
            if n <= self.failures:
                raise self.error
            return ChatResult(generations=[ChatGeneration(message=AIMessage(
                content="ok", usage_metadata={"input_tokens": 3, "output_tokens": 1, "total_tokens": 4}))])
        finally:
            with self.lock:
                self.in_flight -= 1
