"""The pure vocabulary that deciders use: rules broken (``DomainError``) and folding
(``decider``), national IDs and organisation numbers (``identifiers``); business time is
``pathways.timeutil``, below every room. No framework, no I/O."""
