"""A service's API declared without transport: routes (``routes``), the marshmallow fields
that bodies share (``fields``) and what the services answer (``answers``). ``pathways.runtime``
turns these into nameko entrypoints and OpenAPI documents."""
