"""`flask --app app users create|list|password|disable`: accounts from the command line (the first
staff and admin accounts are made here)."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from app.database import get_db
from models.hiring.jobs import get_job_by_external_id
from models.people import users
from models.people.workers import get_worker_by_external_id

cli = AppGroup("users", help="账号管理：创建、列出、改密码、停用。")


def _split(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").replace("，", ",").replace("、", ",").split(",") if v.strip()]


@cli.command("create")
@click.option("--role", type=click.Choice(users.ROLES), required=True, help="worker/employer/staff/admin")
@click.option("--username", required=True, help="登录名（可以用手机号）")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True, help="至少8位")
@click.option("--name", "display_name", help="显示名称")
@click.option("--worker", "worker_external_id", help="求职者编号（role=worker 时必填）")
@click.option("--employer", "employer_name", help="单位名称（role=employer 时必填）")
@click.option("--counties", help="工作人员负责的区县，逗号分隔（默认全部）")
@click.option("--cities", help="工作人员负责的山东城市，逗号分隔（默认全部）")
def create(role, username, password, display_name, worker_external_id, employer_name, counties, cities):
    """Create an account."""
    from models.intake.validation import normalise_city as resolve_shandong_city
    from models.people.employers import get_employer_by_name

    db = get_db()
    worker_id = employer_id = None
    if worker_external_id:
        worker = get_worker_by_external_id(db, worker_external_id)
        if worker is None:
            raise click.ClickException(f"找不到求职者 {worker_external_id}")
        worker_id = worker["id"]
    if employer_name:
        employer = get_employer_by_name(db, employer_name)
        if employer is None:
            job = get_job_by_external_id(db, employer_name)
            employer = {"id": job["employer_id"]} if job else None
        if employer is None:
            raise click.ClickException(f"找不到用人单位 {employer_name}")
        employer_id = employer["id"]
    try:
        scope_cities = [resolve_shandong_city(c) for c in _split(cities)]
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    try:
        user_id = users.create_user(db, username, password, role, display_name=display_name, worker_id=worker_id,
                                    employer_id=employer_id, scope_counties=_split(counties),
                                    scope_cities=scope_cities)
    except users.UserError as exc:
        raise click.ClickException(f"{exc.field}: {exc}") from None
    click.echo(f"已创建账号 {username}（{users.ROLE_LABELS[role]}，id={user_id}）")


@cli.command("list")
@click.option("--role", type=click.Choice(users.ROLES))
def list_(role):
    """List accounts."""
    for u in users.list_users(get_db(), role):
        scope = "、".join(u["scope_counties"] + u["scope_cities"]) or "-"
        click.echo(f"{u['id']:>5}  {u['username']:<20} {users.ROLE_LABELS[u['role']]:<6} "
                   f"{'启用' if u['active'] else '停用'}  范围:{scope}")


@cli.command("password")
@click.argument("username")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
def password_(username, password):
    """Set a new password."""
    db = get_db()
    user = users.get_user_by_username(db, username)
    if user is None:
        raise click.ClickException(f"找不到账号 {username}")
    try:
        users.set_password(db, user["id"], password)
    except users.UserError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo("密码已更新")


@cli.command("disable")
@click.argument("username")
def disable(username):
    """Disable an account (its API tokens stop working too)."""
    db = get_db()
    user = users.get_user_by_username(db, username)
    if user is None:
        raise click.ClickException(f"找不到账号 {username}")
    users.set_active(db, user["id"], False)
    click.echo(f"已停用 {username}")
