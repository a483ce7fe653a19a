"""Every profile setting declared once, with its type, default and labels (Picard's habit)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from steward.storage import settings as settings_store
from steward.storage.profile import Profile


@dataclass(frozen=True)
class Setting:
    key: str
    type: type
    default: Any
    label_zh: str
    label_en: str


STEWARD_NAME = Setting("steward_name", str, "环保管家", "检查人员姓名", "Steward's name")
FIRM_NAME = Setting("firm_name", str, "", "服务机构名称", "Service firm")
INSURER_NAME = Setting("insurer_name", str, "", "保险公司名称", "Insurer")
NOTICE_PREFIX = Setting("notice_prefix", str, "XJ", "通知书编号前缀", "Notice number prefix")
VISIT_INTERVAL_DAYS = Setting("visit_interval_days", int, 7, "巡查周期(天)", "Days between visits")
LOGO_PATH = Setting("logo_path", str, "", "报告页眉标志(图片文件)", "Letterhead logo (image file)")
NOTICE_COPIES = Setting("notice_copies", int, 2, "整改通知书联数", "Copies of a notice")

ALL = (STEWARD_NAME, FIRM_NAME, INSURER_NAME, NOTICE_PREFIX, VISIT_INTERVAL_DAYS, LOGO_PATH, NOTICE_COPIES)


def get(profile: Profile, setting: Setting) -> Any:
    value = settings_store.get(profile.db, setting.key, setting.default)
    return value if isinstance(value, setting.type) else setting.default


def put(profile: Profile, setting: Setting, value: Any) -> None:
    if not isinstance(value, setting.type):
        raise TypeError(f"{setting.key} expects {setting.type.__name__}")
    settings_store.put(profile.db, setting.key, value)
