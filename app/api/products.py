"""/api/products: the shop's products, their stock, and what is running low."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from app.api.auth import IdempotencyKeyDep, ShopDep
from app.api.schemas import ProductIn, ProductOut, product_view

router = APIRouter(prefix="/products", tags=["products"])


@router.get("", response_model=list[ProductOut], summary="Every product with its stock")
async def list_products(request: Request, shop: ShopDep) -> list[dict[str, Any]]:
    return [product_view(p) for p in await request.app.state.books.list_products(shop.id)]


@router.get("/low-stock", response_model=list[ProductOut], summary="Products at or below their low-stock level, emptiest first")
async def low_stock(request: Request, shop: ShopDep) -> list[dict[str, Any]]:
    return [product_view(p) for p in await request.app.state.books.low_stock(shop.id)]


@router.post("", response_model=ProductOut, status_code=201, summary="Add a product with an opening stock")
async def add_product(
    request: Request, shop: ShopDep, body: ProductIn, idempotency_key: IdempotencyKeyDep
) -> dict[str, Any]:
    product = await request.app.state.books.add_product(
        shop.id, body.name, unit=body.unit, price_paise=body.price_paise, gst_rate_bp=body.gst_rate_bp,
        hsn=body.hsn, aliases=body.aliases, low_stock_level=body.low_stock_level, stock=body.stock,
        idempotency_key=idempotency_key,
    )
    return product_view(product)
