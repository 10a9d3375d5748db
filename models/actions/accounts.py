"""Actions on one's own account: register as a worker, change the password, end every session.

The rules, each in one place:

- **Register** (``register_worker``): only someone not signed in; a phone that already belongs to an account or
  to a worker's record cannot be registered again (the message sends the person to staff, who check who they
  are and open the account on the existing record); the new worker gets a 编号 ``SELF-YYYYMMDD-NNNN`` that
  holds no personal data. The only door is the registration page (the API is for token holders).
- **Change the password** (``change_password``): any signed-in account, for itself, after giving the current
  password; the new one follows the policy of ``models.people.users.check_password`` (stronger for staff and
  admins). Changing it ends every browser session of the account, the one that changed it included.
- **End every session** (``end_sessions``): signing out ends every browser session of the account on every
  device (its ``session_version`` goes up); the API's "sign out everywhere" does the same. API tokens are
  not sessions: they stay until revoked (``/api/v1/tokens``).

Every refusal is an ``ActionError``; a wrong current password is ``invalid`` on ``current_password``.
"""
from __future__ import annotations

from typing import Any

from models import access
from models.errors import forbidden, invalid
from models.people import users


def _signed_in(actor: Any) -> int:
    user_id = access.user_id(actor)
    if user_id is None or access.role(actor) not in users.ROLES:
        raise forbidden("请先登录。")
    return user_id


def register_worker(db, actor: Any, record: dict, password: str) -> dict:
    """A worker's own registration with phone + password (``actor`` is the anonymous visitor). Returns
    ``{"user_id", "worker_id", "external_id"}``. Raises ``conflict`` on ``phone`` when the phone is taken."""
    if access.role(actor) is not None:
        raise forbidden("您已登录，不能再注册新账号。")
    user_id, worker_id = users.register_worker(db, record, password)
    row = db.execute("SELECT external_id FROM workers WHERE id = ?", (worker_id,)).fetchone()
    return {"user_id": user_id, "worker_id": worker_id, "external_id": row[0]}


def change_password(db, actor: Any, current_password: str, new_password: str) -> dict:
    """The signed-in account changes its own password; every session of it ends. Returns the account."""
    user_id = _signed_in(actor)
    user = users.get_user(db, user_id)
    if user is None or not user["active"]:
        raise forbidden("请先登录。")
    if users.authenticate(db, user["username"], current_password or "") is None:
        raise invalid("当前密码不对。", "current_password")
    if current_password == new_password:
        raise invalid("新密码不能和当前密码相同。", "new_password")
    try:
        users.set_password(db, user_id, new_password, by=user_id)
    except users.UserError as exc:
        raise invalid(exc.message, "new_password") from None
    return users.get_user(db, user_id)


def end_sessions(db, actor: Any) -> int:
    """End every browser session of the signed-in account (sign out everywhere). Returns the new version."""
    return users.end_sessions(db, _signed_in(actor))
