"""The business error tree. Each error has a stable snake_case `code` that the
bot turns into a spoken sentence and the REST API puts in `{"error": {"code"}}`,
plus structured fields; never read `str(exc)` to a caller.

    ExecoraError (execora_error)
    ├── ValidationError (validation_error)
    │   ├── InvalidAmount (invalid_amount)
    │   ├── InvalidQuantity (invalid_quantity)
    │   ├── InvalidUnit (invalid_unit)
    │   └── InvalidDiscount (invalid_discount)
    ├── NotFound (not_found)
    │   ├── ShopNotFound (shop_not_found)
    │   ├── CustomerNotFound (customer_not_found)
    │   ├── ProductNotFound (product_not_found)
    │   ├── InvoiceNotFound (invoice_not_found)
    │   └── ReminderNotFound (reminder_not_found)
    ├── Ambiguous (ambiguous)
    │   ├── AmbiguousCustomer (ambiguous_customer)
    │   └── AmbiguousProduct (ambiguous_product)
    ├── Conflict (conflict)
    │   ├── InsufficientStock (insufficient_stock)
    │   ├── InvoiceAlreadyCancelled (invoice_already_cancelled)
    │   ├── ReminderNotCancellable (reminder_not_cancellable)
    │   ├── ReminderNotReschedulable (reminder_not_reschedulable)
    │   ├── DuplicateCustomer (duplicate_customer)
    │   ├── DuplicateProduct (duplicate_product)
    │   └── IdempotencyKeyReused (idempotency_key_reused)
    └── AuthError (auth_error)
        └── InvalidPin (invalid_pin)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from business.models import CustomerMatch, ProductMatch


class ExecoraError(Exception):
    """Base of every business error; `code` is stable, `details()` is structured."""

    code = "execora_error"
    http_status = 400

    def __init__(self, message: str = "") -> None:
        super().__init__(message or self.code.replace("_", " "))
        self.message = message or self.code.replace("_", " ")

    def details(self) -> dict[str, Any]:
        """Structured fields for replies and API bodies (JSON-able)."""
        return {}


# --- validation -------------------------------------------------------------


class ValidationError(ExecoraError):
    code = "validation_error"
    http_status = 422

    def __init__(self, message: str = "", field: str | None = None) -> None:
        super().__init__(message)
        self.field = field

    def details(self) -> dict[str, Any]:
        return {"field": self.field} if self.field else {}


class InvalidAmount(ValidationError):
    code = "invalid_amount"

    def __init__(self, amount: object = None, message: str = "", field: str | None = "amount_paise") -> None:
        super().__init__(message or f"invalid amount: {amount!r}", field)
        self.amount = amount

    def details(self) -> dict[str, Any]:
        return {**super().details(), "amount": _jsonable(self.amount)}


class InvalidQuantity(ValidationError):
    code = "invalid_quantity"

    def __init__(self, quantity: object = None, message: str = "", field: str | None = "quantity") -> None:
        super().__init__(message or f"invalid quantity: {quantity!r}", field)
        self.quantity = quantity

    def details(self) -> dict[str, Any]:
        return {**super().details(), "quantity": _jsonable(self.quantity)}


class InvalidUnit(ValidationError):
    code = "invalid_unit"

    def __init__(self, unit: str | None, product_unit: str | None = None, message: str = "") -> None:
        text = f"unit {unit!r} does not fit" + (f" a product sold by {product_unit}" if product_unit else "")
        super().__init__(message or text, "unit")
        self.unit = unit
        self.product_unit = product_unit

    def details(self) -> dict[str, Any]:
        return {**super().details(), "unit": self.unit, "product_unit": self.product_unit}


class InvalidDiscount(ValidationError):
    """A discount the bill cannot take; `reason` is stable: "too_large" (more than the lines it
    applies to, the bill would go below zero), "target_above_total", "not_on_bill" (the product
    is on no line), "bad_percent", "bad_amount", "one_kind" (exactly one of percent, amount,
    target total)."""

    code = "invalid_discount"

    def __init__(self, reason: str, message: str = "", *, limit_paise: int | None = None) -> None:
        super().__init__(message or f"invalid discount: {reason}", "discount")
        self.reason = reason
        self.limit_paise = limit_paise  # the most the discount could be (too_large, target_above_total)

    def details(self) -> dict[str, Any]:
        return {**super().details(), "reason": self.reason, "limit_paise": self.limit_paise}


# --- not found ----------------------------------------------------------------


class NotFound(ExecoraError):
    code = "not_found"
    http_status = 404


class ShopNotFound(NotFound):
    code = "shop_not_found"


class CustomerNotFound(NotFound):
    code = "customer_not_found"

    def __init__(self, query: str | int | None = None, candidates: Sequence[CustomerMatch] = ()) -> None:
        super().__init__(f"no customer matches {query!r}")
        self.query = query
        self.candidates = tuple(candidates)  # weak matches, for "did you mean"

    def details(self) -> dict[str, Any]:
        return {"query": self.query, "candidates": [_match(c) for c in self.candidates]}


class ProductNotFound(NotFound):
    code = "product_not_found"

    def __init__(self, query: str | int | None = None, candidates: Sequence[ProductMatch] = ()) -> None:
        super().__init__(f"no product matches {query!r}")
        self.query = query
        self.candidates = tuple(candidates)

    def details(self) -> dict[str, Any]:
        return {"query": self.query, "candidates": [_match(c) for c in self.candidates]}


class InvoiceNotFound(NotFound):
    code = "invoice_not_found"

    def __init__(self, invoice: int | str | None = None) -> None:
        super().__init__(f"no invoice {invoice!r}")
        self.invoice = invoice

    def details(self) -> dict[str, Any]:
        return {"invoice": self.invoice}


class ReminderNotFound(NotFound):
    code = "reminder_not_found"

    def __init__(self, reminder_id: int | None = None) -> None:
        super().__init__(f"no reminder {reminder_id!r}")
        self.reminder_id = reminder_id

    def details(self) -> dict[str, Any]:
        return {"reminder_id": self.reminder_id}


# --- ambiguous ----------------------------------------------------------------


class Ambiguous(ExecoraError):
    code = "ambiguous"
    http_status = 409


class AmbiguousCustomer(Ambiguous):
    code = "ambiguous_customer"

    def __init__(self, query: str, candidates: Sequence[CustomerMatch]) -> None:
        super().__init__(f"{len(candidates)} customers match {query!r}")
        self.query = query
        self.candidates = tuple(candidates)  # best first

    def details(self) -> dict[str, Any]:
        return {"query": self.query, "candidates": [_match(c) for c in self.candidates]}


class AmbiguousProduct(Ambiguous):
    code = "ambiguous_product"

    def __init__(self, query: str, candidates: Sequence[ProductMatch]) -> None:
        super().__init__(f"{len(candidates)} products match {query!r}")
        self.query = query
        self.candidates = tuple(candidates)

    def details(self) -> dict[str, Any]:
        return {"query": self.query, "candidates": [_match(c) for c in self.candidates]}


# --- conflicts ------------------------------------------------------------------


class Conflict(ExecoraError):
    code = "conflict"
    http_status = 409


@dataclass(frozen=True)
class StockShortfall:
    """One product that cannot cover its line (quantities in the product's unit)."""

    product_id: int
    product_name: str
    unit: str
    requested: Decimal
    available: Decimal


class InsufficientStock(Conflict):
    code = "insufficient_stock"

    def __init__(self, shortfalls: Sequence[StockShortfall]) -> None:
        names = ", ".join(s.product_name for s in shortfalls)
        super().__init__(f"not enough stock: {names}")
        self.shortfalls = tuple(shortfalls)

    def details(self) -> dict[str, Any]:
        return {
            "shortfalls": [
                {
                    "product_id": s.product_id,
                    "product_name": s.product_name,
                    "unit": s.unit,
                    "requested": str(s.requested),
                    "available": str(s.available),
                }
                for s in self.shortfalls
            ]
        }


class InvoiceAlreadyCancelled(Conflict):
    code = "invoice_already_cancelled"

    def __init__(self, invoice_id: int, invoice_no: str = "") -> None:
        super().__init__(f"invoice {invoice_no or invoice_id} is already cancelled")
        self.invoice_id = invoice_id
        self.invoice_no = invoice_no

    def details(self) -> dict[str, Any]:
        return {"invoice_id": self.invoice_id, "invoice_no": self.invoice_no}


class ReminderNotCancellable(Conflict):
    code = "reminder_not_cancellable"

    def __init__(self, reminder_id: int, status: str) -> None:
        super().__init__(f"reminder {reminder_id} is {status}; only scheduled reminders can be cancelled")
        self.reminder_id = reminder_id
        self.status = status

    def details(self) -> dict[str, Any]:
        return {"reminder_id": self.reminder_id, "status": self.status}


class ReminderNotReschedulable(Conflict):
    code = "reminder_not_reschedulable"

    def __init__(self, reminder_id: int, status: str) -> None:
        super().__init__(f"reminder {reminder_id} is {status}; only scheduled reminders can be moved")
        self.reminder_id = reminder_id
        self.status = status

    def details(self) -> dict[str, Any]:
        return {"reminder_id": self.reminder_id, "status": self.status}


class DuplicateCustomer(Conflict):
    code = "duplicate_customer"

    def __init__(self, phone: str | None = None, existing_id: int | None = None) -> None:
        super().__init__("a customer with this phone already exists")
        self.phone = phone
        self.existing_id = existing_id

    def details(self) -> dict[str, Any]:
        return {"existing_id": self.existing_id}


class DuplicateProduct(Conflict):
    code = "duplicate_product"

    def __init__(self, name: str) -> None:
        super().__init__(f"a product named {name!r} already exists")
        self.name = name

    def details(self) -> dict[str, Any]:
        return {"name": self.name}


class IdempotencyKeyReused(Conflict):
    code = "idempotency_key_reused"

    def __init__(self, key: str, first_action: str, action: str) -> None:
        super().__init__(f"idempotency key was first used for {first_action}, not {action}")
        self.key = key
        self.first_action = first_action
        self.action = action

    def details(self) -> dict[str, Any]:
        return {"first_action": self.first_action, "action": self.action}


# --- auth ---------------------------------------------------------------------


class AuthError(ExecoraError):
    code = "auth_error"
    http_status = 401


class InvalidPin(AuthError):
    code = "invalid_pin"


def _jsonable(value: object) -> object:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def _match(m: CustomerMatch | ProductMatch) -> dict[str, Any]:
    item = getattr(m, "customer", None) or getattr(m, "product", None)
    out: dict[str, Any] = {"id": getattr(item, "id", None), "name": getattr(item, "name", None), "score": m.score}
    landmark = getattr(item, "landmark", None)
    if landmark is not None:
        out["landmark"] = landmark
    return out
