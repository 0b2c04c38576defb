-- Wrong PINs counted across calls per (shop, calling number), with a growing lock-out:
-- a spoofed caller ID can no longer try PINs over thousands of calls.
CREATE TABLE pin_attempts (
    shop_id      integer NOT NULL REFERENCES shops(id) ON DELETE CASCADE,
    phone        text NOT NULL,
    failures     integer NOT NULL DEFAULT 0 CHECK (failures >= 0),
    locked_until timestamptz,
    updated_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (shop_id, phone)
);
