"""LLM fallback against a local fake OpenAI-compatible server (the vendor's HTTP boundary)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from bot.understanding import parse
from bot.understanding.llm_fallback import LLMConfig, LLMFallback
from bot.understanding.service import Understanding


def _tool_call(name: str, args: Any) -> dict[str, Any]:
    return {"id": f"call_{name}", "type": "function",
            "function": {"name": name, "arguments": args if isinstance(args, str) else json.dumps(args)}}


# user text -> (delay seconds, tool calls)
SCRIPT: dict[str, tuple[float, list[dict[str, Any]]]] = {
    "woh purana wala kaam ho gaya kya": (0, [_tool_call("record_payment", {"customer": "Sunil", "amount": 300})]),
    "slow sentence": (3.0, [_tool_call("help", {})]),
    "invalid intent sentence": (0, [_tool_call("launch_rocket", {"speed": 9})]),
    "invalid entity sentence": (0, [_tool_call("record_payment", {"customer": "Sunil", "amount": "lots"})]),
    "broken json sentence": (0, [_tool_call("record_payment", "{not json")]),
    "two things sentence": (0, [_tool_call("toggle_gst", {"with_gst": True}), _tool_call("show_draft", {})]),
    "no tool sentence": (0, []),
}


class FakeOpenAI(BaseHTTPRequestHandler):
    requests: list[dict[str, Any]] = []

    def log_message(self, *args: Any) -> None:  # keep test output quiet
        pass

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        FakeOpenAI.requests.append({"path": self.path, "auth": self.headers.get("Authorization"), "body": body})
        text = body["messages"][-1]["content"]
        delay, calls = SCRIPT.get(text, (0, []))
        time.sleep(delay)
        message: dict[str, Any] = {"role": "assistant", "content": None if calls else "no idea"}
        if calls:
            message["tool_calls"] = calls
        payload = {
            "id": "chatcmpl-1", "object": "chat.completion", "created": 0, "model": body["model"],
            "choices": [{"index": 0, "message": message, "finish_reason": "tool_calls" if calls else "stop"}],
            "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
        }
        data = json.dumps(payload).encode()
        try:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass


@pytest.fixture(scope="module")
def fake_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeOpenAI)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()
    server.server_close()


def _config(url: str, **kw: Any) -> LLMConfig:
    return LLMConfig(api_key="test-key", base_url=url, model="tiny-model", timeout_s=kw.pop("timeout_s", 1.0), **kw)


async def test_valid_answer_is_used_and_request_is_well_formed(fake_server: str) -> None:
    FakeOpenAI.requests.clear()
    llm = LLMFallback(_config(fake_server))
    result = await llm.parse("woh purana wala kaam ho gaya kya")
    await llm.aclose()
    assert result == {"intent": "record_payment", "entities": {"customer": "Sunil", "amount": 300}}
    req = FakeOpenAI.requests[-1]
    assert req["path"] == "/v1/chat/completions" and req["auth"] == "Bearer test-key"
    body = req["body"]
    assert body["temperature"] == 0 and body["model"] == "tiny-model"
    names = {t["function"]["name"] for t in body["tools"]}
    assert {"record_payment", "create_invoice", "schedule_reminder"} <= names and "unknown" not in names


async def test_identical_requests_are_cached(fake_server: str) -> None:
    FakeOpenAI.requests.clear()
    llm = LLMFallback(_config(fake_server, cache_size=2))
    first = await llm.parse("woh purana wala kaam ho gaya kya")
    second = await llm.parse("Woh purana  wala kaam ho gaya kya")
    assert first == second and len(FakeOpenAI.requests) == 1
    await llm.parse("two things sentence")
    await llm.parse("invalid intent sentence")  # invalid answers are not cached
    await llm.parse("no tool sentence")
    assert llm.cached_answers <= 2
    await llm.aclose()


async def test_timeout_gives_unknown(fake_server: str) -> None:
    FakeOpenAI.requests.clear()
    llm = LLMFallback(_config(fake_server, timeout_s=0.3))
    result = await llm.parse("slow sentence")
    await llm.aclose()
    assert result["intent"] == "unknown"  # the fake answers `help` after 3 s: the timeout cut it short
    assert len(FakeOpenAI.requests) >= 1


@pytest.mark.parametrize("text", ["invalid intent sentence", "invalid entity sentence", "broken json sentence", "no tool sentence"])
async def test_invalid_answers_become_unknown(fake_server: str, text: str) -> None:
    llm = LLMFallback(_config(fake_server))
    result = await llm.parse(text)
    await llm.aclose()
    assert result == {"intent": "unknown", "entities": {}}


async def test_several_tool_calls_become_multi(fake_server: str) -> None:
    llm = LLMFallback(_config(fake_server))
    result = await llm.parse("two things sentence")
    await llm.aclose()
    assert result == {"intent": "multi", "entities": {"commands": [
        {"intent": "toggle_gst", "entities": {"with_gst": True}}, {"intent": "show_draft", "entities": {}}]}}


async def test_unreachable_server_gives_unknown() -> None:
    llm = LLMFallback(LLMConfig(api_key="k", base_url="http://127.0.0.1:9/v1", timeout_s=0.5))
    assert (await llm.parse("anything at all"))["intent"] == "unknown"
    await llm.aclose()


async def test_understanding_uses_templates_first_llm_only_for_unknown(fake_server: str) -> None:
    FakeOpenAI.requests.clear()
    u = Understanding(_config(fake_server))
    r = await u.understand("Vikas ne 300 PhonePe kiye")
    assert r["source"] == "templates" and r["intent"] == "record_payment"
    assert FakeOpenAI.requests == []
    r = await u.understand("woh purana wala kaam ho gaya kya")
    assert r["source"] == "llm" and r["entities"]["amount"] == 300
    # a negation never reaches the LLM
    FakeOpenAI.requests.clear()
    r = await u.understand("reminder mat bhejna")
    assert r["intent"] == "unknown" and FakeOpenAI.requests == []
    await u.aclose()


async def test_without_key_unknown_stays_unknown() -> None:
    u = Understanding(LLMConfig(api_key=""))
    assert not u.has_llm
    r = await u.understand("aaj mausam kaisa hai")
    assert r["intent"] == "unknown" and r["source"] == "templates"


async def test_unsure_parse_goes_to_the_llm(fake_server: str) -> None:
    """A template match that explains too little of the sentence (`unsure`) is asked of the LLM too."""
    text = "remind tinku that the shop opens late tomorrow because of the festival"
    assert parse(text).get("unsure") is True
    FakeOpenAI.requests.clear()
    u = Understanding(_config(fake_server))
    r = await u.understand(text)
    assert len(FakeOpenAI.requests) == 1  # the LLM was asked
    # the fake LLM cannot read it: the template parse comes back, still marked unsure (the call asks first)
    assert r["source"] == "templates" and r["unsure"] is True
    await u.aclose()
