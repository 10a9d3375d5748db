"""The programme around the match (issue 13): subsidies as configuration (``subsidies``), 务工证明
(``certificates``), 点对点 transport batches (``batches``) and the exchange with partner provinces
(``exchange``). Store-level code; the rules of who may do what are the actions' (``models.actions``)."""
