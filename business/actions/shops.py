"""Shops: create a shop with its owner phone, API keys, caller phones and PINs."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from typing import Any

from business import credentials, fields, shop_settings
from business.actions.runner import ActionRunner
from business.errors import ShopNotFound, ValidationError
from business.models import CallerShop, Shop, ShopPhone
from business.owner_notices import pin_lockout_notice
from business.phones import mask_phone, normalize_phone
from business.pin_lockout import PinCheck, lock_for
from business.ports import UnitOfWork

log = logging.getLogger(__name__)


async def load_shop(uow: UnitOfWork, shop_id: int) -> Shop:
    """The shop, or ShopNotFound."""
    shop = await uow.shops.get(shop_id)
    if shop is None:
        raise ShopNotFound(f"no shop {shop_id}")
    return shop


class ShopActions(ActionRunner):
    async def create_shop(
        self, name: str, owner_phone: str, pin: str | None = None, *, address: str = "", state: str = "",
        gstin: str | None = None, settings: Mapping[str, Any] | None = None,
    ) -> tuple[Shop, str]:
        """Create a shop and its owner phone; returns the shop and its API key (shown once, only a hash is kept)."""
        name = fields.text(name, "name", required=True)
        phone = normalize_phone(owner_phone)
        merged = shop_settings.for_new_shop(settings)
        gstin = (gstin or "").strip().upper() or None
        pin_hash = await pin_hash_of(pin)
        api_key = credentials.new_api_key()
        async with self._uow() as uow:
            shop = await uow.shops.add(
                name=name, address=address.strip(), state=state.strip(), gstin=gstin,
                settings=shop_settings.to_stored(merged), api_key_hash=credentials.hash_api_key(api_key),
                created_at=self._clock.now(),
            )
            await uow.shops.add_phone(shop_id=shop.id, phone=phone, role="owner", pin_hash=pin_hash)
            await uow.commit()
        log.info("created shop shop_id=%s owner=%s", shop.id, mask_phone(phone))
        return shop, api_key

    async def reissue_api_key(self, shop_id: int) -> str:
        """Replace the shop's API key (lost or leaked); the old key stops working at once.
        Returns the new key (shown once). Raises ShopNotFound."""
        api_key = credentials.new_api_key()
        async with self._uow() as uow:
            if not await uow.shops.set_api_key_hash(shop_id, credentials.hash_api_key(api_key)):
                raise ShopNotFound(f"no shop {shop_id}")
            await uow.commit()
        log.info("re-issued api key shop_id=%s", shop_id)
        return api_key

    async def add_shop_phone(
        self, shop_id: int, phone: str, role: str = "staff", pin: str | None = None
    ) -> ShopPhone:
        """Allow another phone (owner/staff) to call for the shop."""
        if role not in ("owner", "staff"):
            raise ValidationError("role must be owner or staff", "role")
        e164 = normalize_phone(phone)
        pin_hash = await pin_hash_of(pin)
        async with self._uow() as uow:
            await load_shop(uow, shop_id)
            row = await uow.shops.add_phone(shop_id=shop_id, phone=e164, role=role, pin_hash=pin_hash)
            await uow.commit()
        return row

    async def set_phone_pin(self, shop_id: int, phone: str, pin: str) -> None:
        """Set (or replace) the PIN of one of the shop's phones; wrong-PIN counts for it are cleared.
        Raises ValidationError (bad PIN, or the phone is not the shop's)."""
        e164 = normalize_phone(phone)
        pin_hash = await pin_hash_of(pin)
        if pin_hash is None:
            raise ValidationError("PIN must be 4-8 digits", "pin")
        async with self._uow() as uow:
            await load_shop(uow, shop_id)
            if not await uow.shops.set_pin_hash(shop_id, e164, pin_hash):
                raise ValidationError("this phone does not belong to the shop", "phone")
            await uow.shops.set_pin_attempts(shop_id, e164, 0, None)
            await uow.commit()

    async def get_shop(self, shop_id: int) -> Shop:
        """Raises ShopNotFound."""
        return await self._read(lambda uow: load_shop(uow, shop_id))

    async def shop_by_api_key(self, api_key: str) -> Shop | None:
        """The shop an API key belongs to, or None."""
        if not api_key or not api_key.startswith(credentials.API_KEY_PREFIX):
            return None
        digest = credentials.hash_api_key(api_key)
        return await self._read(lambda uow: uow.shops.by_api_key_hash(digest))

    async def shop_by_phone(self, phone: str) -> CallerShop | None:
        """Which shop a caller belongs to (and their role), or None for a stranger."""
        try:
            e164 = normalize_phone(phone)
        except ValidationError:
            return None
        found = await self._read(lambda uow: uow.shops.by_phone(e164))
        if found is None:
            return None
        shop, row, _ = found
        return CallerShop(shop=shop, phone=row.phone, role=row.role, has_pin=row.has_pin)

    async def verify_pin(self, phone: str, pin: str) -> bool:
        """True when the phone has no PIN set or the PIN matches (see `check_pin`)."""
        return (await self.check_pin(phone, pin)).ok

    async def check_pin(self, phone: str, pin: str) -> PinCheck:
        """A PIN keyed in from `phone`: accepted when the phone has no PIN or it matches.

        Wrong PINs are counted across calls per (shop, calling number) and lock
        that number out for a growing time (business.pin_lockout); while locked
        no PIN is even compared. One transaction: two calls racing count twice.
        """
        try:
            e164 = normalize_phone(phone)
        except ValidationError:
            return PinCheck(ok=False)
        now = self._clock.now()
        async with self._uow() as uow:
            found = await uow.shops.by_phone(e164)
            if found is None:
                return PinCheck(ok=False)
            shop, _phone, stored = found
            if stored is None:
                return PinCheck(ok=True)
            failures, locked_until = await uow.shops.pin_attempts(shop.id, e164)
            if locked_until is not None and locked_until > now:
                return PinCheck(ok=False, locked_until=locked_until)
            if await asyncio.to_thread(credentials.check_pin, str(pin).strip(), stored):
                if failures:
                    await uow.shops.set_pin_attempts(shop.id, e164, 0, None)
                    await uow.commit()
                return PinCheck(ok=True)
            failures += 1
            lock = lock_for(failures)
            until = now + lock if lock is not None else None
            await uow.shops.set_pin_attempts(shop.id, e164, failures, until)
            notice_id = None
            if until is not None:
                notice = pin_lockout_notice(shop.id, shop.name, e164, until)
                notice_id = await uow.owner_notices.add(notice, now)
            await uow.commit()
        if lock is not None:
            log.warning("shop %s: PIN lock-out for a calling number after %d wrong PINs", shop.id, failures)
        if notice_id is not None:
            self._jobs.enqueue_owner_notice(notice_id)  # the owner hears of it (once an hour at most)
        return PinCheck(ok=False, locked_until=until, lock_started=lock is not None)


# --- input checks (pure) -----------------------------------------------------------


async def pin_hash_of(pin: str | None) -> str | None:
    """The stored hash of a 4-8 digit PIN (None: no PIN); hashing runs off the event loop."""
    if pin is None or str(pin).strip() == "":
        return None
    pin = str(pin).strip()
    if not credentials.valid_pin(pin):
        raise ValidationError("PIN must be 4-8 digits", "pin")
    return await asyncio.to_thread(credentials.hash_pin, pin)
