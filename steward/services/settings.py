"""Every profile setting declared once, with its type, default and labels (Picard's habit)."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from steward.domain.errors import InvalidInput
from steward.domain.numbering import local_number_code
from steward.services import credentials
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
POLICY_NUMBER = Setting("policy_number", str, "", "保险保单号", "Insurance policy number")
NOTICE_PREFIX = Setting("notice_prefix", str, "XJ", "通知书编号前缀", "Notice number prefix")
VISIT_INTERVAL_DAYS = Setting("visit_interval_days", int, 7, "巡查周期(天)", "Days between visits")
LOGO_PATH = Setting("logo_path", str, "", "报告页眉标志(图片文件)", "Letterhead logo (image file)")
NOTICE_COPIES = Setting("notice_copies", int, 2, "整改通知书联数", "Copies of a notice")
HUB_URL = Setting("hub_url", str, "", "同步服务器地址", "Hub address")
HUB_TOKEN = Setting("hub_token", str, "", "同步令牌", "Sync token")
HUB_CA_BUNDLE = Setting(
    "hub_ca_bundle", str, "", "同步服务器的 CA 证书文件(自建证书时填写)", "Hub's CA certificate file (private CA)"
)
PRUNE_AFTER_DAYS = Setting(
    "prune_after_days",
    int,
    0,
    "同步后删除多少天前的照片原件(0=保留)",
    "Delete synced originals older than N days (0 = keep)",
)
BACKUPS_KEPT = Setting("backups_kept", int, 7, "保留的自动备份份数", "Automatic backups kept")
RATING_RULES = Setting(
    "rating_rules", str, "", "三色码评级规则文件(空=内置默认规则)", "Rating rules file (empty = built-in defaults)"
)
# "" follows the system's language (English on an English system, Chinese otherwise); documents stay Chinese.
LANGUAGE = Setting(
    "language", str, "", "界面语言(zh_CN 或 en,留空跟随系统)", "Interface language (zh_CN or en, empty: system's)"
)
LANGUAGES = ("zh_CN", "en")
SECRET = (HUB_TOKEN,)

ALL = (
    STEWARD_NAME,
    FIRM_NAME,
    INSURER_NAME,
    POLICY_NUMBER,
    NOTICE_PREFIX,
    VISIT_INTERVAL_DAYS,
    LOGO_PATH,
    NOTICE_COPIES,
    HUB_URL,
    HUB_TOKEN,
    HUB_CA_BUNDLE,
    PRUNE_AFTER_DAYS,
    BACKUPS_KEPT,
    LANGUAGE,
)
# Set on the command line only until the settings dialog gets room for it (its 1280x720 layout is full).
COMMAND_LINE_ONLY = (RATING_RULES,)


def by_key(key: str) -> Setting:
    for setting in (*ALL, *COMMAND_LINE_ONLY):
        if setting.key == key:
            return setting
    raise InvalidInput(
        f"没有名为“{key}”的设置。可用:{', '.join(s.key for s in ALL)}",
        f"No setting '{key}'. Available: {', '.join(s.key for s in ALL)}",
    )


def parse(setting: Setting, text: str) -> Any:
    """A value typed by a person (command line, dialog), checked against the setting's type."""
    if setting.type is int:
        try:
            number = int(text)
        except ValueError:
            raise InvalidInput(
                f"“{setting.label_zh}”应为整数。", f"'{setting.label_en}' must be a whole number."
            ) from None
        if number < 0:
            raise InvalidInput(f"“{setting.label_zh}”不能为负数。", f"'{setting.label_en}' cannot be negative.")
        return number
    value = text.strip()
    if setting is LOGO_PATH and value and not Path(value).is_file():
        raise InvalidInput(f"找不到标志图片:{value}", f"Logo image not found: {value}")
    if setting is HUB_CA_BUNDLE and value and not Path(value).expanduser().is_file():
        raise InvalidInput(f"找不到证书文件:{value}", f"Certificate file not found: {value}")
    if setting is RATING_RULES and value:
        from steward.services import ratings  # the rules file is checked now, not at the next rating

        ratings.load_rules(Path(value).expanduser())
    if setting is LANGUAGE and value not in ("", *LANGUAGES):
        raise InvalidInput(
            f"界面语言应为 {' 或 '.join(LANGUAGES)}(留空跟随系统)。",
            f"The interface language must be {' or '.join(LANGUAGES)} (empty: the system's).",
        )
    if setting is NOTICE_PREFIX and not value.replace("-", "").isalnum():
        raise InvalidInput(
            "通知书编号前缀只能含字母、数字和横线。", "The notice prefix may hold letters, digits and '-'."
        )
    return value


def get(profile: Profile, setting: Setting) -> Any:
    if setting in SECRET:
        return credentials.get(profile, setting.key, setting.default)
    value = settings_store.get(profile.db, setting.key, setting.default)
    return value if isinstance(value, setting.type) else setting.default


def put(profile: Profile, setting: Setting, value: Any) -> None:
    if not isinstance(value, setting.type):
        raise TypeError(f"{setting.key} expects {setting.type.__name__}")
    if setting in SECRET:
        credentials.put(profile, setting.key, str(value))  # secrets are text (SECRET holds only str settings)
        return
    settings_store.put(profile.db, setting.key, value)


# The notice-number code the hub gave this profile (e.g. "LM"), kept by sync; not a setting a person edits.
HUB_NUMBER_CODE = "sync_number_code"
_CODE = re.compile(r"[A-Z][A-Z0-9]{0,11}")
# This laptop profile's identity on the hub (a UUID, made with the profile: migration m0xx_hub14_profile_id).
PROFILE_ID = "sync_profile_id"


def profile_identity(profile: Profile) -> str:
    """The profile's id (made now if a profile from before the migration has none yet)."""
    value = settings_store.get(profile.db, PROFILE_ID)
    if not isinstance(value, str) or not value:
        value = str(uuid.uuid4())
        settings_store.put(profile.db, PROFILE_ID, value)
    return value


def notice_prefix(profile: Profile) -> str:
    """What a new notice number starts with: the firm's prefix and this profile's code, so two stewards of one firm
    never print the same number. Once the hub has given the profile its code, that one ("XJ-LM"); before, the
    profile's own (steward.domain.numbering: "XJ-7KM3QT"), which the hub's never equals. Numbers already printed keep
    theirs (a visit's number is fixed at its first print)."""
    firm = str(get(profile, NOTICE_PREFIX))
    code = settings_store.get(profile.db, HUB_NUMBER_CODE)
    if isinstance(code, str) and _CODE.fullmatch(code):
        return f"{firm}-{code}"
    return f"{firm}-{local_number_code(profile_identity(profile))}"


def keep_hub_number_code(profile: Profile, code: object) -> bool:
    """Keep the code the hub gave (checked: it is printed on every notice). Returns whether it is new here."""
    if (
        not isinstance(code, str)
        or not _CODE.fullmatch(code)
        or settings_store.get(profile.db, HUB_NUMBER_CODE) == code
    ):
        return False
    settings_store.put(profile.db, HUB_NUMBER_CODE, code)
    return True
