"""The demo shop `execora seed --demo` loads: plain data plus one loader.

"Sharma Kirana Store" with regulars known by nickname and landmark (two
Rahuls told apart by where they live), everyday products with Hindi aliases,
GST rates in basis points (fresh milk, bread, eggs nil; biscuits, butter, tea
5%), HSN codes, opening stock and a few opening balances. Prices in paise,
excluding GST.
"""

from __future__ import annotations

from typing import Any

from business.books import Books
from business.models import Shop

SHOP: dict[str, Any] = {
    "name": "Sharma Kirana Store",
    "owner_phone": "+919800000001",
    "address": "12 Station Road, Civil Lines",
    "state": "Uttar Pradesh",
    "gstin": None,
}

CUSTOMERS: list[dict[str, Any]] = [
    {"name": "Rahul Verma", "phone": "+919811100001", "nicknames": ["Rahul bhai"], "landmark": "Station Road",
     "name_devanagari": "राहुल वर्मा", "whatsapp_opt_in": True, "opening_balance_paise": 45000},
    {"name": "Rahul Singh", "phone": "+919811100002", "nicknames": ["Chhota Rahul"], "landmark": "Gandhi Nagar",
     "name_devanagari": "राहुल सिंह", "whatsapp_opt_in": True},
    {"name": "Suresh Yadav", "phone": "+919811100003", "nicknames": ["Suresh bhaiya"], "landmark": "Mandir ke paas",
     "name_devanagari": "सुरेश यादव", "whatsapp_opt_in": True, "opening_balance_paise": 120000},
    {"name": "Ramesh Sharma", "phone": "+919811100004", "nicknames": ["Sharma ji"], "landmark": "Bank Colony",
     "name_devanagari": "रमेश शर्मा", "whatsapp_opt_in": True, "opening_balance_paise": 78000},
    {"name": "Anil Gupta", "phone": "+919811100005", "nicknames": ["Gupta ji"], "landmark": "Station Road",
     "name_devanagari": "अनिल गुप्ता", "whatsapp_opt_in": False, "opening_balance_paise": 25000},
    {"name": "Meena Devi", "phone": "+919811100006", "nicknames": ["Meena aunty"], "landmark": "Gali No. 3",
     "name_devanagari": "मीना देवी", "whatsapp_opt_in": True},
    {"name": "Pooja Agarwal", "phone": "+919811100007", "nicknames": ["Pooja didi"], "landmark": "Sadar Bazaar",
     "name_devanagari": "पूजा अग्रवाल", "whatsapp_opt_in": True},
    {"name": "Mohammed Irfan", "phone": "+919811100008", "nicknames": ["Irfan bhai"], "landmark": "Masjid Road",
     "name_devanagari": "मोहम्मद इरफ़ान", "whatsapp_opt_in": True, "opening_balance_paise": 33000},
    {"name": "Sunita Mishra", "phone": "+919811100009", "nicknames": ["Mishra aunty"], "landmark": "School ke saamne",
     "name_devanagari": "सुनीता मिश्रा", "whatsapp_opt_in": False},
    {"name": "Ramesh Doodhwala", "phone": "+919811100010", "nicknames": ["doodh wale Ramesh"],
     "landmark": "Dairy Chowk", "name_devanagari": "रमेश दूधवाला", "whatsapp_opt_in": True},
    {"name": "Vikas Chauhan", "phone": "+919811100011", "nicknames": ["Vicky"], "landmark": "Petrol Pump",
     "name_devanagari": "विकास चौहान", "whatsapp_opt_in": True},
    {"name": "Kavita Joshi", "phone": None, "nicknames": ["Joshi madam"], "landmark": "Naya Mohalla",
     "name_devanagari": "कविता जोशी", "whatsapp_opt_in": False},
]

PRODUCTS: list[dict[str, Any]] = [
    {"name": "Amul Taaza Milk 500ml", "unit": "packet", "price_paise": 2800, "gst_rate_bp": 0, "hsn": "0401",
     "aliases": ["milk", "doodh", "dudh", "दूध", "amul doodh"], "stock": 40, "low_stock_level": 10},
    {"name": "Bread", "unit": "packet", "price_paise": 4000, "gst_rate_bp": 0, "hsn": "1905",
     "aliases": ["double roti", "pav", "ब्रेड", "dabal roti"], "stock": 15, "low_stock_level": 5},
    {"name": "Aashirvaad Atta", "unit": "kg", "price_paise": 4800, "gst_rate_bp": 0, "hsn": "1101",
     "aliases": ["atta", "aata", "gehun ka atta", "आटा"], "stock": 100, "low_stock_level": 20},
    {"name": "Chini", "unit": "kg", "price_paise": 4600, "gst_rate_bp": 500, "hsn": "1701",
     "aliases": ["sugar", "cheeni", "shakkar", "चीनी"], "stock": 50, "low_stock_level": 10},
    {"name": "Toor Dal", "unit": "kg", "price_paise": 16000, "gst_rate_bp": 0, "hsn": "0713",
     "aliases": ["dal", "arhar dal", "daal", "दाल"], "stock": 30, "low_stock_level": 5},
    {"name": "Basmati Chawal", "unit": "kg", "price_paise": 9000, "gst_rate_bp": 500, "hsn": "1006",
     "aliases": ["chawal", "rice", "चावल"], "stock": 40, "low_stock_level": 10},
    {"name": "Parle-G", "unit": "packet", "price_paise": 1000, "gst_rate_bp": 500, "hsn": "1905",
     "aliases": ["parle g biscuit", "biscuit", "parle ji", "पारले जी"], "stock": 120, "low_stock_level": 24},
    {"name": "Maggi Noodles", "unit": "packet", "price_paise": 1400, "gst_rate_bp": 500, "hsn": "1902",
     "aliases": ["maggi", "noodles", "मैगी"], "stock": 80, "low_stock_level": 20},
    {"name": "Amul Butter 100g", "unit": "packet", "price_paise": 5600, "gst_rate_bp": 500, "hsn": "0405",
     "aliases": ["butter", "makhan", "मक्खन"], "stock": 20, "low_stock_level": 5},
    {"name": "Tata Salt", "unit": "packet", "price_paise": 2800, "gst_rate_bp": 0, "hsn": "2501",
     "aliases": ["namak", "salt", "नमक"], "stock": 60, "low_stock_level": 10},
    {"name": "Fortune Sarson Tel", "unit": "l", "price_paise": 17500, "gst_rate_bp": 500, "hsn": "1514",
     "aliases": ["sarson ka tel", "mustard oil", "tel", "तेल"], "stock": 25, "low_stock_level": 5},
    {"name": "Tata Tea Premium", "unit": "packet", "price_paise": 14000, "gst_rate_bp": 500, "hsn": "0902",
     "aliases": ["chai patti", "tea", "chai", "चाय पत्ती"], "stock": 30, "low_stock_level": 6},
    {"name": "Anda", "unit": "piece", "price_paise": 700, "gst_rate_bp": 0, "hsn": "0407",
     "aliases": ["egg", "eggs", "ande", "अंडा"], "stock": 180, "low_stock_level": 30},
    {"name": "Lifebuoy Sabun", "unit": "piece", "price_paise": 3500, "gst_rate_bp": 500, "hsn": "3401",
     "aliases": ["sabun", "soap", "lifebuoy", "साबुन"], "stock": 40, "low_stock_level": 10},
    {"name": "Haldiram Namkeen", "unit": "packet", "price_paise": 5000, "gst_rate_bp": 500, "hsn": "2106",
     "aliases": ["namkeen", "bhujia", "नमकीन"], "stock": 25, "low_stock_level": 5},
]


async def load_demo_shop(books: Books, pin: str | None = None) -> tuple[Shop, str]:
    """Create the demo shop (owner PIN `pin`) with its customers and products; returns the shop and its API key."""
    shop, api_key = await books.create_shop(
        SHOP["name"], SHOP["owner_phone"], pin, address=SHOP["address"], state=SHOP["state"], gstin=SHOP["gstin"]
    )
    for c in CUSTOMERS:
        await books.add_customer(shop.id, **c)
    for p in PRODUCTS:
        await books.add_product(shop.id, **p)
    return shop, api_key
