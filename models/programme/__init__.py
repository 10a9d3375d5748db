"""The programme around the match (issue 13): subsidies as configuration (``subsidies``), 务工证明
(``certificates``), 点对点 transport batches (``batches``), the exchange with partner provinces (``exchange``),
training courses (``training``), labour brands (``brands``) and rights-protection cases (``cases``). Store-level
code; the rules of who may do what are the actions' (``models.actions``)."""
