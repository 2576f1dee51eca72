"""The workbench in a real browser: log in, upload, findings, evidence, reject with a reason,
reload and see it persisted, download the annotated DOCX and read its comments, role isolation,
the other tabs, the English switch, responsiveness during a ~100-page review. Screenshots of
every tab go to docs/screenshots/ when REVIEWER_UPDATE_SCREENSHOTS=1."""

import re
import time
from pathlib import Path

import docx
import httpx
import pytest
from browser_helpers import PASSWORD, cell, login, upload_and_review
from playwright.sync_api import expect
from report_builder import build_docx_report, build_long_docx_report, build_pdf_report

pytestmark = pytest.mark.browser


def test_login_page_redirects_and_refuses_wrong_password(browser, app_server):
    ctx = browser.new_context()
    page = ctx.new_page()
    page.goto(app_server["url"] + "/zh/")
    expect(page).to_have_url(re.compile(r"/login\?next=/zh/"))
    page.fill("#name", "expert1")
    page.fill("#password", "not-the-password")
    page.click("#login-submit")
    expect(page.locator(".err")).to_have_text("用户名或密码不正确。")
    ctx.close()


def test_review_evidence_decision_persistence_and_annotated_docx(browser, app_server, tmp_path, shots):
    report = build_docx_report(tmp_path / "电镀企业审核报告.docx", xss=True)
    page = login(browser, app_server, "expert1")
    upload_and_review(page, report)
    expect(cell(page, "findings-table", "STR003")).to_be_visible()
    # the report's HTML/JS text is shown as text, never executed
    cell(page, "findings-table", "“筹划和组织”阶段缺少").first.click()
    expect(page.locator("#evidence-context")).to_contain_text("onerror")
    assert page.evaluate("() => window.__xss") is None
    page.screenshot(path=str(shots / "review.png"), full_page=True)

    cell(page, "findings-table", "STR003").first.click()
    expect(page.locator("#evidence")).to_contain_text("基准数据只覆盖 2 年")
    expect(page.locator("#evidence")).to_contain_text("2023年")  # the verbatim quote
    expect(page.locator("#evidence")).to_contain_text("清洁生产审核")  # the basis document
    expect(page.locator("#evidence-context mark, #evidence-context .ev-cell").first).to_be_visible()
    page.locator("#decision label", has_text="不采纳").click()
    page.locator("#reason textarea").fill("企业2022年停产，只有两年数据属实")
    page.click("#save-decision")
    expect(page.locator("#decision-msg textarea")).to_have_value(re.compile("已保存"))
    expect(cell(page, "findings-table", "不采纳").first).to_be_visible()

    # a reload (new page state) shows the decision: it is in the database, not in the page
    page.reload()
    page.locator(".rv-header").wait_for()
    expect(cell(page, "findings-table", "不采纳").first).to_be_visible()
    cell(page, "findings-table", "STR003").first.click()
    expect(page.locator("#finding-status")).to_contain_text("企业2022年停产")

    # the annotated DOCX carries one comment per remaining finding, none for the rejected one
    with page.expect_download() as dl:
        page.click("#dl-docx")
    d = docx.Document(dl.value.path())
    comments = [c.text for c in d.comments]
    review_id = page.locator("#dl-docx").get_attribute("href").split("/")[4]
    cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    findings = httpx.get(f"{app_server['url']}/api/v1/reviews/{review_id}/findings", cookies=cookies).json()
    n_findings = len(findings)
    assert n_findings > 3 and len(comments) == n_findings - 1
    assert not any("STR003" in c for c in comments) and any("STR001" in c for c in comments)

    # adoption statistics reflect the decision
    page.get_by_role("tab", name="用户/统计").click()
    expect(cell(page, "adoption-table", "STR003")).to_be_visible()
    expect(page.locator("#adoption-table")).to_contain_text("0%")
    page.screenshot(path=str(shots / "users_stats.png"), full_page=True)
    page.context.close()


def test_pdf_evidence_is_the_rendered_page_with_the_quote_highlighted(browser, app_server, tmp_path, shots):
    pdf = build_pdf_report(tmp_path / "印染企业审核报告.pdf")
    page = login(browser, app_server, "expert1")
    upload_and_review(page, pdf)
    cell(page, "findings-table", "RED003").first.click()
    img = page.locator("#evidence-image img")
    expect(img).to_be_visible()
    page.wait_for_function("() => { const i = document.querySelector('#evidence-image img');"
                           " return i && i.complete && i.naturalWidth > 400; }")
    expect(page.locator("#evidence")).to_contain_text("39020")
    page.screenshot(path=str(shots / "evidence_pdf.png"), full_page=True)
    page.context.close()


def test_consultants_only_see_their_own_reviews(browser, app_server, tmp_path):
    a = login(browser, app_server, "consult1")
    upload_and_review(a, build_docx_report(tmp_path / "甲咨询的报告.docx", enterprise="甲地示范电镀有限公司"))
    href = a.locator("#dl-docx").get_attribute("href")
    assert a.request.get(app_server["url"] + href).status == 200
    b = login(browser, app_server, "consult2")
    b.locator("#review-select input").click()
    assert b.get_by_role("option", name=re.compile("甲咨询的报告")).count() == 0
    expect(b.locator("#summary")).to_contain_text("请选择或上传一份报告")
    for path in (href, href.replace("/downloads/docx", ""), href.replace("/downloads/docx", "/findings")):
        r = b.request.get(app_server["url"] + path)
        assert r.status == 404, path
        assert "无权查看" in r.json()["error"]["message"]
    # the bureau sees it
    c = login(browser, app_server, "bureau1")
    assert c.request.get(app_server["url"] + href).status == 200
    for p in (a, b, c):
        p.context.close()


def test_scoring_opinion_chat_knowledge_tabs(browser, app_server, tmp_path, shots):
    page = login(browser, app_server, "expert1")
    upload_and_review(page, build_docx_report(tmp_path / "评分用报告.docx", enterprise="丁市示范电镀有限公司"))
    page.get_by_role("tab", name="评分表").click()
    expect(cell(page, "score-table", "V1")).to_be_visible()
    expect(page.locator("#tab-score")).to_contain_text("结论（建议）")
    with page.expect_download() as dl:
        page.click("#dl-score-xlsx")
    assert dl.value.suggested_filename.endswith(".xlsx")
    page.screenshot(path=str(shots / "scoring.png"), full_page=True)

    page.get_by_role("tab", name="审查意见").click()
    expect(page.locator("#opinion-text textarea")).to_have_value(re.compile("技术审查意见"))
    page.screenshot(path=str(shots / "opinion.png"), full_page=True)
    page.locator("#opinion-text textarea").fill("专家意见：请补充2022年数据。")
    page.click("#opinion-save")
    expect(page.locator("#opinion-msg textarea")).to_have_value(re.compile("审查意见已保存"))

    page.get_by_role("tab", name="对话").click()
    page.locator("#chat-input textarea").fill("本轮审核重点是什么？")
    page.click("#chat-send")
    expect(page.locator("#chatbot")).to_contain_text("镀镍生产线", timeout=60_000)
    expect(page.locator("#chatbot")).to_contain_text("[报告第")
    page.screenshot(path=str(shots / "chat.png"), full_page=True)

    page.get_by_role("tab", name="知识库").click()
    page.locator("#kb-query textarea, #kb-query input").first.fill("清洁生产审核评估与验收")
    page.click("#kb-search")
    expect(page.locator("#kb-hits .kb-hit").first).to_be_visible()
    expect(page.locator("#kb-hits")).to_contain_text("《")
    page.screenshot(path=str(shots / "knowledge.png"), full_page=True)

    page.click("#lang-switch")
    page.wait_for_url("**/en/")
    expect(page.get_by_role("tab", name="Review")).to_be_visible()
    expect(page.locator("#start-review")).to_have_text("Start review")
    expect(page.locator(".rv-header")).to_contain_text("Sign out")
    expect(page.locator("#summary")).to_contain_text("评分用报告.docx")
    expect(cell(page, "findings-table", "STR001")).to_be_visible()
    page.screenshot(path=str(shots / "english.png"), full_page=False)
    page.context.close()


def test_bureau_batch_dashboard_with_duplicates(browser, app_server, tmp_path, shots):
    import zipfile

    files = [build_docx_report(tmp_path / "甲厂.docx", enterprise="甲市示范电镀有限公司"),
             build_docx_report(tmp_path / "乙厂.docx", enterprise="乙县精工电镀有限公司", agency="浙江青山环保咨询有限公司"),
             build_pdf_report(tmp_path / "丙厂.pdf")]
    zpath = tmp_path / "抽查.zip"
    with zipfile.ZipFile(zpath, "w") as z:
        for f in files:
            z.write(f, f"reports/{f.name}")
    page = login(browser, app_server, "bureau1")
    page.get_by_role("tab", name="批量").click()
    page.locator("#batch-files input[type=file]").set_input_files(str(zpath))
    page.locator("#batch-files", has_text="抽查").wait_for()
    page.get_by_label("批次名称").fill("第四季度抽查")
    page.get_by_role("button", name="开始批量审查").click()
    expect(cell(page, "batch-reports", "乙厂.docx")).to_be_visible()
    expect(cell(page, "batch-reports", "已完成")).to_have_count(3, timeout=120_000)
    page.get_by_role("button", name="查找雷同").click()
    expect(page.locator("#batch-dups")).to_contain_text("相似度", timeout=60_000)
    expect(page.locator("#batch-dups")).to_contain_text("甲厂.docx")
    expect(page.locator("#batch-dups")).to_contain_text("乙厂.docx")
    with page.expect_download() as dl:
        page.click("#dl-batch-csv")
    text = Path(dl.value.path()).read_text(encoding="utf-8-sig")
    assert "甲厂.docx" in text and "浙江青山环保咨询有限公司" in text
    page.screenshot(path=str(shots / "batch.png"), full_page=True)
    page.context.close()
    # experts do not get the bureau dashboard
    other = login(browser, app_server, "expert1")
    expect(other.get_by_role("tab", name="批量")).to_have_count(0)
    other.context.close()


def test_ui_stays_responsive_while_a_100_page_report_is_reviewed(browser, app_server, tmp_path, shots):
    reports = [build_long_docx_report(tmp_path / f"百页报告{i}.docx", enterprise=f"华南第{i}示范铸造有限公司")
               for i in range(1, 4)]
    page = login(browser, app_server, "expert1")
    page.locator("#upload-files input[type=file]").set_input_files([str(p) for p in reports])
    page.locator("#upload-files", has_text="百页报告3").wait_for()
    t0 = time.monotonic()
    page.click("#start-review")
    expect(page.locator("#progress .rv-job", has_text="百页报告3.docx")).to_contain_text("%")
    page.screenshot(path=str(shots / "progress.png"), full_page=False)
    # another tab answers while the reviews run in the worker processes
    page.get_by_role("tab", name="知识库").click()
    busy = httpx.get(f"{app_server['url']}/api/v1/health").json()["queue"]
    assert busy["running"] + busy["queued"] >= 1, busy
    t1 = time.monotonic()
    page.locator("#kb-query textarea, #kb-query input").first.fill("物料平衡")
    page.click("#kb-search")
    expect(page.locator("#kb-hits .kb-hit").first).to_be_visible(timeout=15_000)
    search_s = time.monotonic() - t1
    page.get_by_role("tab", name="审查", exact=True).click()
    expect(page.locator("#progress .rv-job.done", has_text="百页报告")).to_have_count(3, timeout=300_000)
    total_s = time.monotonic() - t0
    print(f"\n3 reports of ~100 pages: {total_s:.1f} s with 2 workers; knowledge search meanwhile: {search_s:.1f} s "
          f"(queue at the time: {busy})")
    assert search_s < 15
    cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    done = [r for r in httpx.get(f"{app_server['url']}/api/v1/reviews", cookies=cookies).json()
            if r["file_name"].startswith("百页报告")]
    assert len(done) == 3 and all(r["status"] == "done" and r["pages"] >= 95 for r in done), done
    page.context.close()


def test_session_cookie_is_httponly_and_logout_ends_it(browser, app_server):
    page = login(browser, app_server, "consult2")
    cookie = next(c for c in page.context.cookies() if c["name"] == "reviewer_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    assert page.evaluate("() => document.cookie").find("reviewer_session") == -1
    page.click("#logout-link")
    page.wait_for_url("**/login**")
    r = httpx.get(f"{app_server['url']}/api/v1/me", cookies={"reviewer_session": cookie["value"]})
    assert r.status_code == 401
    page.goto(app_server["url"] + "/zh/")
    expect(page).to_have_url(re.compile("/login"))
    assert PASSWORD  # the same password still logs in (the session, not the account, ended)
    page.context.close()
