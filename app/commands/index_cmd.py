"""`flask --app app index rebuild|verify|sync`: the FAISS indexes of open jobs and seeking workers.

- ``index rebuild``: rebuild both indexes from the store (texts through the embedding cache, so only
  never-seen texts are encoded; a progress bar on stderr) and save them in ``TONGBANG_DATA_DIR/index/``.
- ``index verify``: check both index files against their stamps and the store; a missing, stale or
  corrupt index is rebuilt (or rewritten) on the spot. Prints counts, stamps and what was found.
  Exit status: 0 when everything was already in order, **2 when something had to be repaired** (it is
  in order now; the non-zero status lets cron or monitoring notice that files went bad), 1 on an error.
- ``index sync``: apply rows changed since the last sync now (after a big import, so the texts are
  encoded here with a progress bar rather than during the next search).
"""
from __future__ import annotations

import click
from flask.cli import AppGroup

from app.database import get_db

cli = AppGroup("index", help="岗位与求职者向量索引（FAISS）：重建、校验、同步。")

_KIND_LABEL = {"jobs": "在招岗位", "workers": "求职者"}
_STATUS_LABEL = {"ok": "正常", "missing": "缺失", "stale": "过期", "corrupt": "损坏"}


@cli.command("rebuild")
@click.option("--progress/--no-progress", default=True, show_default=True, help="显示编码进度条（stderr）。")
def rebuild(progress: bool) -> None:
    """从数据库重建岗位索引和求职者索引，并保存到数据目录。"""
    from matching.index import rebuild_all

    result = rebuild_all(get_db(), progress=progress)
    for kind, info in result.items():
        click.echo(f"{_KIND_LABEL[kind]}索引已重建：{info['count']} 条，{info['backend']}，用时 {info['seconds']:.1f} 秒")


@cli.command("verify")
@click.option("--progress/--no-progress", default=True, show_default=True, help="显示编码进度条（stderr）。")
def verify(progress: bool) -> None:
    """校验索引文件与数据库是否一致；缺失、过期或损坏的索引当场修复。修复过则退出码为 2。"""
    from matching.index import verify_all

    report = verify_all(get_db(), progress=progress)
    repaired = False
    for kind, info in report.items():
        status = _STATUS_LABEL.get(info["status"], info["status"])
        click.echo(f"{_KIND_LABEL[kind]}索引：{status}"
                   + (f"（{info['reason']}）已修复" if info["repaired"] else ""))
        click.echo(f"  索引 {info['count']} 条 / 数据库 {info['store_count']} 条；{info['backend']}；"
                   f"模型 {info['model_id']}（{info['dim']} 维）；已同步到版本 {info['max_rev']}")
        stamp = info.get("stamp") or {}
        click.echo(f"  标记：{stamp.get('count')} 条，版本 {stamp.get('max_rev')}，"
                   f"校验和 {str(stamp.get('checksum'))[:16]}…，保存于 {stamp.get('saved_at')}")
        if info["count"] != info["store_count"]:
            click.echo("  警告：修复后条数仍与数据库不同，请运行 flask --app app index rebuild", err=True)
            raise click.exceptions.Exit(1)
        repaired = repaired or info["repaired"]
    if repaired:
        raise click.exceptions.Exit(2)


@cli.command("sync")
@click.option("--progress/--no-progress", default=True, show_default=True, help="显示编码进度条（stderr）。")
def sync(progress: bool) -> None:
    """把数据库中新增、修改、关闭的记录同步到索引（大批量导入后运行）。"""
    from matching.index import get_index, sync_all

    db = get_db()
    changed = sync_all(db, progress=progress)
    for kind, count in changed.items():
        index = get_index(db, kind)
        index.index.save()
        click.echo(f"{_KIND_LABEL[kind]}索引：同步 {count} 条变更，现有 {len(index)} 条")
