"""A fixed, seeded sample of the fuzz campaign (evals/fuzz.py): mutated real DOCX/PDF files
through parse() and the rules, random strings through the quantity parser — no crash, no hang."""

import random

import pytest

from evals.fuzz import Sandbox, fuzz_files, fuzz_quantities, load_seeds, mutate


@pytest.fixture(scope="module")
def sandbox():
    box = Sandbox()
    yield box
    box.close()


def test_mutants_differ_from_their_seed_and_stay_deterministic():
    seeds = load_seeds()
    assert {s for _, s, _ in seeds} == {".docx", ".pdf"} and len(seeds) >= 4
    a = [mutate(s, d, random.Random(7)) for _, s, d in seeds]
    b = [mutate(s, d, random.Random(7)) for _, s, d in seeds]
    assert a == b
    assert all(m != d for (_, m), (_, _, d) in zip(a, seeds, strict=True))


def test_seeded_file_sample_has_no_crash_or_hang(sandbox):
    seeds = [s for s in load_seeds() if s[0].startswith("small") or s[2][:4] == b"PK\x03\x04"]
    tally = fuzz_files(sandbox, budget_s=40, seed=20261123, max_inputs=60, seeds=seeds)
    print(f"fuzzed {tally.tried} files: {dict(tally.outcomes)} {dict(tally.codes)}")
    assert tally.tried >= 30
    assert tally.outcomes["crash"] == 0 and tally.outcomes["hang"] == 0, tally.failures
    # the sample reaches both ends: mutants that still parse (and are reviewed) and clean refusals
    assert tally.outcomes["ok"] > 0 and tally.outcomes["rejected"] > 0
    assert tally.codes["parse_failed"] == 0, tally.caught_internal  # every refusal has its specific message


def test_seeded_quantity_strings_never_raise(sandbox):
    tally = fuzz_quantities(sandbox, examples=400, seed=20261123)
    print(f"fuzzed {tally.tried} strings: {dict(tally.outcomes)}")
    assert tally.tried >= 300
    assert tally.outcomes["ok"] == tally.tried, tally.failures


def test_watchdog_classifies_an_input_that_outlives_its_time_as_a_hang(sandbox):
    _, suffix, data = next(s for s in load_seeds() if s[0] == "sample_dyeing.pdf")
    outcome, info = sandbox.run(("file", (suffix, data, True)), timeout=0.05)
    assert outcome == "hang" and "0.05" in info["error"]
    # the worker was replaced and answers again
    assert sandbox.run(("quantity", "12.5万t/a"), timeout=30)[0] == "ok"


def test_pdf_with_a_broken_page_box_is_reported_as_a_corrupt_pdf(tmp_path):
    """Found by fuzzing: pdfplumber's close() re-raised a broken page's error and replaced the
    'corrupt PDF' message with the catch-all 'could not parse' one."""
    import re

    from evals.fuzz import small_pdf
    from reviewer.errors import BadInputError
    from reviewer.parsing import parse

    path = tmp_path / "坏页面.pdf"
    path.write_bytes(re.sub(rb"/MediaBox\s*\[[^\]]*\]", b"/MediaBox [0 0 1e9 -5]", small_pdf(), count=1))
    with pytest.raises(BadInputError) as ei:
        parse(path)
    assert ei.value.code == "corrupt_pdf" and "已损坏" in ei.value.message


def test_pages_pdfium_cannot_load_are_skipped_with_a_warning():
    """Found by fuzzing (a spliced copy of examples/sample_dyeing.pdf): pages without a usable
    text layer that pdfium cannot load for OCR stopped the whole parse with the catch-all error."""
    from pathlib import Path

    from reviewer.parsing import parse
    from reviewer.settings import load_settings

    settings = load_settings()
    settings.limits.ocr_max_pages = 11  # pages 1-10 cannot be loaded; OCR one good page, not five (speed)
    doc = parse(Path(__file__).parent / "fixtures" / "pdfium_unloadable_pages.pdf", settings)
    assert doc.blocks and any("无法渲染" in w and "未被审查" in w for w in doc.warnings), doc.warnings
