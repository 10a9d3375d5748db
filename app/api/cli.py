"""``flask --app app api token create USERNAME | revoke ID | list [USERNAME]``: manage API tokens.

The plain token is printed once, at creation; only its SHA-256 hash is kept.
"""
from __future__ import annotations

import click

from app.api import bp
from app.database import get_db
from models.people.api_tokens import create_token, list_tokens, revoke_token, user_id_for_username


@bp.cli.group("token")
def token_cli() -> None:
    """API 令牌：创建、撤销、列出。"""


@token_cli.command("create")
@click.argument("username")
@click.option("--name", default=None, help="令牌用途说明，例如“区县对接脚本”。")
def create_command(username: str, name: str | None) -> None:
    """为用户 USERNAME 创建 API 令牌（令牌只显示这一次）。"""
    db = get_db()
    user_id = user_id_for_username(db, username)
    if user_id is None:
        raise click.ClickException(f"用户 {username} 不存在。")
    token_id, plain = create_token(db, user_id, name)
    click.echo(f"已创建令牌 #{token_id}（用户 {username}）。请立即保存，之后无法再次查看：")
    click.echo(plain)


@token_cli.command("revoke")
@click.argument("token_id", type=int)
def revoke_command(token_id: int) -> None:
    """撤销编号为 TOKEN_ID 的令牌。"""
    if not revoke_token(get_db(), token_id):
        raise click.ClickException(f"令牌 #{token_id} 不存在或已撤销。")
    click.echo(f"已撤销令牌 #{token_id}。")


@token_cli.command("list")
@click.argument("username", required=False)
def list_command(username: str | None) -> None:
    """列出令牌（不含令牌本身）；给出 USERNAME 时只列该用户的。"""
    db = get_db()
    user_id = None
    if username:
        user_id = user_id_for_username(db, username)
        if user_id is None:
            raise click.ClickException(f"用户 {username} 不存在。")
    tokens = list_tokens(db, user_id)
    if not tokens:
        click.echo("没有令牌。")
        return
    for t in tokens:
        state = "有效" if t["active"] else f"已撤销 {t['revoked_at']}"
        click.echo(f"#{t['id']}\t{t['username']}\t{t['name'] or '-'}\t创建 {t['created_at']}\t"
                   f"最近使用 {t['last_used_at'] or '-'}\t{state}")
