"""Optional language-model assistance: judgement checks, chat, draft opinion.

Nothing here is required: with ``settings.llm.provider == 'none'`` (the default) the judgement
rules do nothing, chat answers with retrieved passages and the opinion is the code template.
"""

from __future__ import annotations

from typing import Any

from reviewer.llm.provider import LLMError, LLMProvider, LLMUsage, get_provider, llm_configured

__all__ = ["LLMError", "LLMProvider", "LLMUsage", "get_provider", "llm_configured", "llm_extras", "provider_for"]


def provider_for(ctx: Any) -> LLMProvider | None:
    """The review's provider (one per review, so its usage is that review's token account)."""

    def make() -> LLMProvider | None:
        settings = ctx.settings
        if settings is None:
            from reviewer.settings import load_settings

            settings = load_settings()
        return get_provider(settings)

    return ctx.cached("llm_provider", make)


def llm_extras(ctx: Any) -> dict[str, Any] | None:
    """What the review records about the model: usage, per-question verdicts, dropped answers.

    None when no LLM check ran (no model configured or none selected).
    """
    cache = getattr(ctx, "_cache", {})
    provider = cache.get("llm_provider")
    run = cache.get("llm_judgements")
    if provider is None:
        return None
    out: dict[str, Any] = {"model": provider.model_name, "usage": provider.usage.model_dump()}
    if run is not None:
        results = run.results
        out["judgements"] = {k: v.model_dump() for k, v in sorted(results.items())}
        out["dropped_unverified"] = sum(1 for v in results.values() if v.status == "unverified")
    return out
