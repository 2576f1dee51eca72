"""The HTTP API over real HTTP (uvicorn on a loopback port, httpx): submit, poll, findings,
decisions, downloads, scorecard, opinion, rules, knowledge, statistics, isolation, errors."""

import io
import json

import docx
import openpyxl
from livesrv import client, wait_done


def submit(c, path, **form):
    with open(path, "rb") as f:
        return c.post("/api/v1/reviews", files={"file": (path.name, f, "application/octet-stream")}, data=form)


def test_health_needs_no_login_and_everything_else_does(api):
    anon = client(api, None)
    r = anon.get("/api/v1/health")
    assert r.status_code == 200 and r.json()["status"] == "ok" and r.json()["schema"] >= 1
    for path in ("/api/v1/reviews", "/api/v1/me", "/api/v1/rules", "/api/v1/stats/adoption"):
        r = anon.get(path)
        assert r.status_code == 401, path
        assert r.json()["error"]["code"] == "unauthorized" and "登录" in r.json()["error"]["message"]
        assert r.headers["www-authenticate"] == "Bearer"
    r = anon.get("/api/v1/me", headers={"Authorization": "Bearer not-a-token"})
    assert r.status_code == 401


def test_login_endpoint_issues_a_session_token(api):
    anon = client(api, None)
    r = anon.post("/api/v1/auth/login", json={"name": "expert1", "password": "wrong"})
    assert r.status_code == 401 and r.json()["error"]["message"] == "用户名或密码不正确。"
    r = anon.post("/api/v1/auth/login", json={"name": "expert1", "password": "pw-expert-1"})
    assert r.status_code == 200
    token = r.json()["token"]
    me = anon.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).json()
    assert me["name"] == "expert1" and me["role"] == "expert" and me["group"] == "panelA"
    assert anon.post("/api/v1/auth/logout", headers={"Authorization": f"Bearer {token}"}).status_code == 204
    assert anon.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_review_lifecycle_findings_decisions_downloads(api, sample_docx):
    c = client(api, "consultant")
    r = submit(c, sample_docx, use_llm="false")
    assert r.status_code == 202, r.text
    body = r.json()
    rid = body["review"]["id"]
    assert body["created"] and body["review"]["status"] in ("queued", "running")
    assert body["review"]["file_name"] == "样例报告.docx"
    done = wait_done(c, rid)
    assert done["status"] == "done" and done["counts"]["error"] >= 2 and done["score"] is not None
    again = submit(c, sample_docx, use_llm="false").json()
    assert again["created"] is False and again["review"]["id"] == rid

    findings = c.get(f"/api/v1/reviews/{rid}/findings").json()
    assert findings and all(f["quote"] for f in findings)
    errors = c.get(f"/api/v1/reviews/{rid}/findings", params={"severity": "error"}).json()
    assert errors and {f["severity"] for f in errors} == {"error"}
    str_only = c.get(f"/api/v1/reviews/{rid}/findings", params={"family": "str"}).json()
    assert str_only and {f["family"] for f in str_only} == {"STR"}
    target = next(f for f in findings if f["rule_id"] == "STR003")
    assert target["location"]["page"] == 1 and target["basis"]["item_id"]

    url = f"/api/v1/reviews/{rid}/findings/{target['id']}/decision"
    r = c.post(url, json={"decision": "reject", "reason": ""})
    assert r.status_code == 400 and "理由" in r.json()["error"]["message"]
    r = c.post(url, json={"decision": "nope"})
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_request"
    r = c.post(url, json={"decision": "reject", "reason": "2022年停产，数据只有两年属实"})
    assert r.status_code == 200 and r.json()["status"] == "reject"
    detail = c.get(f"/api/v1/reviews/{rid}/findings/{target['id']}").json()
    assert [h["decision"] for h in detail["history"]] == ["reject"] and detail["history"][0]["user"] == "consult1"
    rejected = c.get(f"/api/v1/reviews/{rid}/findings", params={"status": "reject"}).json()
    assert [f["id"] for f in rejected] == [target["id"]]

    r = c.get(f"/api/v1/reviews/{rid}/downloads/docx")
    assert r.status_code == 200 and "attachment" in r.headers["content-disposition"]
    assert "filename*=UTF-8''" in r.headers["content-disposition"]
    comments = [cm.text for cm in docx.Document(io.BytesIO(r.content)).comments]
    assert len(comments) == len(findings) - 1 and not any("STR003" in t for t in comments)
    data = c.get(f"/api/v1/reviews/{rid}/downloads/json").json()
    assert data["review_id"] == rid and len(data["findings"]) == len(findings) - 1
    md = c.get(f"/api/v1/reviews/{rid}/downloads/md")
    assert md.status_code == 200 and "审查结果" in md.text
    html = c.get(f"/api/v1/reviews/{rid}/downloads/html")
    assert html.status_code == 200 and "<script>window.__xss" not in html.text
    assert c.get(f"/api/v1/reviews/{rid}/downloads/exe").status_code == 422


def test_other_consultant_cannot_read_anything_of_it(api, sample_docx):
    owner = client(api, "consultant")
    rid = submit(owner, sample_docx, use_llm="false").json()["review"]["id"]
    wait_done(owner, rid)
    fid = owner.get(f"/api/v1/reviews/{rid}/findings").json()[0]["id"]
    other = client(api, "consultant2")
    for path in (f"/api/v1/reviews/{rid}", f"/api/v1/reviews/{rid}/findings", f"/api/v1/reviews/{rid}/findings/{fid}",
                 f"/api/v1/reviews/{rid}/downloads/docx", f"/api/v1/reviews/{rid}/downloads/json",
                 f"/api/v1/reviews/{rid}/scorecard", f"/api/v1/reviews/{rid}/opinion",
                 f"/api/v1/reviews/{rid}/scorecard/export/xlsx"):
        r = other.get(path)
        assert r.status_code == 404, path
        assert r.json()["error"]["message"] == "没有这份审查记录，或您无权查看。"
    r = other.post(f"/api/v1/reviews/{rid}/findings/{fid}/decision", json={"decision": "accept"})
    assert r.status_code == 404
    assert rid not in {x["id"] for x in other.get("/api/v1/reviews").json()}
    # the same group's expert and the bureau may read it
    assert client(api, "expert").get(f"/api/v1/reviews/{rid}").status_code == 200
    assert client(api, "bureau").get(f"/api/v1/reviews/{rid}/findings").status_code == 200
    # a finding id from another review is not reachable through this review
    assert owner.get(f"/api/v1/reviews/{'f' * 32}/findings/{fid}").status_code == 404


def test_scorecard_and_opinion(api, sample_docx):
    c = client(api, "expert")
    rid = submit(c, sample_docx, use_llm="false").json()["review"]["id"]
    wait_done(c, rid)
    sheets = c.get("/api/v1/scoring/sheets").json()
    assert "scoring-eval-generic" in {s["id"] for s in sheets}
    card = c.get(f"/api/v1/reviews/{rid}/scorecard").json()
    assert card["sheet_id"] == "scoring-eval-generic" and card["total"] < 100
    assert any(d["quote"] for ln in card["lines"] for d in ln["deductions"])
    r = c.put(f"/api/v1/reviews/{rid}/scorecard", json={"A1": {"points": 1, "comment": "缺少方案实施章节"}})
    assert r.status_code == 200
    a1 = next(ln for ln in r.json()["lines"] if ln["item_id"] == "A1")
    assert a1["points"] == 1 and a1["comment"] == "缺少方案实施章节"
    assert c.get(f"/api/v1/reviews/{rid}").json()["score"] == r.json()["total"]
    assert c.put(f"/api/v1/reviews/{rid}/scorecard", json={"ZZ9": {"points": 1}}).status_code == 400
    x = c.get(f"/api/v1/reviews/{rid}/scorecard/export/xlsx")
    ws = openpyxl.load_workbook(io.BytesIO(x.content)).active
    assert any(row[6] == "缺少方案实施章节" for row in ws.iter_rows(values_only=True) if len(row) > 6)
    d = c.get(f"/api/v1/reviews/{rid}/scorecard/export/docx", params={"sheet": "scoring-accept-generic"})
    assert d.status_code == 200 and "验收" in docx.Document(io.BytesIO(d.content)).paragraphs[0].text

    op = c.get(f"/api/v1/reviews/{rid}/opinion").json()
    assert op["source"] in ("template", "llm") and "技术审查意见" in op["text"]
    r = c.put(f"/api/v1/reviews/{rid}/opinion", json={"text": "专家修改后的意见：请补充第三年数据。"})
    assert r.status_code == 200 and r.json()["source"] == "edited"
    assert c.get(f"/api/v1/reviews/{rid}/opinion").json()["text"] == "专家修改后的意见：请补充第三年数据。"
    doc = docx.Document(io.BytesIO(c.get(f"/api/v1/reviews/{rid}/opinion/export/docx").content))
    assert "专家修改后的意见" in doc.paragraphs[0].text


def test_rules_knowledge_stats_and_bad_requests(api):
    c = client(api, "expert")
    rules = c.get("/api/v1/rules").json()
    assert {"STR001", "STR003"} <= {r["id"] for r in rules}
    hits = c.get("/api/v1/knowledge/search", params={"q": "清洁生产审核评估与验收", "k": 3}).json()
    assert 1 <= len(hits) <= 3 and all(h["item_id"] and h["text"] for h in hits)
    assert c.get("/api/v1/knowledge/search", params={"q": ""}).status_code == 422
    stats = c.get("/api/v1/stats/adoption").json()
    assert all(set(s) >= {"rule_id", "accepted", "rejected", "adoption_rate"} for s in stats)
    r = c.post("/api/v1/reviews", files={"file": ("x.docx", b"", "application/octet-stream")})
    assert r.status_code == 400 and "空文件" in r.json()["error"]["message"]
    r = c.post("/api/v1/reviews", files={"file": ("x.docx", b"PK..", "application/octet-stream")},
               data={"select": "NOPE9"})
    assert r.status_code == 400 and "未知的规则" in r.json()["error"]["message"]
    assert c.get("/api/v1/reviews/not-an-id").status_code == 404
    assert c.get("/api/v1/reviews/x/findings/abc").status_code == 422
    assert c.get("/api/v1/nowhere").json()["error"]["code"] == "not_found"


def test_openapi_schema_is_versioned_and_documents_errors(api):
    schema = client(api, None).get("/api/v1/openapi.json").json()
    paths = schema["paths"]
    assert all(p.startswith("/api/v1/") for p in paths)
    assert {"/api/v1/reviews", "/api/v1/reviews/{review_id}/findings",
            "/api/v1/reviews/{review_id}/findings/{finding_id}/decision",
            "/api/v1/reviews/{review_id}/downloads/{fmt}"} <= set(paths)
    post = paths["/api/v1/reviews"]["post"]
    assert "401" in post["responses"] and "multipart/form-data" in post["requestBody"]["content"]
    assert any(s.get("type") == "http" and s.get("scheme") == "bearer"
               for s in schema["components"]["securitySchemes"].values())
    json.dumps(schema)  # serialisable


def test_batch_endpoints_are_bureau_or_owner_only(api, sample_docx):
    services = api["services"]
    bureau = api["users"]["bureau"]
    bid = services.store.create_batch(bureau, "抽查批次")
    services.queue.submit_review(bureau, sample_docx, sample_docx.name, {"use_llm": False}, batch_id=bid)
    b = client(api, "bureau")
    assert b.get(f"/api/v1/batches/{bid}").json()["name"] == "抽查批次"
    csv = b.get(f"/api/v1/batches/{bid}/export.csv")
    assert csv.status_code == 200 and csv.text.startswith("\ufeffreview_id")
    assert client(api, "consultant").get(f"/api/v1/batches/{bid}").status_code == 404
    assert client(api, "consultant").get(f"/api/v1/batches/{bid}/export.csv").status_code == 404
