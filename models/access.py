"""Who may see or change what: the one place for access rules. Every door (pages, API, ledger imports,
reports, CLI, scheduler) asks here, through the domain actions of ``models.actions``.

Every function takes the acting ``user``: a ``users`` row (dict), an object with the same attributes (the
Flask-Login user), or :data:`SYSTEM` (the scheduler and the server's own command line, which act for the
whole programme). Records are dicts as the store returns them.

Roles: ``worker`` acts as themself; ``employer`` manages their own employer's postings and the applications
to them; ``staff`` work within their :class:`Scope`; ``admin`` (and ``SYSTEM``) may do everything.

Staff scope, defined once here as a predicate (``covers_*``) and as a SQL condition (``*_sql``) so lists are
filtered in the database:

- **Partner-county staff** (``scope_counties``, the counties' official names or codes) cover the workers whose
  户籍区县 is one of their counties, and those workers' applications, placements and follow-ups.
- **Shandong city staff** (``scope_cities``, short names such as 青岛) cover the postings and employers in their
  cities, the applications to those postings, and the placements in those cities.
- ``*`` in a list (``--counties '*'``) means every county, or every city. An **empty list covers nothing of
  that kind**: an account created with counties only covers no posting, no employer and no placement outside
  its counties' workers. A staff account with neither list covers nothing; give it ``*`` for province-wide
  work. (Schema version 3 gave ``*`` to both lists of every staff account that had neither, which is what
  those accounts could see before this rule.)

Personal data: how much of a worker a user sees is :func:`worker_visibility`; :func:`present_worker`
applies it, for pages and API alike. Full ID numbers only ever for staff covering the worker, on an
explicit, audit-logged reveal.
"""
from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from models.people.pii import mask_phone

STAFF_ROLES = frozenset({"staff", "admin", "system"})
ALL = "*"

#: Levels of :func:`worker_visibility`, least to most.
HIDDEN, MASKED, CONTACT, FULL = "hidden", "masked", "contact", "full"


class _System:
    """The scheduler and the server's own command line: act for the whole programme, audited as no user."""

    id = None
    role = "system"
    worker_id = None
    employer_id = None
    scope_counties = (ALL,)
    scope_cities = (ALL,)

    def __repr__(self) -> str:
        return "SYSTEM"


SYSTEM = _System()


def _get(obj: Any, key: str, default: Any = None) -> Any:
    if obj is None:
        return default
    if isinstance(obj, dict):
        return obj.get(key, default)
    return getattr(obj, key, default)


def as_list(value: Any) -> list[str]:
    """A list column (JSON text, comma-separated text or a list) as a list of non-empty strings."""
    if not value:
        return []
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            value = value.replace("，", ",").split(",")
        if isinstance(value, str):
            value = [value]
    return [str(v).strip() for v in value if str(v).strip()]


def role(user: Any) -> str | None:
    """The user's role (``worker``, ``employer``, ``staff``, ``admin``, ``system``), or None for anonymous."""
    return _get(user, "role")


def user_id(user: Any) -> int | None:
    """The acting user's id for the audit log (None for anonymous and SYSTEM)."""
    return _get(user, "id")


def display_name(user: Any) -> str:
    """The name an action records for the acting user (a sign-off, say): display name, else login name."""
    return str(_get(user, "display_name") or _get(user, "username") or "工作人员")


def is_staff(user: Any) -> bool:
    """Staff, admin or SYSTEM."""
    return role(user) in STAFF_ROLES


def is_admin(user: Any) -> bool:
    """Admin or SYSTEM."""
    return role(user) in ("admin", "system")


def own_worker_id(user: Any) -> int | None:
    """The worker record a worker account stands for (None for every other role)."""
    return _get(user, "worker_id") if role(user) == "worker" else None


def own_employer_id(user: Any) -> int | None:
    """The employer an employer account stands for (None for every other role)."""
    return _get(user, "employer_id") if role(user) == "employer" else None


# --- staff scope ------------------------------------------------------------------------------------------

def _city(value: str | None) -> str | None:
    if not value:
        return None
    value = str(value).strip()
    return value[:-1] if value.endswith("市") and len(value) > 2 else value


@dataclass(frozen=True)
class Scope:
    """What a staff member covers: partner counties (names or codes) and Shandong cities (short names).

    ``ALL`` in a set covers every county (city). Non-staff users have the empty scope (cover nothing).
    """

    counties: frozenset[str] = frozenset()
    cities: frozenset[str] = frozenset()

    @classmethod
    def of(cls, user: Any) -> Scope:
        """The scope of ``user``: everything for admin and SYSTEM, the account's lists for staff, nothing else."""
        if is_admin(user):
            return EVERYTHING
        if role(user) != "staff":
            return NOTHING
        return cls(frozenset(as_list(_get(user, "scope_counties"))),
                   frozenset(_city(c) for c in as_list(_get(user, "scope_cities"))))

    @property
    def all_counties(self) -> bool:
        return ALL in self.counties

    @property
    def all_cities(self) -> bool:
        return ALL in self.cities

    @property
    def everything(self) -> bool:
        return self.all_counties and self.all_cities

    @property
    def empty(self) -> bool:
        return not self.counties and not self.cities

    # predicates -----------------------------------------------------------------------------------------
    def covers_county(self, county: str | None, code: str | None = None) -> bool:
        return self.all_counties or (county in self.counties if county else False) \
            or (code in self.counties if code else False)

    def covers_city(self, city: str | None) -> bool:
        return self.all_cities or (_city(city) in self.cities if city else False)

    def covers_worker(self, worker: dict) -> bool:
        """The worker's 户籍区县 is one of the counties."""
        return self.covers_county(worker.get("hukou_county"), worker.get("hukou_county_code"))

    def covers_job(self, job: dict) -> bool:
        """The posting's city is one of the cities."""
        return self.covers_city(job.get("city"))

    def covers_employer(self, employer: dict) -> bool:
        """The employer's city is one of the cities."""
        return self.covers_city(employer.get("city"))

    def covers_application(self, row: dict) -> bool:
        """An application row (worker's ``hukou_county``/``hukou_county_code`` and the posting's ``city``):
        the worker is covered, or the posting is."""
        return self.covers_worker(row) or self.covers_city(row.get("city"))

    def covers_placement(self, row: dict) -> bool:
        """A placement row (worker's ``hukou_county``/``hukou_county_code`` and the placement's ``city``)."""
        return self.covers_worker(row) or self.covers_city(row.get("city"))

    # SQL ------------------------------------------------------------------------------------------------
    def _in(self, column: str, values: Iterable[str]) -> tuple[str, list]:
        values = sorted(v for v in values if v != ALL)
        if not values:
            return "1 = 0", []
        return f"{column} IN ({', '.join('?' * len(values))})", values

    def workers_sql(self, w: str = "w") -> tuple[str, list]:
        """WHERE fragment (and its parameters) for the workers covered, on the workers alias ``w``."""
        if self.all_counties:
            return "1 = 1", []
        names, p1 = self._in(f"{w}.hukou_county", self.counties)
        codes, p2 = self._in(f"{w}.hukou_county_code", self.counties)
        return f"({names} OR {codes})", p1 + p2

    def cities_sql(self, column: str) -> tuple[str, list]:
        """WHERE fragment for rows whose ``column`` (a city) is covered."""
        if self.all_cities:
            return "1 = 1", []
        return self._in(column, self.cities)

    def jobs_sql(self, j: str = "j") -> tuple[str, list]:
        """WHERE fragment for the postings covered, on the jobs alias ``j``."""
        return self.cities_sql(f"{j}.city")

    def applications_sql(self, w: str = "w", j: str = "j") -> tuple[str, list]:
        """WHERE fragment for applications covered (worker alias ``w``, posting alias ``j``)."""
        return _either(self.workers_sql(w), self.jobs_sql(j))

    def covers_batch(self, batch: dict) -> bool:
        """A 点对点 transport batch: its departure county or its Shandong city is covered."""
        return self.covers_county(batch.get("departure_county"), batch.get("departure_county_code")) \
            or self.covers_city(batch.get("city"))

    def batches_sql(self, b: str = "b") -> tuple[str, list]:
        """WHERE fragment for the transport batches covered (batches alias ``b``)."""
        if self.all_counties:
            return "1 = 1", []
        names, p1 = self._in(f"{b}.departure_county", self.counties)
        codes, p2 = self._in(f"{b}.departure_county_code", self.counties)
        return _either((f"({names} OR {codes})", p1 + p2), self.cities_sql(f"{b}.city"))

    def placements_sql(self, p: str = "p", w: str = "w") -> tuple[str, list]:
        """WHERE fragment for placements covered (placement alias ``p``, worker alias ``w``)."""
        return _either(self.workers_sql(w), self.cities_sql(f"{p}.city"))


def _either(a: tuple[str, list], b: tuple[str, list]) -> tuple[str, list]:
    if a[0] == "1 = 1" or b[0] == "1 = 1":
        return "1 = 1", []
    return f"({a[0]} OR {b[0]})", a[1] + b[1]


EVERYTHING = Scope(frozenset({ALL}), frozenset({ALL}))
NOTHING = Scope()


def scope_of(user: Any) -> Scope:
    """Shorthand for :meth:`Scope.of`."""
    return Scope.of(user)


def staff_covers_worker(user: Any, worker: dict) -> bool:
    return is_staff(user) and Scope.of(user).covers_worker(worker)


def staff_covers_job(user: Any, job: dict) -> bool:
    return is_staff(user) and Scope.of(user).covers_job(job)


# --- workers ----------------------------------------------------------------------------------------------

def is_own_worker(user: Any, worker: dict) -> bool:
    """The user is this worker's own account."""
    return own_worker_id(user) is not None and own_worker_id(user) == worker.get("id")


def worker_visibility(user: Any, worker: dict, *, related: bool = False) -> str:
    """How much of ``worker`` the user may see:

    - ``full``: staff covering the worker — everything but the full ID (see :func:`can_reveal_id`);
    - ``contact``: the worker themself; an employer the worker applied to or was recommended to, or city
      staff covering such a posting (``related``, computed by the caller from the applications) — name,
      phone, gender, birth year, county; never an ID fragment;
    - ``masked``: any other employer or staff member, while the worker is seeking — skills, wishes and
      province only (no name, phone, ID fragment, birth year or gender);
    - ``hidden``: everyone else (other workers; employers and staff once the worker stopped seeking).
    """
    if staff_covers_worker(user, worker):
        return FULL
    if is_own_worker(user, worker):
        return CONTACT
    if own_employer_id(user) is not None or is_staff(user):
        if related:
            return CONTACT
        if worker.get("seeking", 1):
            return MASKED
    return HIDDEN


def can_view_worker(user: Any, worker: dict, *, related: bool = False) -> bool:
    """May the user open this worker's record at all (possibly masked)?"""
    return worker_visibility(user, worker, related=related) != HIDDEN


def can_create_worker(user: Any, record: dict) -> bool:
    """Register a worker: staff covering the new record's county."""
    return staff_covers_worker(user, record)


def can_edit_worker(user: Any, worker: dict, new_record: dict | None = None) -> bool:
    """Edit a worker: staff covering the worker as stored and, when given, as it would be after the edit."""
    return staff_covers_worker(user, worker) and (new_record is None or staff_covers_worker(user, new_record))


def can_reveal_id(user: Any, worker: dict) -> bool:
    """May see the full resident ID number (each view is audit-logged): staff covering the worker."""
    return staff_covers_worker(user, worker)


def mask_name(name: str | None) -> str:
    """``张三丰`` → ``张**``."""
    if not name:
        return ""
    return name[0] + "*" * max(len(name) - 1, 1)


#: Fields shown at the ``masked`` level (everything else is dropped).
MASKED_FIELDS = ("id", "external_id", "hukou_province", "education", "skills", "certificates", "experience",
                 "desired_jobs", "desired_cities", "expected_salary", "needs", "seeking")
#: Fields shown at the ``contact`` level.
CONTACT_FIELDS = (*MASKED_FIELDS, "name", "phone", "gender", "birth_year", "hukou_county", "assistance_status",
                  "training_wanted")
#: Never shown by ``present_worker`` (the full number has its own audited action).
SECRET_FIELDS = ("id_number", "id_number_enc", "id_hash")


def present_worker(worker: dict, level: str) -> dict | None:
    """A copy of ``worker`` reduced to what ``level`` allows (never the full ID); None when hidden.

    ``full`` keeps every stored field but the secrets (the masked ID ``id_masked`` included); ``contact``
    keeps :data:`CONTACT_FIELDS`; ``masked`` keeps :data:`MASKED_FIELDS` with the name and phone masked.
    """
    if level == HIDDEN:
        return None
    if level == FULL:
        return {k: v for k, v in worker.items() if k not in SECRET_FIELDS}
    if level == CONTACT:
        return {k: worker.get(k) for k in CONTACT_FIELDS if k in worker}
    shown = {k: worker.get(k) for k in MASKED_FIELDS if k in worker}
    shown["name"] = mask_name(worker.get("name"))
    shown["phone"] = mask_phone(worker.get("phone"))
    return shown


# --- postings ---------------------------------------------------------------------------------------------

def owns_job(user: Any, job: dict) -> bool:
    """The user is an employer account of the posting's employer."""
    return own_employer_id(user) is not None and own_employer_id(user) == job.get("employer_id")


def can_view_job(user: Any, job: dict) -> bool:
    """Open postings: every signed-in user. Closed or filled: their employer and staff covering the city."""
    if role(user) is None:
        return False
    if job.get("status") == "open":
        return True
    return owns_job(user, job) or staff_covers_job(user, job)


def can_create_job(user: Any, record: dict | None = None) -> bool:
    """Employers (for their own employer) and staff covering the posting's city."""
    if own_employer_id(user) is not None:
        return True
    return is_staff(user) and (record is None or staff_covers_job(user, record))


def can_edit_job(user: Any, job: dict, new_record: dict | None = None) -> bool:
    """Edit, close or reopen a posting: its employer, or staff covering its city (before and after)."""
    if owns_job(user, job):
        return True
    return staff_covers_job(user, job) and (new_record is None or staff_covers_job(user, new_record))


def can_view_candidates(user: Any, job: dict) -> bool:
    """Ranked candidates for a posting: its employer and staff who may see it (each candidate is then shown
    as :func:`worker_visibility` allows)."""
    return owns_job(user, job) or (is_staff(user) and can_view_job(user, job))


def can_view_matches_for_worker(user: Any, worker: dict) -> bool:
    """Ranked jobs for a worker: the worker and staff covering them."""
    return is_own_worker(user, worker) or staff_covers_worker(user, worker)


# --- applications -----------------------------------------------------------------------------------------

def can_apply(user: Any, worker: dict) -> bool:
    """A worker applies only as themself."""
    return is_own_worker(user, worker)


def can_recommend(user: Any, worker: dict, job: dict) -> bool:
    """Staff recommend (推荐) a posting to a worker: covering the worker, or covering the posting."""
    return staff_covers_worker(user, worker) or staff_covers_job(user, job)


def can_view_application(user: Any, application: dict) -> bool:
    """An application row (worker, posting and their scope columns): the applicant, the posting's employer,
    staff covering the worker or the posting."""
    return is_own_worker(user, {"id": application.get("worker_id")}) \
        or owns_job(user, {"employer_id": application.get("employer_id")}) \
        or (is_staff(user) and Scope.of(user).covers_application(application))


def can_update_application(user: Any, application: dict) -> bool:
    """Move an application along its pipeline: the posting's employer and staff covering it."""
    return owns_job(user, {"employer_id": application.get("employer_id")}) \
        or (is_staff(user) and Scope.of(user).covers_application(application))


def can_record_consent(user: Any, application: dict) -> bool:
    """Record that the worker agreed to a recommendation by phone: staff covering the worker."""
    return staff_covers_worker(user, application)


# --- placements -------------------------------------------------------------------------------------------

def can_create_placement(user: Any, worker: dict, city: str | None) -> bool:
    """Record a placement (also one found outside the platform): staff covering the worker or the city of
    the job."""
    return is_staff(user) and (Scope.of(user).covers_worker(worker) or Scope.of(user).covers_city(city))


def can_view_placement(user: Any, placement: dict) -> bool:
    """A placement row (with the worker's county columns): the worker, the employer the worker works for,
    staff covering the worker or the placement's city."""
    if is_own_worker(user, {"id": placement.get("worker_id")}):
        return True
    if own_employer_id(user) is not None:
        return placement.get("employer_id") == own_employer_id(user)
    return is_staff(user) and Scope.of(user).covers_placement(placement)


def can_follow_up(user: Any, placement: dict) -> bool:
    """Record a follow-up or end a placement: staff covering it."""
    return is_staff(user) and Scope.of(user).covers_placement(placement)


def can_certify(user: Any, placement: dict) -> bool:
    """Issue or sign off a placement's 务工证明, or mark its subsidies claimed and paid: staff covering it."""
    return is_staff(user) and Scope.of(user).covers_placement(placement)


def can_manage_batch(user: Any, batch: dict) -> bool:
    """See and run a 点对点 transport batch (passengers, arrivals, lists): staff covering its departure county
    or its city."""
    return is_staff(user) and Scope.of(user).covers_batch(batch)


# --- batches and reports ----------------------------------------------------------------------------------

def can_view_batch(user: Any, batch: dict) -> bool:
    """An import batch or a list comparison (its report names people): the staff member who ran it, and
    admins."""
    return is_admin(user) or (is_staff(user) and batch.get("user_id") is not None
                              and batch.get("user_id") == user_id(user))
