"""Who may see or change what: the one place for access rules, used by the pages AND the API.

Every function takes the acting ``user`` as a dict (a ``users`` row) or an object with the same
attributes (a Flask-Login user): ``id``, ``role``, ``worker_id``, ``employer_id``, ``scope_counties``,
``scope_cities``. Records are dicts as the store returns them.

Roles: ``worker`` sees and applies as themself; ``employer`` manages their own employer's postings and
the applications to them; ``staff`` manage workers, jobs, applications and placements, optionally limited
to partner counties (workers' 户籍区县) or Shandong cities (``scope_counties`` / ``scope_cities``; none
set = everything); ``admin`` may do everything.

Personal data: how much of a worker a user sees is :func:`worker_visibility`; :func:`present_worker`
applies it. Full ID numbers only ever for staff/admin on an explicit, audit-logged reveal.

(Created by the API engineer because the API needed it first; WEB owns and extends this module.)
"""
from __future__ import annotations

import json
from typing import Any

from models.people.pii import mask_phone

STAFF_ROLES = frozenset({"staff", "admin"})

#: Levels of :func:`worker_visibility`, least to most.
HIDDEN, MASKED, CONTACT, FULL = "hidden", "masked", "contact", "full"


def _get(obj: Any, key: str, default: Any = None) -> Any:
    if obj is None:
        return default
    if isinstance(obj, dict):
        return obj.get(key, default)
    return getattr(obj, key, default)


def _as_list(value: Any) -> list[str]:
    if not value:
        return []
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            value = value.replace("，", ",").split(",")
    return [str(v).strip() for v in value if str(v).strip()]


def role(user: Any) -> str | None:
    """The user's role, or None for anonymous."""
    return _get(user, "role")


def is_staff(user: Any) -> bool:
    """Staff or admin."""
    return role(user) in STAFF_ROLES


def is_admin(user: Any) -> bool:
    return role(user) == "admin"


# --- staff scope ------------------------------------------------------------------------------------

def staff_scope(user: Any) -> tuple[list[str], list[str]] | None:
    """``(counties, cities)`` a staff member is limited to, or None when they see everything."""
    if is_admin(user):
        return None
    counties, cities = _as_list(_get(user, "scope_counties")), _as_list(_get(user, "scope_cities"))
    if not counties and not cities:
        return None
    return counties, cities


def staff_covers_worker(user: Any, worker: dict) -> bool:
    """Staff/admin whose scope includes this worker (户籍区县 in their counties, or a desired city in
    their cities; a worker who wants "anywhere" counts for every city)."""
    if not is_staff(user):
        return False
    scope = staff_scope(user)
    if scope is None:
        return True
    counties, cities = scope
    if worker.get("hukou_county") in counties or worker.get("hukou_county_code") in counties:
        return True
    if cities:
        desired = _as_list(worker.get("desired_cities"))
        return not desired or any(c in cities for c in desired)
    return False


def staff_covers_job(user: Any, job: dict) -> bool:
    """Staff/admin whose scope includes this posting's city (county-only scopes see every posting)."""
    if not is_staff(user):
        return False
    scope = staff_scope(user)
    if scope is None:
        return True
    _counties, cities = scope
    return not cities or job.get("city") in cities


# --- workers ----------------------------------------------------------------------------------------

def is_own_worker(user: Any, worker: dict) -> bool:
    """The user is this worker's own account."""
    return role(user) == "worker" and _get(user, "worker_id") is not None \
        and _get(user, "worker_id") == worker.get("id")


def worker_visibility(user: Any, worker: dict, *, related_to_employer: bool = False) -> str:
    """How much of ``worker`` the user may see:

    - ``full``: staff/admin in scope — everything but the full ID (see :func:`can_reveal_id`);
    - ``contact``: the worker themself; an employer the worker applied to or was recommended to
      (``related_to_employer``, see ``models.hiring.applications``) — name and phone, masked ID;
    - ``masked``: any other employer, while the worker is seeking — no name, masked phone and ID;
    - ``hidden``: everyone else (other workers, employers once the worker stopped seeking).
    """
    if staff_covers_worker(user, worker):
        return FULL
    if is_own_worker(user, worker):
        return CONTACT
    if role(user) == "employer" and _get(user, "employer_id") is not None:
        if related_to_employer:
            return CONTACT
        if worker.get("seeking", 1):
            return MASKED
    return HIDDEN


def can_view_worker(user: Any, worker: dict, *, related_to_employer: bool = False) -> bool:
    """May the user open this worker's record at all (possibly masked)?"""
    return worker_visibility(user, worker, related_to_employer=related_to_employer) != HIDDEN


def can_edit_worker(user: Any, worker: dict | None = None) -> bool:
    """Create (``worker`` None) or edit a worker record: staff/admin, within their scope."""
    if worker is None:
        return is_staff(user)
    return staff_covers_worker(user, worker)


def can_reveal_id(user: Any, worker: dict) -> bool:
    """May see the full resident ID number (each view must be audit-logged): staff/admin in scope."""
    return staff_covers_worker(user, worker)


def mask_name(name: str | None) -> str:
    """``张三丰`` → ``张**``."""
    if not name:
        return ""
    return name[0] + "*" * max(len(name) - 1, 1)


#: Fields shown at the ``masked`` level (everything else is dropped).
_MASKED_FIELDS = (
    "id", "external_id", "gender", "birth_year", "hukou_province", "education", "skills", "certificates",
    "experience", "desired_jobs", "desired_cities", "expected_salary", "needs", "seeking",
)


def present_worker(worker: dict, level: str) -> dict | None:
    """A copy of ``worker`` reduced to what ``level`` allows (never the full ID); None when hidden."""
    if level == HIDDEN:
        return None
    shown = {k: v for k, v in worker.items() if k not in ("id_number", "id_number_enc", "id_hash")}
    if level == MASKED:
        shown = {k: worker.get(k) for k in _MASKED_FIELDS if k in worker}
        shown["name"] = mask_name(worker.get("name"))
        shown["phone"] = mask_phone(worker.get("phone"))
        shown["id_masked"] = worker.get("id_masked") or ""
    return shown


# --- jobs -------------------------------------------------------------------------------------------

def owns_job(user: Any, job: dict) -> bool:
    """The user is an employer account of the posting's employer."""
    return role(user) == "employer" and _get(user, "employer_id") is not None \
        and _get(user, "employer_id") == job.get("employer_id")


def can_view_job(user: Any, job: dict) -> bool:
    """Open postings: every signed-in user. Closed or filled: their employer and staff/admin."""
    if role(user) is None:
        return False
    if job.get("status") == "open":
        return True
    return owns_job(user, job) or is_staff(user)


def can_create_job(user: Any) -> bool:
    """Employers (for their own employer) and staff/admin."""
    return is_staff(user) or (role(user) == "employer" and _get(user, "employer_id") is not None)


def can_edit_job(user: Any, job: dict) -> bool:
    """Edit, close or reopen a posting: its employer, or staff/admin in scope."""
    return owns_job(user, job) or staff_covers_job(user, job)


def can_view_candidates(user: Any, job: dict) -> bool:
    """Ranked candidates for a posting: its employer and staff/admin."""
    return owns_job(user, job) or (is_staff(user) and staff_covers_job(user, job))


def can_view_matches_for_worker(user: Any, worker: dict) -> bool:
    """Ranked jobs for a worker: the worker and staff/admin in scope."""
    return is_own_worker(user, worker) or staff_covers_worker(user, worker)


# --- applications -----------------------------------------------------------------------------------

def can_apply(user: Any, worker: dict) -> bool:
    """A worker applies only as themself."""
    return is_own_worker(user, worker)


def can_recommend(user: Any, worker: dict) -> bool:
    """Staff recommend (推荐) a job to a worker in their scope."""
    return staff_covers_worker(user, worker)


def can_view_application(user: Any, application: dict, job: dict, worker: dict) -> bool:
    """The applicant, the posting's employer, staff/admin in scope."""
    return is_own_worker(user, worker) or owns_job(user, job) or staff_covers_worker(user, worker) \
        or (is_staff(user) and staff_covers_job(user, job))


def can_update_application(user: Any, application: dict, job: dict, worker: dict) -> bool:
    """Move an application along its pipeline: the posting's employer and staff/admin in scope."""
    return owns_job(user, job) or staff_covers_worker(user, worker) \
        or (is_staff(user) and staff_covers_job(user, job))


# --- placements -------------------------------------------------------------------------------------

def can_create_placement(user: Any) -> bool:
    """Record a placement directly (also one found outside the platform): staff/admin."""
    return is_staff(user)


def can_view_placement(user: Any, placement: dict, worker: dict) -> bool:
    """The worker, the employer the worker works for, staff/admin in scope."""
    if is_own_worker(user, worker):
        return True
    if role(user) == "employer" and _get(user, "employer_id") is not None:
        return placement.get("employer_id") == _get(user, "employer_id")
    return staff_covers_worker(user, worker) or (
        is_staff(user) and staff_covers_job(user, {"city": placement.get("city")}))
