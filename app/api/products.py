"""/api/products: the shop's products, their stock, and what is running low."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter
from pydantic import Field

from app.api.auth import IdempotencyKeyDep, ShopDep
from app.api.deps import BooksDep
from app.api.schemas import Body, JsonQuantity, Out, Paise, Quantity, Timestamp

router = APIRouter(prefix="/products", tags=["products"])


class ProductIn(Body):
    name: str = Field(min_length=1, max_length=200, examples=["Amul Taaza milk"])
    unit: str = Field(min_length=1, max_length=20, examples=["packet"])
    price_paise: Paise
    gst_rate_bp: Annotated[int, Field(strict=True, ge=0, le=2800)] = 0
    hsn: str = Field(default="", max_length=8)
    aliases: list[Annotated[str, Field(min_length=1, max_length=100)]] = Field(default_factory=list, max_length=20)
    low_stock_level: Quantity = Decimal(0)
    stock: Quantity = Decimal(0)


class ProductOut(Out):
    """A `business.models.Product` (stock and low-stock level read from its Decimal views)."""

    id: int
    name: str
    aliases: list[str]
    unit: str
    price_paise: int = Field(description="per unit, excluding GST")
    gst_rate_bp: int = Field(description="basis points: 500 = 5%")
    hsn: str
    stock: JsonQuantity = Field(description="in the product's unit")
    low_stock_level: JsonQuantity
    created_at: Timestamp


@router.get("", summary="Every product with its stock")
async def list_products(books: BooksDep, shop: ShopDep) -> list[ProductOut]:
    return [ProductOut.model_validate(p) for p in await books.list_products(shop.id)]


@router.get("/low-stock", summary="Products at or below their low-stock level, emptiest first")
async def low_stock(books: BooksDep, shop: ShopDep) -> list[ProductOut]:
    return [ProductOut.model_validate(p) for p in await books.low_stock(shop.id)]


@router.post("", status_code=201, summary="Add a product with an opening stock")
async def add_product(
    books: BooksDep, shop: ShopDep, body: ProductIn, idempotency_key: IdempotencyKeyDep
) -> ProductOut:
    product = await books.add_product(
        shop.id, body.name, unit=body.unit, price_paise=body.price_paise, gst_rate_bp=body.gst_rate_bp,
        hsn=body.hsn, aliases=body.aliases, low_stock_level=body.low_stock_level, stock=body.stock,
        idempotency_key=idempotency_key,
    )
    return ProductOut.model_validate(product)
