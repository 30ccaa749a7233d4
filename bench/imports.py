"""The register import in the benchmark (issue 19): a generated register of N rows (CP932 CSV, as a Japanese
spreadsheet writes it: 和暦 and Western dates, full-width digits, hiragana readings, whole names and addresses) is
received, checked (a dry run), imported (whole file) and imported again (nothing changes), each step timed, in a
process of its own so that its peak memory is the import's alone. Target: 100,000 rows checked and imported in
≤ 60 s on 2 cores, peak memory < 500 MB."""

import random
import time
from pathlib import Path

from bench.child import ChildFailed, run_child

FAMILY = [
    ("山田", "やまだ"),
    ("佐藤", "サトウ"),
    ("鈴木", "ｽｽﾞｷ"),
    ("高橋", "タカハシ"),
    ("田中", "たなか"),
    ("伊藤", "イトウ"),
    ("渡辺", "ワタナベ"),
    ("中村", "なかむら"),
    ("小林", "コバヤシ"),
    ("加藤", "カトウ"),
    ("髙橋", "タカハシ"),
    ("吉田", "ヨシダ"),
]
GIVEN = [
    ("太郎", "タロウ"),
    ("花子", "はなこ"),
    ("一郎", "イチロウ"),
    ("美咲", "ミサキ"),
    ("健一", "ケンイチ"),
    ("陽子", "ようこ"),
    ("翔太", "ショウタ"),
    ("結衣", "ユイ"),
    ("大輔", "ダイスケ"),
    ("恵子", "ケイコ"),
]
TOWNS = ["中央町", "桜町", "幸町", "松原町", "大町", "南町", "平畑", "古間木"]
HEADERS = ["旧番号", "氏名", "フリガナ", "生年月日", "性別", "〒", "住所", "電話", "加入日"]


def _digits_full(text: str) -> str:
    return text.translate(str.maketrans("0123456789-", "０１２３４５６７８９－"))


def write_register(path: Path, rows: int, seed: int, prefix: str) -> None:
    rng = random.Random(seed)
    with path.open("w", encoding="cp932", newline="") as out:
        out.write(",".join(HEADERS) + "\r\n")
        for i in range(rows):
            family, given = rng.choice(FAMILY), rng.choice(GIVEN)
            year, month, day = rng.randint(1935, 2005), rng.randint(1, 12), rng.randint(1, 28)
            born = f"S{year - 1925}.{month}.{day}" if year < 1989 else f"{year}/{month:02d}/{day:02d}"
            postal = f"033-{rng.randint(0, 99):04d}"
            street = f"{rng.choice(TOWNS)}{rng.randint(1, 5)}-{rng.randint(1, 40)}-{rng.randint(1, 20)}"
            row = [
                f"{prefix}{i:06d}",
                f"{family[0]}　{given[0]}",
                f"{family[1]} {given[1]}",
                born,
                rng.choice(["男", "女", ""]),
                _digits_full(postal) if i % 3 == 0 else postal,
                ("青森県三沢市" if i % 2 else "") + (_digits_full(street) if i % 5 == 0 else street),
                f"0176-5{rng.randint(0, 9)}-{rng.randint(0, 9999):04d}",
                f"H{rng.randint(2, 30)}.4.1",
            ]
            out.write(",".join(row) + "\r\n")


IMPORT_SCRIPT = r"""
from pathlib import Path
from django.conf import settings
from privacy.models import User
from subscribers.imports.models import ImportProfile
from subscribers.imports.services import register_import_receive, register_import_start


settings.REGISTER_IMPORTS_DIR = Path(sys.argv[4])
settings.REGISTER_IMPORT_SYNC_MAX_ROWS = 10**9  # in this process, as the command runs it
path = Path(sys.argv[3])
user = User.objects.filter(is_superuser=True).first()
profile = ImportProfile.objects.get(name="標準")
baseline = high_water_mb()
result = {"rows": None, "baseline_rss_mb": round(baseline, 1)}

def chunks():
    with path.open("rb") as stream:
        while chunk := stream.read(1 << 20):
            yield chunk

def step(name, fn):
    started = time.perf_counter()
    value = fn()
    result[name + "_s"] = round(time.perf_counter() - started, 2)
    return value

for run in ("first", "again"):
    imp = step(run + "_receive", lambda: register_import_receive(user=user, name=path.name, chunks=chunks(),
                                                                 profile=profile, mode="whole_file"))
    result["rows"] = imp.rows_total
    if run == "first":
        checked = step("check", lambda: register_import_start(imp=imp, action="check", user=user))
        result["check"] = {"status": checked.status, "problems": len(checked.problems),
                           "duplicates": len(checked.duplicates)}
    done = step(run + "_import", lambda: register_import_start(imp=imp, action="import", user=user))
    result[run] = {"status": done.status, "created": done.created_count, "updated": done.updated_count,
                   "unchanged": done.unchanged_count, "refused": done.refused_count}
result["peak_rss_mb"] = round(high_water_mb(), 1)
print(json.dumps(result))
"""


def measure_imports(database_url: str, sizes: tuple[int, ...], workdir: Path) -> dict:
    from django.contrib.auth import get_user_model

    if not get_user_model().objects.filter(is_superuser=True).exists():
        get_user_model().objects.create_superuser("bench-admin", password=None)
    workdir.mkdir(parents=True, exist_ok=True)
    results = {}
    for rows in sizes:
        path = workdir / f"register-{rows}.csv"
        write_register(path, rows, seed=rows, prefix=f"B{int(time.time()) % 100000:05d}-")
        try:
            row = run_child(IMPORT_SCRIPT, database_url, str(path), str(workdir / "uploads"))
        except ChildFailed as error:
            results[f"{rows}_rows"] = {"error": str(error)}
            continue
        row["file_mb"] = round(path.stat().st_size / 2**20, 1)
        checked_and_imported = row["check_s"] + row["first_import_s"]
        row["check_plus_import_s"] = round(checked_and_imported, 2)
        row["rows_per_s_import"] = round(rows / row["first_import_s"]) if row["first_import_s"] else None
        results[f"{rows}_rows"] = row
        path.unlink(missing_ok=True)
    return results
