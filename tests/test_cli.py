"""The `steward` command line, in-process through main() and once as a real process."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from steward.cli.main import main
from tests.conftest import make_code
from tests.images import write_jpeg


@pytest.fixture
def run(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    data = tmp_path / "data"

    def _run(*args: str) -> tuple[int, str, str]:
        code = main(["--data-dir", str(data), *args])
        out, err = capsys.readouterr()
        return code, out, err

    return _run


@pytest.fixture(scope="module")
def made_demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder with the profile "d" made by `steward demo` (4 enterprises, 6 weeks), once for the module."""
    data = tmp_path_factory.mktemp("cli_demo") / "data"
    assert main(["--data-dir", str(data), "--profile", "d", "demo", "--enterprises", "4", "--weeks", "6"]) == 0
    return data


@pytest.fixture
def demo_run(run, made_demo: Path, tmp_path: Path):
    """`run` on the test's own copy of the module's demo (the profile "d"): the tests that read, report on or damage a
    demo park start from one made once instead of each making its own."""
    shutil.copytree(made_demo, tmp_path / "data")
    return run


def test_enterprise_visit_photo_round_trip(run, tmp_path: Path) -> None:
    code, out, _ = run("templates", "list")  # a fresh profile comes with the bundled checklists
    assert code == 0 and "craft" in out and "machinery" in out
    code, out, _ = run("templates", "import", str(Path("resources/checklists/craft.yaml").resolve()))
    assert code == 0 and "内容未变" in out
    code, out, _ = run("enterprises", "add", "--name", "仙居县源泉工艺品有限公司", "--credit-code", make_code(5))
    assert code == 0
    ent_id = out.strip()
    code, out, _ = run("enterprises", "list", "--json")
    assert json.loads(out)[0]["id"] == ent_id
    code, out, _ = run("enterprises", "list", "--search", "源泉")
    assert "仙居县源泉工艺品有限公司" in out

    code, out, _ = run("visits", "start", "--enterprise", ent_id, "--kind", "first")
    visit_id = out.strip()
    assert code == 0 and len(visit_id) == 36
    assert json.loads(run("visits", "list", "--json")[1])[0]["item_count"] == 42

    good = write_jpeg(tmp_path / "cam" / "IMG_0001.JPG")
    bad = tmp_path / "cam" / "IMG_0002.JPG"
    bad.write_bytes(b"not a photo")
    code, out, _ = run("photos", "import", "--visit", visit_id, "--item", "B1", str(tmp_path / "cam"))
    assert code == 1  # something was refused
    assert "[1/2] ✓ IMG_0001.JPG" in out and "[2/2] ✗ IMG_0002.JPG" in out
    assert "不是可识别的图片" in out and "导入 1 张" in out
    assert good.exists()


def test_findings_and_figures_on_the_demo(demo_run) -> None:
    run = demo_run  # `steward demo` made it (made_demo asserts its exit code)
    code, out, _ = run("--profile", "d", "findings", "list", "--open", "--json")
    open_rows = json.loads(out)
    assert open_rows and all(r["status"] not in ("rectified", "waived") for r in open_rows)
    overdue = json.loads(run("--profile", "d", "findings", "list", "--overdue", "--json")[1])
    assert overdue and all(r["overdue_days"] > 0 for r in overdue)
    assert len(overdue) < len(open_rows)  # --overdue leaves out the open findings still within their deadline
    figures = json.loads(run("--profile", "d", "figures", "--json")[1])
    assert figures["found"] == figures["rectified"] + figures["waived"] + figures["open"]
    assert "整改率" in run("--profile", "d", "figures", "--by-enterprise")[1]
    assert run("--profile", "d", "demo", "--if-missing")[0] == 0
    code, _, err = run("--profile", "d", "demo")
    assert code == 2 and "已有数据" in err and "already has data" in err
    assert run("--profile", "d", "check")[0] == 0


def test_errors_are_bilingual_and_exit_non_zero(run) -> None:
    code, _, err = run("enterprises", "add", "--name", "某公司", "--credit-code", "123")
    assert code == 2
    assert "错误:统一社会信用代码应为18位" in err and "Error: A unified social credit code has 18" in err
    code, _, err = run("visits", "start", "--enterprise", "nope")
    assert code == 2 and "找不到企业" in err
    code, _, err = run("--profile", "../escape", "enterprises", "list")
    assert code == 2 and "档案名称" in err


def test_check_exit_code_follows_remaining_problems(demo_run, tmp_path: Path) -> None:
    run = demo_run  # a clean demo: test_findings_and_figures_on_the_demo checks a copy of it
    thumbs = tmp_path / "data" / "profiles" / "d" / "photos" / "thumbs"
    next(thumbs.rglob("*.jpg")).unlink()
    orphan = thumbs / "ab" / ("ab" * 32 + ".jpg")
    orphan.parent.mkdir(exist_ok=True)
    orphan.write_bytes(b"orphan")
    code, out, _ = run("--profile", "d", "check")
    assert code == 1 and "残留" in out and "问题" in out
    code, out, _ = run("--profile", "d", "check", "--repair")
    assert code == 0 and "已修复" in out
    assert not orphan.exists()


def test_data_dir_from_environment_as_a_real_process(tmp_path: Path) -> None:
    env = {**os.environ, "STEWARD_DATA_DIR": str(tmp_path / "env-data")}
    done = subprocess.run(
        [sys.executable, "-m", "steward.cli.main", "profiles"], env=env, capture_output=True, text=True, check=True
    )
    assert str(tmp_path / "env-data") in done.stdout
    done = subprocess.run(
        [sys.executable, "-m", "steward.cli.main", "--data-dir", str(tmp_path / "flag"), "templates", "list"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0
    assert (tmp_path / "flag" / "profiles" / "default" / "steward.db").exists()


def test_reports_from_the_command_line(demo_run, tmp_path: Path) -> None:
    run = demo_run
    visits = json.loads(run("--profile", "d", "visits", "list", "--json")[1])
    with_findings = next(v for v in visits if v["new_findings"] and v["status"] == "finished")
    out = tmp_path / "pdf"
    code, message, _ = run(
        "--profile",
        "d",
        "report",
        "notice",
        "--visit",
        with_findings["id"],
        "--copies",
        "2",
        "-o",
        str(out / "notice.pdf"),
    )
    assert code == 0 and "已生成" in message and (out / "notice.pdf").read_bytes()[:5] == b"%PDF-"
    assert run("--profile", "d", "report", "visit", "--visit", visits[0]["id"], "-o", str(out / "v.pdf"))[0] == 0
    assert (
        run(
            "--profile",
            "d",
            "report",
            "ledger",
            "--enterprise",
            with_findings["enterprise_id"],
            "-o",
            str(out / "l.pdf"),
        )[0]
        == 0
    )
    assert run("--profile", "d", "report", "summary", "--from", "2026-01-01", "-o", str(out / "s.pdf"))[0] == 0
    code, message, _ = run("--profile", "d", "report", "batch", "-o", str(out / "batch"))
    assert code == 0 and "已导出" in message and len(list((out / "batch").glob("*.pdf"))) >= len(visits)
    quiet = next(v for v in visits if not v["new_findings"])
    code, _, err = run("--profile", "d", "report", "notice", "--visit", quiet["id"], "-o", str(out / "x.pdf"))
    assert code == 2 and "无需开具整改通知书" in err


def test_settings(run, tmp_path: Path) -> None:
    code, out, _ = run("settings", "set", "firm_name", "仙居绿源环境服务有限公司")
    assert code == 0 and "仙居绿源环境服务有限公司" in out
    assert run("settings", "set", "notice_copies", "3")[0] == 0
    code, _, err = run("settings", "set", "notice_copies", "three")
    assert code == 2 and "整数" in err
    code, _, err = run("settings", "set", "logo_path", str(tmp_path / "missing.png"))
    assert code == 2 and "找不到标志图片" in err
    code, _, err = run("settings", "set", "colour", "red")
    assert code == 2 and "没有名为“colour”的设置" in err


def test_output_redirected_to_a_narrow_code_page_is_utf8_and_never_crashes(tmp_path: Path) -> None:
    """Windows gives redirected output its ANSI code page (GBK); here ASCII stands in for it, narrower still."""
    env = {**os.environ, "PYTHONIOENCODING": "ascii"}
    done = subprocess.run(
        [sys.executable, "-m", "steward.cli.main", "--data-dir", str(tmp_path), "templates", "list"],
        env=env,
        capture_output=True,
    )
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    assert "工艺品" in done.stdout.decode("utf-8")


def test_templates_show_prints_each_items_default_wording(run) -> None:
    code, out, _ = run("templates", "show", "craft")
    assert code == 0
    assert (
        "B2 [较重]" in out
        and "问题描述:喷漆房门窗未密闭" in out
        and "依据:《中华人民共和国大气污染防治法》第四十五条" in out
    )
    code, out, _ = run("templates", "show", "craft", "--json")
    data = json.loads(out)
    assert data["version"] == 1 and len(data["items"]) == 42 and all(i["requirement"] for i in data["items"])
    code, _, err = run("templates", "show", "craft", "--version", "9")
    assert code != 0 and "没有第9版" in err


def test_a_second_visit_in_progress_is_refused_or_the_draft_continued(run) -> None:
    _code, out, _ = run("enterprises", "add", "--name", "仙居县源泉工艺品有限公司", "--credit-code", make_code(6))
    ent_id = out.strip()
    code, out, _ = run("visits", "start", "--enterprise", ent_id, "--kind", "first")
    assert code == 0
    draft_id = out.strip()
    code, out, err = run("visits", "start", "--enterprise", ent_id, "--kind", "routine")
    assert code == 2 and out == ""
    assert "已有一次未完成的巡查" in err and "already has a visit in progress" in err
    code, out, _ = run("visits", "start", "--enterprise", ent_id, "--resume")
    assert (code, out.strip()) == (0, draft_id)
    code, out, _ = run("visits", "list", "--status", "in_progress", "--json")
    assert [v["id"] for v in json.loads(out)] == [draft_id]


def test_a_hub_server_loads_none_of_the_laptops_services(tmp_path: Path) -> None:
    """`steward hub serve` and each worker process uvicorn starts for it import steward.cli.main, the hub's commands
    and its app, and nothing of the laptop: no keychain, no HEIF plug-in, no PDF writer, no Qt (half a second of
    start-up a process, and libraries a server need not have working). Checked in a fresh interpreter, where nothing
    was imported before."""
    laptop_only = ("steward.services", "steward.ui", "keyring", "pillow_heif", "reportlab", "PySide6", "openpyxl")
    probe = (
        "import sys, json\n"
        "from steward.cli import main\n"
        "main.build_parser().parse_args(['hub', 'serve', '--data-dir', 'x'])\n"
        "import steward.cli.hub_commands, steward.hub.app\n"
        f"print(json.dumps(sorted(m for m in sys.modules if m.startswith({laptop_only!r}))))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=tmp_path, check=True)
    assert json.loads(done.stdout) == []
