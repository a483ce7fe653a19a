"""A read-only web page for insurer staff, behind a login: enterprises with open and overdue findings, and each
visit with its findings and photos. Plain HTML, every value escaped; no script."""

from __future__ import annotations

import hashlib
import hmac
import html
import secrets
import time
import urllib.parse
from datetime import date
from typing import Any

from steward.domain import clock
from steward.domain.findings import FindingEvent, derive_state
from steward.domain.labels import EventKind, Severity, VisitKind
from steward.hub.store import HubError, HubStore

SESSION_SECONDS = 8 * 3600
STYLE = """
body{font-family:"Microsoft YaHei","PingFang SC","WenQuanYi Micro Hei",sans-serif;margin:24px;color:#222}
table{border-collapse:collapse;width:100%}td,th{border:1px solid #ccc;padding:6px 8px;text-align:left}
th{background:#37474f;color:#fff}.red{color:#b3261e;font-weight:bold}a{color:#0b4f8a}
.photos img{height:120px;margin:4px;border:1px solid #999}form{max-width:320px}input{display:block;margin:8px 0;
padding:8px;width:100%}
"""


def _page(title: str, body: str) -> str:
    return (f"<!doctype html><html lang='zh-CN'><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
            f"<style>{STYLE}</style></head><body><h1>{html.escape(title)}</h1>{body}</body></html>")  # fmt: skip


def _pbkdf2(password: str, salt: bytes) -> str:
    return hashlib.pbkdf2_hmac("sha256", password.encode(), salt, 200_000).hex()


class Viewers:
    """Insurer staff who may read, never write."""

    def __init__(self, store: HubStore) -> None:
        self.store = store
        key_file = store.data_dir / "session.key"
        if not key_file.exists():
            key_file.write_bytes(secrets.token_bytes(32))
            key_file.chmod(0o600)
        self.key = key_file.read_bytes()

    def add(self, name: str) -> str:
        password = secrets.token_urlsafe(12)
        salt = secrets.token_bytes(16)
        self.store.put_viewer(name, salt.hex(), _pbkdf2(password, salt))
        return password

    def check(self, name: str, password: str) -> bool:
        row = self.store.viewer_secret(name)
        if row is None:
            _pbkdf2(password, b"0" * 16)  # the same work for unknown names: no timing hint
            return False
        return hmac.compare_digest(_pbkdf2(password, bytes.fromhex(row[0])), row[1])

    def session(self, name: str) -> str:
        expires = str(int(time.time()) + SESSION_SECONDS)
        payload = f"{urllib.parse.quote(name)}|{expires}"
        return payload + "|" + hmac.new(self.key, payload.encode(), hashlib.sha256).hexdigest()

    def who(self, cookie: str | None) -> str | None:
        if not cookie or cookie.count("|") != 2:
            return None
        name, expires, mac = cookie.split("|")
        expected = hmac.new(self.key, f"{name}|{expires}".encode(), hashlib.sha256).hexdigest()
        if not hmac.compare_digest(mac, expected) or not expires.isdigit() or int(expires) < time.time():
            return None
        return urllib.parse.unquote(name)


def _overview(store: HubStore, today: date) -> dict[str, dict[str, Any]]:
    enterprises = {
        b["id"]: {**b, "found": 0, "open": 0, "overdue": 0, "visits": []} for b in store.bodies("enterprise")
    }
    events: dict[str, list[FindingEvent]] = {}
    for e in store.bodies("finding_event"):
        try:
            events.setdefault(e["finding_id"], []).append(
                FindingEvent(e["id"], e["finding_id"], EventKind(e["kind"]), _parse(e["at"]), e.get("by", ""))
            )
        except (KeyError, ValueError):
            continue
    for f in store.bodies("finding"):
        ent = enterprises.get(f.get("enterprise_id"))
        if ent is None:
            continue
        state = derive_state(events.get(f["id"], []))
        ent["found"] += 1
        if not state.closed:
            ent["open"] += 1
            if f.get("deadline") and f["deadline"] < today.isoformat():
                ent["overdue"] += 1
    for v in store.bodies("visit"):
        if v.get("enterprise_id") in enterprises:
            enterprises[v["enterprise_id"]]["visits"].append(v)
    return enterprises


def _stewards_time(text: str) -> str:
    """A stored UTC instant as the stewards' wall-clock time, whatever zone this server runs in."""
    try:
        return clock.from_text(text).astimezone(clock.STEWARDS_ZONE).strftime("%Y-%m-%d %H:%M")
    except (ValueError, AttributeError):  # validated at the door; shown as it came if it still is not a time
        return str(text)


def _parse(text: str) -> Any:
    from datetime import datetime

    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def index_page(store: HubStore, viewer: str) -> str:
    rows = sorted(
        _overview(store, clock.today(clock.STEWARDS_ZONE)).values(),
        key=lambda e: (-e["overdue"], -e["open"], e["name"]),
    )
    cells = "".join(
        f"<tr><td><a href='/enterprise/{html.escape(e['id'])}'>{html.escape(e['name'])}</a></td>"
        f"<td>{html.escape(e['credit_code'])}</td><td>{len(e['visits'])}</td><td>{e['found']}</td>"
        f"<td>{e['open']}</td><td class='{'red' if e['overdue'] else ''}'>{e['overdue']}</td></tr>"
        for e in rows
    )
    body = (f"<p>{html.escape(viewer)},您好。本页只读。<a href='/logout'>退出</a></p><table><tr><th>企业</th>"
            f"<th>统一社会信用代码</th><th>巡查次数</th><th>发现问题</th><th>待整改</th><th>逾期</th></tr>{cells}</table>")  # fmt: skip
    return _page("环保管家 · 参保企业环境问题整改情况", body)


def enterprise_page(store: HubStore, enterprise_id: str) -> str:
    ent = _overview(store, clock.today(clock.STEWARDS_ZONE)).get(enterprise_id)
    if ent is None:
        raise HubError("no_enterprise", "没有该企业。", "No such enterprise.")
    findings = [f for f in store.bodies("finding") if f.get("enterprise_id") == enterprise_id]
    links = store.bodies("photo_link")
    documents = store.bodies("document")
    parts = [f"<p><a href='/'>← 全部企业</a></p><p>{html.escape(ent['address'])} · 发现问题 {ent['found']} 个,"
             f"待整改 {ent['open']} 个,逾期 <span class='red'>{ent['overdue']}</span> 个</p>"]  # fmt: skip
    for visit in sorted(ent["visits"], key=lambda v: v.get("started_at", ""), reverse=True):
        own = [f for f in findings if f.get("visit_id") == visit["id"]]
        rows = "".join(
            f"<tr><td>{html.escape(f.get('location', ''))}</td><td>{html.escape(f.get('description', ''))}</td>"
            f"<td>{html.escape(_severity(f.get('severity')))}</td><td>{html.escape(f.get('deadline') or '')}</td></tr>"
            for f in own
        )
        ids = {visit["id"]} | {f["id"] for f in own}
        shas = sorted(
            {link["sha256"] for link in links if link.get("visit_id") in ids or link.get("finding_id") in ids}
        )
        photos = "".join(f"<a href='/photo/{s}'><img src='/photo/{s}' alt='{s[:12]}' title='SHA-256 {s[:12]}'></a>"
                         for s in shas if not store.missing([s]))  # fmt: skip
        kind = _kind(visit.get("kind"))
        parts.append(f"<h2>{html.escape(_stewards_time(visit.get('started_at', '')))} · {html.escape(kind)} · "
                     f"{html.escape(visit.get('steward', ''))}</h2>")  # fmt: skip
        if rows:
            parts.append(f"<table><tr><th>位置</th><th>问题描述</th><th>等级</th><th>整改期限</th></tr>{rows}</table>")
        else:
            parts.append("<p>本次巡查未发现问题。</p>")
        labels = {"visit_report": "巡查报告", "notice": "整改通知书"}
        pdfs = " · ".join(
            f"<a href='/document/{html.escape(d['sha256'])}'>{labels.get(d.get('kind'), '文书')}"
            f"{' ' + html.escape(d['notice_number']) if d.get('notice_number') else ''}(PDF)</a>"
            for d in documents if d.get("visit_id") == visit["id"] and not store.missing([d.get("sha256", "")])
        )  # fmt: skip
        if pdfs:
            parts.append(f"<p>{pdfs}</p>")
        if photos:
            parts.append(f"<div class='photos'>{photos}</div>")
    return _page(ent["name"], "".join(parts))


def _severity(value: Any) -> str:
    try:
        return Severity(value).zh
    except ValueError:
        return ""


def _kind(value: Any) -> str:
    try:
        return VisitKind(value).zh
    except ValueError:
        return ""


def login_page(message: str = "") -> str:
    note = f"<p class='red'>{html.escape(message)}</p>" if message else ""
    return _page("环保管家 · 保险公司查询", f"{note}<form method='post' action='/login'>"
                 "<label>用户名<input name='name' autocomplete='username'></label>"
                 "<label>密码<input name='password' type='password' autocomplete='current-password'></label>"
                 "<input type='submit' value='登录'></form>")  # fmt: skip
