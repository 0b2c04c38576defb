"""Disputes the owner has not been told of: taken (and marked told) by the greeting of a call or chat."""

from __future__ import annotations

from business.actions.runner import ActionRunner
from business.disputes import Dispute
from business.ports import UnitOfWork


class DisputeActions(ActionRunner):
    async def take_untold_disputes(self, shop_id: int, limit: int = 3) -> list[Dispute]:
        """The oldest untold disputes (at most `limit`), marked told in the same transaction:
        each is told once, whichever call or chat starts first."""
        async with self._uow() as uow:
            disputes = await uow.disputes.take_untold(shop_id, self._clock.now(), limit)
            await uow.commit()
        return disputes


__all__ = ["DisputeActions", "UnitOfWork"]
