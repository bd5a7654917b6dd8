"""The use cases' toolkit, with no transport: load, decide and append (``commands``), the
views kept from a service's own log (``views``), reactions declared once (``reactions``), input
checked at a boundary (``validation``) and how long a request may wait for another service
(``timeouts``)."""
