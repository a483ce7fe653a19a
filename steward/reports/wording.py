"""The fixed words printed on documents, per language. Documents are Chinese (they are legal documents); the visit
report can also be printed in English for an enterprise's foreign management or owner. What a steward typed
(descriptions, locations, requirements) and the legal bases are printed as written."""

from __future__ import annotations

from collections.abc import Mapping

ZH = "zh"
EN = "en"
LANGUAGES = (ZH, EN)

_WORDS: dict[str, dict[str, str]] = {
    ZH: {
        "page": "第 {number} 页 / 共 {total} 页",
        "footer": "文档编号 {document_id} · 生成于 {generated_at} · 环保管家 Steward",
        "policy": "保单号 {policy}",
        "enterprise": "被检查单位",
        "credit_code": "统一社会信用代码",
        "representative": "法定代表人/负责人",
        "contact": "联系方式",
        "address": "地址",
        "policy_number": "保单号",
        "findings_head": "序号|位置|问题描述|依据|等级|整改要求|整改期限|照片编号",
        "sign_line": "签字：________________    日期：______年____月____日",
        "inspector": "检查人员{n}：",
        "inspector_numbers": "一二",
        "receipt": "企业负责人签收：",
        "refused": "企业负责人{name}拒绝签字。",
        "witness": "见证人：",
        "signed_on": "{name}    日期：{signed_at}",
        "signature_damaged": "(签名图片已损坏,请手工签字){name}",
        "photo": "照片 {number}  {caption}",
        "photo_marked": "已标注副本 原图 SHA-256 {sha}",
        # The visit report
        "visit_subject": "巡查报告",
        "visit_time": "检查时间",
        "steward": "检查人员",
        "summary": "一、检查结果汇总",
        "items": "二、检查项目",
        "items_head": "编号|类别|检查内容|结果|备注",
        "new_findings": "三、本次发现的问题",
        "no_findings": "本次检查未发现问题。",
        "rechecks": "四、以往问题复查情况",
        "rechecks_head": "问题|发现日期|整改期限|复查结论|逾期天数|复查意见",
        "no_rechecks": "没有需要复查的以往问题。",
        "photos": "五、现场照片",
        "as_of": "以上情况截至 {as_of}。",
    },
    EN: {
        "page": "Page {number} of {total}",
        "footer": "Document {document_id} · made {generated_at} · Steward 环保管家",
        "policy": "Policy {policy}",
        "enterprise": "Enterprise",
        "credit_code": "Unified social credit code",
        "representative": "Legal representative",
        "contact": "Contact",
        "address": "Address",
        "policy_number": "Policy number",
        "findings_head": "No.|Location|Problem|Basis|Severity|Requirement|Deadline|Photos",
        "sign_line": "Signature: ________________    Date: ____-____-____",
        "inspector": "Inspector {n}:",
        "inspector_numbers": "12",
        "receipt": "Received for the enterprise:",
        "refused": "The enterprise's representative {name} refused to sign.",
        "witness": "Witness:",
        "signed_on": "{name}    Date: {signed_at}",
        "signature_damaged": "(signature image damaged, sign by hand) {name}",
        "photo": "Photo {number}  {caption}",
        "photo_marked": "Marked copy, original SHA-256 {sha}",
        "visit_subject": "Inspection report",
        "visit_time": "Inspected",
        "steward": "Inspector",
        "summary": "1. Summary",
        "items": "2. Checklist items",
        "items_head": "Code|Category|Item|Result|Note",
        "new_findings": "3. Problems found at this visit",
        "no_findings": "No problems were found at this visit.",
        "rechecks": "4. Re-check of earlier problems",
        "rechecks_head": "Problem|Found on|Deadline|Re-check result|Days overdue|Comment",
        "no_rechecks": "No earlier problems were due for re-check.",
        "photos": "5. Photos",
        "as_of": "The above is as of {as_of}.",
    },
}


def words(language: str) -> Mapping[str, str]:
    """The words of a language; Chinese for anything else (a document is never printed with missing labels)."""
    return _WORDS.get(language, _WORDS[ZH])


def columns(language: str, key: str) -> list[str]:
    return words(language)[key].split("|")
