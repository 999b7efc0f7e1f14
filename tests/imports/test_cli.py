"""``chang-shan import`` as an administrator runs it: a real process, the problems printed with
sheet, row and column, exit 2 and nothing written when there are any; --dry-run writes nothing;
--template writes the template."""

from __future__ import annotations

from pathlib import Path

from chang_shan.db.database import Database
from chang_shan.paths import DataDir
from tests.exports.test_cli import chang_shan, data, one_line  # noqa: F401 - the fixture
from tests.imports.books import NEW_HEAD_ID, good_rows, state, write_book


def db_state(folder: Path) -> tuple:
    """The residents and households (the journal grows by the sign-in's audit entry)."""
    with Database.open_existing(DataDir(folder)) as db:
        return state(db)[:2]


def test_problems_are_printed_with_sheet_row_and_column_and_nothing_is_written(data, tmp_path):  # noqa: F811
    rows = good_rows()
    rows[1][2] = "男士"
    path = write_book(tmp_path / "bad.xlsx", rows)
    before = db_state(data)
    result = chang_shan("--data-dir", str(data), "import", str(path), user="admin")
    assert result.returncode == 2
    assert result.stdout.splitlines() == ["居民\t第 3 行\tC 列（性别）\t未知的性别“男士”：应为 男 或 女（代码 1 或 2）。"]
    assert one_line(result.stderr) == "发现 1 个问题，未导入任何数据。请改正表格后重试。"
    assert db_state(data) == before


def test_dry_run_then_import_then_nothing_left_to_do(data, tmp_path):  # noqa: F811
    path = write_book(tmp_path / "ok.xlsx", good_rows())
    before = db_state(data)
    dry = chang_shan("--data-dir", str(data), "import", str(path), "--dry-run", user="admin")
    assert (dry.returncode, one_line(dry.stdout)) == (
        0, "检查通过（未写入）。工作表“居民”，表头在第 1 行：新登记 2 人，更正 0 人，无变化 0 人，新建户 0 户。")
    assert db_state(data) == before
    done = chang_shan("--data-dir", str(data), "import", str(path), user="admin")
    assert (done.returncode, one_line(done.stdout)) == (0, "已导入：新登记居民 2 人，更正 0 人，0 人无变化；新建户 0 户。")
    after = db_state(data)
    assert NEW_HEAD_ID in {row.id_number for row in after[0]}
    again = chang_shan("--data-dir", str(data), "import", str(path), user="admin")
    assert (again.returncode, one_line(again.stdout)) == (0, "已导入：新登记居民 0 人，更正 0 人，2 人无变化；新建户 0 户。")
    assert db_state(data) == after


def test_map_sheet_template_and_bad_input(data, tmp_path):  # noqa: F811
    headers = ("姓名", "身份证号码", "性别", "出生日期", "民族", "与户主关系", "手机号", "楼号", "单元", "位置", "人员类型", "备注")
    path = write_book(tmp_path / "mapped.xlsx", good_rows(), headers=headers, sheet="花名册")
    mapped = chang_shan("--data-dir", str(data), "import", str(path), "--dry-run", "--sheet", "花名册",
                        "--map", "位置=房号", user="admin")
    assert (mapped.returncode, mapped.stdout.startswith("检查通过")) == (0, True)
    missing = chang_shan("--data-dir", str(data), "import", str(path), "--sheet", "居民", user="admin")
    assert (missing.returncode, one_line(missing.stderr)) == (2, "chang-shan: 工作簿中没有名为“居民”的工作表；有：花名册。")
    bad_map = chang_shan("--data-dir", str(data), "import", str(path), "--map", "位置", user="admin")
    assert bad_map.returncode == 2 and "--map 应写成 列名=字段" in bad_map.stderr
    template = chang_shan("--data-dir", str(data), "import", str(tmp_path / "模板.xlsx"), "--template")
    assert template.returncode == 0 and (tmp_path / "模板.xlsx").exists()
    reader = chang_shan("--data-dir", str(data), "import", str(path), "--map", "位置=房号", user="reader")
    assert reader.returncode == 2 and "没有" in reader.stderr
