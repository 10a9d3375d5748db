"""The one error type of the domain: every refused or failed action raises :class:`ActionError`.

Pages show it as a Chinese message on the right field (or a 404/403 page), the API as its error format
(``kind`` → HTTP status), the command line as a message and a non-zero exit. The store-level errors
(``ApplicationError``, ``PlacementError``, ``UserError`` …) are kinds of it.
"""
from __future__ import annotations

#: ``ActionError.kind`` → the HTTP status the API answers with (pages: 404/403 pages, or a message).
STATUS = {"invalid": 422, "forbidden": 403, "not_found": 404, "conflict": 409}


class ActionError(Exception):
    """An action that was refused or cannot be done.

    ``message`` is Chinese, for the person who tried; ``field`` names the input it is about (a SCHEMA field
    name such as ``job_id`` or ``certificates``), or None; ``kind`` is one of :data:`STATUS`:

    - ``not_found``: the thing does not exist *or the actor may not know it exists* (out of scope);
    - ``forbidden``: the actor may see the thing but not do this to it;
    - ``conflict``: the state forbids it (already applied, posting closed, already hired);
    - ``invalid``: the input breaks a rule (a bad date, a missing certificate for this posting).

    ``errors`` holds every ``(field, message)`` when a whole record failed validation (forms show each next
    to its field); ``message``/``field`` are then the first of them.
    """

    def __init__(self, message: str, *, field: str | None = None, kind: str = "invalid",
                 errors: list[tuple[str | None, str]] | None = None) -> None:
        if kind not in STATUS:
            raise ValueError(f"unknown ActionError kind: {kind}")
        super().__init__(message)
        self.message = message
        self.field = field
        self.kind = kind
        self.errors = errors or [(field, message)]

    @property
    def status(self) -> int:
        return STATUS[self.kind]

    def __str__(self) -> str:
        return self.message


def not_found(message: str = "找不到该记录。", field: str | None = None) -> ActionError:
    return ActionError(message, field=field, kind="not_found")


def forbidden(message: str = "没有权限执行此操作。", field: str | None = None) -> ActionError:
    return ActionError(message, field=field, kind="forbidden")


def conflict(message: str, field: str | None = None) -> ActionError:
    return ActionError(message, field=field, kind="conflict")


def invalid(message: str, field: str | None = None) -> ActionError:
    return ActionError(message, field=field, kind="invalid")
