"""Provider: none → no model; retries with backoff; concurrency limit; token accounting; cache;
the OpenAI-compatible path over real HTTP (langchain ChatOpenAI against a local stub endpoint)."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from reviewer.llm.checks import JudgementAnswer
from reviewer.llm.provider import LLMError, LLMProvider, get_provider, parse_json_answer
from tests.llm.conftest import FlakyChatModel


def test_no_model_configured_means_no_provider(settings):
    assert settings.llm.provider == "none"
    assert get_provider(settings) is None


def test_fake_provider_structured_answer_usage_and_cache(fake_settings):
    p = get_provider(fake_settings)
    msgs = [("system", "s"), ("user", "问题编号：LLM004\n<<<报告数据 ab>>>\n¦[段1] 公司将继续推行清洁生产。\n<<<报告数据结束 ab>>>")]
    a = p.complete_structured(msgs, JudgementAnswer)
    assert isinstance(a, JudgementAnswer) and a.verdict == "不满足"
    assert p.usage.calls == 1 and p.usage.prompt_tokens > 0 and p.usage.completion_tokens > 0
    # same prompt again, even from a new provider (new review): served from the on-disk cache
    p2 = get_provider(fake_settings)
    again = p2.complete_structured(msgs, JudgementAnswer)
    assert again == a
    assert p2.usage.calls == 0 and p2.usage.cache_hits == 1 and p2.usage.total_tokens == 0


def test_transient_errors_are_retried_with_backoff(settings):
    settings.llm.provider = "openai"
    settings.llm.max_retries = 3
    settings.llm.cache = False
    model = FlakyChatModel(failures=2, error=TimeoutError("slow"))
    p = LLMProvider(settings, chat_model=model)
    assert p.complete([("user", "x")]) == "ok"
    assert model.calls == 3 and p.usage.retries == 2 and p.usage.failures == 0 and p.usage.calls == 1


def test_retries_give_up_with_a_chinese_error(settings):
    settings.llm.max_retries = 1
    settings.llm.cache = False
    model = FlakyChatModel(failures=5, error=ConnectionError("down"))
    p = LLMProvider(settings, chat_model=model)
    with pytest.raises(LLMError) as ei:
        p.complete([("user", "x")])
    assert "重试" in ei.value.message and model.calls == 2 and p.usage.failures == 1


def test_non_transient_errors_are_not_retried(settings):
    settings.llm.max_retries = 3
    settings.llm.cache = False
    model = FlakyChatModel(failures=5, error=ValueError("bad request"))
    p = LLMProvider(settings, chat_model=model)
    with pytest.raises(LLMError):
        p.complete([("user", "x")])
    assert model.calls == 1


def test_concurrency_limit_holds_across_threads(settings):
    settings.llm.concurrency = 2
    settings.llm.cache = False
    settings.llm.base_url = "http://concurrency-test"  # its own semaphore
    model = FlakyChatModel(delay=0.15)
    providers = [LLMProvider(settings, chat_model=model) for _ in range(6)]  # six reviews at once
    threads = [threading.Thread(target=p.complete, args=([("user", f"q{i}")],)) for i, p in enumerate(providers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert model.calls == 6
    assert model.max_in_flight == 2


def test_parse_json_answer_accepts_fenced_json_and_rejects_garbage():
    ok = parse_json_answer('```json\n{"verdict": "满足", "reason": "r", "quotes": []}\n```', JudgementAnswer)
    assert ok is not None and ok.verdict == "满足"
    assert parse_json_answer("满足", JudgementAnswer) is None
    assert parse_json_answer('{"verdict": "通过"}', JudgementAnswer) is None  # not one of the three


def test_openai_provider_needs_a_model_name(settings):
    settings.llm.provider = "openai"
    settings.llm.model = ""
    with pytest.raises(LLMError) as ei:
        get_provider(settings)
    assert "REVIEWER_LLM__MODEL" in ei.value.message


# ---- the real ChatOpenAI client over HTTP ----------------------------------------------------------
class _Endpoint(BaseHTTPRequestHandler):
    bodies: list[dict] = []
    fail_first: int = 0

    def log_message(self, *a):  # keep pytest output clean
        pass

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).bodies.append(body)
        if len(type(self).bodies) <= type(self).fail_first:
            self.send_response(503)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b'{"error": {"message": "busy"}}')
            return
        content = '{"verdict": "未涉及", "reason": "无", "quotes": []}' if body.get("response_format") else "你好，世界"
        usage = {"prompt_tokens": 12, "completion_tokens": 4, "total_tokens": 16}
        if body.get("stream"):
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.end_headers()
            for piece in (content[:2], content[2:]):
                chunk = {"id": "c", "object": "chat.completion.chunk", "created": 0, "model": "m",
                         "choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": None}]}
                self.wfile.write(f"data: {json.dumps(chunk, ensure_ascii=False)}\n\n".encode())
            last = {"id": "c", "object": "chat.completion.chunk", "created": 0, "model": "m", "choices": [],
                    "usage": usage}
            self.wfile.write(f"data: {json.dumps(last)}\n\ndata: [DONE]\n\n".encode())
            return
        resp = {"id": "x", "object": "chat.completion", "created": 0, "model": "m",
                "choices": [{"index": 0, "message": {"role": "assistant", "content": content},
                             "finish_reason": "stop"}], "usage": usage}
        data = json.dumps(resp, ensure_ascii=False).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture
def endpoint():
    _Endpoint.bodies = []
    _Endpoint.fail_first = 0
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Endpoint)
    t = threading.Thread(target=server.serve_forever, daemon=True)
    t.start()
    yield server
    server.shutdown()


def _openai_settings(settings, server, mode="json_object_schema"):
    settings.llm.provider = "openai"
    settings.llm.base_url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    settings.llm.model = "local"
    settings.llm.structured_output = mode
    settings.llm.timeout_s = 10
    return settings


@pytest.mark.parametrize("mode,expected_type", [("json_object_schema", "json_object"), ("json_schema", "json_schema"),
                                                ("json_object", "json_object")])
def test_openai_compatible_endpoint_structured_modes(settings, endpoint, mode, expected_type):
    p = get_provider(_openai_settings(settings, endpoint, mode))
    a = p.complete_structured([("system", "s"), ("user", "u")], JudgementAnswer)
    assert a is not None and a.verdict == "未涉及"
    sent = _Endpoint.bodies[-1]
    assert sent["model"] == "local" and sent["response_format"]["type"] == expected_type
    if mode == "json_object_schema":
        assert sent["response_format"]["schema"]["properties"]["verdict"]["enum"] == ["满足", "不满足", "未涉及"]
    assert p.usage.prompt_tokens == 12 and p.usage.completion_tokens == 4


def test_openai_compatible_endpoint_retries_server_errors_and_streams(settings, endpoint):
    _Endpoint.fail_first = 1
    p = get_provider(_openai_settings(settings, endpoint))
    pieces = list(p.stream([("user", "你好")]))
    assert "".join(pieces) == "你好，世界" and len(pieces) >= 2
    assert p.usage.retries == 1 and p.usage.prompt_tokens == 12
    # cached now: a second stream costs nothing and sends nothing
    n = len(_Endpoint.bodies)
    assert "".join(get_provider(settings).stream([("user", "你好")])) == "你好，世界"
    assert len(_Endpoint.bodies) == n


def test_unreachable_endpoint_fails_fast_with_chinese_message(settings):
    settings.llm.provider = "openai"
    settings.llm.base_url = "http://127.0.0.1:9/v1"  # discard port: connection refused
    settings.llm.model = "local"
    settings.llm.max_retries = 1
    p = get_provider(settings)
    with pytest.raises(LLMError) as ei:
        p.complete([("user", "x")])
    assert "语言模型" in ei.value.message and p.usage.retries == 1
