"""What an operator sets and watches: the settings read and checked at start (``settings``,
``config``), connections to MongoDB (``mongo``), log lines (``logs``) and metrics
(``metrics``)."""
