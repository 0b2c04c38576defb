"""Who may see and correct which shop's books from the dashboard: operators and their roles.

Pure rules, no I/O. A platform `admin` reads every shop and corrects none; a shop's
`owner` reads and corrects that shop; `staff` only read it. Everything else (hashes,
sessions, forms) lives in `dashboard` and `db.operators`.
"""

from __future__ import annotations

from dataclasses import dataclass

from business.errors import ValidationError

ROLES: tuple[str, ...] = ("admin", "owner", "staff")
MAX_EMAIL_LEN = 254


@dataclass(frozen=True)
class Operator:
    id: int
    email: str
    role: str  # one of ROLES
    shop_id: int | None  # None only for admin
    has_totp: bool
    disabled: bool
    session_epoch: int

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    def can_read(self, shop_id: int | None) -> bool:
        """May see this shop's pages (None: a row belonging to no shop, admins only)."""
        if self.disabled:
            return False
        return self.is_admin or (shop_id is not None and shop_id == self.shop_id)

    def can_correct(self, shop_id: int | None) -> bool:
        """May reverse bookings of this shop: its owner only (admins read, staff read)."""
        return not self.disabled and self.role == "owner" and shop_id is not None and shop_id == self.shop_id


def normalize_email(raw: str) -> str:
    """Lower-cased and trimmed; raises ValidationError for something that cannot be an email."""
    email = (raw or "").strip().lower()
    local, at, domain = email.partition("@")
    if not at or not local or "." not in domain or len(email) > MAX_EMAIL_LEN or not email.isprintable() \
            or any(ch.isspace() for ch in email):
        raise ValidationError("not an email address", "email")
    return email


def check_role(role: str, shop_id: int | None) -> str:
    """The role, checked against the shop it is for (admins have none, owners and staff one)."""
    if role not in ROLES:
        raise ValidationError(f"role must be one of {', '.join(ROLES)}", "role")
    if (role == "admin") != (shop_id is None):
        raise ValidationError("an admin has no shop; an owner or staff needs --shop", "shop_id")
    return role
