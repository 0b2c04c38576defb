"""The shop's use cases, one module per aggregate; `business.books.Books` puts them together."""
