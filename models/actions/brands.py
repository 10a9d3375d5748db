"""Actions on 劳务品牌 (labour brands): create a brand, link workers and employers, read a brand with its
figures, list brands with their figures (the dashboard's table). Courses join a brand when they are created
(``actions.training.create_course`` with ``brand_id``).

The rules:

- Staff and admins only (a brand's page is a work page). Every staff member reads every brand and its figures
  (counts only); the workers listed on a brand's page are those the staff member covers, the others counted.
- **Create**: staff covering the brand's county (the home county names its trade); the name is unique.
- **Link a worker**: staff covering the worker, and the worker's 户籍区县 must be the brand's county.
- **Link an employer** (one that hires the brand's workers): staff covering the brand's county or the
  employer's city; the employer is named as registered on the platform.
"""
from __future__ import annotations

from typing import Any

from models import access
from models.errors import conflict, forbidden, not_found
from models.people.employers import get_employer_by_name
from models.people.workers import get_worker_by_external_id
from models.programme import brands as store
from models.store import clock
from models.store.db import audit, transaction


def _staff(actor: Any) -> access.Scope:
    if not access.is_staff(actor):
        raise forbidden("只有工作人员可以管理劳务品牌。")
    return access.Scope.of(actor)


def list_brands(db, actor: Any) -> list[dict]:
    """Every brand with its figures (counts only), by province and county."""
    _staff(actor)
    today = clock.today()
    return [{**b, "figures": store.figures(db, b["id"], today)} for b in store.list_brands(db)]


def get_brand(db, actor: Any, brand_id: int) -> dict:
    """One brand: figures, courses, employers, and the linked workers the actor covers (others counted)."""
    scope = _staff(actor)
    brand = store.get_brand(db, brand_id)
    if brand is None:
        raise not_found("找不到该劳务品牌。", "brand_id")
    workers = store.linked_workers(db, brand_id)
    shown = [w for w in workers if scope.covers_worker(w)]
    return {**brand, "figures": store.figures(db, brand_id, clock.today()), "courses": store.linked_courses(db, brand_id),
            "employers": store.linked_employers(db, brand_id),
            "workers": [{k: w[k] for k in ("external_id", "name", "hukou_county")} for w in shown],
            "workers_not_shown": len(workers) - len(shown),
            "manageable": scope.covers_county(brand["hukou_county"])}


def create_brand(db, actor: Any, raw: dict) -> dict:
    scope = _staff(actor)
    record = store.clean_brand(raw)
    if not scope.covers_county(record["hukou_county"]):
        raise forbidden("只能为您负责的区县创建劳务品牌。", "county")
    with transaction(db):
        if store.brand_by_name(db, record["name"]) is not None:
            raise conflict(f"已有名为“{record['name']}”的劳务品牌。", "name")
        brand_id = store.create_brand(db, record, created_by=access.user_id(actor))
        audit(db, "brand.create", user_id=access.user_id(actor), entity="brand", entity_id=brand_id)
    return get_brand(db, actor, brand_id)


def link_worker(db, actor: Any, brand_id: int, *, worker_external_id: str) -> dict:
    """Add a worker of the brand's county to the brand (staff covering the worker)."""
    scope = _staff(actor)
    with transaction(db):
        brand = get_brand(db, actor, brand_id)
        worker = get_worker_by_external_id(db, (worker_external_id or "").strip())
        if worker is None or not scope.covers_worker(worker):
            raise not_found("找不到该编号的求职者（或该求职者不在您的负责范围）。", "worker_external_id")
        if worker.get("hukou_county") != brand["hukou_county"]:
            raise conflict(f"{worker['name']}的户籍是{worker.get('hukou_county') or '未登记'}，"
                           f"不是{brand['hukou_county']}，不能加入该品牌。", "worker_external_id")
        if store.link_worker(db, brand_id, worker["id"]):
            audit(db, "brand.link_worker", user_id=access.user_id(actor), entity="brand", entity_id=brand_id,
                  detail={"worker_id": worker["id"]})
    return get_brand(db, actor, brand_id)


def link_employer(db, actor: Any, brand_id: int, *, employer_name: str) -> dict:
    """Add an employer that hires the brand's workers (staff covering the brand's county or the employer's city)."""
    scope = _staff(actor)
    with transaction(db):
        brand = get_brand(db, actor, brand_id)
        employer = get_employer_by_name(db, (employer_name or "").strip())
        if employer is None:
            raise not_found("平台上没有该名称的用人单位。", "employer_name")
        if not (scope.covers_county(brand["hukou_county"]) or scope.covers_employer(employer)):
            raise forbidden("只有负责该品牌所在区县或该单位所在城市的工作人员可以添加合作单位。", "employer_name")
        if store.link_employer(db, brand_id, employer["id"]):
            audit(db, "brand.link_employer", user_id=access.user_id(actor), entity="brand", entity_id=brand_id,
                  detail={"employer_id": employer["id"]})
    return get_brand(db, actor, brand_id)
