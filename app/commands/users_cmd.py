"""`flask --app app users create|list|scope|password|disable`: accounts from the command line (the first
staff and admin accounts are made here).

A staff account needs an explicit scope: ``--counties`` (partner counties, written as people write them:
酉阳, 酉阳县, 重庆市酉阳县; stored as the official name) and/or ``--cities`` (Shandong cities: 青岛, 青岛市);
``*`` or 全部 means all of them. ``models.people.users.normalise_scope`` resolves them and refuses, with the
reason, a name that is no county or no Shandong city.
"""
from __future__ import annotations

import click
from flask.cli import AppGroup

from app.database import get_db
from models.hiring.jobs import get_job_by_external_id
from models.people import users
from models.people.employers import get_employer_by_name
from models.people.workers import get_worker_by_external_id

cli = AppGroup("users", help="账号管理：创建、列出、负责范围、改密码、停用。")

_COUNTIES_HELP = "工作人员负责的区县，逗号或顿号分隔（如：酉阳,东乡族自治县）；* 或 全部 = 所有区县"
_CITIES_HELP = "工作人员负责的山东城市，逗号或顿号分隔（如：青岛,烟台）；* 或 全部 = 所有城市"


def _fail(exc: users.UserError) -> click.ClickException:
    return click.ClickException(f"{exc.field}: {exc}" if exc.field else str(exc))


@cli.command("create")
@click.option("--role", type=click.Choice(users.ROLES), required=True, help="worker/employer/staff/admin")
@click.option("--username", required=True, help="登录名（可以用手机号）")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True, help="至少8位（工作人员和管理员至少12位），不能是常见密码")
@click.option("--name", "display_name", help="显示名称")
@click.option("--worker", "worker_external_id", help="求职者编号（role=worker 时必填）")
@click.option("--employer", "employer_name", help="单位名称（role=employer 时必填）")
@click.option("--counties", help=_COUNTIES_HELP)
@click.option("--cities", help=_CITIES_HELP)
def create(role, username, password, display_name, worker_external_id, employer_name, counties, cities):
    """Create an account."""
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
        user_id = users.create_user(db, username, password, role, display_name=display_name, worker_id=worker_id,
                                    employer_id=employer_id, scope_counties=counties, scope_cities=cities)
    except users.UserError as exc:
        raise _fail(exc) from None
    click.echo(f"已创建账号 {username}（{users.ROLE_LABELS[role]}，id={user_id}）{_scope_text(users.get_user(db, user_id))}")


def _scope_text(user: dict) -> str:
    if user["role"] != "staff":
        return ""
    counties = "、".join(user["scope_counties"]) or "无"
    cities = "、".join(user["scope_cities"]) or "无"
    return f"；负责区县：{counties.replace('*', '全部')}；负责城市：{cities.replace('*', '全部')}"


@cli.command("list")
@click.option("--role", type=click.Choice(users.ROLES))
def list_(role):
    """List accounts."""
    for u in users.list_users(get_db(), role):
        click.echo(f"{u['id']:>5}  {u['username']:<20} {users.ROLE_LABELS[u['role']]:<6} "
                   f"{'启用' if u['active'] else '停用'}{_scope_text(u)}")


@cli.command("scope")
@click.argument("username")
@click.option("--counties", help=_COUNTIES_HELP)
@click.option("--cities", help=_CITIES_HELP)
def scope(username, counties, cities):
    """Replace a staff account's counties and cities."""
    db = get_db()
    user = users.get_user_by_username(db, username)
    if user is None:
        raise click.ClickException(f"找不到账号 {username}")
    try:
        user = users.set_scope(db, user["id"], counties, cities)
    except users.UserError as exc:
        raise _fail(exc) from None
    click.echo(f"已更新 {username}{_scope_text(user)}")


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
    click.echo("密码已更新；该账号在所有浏览器上的登录都已失效。")


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
